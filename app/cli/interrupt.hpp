#pragma once
// Ctrl+C as a cancellation request for long-running `mue` commands.

#include "mue/engine.hpp"

#include <atomic>
#include <csignal>

namespace mue::cli {

// Ctrl+C cancels the command's token instead of killing the process, so that it can save what it
// has done (a sweep its finished points, training a checkpoint). The previous handler comes back
// when this goes out of scope. One at a time; construct and destroy it on the main thread.
class InterruptCancels {
public:
    InterruptCancels() {
        active_.store(&token_);
        previous_ = std::signal(SIGINT, &InterruptCancels::handle);
    }
    ~InterruptCancels() {
        std::signal(SIGINT, previous_);
        active_.store(nullptr);
    }
    InterruptCancels(const InterruptCancels&) = delete;
    InterruptCancels& operator=(const InterruptCancels&) = delete;

    [[nodiscard]] const mue::CancellationToken& token() const { return token_; }

private:
    // Lock-free atomic loads and stores only: safe in a signal handler.
    static void handle(int /*signal*/) {
        if (auto* token = active_.load()) token->cancel();
    }

    static inline std::atomic<mue::CancellationToken*> active_{nullptr};
    mue::CancellationToken token_;
    void (*previous_)(int) = SIG_DFL;
};

}  // namespace mue::cli
