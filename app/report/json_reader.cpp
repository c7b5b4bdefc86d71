#include "json_reader.hpp"

namespace mue::report {

Json parse_json(std::string_view text, const std::string& source) {
    try {
        return Json::parse(text);
    } catch (const Json::parse_error& error) {
        throw InputError(source + ": not valid JSON (" + error.what() + ")");
    }
}

}  // namespace mue::report
