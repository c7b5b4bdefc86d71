#include "mue/trace.hpp"

#include "mue/engine.hpp"
#include "mue/errors.hpp"

#include <array>
#include <cmath>
#include <utility>

namespace mue {
namespace {

constexpr std::array<std::pair<ExitPolicy, std::string_view>, 7> kPolicyNames{{
    {ExitPolicy::Full, "full"},
    {ExitPolicy::Mue, "mue"},
    {ExitPolicy::Joint, "joint"},
    {ExitPolicy::Static, "static"},
    {ExitPolicy::DeeBert, "deebert"},
    {ExitPolicy::Pabee, "pabee"},
    {ExitPolicy::Confidence, "confidence"},
}};

constexpr std::array<std::pair<KvPolicy, std::string_view>, 3> kKvNames{{
    {KvPolicy::None, "none"},
    {KvPolicy::Copy, "copy"},
    {KvPolicy::Propagate, "propagate"},
}};

// Thresholds far outside [-1, 1] are legal (they force or forbid exits) but not infinite.
constexpr double kThresholdLimit = 1e6;
constexpr int kMaxLayers = 256;
constexpr double kReleasedBeta = 0.9;
constexpr double kReleasedWarmup = 1.0 / 3.0;

template <typename Number>
void require(bool ok, const std::string& field, const std::string& rule, Number value) {
    if (!ok) {
        throw InputError("exit setting '" + field + "' must be " + rule + " (got " + std::to_string(value) + ")");
    }
}

}  // namespace

std::string_view exit_policy_name(ExitPolicy policy) {
    for (const auto& [p, name] : kPolicyNames) {
        if (p == policy) return name;
    }
    return "unknown";
}

std::optional<ExitPolicy> parse_exit_policy(std::string_view name) {
    for (const auto& [p, n] : kPolicyNames) {
        if (n == name) return p;
    }
    return std::nullopt;
}

std::string_view kv_policy_name(KvPolicy policy) {
    for (const auto& [p, name] : kKvNames) {
        if (p == policy) return name;
    }
    return "unknown";
}

std::optional<KvPolicy> parse_kv_policy(std::string_view name) {
    for (const auto& [p, n] : kKvNames) {
        if (n == name) return p;
    }
    return std::nullopt;
}

ExitSettings ExitSettings::preset(std::string_view name) {
    ExitSettings s;
    s.policy = ExitPolicy::Mue;
    if (name == "paper") return s;  // the defaults are the paper appendix's
    if (name == "released-ve" || name == "released-caption") {
        const bool ve = name == "released-ve";
        s.image_threshold = ve ? 0.70 : 0.99;
        s.text_threshold = ve ? 0.99 : 0.70;
        s.decoder_threshold = ve ? 0.70 : 0.90;
        s.beta = kReleasedBeta;
        s.warmup_fraction = kReleasedWarmup;
        return s;
    }
    if (name == "no-exits") {
        s.policy = ExitPolicy::Full;
        return s;
    }
    throw InputError("unknown exit preset '" + std::string(name) +
                     "' (known: paper, released-ve, released-caption, no-exits)");
}

void ExitSettings::validate() const {
    for (const auto& [field, value] : {std::pair<const char*, double>{"image_threshold", image_threshold},
                                       {"text_threshold", text_threshold},
                                       {"joint_threshold", joint_threshold},
                                       {"decoder_threshold", decoder_threshold}}) {
        require(std::isfinite(value) && std::abs(value) <= kThresholdLimit, field, "a finite number", value);
    }
    require(beta >= 0 && beta <= 1, "beta", "in [0, 1]", beta);
    require(std::isfinite(tau) && tau >= 0 && tau <= kThresholdLimit, "tau", "a number >= 0", tau);
    require(warmup_fraction >= 0 && warmup_fraction <= 1, "warmup_fraction", "in [0, 1]", warmup_fraction);
    for (const auto& [field, value] : {std::pair<const char*, int>{"static_image_layers", static_image_layers},
                                       {"static_text_layers", static_text_layers},
                                       {"static_decoder_layers", static_decoder_layers}}) {
        require(value >= 0 && value <= kMaxLayers, field, "a layer count >= 0 (0 = all layers)", value);
    }
    require(std::isfinite(entropy_threshold) && entropy_threshold >= 0, "entropy_threshold", "a number >= 0 (nats)",
            entropy_threshold);
    require(patience >= 1 && patience <= kMaxLayers, "patience", "at least 1", patience);
    require(confidence_threshold >= 0 && confidence_threshold <= 1, "confidence_threshold", "in [0, 1]",
            confidence_threshold);
}

bool operator==(const ExitSettings& a, const ExitSettings& b) {
    return a.policy == b.policy && a.image_threshold == b.image_threshold && a.text_threshold == b.text_threshold &&
           a.joint_threshold == b.joint_threshold && a.decoder_threshold == b.decoder_threshold && a.beta == b.beta &&
           a.tau == b.tau && a.warmup_fraction == b.warmup_fraction && a.kv_policy == b.kv_policy &&
           a.static_image_layers == b.static_image_layers && a.static_text_layers == b.static_text_layers &&
           a.static_decoder_layers == b.static_decoder_layers && a.entropy_threshold == b.entropy_threshold &&
           a.patience == b.patience && a.confidence_threshold == b.confidence_threshold && a.lens == b.lens &&
           a.what_if == b.what_if && a.compare_full == b.compare_full;
}

// Declared in engine.hpp, defined in mue_core: readers of saved documents (sessions, sweeps) and
// the fuzzers need the name without LibTorch.
std::string_view task_name(Task task) {
    switch (task) {
        case Task::Caption: return "caption";
        case Task::Entailment: return "entailment";
        case Task::Prompt: return "prompt";
    }
    return "unknown";
}

}  // namespace mue
