// The public engine on the built default model: both tasks, both encoder modes, batching,
// cancellation, and clear errors for broken model folders and inputs.

#include "error_of.hpp"
#include "mue/engine.hpp"
#include "mue/errors.hpp"
#include "mue/safetensors.hpp"
#include "mue/tokenizer.hpp"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

const fs::path kModelDir = MUE_TEST_MODEL_DIR;

// A deterministic test picture: coloured gradient with a bright square at (x0, y0).
mue::RgbImage scene(int x0, int y0, int w = 96, int h = 80) {
    mue::RgbImage img{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(w * h * 3))};
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const bool inside = x >= x0 && x < x0 + 24 && y >= y0 && y < y0 + 24;
            auto* p = &img.rgb[static_cast<std::size_t>((y * w + x) * 3)];
            p[0] = static_cast<std::uint8_t>(inside ? 250 : x * 2);
            p[1] = static_cast<std::uint8_t>(inside ? 30 : y * 3);
            p[2] = static_cast<std::uint8_t>(inside ? 40 : 128);
        }
    }
    return img;
}

mue::RunRequest request(mue::Task task, const std::string& text, mue::RgbImage image) {
    mue::RunRequest r;
    r.task = task;
    r.text = text;
    r.image = std::move(image);
    return r;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary | std::ios::trunc) << text; }

// Copies the default model to `dir` and returns the copy's path.
fs::path copy_model(const QTemporaryDir& dir) {
    const fs::path out = fs::path(dir.path().toStdString()) / "model";
    fs::copy(kModelDir, out, fs::copy_options::recursive);
    return out;
}

QString load_error(const fs::path& folder) {
    return QString::fromStdString(mue::test::error_of([&] { (void)mue::Engine::load(folder); }));
}

}  // namespace

class TestEngine : public QObject {
    Q_OBJECT

    std::unique_ptr<mue::Engine> engine_;

private Q_SLOTS:
    void initTestCase() {
        mue::set_intra_op_threads(1);
        engine_ = std::make_unique<mue::Engine>(mue::Engine::load(kModelDir));
    }

    void reportsModelInfo() {
        const auto& info = engine_->info();
        QCOMPARE(info.model_id, std::string("mue-random-tiny"));
        QVERIFY(!info.trained);
        QCOMPARE(info.arch.encoder_layers, 6);
        QCOMPARE(info.image_tokens, 64);
        QVERIFY(info.parameters > 1'000'000);
        QCOMPARE(info.tokenizer_format, std::string("huggingface"));
    }

    void captionsWithPerLayerTimings() {
        const auto r = engine_->run(request(mue::Task::Caption, "", scene(10, 10)));
        QVERIFY(!r.output_ids.empty());
        QVERIFY(static_cast<int>(r.output_ids.size()) <= engine_->config().caption.max_length);
        QCOMPARE(r.output_tokens.size(), r.output_ids.size());
        QCOMPARE(r.image_tokens, 64);
        QCOMPARE(r.source_ids.front(), 0);
        QCOMPARE(r.source_ids.back(), 2);
        int image_layers = 0, text_layers = 0, decoder_layers = 0;
        for (const auto& t : r.timings) {
            QVERIFY(t.ms >= 0);
            image_layers += t.stage == "encoder.image";
            text_layers += t.stage == "encoder.text";
            decoder_layers += t.stage == "decoder";
        }
        QCOMPARE(image_layers, 6);
        QCOMPARE(text_layers, 6);
        QCOMPARE(decoder_layers, 6);
        QVERIFY(r.total_ms > 0);
    }

    void scoresEntailmentAnswers() {
        const auto r = engine_->run(request(mue::Task::Entailment, "There is a RED square.", scene(30, 20)));
        QCOMPARE(r.answers.size(), std::size_t{3});
        float sum = 0;
        for (const auto& a : r.answers) sum += a.probability;
        QVERIFY(std::abs(sum - 1.0F) < 1e-5F);
        QVERIFY(r.prediction == "yes" || r.prediction == "no" || r.prediction == "maybe");
        QVERIFY(r.output_ids.empty());
        QCOMPARE(r.decoder_steps, 1);
    }

