#include "mue/trainer.hpp"

#include "json_util.hpp"
#include "mue/errors.hpp"
#include "mue/safetensors.hpp"
#include "mue/shapes_world.hpp"
#include "mue/tokenizer.hpp"
#include "ofa_model.hpp"
#include "prompts.hpp"
#include "weights.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <exception>
#include <fstream>
#include <future>
#include <map>
#include <random>
#include <set>
#include <sstream>

namespace mue {
namespace {

constexpr const char* kConfigFile = "config.json";
constexpr const char* kWeightsFile = "model.safetensors";
constexpr const char* kOptimizerFile = "training-optimizer.pt";
constexpr const char* kStateFile = "training-state.json";
constexpr const char* kPatchHeadFile = "training-patch-head.pt";
constexpr double kPatchHeadInitScale = 0.02;
// A model trained with positions in the attention biases only, continued with them entangled into
// its tokens: the position tables are scaled by this first, so that the rows now added to the
// tokens disturb it little. The biases read the tables through layer norms, which ignore the scale.
// Measured on P3 (300 validation items, entailment 69.3 % before): 1.0 -> 58.7 %, 0.4 -> 67.7 %,
// 0.15 -> 69.0 %.
constexpr double kEntangledPositionScale = 0.4;
constexpr std::array<const char*, 3> kPositionTables{"encoder.embed_positions.weight", "encoder.embed_image_positions.weight",
                                                      "decoder.embed_positions.weight"};
constexpr std::int64_t kIgnoreIndex = -100;  // target positions that carry no loss
constexpr double kPi = 3.14159265358979323846;

[[nodiscard]] bool is_running_statistic(const std::string& name) {
    for (const std::string suffix : {".running_mean", ".running_var"}) {
        if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
            return true;
        }
    }
    return false;
}

using Clock = std::chrono::steady_clock;

struct Batch {
    torch::Tensor pixels, source, source_padding, decoder_input, decoder_padding, targets;
    std::vector<std::int64_t> answer_rows, answer_positions;  // where the entailment answers are scored
    int captions = 0;
    int cut_captions = 0;  // longer than the config's max_length, so cut
};

torch::Tensor padded(const std::vector<std::vector<std::int64_t>>& rows, std::int64_t fill, std::size_t width) {
    auto out = torch::full({static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(width)}, fill, torch::kLong);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (!rows[r].empty()) {
            out[static_cast<std::int64_t>(r)]
                .narrow(0, 0, static_cast<std::int64_t>(rows[r].size()))
                .copy_(torch::tensor(rows[r], torch::kLong));
        }
    }
    return out;
}

torch::Tensor padding_of(const std::vector<std::vector<std::int64_t>>& rows, std::size_t width) {
    auto out = torch::ones({static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(width)}, torch::kBool);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        out[static_cast<std::int64_t>(r)].narrow(0, 0, static_cast<std::int64_t>(rows[r].size())).fill_(false);
    }
    return out;
}

std::size_t longest(const std::vector<std::vector<std::int64_t>>& rows) {
    std::size_t n = 0;
    for (const auto& r : rows) n = std::max(n, r.size());
    return n;
}

class BatchMaker {
public:
    BatchMaker(const ModelConfig& config, const Tokenizer& tokenizer) : config_(config), tokenizer_(tokenizer) {
        for (const auto& answer : config.entailment.answers) {
            std::string label = answer;
            label.erase(0, label.find_first_not_of(' '));
            answers_[label] = tokenizer.token_id(answer);
        }
    }

