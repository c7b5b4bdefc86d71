#pragma once
// What the worker runs requests through: the real engine, or a fake in tests (recorded traces,
// controllable timing) so that threading and views are tested without weights.
//
// Threading: a backend is created, used and destroyed on the worker thread only.

#include <mue/engine.hpp>

#include <filesystem>
#include <memory>

namespace mue::studio {

// The loaded model as the GUI sees it: a copy, safe to hand to another thread.
struct LoadedModel {
    mue::ModelInfo info;
    mue::ModelConfig config;
};

class InferenceBackend {
public:
    InferenceBackend() = default;
    InferenceBackend(const InferenceBackend&) = delete;
    InferenceBackend& operator=(const InferenceBackend&) = delete;
    virtual ~InferenceBackend() = default;

    [[nodiscard]] virtual LoadedModel model() const = 0;
    // Throws mue::InputError for bad input and mue::Cancelled once `cancel` is set (checked before
    // every layer, so a cancel takes effect within one layer).
    [[nodiscard]] virtual mue::RunResult run(const mue::RunRequest& request, const mue::CancellationToken& cancel) const = 0;
    // Called once after loading: pays the first run's one-off costs (allocations, kernel set-up) so
    // that the first measured run is not hundreds of milliseconds slower than the rest.
    virtual void warmUp() const {}
};

// Loads a model folder into the real engine. Throws mue::InputError naming the file and field.
[[nodiscard]] std::unique_ptr<InferenceBackend> loadEngineBackend(const std::filesystem::path& folder);

}  // namespace mue::studio
