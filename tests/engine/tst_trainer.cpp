// The trainer on a tiny model and a toy task: the loss falls, layer-wise loss is switchable,
// checkpoints resume exactly, and the result loads and runs in the engine.

#include "error_of.hpp"
#include "mue/engine.hpp"
#include "mue/errors.hpp"
#include "mue/safetensors.hpp"
#include "mue/shapes_world.hpp"
#include "mue/trainer.hpp"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <numeric>
#include <set>

namespace fs = std::filesystem;

namespace {

struct NamedColour {
    const char* name;
    std::array<std::uint8_t, 3> rgb;
};
constexpr std::array<NamedColour, 3> kColours{{{"red", {230, 30, 30}}, {"green", {30, 200, 40}}, {"blue", {30, 60, 230}}}};

// Toy world: a square of one colour on grey; captions name the colour, hypotheses ask about one.
mue::TrainingExample toy_example(std::uint64_t index) {
    const auto& colour = kColours[index % kColours.size()];
    mue::RgbImage img{16, 16, std::vector<std::uint8_t>(16 * 16 * 3, 128)};
    for (int y = 4; y < 12; ++y) {
        for (int x = 4; x < 12; ++x) {
            for (int c = 0; c < 3; ++c) img.rgb[static_cast<std::size_t>((y * 16 + x) * 3 + c)] = colour.rgb[static_cast<std::size_t>(c)];
        }
    }
    mue::TrainingExample ex;
    ex.image = std::move(img);
    if (index % 2 == 0) {
        ex.task = mue::Task::Caption;
        ex.target = std::string("a ") + colour.name + " square";
    } else {
        const auto& asked = kColours[(index / 2) % kColours.size()];
        ex.task = mue::Task::Entailment;
        ex.text = std::string("a ") + asked.name + " square";
        ex.target = &asked == &colour ? "yes" : "no";
    }
    return ex;
}

mue::ModelConfig tiny_config() {
    auto c = mue::default_random_model_config();
    auto& a = c.arch;
    a.d_model = 32;
    a.ffn_dim = 64;
    a.attention_heads = 2;
    a.encoder_layers = 2;
    a.decoder_layers = 3;
    a.text_positions = 40;
    a.token_bucket_size = 16;
    a.image_bucket_size = 4;
    a.conv_stem.channels = {8, 16};
    c.image.size = 16;
    c.max_source_tokens = 30;
    c.caption.max_length = 8;
    return c;
}

fs::path fresh_model(const QTemporaryDir& dir, const std::string& name) {
    const fs::path folder = fs::path(dir.path().toStdString()) / name;
    mue::write_random_model(folder, tiny_config(), /*seed=*/5);
    return folder;
}

mue::TrainingOptions options_for(const fs::path& folder, int steps) {
    mue::TrainingOptions o;
    o.model_folder = folder;
    o.steps = steps;
    o.batch_size = 12;
    o.learning_rate = 3e-3;
    o.warmup_steps = 5;
    o.checkpoint_every = 1000;
    o.seed = 9;
    return o;
}

double max_weight_difference(const fs::path& a, const fs::path& b) {
    const auto fa = mue::SafetensorsFile::open(a / "model.safetensors");
    const auto fb = mue::SafetensorsFile::open(b / "model.safetensors");
    double worst = 0;
    for (const auto& t : fa.tensors()) {
        const auto va = fa.to_float(t);
        const auto vb = fb.to_float(fb.at(t.name));
        for (std::size_t i = 0; i < va.size(); ++i) worst = std::max(worst, static_cast<double>(std::abs(va[i] - vb[i])));
    }
    return worst;
}

}  // namespace