    void isDeterministic() {
        const auto a = engine_->run(request(mue::Task::Caption, "", scene(5, 40)));
        const auto b = engine_->run(request(mue::Task::Caption, "", scene(5, 40)));
        QCOMPARE(a.output_ids, b.output_ids);
        QCOMPARE(a.output_score, b.output_score);
    }

    void jointModeRunsAndDiffers() {
        auto r = request(mue::Task::Entailment, "a red square", scene(30, 20));
        const auto decomposed = engine_->run(r);
        r.encoder_mode = mue::EncoderMode::Joint;
        const auto joint = engine_->run(r);
        QVERIFY(joint.encoder_mode == mue::EncoderMode::Joint);
        bool joint_timed = false;
        for (const auto& t : joint.timings) joint_timed |= t.stage == "encoder.joint";
        QVERIFY(joint_timed);
        QVERIFY(std::abs(joint.answers[0].logit - decomposed.answers[0].logit) > 1e-6F);
    }

    void batchEqualsOneByOne_data() {
        QTest::addColumn<int>("task");
        QTest::addColumn<int>("mode");
        QTest::newRow("caption decomposed") << int(mue::Task::Caption) << int(mue::EncoderMode::Decomposed);
        QTest::newRow("entailment decomposed") << int(mue::Task::Entailment) << int(mue::EncoderMode::Decomposed);
        QTest::newRow("entailment joint") << int(mue::Task::Entailment) << int(mue::EncoderMode::Joint);
        QTest::newRow("prompt joint") << int(mue::Task::Prompt) << int(mue::EncoderMode::Joint);
    }

    void batchEqualsOneByOne() {
        QFETCH(int, task);
        QFETCH(int, mode);
        const std::vector<std::string> texts{"a red square", "there are two blue circles left of a star", "what is it?"};
        std::vector<mue::RunRequest> batch;
        for (std::size_t i = 0; i < texts.size(); ++i) {
            auto r = request(static_cast<mue::Task>(task), texts[i], scene(static_cast<int>(8 + 20 * i), 12));
            r.encoder_mode = static_cast<mue::EncoderMode>(mode);
            batch.push_back(r);
        }
        const auto together = engine_->run_batch(batch);
        QCOMPARE(together.size(), batch.size());
        for (std::size_t i = 0; i < batch.size(); ++i) {
            const auto alone = engine_->run(batch[i]);
            QCOMPARE(together[i].prediction, alone.prediction);
            QCOMPARE(together[i].output_ids, alone.output_ids);
            QCOMPARE(together[i].source_ids, alone.source_ids);
            QVERIFY(std::abs(together[i].output_score - alone.output_score) < 1e-4);
            for (std::size_t a = 0; a < alone.answers.size(); ++a) {
                QVERIFY(std::abs(together[i].answers[a].logit - alone.answers[a].logit) < 1e-4F);
            }
        }
    }

    void cancelledRunThrows() {
        mue::CancellationToken token;
        token.cancel();
        QVERIFY_THROWS_EXCEPTION(mue::Cancelled, (void)engine_->run(request(mue::Task::Caption, "", scene(1, 1)), &token));
    }

    void rejectsBadRequests() {
        QVERIFY_THROWS_EXCEPTION(mue::InputError, (void)engine_->run(request(mue::Task::Entailment, "?!..", scene(1, 1))));
        mue::RunRequest missing;
        missing.image_path = "/nonexistent/picture.png";
        try {
            (void)engine_->run(missing);
            QFAIL("expected an error");
        } catch (const mue::InputError& e) {
            QVERIFY(QString(e.what()).contains("/nonexistent/picture.png"));
        }
        auto r = request(mue::Task::Caption, "", scene(1, 1));
        r.max_length = 100000;
        QVERIFY_THROWS_EXCEPTION(mue::InputError, (void)engine_->run(r));
    }