    [[nodiscard]] Batch make(const std::vector<TrainingExample>& examples) const {
        const auto size = config_.image.size;
        Batch b;
        b.pixels = torch::empty({static_cast<std::int64_t>(examples.size()), 3, size, size});
        std::vector<std::vector<std::int64_t>> sources, inputs, targets;
        for (std::size_t i = 0; i < examples.size(); ++i) {
            const auto& ex = examples[i];
            auto values = preprocess_image(ex.image, config_.image);
            b.pixels[static_cast<std::int64_t>(i)].copy_(torch::from_blob(values.data(), {3, size, size}, torch::kFloat32));
            const auto source = detail::source_ids(config_, tokenizer_, ex.task, ex.text);
            sources.emplace_back(source.begin(), source.end());
            if (ex.task == Task::Entailment) {
                // Scored at the last prompt position, as inference reads it.
                const auto answer = answers_.find(ex.target);
                if (answer == answers_.end()) {
                    throw InputError("training example: label '" + ex.target + "' is not one of the config's answers");
                }
                inputs.emplace_back(source.begin(), source.end() - 1);
                std::vector<std::int64_t> t(inputs.back().size(), kIgnoreIndex);
                t.back() = answer->second;
                b.answer_rows.push_back(static_cast<std::int64_t>(i));
                b.answer_positions.push_back(static_cast<std::int64_t>(t.size()) - 1);
                targets.push_back(std::move(t));
            } else {
                auto caption = tokenizer_.encode(" " + clean_text(ex.target));
                const auto max_length = static_cast<std::size_t>(config_.caption.max_length);
                ++b.captions;
                if (caption.size() > max_length) {
                    ++b.cut_captions;
                    caption.resize(max_length);
                }
                std::vector<std::int64_t> in{config_.special.bos};
                in.insert(in.end(), caption.begin(), caption.end());
                std::vector<std::int64_t> t(caption.begin(), caption.end());
                t.push_back(config_.special.eos);
                inputs.push_back(std::move(in));
                targets.push_back(std::move(t));
            }
        }
        b.source = padded(sources, config_.special.pad, longest(sources));
        b.source_padding = padding_of(sources, longest(sources));
        b.decoder_input = padded(inputs, config_.special.pad, longest(inputs));
        b.decoder_padding = padding_of(inputs, longest(inputs));
        b.targets = padded(targets, kIgnoreIndex, longest(inputs));
        return b;
    }

private:
    const ModelConfig& config_;
    const Tokenizer& tokenizer_;
    std::map<std::string, int> answers_;
};

// The per-patch loss's head (a training aid, not part of the model): [classes, D] and [classes].
struct PatchHead {
    torch::Tensor weight, bias;
    [[nodiscard]] bool enabled() const { return weight.defined(); }
};

PatchHead load_patch_head(const std::filesystem::path& path, std::int64_t width) {
    std::vector<torch::Tensor> saved;
    try {
        torch::load(saved, path.string());
    } catch (const c10::Error& error) {
        throw InputError(path.string() + ": not a per-patch head (" + error.what_without_backtrace() + ")");
    }
    if (saved.size() != 2 || saved[0].sizes() != torch::IntArrayRef{shapes::kPatchClasses, width} ||
        saved[1].sizes() != torch::IntArrayRef{shapes::kPatchClasses}) {
        throw InputError(path.string() + ": not a per-patch head for this model (width " + std::to_string(width) + ")");
    }
    return {saved[0], saved[1]};
}

// Per row and image token, the class shapes::patch_classes gives; kIgnoreIndex for rows without a
// scene. The image tokens must form a square grid.
torch::Tensor patch_targets(const std::vector<TrainingExample>& items, std::int64_t image_tokens) {
    const auto grid = static_cast<std::int64_t>(std::lround(std::sqrt(static_cast<double>(image_tokens))));
    if (grid * grid != image_tokens) {
        throw InputError("the per-patch loss needs a square grid of image tokens (the model has " +
                         std::to_string(image_tokens) + ")");
    }
    auto targets = torch::full({static_cast<std::int64_t>(items.size()), image_tokens}, kIgnoreIndex, torch::kLong);
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!items[i].scene) continue;
        const auto classes = shapes::patch_classes(*items[i].scene, static_cast<int>(grid));
        targets[static_cast<std::int64_t>(i)].copy_(
            torch::tensor(std::vector<std::int64_t>(classes.begin(), classes.end()), torch::kLong));
    }
    return targets;
}

// One worker's share of a step: rows [begin, end) of the batch, and what running them gave.
struct Slice {
    int begin = 0, end = 0;
    std::vector<TrainingExample> items;
    Batch batch;
    torch::Tensor patch_targets;  // undefined without the per-patch loss or without a scene here
    std::vector<torch::Tensor> gradients;  // per trained tensor; undefined where this slice has none
    std::vector<double> layer_losses;      // this slice's part of each layer's batch loss
    double patch_loss = 0;                 // this slice's part of the batch's per-patch loss
    // Entailment answers the last decoder layer scores, and how many it gets right (argmax over
    // the vocabulary): a cheap view of whether the model reads the image.
    std::int64_t answers = 0, right_answers = 0;
    // Patches that show an object, and how many of them the per-patch head classifies right.
    std::int64_t shown_patches = 0, right_patches = 0;
};

