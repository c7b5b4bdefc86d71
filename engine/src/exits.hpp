#pragma once
// Exit policies between layers: the encoder streams' similarity exits and the per-token decoder
// exits, with everything the run trace records. Decisions are per row, so a batch decides exactly
// as one-by-one runs would.

#include "mue/trace.hpp"
#include "ofa_model.hpp"
#include "run_context.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mue::detail {

// cos(vec a_r, vec b_r) per row r of [R, T, ...] tensors over the positions where `keep` ([R, T]
// bool; undefined = all) is true; clamped to [-1, 1] so that a threshold of 1 can never be
// exceeded by rounding. A plain loop: this is the exit check, and a chain of small tensor ops
// would cost more than the arithmetic.
// With `per_token`, the same pass also fills it with each position's own cosine over the last
// dimension ([R * T], row-major; 0 where `keep` is false).
[[nodiscard]] std::vector<float> row_cosine(const torch::Tensor& a, const torch::Tensor& b,
                                            const torch::Tensor& keep = {}, std::vector<float>* per_token = nullptr);

// When an encoder stream stops: after layer i if similarity(i) > threshold, or at a fixed depth.
struct StreamExitRule {
    std::optional<double> threshold;  // none: no similarity exit
    int fixed_layers = 0;             // > 0: stop after this many layers (Static policy)
};

// One encoder stream to run: its exit rule and the stage name its layer timings carry.
struct StreamRun {
    EncoderStream* stream = nullptr;
    StreamExitRule rule;
    std::string stage;
};

// Runs each stream until each of its rows exits (or, with what_if, every layer while recording
// where each row would have exited). The streams start at the same depth; while more than one
// still runs and they are short, they run each layer together (EncoderStream::step_together).
// Returns one trace per row for each stream; per-token similarity covers unpadded tokens.
[[nodiscard]] std::vector<std::vector<StreamTrace>> run_encoder_streams(const std::vector<StreamRun>& runs, bool what_if,
                                                                        RunContext& context);

// The decoder side of a policy: the active threshold of each step and the exit test per layer.
class DecoderExitPolicy {
public:
    // max_steps is N in the CALM schedule; scoring (one teacher-forced pass) uses theta itself.
    DecoderExitPolicy(const ExitSettings& settings, int layers, int max_steps, bool scoring);

    [[nodiscard]] double threshold(int step) const;  // Theta(t), or the policy's own threshold
    [[nodiscard]] bool needs_head() const;           // the test reads the shared head's output
    [[nodiscard]] const ExitSettings& settings() const { return settings_; }

private:
    ExitSettings settings_;
    int layers_;
    int max_steps_;
    bool scoring_;
};

// Runs the open step of `run` layer by layer with per-row exits. `keep` ([R, T] bool) marks real
// positions; `readout` ([R] long) the position whose distribution the head tests. Returns one
// trace per row (id/text and lens texts left for the caller); run.hidden() then holds each row's
// exit state (every layer's with what_if).
[[nodiscard]] std::vector<DecoderTokenTrace> run_decoder_step(const OfaModel& model, DecoderRun& run,
                                                              const DecoderExitPolicy& policy, int step,
                                                              const torch::Tensor& keep, const torch::Tensor& readout,
                                                              RunContext& context);

}  // namespace mue::detail
