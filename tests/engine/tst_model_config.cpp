// config.json parsing: a valid config round-trips; every kind of bad field is named in the error.

#include "mue/errors.hpp"
#include "mue/model_config.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include <QtTest/QtTest>

namespace {

// Read from tests/engine/data (a raw string literal here would confuse moc's parser).
std::string valid_config() {
    std::ifstream in(MUE_TEST_DATA_DIR "/valid-config.json");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

const std::string kValidConfig = valid_config();

// Applies `edit` to the valid config and returns the parse error message ("" if it parsed).
template <typename Edit>
QString error_after(Edit edit) {
    auto j = nlohmann::json::parse(kValidConfig);
    edit(j);
    try {
        (void)mue::ModelConfig::parse(j.dump(), "model/config.json");
    } catch (const mue::InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace

class TestModelConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parsesValidConfig() {
        const auto c = mue::ModelConfig::parse(kValidConfig, "config.json");
        QCOMPARE(c.model_id, std::string("test-model"));
        QCOMPARE(c.arch.head_dim(), 8);
        QCOMPARE(c.arch.decoder_layers, 3);
        QCOMPARE(c.image_grid(), 4);
        QCOMPARE(c.image_tokens(), 16);
        QCOMPARE(c.arch.token_rel_rows(), 31);
        QCOMPARE(c.arch.image_rel_rows(), 7 * 7 + 3);
        QCOMPARE(c.arch.image_position_rows(), 17);
        QCOMPARE(c.entailment.answers.size(), std::size_t{3});
        QCOMPARE(c.image.std[2], 0.5F);
        QVERIFY(c.encoder_mode == mue::EncoderMode::Decomposed);
    }

    void roundTripsThroughJson() {
        const auto c = mue::ModelConfig::parse(kValidConfig, "config.json");
        const auto again = mue::ModelConfig::parse(c.to_json(), "round-trip");
        QCOMPARE(again.to_json(), c.to_json());
        QCOMPARE(nlohmann::json::parse(c.to_json()), nlohmann::json::parse(kValidConfig));
    }

    // Absent in folders written before the fields existed: positions stay out of the tokens.
    void entangledPositionsAreOptional() {
        const auto plain = mue::ModelConfig::parse(kValidConfig, "config.json");
        QVERIFY(!plain.arch.entangle_position_embedding && !plain.arch.decoder_entangle_position_embedding);
        QVERIFY(!nlohmann::json::parse(plain.to_json())["architecture"].contains("entangle_position_embedding"));

        auto j = nlohmann::json::parse(kValidConfig);
        j["architecture"]["entangle_position_embedding"] = true;
        j["architecture"]["decoder_entangle_position_embedding"] = false;
        const auto c = mue::ModelConfig::parse(j.dump(), "config.json");
        QVERIFY(c.arch.entangle_position_embedding);
        QVERIFY(!c.arch.decoder_entangle_position_embedding);
        QCOMPARE(nlohmann::json::parse(c.to_json()), j);

        j["architecture"]["entangle_position_embedding"] = "yes";
        try {
            (void)mue::ModelConfig::parse(j.dump(), "config.json");
            QFAIL("a string flag was accepted");
        } catch (const mue::InputError& e) {
            QVERIFY2(std::string(e.what()).find("architecture.entangle_position_embedding") != std::string::npos, e.what());
        }
    }

    // OFA's ResNet stem: a standard depth or explicit block counts; the grid is image.size / 16.
    void parsesResNetStem() {
        auto j = nlohmann::json::parse(kValidConfig);
        j["architecture"]["image_stem"] = {{"type", "resnet"}, {"layers", 101}};
        j["image"]["size"] = 64;
        auto c = mue::ModelConfig::parse(j.dump(), "config.json");
        QVERIFY(c.arch.image_stem == mue::ImageStemType::ResNet);
        QCOMPARE(c.arch.resnet.blocks[2], 23);
        QCOMPARE(c.arch.resnet.batch_norm_eps, 1e-5);  // optional, torch's default
        QCOMPARE(c.image_grid(), 4);
        QCOMPARE(c.arch.image_feature_channels(), 1024);
        QCOMPARE(nlohmann::json::parse(c.to_json())["architecture"]["image_stem"]["layers"], nlohmann::json(101));

        j["architecture"]["image_stem"] = {{"type", "resnet"}, {"layers", {1, 2, 1}}, {"batch_norm_eps", 1e-3}};
        c = mue::ModelConfig::parse(j.dump(), "config.json");
        QCOMPARE(c.arch.resnet.blocks[1], 2);
        QCOMPARE(c.arch.resnet.batch_norm_eps, 1e-3);
        const auto again = mue::ModelConfig::parse(c.to_json(), "round-trip");
        QCOMPARE(again.to_json(), c.to_json());
        QVERIFY(again.arch.resnet.blocks == c.arch.resnet.blocks);
        QVERIFY(!mue::resnet_blocks_for_depth(18).has_value());
        QCOMPARE((*mue::resnet_blocks_for_depth(152))[1], 8);
    }

    // The premise prompt is optional (older configs stay valid) and round-trips when present.
    void parsesPremisePrompt() {
        QVERIFY(mue::ModelConfig::parse(kValidConfig, "config.json").entailment.premise_prompt.empty());
        auto j = nlohmann::json::parse(kValidConfig);
        j["tasks"]["entailment"]["premise_prompt"] = " can image and text1 \" {premise} \" imply text2 \" {hypothesis} \"?";
        const auto c = mue::ModelConfig::parse(j.dump(), "config.json");
        QCOMPARE(c.entailment.premise_prompt, j["tasks"]["entailment"]["premise_prompt"].get<std::string>());
        QCOMPARE(nlohmann::json::parse(c.to_json()), j);
    }

    void namesTheBadField_data() {
        QTest::addColumn<QString>("edit");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing") << "remove architecture.d_model" << "field 'architecture.d_model' is missing";
        QTest::newRow("unknown") << "add architecture.dropout" << "unknown field 'architecture.dropout'";
        QTest::newRow("unknown top") << "add colour" << "unknown field 'colour'";
        QTest::newRow("wrong type") << "string architecture.encoder_layers" << "'architecture.encoder_layers' must be an integer";
        QTest::newRow("absurd size") << "huge architecture.d_model" << "'architecture.d_model' is 1000000000, outside";
        QTest::newRow("heads") << "heads 3" << "must be divisible by 'architecture.attention_heads' (3)";
        QTest::newRow("image size") << "image size 18" << "'image.size' (18) must be a multiple of 4 (one halving per stem layer)";
        QTest::newRow("grid") << "bucket 2" << "exceeds 'architecture.image_bucket_size' (2)";
        QTest::newRow("prompt") << "prompt" << "must contain \"{hypothesis}\"";
        QTest::newRow("format") << "format" << "field 'format' must be \"mue-model\"";
        QTest::newRow("version") << "version" << "field 'format_version' is not 1";
        QTest::newRow("mean") << "mean" << "'image.mean' must be a list of 3 numbers";
        QTest::newRow("stem") << "stem" << "'architecture.image_stem.type' must be \"conv\" or \"resnet\"";
        QTest::newRow("resnet depth") << "resnet 34" << "'architecture.image_stem.layers' must be 50, 101, 152";
        QTest::newRow("resnet blocks") << "resnet blocks 2" << "'architecture.image_stem.layers' must be a list of 3";
        QTest::newRow("resnet stride") << "resnet size 40" << "'image.size' (40) must be a multiple of 16 (the ResNet";
        QTest::newRow("resnet leftover") << "resnet channels" << "unknown field 'architecture.image_stem.channels'";
        QTest::newRow("premise") << "premise" << "'tasks.entailment.premise_prompt' must contain \"{premise}\"";
        QTest::newRow("special") << "special" << "'special_tokens.eos' is 300, outside [0, 299]";
        QTest::newRow("mode") << "mode" << "'encoder_mode' must be \"decomposed\" or \"joint\"";
    }

    void namesTheBadField() {
        QFETCH(QString, edit);
        QFETCH(QString, expected);
        const QString message = error_after([&](nlohmann::json& j) {
            if (edit == "remove architecture.d_model") j["architecture"].erase("d_model");
            if (edit == "add architecture.dropout") j["architecture"]["dropout"] = 0.1;
            if (edit == "add colour") j["colour"] = "blue";
            if (edit == "string architecture.encoder_layers") j["architecture"]["encoder_layers"] = "six";
            if (edit == "huge architecture.d_model") j["architecture"]["d_model"] = 1000000000;
            if (edit == "heads 3") j["architecture"]["attention_heads"] = 3;
            if (edit == "image size 18") j["image"]["size"] = 18;
            if (edit == "bucket 2") j["architecture"]["image_bucket_size"] = 2;
            if (edit == "prompt") j["tasks"]["entailment"]["prompt"] = "no placeholder";
            if (edit == "format") j["format"] = "fairseq";
            if (edit == "version") j["format_version"] = 2;
            if (edit == "mean") j["image"]["mean"] = {0.5, 0.5};
            if (edit == "stem") j["architecture"]["image_stem"]["type"] = "resnet101";
            if (edit == "special") j["special_tokens"]["eos"] = 300;
            if (edit == "mode") j["encoder_mode"] = "fused";
            if (edit.startsWith("resnet")) {
                j["architecture"]["image_stem"] = {{"type", "resnet"}, {"layers", 50}};
                j["image"]["size"] = 64;
            }
            if (edit == "resnet 34") j["architecture"]["image_stem"]["layers"] = 34;
            if (edit == "resnet blocks 2") j["architecture"]["image_stem"]["layers"] = {3, 4};
            if (edit == "resnet size 40") j["image"]["size"] = 40;
            if (edit == "resnet channels") j["architecture"]["image_stem"]["channels"] = {8};
            if (edit == "premise") j["tasks"]["entailment"]["premise_prompt"] = "only \"{hypothesis}\"";
        });
        QVERIFY2(message.startsWith("model/config.json: "), qPrintable(message));
        QVERIFY2(message.contains(expected), qPrintable(message));
    }

    void rejectsInvalidJson() {
        try {
            (void)mue::ModelConfig::parse("{\"format\": ", "broken/config.json");
            QFAIL("expected an error");
        } catch (const mue::InputError& e) {
            QVERIFY(QString(e.what()).startsWith("broken/config.json: invalid JSON"));
        }
    }

    // Found by fuzz_model_config: nlohmann reports a number beyond double as out_of_range, not as a
    // parse error; it must still be the InputError naming the file.
    void rejectsNumbersBeyondDouble() {
        try {
            (void)mue::ModelConfig::parse("{\"format_version\": 1e999}", "huge/config.json");
            QFAIL("expected an error");
        } catch (const mue::InputError& e) {
            QVERIFY2(QString(e.what()).startsWith("huge/config.json: invalid JSON"), e.what());
        }
    }

    void namesMissingFile() {
        try {
            (void)mue::ModelConfig::load("/nonexistent/model/config.json");
            QFAIL("expected an error");
        } catch (const mue::InputError& e) {
            QVERIFY(QString(e.what()).contains("/nonexistent/model/config.json"));
        }
    }
};

QTEST_APPLESS_MAIN(TestModelConfig)
#include "tst_model_config.moc"
