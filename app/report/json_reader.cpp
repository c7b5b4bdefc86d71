#include "json_reader.hpp"

namespace mue::report {

Json parse_json(std::string_view text, const std::string& source) {
    try {
        return Json::parse(text);
    } catch (const Json::exception& error) {  // parse_error, and out_of_range for numbers like 1e999
        throw InputError(source + ": not valid JSON (" + error.what() + ")");
    }
}

}  // namespace mue::report
