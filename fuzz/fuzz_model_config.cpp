// config.json: every field's type and range, and the architecture's consistency checks.
#include "fuzz_support.hpp"

#include <mue/errors.hpp>
#include <mue/model_config.hpp>

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto config = mue::ModelConfig::parse(std::string_view(reinterpret_cast<const char*>(data), size),
                                                    "config.json");
        // A config that parses must write itself back and parse again the same.
        const auto again = mue::ModelConfig::parse(config.to_json(), "config.json (written)");
        if (again.to_json() != config.to_json()) __builtin_trap();
    } catch (const mue::InputError&) {
    }
    return 0;
}
