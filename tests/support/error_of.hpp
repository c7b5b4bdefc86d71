#pragma once
// Shared by the test suites: what an action's InputError says.

#include "mue/errors.hpp"

#include <functional>
#include <string>

namespace mue::test {

// The InputError message `action` throws, or "" when it throws nothing.
[[nodiscard]] inline std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const mue::InputError& error) {
        return error.what();
    }
    return {};
}

}  // namespace mue::test