    // OFA's SNLI-VE prompt with a text premise; the image-only prompt without one.
    void premiseRequests() {
        auto r = request(mue::Task::Entailment, "there is a red square", scene(30, 20));
        const auto plain = engine_->run(r);
        r.premise = "A picture of shapes";
        const auto with_premise = engine_->run(r);
        const auto tokenizer = mue::Tokenizer::load(kModelDir);
        auto expected = tokenizer.encode(" can image and text1 \" a picture of shapes \" imply text2 \" there is a red square \"?");
        expected.insert(expected.begin(), 0);
        expected.push_back(2);
        QCOMPARE(with_premise.source_ids, expected);
        QVERIFY(with_premise.source_ids.size() > plain.source_ids.size());

        auto caption = request(mue::Task::Caption, "", scene(1, 1));
        caption.premise = "a premise";
        QVERIFY_THROWS_EXCEPTION(mue::InputError, (void)engine_->run(caption));

        // A model whose config has no premise prompt (every config before it existed) refuses one.
        QTemporaryDir dir;
        const fs::path model = copy_model(dir);
        auto config = nlohmann::json::parse(read_file(model / "config.json"));
        config["tasks"]["entailment"].erase("premise_prompt");
        write_file(model / "config.json", config.dump());
        const auto old = mue::Engine::load(model);
        QCOMPARE(old.run(request(mue::Task::Entailment, "there is a red square", scene(30, 20))).source_ids,
                 plain.source_ids);
        const QString message = QString::fromStdString(mue::test::error_of([&] { (void)old.run(r); }));
        QVERIFY2(message.contains("tasks.entailment.premise_prompt"), qPrintable(message));
    }

    // A model with OFA's ResNet stem (small block counts) loads, runs both tasks and counts the
    // stem's FLOPs; corrupt batch-norm statistics are named.
    void resnetStemModelRuns() {
        QTemporaryDir dir;
        const fs::path folder = fs::path(dir.path().toStdString()) / "resnet";
        auto c = mue::default_random_model_config();
        c.arch.image_stem = mue::ImageStemType::ResNet;
        c.arch.resnet.blocks = {1, 1, 1};
        c.arch.d_model = 32;
        c.arch.ffn_dim = 64;
        c.arch.encoder_layers = 2;
        c.arch.decoder_layers = 2;
        c.image.size = 64;
        mue::write_random_model(folder, c, /*seed=*/5);
        const auto engine = mue::Engine::load(folder);
        QCOMPARE(engine.info().image_tokens, 16);
        const auto cap = engine.run(request(mue::Task::Caption, "", scene(10, 10)));
        QCOMPARE(cap.image_tokens, 16);
        const auto stem = std::find_if(cap.timings.begin(), cap.timings.end(),
                                       [](const mue::LayerTiming& t) { return t.stage == "image_stem"; });
        QVERIFY(stem != cap.timings.end());
        QVERIFY(stem->flops > 1e7);  // the 7x7 conv alone is 2 * 32 * 32 * 64 * 3 * 49 = 19 M
        QCOMPARE(engine.run(request(mue::Task::Entailment, "a red square", scene(10, 10))).answers.size(), std::size_t{3});

        const auto file = mue::SafetensorsFile::open(folder / "model.safetensors");
        std::vector<std::vector<float>> values;
        std::vector<mue::TensorToWrite> tensors;
        for (const auto& info : file.tensors()) values.push_back(file.to_float(info));
        const std::string corrupt = "encoder.embed_images.layer2.0.bn2.running_var";
        for (std::size_t i = 0; i < file.tensors().size(); ++i) {
            const auto& info = file.tensors()[i];
            if (info.name == corrupt) values[i][3] = -1.0F;
            tensors.push_back({info.name, mue::DType::F32, info.shape, values[i].data()});
        }
        mue::write_safetensors(folder / "model.safetensors", tensors, {});
        QVERIFY2(load_error(folder).contains(QString::fromStdString(corrupt)) && load_error(folder).contains("negative"),
                 qPrintable(load_error(folder)));
    }

    void longPromptsAreTruncated() {
        std::string text;
        for (int i = 0; i < 200; ++i) text += "red ";
        const auto r = engine_->run(request(mue::Task::Entailment, text, scene(1, 1)));
        QCOMPARE(static_cast<int>(r.source_ids.size()), engine_->config().max_source_tokens);
        QCOMPARE(r.source_ids.back(), 2);
    }