// Runs `work` on every slice, the first on the calling thread and each other one on a thread of
// its own; rethrows the first slice's exception, in slice order, after all have finished.
template <typename Work>
void for_each_slice(std::vector<Slice>& slices, const Work& work) {
    std::vector<std::future<void>> others;
    for (std::size_t i = 1; i < slices.size(); ++i) {
        others.push_back(std::async(std::launch::async, [&work, &slice = slices[i]] { work(slice); }));
    }
    std::exception_ptr failure;
    try {
        work(slices.front());
    } catch (...) {
        failure = std::current_exception();
    }
    for (auto& other : others) {
        try {
            other.get();
        } catch (...) {
            if (!failure) failure = std::current_exception();
        }
    }
    if (failure) std::rethrow_exception(failure);
}

void count_answers(const torch::Tensor& logits, const Batch& b, Slice& slice) {
    if (b.answer_rows.empty()) return;
    const torch::NoGradGuard no_grad;
    const auto rows = torch::tensor(b.answer_rows, torch::kLong);
    const auto positions = torch::tensor(b.answer_positions, torch::kLong);
    const auto predicted = logits.index({rows, positions}).argmax(/*dim=*/-1);
    slice.answers = static_cast<std::int64_t>(b.answer_rows.size());
    slice.right_answers = predicted.eq(b.targets.index({rows, positions})).sum().item<std::int64_t>();
}

void count_patches(const torch::Tensor& logits, const torch::Tensor& targets, Slice& slice) {
    const torch::NoGradGuard no_grad;
    const auto objects = targets.ge(shapes::kPatchFirstObject);
    slice.shown_patches = objects.sum().item<std::int64_t>();
    slice.right_patches = logits.argmax(/*dim=*/-1).eq(targets).logical_and(objects).sum().item<std::int64_t>();
}

// Per row, the number of layers a stream runs: all of them, or for a share of the rows a number
// drawn from 1 .. layers-1. Seeded by the run's seed and the step, so a resumed run draws the same.
std::vector<int> stream_depths(const TrainingOptions& o, int step, int stream, int rows, int layers) {
    std::vector<int> depths(static_cast<std::size_t>(rows), layers);
    if (o.encoder_exit_share <= 0 || layers < 2) return depths;
    std::seed_seq seed{o.seed, static_cast<std::uint64_t>(step), static_cast<std::uint64_t>(stream)};
    std::mt19937_64 rng(seed);
    std::bernoulli_distribution exits(o.encoder_exit_share);
    std::uniform_int_distribution<int> depth(1, layers - 1);
    for (auto& d : depths) {
        if (exits(rng)) d = depth(rng);
    }
    return depths;
}

// Runs the stream's layers, each row only up to its depth (rows past it keep their state, as an
// exited row does at inference).
void run_to_depths(detail::EncoderStream& stream, const std::vector<int>& depths) {
    const bool uniform = std::all_of(depths.begin(), depths.end(), [&](int d) { return d == stream.num_layers(); });
    const auto depth = torch::tensor(std::vector<std::int64_t>(depths.begin(), depths.end()), torch::kLong);
    while (!stream.finished()) {
        if (uniform) {
            stream.step();
        } else {
            stream.step(depth.gt(stream.layers_done()));
        }
    }
}

void check_options(const TrainingOptions& o) {
    const auto require = [](bool ok, const std::string& what) {
        if (!ok) throw InputError("training option " + what);
    };
    require(o.steps > 0, "'steps' must be positive");
    require(o.batch_size > 0, "'batch_size' must be positive");
    require(o.learning_rate > 0 && o.learning_rate < 1, "'learning_rate' must be in (0, 1)");
    require(o.min_learning_rate >= 0 && o.min_learning_rate <= o.learning_rate, "'min_learning_rate' must be in [0, learning_rate]");
    require(o.warmup_steps >= 0, "'warmup_steps' must be >= 0");
    require(o.weight_decay >= 0, "'weight_decay' must be >= 0");
    require(o.clip_norm > 0, "'clip_norm' must be positive");
    require(o.label_smoothing >= 0 && o.label_smoothing < 1, "'label_smoothing' must be in [0, 1)");
    require(o.checkpoint_every > 0, "'checkpoint_every' must be positive");
    require(o.workers > 0, "'workers' must be positive");
    require(o.encoder_exit_share >= 0 && o.encoder_exit_share <= 1, "'encoder_exit_share' must be in [0, 1]");
    require(o.patch_loss_weight >= 0 && std::isfinite(o.patch_loss_weight), "'patch_loss_weight' must be >= 0");
}

