// Early-exit invariants on the built default model through the public engine API.

#include "mue/engine.hpp"
#include "mue/errors.hpp"

#include <QtTest/QtTest>

#include <cmath>

namespace {

const std::filesystem::path kModelDir = MUE_TEST_MODEL_DIR;

mue::RgbImage scene(int seed) {
    const int w = 90, h = 70;
    mue::RgbImage img{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w * h * 3))};
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            auto* p = &img.rgb[static_cast<std::size_t>((y * w + x) * 3)];
            const bool blob = std::abs(x - 20 - seed * 9) < 12 && std::abs(y - 30) < 12;
            p[0] = static_cast<std::uint8_t>(blob ? 240 : (x * 3 + seed * 40) % 256);
            p[1] = static_cast<std::uint8_t>(blob ? 20 : (y * 5) % 256);
            p[2] = static_cast<std::uint8_t>((x + y + seed * 17) % 256);
        }
    }
    return img;
}

mue::RunRequest request(mue::Task task, const std::string& text, int seed, const mue::ExitSettings& exits) {
    mue::RunRequest r;
    r.task = task;
    r.text = text;
    r.image = scene(seed);
    r.exits = exits;
    return r;
}

mue::ExitSettings mue_thresholds(double image, double text, double decoder) {
    mue::ExitSettings s;
    s.policy = mue::ExitPolicy::Mue;
    s.image_threshold = image;
    s.text_threshold = text;
    s.decoder_threshold = decoder;
    s.warmup_fraction = 0;
    return s;
}

std::vector<int> decoder_exits(const mue::RunResult& r) {
    std::vector<int> out;
    for (const auto& t : r.trace.decoder_tokens) out.push_back(t.exit_layer);
    return out;
}

}  // namespace

class TestExits : public QObject {
    Q_OBJECT

    std::unique_ptr<mue::Engine> engine_;

private Q_SLOTS:
    void initTestCase() {
        mue::set_intra_op_threads(1);
        engine_ = std::make_unique<mue::Engine>(mue::Engine::load(kModelDir));
    }

    void thresholdsOfOneReproduceTheFullModel_data() {
        QTest::addColumn<int>("task");
        QTest::newRow("caption") << int(mue::Task::Caption);
        QTest::newRow("entailment") << int(mue::Task::Entailment);
    }

    void thresholdsOfOneReproduceTheFullModel() {
        QFETCH(int, task);
        mue::ExitSettings full;
        auto full_request = request(static_cast<mue::Task>(task), "a red circle", 1, full);
        full_request.encoder_mode = mue::EncoderMode::Decomposed;
        const auto reference = engine_->run(full_request);
        for (const auto kv : {mue::KvPolicy::None, mue::KvPolicy::Copy, mue::KvPolicy::Propagate}) {
            auto ones = mue_thresholds(1.0, 1.0, 1.0);
            ones.kv_policy = kv;
            const auto r = engine_->run(request(static_cast<mue::Task>(task), "a red circle", 1, ones));
            QCOMPARE(r.output_ids, reference.output_ids);
            QCOMPARE(r.output_score, reference.output_score);  // bit for bit
            for (std::size_t a = 0; a < r.answers.size(); ++a) QCOMPARE(r.answers[a].logit, reference.answers[a].logit);
            QCOMPARE(r.trace.image.exit_layer, 6);
            QCOMPARE(r.trace.text.exit_layer, 6);
            for (const int e : decoder_exits(r)) QCOMPARE(e, 6);
            QCOMPARE(r.trace.savings.expected_reduction_mean, 0.0);
            QCOMPARE(r.trace.savings.flop_reduction, 0.0);
        }
    }

    void thresholdsBelowMinusOneExitAfterLayerOne() {
        auto s = mue_thresholds(-2, -2, -2);
        for (const auto task : {mue::Task::Caption, mue::Task::Entailment}) {
            const auto r = engine_->run(request(task, "two blue squares", 2, s));
            QCOMPARE(r.trace.image.exit_layer, 1);
            QCOMPARE(r.trace.text.exit_layer, 1);
            QCOMPARE(r.trace.image.similarity.size(), std::size_t{1});
            QVERIFY(!r.trace.decoder_tokens.empty());
            for (const auto& t : r.trace.decoder_tokens) {
                QCOMPARE(t.exit_layer, 1);
                QCOMPARE(t.similarity.size(), std::size_t{1});
            }
            // (1 + 1)/2 encoder layers and 1 decoder layer of 12.
            QVERIFY(std::abs(r.trace.savings.expected_reduction_mean - (1.0 - 2.0 / 12.0)) < 1e-12);
        }
    }

