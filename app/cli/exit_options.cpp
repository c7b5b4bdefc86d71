#include "exit_options.hpp"

#include "mue/errors.hpp"

#include <sstream>
#include <string>

namespace mue::cli {
namespace {

constexpr std::size_t kStaticStreams = 3;  // image, text, decoder
// Shown in the help and in the error for a misspelt name.
constexpr const char* kPolicyNames = "full|mue|joint|static|deebert|pabee|confidence";
constexpr const char* kKvPolicyNames = "none|copy|propagate";

// Copies an option's value into a setting only when the option was given.
template <typename T>
void override_with(const std::optional<T>& option, T& setting) {
    if (option) setting = *option;
}

}  // namespace

std::vector<OptionSpec> exit_option_specs() {
    const ExitSettings defaults;
    const auto with_default = [](const std::string& help, double value) {
        std::ostringstream out;
        out << help << " (default " << value << ")";
        return out.str();
    };
    return {
        {"policy", kPolicyNames, "early-exit policy (default: mue)"},
        {"preset", "paper|released-ve|released-caption|no-exits",
         "start from the authors' settings; the options below override it"},
        {"img-threshold", "X",
         with_default("image stream exits when cos(h_i, h_i-1) > X; 1 never exits", defaults.image_threshold)},
        {"txt-threshold", "X", with_default("text stream exit threshold", defaults.text_threshold)},
        {"joint-threshold", "X", with_default("policy joint: the joint encoder's threshold", defaults.joint_threshold)},
        {"dec-threshold", "X",
         with_default("decoder threshold theta of beta*theta + (1-beta)*exp(-tau*t/N)", defaults.decoder_threshold)},
        {"beta", "X", with_default("decoder threshold schedule weight", defaults.beta)},
        {"tau", "X", with_default("decoder threshold schedule decay", defaults.tau)},
        {"warmup", "FRACTION", with_default("decoder steps t <= FRACTION*N never exit", defaults.warmup_fraction)},
        {"kv-policy", kKvPolicyNames,
         "what decoder layers skipped by an exit cache (default " + std::string(kv_policy_name(defaults.kv_policy)) +
             ")"},
        {"static-layers", "I,T,D", "policy static: image, text and decoder layers to run (0 = all)"},
        {"entropy", "X",
         with_default("policy deebert: exit when the head's entropy < X nats", defaults.entropy_threshold)},
        {"patience", "N", with_default("policy pabee: exit when the prediction held for N layers", defaults.patience)},
        {"confidence", "X",
         with_default("policy confidence: exit when the top probability > X", defaults.confidence_threshold)},
        {"lens", "", "record the head's top-5 tokens at every decoder layer"},
        {"compare-full", "", "also run the full model and measure the time saved"},
        {"what-if", "", "run every layer; record where the policy would have exited"},
    };
}

ExitSettings exit_settings(const ParsedArgs& args) {
    ExitSettings s;
    s.policy = ExitPolicy::Mue;  // the tool shows exits by default; ExitSettings' own default is Full
    if (const auto preset = args.value("preset")) {
        try {
            s = ExitSettings::preset(*preset);
        } catch (const InputError& e) {
            throw UsageError(std::string("--preset: ") + e.what());  // a misspelt name, not bad input
        }
    }
    if (const auto name = args.value("policy")) {
        const auto policy = parse_exit_policy(*name);
        if (!policy) {
            throw UsageError("--policy must be " + std::string(kPolicyNames) + " (got '" + *name + "')");
        }
        s.policy = *policy;
    }
    if (const auto name = args.value("kv-policy")) {
        const auto kv = parse_kv_policy(*name);
        if (!kv) throw UsageError("--kv-policy must be " + std::string(kKvPolicyNames) + " (got '" + *name + "')");
        s.kv_policy = *kv;
    }
    override_with(args.number("img-threshold"), s.image_threshold);
    override_with(args.number("txt-threshold"), s.text_threshold);
    override_with(args.number("joint-threshold"), s.joint_threshold);
    override_with(args.number("dec-threshold"), s.decoder_threshold);
    override_with(args.number("beta"), s.beta);
    override_with(args.number("tau"), s.tau);
    override_with(args.number("warmup"), s.warmup_fraction);
    override_with(args.number("entropy"), s.entropy_threshold);
    override_with(args.number("confidence"), s.confidence_threshold);
    override_with(args.integer("patience"), s.patience);
    if (const auto layers = args.integers("static-layers", kStaticStreams)) {
        s.static_image_layers = (*layers)[0];
        s.static_text_layers = (*layers)[1];
        s.static_decoder_layers = (*layers)[2];
    }
    if (args.flag("lens")) s.lens = true;
    if (args.flag("what-if")) s.what_if = true;
    if (args.flag("compare-full")) s.compare_full = true;
    s.validate();
    return s;
}

}  // namespace mue::cli
