// `mue train`: train a model on the shapes world with MuE's objective.

#include "commands.hpp"
#include "common.hpp"
#include "interrupt.hpp"

#include "mue/errors.hpp"
#include "mue/shapes_world.hpp"
#include "mue/trainer.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

namespace mue::cli {
namespace {

std::string duration(double seconds) {
    const auto s = static_cast<long>(seconds);
    std::ostringstream out;
    out << s / 3600 << "h" << std::setw(2) << std::setfill('0') << (s / 60) % 60 << "m" << std::setw(2) << s % 60 << "s";
    return out.str();
}

// The mix's settings that differ from the defaults, for the checkpoint: a resumed run drawing
// other examples is then refused, and checkpoints of default mixes from before they were recorded
// still resume.
[[nodiscard]] std::map<std::string, std::string> stream_settings(const mue::ShapesMix& mix) {
    const mue::ShapesMix defaults;
    std::map<std::string, std::string> settings;
    const auto record = [&settings](const char* name, auto value, auto default_value) {
        if (value == default_value) return;
        std::ostringstream text;
        text << std::boolalpha << value;
        settings[name] = text.str();
    };
    record("entailment_share", mix.entailment_share, defaults.entailment_share);
    record("question_share", mix.question_share, defaults.question_share);
    record("first_item", mix.first_item, defaults.first_item);
    record("curriculum_examples", mix.curriculum_examples, defaults.curriculum_examples);
    record("contrast_pairs", mix.contrast_pairs, defaults.contrast_pairs);
    if (!mix.question_kinds.empty()) {
        std::string kinds;
        for (const auto& kind : mix.question_kinds) kinds += (kinds.empty() ? "" : ",") + kind;
        settings["question_kinds"] = kinds;
    }
    return settings;
}

// Settings whose defaults a preset replaces.
struct TrainPreset {
    int steps = 0;
    double learning_rate = 0;
    int warmup_steps = 0;
    double patch_loss_weight = 0;
    double encoder_exit_share = 0;
    double entailment_share = 0;
};

[[nodiscard]] TrainPreset train_preset(const ParsedArgs& args, const mue::TrainingOptions& defaults) {
    TrainPreset preset{defaults.steps,         defaults.learning_rate, defaults.warmup_steps,
                       /*patch_loss_weight=*/0, /*encoder_exit_share=*/0, mue::ShapesMix{}.entailment_share};
    const auto name = args.value("preset");
    if (!name) return preset;
    if (*name != "hour") throw UsageError("mue train: --preset must be hour (got '" + *name + "')");
    // About 58 minutes at the 46 examples/s one core reaches (docs/training.md, "The hour preset").
    return TrainPreset{/*steps=*/4800,           /*learning_rate=*/7e-4,      /*warmup_steps=*/200,
                       /*patch_loss_weight=*/1.0, /*encoder_exit_share=*/0.5, /*entailment_share=*/0.6};
}

}  // namespace

const CommandSpec kTrain{
    "train", "",
    "Train a model on the shapes world with MuE's objective (decomposed encoder, loss at every decoder\n"
    "layer). Creates the model folder when it has no config.json; resumes from its checkpoint otherwise.",
    {{"out", "DIR", "model folder to create or continue"},
     {"preset", "hour", "the defaults below become the embedded model's recipe in about an hour of one core:\n"
                         "--steps 4800 --lr 7e-4 --warmup 200 --patch-loss 1 --encoder-exit-share 0.5\n"
                         "--entailment-share 0.6 (docs/training.md); options given too override them"},
     {"steps", "N", "optimizer steps (default 1000)"},
     {"batch", "N", "examples per step (default 32)"},
     {"lr", "X", "peak learning rate after warm-up (default 5e-4)"},
     {"warmup", "N", "linear warm-up steps (default 100)"},
     {"width", "N", "model width for a new folder, a multiple of 32 (default 128)"},
     {"image-size", "N", "image side for a new folder, a multiple of 8 (default 64)"},
     {"seed", "N", "initialisation seed (default 1)"},
     {"checkpoint-every", "N", "steps between checkpoints (default 200)"},
     {"no-layerwise-loss", "", "ablation: loss at the last decoder layer only"},
     {"joint-encoder", "", "ablation: train OFA's joint encoder instead of the decomposed one"},
     {"encoder-exit-share", "X", "addition to the paper's recipe: this share of the examples (0..1, default 0) has\n"
                                 "each encoder stream stop after a random layer, so the decoder learns to read\n"
                                 "early-exited streams"},
     {"patch-loss", "X", "addition to the paper's recipe: weight (default 0: off) of an auxiliary loss on the\n"
                         "encoder's image tokens, which learn to tell what each patch of the scene shows\n"
                         "(object colour and shape, cover, background); a resumed run must repeat it"},
     {"fresh", "", "ignore an existing checkpoint and start from the seed"},
     {"entangle-positions", "", "addition to the paper's recipe, for a new --out folder: OFA's\n"
                                "--entangle-position-embedding, which adds the absolute position embeddings to\n"
                                "the encoder's and decoder's tokens too, so that image tokens carry where they are;\n"
                                "with --init-from a model without it, its position tables are scaled by 0.4 first"},
     {"init-from", "DIR", "start from this trained model's weights (same architecture) instead of the seed;\n"
                          "a new --out folder takes its config and tokenizer"},
     {"entailment-share", "X", "share of entailment examples in each batch, 0..1 (default 0.5); a resumed\n"
                               "run must repeat it"},
     {"question-share", "X", "addition to the paper's recipe: share of each batch that is questions about the\n"
                             "scene answered in one word (\"what colour is the cross?\"), trained as free\n"
                             "prompts (default 0; at most 1 - entailment share); a resumed run must repeat it"},
     {"question-kinds", "LIST", "the question kinds drawn, comma-separated, of colour, shape, size, count and\n"
                                "relation (default: all); a resumed run must repeat it"},
     {"contrast-pairs", "", "addition to the paper's recipe: entailment examples come in pairs about one scene\n"
                            "with different hypotheses and labels; a resumed run must repeat it"},
     {"loss-average", "example|token", "average the loss per example, then over the batch (default), or over\n"
                                        "all target tokens of the batch (fairseq's; captions then outweigh answers)"},
     {"first-item", "N", "first train-split item to draw (default 0); a resumed run must repeat it"},
     {"curriculum", "N", "over the first N examples, raise the highest scene difficulty drawn from the\n"
                         "easiest level to the hardest in equal stages (default 0: none); a resumed run must\n"
                         "repeat it"},
     {"threads", "N", "LibTorch intra-op threads (default 1)"},
     {"workers", "N", "data-parallel workers: each step's batch is split into N slices run on N threads\n"
                      "at once, their gradients summed in a fixed order (default 1; 2 uses both cores of\n"
                      "a 2-core machine); a resumed run may change it"}}};

const CommandSpec kExportShapes{
    "export-shapes", "",
    "Write items of the shapes world as a user dataset: one PNG per item and data.tsv\n"
    "(image<TAB>hypothesis<TAB>label, or image<TAB>ref1|ref2|...), the format every --dataset DIR reads.\n"
    "shapes-qa writes the training questions as image<TAB>question<TAB>answer, for inspection.",
    {{"dataset", "shapes-ve|shapes-caption|shapes-qa", "the entailment, caption or question items"},
     {"split", "train|validation|test", "split (default test)"},
     {"count", "N", "items 0 .. N-1 of the split (default: the split's size; 1000 for train)"},
     {"image-size", "N", "image side in pixels (default 64, the embedded model's)"},
     {"out", "DIR", "folder to write (created when missing)"}}};

int cmd_export_shapes(const ParsedArgs& args) {
    constexpr int kDefaultImageSize = 64;
    constexpr int kDefaultTrainCount = 1000;
    no_positionals(kExportShapes, args);
    const auto dataset = args.value("dataset");
    const auto out = args.value("out");
    if (!dataset || !out) throw UsageError("mue export-shapes: --dataset and --out are required");
    if (*dataset != "shapes-ve" && *dataset != "shapes-caption" && *dataset != "shapes-qa") {
        throw UsageError("mue export-shapes: --dataset must be shapes-ve, shapes-caption or shapes-qa (got '" + *dataset +
                         "')");
    }
    const std::string split_name = args.value("split").value_or("test");
    mue::shapes::Split split = mue::shapes::Split::Test;
    std::size_t default_count = mue::shapes::kTestItems;
    if (split_name == "train") {
        split = mue::shapes::Split::Train;
        default_count = kDefaultTrainCount;
    } else if (split_name == "validation") {
        split = mue::shapes::Split::Validation;
        default_count = mue::shapes::kValidationItems;
    } else if (split_name != "test") {
        throw UsageError("mue export-shapes: --split must be train, validation or test (got '" + split_name + "')");
    }
    const auto count = static_cast<std::size_t>(args.integer("count", 1, 1'000'000).value_or(static_cast<int>(default_count)));
    const int image_size = args.integer("image-size", mue::shapes::kMinImageSize, mue::shapes::kMaxImageSize)
                               .value_or(kDefaultImageSize);
    if (*dataset == "shapes-ve") {
        mue::shapes::export_entailment(*out, mue::shapes::entailment_items(split, count, image_size));
    } else if (*dataset == "shapes-caption") {
        mue::shapes::export_captions(*out, mue::shapes::caption_items(split, count, image_size));
    } else {
        mue::shapes::export_questions(*out, mue::shapes::question_items(split, count, image_size));
    }
    std::cout << "wrote " << count << " items to " << *out << "\n";
    return kExitOk;
}

int cmd_train(const ParsedArgs& args) {
    constexpr int kDefaultWidth = 128;
    constexpr int kDefaultImageSize = 64;
    constexpr int kReportEvery = 10;
    no_positionals(kTrain, args);
    const auto out = args.value("out");
    if (!out) throw UsageError("mue train: --out DIR is required");
    mue::TrainingOptions o;
    const TrainPreset preset = train_preset(args, o);
    o.model_folder = *out;
    o.steps = args.integer("steps", 1, 10'000'000).value_or(preset.steps);
    o.batch_size = args.integer("batch", 1, 4096).value_or(o.batch_size);
    o.learning_rate = args.number("lr").value_or(preset.learning_rate);
    o.min_learning_rate = std::min(o.min_learning_rate, o.learning_rate);
    o.warmup_steps = args.integer("warmup", 0, 10'000'000).value_or(preset.warmup_steps);
    o.seed = static_cast<std::uint64_t>(args.integer("seed", 0, 1 << 30).value_or(1));
    o.checkpoint_every = args.integer("checkpoint-every", 1, 10'000'000).value_or(o.checkpoint_every);
    o.layerwise_loss = !args.flag("no-layerwise-loss");
    o.joint_encoder = args.flag("joint-encoder");
    o.encoder_exit_share = args.number("encoder-exit-share").value_or(preset.encoder_exit_share);
    if (!(o.encoder_exit_share >= 0.0 && o.encoder_exit_share <= 1.0)) {
        throw UsageError("mue train: --encoder-exit-share must lie in [0, 1]");
    }
    o.patch_loss_weight = args.number("patch-loss").value_or(preset.patch_loss_weight);
    if (!(o.patch_loss_weight >= 0.0 && std::isfinite(o.patch_loss_weight))) {
        throw UsageError("mue train: --patch-loss must be a weight >= 0");
    }
    o.resume = !args.flag("fresh");
    const std::string loss_average = args.value("loss-average").value_or("example");
    if (loss_average != "example" && loss_average != "token") {
        throw UsageError("mue train: --loss-average must be example or token (got '" + loss_average + "')");
    }
    o.loss_average = loss_average == "token" ? mue::LossAverage::PerToken : mue::LossAverage::PerExample;
    mue::set_intra_op_threads(args.integer("threads", 1, kMaxThreads).value_or(1));
    o.workers = args.integer("workers", 1, kMaxThreads).value_or(o.workers);

    const int width = args.integer("width", 32, 4096).value_or(kDefaultWidth);
    const int image_size = args.integer("image-size", mue::shapes::kMinImageSize, mue::shapes::kMaxImageSize)
                               .value_or(kDefaultImageSize);
    if (const auto from = args.value("init-from")) o.init_from = *from;
    const double entailment_share = args.number("entailment-share").value_or(preset.entailment_share);
    if (!(entailment_share >= 0.0 && entailment_share <= 1.0)) {
        throw UsageError("mue train: --entailment-share must lie in [0, 1]");
    }
    const double question_share = args.number("question-share").value_or(0.0);
    if (!(question_share >= 0.0 && question_share <= 1.0 - entailment_share)) {
        throw UsageError("mue train: --question-share must lie in [0, 1 - entailment share]");
    }
    const auto first_item = static_cast<std::uint64_t>(args.integer("first-item", 0, 1 << 30).value_or(0));
    const auto curriculum = static_cast<std::uint64_t>(args.integer("curriculum", 0, 1 << 30).value_or(0));
    const bool created = !std::filesystem::exists(o.model_folder / "config.json");
    if (!o.init_from.empty() && created) {
        constexpr std::array<const char*, 3> kModelFiles{"config.json", "vocab.json", "merges.txt"};
        for (const char* file : kModelFiles) {
            if (!std::filesystem::is_regular_file(o.init_from / file)) {
                throw mue::InputError((o.init_from / file).string() + ": missing; --init-from needs a model folder");
            }
        }
        std::filesystem::create_directories(o.model_folder);
        for (const char* file : kModelFiles) std::filesystem::copy_file(o.init_from / file, o.model_folder / file);
        std::cerr << "continuing " << o.init_from.string() << " in " << o.model_folder.string() << "\n";
    } else if (created) {
        mue::write_model_folder(o.model_folder, mue::shapes_model_config(width, image_size), mue::shapes::vocabulary_words(),
                                o.seed);
        std::cerr << "created " << o.model_folder.string() << " (width " << width << ", " << image_size << " px)\n";
    }
    const bool entangle = args.flag("entangle-positions");
    if (entangle && created) {
        auto entangled = mue::ModelConfig::load(o.model_folder / "config.json");
        entangled.arch.entangle_position_embedding = true;
        entangled.arch.decoder_entangle_position_embedding = true;
        std::ofstream(o.model_folder / "config.json", std::ios::binary | std::ios::trunc) << entangled.to_json();
    }
    const auto config = mue::ModelConfig::load(o.model_folder / "config.json");
    if (entangle && !config.arch.entangle_position_embedding) {
        throw mue::InputError((o.model_folder / "config.json").string() +
                              ": this folder's model keeps positions out of its tokens; --entangle-positions applies "
                              "only to a new --out folder");
    }
    const auto report = [&](const mue::TrainingProgress& p) {
        if (p.step % kReportEvery != 0 && p.step != p.steps) return;
        std::cerr << std::fixed << std::setprecision(3) << "step " << p.step << "/" << p.steps << "  loss " << p.loss
                  << "  layers";
        for (const double l : p.layer_losses) std::cerr << " " << std::setprecision(2) << l;
        if (p.answer_accuracy >= 0) std::cerr << "  answers " << std::setprecision(0) << 100 * p.answer_accuracy << "%";
        if (p.patch_loss >= 0) std::cerr << "  patches " << std::setprecision(2) << p.patch_loss;
        if (p.patch_accuracy >= 0) std::cerr << " " << std::setprecision(0) << 100 * p.patch_accuracy << "%";
        if (p.cut_caption_share > 0) {
            std::cerr << "  captions cut " << std::setprecision(0) << 100 * p.cut_caption_share << "%";
        }
        std::cerr << std::setprecision(1) << std::scientific << "  lr " << p.learning_rate << "  grad " << p.gradient_norm
                  << std::fixed << "  "
                  << p.examples_per_second << " ex/s  ETA " << duration(p.eta_seconds) << std::endl;
    };
    mue::ShapesMix mix;
    mix.entailment_share = entailment_share;
    mix.question_share = question_share;
    mix.first_item = first_item;
    mix.curriculum_examples = curriculum;
    mix.contrast_pairs = args.flag("contrast-pairs");
    if (const auto kinds = args.value("question-kinds")) {
        std::istringstream list(*kinds);
        for (std::string kind; std::getline(list, kind, ',');) {
            if (!mue::shapes::is_question_kind(kind)) {
                throw UsageError("mue train: --question-kinds: unknown kind '" + kind +
                                 "' (colour, shape, size, count or relation)");
            }
            mix.question_kinds.push_back(kind);
        }
        if (question_share == 0) throw UsageError("mue train: --question-kinds needs --question-share");
    }
    o.example_stream = stream_settings(mix);
    const InterruptCancels interrupt;
    const auto last = mue::train(o, mue::shapes_example_source(config.image.size, mix), report, &interrupt.token());
    if (last.step < o.steps) {
        std::cerr << "interrupted after step " << last.step << " of " << o.steps << "; the checkpoint in "
                  << o.model_folder.string() << " is saved, and the same command resumes from it\n";
        return kExitInterrupted;
    }
    std::cout << "trained " << o.model_folder.string() << " to step " << last.step << " (loss " << last.loss << ")\n";
    return kExitOk;
}

}  // namespace mue::cli