    void lowerThresholdNeverExitsLaterNorMovesTheOtherStream() {
        // The similarities of a what-if run give thresholds that land between layers.
        auto probe = mue_thresholds(1.0, 1.0, 1.0);
        probe.what_if = true;
        const auto what_if = engine_->run(request(mue::Task::Entailment, "is it a star", 3, probe));
        QCOMPARE(what_if.trace.image.similarity.size(), std::size_t{6});
        std::vector<double> thresholds{1.0, -1.5};
        for (const float s : what_if.trace.image.similarity) thresholds.push_back(s - 1e-6);
        for (const float s : what_if.trace.text.similarity) thresholds.push_back(s - 1e-6);
        std::sort(thresholds.rbegin(), thresholds.rend());

        for (const bool image_side : {true, false}) {
            int previous_exit = 7;
            int other_exit = -1;
            for (const double t : thresholds) {
                const auto s = image_side ? mue_thresholds(t, 0.999999, 1.0) : mue_thresholds(0.999999, t, 1.0);
                const auto r = engine_->run(request(mue::Task::Entailment, "is it a star", 3, s));
                const int mine = image_side ? r.trace.image.exit_layer : r.trace.text.exit_layer;
                const int other = image_side ? r.trace.text.exit_layer : r.trace.image.exit_layer;
                QVERIFY2(mine <= previous_exit, qPrintable(QString("threshold %1: exit %2 after %3").arg(t).arg(mine).arg(previous_exit)));
                if (other_exit >= 0) QCOMPARE(other, other_exit);
                previous_exit = mine;
                other_exit = other;
                // The stream exits at the first layer whose similarity exceeds the threshold.
                const auto& sims = image_side ? what_if.trace.image.similarity : what_if.trace.text.similarity;
                int expected = 6;
                for (int l = 0; l < 6; ++l) {
                    if (sims[static_cast<std::size_t>(l)] > t) {
                        expected = l + 1;
                        break;
                    }
                }
                QCOMPARE(mine, expected);
            }
            QCOMPARE(previous_exit, 1);  // the lowest threshold exits after layer 1
        }
    }

    void warmupStepsNeverExitAndThetaFollowsTheSchedule() {
        auto s = mue_thresholds(1.0, 1.0, -2.0);
        s.warmup_fraction = 0.25;
        s.beta = 0.9;
        s.tau = 2.0;
        auto r = request(mue::Task::Caption, "", 4, s);
        r.max_length = 8;
        r.beam_size = 1;
        const auto result = engine_->run(r);
        QVERIFY(result.trace.decoder_tokens.size() >= 3);
        for (const auto& t : result.trace.decoder_tokens) {
            if (t.step <= 2) {  // floor(0.25 * 8) warm-up steps
                QCOMPARE(t.threshold, 1.0F);
                QCOMPARE(t.exit_layer, 6);
                QVERIFY(!t.exited);
            } else {
                const double theta = 0.9 * -2.0 + 0.1 * std::exp(-2.0 * t.step / 8.0);
                QVERIFY(std::abs(t.threshold - theta) < 1e-6);
                QCOMPARE(t.exit_layer, 1);
            }
        }
    }

    void staticPolicyUsesFixedDepths() {
        mue::ExitSettings s;
        s.policy = mue::ExitPolicy::Static;
        s.static_image_layers = 2;
        s.static_text_layers = 5;
        s.static_decoder_layers = 3;
        const auto r = engine_->run(request(mue::Task::Caption, "", 5, s));
        QCOMPARE(r.trace.image.exit_layer, 2);
        QCOMPARE(r.trace.text.exit_layer, 5);
        for (const int e : decoder_exits(r)) QCOMPARE(e, 3);
    }

