// Real-checkpoint conversion without real weights: make_ofa_checkpoints.py (python3-torch) builds
// small OFA checkpoints with OFA's exact key names and random weights (fairseq fp32, fairseq fp16
// from MuE's code, Hugging Face folder, and refused ones), `mue convert-ofa` converts them, and
// this test checks every tensor's values, the config, the ResNet stem against torch's own
// conv / batch-norm ops, the FLOP count, and that the engine runs the result.

#include "flops.hpp"
#include "mue/engine.hpp"
#include "mue/errors.hpp"
#include "mue/safetensors.hpp"
#include "mue/tokenizer.hpp"
#include "ofa_model.hpp"

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>

namespace {

namespace fs = std::filesystem;

constexpr const char* kPython = "/usr/bin/python3";
const QString kGenerator = QStringLiteral(MUE_TEST_SOURCE_DIR "/make_ofa_checkpoints.py");
const QString kOfaBpe = QStringLiteral(MUE_SHARED_DIR "/ofa-bpe");
constexpr int kProcessTimeoutMs = 300000;
// Stem features and image embeddings: the same float32 ops in another order (BN as an affine per
// channel, convolutions through different kernels) over 16 blocks stay well inside this.
constexpr double kStemTolerance = 1e-4;
constexpr int kResNet50Blocks[] = {3, 4, 6};

struct Outcome {
    int exit_code = -1;
    QString out;
    QString err;
    qint64 ms = 0;
};

Outcome run(const QString& program, const QStringList& args) {
    QProcess p;
    QElapsedTimer timer;
    timer.start();
    p.start(program, args);
    if (!p.waitForFinished(kProcessTimeoutMs)) return {-1, {}, QStringLiteral("timed out or failed to start"), 0};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError()), timer.elapsed()};
}

Outcome convert(const QStringList& args) { return run(QStringLiteral(MUE_CLI_PATH), QStringList{"convert-ofa"} + args); }

torch::Tensor tensor_of(const mue::SafetensorsFile& file, const std::string& name) {
    const auto& info = file.at(name);
    auto values = file.to_float(info);
    return torch::from_blob(values.data(), info.shape, torch::kFloat32).clone();
}

mue::RgbImage solid_image(int width, int height, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    mue::RgbImage image{width, height, {}};
    for (int i = 0; i < width * height; ++i) image.rgb.insert(image.rgb.end(), {r, g, b});
    return image;
}

