#include "inference_backend.hpp"

namespace mue::studio {
namespace {

class EngineBackend final : public InferenceBackend {
public:
    explicit EngineBackend(mue::Engine engine) : engine_(std::move(engine)) {}

    [[nodiscard]] LoadedModel model() const override { return {engine_.info(), engine_.config()}; }

    [[nodiscard]] mue::RunResult run(const mue::RunRequest& request, const mue::CancellationToken& cancel) const override {
        return engine_.run(request, &cancel);
    }

private:
    mue::Engine engine_;
};

}  // namespace

std::unique_ptr<InferenceBackend> loadEngineBackend(const std::filesystem::path& folder) {
    return std::make_unique<EngineBackend>(mue::Engine::load(folder));
}

}  // namespace mue::studio