// Linear warm-up to the peak, then cosine decay to the floor at the last step.
double learning_rate_at(const TrainingOptions& o, int step) {
    if (step < o.warmup_steps) return o.learning_rate * (step + 1) / o.warmup_steps;
    const double progress = o.steps > o.warmup_steps
                                ? static_cast<double>(step - o.warmup_steps) / (o.steps - o.warmup_steps)
                                : 1.0;
    return o.min_learning_rate + 0.5 * (o.learning_rate - o.min_learning_rate) * (1.0 + std::cos(kPi * progress));
}

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The identity of a run: resuming with different settings would silently train something else.
nlohmann::json run_identity(const TrainingOptions& o) {
    nlohmann::json identity = {{"steps", o.steps},
                                {"batch_size", o.batch_size},
                                {"seed", o.seed},
                                {"layerwise_loss", o.layerwise_loss},
                                {"joint_encoder", o.joint_encoder},
                                {"learning_rate", o.learning_rate},
                                {"loss_average", o.loss_average == LossAverage::PerToken ? "token" : "example"}};
    // Only runs with the addition name it, so checkpoints of earlier runs still resume.
    if (o.encoder_exit_share > 0) identity["encoder_exit_share"] = o.encoder_exit_share;
    if (o.patch_loss_weight > 0) identity["patch_loss_weight"] = o.patch_loss_weight;
    // Only continued runs name their start.
    if (!o.init_from.empty()) identity["init_from"] = o.init_from.string();
    if (!o.example_stream.empty()) identity["examples"] = o.example_stream;
    return identity;
}

// "name: X in the checkpoint, Y now" for each setting that differs, nested objects' keys dotted.
void describe_differences(const nlohmann::json& saved, const nlohmann::json& now, const std::string& prefix,
                          std::vector<std::string>& out) {
    std::set<std::string> keys;
    for (const auto& [key, value] : saved.items()) keys.insert(key);
    for (const auto& [key, value] : now.items()) keys.insert(key);
    for (const auto& key : keys) {
        const auto* before = saved.contains(key) ? &saved.at(key) : nullptr;
        const auto* after = now.contains(key) ? &now.at(key) : nullptr;
        if (before != nullptr && after != nullptr && *before == *after) continue;
        if (before != nullptr && after != nullptr && before->is_object() && after->is_object()) {
            describe_differences(*before, *after, prefix + key + ".", out);
            continue;
        }
        out.push_back(prefix + key + ": " + (before != nullptr ? before->dump() : "the default") + " in the checkpoint, " +
                      (after != nullptr ? after->dump() : "the default") + " now");
    }
}

// Writes `file` through a temporary beside it, so a stop mid-write leaves the previous version.
template <typename Write>
void write_replacing(const std::filesystem::path& file, const Write& write) {
    const auto tmp = std::filesystem::path(file.string() + ".tmp");
    write(tmp.string());
    std::filesystem::rename(tmp, file);
}

void write_checkpoint(const TrainingOptions& o, const detail::Weights& weights, const PatchHead& head,
                      torch::optim::Optimizer& optimizer, int step) {
    const auto& folder = o.model_folder;
    weights.save(folder / kWeightsFile, {{"format", "pt"}, {"mue.trained_steps", std::to_string(step)}});
    if (head.enabled()) {
        write_replacing(folder / kPatchHeadFile, [&](const std::string& tmp) {
            torch::save(std::vector<torch::Tensor>{head.weight, head.bias}, tmp);
        });
    }
    write_replacing(folder / kOptimizerFile, [&](const std::string& tmp) { torch::save(optimizer, tmp); });
    const nlohmann::json state = {{"step", step}, {"run", run_identity(o)}};
    write_replacing(folder / kStateFile, [&](const std::string& tmp) {
        std::ofstream(tmp, std::ios::binary | std::ios::trunc) << state.dump(2) << "\n";
    });
}

}  // namespace

