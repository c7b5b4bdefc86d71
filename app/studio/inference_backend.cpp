#include "inference_backend.hpp"

#include <cstdint>
#include <vector>

namespace mue::studio {
namespace {

class EngineBackend final : public InferenceBackend {
public:
    explicit EngineBackend(mue::Engine engine) : engine_(std::move(engine)) {}

    [[nodiscard]] LoadedModel model() const override { return {engine_.info(), engine_.config()}; }

    [[nodiscard]] mue::RunResult run(const mue::RunRequest& request, const mue::CancellationToken& cancel) const override {
        return engine_.run(request, &cancel);
    }

    void warmUp() const override {
        constexpr std::uint8_t kGrey = 128;
        mue::RunRequest request;
        const int side = engine_.config().image.size;
        request.image = {side, side, std::vector<std::uint8_t>(static_cast<std::size_t>(side) * side * 3, kGrey)};
        request.exits = mue::ExitSettings::preset("no-exits");
        const mue::CancellationToken never;
        for (const auto task : {mue::Task::Entailment, mue::Task::Caption}) {
            request.task = task;
            request.text = task == mue::Task::Entailment ? "there is a circle" : "";
            (void)engine_.run(request, &never);
        }
    }

private:
    mue::Engine engine_;
};

}  // namespace

std::unique_ptr<InferenceBackend> loadEngineBackend(const std::filesystem::path& folder) {
    return std::make_unique<EngineBackend>(mue::Engine::load(folder));
}

}  // namespace mue::studio