    void headBasedPoliciesFollowTheirMeasures() {
        for (const auto policy : {mue::ExitPolicy::DeeBert, mue::ExitPolicy::Confidence, mue::ExitPolicy::Pabee}) {
            mue::ExitSettings s;
            s.policy = policy;
            s.entropy_threshold = 6.0;
            s.confidence_threshold = 0.01;
            s.patience = 1;
            const auto r = engine_->run(request(mue::Task::Caption, "", 6, s));
            QCOMPARE(r.trace.image.exit_layer, 6);  // decoder-only baselines
            for (const auto& t : r.trace.decoder_tokens) {
                QCOMPARE(static_cast<int>(t.measure.size()), t.exit_layer);
                const float last = t.measure.back();
                if (policy == mue::ExitPolicy::DeeBert) QCOMPARE(t.exited, last < 6.0F);
                if (policy == mue::ExitPolicy::Confidence) QCOMPARE(t.exited, last > 0.01F);
                if (policy == mue::ExitPolicy::Pabee) QCOMPARE(t.exited, last >= 1.0F);
                for (std::size_t l = 0; l + 1 < t.measure.size(); ++l) {
                    // Earlier layers did not satisfy the rule.
                    if (policy == mue::ExitPolicy::DeeBert) QVERIFY(t.measure[l] >= 6.0F);
                    if (policy == mue::ExitPolicy::Confidence) QVERIFY(t.measure[l] <= 0.01F);
                    if (policy == mue::ExitPolicy::Pabee) QVERIFY(t.measure[l] < 1.0F);
                }
            }
        }
    }

    void lensListsTopFivePerLayer() {
        auto s = mue_thresholds(0.99, 0.99, 1.0);
        s.lens = true;
        const auto r = engine_->run(request(mue::Task::Caption, "", 7, s));
        for (const auto& t : r.trace.decoder_tokens) {
            QCOMPARE(static_cast<int>(t.lens.size()), t.exit_layer);
            for (const auto& layer : t.lens) {
                QCOMPARE(layer.size(), std::size_t{5});
                QVERIFY(layer[0].probability >= layer[4].probability);
                QVERIFY(!layer[0].text.empty());
            }
            // At the last layer, the lens's top token is the greedy choice only for beam 1; check
            // instead that probabilities are a distribution's top entries.
            QVERIFY(t.lens.back()[0].probability <= 1.0F);
        }
    }

    // Beam search keeps each hypothesis's traces as a chain shared with the beams it came from;
    // the chain unrolled holds one trace per step, in order, ending with the </s> step.
    void beamTracesHaveOneTracePerStepInOrder() {
        for (const int seed : {9, 10, 11}) {
            const auto r = engine_->run(request(mue::Task::Caption, "", seed, mue_thresholds(0.99, 0.99, 0.99)));
            const auto& tokens = r.trace.decoder_tokens;
            QVERIFY(!tokens.empty());
            for (std::size_t i = 0; i < tokens.size(); ++i) {
                QCOMPARE(tokens[i].step, static_cast<int>(i) + 1);
                QCOMPARE(static_cast<int>(tokens[i].similarity.size()), tokens[i].exit_layer);
            }
            QCOMPARE(tokens.back().text, std::string("</s>"));
        }
    }

    // The head's measures and the lens read one distribution per layer: confidence is the lens's
    // top probability, PABEE's streak follows the lens's top token, and the entropy lies between
    // the min-entropy -log(top) and log(vocabulary).
    void headMeasuresAgreeWithTheLens() {
        const double log_vocab = std::log(static_cast<double>(engine_->info().arch.vocab_size));
        for (const auto policy : {mue::ExitPolicy::Confidence, mue::ExitPolicy::Pabee, mue::ExitPolicy::DeeBert}) {
            mue::ExitSettings s;
            s.policy = policy;
            s.confidence_threshold = 1.0;  // none of the three fires: every layer is measured
            s.patience = 100;
            s.entropy_threshold = 0.0;
            s.lens = true;
            const auto r = engine_->run(request(mue::Task::Caption, "", 8, s));
            QVERIFY(!r.trace.decoder_tokens.empty());
            for (const auto& t : r.trace.decoder_tokens) {
                QCOMPARE(t.measure.size(), t.lens.size());
                for (std::size_t l = 0; l < t.lens.size(); ++l) {
                    const auto& top = t.lens[l];
                    for (std::size_t k = 1; k < top.size(); ++k) {
                        QVERIFY(top[k - 1].probability >= top[k].probability);
                        QVERIFY(top[k - 1].id != top[k].id);
                    }
                    const float measure = t.measure[l];
                    if (policy == mue::ExitPolicy::Confidence) QCOMPARE(measure, top[0].probability);
                    if (policy == mue::ExitPolicy::Pabee) {
                        const bool same = l > 0 && t.lens[l - 1][0].id == top[0].id;
                        QCOMPARE(measure, same ? t.measure[l - 1] + 1.0F : 0.0F);
                    }
                    if (policy == mue::ExitPolicy::DeeBert) {
                        QVERIFY(measure >= -std::log(top[0].probability) - 1e-4);
                        QVERIFY(measure <= log_vocab + 1e-4);
                    }
                }
            }
        }
    }

