#include "mue/engine.hpp"

#include "decoding.hpp"
#include "exits.hpp"
#include "flops.hpp"
#include "mue/errors.hpp"
#include "mue/safetensors.hpp"
#include "mue/tokenizer.hpp"
#include "ofa_model.hpp"
#include "prompts.hpp"
#include "run_context.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <tuple>

namespace mue {
namespace {

constexpr const char* kConfigFile = "config.json";
constexpr const char* kWeightsFile = "model.safetensors";

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string trim(std::string s) {
    const auto not_space = [](unsigned char c) { return std::isspace(c) == 0; };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
    s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
    return s;
}

// OFA removes Python's string.punctuation from generated captions.
std::string strip_ascii_punctuation(std::string s) {
    s.erase(std::remove_if(s.begin(), s.end(), [](unsigned char c) { return std::ispunct(c) != 0; }), s.end());
    return s;
}

}  // namespace

std::optional<EncoderMode> policy_encoder_mode(ExitPolicy policy) {
    switch (policy) {
        case ExitPolicy::Mue:
        case ExitPolicy::Static: return EncoderMode::Decomposed;
        case ExitPolicy::Joint: return EncoderMode::Joint;
        case ExitPolicy::Full:
        case ExitPolicy::DeeBert:
        case ExitPolicy::Pabee:
        case ExitPolicy::Confidence: break;
    }
    return std::nullopt;
}

void set_intra_op_threads(int threads) {
    if (threads < 1) throw InputError("thread count must be at least 1 (got " + std::to_string(threads) + ")");
    torch::set_num_threads(threads);
    // OpenBLAS (pthread build) keeps its own pool, one thread per core, beside LibTorch's OpenMP
    // threads: the two oversubscribe the cores (docs/benchmarks.md measured 1.2-4x slower runs at
    // 1 intra-op thread on a busy 2-core machine). Matrix products therefore run on the calling
    // thread. Looked up at run time: LibTorch may use another BLAS, which has no such pool.
    using SetThreads = void (*)(int);
    if (auto* set_blas_threads = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
        set_blas_threads(/*num_threads=*/1);
    }
}

int intra_op_threads() { return torch::get_num_threads(); }

struct Engine::Impl {
    ModelInfo info;
    Tokenizer tokenizer;
    detail::OfaModel model;
    std::vector<int> answer_ids;

    Impl(ModelInfo i, Tokenizer t, detail::OfaModel m)
        : info(std::move(i)), tokenizer(std::move(t)), model(std::move(m)) {}

    [[nodiscard]] const ModelConfig& config() const { return model.config(); }