class TestTrainer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { mue::set_intra_op_threads(1); }

    void lossFallsAndEveryLayerIsTrained() {
        QTemporaryDir dir;
        const auto folder = fresh_model(dir, "model");
        std::vector<mue::TrainingProgress> seen;
        const auto last = mue::train(options_for(folder, 200), toy_example,
                                     [&](const mue::TrainingProgress& p) { seen.push_back(p); });
        QCOMPARE(last.step, 200);
        QCOMPARE(seen.size(), std::size_t{200});
        const auto mean_loss = [&](std::size_t from, std::size_t to) {
            double sum = 0;
            for (std::size_t i = from; i < to; ++i) sum += seen[i].loss;
            return sum / static_cast<double>(to - from);
        };
        QVERIFY2(mean_loss(190, 200) < 0.6 * mean_loss(0, 10),
                 qPrintable(QString("%1 -> %2").arg(mean_loss(0, 10)).arg(mean_loss(190, 200))));
        // With the layer-wise loss, the first decoder layer learns too.
        QVERIFY(seen.back().layer_losses.front() < seen.front().layer_losses.front());
        QCOMPARE(seen.back().layer_losses.size(), std::size_t{3});
        QVERIFY(seen.back().eta_seconds == 0.0);
        QVERIFY(seen.front().examples_per_second > 0);
        // The batch's own answers: half of each toy batch is entailment, learnt by the end.
        QVERIFY(seen.front().answer_accuracy >= 0.0 && seen.front().answer_accuracy <= 1.0);
        QCOMPARE(seen.back().answer_accuracy, 1.0);

        // The trained folder is a model the engine runs, and it learnt the toy task.
        const auto engine = mue::Engine::load(folder);
        int correct = 0;
        for (std::uint64_t i = 1; i < 12; i += 2) {
            const auto ex = toy_example(i);
            mue::RunRequest r;
            r.task = ex.task;
            r.text = ex.text;
            r.image = ex.image;
            correct += engine.run(r).prediction == ex.target;
        }
        QVERIFY2(correct >= 5, qPrintable(QString::number(correct)));
    }

    // Fine-tuning a ResNet-stem model (a converted OFA checkpoint) trains the convolutions and the
    // batch-norm scales but leaves the running statistics as they were: batch norm stays in
    // inference mode, and the statistics are buffers, not parameters.
    void resnetStemKeepsRunningStatistics() {
        QTemporaryDir dir;
        const fs::path folder = fs::path(dir.path().toStdString()) / "resnet";
        auto c = tiny_config();
        c.arch.image_stem = mue::ImageStemType::ResNet;
        c.arch.resnet.blocks = {1, 1, 1};
        c.image.size = 32;
        c.arch.image_bucket_size = 4;
        mue::write_random_model(folder, c, /*seed=*/5);
        const auto before = mue::SafetensorsFile::open(folder / "model.safetensors");
        std::map<std::string, std::vector<float>> initial;
        for (const auto& t : before.tensors()) initial[t.name] = before.to_float(t);
        (void)mue::train(options_for(folder, 3), toy_example);
        const auto after = mue::SafetensorsFile::open(folder / "model.safetensors");
        const auto changed = [&](const std::string& name) { return after.to_float(after.at(name)) != initial.at(name); };
        QVERIFY(changed("encoder.embed_images.conv1.weight"));
        QVERIFY(changed("encoder.embed_images.layer3.0.bn3.weight"));
        QVERIFY(!changed("encoder.embed_images.layer3.0.bn3.running_mean"));
        QVERIFY(!changed("encoder.embed_images.bn1.running_var"));
    }

    void lastLayerOnlyLossIsTheAblation() {
        QTemporaryDir dir;
        const auto folder = fresh_model(dir, "ablation");
        auto o = options_for(folder, 30);
        o.layerwise_loss = false;
        std::vector<mue::TrainingProgress> seen;
        (void)mue::train(o, toy_example, [&](const mue::TrainingProgress& p) { seen.push_back(p); });
        // The reported loss is the last layer's alone; the first layer gets no direct signal.
        QCOMPARE(seen.back().loss, seen.back().layer_losses.back());
        QVERIFY(seen.back().layer_losses.front() > seen.back().layer_losses.back());
    }

    void resumingContinuesExactly() {
        QTemporaryDir dir;
        const auto straight = fresh_model(dir, "straight");
        (void)mue::train(options_for(straight, 12), toy_example);

        const auto interrupted = fresh_model(dir, "interrupted");
        mue::CancellationToken stop;
        (void)mue::train(options_for(interrupted, 12), toy_example, [&](const mue::TrainingProgress& p) {
            if (p.step == 5) stop.cancel();
        }, &stop);
        const auto resumed = mue::train(options_for(interrupted, 12), toy_example);
        QCOMPARE(resumed.step, 12);
        QVERIFY2(max_weight_difference(straight, interrupted) < 1e-6,
                 qPrintable(QString::number(max_weight_difference(straight, interrupted))));
    }

    void lossAveragesDiffer() {
        // The toy batch mixes 3-token captions and 1-token answers: the two averages weigh them
        // differently, so the same steps end in different weights; both learn.
        QTemporaryDir dir;
        const auto per_example = fresh_model(dir, "example");
        const auto per_token = fresh_model(dir, "token");
        const auto a = mue::train(options_for(per_example, 25), toy_example);
        auto o = options_for(per_token, 25);
        o.loss_average = mue::LossAverage::PerToken;
        const auto b = mue::train(o, toy_example);
        QVERIFY(max_weight_difference(per_example, per_token) > 1e-4);
        QVERIFY(std::isfinite(a.loss) && std::isfinite(b.loss));
    }

    void continuesFromATrainedModel() {
        QTemporaryDir dir;
        const auto trained = fresh_model(dir, "trained");
        (void)mue::train(options_for(trained, 10), toy_example);

        // A folder with other random weights, started from the trained one with a negligible step.
        const fs::path continued = fs::path(dir.path().toStdString()) / "continued";
        mue::write_random_model(continued, tiny_config(), /*seed=*/77);
        QVERIFY(max_weight_difference(trained, continued) > 0.01);
        auto o = options_for(continued, 1);
        o.init_from = trained;
        o.learning_rate = 1e-9;
        o.min_learning_rate = 1e-9;
        (void)mue::train(o, toy_example);
        QVERIFY2(max_weight_difference(trained, continued) < 1e-6,
                 qPrintable(QString::number(max_weight_difference(trained, continued))));

        // A run from scratch cannot resume a continued run's checkpoint: its start is part of the run.
        auto scratch = options_for(continued, 1);
        scratch.learning_rate = 1e-9;
        scratch.min_learning_rate = 1e-9;
        QVERIFY(mue::test::error_of([&] { (void)mue::train(scratch, toy_example); }).find("other settings") !=
                std::string::npos);
    }

    // Continuing a model with entangled positions scales its position tables once, so that the
    // rows now added to its tokens disturb it little; every other weight is taken as it is.
    void entanglingAContinuedModelScalesItsPositionTables() {
        QTemporaryDir dir;
        const auto trained = fresh_model(dir, "trained");
        (void)mue::train(options_for(trained, 3), toy_example);
        const fs::path entangled = fs::path(dir.path().toStdString()) / "entangled";
        auto c = tiny_config();
        c.arch.entangle_position_embedding = true;
        c.arch.decoder_entangle_position_embedding = true;
        mue::write_random_model(entangled, c, /*seed=*/77);
        auto o = options_for(entangled, 1);
        o.init_from = trained;
        o.learning_rate = 1e-9;
        o.min_learning_rate = 1e-9;
        (void)mue::train(o, toy_example);

        const auto before = mue::SafetensorsFile::open(trained / "model.safetensors");
        const auto after = mue::SafetensorsFile::open(entangled / "model.safetensors");
        int scaled = 0;
        for (const auto& t : before.tensors()) {
            const bool table = t.name.find("embed_positions.weight") != std::string::npos ||
                               t.name.find("embed_image_positions.weight") != std::string::npos;
            const double factor = table ? 0.4 : 1.0;
            const auto a = before.to_float(t);
            const auto b = after.to_float(after.at(t.name));
            double worst = 0;
            for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(factor * a[i] - b[i]));
            QVERIFY2(worst < 1e-6, qPrintable(QString::fromStdString(t.name) + ": " + QString::number(worst)));
            scaled += table;
        }
        QCOMPARE(scaled, 3);
    }

    void shapesSourceMixesTasksEvenly() {
        constexpr int kSize = 32;
        const auto half = mue::shapes_example_source(kSize);
        QCOMPARE(half(0).task, mue::Task::Caption);
        QCOMPARE(half(1).task, mue::Task::Entailment);
        QCOMPARE(half(2).task, mue::Task::Caption);

        const auto mostly = mue::shapes_example_source(kSize, mue::ShapesMix{/*entailment_share=*/0.75});
        for (std::uint64_t start : {0U, 8U, 1000U}) {
            int entailment = 0;
            for (std::uint64_t i = start; i < start + 8; ++i) entailment += mostly(i).task == mue::Task::Entailment;
            QCOMPARE(entailment, 6);
        }
        const auto only = mue::shapes_example_source(kSize, mue::ShapesMix{/*entailment_share=*/1.0});
        QCOMPARE(only(0).task, mue::Task::Entailment);
        QCOMPARE(only(1).text == only(0).text && only(1).image.rgb == only(0).image.rgb, false);

        // first_item shifts the items drawn: caption item 10 comes first.
        mue::ShapesMix shift;
        shift.first_item = 10;
        const auto shifted = mue::shapes_example_source(kSize, shift);
        QVERIFY(shifted(0).image.rgb == half(20).image.rgb);
        QVERIFY(shifted(0).image.rgb != half(0).image.rgb);

        QVERIFY(mue::test::error_of([] { (void)mue::shapes_example_source(kSize, mue::ShapesMix{1.5}); }).find("entailment share") !=
                std::string::npos);
    }

    // Questions take their share of the slots entailment leaves, trained as free prompts, and leave
    // the entailment items where they were.
    void shapesSourceMixesInQuestions() {
        constexpr int kSize = 32;
        const auto plain = mue::shapes_example_source(kSize);
        mue::ShapesMix with_questions;
        with_questions.question_share = 0.25;
        const auto mixed = mue::shapes_example_source(kSize, with_questions);
        std::map<mue::Task, int> tasks;
        for (std::uint64_t i = 0; i < 40; ++i) {
            const auto ex = mixed(i);
            ++tasks[ex.task];
            if (ex.task == mue::Task::Entailment) {
                QCOMPARE(ex.text, plain(i).text);
            } else if (ex.task == mue::Task::Prompt) {
                QVERIFY2(ex.text.back() == '?' && ex.target.find(' ') == std::string::npos, ex.text.c_str());
            }
        }
        QCOMPARE(tasks[mue::Task::Entailment], 20);
        QCOMPARE(tasks[mue::Task::Prompt], 10);
        QCOMPARE(tasks[mue::Task::Caption], 10);
        QVERIFY(mue::test::error_of([] { (void)mue::shapes_example_source(kSize, mue::ShapesMix{0.8, 0.3}); })
                    .find("question share") != std::string::npos);

        mue::ShapesMix relations = with_questions;
        relations.question_kinds = {"relation"};
        const auto asked = mue::shapes_example_source(kSize, relations);
        const std::set<std::string> sides{"left", "right", "above", "below"};
        for (std::uint64_t i = 0; i < 40; ++i) {
            const auto ex = asked(i);
            QCOMPARE(ex.task, mixed(i).task);
            if (ex.task == mue::Task::Prompt) QVERIFY2(sides.count(ex.target) == 1, ex.text.c_str());
            if (ex.task != mue::Task::Prompt) QCOMPARE(ex.text, mixed(i).text);
        }
        relations.question_kinds = {"relation", "where"};
        QVERIFY(mue::test::error_of([&] { (void)mue::shapes_example_source(kSize, relations); })
                    .find("unknown question kind 'where'") != std::string::npos);
    }

    // Contrast pairs: entailment examples 2m and 2m+1 show one scene with two labels.
    void shapesSourceMakesContrastPairs() {
        constexpr int kSize = 32;
        mue::ShapesMix pairs;
        pairs.entailment_share = 1.0;
        pairs.contrast_pairs = true;
        const auto source = mue::shapes_example_source(kSize, pairs);
        std::map<std::string, int> labels;
        int contrasted = 0;
        for (std::uint64_t m = 0; m < 60; m += 2) {
            const auto first = source(m);
            const auto second = source(m + 1);
            QVERIFY(first.image.rgb == second.image.rgb);
            contrasted += first.target != second.target && first.text != second.text;
            ++labels[first.target];
            ++labels[second.target];
        }
        QCOMPARE(contrasted, 30);
        for (const char* label : {"yes", "no", "maybe"}) QVERIFY2(labels[label] >= 12, label);
    }

    // The addition: with early-stopped encoder streams the run trains other weights, and its
    // checkpoints do not resume as a plain run's.
    void encoderExitsInTrainingAreAnOption() {
        QTemporaryDir dir;
        const auto plain = fresh_model(dir, "plain");
        const auto exiting = fresh_model(dir, "exiting");
        (void)mue::train(options_for(plain, 6), toy_example);
        auto o = options_for(exiting, 6);
        o.encoder_exit_share = 1.0;
        (void)mue::train(o, toy_example);
        QVERIFY(max_weight_difference(plain, exiting) > 1e-4);

        auto plain_resume = options_for(exiting, 8);
        QVERIFY(mue::test::error_of([&] { (void)mue::train(plain_resume, toy_example); }).find("other settings") !=
                std::string::npos);
        auto bad = options_for(plain, 8);
        bad.encoder_exit_share = 1.5;
        QVERIFY(mue::test::error_of([&] { (void)mue::train(bad, toy_example); }).find("encoder_exit_share") !=
                std::string::npos);
    }

    // The caller's description of its example stream is part of the run: resuming on another stream
    // is refused with the setting named, resuming on the same one continues.
    void exampleStreamIsPartOfTheRun() {
        QTemporaryDir dir;
        const auto folder = fresh_model(dir, "model");
        auto o = options_for(folder, 3);
        o.example_stream = {{"entailment_share", "0.8"}, {"first_item", "500"}};
        (void)mue::train(o, toy_example);

        const auto plain = options_for(folder, 3);
        const std::string missing = mue::test::error_of([&] { (void)mue::train(plain, toy_example); });
        QVERIFY2(missing.find("examples: {\"entailment_share\":\"0.8\",\"first_item\":\"500\"} in the checkpoint, "
                              "the default now") != std::string::npos,
                 missing.c_str());
        auto other = options_for(folder, 3);
        other.example_stream = {{"entailment_share", "0.5"}, {"first_item", "500"}};
        const std::string changed = mue::test::error_of([&] { (void)mue::train(other, toy_example); });
        QVERIFY2(changed.find("examples.entailment_share: \"0.8\" in the checkpoint, \"0.5\" now") != std::string::npos,
                 changed.c_str());
        QVERIFY2(changed.find("first_item") == std::string::npos, changed.c_str());

        auto same = options_for(folder, 3);
        same.example_stream = o.example_stream;
        QCOMPARE(mue::train(same, toy_example).step, 3);
    }

    // The per-patch loss (an addition): the head learns what the scene's patches show, it is
    // checkpointed beside the model and resumes exactly, and the model file stays the model's.
    void patchLossTeachesTheImageTokens() {
        QTemporaryDir dir;
        const auto make = [&](const std::string& name) {
            auto c = tiny_config();
            c.image.size = 32;  // the shapes world's smallest; the two-layer stem gives 8 x 8 tokens
            c.arch.image_bucket_size = 8;
            const fs::path folder = fs::path(dir.path().toStdString()) / name;
            mue::write_random_model(folder, c, /*seed=*/5);
            return folder;
        };
        const auto scenes = mue::shapes_example_source(/*image_size=*/32);
        const auto folder = make("patches");
        auto o = options_for(folder, 60);
        o.patch_loss_weight = 1.0;
        std::vector<mue::TrainingProgress> seen;
        (void)mue::train(o, scenes, [&](const mue::TrainingProgress& p) { seen.push_back(p); });
        const auto mean_patch_loss = [&](std::size_t from, std::size_t to) {
            double sum = 0;
            for (std::size_t i = from; i < to; ++i) sum += seen[i].patch_loss;
            return sum / static_cast<double>(to - from);
        };
        QVERIFY(std::all_of(seen.begin(), seen.end(), [](const auto& p) {
            return p.patch_loss >= 0 && p.patch_accuracy >= 0 && p.patch_accuracy <= 1;
        }));
        QVERIFY2(mean_patch_loss(50, 60) < 0.7 * mean_patch_loss(0, 10),
                 qPrintable(QString("%1 -> %2").arg(mean_patch_loss(0, 10)).arg(mean_patch_loss(50, 60))));
        QVERIFY(fs::exists(folder / "training-patch-head.pt"));
        const auto plain = make("plain");
        (void)mue::train(options_for(plain, 1), scenes);
        QCOMPARE(mue::SafetensorsFile::open(folder / "model.safetensors").tensors().size(),
                 mue::SafetensorsFile::open(plain / "model.safetensors").tensors().size());
        QVERIFY(mue::Engine::load(folder).config().trained);

        // A run continued from this model takes its head along; a broken head is named.
        const auto continued = make("continued");
        auto more = options_for(continued, 1);
        more.patch_loss_weight = 1.0;
        more.init_from = folder;
        const double continued_loss = mue::train(more, scenes).patch_loss;
        QVERIFY2(continued_loss < 0.7 * seen.front().patch_loss,
                 qPrintable(QString("%1 vs a new head's %2").arg(continued_loss).arg(seen.front().patch_loss)));
        std::ofstream(folder / "training-patch-head.pt", std::ios::trunc) << "not a head";
        more.resume = false;
        QVERIFY(mue::test::error_of([&] { (void)mue::train(more, scenes); }).find("training-patch-head.pt: not a per-patch head") !=
                std::string::npos);

        const auto straight = make("straight");
        auto short_run = options_for(straight, 8);
        short_run.patch_loss_weight = 0.5;
        (void)mue::train(short_run, scenes);
        const auto interrupted = make("interrupted");
        short_run.model_folder = interrupted;
        mue::CancellationToken stop;
        (void)mue::train(short_run, scenes, [&](const mue::TrainingProgress& p) {
            if (p.step == 3) stop.cancel();
        }, &stop);
        QCOMPARE(mue::train(short_run, scenes).step, 8);
        QVERIFY2(max_weight_difference(straight, interrupted) < 1e-6,
                 qPrintable(QString::number(max_weight_difference(straight, interrupted))));

        // Examples without a scene carry no patch loss; a bad weight is refused by name.
        const auto toy = fresh_model(dir, "toy");
        auto on_toys = options_for(toy, 2);
        on_toys.patch_loss_weight = 1.0;
        QCOMPARE(mue::train(on_toys, toy_example).patch_loss, -1.0);
        auto without = options_for(plain, 2);
        without.resume = false;
        QCOMPARE(mue::train(without, scenes).patch_accuracy, -1.0);
        on_toys.patch_loss_weight = -1;
        QVERIFY(mue::test::error_of([&] { (void)mue::train(on_toys, toy_example); }).find("patch_loss_weight") !=
                std::string::npos);
    }

    void workersSplitTheBatchWithoutChangingIt() {
        // One worker, or the batch of 12 split into slices of 4 + 4 + 4 or 2 + 2 + 3 + 2 + 3 rows,
        // trains the same model: only the order of floating-point sums differs. Shapes scenes so
        // that the per-patch loss and encoder exits are split too, under both loss averages.
        QTemporaryDir dir;
        const auto scenes = mue::shapes_example_source(/*image_size=*/32);
        for (const auto average : {mue::LossAverage::PerExample, mue::LossAverage::PerToken}) {
            const auto run = [&](const std::string& name, int workers) {
                auto c = tiny_config();
                c.image.size = 32;
                c.arch.image_bucket_size = 8;
                const fs::path folder = fs::path(dir.path().toStdString()) / name;
                mue::write_random_model(folder, c, /*seed=*/5);
                auto o = options_for(folder, 6);
                o.loss_average = average;
                o.patch_loss_weight = 0.5;
                o.encoder_exit_share = 0.5;
                o.workers = workers;
                std::vector<mue::TrainingProgress> seen;
                (void)mue::train(o, scenes, [&](const mue::TrainingProgress& p) { seen.push_back(p); });
                return std::make_pair(folder, seen);
            };
            const auto suffix = average == mue::LossAverage::PerToken ? std::string("-token") : std::string("-example");
            const auto [one, one_seen] = run("one" + suffix, 1);
            const auto [three, three_seen] = run("three" + suffix, 3);
            const auto [five, five_seen] = run("five" + suffix, 5);
            const auto [again, again_seen] = run("again" + suffix, 5);
            QCOMPARE(max_weight_difference(five, again), 0.0);  // reproducible for a given count
            for (const auto& [folder, seen] : {std::make_pair(three, three_seen), std::make_pair(five, five_seen)}) {
                QVERIFY2(max_weight_difference(one, folder) < 1e-4, qPrintable(QString::number(max_weight_difference(one, folder))));
                QCOMPARE(seen.size(), one_seen.size());
                for (std::size_t i = 0; i < seen.size(); ++i) {
                    QVERIFY(std::abs(seen[i].loss - one_seen[i].loss) < 1e-4 * one_seen[i].loss);
                    QVERIFY(std::abs(seen[i].patch_loss - one_seen[i].patch_loss) < 1e-4 * one_seen[i].patch_loss);
                    QVERIFY(std::abs(seen[i].gradient_norm - one_seen[i].gradient_norm) < 1e-3 * one_seen[i].gradient_norm);
                    QCOMPARE(seen[i].answer_accuracy, one_seen[i].answer_accuracy);
                    QCOMPARE(seen[i].patch_accuracy, one_seen[i].patch_accuracy);
                    QCOMPARE(seen[i].cut_caption_share, one_seen[i].cut_caption_share);
                    for (std::size_t l = 0; l < seen[i].layer_losses.size(); ++l) {
                        QVERIFY(std::abs(seen[i].layer_losses[l] - one_seen[i].layer_losses[l]) < 1e-4 * one_seen[i].layer_losses[l]);
                    }
                }
            }
        }
        // A checkpoint written with one count resumes with another.
        const auto folder = fresh_model(dir, "resumed");
        auto o = options_for(folder, 4);
        o.workers = 2;
        mue::CancellationToken stop;
        (void)mue::train(o, toy_example, [&](const mue::TrainingProgress& p) {
            if (p.step == 2) stop.cancel();
        }, &stop);
        o.workers = 1;
        QCOMPARE(mue::train(o, toy_example).step, 4);
        o.workers = 0;
        QVERIFY(mue::test::error_of([&] { (void)mue::train(o, toy_example); }).find("'workers' must be positive") !=
                std::string::npos);
    }

    void answerAccuracyIsUnsetWithoutEntailment() {
        QTemporaryDir dir;
        const auto folder = fresh_model(dir, "model");
        const auto captions_only = [](std::uint64_t i) { return toy_example(2 * i); };
        QCOMPARE(mue::train(options_for(folder, 2), captions_only).answer_accuracy, -1.0);
    }

    // Targets longer than the caption max_length (8 tokens here) are cut, and progress says how
    // many: a model trained on cut captions learns to stop at the cut.
    void progressCountsCutCaptions() {
        QTemporaryDir dir;
        const auto folder = fresh_model(dir, "model");
        const auto short_captions = [](std::uint64_t i) { return toy_example(2 * i); };
        QCOMPARE(mue::train(options_for(folder, 1), short_captions).cut_caption_share, 0.0);

        const auto half_long = [](std::uint64_t i) {
            auto ex = toy_example(2 * i);
            if (i % 2 == 0) ex.target += " beside a square beside a square beside a square";
            return ex;
        };
        QCOMPARE(mue::train(options_for(fresh_model(dir, "long"), 1), half_long).cut_caption_share, 0.5);

        const auto answers_only = [](std::uint64_t i) { return toy_example(2 * i + 1); };
        QCOMPARE(mue::train(options_for(fresh_model(dir, "answers"), 1), answers_only).cut_caption_share, -1.0);
    }

    void shapesSourceFollowsTheCurriculum() {
        constexpr int kSize = 32;
        constexpr std::uint64_t kCurriculum = 50;  // 5 stages of 10 examples
        const auto plain = mue::shapes_example_source(kSize);
        mue::ShapesMix curriculum;
        curriculum.curriculum_examples = kCurriculum;
        const auto staged = mue::shapes_example_source(kSize, curriculum);
        int hardest_after = 0;
        for (std::uint64_t i = 0; i < 2 * kCurriculum; ++i) {
            const auto ex = staged(i);
            if (i < kCurriculum) {
                QVERIFY2(ex.difficulty <= static_cast<int>(i / 10), qPrintable(QString("example %1: %2").arg(i).arg(ex.difficulty)));
            } else {
                // Past the curriculum the stream is the plain one.
                QCOMPARE(ex.difficulty, plain(i).difficulty);
                QVERIFY(ex.image.rgb == plain(i).image.rgb);
                hardest_after = std::max(hardest_after, ex.difficulty);
            }
            QCOMPARE(ex.task, plain(i).task);
        }
        QCOMPARE(hardest_after, mue::shapes::kMaxDifficulty);
        // Items within the limit are kept, so the first stage starts with the plain stream's easy items.
        for (std::uint64_t i = 0; i < 10; ++i) {
            if (plain(i).difficulty == 0) QVERIFY(staged(i).image.rgb == plain(i).image.rgb);
        }
        // Deterministic: resuming draws the same examples.
        QVERIFY(staged(3).image.rgb == mue::shapes_example_source(kSize, curriculum)(3).image.rgb);
    }

    void rejectsBadOptionsAndForeignCheckpoints() {
        QTemporaryDir dir;
        const auto folder = fresh_model(dir, "model");
        auto o = options_for(folder, 3);
        o.batch_size = 0;
        QVERIFY(mue::test::error_of([&] { (void)mue::train(o, toy_example); }).find("batch_size") != std::string::npos);
        (void)mue::train(options_for(folder, 3), toy_example);
        auto other = options_for(folder, 3);
        other.seed = 10;
        const std::string seed_error = mue::test::error_of([&] { (void)mue::train(other, toy_example); });
        QVERIFY2(seed_error.find("other settings (seed: 9 in the checkpoint, 10 now)") != std::string::npos,
                 seed_error.c_str());
        auto token_mean = options_for(folder, 3);
        token_mean.loss_average = mue::LossAverage::PerToken;
        QVERIFY(mue::test::error_of([&] { (void)mue::train(token_mean, toy_example); }).find("other settings") != std::string::npos);
        other.resume = false;
        QCOMPARE(mue::train(other, toy_example).step, 3);  // starting afresh is always allowed
    }
};

QTEST_APPLESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
