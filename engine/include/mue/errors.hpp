#pragma once
// Exception types thrown across the engine's public boundary. Any thread may throw or catch them.

#include <stdexcept>
#include <string>

namespace mue {

// Something the user supplied cannot be used: a file, a field, a text, an option. The message
// names the file or field and what is wrong. The command-line tool maps it to exit code 3.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A run stopped because its CancellationToken was set; thrown between layers.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("run cancelled") {}
};

}  // namespace mue