double max_abs(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace

class TestOfaCheckpoint : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    fs::path root_;

    [[nodiscard]] QString path(const char* name) const { return QString::fromStdString((root_ / name).string()); }

    // Every engine tensor of the reference is in the converted file with the same values, and
    // nothing else is; returns how many tensors were compared.
    int compare_all_tensors(const fs::path& converted, mue::DType expected_dtype) {
        const auto ref = mue::SafetensorsFile::open(root_ / "reference.safetensors");
        const auto out = mue::SafetensorsFile::open(converted / "model.safetensors");
        int compared = 0;
        for (const auto& info : ref.tensors()) {
            if (info.name.rfind("test.", 0) == 0) continue;
            const auto* got = out.find(info.name);
            if (got == nullptr) QTest::qFail(("missing tensor " + info.name).c_str(), __FILE__, __LINE__);
            if (got == nullptr) return -1;
            if (got->shape != info.shape || got->dtype != expected_dtype) {
                QTest::qFail(("wrong shape or dtype: " + info.name).c_str(), __FILE__, __LINE__);
                return -1;
            }
            if (!torch::equal(tensor_of(ref, info.name), tensor_of(out, info.name))) {
                QTest::qFail(("values differ: " + info.name).c_str(), __FILE__, __LINE__);
                return -1;
            }
            ++compared;
        }
        if (static_cast<std::size_t>(compared) != out.tensors().size()) {
            QTest::qFail("the converted file holds tensors the reference does not", __FILE__, __LINE__);
            return -1;
        }
        return compared;
    }

private Q_SLOTS:
    void initTestCase() {
        // Not a skip: CI installs python3-torch (scripts/setup-deps), and without it nothing here is tested.
        if (!fs::exists(kPython)) QFAIL("/usr/bin/python3 is missing: install python3-torch (scripts/setup-deps)");
        const auto probe = run(kPython, {"-c", "import torch"});
        if (probe.exit_code != 0) {
            QFAIL(qPrintable("/usr/bin/python3 has no torch: install python3-torch (scripts/setup-deps)\n" + probe.err));
        }
        QVERIFY(dir_.isValid());
        root_ = dir_.path().toStdString();
        const auto made = run(kPython, {kGenerator, dir_.path(), kOfaBpe});
        QVERIFY2(made.exit_code == 0, qPrintable(made.err));
        qInfo("generated the test checkpoints in %lld ms", static_cast<long long>(made.ms));
    }

    void convertsFairseqCheckpoint() {
        const auto r = convert({path("fairseq.pt"), path("out-fairseq"), "--bpe-dir", kOfaBpe});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        qInfo("fairseq fp32 conversion (10.6 M parameters) took %lld ms", static_cast<long long>(r.ms));
        const int compared = compare_all_tensors(root_ / "out-fairseq", mue::DType::F32);
        QVERIFY(compared > 0);
        qInfo("%d tensors equal to the reference", compared);
        for (const char* f : {"encoder.json", "vocab.bpe", "dict.txt"}) QVERIFY(fs::exists(root_ / "out-fairseq" / f));

        const auto c = mue::ModelConfig::load(root_ / "out-fairseq" / "config.json");
        QVERIFY(c.trained);
        QVERIFY(c.encoder_mode == mue::EncoderMode::Joint);
        QVERIFY(c.arch.image_stem == mue::ImageStemType::ResNet);
        for (int s = 0; s < mue::kResNetStages; ++s) QCOMPARE(c.arch.resnet.blocks[static_cast<std::size_t>(s)], kResNet50Blocks[s]);
        QCOMPARE(c.arch.resnet.batch_norm_eps, 1e-5);
        QCOMPARE(c.image.size, 64);              // the task's patch_image_size
        QCOMPARE(c.max_source_tokens, 42);       // max_src_length 40 + bos + eos
        QCOMPARE(c.arch.text_positions, 64);
        QCOMPARE(c.arch.token_bucket_size, 16);
        QCOMPARE(c.arch.image_bucket_size, 6);
        QCOMPARE(c.arch.type_vocab_size, 2);
        QVERIFY(c.arch.scale_attn && c.arch.scale_fc && c.arch.scale_heads);
        QVERIFY(c.arch.image_relative_bias_in_decomposed_encoder);
        QVERIFY(!c.arch.entangle_position_embedding && !c.arch.decoder_entangle_position_embedding);
        QCOMPARE(c.caption.beam_size, 5);
        QCOMPARE(c.caption.max_length, 16);
        QCOMPARE(c.caption.no_repeat_ngram_size, 3);
        QVERIFY(c.caption.strip_punctuation);
        QVERIFY(!c.entailment.premise_prompt.empty());

        const auto info = run(QStringLiteral(MUE_CLI_PATH), {"info", "--model", path("out-fairseq")});
        QCOMPARE(info.exit_code, 0);
        QVERIFY2(info.out.contains("64x64 px -> 16 tokens, ResNet stem (3, 4, 6 blocks)"), qPrintable(info.out));
    }

    void resnetStemMatchesTorch() {
        const auto folder = root_ / "out-fairseq";
        const auto config = mue::ModelConfig::load(folder / "config.json");
        const auto file = mue::SafetensorsFile::open(folder / "model.safetensors");
        const mue::detail::OfaModel model(config, mue::detail::Weights::load(file, config));
        const auto ref = mue::SafetensorsFile::open(root_ / "reference.safetensors");
        torch::NoGradGuard no_grad;
        const auto pixels = tensor_of(ref, "test.stem_input");
        const auto features = model.image_features(pixels);
        const auto expected = tensor_of(ref, "test.stem_features");
        QCOMPARE(features.sizes().vec(), expected.sizes().vec());
        QCOMPARE(features.size(1), std::int64_t{1024});
        QCOMPARE(features.size(2), std::int64_t{4});  // 64 px at stride 16
        const double feature_diff = max_abs(features, expected);
        const double embed_diff = max_abs(model.embed_image(pixels), tensor_of(ref, "test.image_embed"));
        qInfo("ResNet-50 stem vs torch: max |diff| %.3g (features up to %.3g), image embedding %.3g", feature_diff,
              expected.abs().max().item<double>(), embed_diff);
        QVERIFY(feature_diff < kStemTolerance * std::max(1.0, expected.abs().max().item<double>()));
        QVERIFY(embed_diff < kStemTolerance);
        // The analytic FLOPs count every conv (and image_proj) of the torch reference.
        const double flops = tensor_of(ref, "test.stem_flops").item<double>();
        QVERIFY(std::abs(mue::detail::flops::image_stem(config) - flops) <= 1e-6 * flops);
    }

    void engineRunsConvertedModel() {
        const auto engine = mue::Engine::load(root_ / "out-fairseq");
        const auto tokenizer = mue::Tokenizer::load(root_ / "out-fairseq");
        mue::RunRequest request;
        request.image = solid_image(/*width=*/80, /*height=*/50, /*r=*/200, /*g=*/30, /*b=*/90);
        request.task = mue::Task::Entailment;
        request.text = "There is a red-circle";
        request.exits.policy = mue::ExitPolicy::Full;
        const auto plain = engine.run(request);
        const auto expect_ids = [&](const std::string& prompt) {
            auto ids = tokenizer.encode(prompt);
            ids.insert(ids.begin(), 0);
            ids.push_back(2);
            return ids;
        };
        QCOMPARE(plain.source_ids, expect_ids(" does the image describe \" there is a red circle \"?"));
        QCOMPARE(plain.answers.size(), std::size_t{3});
        float total = 0;
        for (const auto& a : plain.answers) total += a.probability;
        QVERIFY(std::abs(total - 1.0F) < 1e-5F);

        request.premise = "Two shapes/on a table";
        const auto with_premise = engine.run(request);
        QCOMPARE(with_premise.source_ids,
                 expect_ids(" can image and text1 \" two shapes on a table \" imply text2 \" there is a red circle \"?"));
        QVERIFY(with_premise.answers[0].logit != plain.answers[0].logit);  // the premise reaches the model

        mue::RunRequest caption;
        caption.image = request.image;
        caption.exits.policy = mue::ExitPolicy::Full;
        const auto cap = engine.run(caption);
        QVERIFY(!cap.output_ids.empty());
        QVERIFY(static_cast<int>(cap.output_ids.size()) <= 16);
        QCOMPARE(cap.image_tokens, 16);
        // The stem's FLOPs are part of the run's accounting.
        QVERIFY(std::any_of(cap.timings.begin(), cap.timings.end(),
                            [](const mue::LayerTiming& t) { return t.stage == "image_stem" && t.flops > 1e8; }));
    }

    void convertsMueFp16Checkpoint() {
        const auto r = convert({path("fairseq-mue-fp16.pt"), path("out-mue"), "--bpe-dir", kOfaBpe, "--dtype", "fp16"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        qInfo("fairseq fp16 (MuE) conversion took %lld ms", static_cast<long long>(r.ms));
        QVERIFY(compare_all_tensors(root_ / "out-mue", mue::DType::F16) > 0);
        const auto c = mue::ModelConfig::load(root_ / "out-mue" / "config.json");
        QVERIFY(c.encoder_mode == mue::EncoderMode::Decomposed);          // train_mue
        QVERIFY(!c.arch.image_relative_bias_in_decomposed_encoder);       // MuE's released behaviour
        QCOMPARE(c.arch.resnet.batch_norm_eps, 1e-3);                     // sync_bn
        QVERIFY(c.arch.entangle_position_embedding);                      // --entangle-position-embedding
        QVERIFY(!c.arch.decoder_entangle_position_embedding);             // ... with --disable-entangle

        // An fp16 checkpoint converted to fp32 holds the same values.
        const auto up = convert({path("fairseq-mue-fp16.pt"), path("out-mue32"), "--bpe-dir", kOfaBpe,
                                 "--image-relative-bias", "yes"});
        QVERIFY2(up.exit_code == 0, qPrintable(up.err));
        QVERIFY(compare_all_tensors(root_ / "out-mue32", mue::DType::F32) > 0);
        QVERIFY(mue::ModelConfig::load(root_ / "out-mue32" / "config.json").arch.image_relative_bias_in_decomposed_encoder);
    }

    void convertsHuggingFaceFolder() {
        const auto r = convert({path("hf"), path("out-hf"), "--image-size", "64"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY(compare_all_tensors(root_ / "out-hf", mue::DType::F32) > 0);
        QVERIFY(fs::exists(root_ / "out-hf" / "vocab.json") && fs::exists(root_ / "out-hf" / "merges.txt"));

        // Same weights, other tokenizer layout: the same ids and the same answers as the fairseq copy.
        const auto hf = mue::Engine::load(root_ / "out-hf");
        const auto fairseq = mue::Engine::load(root_ / "out-fairseq");
        mue::RunRequest request;
        request.image = solid_image(/*width=*/64, /*height=*/64, /*r=*/10, /*g=*/200, /*b=*/60);
        request.task = mue::Task::Entailment;
        request.text = "a green square";
        request.exits.policy = mue::ExitPolicy::Full;
        const auto a = hf.run(request);
        const auto b = fairseq.run(request);
        QCOMPARE(a.source_ids, b.source_ids);
        for (std::size_t i = 0; i < a.answers.size(); ++i) QCOMPARE(a.answers[i].logit, b.answers[i].logit);
    }

    void refusesMaliciousPickle() {
        const auto r = convert({path("malicious.pt"), path("out-malicious"), "--bpe-dir", kOfaBpe});
        QCOMPARE(r.exit_code, 3);
        QVERIFY2(r.err.contains("refused to load") && r.err.contains("system") && r.err.contains("malicious.pt"),
                 qPrintable(r.err));
        QVERIFY(!fs::exists(root_ / "pwned"));        // the payload never ran
        QVERIFY(!fs::exists(root_ / "out-malicious"));  // and nothing was written
    }

    void refusesBadCheckpoints() {
        const auto legacy = convert({path("legacy.pt"), path("out-legacy"), "--bpe-dir", kOfaBpe});
        QCOMPARE(legacy.exit_code, 3);
        QVERIFY2(legacy.err.contains("legacy"), qPrintable(legacy.err));

        const auto untied = convert({path("untied.pt"), path("out-untied"), "--bpe-dir", kOfaBpe});
        QCOMPARE(untied.exit_code, 3);
        QVERIFY2(untied.err.contains("decoder.output_projection.weight") && untied.err.contains("differs"),
                 qPrintable(untied.err));

        const auto no_bpe = convert({path("fairseq.pt"), path("out-no-bpe")});
        QCOMPARE(no_bpe.exit_code, 3);
        QVERIFY2(no_bpe.err.contains("--bpe-dir"), qPrintable(no_bpe.err));

        const auto missing = convert({path("nothing.pt"), path("out-missing")});
        QCOMPARE(missing.exit_code, 3);
        QVERIFY2(missing.err.contains("nothing.pt"), qPrintable(missing.err));

        QCOMPARE(convert({path("fairseq.pt")}).exit_code, 2);  // usage: OUT_DIR missing
    }
};

QTEST_GUILESS_MAIN(TestOfaCheckpoint)
#include "tst_ofa_checkpoint.moc"