    void batchEqualsOneByOneForEveryPolicy_data() {
        QTest::addColumn<int>("policy");
        QTest::addColumn<int>("kv");
        QTest::addColumn<int>("task");
        const std::vector<std::pair<const char*, mue::ExitPolicy>> policies{
            {"full", mue::ExitPolicy::Full}, {"mue", mue::ExitPolicy::Mue}, {"joint", mue::ExitPolicy::Joint},
            {"static", mue::ExitPolicy::Static}, {"deebert", mue::ExitPolicy::DeeBert},
            {"pabee", mue::ExitPolicy::Pabee}, {"confidence", mue::ExitPolicy::Confidence}};
        for (const auto& [name, p] : policies) {
            QTest::newRow((std::string(name) + " caption").c_str()) << int(p) << int(mue::KvPolicy::None) << int(mue::Task::Caption);
            QTest::newRow((std::string(name) + " entailment").c_str()) << int(p) << int(mue::KvPolicy::None) << int(mue::Task::Entailment);
        }
        QTest::newRow("mue copy") << int(mue::ExitPolicy::Mue) << int(mue::KvPolicy::Copy) << int(mue::Task::Caption);
        QTest::newRow("mue propagate") << int(mue::ExitPolicy::Mue) << int(mue::KvPolicy::Propagate) << int(mue::Task::Caption);
    }