ExampleSource shapes_example_source(int image_size, const ShapesMix& mix) {
    if (!(mix.entailment_share >= 0.0 && mix.entailment_share <= 1.0)) {
        throw InputError("entailment share must lie in [0, 1] (got " + std::to_string(mix.entailment_share) + ")");
    }
    if (!(mix.question_share >= 0.0 && mix.question_share <= 1.0 - mix.entailment_share)) {
        throw InputError("question share must lie in [0, 1 - entailment share] (got " +
                         std::to_string(mix.question_share) + ")");
    }
    for (const auto& kind : mix.question_kinds) {
        if (!shapes::is_question_kind(kind)) throw InputError("unknown question kind '" + kind + "'");
    }
    // Questions take this share of the slots entailment leaves.
    const double questions_per_slot = mix.question_share > 0 ? mix.question_share / (1.0 - mix.entailment_share) : 0.0;
    // Replacements come from far above any index a run reaches, one slot per (item, attempt), so
    // they never repeat an item the plain numbering draws. With 5 levels and the easiest stage
    // accepting 1 in 5 items, 64 attempts all fail with a chance below 1e-6; the last one is kept.
    constexpr std::uint64_t kReplacementBase = std::uint64_t{1} << 48;
    constexpr std::uint64_t kReplacementAttempts = 64;
    constexpr int kLevels = shapes::kMaxDifficulty - shapes::kMinDifficulty + 1;
    // Example i is entailment when floor((i + 1) * share) steps up, which spreads the tasks evenly
    // through every batch; the other slots are split between questions and captions the same way.
    // Each task's item index counts that task's examples before i.
    return [image_size, mix, questions_per_slot](std::uint64_t index) {
        const auto before = [](std::uint64_t i, double share) {
            return static_cast<std::uint64_t>(std::floor(static_cast<double>(i) * share));
        };
        const int limit = index >= mix.curriculum_examples
                              ? shapes::kMaxDifficulty
                              : shapes::kMinDifficulty + static_cast<int>(index * kLevels / mix.curriculum_examples);
        const auto within_limit = [&](auto draw, std::uint64_t n) {
            auto item = draw(mix.first_item + n);
            for (std::uint64_t attempt = 0; item.difficulty > limit && attempt < kReplacementAttempts; ++attempt) {
                item = draw(kReplacementBase + n * kReplacementAttempts + attempt);
            }
            return item;
        };
        const std::uint64_t entailments = before(index, mix.entailment_share);
        const bool is_entailment = before(index + 1, mix.entailment_share) > entailments;
        const std::uint64_t slot = index - entailments;
        const std::uint64_t questions = before(slot, questions_per_slot);
        TrainingExample ex;
        const auto show = [&](const auto& item) {
            ex.image = shapes::render(item.scene);
            ex.difficulty = item.difficulty;
            ex.scene = item.scene;
        };
        if (is_entailment) {
            // With contrast pairs, entailment examples 2m and 2m+1 share item m's scene.
            auto item = within_limit(
                [&](std::uint64_t i) { return shapes::entailment_item(shapes::Split::Train, i, image_size); },
                mix.contrast_pairs ? entailments / 2 : entailments);
            if (mix.contrast_pairs && entailments % 2 == 1) {
                if (auto contrast = shapes::contrast_item(item)) item = std::move(*contrast);
            }
            show(item);
            ex.task = Task::Entailment;
            ex.text = item.hypothesis;
            ex.target = shapes::label_name(item.label);
        } else if (before(slot + 1, questions_per_slot) > questions) {
            const auto item = within_limit(
                [&](std::uint64_t i) { return shapes::question_item(shapes::Split::Train, i, image_size, mix.question_kinds); },
                questions);
            show(item);
            ex.task = Task::Prompt;
            ex.text = item.question;
            ex.target = item.answer;
        } else {
            const std::uint64_t n = slot - questions;
            const auto item = within_limit(
                [&](std::uint64_t i) { return shapes::caption_item(shapes::Split::Train, i, image_size); }, n);
            show(item);
            ex.task = Task::Caption;
            // Every reference is a correct caption; cycling through them teaches the paraphrases.
            ex.target = item.references[n % item.references.size()];
        }
        return ex;
    };
}

ModelConfig shapes_model_config(int width, int image_size) {
    constexpr int kHeadWidth = 32;
    constexpr int kStemLayers = 3;
    if (width < kHeadWidth || width % kHeadWidth != 0) {
        throw InputError("model width must be a positive multiple of " + std::to_string(kHeadWidth) + " (got " +
                         std::to_string(width) + ")");
    }
    if (image_size < shapes::kMinImageSize || image_size % (1 << kStemLayers) != 0) {
        throw InputError("image size must be a multiple of 8 and at least " + std::to_string(shapes::kMinImageSize) +
                         " (got " + std::to_string(image_size) + ")");
    }
    ModelConfig c = default_random_model_config();
    c.model_id = "mue-shapes-" + std::to_string(width);
    c.description = "OFA architecture, 6 + 6 layers, width " + std::to_string(width) +
                    ", fine-tuned with MuE's layer-wise loss on the shapes world (entailment and captioning).";
    auto& a = c.arch;
    a.d_model = width;
    a.ffn_dim = 4 * width;
    a.attention_heads = width / kHeadWidth;
    a.text_positions = 66;
    a.token_bucket_size = 32;
    a.conv_stem.channels = {width / 4, width / 2, width};
    c.image.size = image_size;
    a.image_bucket_size = image_size >> kStemLayers;
    c.max_source_tokens = 48;
    return c;
}