    void generatedVocabularyKeepsWordsWhole() {
        // Merges shared between words must not split a word whose pieces another word merged
        // first ("large" once became l|ar|g|e).
        QTemporaryDir dir;
        const fs::path folder = fs::path(dir.path().toStdString()) / "words";
        const std::vector<std::string> words{"are", "large", "a", "lar", "there", "the", "triangle", "angle", "tri"};
        mue::write_model_folder(folder, mue::default_random_model_config(), words, /*seed=*/1);
        const auto tokenizer = mue::Tokenizer::load(folder);
        for (const auto& word : words) {
            QCOMPARE(tokenizer.encode(word).size(), std::size_t{1});
            QCOMPARE(tokenizer.encode(" " + word).size(), std::size_t{1});
        }
        QCOMPARE(tokenizer.encode(" there are large triangle").size(), std::size_t{4});
        QCOMPARE(tokenizer.decode(tokenizer.encode(" largest")), std::string(" largest"));  // unknown words still work
    }

    void brokenModelFoldersAreNamed() {
        QTemporaryDir dir;
        QVERIFY(load_error("/nonexistent/model").contains("/nonexistent/model: not a model folder"));

        const fs::path model = copy_model(dir);
        const std::string config_text = read_file(model / "config.json");
        auto config = nlohmann::json::parse(config_text);
        config["architecture"]["d_model"] = 64;  // disagrees with the weights
        write_file(model / "config.json", config.dump());
        QVERIFY2(load_error(model).contains("tensor 'encoder.embed_tokens.weight': shape [") &&
                     load_error(model).contains("does not match the expected"),
                 qPrintable(load_error(model)));
        QVERIFY(load_error(model).contains("model.safetensors"));

        config = nlohmann::json::parse(config_text);
        config["architecture"]["vocab_size"] = 10;
        write_file(model / "config.json", config.dump());
        QVERIFY(load_error(model).contains("is smaller than the tokenizer's"));

        config = nlohmann::json::parse(config_text);
        config["tasks"]["entailment"]["answers"] = {" yes", " no", " perhaps so"};
        write_file(model / "config.json", config.dump());
        QVERIFY(load_error(model).contains("\" perhaps so\" is not one token"));

        write_file(model / "config.json", config_text);
        fs::remove(model / "merges.txt");
        QVERIFY(!load_error(model).isEmpty());
    }

    void badWeightsAreNamed() {
        QTemporaryDir dir;
        const fs::path model = copy_model(dir);
        const auto file = mue::SafetensorsFile::open(model / "model.safetensors");
        std::vector<std::vector<float>> values;
        std::vector<mue::TensorToWrite> tensors;
        for (const auto& info : file.tensors()) values.push_back(file.to_float(info));
        for (std::size_t i = 0; i < file.tensors().size(); ++i) {
            const auto& info = file.tensors()[i];
            tensors.push_back({info.name, mue::DType::F32, info.shape, values[i].data()});
        }
        values[3][0] = std::numeric_limits<float>::quiet_NaN();
        const std::string poisoned = file.tensors()[3].name;
        mue::write_safetensors(model / "model.safetensors", tensors);
        QVERIFY2(load_error(model).contains("tensor '" + QString::fromStdString(poisoned) + "' contains NaN"),
                 qPrintable(load_error(model)));

        values[3][0] = 0.0F;
        std::vector<float> extra(4, 1.0F);
        tensors.push_back({"encoder.unused_head.weight", mue::DType::F32, {4}, extra.data()});
        mue::write_safetensors(model / "model.safetensors", tensors);
        QVERIFY(load_error(model).contains("unexpected tensor 'encoder.unused_head.weight'"));

        tensors.pop_back();
        tensors.erase(tensors.begin());
        mue::write_safetensors(model / "model.safetensors", tensors);
        QVERIFY(load_error(model).contains("tensor '" + QString::fromStdString(file.tensors()[0].name) + "' is missing"));
    }
};

QTEST_APPLESS_MAIN(TestEngine)
#include "tst_engine.moc"