    void batchEqualsOneByOneForEveryPolicy() {
        QFETCH(int, policy);
        QFETCH(int, kv);
        QFETCH(int, task);
        mue::ExitSettings s;
        s.policy = static_cast<mue::ExitPolicy>(policy);
        s.kv_policy = static_cast<mue::KvPolicy>(kv);
        // Thresholds inside this model's similarity range, so that rows exit at different layers.
        s.image_threshold = 0.9;
        s.text_threshold = 0.88;
        s.joint_threshold = 0.9;
        s.decoder_threshold = 0.6;
        s.warmup_fraction = 0;
        s.static_image_layers = 3;
        s.static_decoder_layers = 2;
        s.entropy_threshold = 6.521;  // this random model is nearly uniform: entropies 6.518-6.526
        s.confidence_threshold = 0.004;
        s.patience = 1;
        const std::vector<std::string> texts{"a red circle", "there are two squares above a blue triangle", "star"};
        std::vector<mue::RunRequest> batch;
        for (std::size_t i = 0; i < texts.size(); ++i) {
            auto r = request(static_cast<mue::Task>(task), texts[i], static_cast<int>(i), s);
            r.beam_size = 3;
            batch.push_back(r);
        }
        const auto together = engine_->run_batch(batch);
        if (s.policy != mue::ExitPolicy::Full) {
            // The settings must exercise early exits, or the comparison proves little.
            int early = 0;
            for (const auto& r : together) {
                for (const int e : decoder_exits(r)) early += e < 6;
                early += r.trace.image.exit_layer < 6;
            }
            QVERIFY(early > 0);
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {
            const auto alone = engine_->run(batch[i]);
            QCOMPARE(together[i].prediction, alone.prediction);
            QCOMPARE(together[i].output_ids, alone.output_ids);
            QCOMPARE(together[i].trace.image.exit_layer, alone.trace.image.exit_layer);
            QCOMPARE(together[i].trace.text.exit_layer, alone.trace.text.exit_layer);
            QCOMPARE(decoder_exits(together[i]), decoder_exits(alone));
            for (std::size_t l = 0; l < alone.trace.image.similarity.size(); ++l) {
                QVERIFY(std::abs(together[i].trace.image.similarity[l] - alone.trace.image.similarity[l]) < 1e-5F);
            }
        }
    }

    void cancellationStopsWithinOneLayer() {
        mue::CancellationToken token;
        int layers_after_cancel = 0;
        bool cancelled = false;
        const mue::LayerObserver observer = [&](const mue::LayerTiming& layer) {
            if (cancelled) ++layers_after_cancel;
            // The image and text streams run each layer together and report it as two entries,
            // the text stream's last.
            if (layer.stage == "encoder.text" && layer.layer == 2) {
                token.cancel();
                cancelled = true;
            }
        };
        QVERIFY_THROWS_EXCEPTION(mue::Cancelled,
                                 (void)engine_->run(request(mue::Task::Caption, "", 1, mue::ExitSettings{}), &token, observer));
        QCOMPARE(layers_after_cancel, 0);
    }

    void savingsAgreeWithTheExitLayers() {
        auto s = mue_thresholds(0.9, 0.88, 0.6);
        s.compare_full = true;
        for (const auto task : {mue::Task::Caption, mue::Task::Entailment}) {
            const auto r = engine_->run(request(task, "a red square left of a circle", 8, s));
            const auto& t = r.trace;
            double decoder_sum = 0;
            for (const auto& d : t.decoder_tokens) decoder_sum += d.exit_layer;
            const double nd = decoder_sum / static_cast<double>(t.decoder_tokens.size());
            const double p = t.image.exit_layer, q = t.text.exit_layer;
            const double mean = 1.0 - ((p + q) / 2.0 + nd) / 12.0;
            const double weighted =
                1.0 - ((p * t.image.tokens + q * t.text.tokens) / double(t.image.tokens + t.text.tokens) + nd) / 12.0;
            QVERIFY(std::abs(t.savings.expected_reduction_mean - mean) < 1e-12);
            QVERIFY(std::abs(t.savings.expected_reduction_token_weighted - weighted) < 1e-12);
            QVERIFY(std::abs(t.savings.flop_reduction - (1.0 - t.savings.flops / t.savings.full_flops)) < 1e-12);
            QVERIFY(t.savings.flops <= t.savings.full_flops);
            QCOMPARE(t.image.tokens, 64);
            QCOMPARE(t.text.tokens, static_cast<int>(r.source_ids.size()));
            QVERIFY(t.savings.measured_reduction.has_value());
            QVERIFY(t.savings.full_compute_ms.value() > 0);
        }
    }

    void whatIfKeepsTheFullPrediction() {
        mue::ExitSettings full;
        full.policy = mue::ExitPolicy::Full;
        auto r = request(mue::Task::Caption, "", 9, full);
        r.encoder_mode = mue::EncoderMode::Decomposed;
        const auto reference = engine_->run(r);
        auto s = mue_thresholds(0.9, 0.88, 0.6);
        s.what_if = true;
        const auto what_if = engine_->run(request(mue::Task::Caption, "", 9, s));
        QCOMPARE(what_if.output_ids, reference.output_ids);
        QCOMPARE(what_if.trace.image.similarity.size(), std::size_t{6});  // every layer recorded
        s.what_if = false;
        const auto real = engine_->run(request(mue::Task::Caption, "", 9, s));
        QCOMPARE(what_if.trace.image.exit_layer, real.trace.image.exit_layer);
        QCOMPARE(what_if.trace.text.exit_layer, real.trace.text.exit_layer);
        QCOMPARE(what_if.trace.decoder_tokens.front().exit_layer, real.trace.decoder_tokens.front().exit_layer);
    }

    void perTokenSimilarityCoversEveryToken() {
        const auto r = engine_->run(request(mue::Task::Entailment, "a star", 1, mue_thresholds(0.999, 0.999, 1.0)));
        QCOMPARE(static_cast<int>(r.trace.image.token_similarity.size()), r.trace.image.exit_layer);
        QCOMPARE(r.trace.image.token_similarity.front().size(), std::size_t{64});
        QCOMPARE(static_cast<int>(r.trace.text.token_similarity.front().size()), r.trace.text.tokens);
        auto joint = mue_thresholds(1, 1, 1);
        joint.policy = mue::ExitPolicy::Joint;
        const auto j = engine_->run(request(mue::Task::Entailment, "a star", 1, joint));
        QVERIFY(j.trace.joint_encoder);
        QCOMPARE(j.trace.image.token_similarity.front().size(), std::size_t{64});
        QCOMPARE(static_cast<int>(j.trace.text.token_similarity.front().size()), j.trace.text.tokens);
        QCOMPARE(j.trace.image.similarity, j.trace.text.similarity);
    }

    void invalidSettingsAreNamed() {
        auto s = mue_thresholds(0.9, 0.9, 0.9);
        s.warmup_fraction = 2;
        try {
            (void)engine_->run(request(mue::Task::Caption, "", 1, s));
            QFAIL("expected an error");
        } catch (const mue::InputError& e) {
            QVERIFY(QString(e.what()).contains("warmup_fraction"));
        }
        QVERIFY_THROWS_EXCEPTION(mue::InputError, (void)mue::ExitSettings::preset("fastest"));
        QCOMPARE(mue::ExitSettings::preset("released-ve").text_threshold, 0.99);
    }
};

QTEST_APPLESS_MAIN(TestExits)
#include "tst_exits.moc"