TrainingProgress train(const TrainingOptions& options, const ExampleSource& examples,
                       const std::function<void(const TrainingProgress&)>& on_progress,
                       const CancellationToken* cancel) {
    check_options(options);
    const auto& folder = options.model_folder;
    const ModelConfig config = ModelConfig::load(folder / kConfigFile);
    const Tokenizer tokenizer = Tokenizer::load(folder);
    const BatchMaker batches(config, tokenizer);

    int start_step = 0;
    torch::manual_seed(options.seed);
    detail::Weights weights = detail::Weights::random(config, options.seed);
    const bool resuming = options.resume && std::filesystem::exists(folder / kStateFile);
    if (resuming) {
        const auto state = detail::parse_json(read_text(folder / kStateFile), (folder / kStateFile).string());
        const auto identity = run_identity(options);
        if (!state.contains("run") || !state["run"].is_object() || state["run"] != identity) {
            std::vector<std::string> differences;
            if (state.contains("run") && state["run"].is_object()) {
                describe_differences(state["run"], identity, /*prefix=*/"", differences);
            }
            std::string listed;
            for (const auto& difference : differences) listed += (listed.empty() ? " (" : "; ") + difference;
            if (!listed.empty()) listed += ")";
            throw InputError((folder / kStateFile).string() + ": the checkpoint belongs to a run with other settings" +
                             listed + "; delete it or use the same options");
        }
        start_step = state.at("step").get<int>();
        weights = detail::Weights::load(SafetensorsFile::open(folder / kWeightsFile), config);
    } else if (!options.init_from.empty()) {
        weights = detail::Weights::load(SafetensorsFile::open(options.init_from / kWeightsFile), config);
        const ArchitectureConfig start = ModelConfig::load(options.init_from / kConfigFile).arch;
        const bool newly_entangled = (config.arch.entangle_position_embedding && !start.entangle_position_embedding) ||
                                     (config.arch.decoder_entangle_position_embedding && !start.decoder_entangle_position_embedding);
        if (newly_entangled) {
            for (const char* table : kPositionTables) weights.get(table).mul_(kEntangledPositionScale);
        }
    }
    PatchHead head;
    if (options.patch_loss_weight > 0) {
        // A resumed run needs its head; a continued one takes its start's head where there is one,
        // so that a fresh head's first gradients do not disturb the trained encoder.
        std::filesystem::path saved_head;
        if (resuming) {
            saved_head = folder / kPatchHeadFile;
            if (!std::filesystem::exists(saved_head)) {
                throw InputError(saved_head.string() + ": missing; the checkpoint's per-patch head is needed to resume");
            }
        } else if (!options.init_from.empty()) {
            saved_head = options.init_from / kPatchHeadFile;
        }
        if (!saved_head.empty() && std::filesystem::exists(saved_head)) {
            head = load_patch_head(saved_head, config.arch.d_model);
        } else {
            head = {torch::randn({shapes::kPatchClasses, config.arch.d_model}) * kPatchHeadInitScale,
                    torch::zeros({shapes::kPatchClasses})};
        }
    }
    std::vector<torch::Tensor> decayed, not_decayed;
    for (const auto& [name, tensor] : weights.all()) {
        // Batch-norm running statistics are buffers, not parameters: the ResNet stem trains with
        // them frozen (batch norm stays in inference mode), so the optimizer never sees them.
        if (is_running_statistic(name)) continue;
        tensor.set_requires_grad(true);
        // Norms, biases and per-head scales are not shrunk towards zero.
        (tensor.dim() >= 2 ? decayed : not_decayed).push_back(tensor);
    }
    if (head.enabled()) {  // last, so that the optimizer's saved state lines up on resume
        for (auto* t : {&head.weight, &head.bias}) t->set_requires_grad(true);
        decayed.push_back(head.weight);
        not_decayed.push_back(head.bias);
    }
    torch::optim::AdamW optimizer(
        {torch::optim::OptimizerParamGroup(decayed,
                                           std::make_unique<torch::optim::AdamWOptions>(
                                               torch::optim::AdamWOptions(options.learning_rate).weight_decay(options.weight_decay))),
         torch::optim::OptimizerParamGroup(not_decayed, std::make_unique<torch::optim::AdamWOptions>(
                                                            torch::optim::AdamWOptions(options.learning_rate).weight_decay(0.0)))});
    if (resuming && std::filesystem::exists(folder / kOptimizerFile)) {
        torch::load(optimizer, (folder / kOptimizerFile).string());
    }
    std::vector<torch::Tensor> parameters = decayed;
    parameters.insert(parameters.end(), not_decayed.begin(), not_decayed.end());
    const detail::OfaModel model(config, weights);
    const int layers = config.arch.decoder_layers;
    const auto smoothed_ce = torch::nn::functional::CrossEntropyFuncOptions()
                                 .ignore_index(kIgnoreIndex)
                                 .label_smoothing(options.label_smoothing)
                                 .reduction(torch::kNone);
    // Per token: the sum over every target token, divided later by the batch's count. Per example:
    // each example's mean first, so an entailment answer (one token) weighs as much as a whole
    // caption; their sum is divided later by the batch's size.
    const auto summed_loss = [&](const torch::Tensor& logits, const torch::Tensor& targets) {
        const auto per_token = torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(-1)}),
                                                                    targets.reshape({-1}), smoothed_ce)
                                   .reshape(targets.sizes());
        if (options.loss_average == LossAverage::PerToken) return per_token.sum();
        const auto counted = targets.ne(kIgnoreIndex).to(per_token.scalar_type());
        return (per_token.sum(/*dim=*/1) / counted.sum(/*dim=*/1).clamp_min(1)).sum();
    };

    const int workers = std::min(options.workers, options.batch_size);
    TrainingProgress progress;
    progress.steps = options.steps;
    progress.step = start_step;
    const auto started = Clock::now();
    for (int step = start_step; step < options.steps; ++step) {
        if (cancel != nullptr && cancel->cancelled()) break;
        const double lr = learning_rate_at(options, step);
        for (auto& group : optimizer.param_groups()) {
            static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
        }
        const int rows = options.batch_size;
        const std::uint64_t first_example = static_cast<std::uint64_t>(step) * static_cast<std::uint64_t>(rows);
        const int encoder_layers = config.arch.encoder_layers;
        // Drawn for the whole batch, so that a row's depth does not depend on the slice it lands in.
        const auto image_depths = stream_depths(options, step, /*stream=*/0, rows, encoder_layers);
        const auto text_depths = stream_depths(options, step, /*stream=*/1, rows, encoder_layers);

        std::vector<Slice> slices(static_cast<std::size_t>(workers));
        for (int w = 0; w < workers; ++w) {
            slices[static_cast<std::size_t>(w)].begin = rows * w / workers;
            slices[static_cast<std::size_t>(w)].end = rows * (w + 1) / workers;
        }
        for_each_slice(slices, [&](Slice& slice) {
            for (int row = slice.begin; row < slice.end; ++row) {
                slice.items.push_back(examples(first_example + static_cast<std::uint64_t>(row)));
            }
            slice.batch = batches.make(slice.items);
            const bool any_scene =
                std::any_of(slice.items.begin(), slice.items.end(), [](const auto& ex) { return ex.scene.has_value(); });
            if (head.enabled() && any_scene) {
                slice.patch_targets = patch_targets(slice.items, config.image_tokens());
            }
        });
        // The batch's loss is a mean over examples, target tokens or patches of ALL slices: each
        // slice divides its sum by the batch's count.
        double target_tokens = 0, scored_patches = 0;
        int captions = 0, cut_captions = 0;
        for (const auto& slice : slices) {
            target_tokens += slice.batch.targets.ne(kIgnoreIndex).sum().item<double>();
            if (slice.patch_targets.defined()) scored_patches += slice.patch_targets.ne(kIgnoreIndex).sum().item<double>();
            captions += slice.batch.captions;
            cut_captions += slice.batch.cut_captions;
        }
        progress.cut_caption_share = captions > 0 ? static_cast<double>(cut_captions) / captions : -1;
        const double loss_divisor = options.loss_average == LossAverage::PerToken ? std::max(target_tokens, 1.0) : rows;

        for_each_slice(slices, [&](Slice& slice) {
            const Batch& b = slice.batch;
            const auto image_embed = model.embed_image(b.pixels);
            const auto text_embed = model.embed_text(b.source);
            const auto depths_of = [&](const std::vector<int>& all) {
                return std::vector<int>(all.begin() + slice.begin, all.begin() + slice.end);
            };
            detail::EncoderOutput encoder;
            if (options.joint_encoder) {
                auto joint = model.joint_stream(image_embed, text_embed, b.source_padding);
                run_to_depths(joint, depths_of(image_depths));
                encoder = model.encoder_output(joint);
            } else {
                auto image = model.image_stream(image_embed);
                auto text = model.text_stream(text_embed, b.source_padding);
                run_to_depths(image, depths_of(image_depths));
                run_to_depths(text, depths_of(text_depths));
                encoder = model.encoder_output(image, text);
            }
            torch::Tensor total = torch::zeros({});
            if (slice.patch_targets.defined()) {
                const auto image_tokens = image_embed.size(1);
                const auto patch_logits = torch::nn::functional::linear(
                    encoder.states.narrow(/*dim=*/1, /*start=*/0, image_tokens), head.weight, head.bias);
                const auto patch_loss =
                    torch::nn::functional::cross_entropy(patch_logits.reshape({-1, patch_logits.size(-1)}),
                                                         slice.patch_targets.reshape({-1}),
                                                         torch::nn::functional::CrossEntropyFuncOptions()
                                                             .ignore_index(kIgnoreIndex)
                                                             .reduction(torch::kSum)) /
                    scored_patches;
                slice.patch_loss = patch_loss.item<double>();
                count_patches(patch_logits, slice.patch_targets, slice);
                total = total + options.patch_loss_weight * patch_loss;
            }
            auto run = model.decoder(encoder);
            run.begin_step(b.decoder_input, b.decoder_padding);
            slice.layer_losses.assign(static_cast<std::size_t>(layers), 0.0);
            for (int l = 0; l < layers; ++l) {
                run.step_layer();
                const auto logits = model.logits(run.hidden());
                const auto loss = summed_loss(logits, b.targets) / loss_divisor;
                slice.layer_losses[static_cast<std::size_t>(l)] = loss.item<double>();
                if (options.layerwise_loss || l == layers - 1) total = total + loss;
                if (l == layers - 1) count_answers(logits, b, slice);
            }
            slice.gradients = torch::autograd::grad({total}, parameters, /*grad_outputs=*/{},
                                                    /*retain_graph=*/false, /*create_graph=*/false, /*allow_unused=*/true);
        });

        for (std::size_t p = 0; p < parameters.size(); ++p) {
            torch::Tensor sum;  // a copy: autograd may hand out views, which the optimizer must not keep
            for (const auto& slice : slices) {
                const auto& gradient = slice.gradients[p];
                if (!gradient.defined()) continue;
                if (sum.defined()) {
                    sum.add_(gradient);
                } else {
                    sum = gradient.clone();
                }
            }
            // As optimizer.zero_grad() then backward() would leave it: zero where nothing reached.
            if (sum.defined()) {
                parameters[p].mutable_grad() = sum;
            } else if (parameters[p].grad().defined()) {
                parameters[p].mutable_grad().zero_();
            }
        }
        progress.gradient_norm = torch::nn::utils::clip_grad_norm_(parameters, options.clip_norm);
        optimizer.step();

        double decoder_loss = 0, patch_loss = 0;
        std::int64_t answers = 0, right_answers = 0, shown_patches = 0, right_patches = 0;
        bool any_patch_loss = false;
        progress.layer_losses.assign(static_cast<std::size_t>(layers), 0.0);
        for (const auto& slice : slices) {
            for (int l = 0; l < layers; ++l) {
                const double loss = slice.layer_losses[static_cast<std::size_t>(l)];
                progress.layer_losses[static_cast<std::size_t>(l)] += loss;
                if (options.layerwise_loss || l == layers - 1) decoder_loss += loss;
            }
            answers += slice.answers;
            right_answers += slice.right_answers;
            shown_patches += slice.shown_patches;
            right_patches += slice.right_patches;
            if (slice.patch_targets.defined()) {
                any_patch_loss = true;
                patch_loss += slice.patch_loss;
            }
        }
        progress.answer_accuracy = answers > 0 ? static_cast<double>(right_answers) / static_cast<double>(answers) : -1;
        if (any_patch_loss) {
            progress.patch_loss = patch_loss;
            progress.patch_accuracy =
                shown_patches > 0 ? static_cast<double>(right_patches) / static_cast<double>(shown_patches) : -1;
        }
        progress.step = step + 1;
        progress.loss = decoder_loss / (options.layerwise_loss ? layers : 1);
        progress.learning_rate = lr;
        const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
        const int done = progress.step - start_step;
        progress.examples_per_second = done * options.batch_size / std::max(elapsed, 1e-9);
        progress.eta_seconds = elapsed / done * (options.steps - progress.step);
        if (on_progress) on_progress(progress);
        if (progress.step % options.checkpoint_every == 0 && progress.step < options.steps) {
            write_checkpoint(options, weights, head, optimizer, progress.step);
        }
    }
    write_checkpoint(options, weights, head, optimizer, progress.step);
    if (progress.step == options.steps) {
        ModelConfig trained = config;
        trained.trained = true;
        const auto tmp = folder / (std::string(kConfigFile) + ".tmp");
        std::ofstream(tmp, std::ios::binary | std::ios::trunc) << trained.to_json();
        std::filesystem::rename(tmp, folder / kConfigFile);
    }
    return progress;
}

}  // namespace mue