    [[nodiscard]] std::vector<int> source_ids(const RunRequest& request) const;
    [[nodiscard]] torch::Tensor pixels(const std::vector<RunRequest>& requests) const;
};

std::vector<int> Engine::Impl::source_ids(const RunRequest& request) const {
    return detail::source_ids(config(), tokenizer, request.task, request.text, request.premise);
}

torch::Tensor Engine::Impl::pixels(const std::vector<RunRequest>& requests) const {
    const auto size = config().image.size;
    auto batch = torch::empty({static_cast<std::int64_t>(requests.size()), 3, size, size});
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const auto& r = requests[i];
        const RgbImage decoded = r.image.rgb.empty() ? decode_image_file(r.image_path) : RgbImage{};
        const RgbImage& image = r.image.rgb.empty() ? decoded : r.image;
        auto values = preprocess_image(image, config().image);
        batch[static_cast<std::int64_t>(i)].copy_(torch::from_blob(values.data(), {3, size, size}, torch::kFloat32));
    }
    return batch;
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;
Engine::~Engine() = default;

Engine Engine::load(const std::filesystem::path& model_folder) {
    if (!std::filesystem::is_directory(model_folder)) {
        throw InputError(model_folder.string() + ": not a model folder (expected config.json, model.safetensors and tokenizer files)");
    }
    ModelConfig config = ModelConfig::load(model_folder / kConfigFile);
    Tokenizer tokenizer = Tokenizer::load(model_folder);
    const std::string config_name = (model_folder / kConfigFile).string();
    if (tokenizer.vocab_size() > config.arch.vocab_size) {
        throw InputError(config_name + ": field 'architecture.vocab_size' (" + std::to_string(config.arch.vocab_size) +
                         ") is smaller than the tokenizer's " + std::to_string(tokenizer.vocab_size()) + " ids");
    }
    const auto& ts = tokenizer.special();
    const auto& cs = config.special;
    if (ts.bos != cs.bos || ts.pad != cs.pad || ts.eos != cs.eos || ts.unk != cs.unk) {
        throw InputError(config_name + ": field 'special_tokens' disagrees with the tokenizer's <s> <pad> </s> <unk> ids (" +
                         std::to_string(ts.bos) + " " + std::to_string(ts.pad) + " " + std::to_string(ts.eos) + " " +
                         std::to_string(ts.unk) + ")");
    }
    std::vector<int> answer_ids;
    for (const auto& answer : config.entailment.answers) {
        try {
            answer_ids.push_back(tokenizer.token_id(answer));
        } catch (const InputError& e) {
            throw InputError(config_name + ": field 'tasks.entailment.answers': \"" + answer + "\" is not one token (" + e.what() + ")");
        }
    }

    const SafetensorsFile file = SafetensorsFile::open(model_folder / kWeightsFile);
    detail::Weights weights = detail::Weights::load(file, config);

    ModelInfo info;
    info.model_id = config.model_id;
    info.description = config.description;
    info.trained = config.trained;
    info.folder = std::filesystem::absolute(model_folder).lexically_normal();
    info.arch = config.arch;
    info.image_size = config.image.size;
    info.image_tokens = config.image_tokens();
    info.encoder_mode = config.encoder_mode;
    info.parameters = weights.parameter_count();
    info.tokenizer_format = tokenizer.format() == VocabularyFormat::Ofa ? "ofa" : "huggingface";

    auto impl = std::make_unique<Impl>(std::move(info), std::move(tokenizer),
                                       detail::OfaModel(std::move(config), std::move(weights)));
    impl->answer_ids = std::move(answer_ids);
    return Engine(std::move(impl));
}

const ModelInfo& Engine::info() const { return impl_->info; }
const ModelConfig& Engine::config() const { return impl_->config(); }

RunResult Engine::run(const RunRequest& request, const CancellationToken* cancel, const LayerObserver& observer) const {
    return run_batch({request}, cancel, observer).front();
}

namespace {

detail::StreamExitRule stream_rule(const ExitSettings& exits, double threshold, int static_layers) {
    detail::StreamExitRule rule;
    if (exits.policy == ExitPolicy::Mue || exits.policy == ExitPolicy::Joint) rule.threshold = threshold;
    if (exits.policy == ExitPolicy::Static) rule.fixed_layers = static_layers;
    return rule;
}

// The joint stream's trace seen from one modality: same similarity and exit, its own tokens.
StreamTrace modality_view(const StreamTrace& joint, int first_token, int tokens) {
    StreamTrace view = joint;
    view.tokens = tokens;
    for (auto& layer : view.token_similarity) {
        layer = std::vector<float>(layer.begin() + first_token, layer.begin() + first_token + tokens);
    }
    return view;
}

// Expected (layer-count) and FLOP-based savings of one example, from its trace. Decoder costs
// follow the returned hypothesis (beam search spends them once per beam, in both the run and the
// full reference alike).
Savings savings_of(const RunTrace& trace, const ModelConfig& c, int decoder_block, bool head_per_layer) {
    const auto& a = c.arch;
    const double ne = a.encoder_layers;
    const double nd = a.decoder_layers;
    const double p = trace.image.exit_layer;
    const double q = trace.text.exit_layer;
    const double image_tokens = trace.image.tokens;
    const double text_tokens = trace.text.tokens;
    double decoder_layers_used = 0;
    for (const auto& t : trace.decoder_tokens) decoder_layers_used += t.exit_layer;
    const double mean_nd = trace.decoder_tokens.empty() ? nd : decoder_layers_used / trace.decoder_tokens.size();

    Savings s;
    s.expected_reduction_mean = 1.0 - ((p + q) / 2.0 + mean_nd) / (ne + nd);
    s.expected_reduction_token_weighted =
        1.0 - ((p * image_tokens + q * text_tokens) / (image_tokens + text_tokens) + mean_nd) / (ne + nd);

    const double source = image_tokens + text_tokens;
    const double stem = detail::flops::image_stem(c);
    if (trace.joint_encoder) {
        s.flops = stem + p * detail::flops::encoder_layer(source, a);
        s.full_flops = stem + ne * detail::flops::encoder_layer(source, a);
    } else {
        s.flops = stem + p * detail::flops::encoder_layer(image_tokens, a) + q * detail::flops::encoder_layer(text_tokens, a);
        s.full_flops = stem + ne * (detail::flops::encoder_layer(image_tokens, a) + detail::flops::encoder_layer(text_tokens, a));
    }
    int deepest = 0;
    double keys = 0;
    for (const auto& t : trace.decoder_tokens) {
        const double block = decoder_block;
        keys += block;
        const double layer = detail::flops::decoder_layer(block, keys, source, a);
        const double head = detail::flops::output_head(1, a);
        s.flops += t.exit_layer * layer + head + (head_per_layer ? t.exit_layer * head : 0.0);
        if (trace.settings.kv_policy == KvPolicy::Propagate) {
            s.flops += (nd - t.exit_layer) * detail::flops::self_kv(block, a);
        }
        s.full_flops += nd * layer + head;
        deepest = std::max(deepest, t.exit_layer);
    }
    s.flops += deepest * detail::flops::cross_kv(source, a);
    s.full_flops += nd * detail::flops::cross_kv(source, a);
    s.flop_reduction = 1.0 - s.flops / s.full_flops;
    return s;
}

bool same_decoding(const RunRequest& a, const RunRequest& b, EncoderMode model_mode) {
    return a.task == b.task && a.encoder_mode.value_or(model_mode) == b.encoder_mode.value_or(model_mode) &&
           a.beam_size == b.beam_size && a.max_length == b.max_length && a.exits == b.exits;
}

}  // namespace

std::vector<RunResult> Engine::run_batch(const std::vector<RunRequest>& requests, const CancellationToken* cancel,
                                         const LayerObserver& observer) const {
    if (requests.empty()) return {};
    const Impl& m = *impl_;
    const ModelConfig& c = m.config();
    const RunRequest& first = requests.front();
    for (const auto& r : requests) {
        if (!same_decoding(r, first, c.encoder_mode)) {
            throw InputError("a batch must share task, encoder mode, decoding options and exit settings");
        }
    }
    const Task task = first.task;
    const ExitSettings& exits = first.exits;
    exits.validate();
    for (const auto& [field, layers, available] :
         {std::tuple<const char*, int, int>{"static_image_layers", exits.static_image_layers, c.arch.encoder_layers},
          {"static_text_layers", exits.static_text_layers, c.arch.encoder_layers},
          {"static_decoder_layers", exits.static_decoder_layers, c.arch.decoder_layers}}) {
        if (exits.policy == ExitPolicy::Static && layers > available) {
            throw InputError("exit setting '" + std::string(field) + "' is " + std::to_string(layers) + ", but the model has " +
                             std::to_string(available) + " layers there");
        }
    }
    const EncoderMode mode = policy_encoder_mode(exits.policy).value_or(first.encoder_mode.value_or(c.encoder_mode));

    const auto start = Clock::now();
    c10::InferenceMode inference_guard;
    detail::RunContext context(cancel, observer);

    std::vector<std::vector<int>> sources;
    for (const auto& r : requests) sources.push_back(m.source_ids(r));
    const torch::Tensor pixels = m.pixels(requests);
    const double preprocess_ms = ms_since(start);

    const auto rows = static_cast<std::int64_t>(requests.size());
    std::size_t longest = 0;
    for (const auto& s : sources) longest = std::max(longest, s.size());
    auto tokens = torch::full({rows, static_cast<std::int64_t>(longest)}, c.special.pad, torch::kLong);
    auto padding = torch::ones({rows, static_cast<std::int64_t>(longest)}, torch::kBool);
    for (std::int64_t r = 0; r < rows; ++r) {
        const auto& s = sources[static_cast<std::size_t>(r)];
        const auto n = static_cast<std::int64_t>(s.size());
        tokens[r].narrow(0, 0, n).copy_(torch::tensor(std::vector<std::int64_t>(s.begin(), s.end()), torch::kLong));
        padding[r].narrow(0, 0, n).fill_(false);
    }

    torch::Tensor image_embed, text_embed;
    context.layer("image_stem", 0, static_cast<double>(rows) * detail::flops::image_stem(c),
                  [&] { image_embed = m.model.embed_image(pixels); });
    context.layer("text_embed", 0, 0.0, [&] { text_embed = m.model.embed_text(tokens); });
    const int image_tokens = static_cast<int>(image_embed.size(1));

    std::vector<RunResult> results(requests.size());
    detail::EncoderOutput encoder;
    if (mode == EncoderMode::Decomposed) {
        auto image = m.model.image_stream(image_embed);
        auto text = m.model.text_stream(text_embed, padding);
        const auto traces = detail::run_encoder_streams(
            {{&image, stream_rule(exits, exits.image_threshold, exits.static_image_layers), "encoder.image"},
             {&text, stream_rule(exits, exits.text_threshold, exits.static_text_layers), "encoder.text"}},
            exits.what_if, context);
        for (std::size_t i = 0; i < results.size(); ++i) {
            results[i].trace.image = traces[0][i];
            results[i].trace.text = traces[1][i];
        }
        encoder = m.model.encoder_output(image, text);
    } else {
        auto joint = m.model.joint_stream(image_embed, text_embed, padding);
        const auto joint_traces = detail::run_encoder_streams(
            {{&joint, stream_rule(exits, exits.joint_threshold, 0), "encoder.joint"}}, exits.what_if, context);
        const auto& traces = joint_traces.front();
        for (std::size_t i = 0; i < results.size(); ++i) {
            results[i].trace.joint_encoder = true;
            results[i].trace.image = modality_view(traces[i], 0, image_tokens);
            results[i].trace.text = modality_view(traces[i], image_tokens, traces[i].tokens - image_tokens);
        }
        encoder = m.model.encoder_output(joint);
    }

    for (std::size_t i = 0; i < results.size(); ++i) {
        auto& r = results[i];
        r.source_ids = sources[i];
        r.encoder_mode = mode;
        r.image_tokens = image_tokens;
        r.text_tokens = static_cast<int>(sources[i].size());
        r.trace.model_id = c.model_id;
        r.trace.settings = exits;
        r.trace.decoder_layers = c.arch.decoder_layers;
    }

    std::vector<int> decoder_block(results.size(), 1);  // tokens per decoder step of each example
    if (task == Task::Entailment) {
        std::vector<std::vector<int>> prompts;
        for (const auto& s : sources) prompts.emplace_back(s.begin(), s.end() - 1);  // [bos, prompt] without eos
        const detail::DecoderExitPolicy policy(exits, c.arch.decoder_layers, /*max_steps=*/1, /*scoring=*/true);
        const auto pass = detail::last_position_logits(m.model, encoder, prompts, c.special.pad, policy, context);
        const auto candidate_logits = pass.logits.index_select(
            1, torch::tensor(std::vector<std::int64_t>(m.answer_ids.begin(), m.answer_ids.end()), torch::kLong));
        const auto probabilities = torch::softmax(candidate_logits, 1);
        for (std::size_t i = 0; i < results.size(); ++i) {
            auto& result = results[i];
            const auto row = static_cast<std::int64_t>(i);
            for (std::size_t a = 0; a < m.answer_ids.size(); ++a) {
                const auto col = static_cast<std::int64_t>(a);
                result.answers.push_back({c.entailment.answers[a], probabilities[row][col].item<float>(),
                                          candidate_logits[row][col].item<float>()});
            }
            const auto best = std::max_element(result.answers.begin(), result.answers.end(),
                                               [](const AnswerScore& x, const AnswerScore& y) { return x.logit < y.logit; });
            result.prediction = trim(best->answer);
            result.decoder_steps = 1;
            DecoderTokenTrace t = pass.traces[i];
            t.id = m.answer_ids[static_cast<std::size_t>(best - result.answers.begin())];
            t.text = best->answer;
            result.trace.decoder_tokens.push_back(std::move(t));
            decoder_block[i] = static_cast<int>(prompts[i].size());
        }
    } else {
        detail::SearchOptions options;
        options.beam_size = first.beam_size.value_or(c.caption.beam_size);
        options.max_length = first.max_length.value_or(c.caption.max_length);
        if (options.beam_size < 1) throw InputError("beam size must be at least 1");
        if (options.max_length < 1 || options.max_length > c.arch.text_positions - 2) {
            throw InputError("max length must be in [1, " + std::to_string(c.arch.text_positions - 2) + "]");
        }
        options.no_repeat_ngram_size = c.caption.no_repeat_ngram_size;
        options.length_penalty = c.caption.length_penalty;
        options.bos = c.special.bos;
        options.pad = c.special.pad;
        options.eos = c.special.eos;
        const detail::DecoderExitPolicy policy(exits, c.arch.decoder_layers, options.max_length, /*scoring=*/false);
        const auto hypotheses = options.beam_size == 1 ? detail::greedy_search(m.model, encoder, options, policy, context)
                                                       : detail::beam_search(m.model, encoder, options, policy, context);
        for (std::size_t i = 0; i < results.size(); ++i) {
            auto& result = results[i];
            const auto& h = hypotheses[i];
            result.output_ids = h.tokens;
            result.output_score = h.score;
            for (const int id : result.output_ids) result.output_tokens.push_back(m.tokenizer.token_text(id));
            std::string text = m.tokenizer.decode(result.output_ids);
            if (c.caption.strip_punctuation) text = strip_ascii_punctuation(text);
            result.prediction = trim(text);
            result.decoder_steps = static_cast<int>(h.steps.size());
            for (std::size_t k = 0; k < h.steps.size(); ++k) {
                DecoderTokenTrace t = h.steps[k];
                t.id = k < h.tokens.size() ? h.tokens[k] : c.special.eos;
                t.text = m.tokenizer.token_text(t.id);
                result.trace.decoder_tokens.push_back(std::move(t));
            }
        }
    }

    const detail::DecoderExitPolicy head_check(exits, c.arch.decoder_layers, 1, false);
    const double total_ms = ms_since(start);
    for (std::size_t i = 0; i < results.size(); ++i) {
        auto& result = results[i];
        for (auto& t : result.trace.decoder_tokens) {
            for (auto& layer : t.lens) {
                for (auto& entry : layer) entry.text = m.tokenizer.token_text(entry.id);
            }
        }
        result.trace.savings = savings_of(result.trace, c, decoder_block[i], head_check.needs_head());
        result.trace.savings.compute_ms = total_ms - preprocess_ms;
        result.timings = context.timings();
        result.preprocess_ms = preprocess_ms;
        result.total_ms = total_ms;
    }

    if (exits.compare_full) {
        std::vector<RunRequest> reference = requests;
        for (auto& r : reference) {
            r.exits = ExitSettings{};
            r.encoder_mode = mode;
        }
        const auto full = run_batch(reference, cancel);
        for (std::size_t i = 0; i < results.size(); ++i) {
            auto& s = results[i].trace.savings;
            s.full_compute_ms = full[i].trace.savings.compute_ms;
            s.measured_reduction = 1.0 - s.compute_ms / *s.full_compute_ms;
        }
    }
    return results;
}

}  // namespace mue
