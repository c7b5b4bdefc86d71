// The `mue` command line as a user runs it: exit codes, messages and the JSON it prints.

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QProcess>
#include <csignal>
#include <sys/types.h>
#include <QTemporaryDir>
#include <QtTest/QtTest>

namespace {

// Whether the process has installed a handler for SIGINT: the SigCgt mask in /proc/PID/status.
bool catches_sigint(qint64 pid) {
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly)) return false;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (!line.startsWith("SigCgt:")) continue;
        bool ok = false;
        const auto caught = line.mid(7).trimmed().toULongLong(&ok, /*base=*/16);
        return ok && (caught >> (SIGINT - 1) & 1U) != 0;
    }
    return false;
}

struct Outcome {
    int exit_code = -1;
    QString out;
    QString err;
};

Outcome mue(const QStringList& args) {
    QProcess p;
    p.start(MUE_CLI_PATH, args);
    if (!p.waitForFinished(300000)) return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// The JSON a successful run printed; fails the test (by throwing) when there is none.
nlohmann::json json_of(const Outcome& r) { return nlohmann::json::parse(r.out.toStdString()); }

}  // namespace

class TestCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString image_;

    // `mue run --json` on the test image with `extra` options.
    Outcome runJson(const QStringList& extra) const {
        return mue(QStringList{"run", "--image", image_, "--json"} + extra);
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        cv::Mat img(120, 160, CV_8UC3, cv::Scalar(200, 180, 160));
        cv::circle(img, {60, 60}, 30, cv::Scalar(0, 0, 255), cv::FILLED);
        image_ = dir_.filePath("scene.png");
        QVERIFY(cv::imwrite(image_.toStdString(), img));
    }

    void versionAndHelp() {
        const auto v = mue({"--version"});
        QCOMPARE(v.exit_code, 0);
        QVERIFY(v.out.startsWith("mue "));
        const auto h = mue({"run", "--help"});
        QCOMPARE(h.exit_code, 0);
        QVERIFY(h.out.contains("--hypothesis TEXT"));
        // Long option help wraps inside its column.
        const auto train = mue({"train", "--help"});
        const QStringList lines = train.out.split('\n');
        const auto options = lines.indexOf("Options:");
        QVERIFY(options > 0);
        for (qsizetype i = options + 1; i < lines.size(); ++i) {
            QVERIFY2(lines[i].size() <= 100, qPrintable(lines[i]));
            QVERIFY2(lines[i].isEmpty() || lines[i].startsWith("  "), qPrintable(lines[i]));
        }
        QVERIFY(train.out.contains("\n" + QString(29, ' ') + "default 0) has each encoder stream"));
    }

    void usageErrorsExitWithTwo_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no command") << QStringList{} << "Usage: mue COMMAND";
        QTest::newRow("unknown command") << QStringList{"fly"} << "unknown command 'fly'";
        QTest::newRow("unknown option") << QStringList{"run", "--colour", "red"} << "unknown option '--colour'";
        QTest::newRow("no image") << QStringList{"run", "--caption"} << "--image PATH is required";
        QTest::newRow("two tasks") << QStringList{"run", "--image", "x.png", "--caption", "--prompt", "hi"} << "exactly one of";
        QTest::newRow("bad beam") << QStringList{"run", "--image", "x.png", "--caption", "--beam", "zero"} << "--beam must be an integer";
        QTest::newRow("missing value") << QStringList{"run", "--image"} << "needs a value";
        QTest::newRow("bad mode") << QStringList{"run", "--image", "x.png", "--caption", "--mode", "fused"} << "--mode must be";
        QTest::newRow("bad policy") << QStringList{"run", "--image", "x.png", "--caption", "--policy", "fast"}
                                    << "--policy must be full|mue|";
        QTest::newRow("bad threshold") << QStringList{"run", "--image", "x.png", "--caption", "--img-threshold", "abc"}
                                       << "--img-threshold must be a number (got 'abc')";
        QTest::newRow("infinite threshold") << QStringList{"run", "--image", "x.png", "--caption", "--beta", "inf"}
                                            << "--beta must be a number";
        QTest::newRow("short static layers")
            << QStringList{"run", "--image", "x.png", "--caption", "--static-layers", "1,2"}
            << "--static-layers must be 3 comma-separated integers";
        QTest::newRow("bad patience") << QStringList{"run", "--image", "x.png", "--caption", "--patience", "2.5"}
                                      << "--patience must be an integer";
        QTest::newRow("bad preset") << QStringList{"run", "--image", "x.png", "--caption", "--preset", "fastest"}
                                    << "unknown exit preset 'fastest'";
        QTest::newRow("bad kv policy") << QStringList{"run", "--image", "x.png", "--caption", "--kv-policy", "keep"}
                                       << "--kv-policy must be none|copy|propagate";
        QTest::newRow("premise without hypothesis") << QStringList{"run", "--image", "x.png", "--caption", "--premise", "a"}
                                                    << "--premise needs --hypothesis";
        QTest::newRow("convert one argument") << QStringList{"convert-ofa", "model.pt"} << "give CHECKPOINT and OUT_DIR";
        QTest::newRow("mode against policy") << QStringList{"run", "--image", "x.png", "--caption", "--mode", "joint"}
                                             << "cannot honour --mode joint";
    }

    void usageErrorsExitWithTwo() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const auto r = mue(args);
        QCOMPARE(r.exit_code, 2);
        QVERIFY2((r.err + r.out).contains(message), qPrintable(r.err + r.out));
    }

    void badInputExitsWithThree() {
        const auto missing = mue({"run", "--image", dir_.filePath("missing.png"), "--caption"});
        QCOMPARE(missing.exit_code, 3);
        QVERIFY(missing.err.contains("missing.png"));

        QFile junk(dir_.filePath("junk.jpg"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("this is not an image");
        junk.close();
        const auto broken = mue({"run", "--image", junk.fileName(), "--caption"});
        QCOMPARE(broken.exit_code, 3);
        QVERIFY(broken.err.contains("junk.jpg"));

        const auto no_model = mue({"info", "--model", dir_.filePath("nowhere")});
        QCOMPARE(no_model.exit_code, 3);
        QVERIFY(no_model.err.contains("nowhere"));

        const auto warmup = mue({"run", "--image", image_, "--caption", "--warmup", "2"});
        QCOMPARE(warmup.exit_code, 3);
        QVERIFY2(warmup.err.contains("warmup"), qPrintable(warmup.err));
    }

    void runCaptionPrintsJson() {
        const auto r = runJson({"--caption", "--policy", "full"});
        QCOMPARE(r.exit_code, 0);
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QVERIFY(j["prediction"].is_string());
        QCOMPARE(j["task"], "caption");
        QVERIFY(j["timing"]["total_ms"].get<double>() > 0);
        QVERIFY(j["timing"]["layers"].is_array());
        QVERIFY(j["timing"]["layers"].size() >= 19);  // stem, text embedding, 6 + 6 encoder, 6 decoder
        QCOMPARE(j["timing"]["layers"][0]["stage"], "image_stem");
        for (const auto& layer : j["timing"]["layers"]) QVERIFY(layer["flops"].is_number());
        QCOMPARE(j["model"]["model_id"], "mue-random-tiny");
        QCOMPARE(j["model"]["trained"], false);
        QVERIFY(j["output"]["ids"].size() >= 1);
        QCOMPARE(j["output"]["tokens"].size(), j["output"]["ids"].size());
    }

    void exportShapesWritesADataset() {
        const QString out = dir_.filePath("exported-ve");
        const auto r = mue({"export-shapes", "--dataset", "shapes-ve", "--split", "validation", "--count", "5",
                            "--image-size", "32", "--out", out});
        QCOMPARE(r.exit_code, 0);
        QFile tsv(out + "/data.tsv");
        QVERIFY(tsv.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(tsv.readAll()).trimmed().split('\n');
        QCOMPARE(lines.size(), 5);
        QVERIFY(lines.front().startsWith("ve-validation-000000.png\t"));
        QVERIFY(QFile::exists(out + "/ve-validation-000004.png"));
        // Every command that takes a dataset reads it back.
        const auto eval = mue({"eval", "--dataset", out, "--policy", "full", "--json"});
        QCOMPARE(eval.exit_code, 0);
        QCOMPARE(json_of(eval)["n"], 5);

        const QString questions = dir_.filePath("exported-qa");
        QCOMPARE(mue({"export-shapes", "--dataset", "shapes-qa", "--split", "test", "--count", "3", "--image-size", "32",
                      "--out", questions})
                     .exit_code,
                 0);
        QFile qa(questions + "/data.tsv");
        QVERIFY(qa.open(QIODevice::ReadOnly));
        const QStringList qa_lines = QString::fromUtf8(qa.readAll()).trimmed().split('\n');
        QCOMPARE(qa_lines.size(), 3);
        QCOMPARE(qa_lines.front().split('\t').size(), 3);
        QVERIFY(qa_lines.front().startsWith("qa-test-000000.png\t"));

        QCOMPARE(mue({"export-shapes", "--dataset", "shapes-xx", "--out", out}).exit_code, 2);
        QCOMPARE(mue({"export-shapes", "--dataset", "shapes-ve", "--split", "dev", "--out", out}).exit_code, 2);
        QCOMPARE(mue({"export-shapes", "--dataset", "shapes-ve"}).exit_code, 2);
    }

    // A tiny run records its example stream; resuming it on another stream is refused, naming the
    // option, and the same options resume (here: nothing left to do).
    void trainRecordsItsExampleStream() {
        const QString out = dir_.filePath("trained");
        const QStringList run{"train", "--out", out, "--steps", "1", "--batch", "2", "--width", "32",
                              "--image-size", "32", "--entailment-share", "0.75", "--first-item", "40"};
        const auto first = mue(run);
        QVERIFY2(first.exit_code == 0, qPrintable(first.err));
        QVERIFY(first.out.contains("to step 1"));
        QFile state(out + "/training-state.json");
        QVERIFY(state.open(QIODevice::ReadOnly));
        const auto examples = nlohmann::json::parse(state.readAll().toStdString())["run"]["examples"];
        QCOMPARE(examples, (nlohmann::json{{"entailment_share", "0.75"}, {"first_item", "40"}}));

        QStringList other = run;
        other[other.indexOf("0.75")] = "0.6";
        const auto refused = mue(other);
        QCOMPARE(refused.exit_code, 3);
        QVERIFY2(refused.err.contains("training-state.json") &&
                     refused.err.contains(R"(examples.entailment_share: "0.75" in the checkpoint, "0.6" now)"),
                 qPrintable(refused.err));
        const auto again = mue(run);
        QVERIFY2(again.exit_code == 0, qPrintable(again.err));
    }

    // --entangle-positions marks a new folder's config; an existing folder without it is refused,
    // naming the file, rather than silently trained as something else.
    void trainEntanglesPositionsOfANewFolder() {
        const QString out = dir_.filePath("entangled");
        const QStringList run{"train", "--out", out, "--steps", "1", "--batch", "2", "--width", "32",
                              "--image-size", "32", "--entangle-positions"};
        const auto r = mue(run);
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QFile config(out + "/config.json");
        QVERIFY(config.open(QIODevice::ReadOnly));
        const auto arch = nlohmann::json::parse(config.readAll().toStdString())["architecture"];
        QCOMPARE(arch["entangle_position_embedding"], nlohmann::json(true));
        QCOMPARE(arch["decoder_entangle_position_embedding"], nlohmann::json(true));
        const auto again = mue(run);
        QVERIFY2(again.exit_code == 0, qPrintable(again.err));
        const auto info = mue({"info", "--model", out});
        QVERIFY2(info.out.contains("positions    attention biases, and added to the encoder and decoder tokens (entangled)"),
                 qPrintable(info.out));
        const auto info_json = nlohmann::json::parse(mue({"info", "--model", out, "--json"}).out.toStdString());
        QCOMPARE(info_json["entangle_position_embedding"], nlohmann::json(true));
        QCOMPARE(info_json["decoder_entangle_position_embedding"], nlohmann::json(true));

        QStringList plain = run;
        plain.removeAll("--entangle-positions");
        plain[plain.indexOf(out)] = dir_.filePath("not-entangled");
        QCOMPARE(mue(plain).exit_code, 0);
        const auto refused = mue(plain << "--entangle-positions");
        QCOMPARE(refused.exit_code, 3);
        QVERIFY2(refused.err.contains("config.json") && refused.err.contains("only to a new --out folder"),
                 qPrintable(refused.err));
    }

    // The hour preset supplies the recipe's settings; options given beside it win.
    void trainPresetSuppliesTheRecipe() {
        const QString out = dir_.filePath("preset");
        const auto r = mue({"train", "--preset", "hour", "--out", out, "--steps", "1", "--batch", "2", "--width", "32",
                            "--image-size", "32", "--encoder-exit-share", "0.25"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("patches "), qPrintable(r.err));
        QFile state(out + "/training-state.json");
        QVERIFY(state.open(QIODevice::ReadOnly));
        const auto run = nlohmann::json::parse(state.readAll().toStdString())["run"];
        QCOMPARE(run["steps"], nlohmann::json(1));
        QCOMPARE(run["learning_rate"], nlohmann::json(7e-4));
        QCOMPARE(run["patch_loss_weight"], nlohmann::json(1.0));
        QCOMPARE(run["encoder_exit_share"], nlohmann::json(0.25));
        QCOMPARE(run["examples"], (nlohmann::json{{"entailment_share", "0.6"}}));

        const auto unknown = mue({"train", "--preset", "day", "--out", dir_.filePath("unknown-preset")});
        QCOMPARE(unknown.exit_code, 2);
        QVERIFY2(unknown.err.contains("--preset must be hour"), qPrintable(unknown.err));
    }

    // Ctrl+C stops training after the current step with a checkpoint, and the same command resumes.
    void interruptedTrainingResumes() {
        const QString out = dir_.filePath("interrupted");
        const QStringList run{"train", "--out", out, "--steps", "100000", "--batch", "2", "--width", "32",
                              "--image-size", "32"};
        QProcess p;
        p.start(MUE_CLI_PATH, run);
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(catches_sigint(p.processId()), 60000);
        // Let some steps pass: the first progress line comes after step 10. The condition is checked
        // more than once, so what it reads accumulates.
        QByteArray before;
        QTRY_VERIFY_WITH_TIMEOUT((before += p.readAllStandardError()).contains("step "), 60000);
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(300000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        const QString err = QString::fromUtf8(before + p.readAllStandardError());
        QVERIFY2(err.contains("interrupted after step") && err.contains("the same command resumes"), qPrintable(err));

        QFile state(out + "/training-state.json");
        QVERIFY(state.open(QIODevice::ReadOnly));
        const int saved = nlohmann::json::parse(state.readAll().toStdString())["step"].get<int>();
        state.close();
        QVERIFY2(saved >= 10 && saved < 100000, qPrintable(QString::number(saved)));

        // The same command continues from the checkpoint: its first progress line is the next
        // multiple of 10 after the saved step.
        QProcess again;
        again.start(MUE_CLI_PATH, run);
        QVERIFY(again.waitForStarted());
        QByteArray progress;
        QTRY_VERIFY_WITH_TIMEOUT((progress += again.readAllStandardError()).contains("/100000"), 60000);
        const QRegularExpressionMatch first = QRegularExpression("step (\\d+)/100000").match(QString::fromUtf8(progress));
        QVERIFY2(first.hasMatch(), progress.constData());
        QCOMPARE(first.captured(1).toInt(), (saved / 10 + 1) * 10);
        QTRY_VERIFY_WITH_TIMEOUT(catches_sigint(again.processId()), 60000);
        ::kill(static_cast<pid_t>(again.processId()), SIGINT);
        QVERIFY(again.waitForFinished(300000));
        QCOMPARE(again.exitCode(), 130);
    }

    // The premise goes into OFA's SNLI-VE prompt: a longer source than the hypothesis alone.
    void runEntailmentWithPremise() {
        const auto plain = runJson({"--hypothesis", "there is a red circle", "--policy", "full"});
        const auto with = runJson({"--hypothesis", "there is a red circle", "--premise", "a circle", "--policy", "full"});
        QCOMPARE(plain.exit_code, 0);
        QCOMPARE(with.exit_code, 0);
        QVERIFY(json_of(with)["source_ids"].size() > json_of(plain)["source_ids"].size());
    }

    // convert-ofa is listed and documented; its conversions are tested in tst_ofa_checkpoint.
    void convertOfaHelpAndBadInput() {
        QVERIFY(mue({"--help"}).out.contains("convert-ofa"));
        const auto h = mue({"convert-ofa", "--help"});
        QCOMPARE(h.exit_code, 0);
        QVERIFY(h.out.contains("--bpe-dir DIR") && h.out.contains("--dtype fp32|fp16"));
        const auto missing = mue({"convert-ofa", dir_.filePath("no-such.pt"), dir_.filePath("out")});
        QCOMPARE(missing.exit_code, 3);
        QVERIFY2(missing.err.contains("no-such.pt"), qPrintable(missing.err));
    }

    void runEntailmentPrintsAnswers() {
        const auto r = runJson({"--hypothesis", "there is a red circle", "--policy", "full", "--mode", "joint"});
        QCOMPARE(r.exit_code, 0);
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j["answers"].size(), 3u);
        QCOMPARE(j["encoder_mode"], "joint");
        QCOMPARE(j["answers"][0]["answer"], " yes");
        const auto plain =
            mue({"run", "--image", image_, "--hypothesis", "there is a red circle", "--policy", "full", "--mode", "joint"});
        QCOMPARE(plain.exit_code, 0);
        QVERIFY(plain.out.trimmed() == j["prediction"].get<std::string>().c_str());
    }

    void runPrintsTrace_data() {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("caption") << QStringList{"--policy", "mue", "--caption"};
        QTest::newRow("entailment") << QStringList{"--hypothesis", "there is a red circle"};
    }

    // The keys README.md promises to tools, with their types.
    void runPrintsTrace() {
        QFETCH(QStringList, args);
        const auto r = runJson(args);
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto j = json_of(r);
        QVERIFY(j["prediction"].is_string());
        QCOMPARE(j["policy"], "mue");
        QVERIFY(j["encoder_mode"].is_string());
        const auto& settings = j["settings"];
        QCOMPARE(settings["policy"], "mue");
        QCOMPARE(settings["kv_policy"], "none");
        for (const char* key : {"image_threshold", "text_threshold", "joint_threshold", "decoder_threshold", "beta",
                                "tau", "warmup_fraction", "entropy_threshold", "confidence_threshold"}) {
            QVERIFY2(settings[key].is_number(), key);
        }
        for (const char* key : {"static_image_layers", "static_text_layers", "static_decoder_layers", "patience"}) {
            QVERIFY2(settings[key].is_number_integer(), key);
        }
        for (const char* key : {"lens", "what_if", "compare_full"}) QVERIFY2(settings[key].is_boolean(), key);

        QCOMPARE(j["encoder"]["joint"], false);
        for (const char* stream : {"image", "text"}) {
            const auto& s = j["encoder"][stream];
            QVERIFY2(s["tokens"].get<int>() > 0, stream);
            QCOMPARE(s["layers"], 6);
            QVERIFY(s["exited"].is_boolean());
            const int exit_layer = s["exit_layer"].get<int>();
            QVERIFY(exit_layer >= 1 && exit_layer <= 6);
            QVERIFY(s["similarity"].is_array());
            QCOMPARE(s["similarity"].size(), std::size_t(exit_layer));  // one cosine per executed layer
            QCOMPARE(s["token_similarity"].size(), std::size_t(exit_layer));
        }

        QCOMPARE(j["decoder"]["layers"], 6);
        const auto& tokens = j["decoder"]["tokens"];
        QVERIFY(tokens.is_array() && !tokens.empty());
        for (const auto& t : tokens) {
            QVERIFY(t["id"].is_number_integer());
            QVERIFY(t["text"].is_string());
            QVERIFY(t["step"].get<int>() >= 1);
            QVERIFY(t["threshold"].is_number());
            QVERIFY(t["exit_layer"].is_number_integer());
            QVERIFY(t["exited"].is_boolean());
            QCOMPARE(t["similarity"].size(), t["exit_layer"].get<std::size_t>());
            QVERIFY(t["measure"].is_array());
            QVERIFY(!t.contains("lens"));
        }

        const auto& savings = j["savings"];
        for (const char* key : {"expected_reduction_mean", "expected_reduction_token_weighted", "flops", "full_flops",
                                "flop_reduction", "compute_ms"}) {
            QVERIFY2(savings[key].is_number(), key);
        }
        QVERIFY(savings["flops"].get<double>() <= savings["full_flops"].get<double>());
        QVERIFY(!savings.contains("measured_reduction"));
        QVERIFY(!savings.contains("full_compute_ms"));
        QVERIFY(j["timing"]["total_ms"].is_number());
    }

    void fullPolicyRunsEveryLayer() {
        const auto r = runJson({"--caption", "--policy", "full"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto j = json_of(r);
        QCOMPARE(j["policy"], "full");
        for (const char* stream : {"image", "text"}) {
            QCOMPARE(j["encoder"][stream]["exit_layer"], j["encoder"][stream]["layers"]);
        }
        for (const auto& t : j["decoder"]["tokens"]) QCOMPARE(t["exit_layer"], j["decoder"]["layers"]);
        QCOMPARE(j["savings"]["expected_reduction_mean"].get<double>(), 0.0);
        QCOMPARE(j["savings"]["flop_reduction"].get<double>(), 0.0);
    }

    void thresholdsBelowMinusOneExitAfterLayerOne() {
        const auto r = runJson({"--caption", "--img-threshold", "-2", "--txt-threshold", "-2"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto j = json_of(r);
        for (const char* stream : {"image", "text"}) {
            QCOMPARE(j["encoder"][stream]["exit_layer"], 1);
            QCOMPARE(j["encoder"][stream]["exited"], true);
        }
        QVERIFY(j["savings"]["expected_reduction_mean"].get<double>() > 0);
        QVERIFY(j["savings"]["flop_reduction"].get<double>() > 0);
    }

    void decoderThresholdBelowMinusOneExitsEveryToken() {
        const auto r = runJson({"--caption", "--dec-threshold", "-2", "--beta", "1", "--warmup", "0"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto j = json_of(r);
        QVERIFY(!j["decoder"]["tokens"].empty());
        for (const auto& t : j["decoder"]["tokens"]) {
            QCOMPARE(t["exit_layer"], 1);
            QCOMPARE(t["threshold"].get<double>(), -2.0);  // beta 1: Theta(t) = theta
        }
    }

    void staticLayers() {
        const auto r = runJson({"--caption", "--policy", "static", "--static-layers", "2,3,4"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto j = json_of(r);
        QCOMPARE(j["encoder"]["image"]["exit_layer"], 2);
        QCOMPARE(j["encoder"]["text"]["exit_layer"], 3);
        QVERIFY(!j["decoder"]["tokens"].empty());
        for (const auto& t : j["decoder"]["tokens"]) QCOMPARE(t["exit_layer"], 4);
    }

    void jointPolicyRunsJointEncoder() {
        const auto r = runJson({"--caption", "--policy", "joint"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto j = json_of(r);
        QCOMPARE(j["encoder"]["joint"], true);
        QCOMPARE(j["encoder_mode"], "joint");
        QCOMPARE(j["encoder"]["image"]["exit_layer"], j["encoder"]["text"]["exit_layer"]);
    }

    void presetThenOverrides() {
        const auto r =
            runJson({"--caption", "--preset", "released-ve", "--img-threshold", "0.5", "--kv-policy", "copy"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto settings = json_of(r)["settings"];
        QCOMPARE(settings["policy"], "mue");
        QCOMPARE(settings["image_threshold"].get<double>(), 0.5);
        QCOMPARE(settings["text_threshold"].get<double>(), 0.99);
        QCOMPARE(settings["beta"].get<double>(), 0.9);
        QCOMPARE(settings["kv_policy"], "copy");

        const auto none = runJson({"--caption", "--preset", "no-exits"});
        QVERIFY2(none.exit_code == 0, qPrintable(none.err));
        QCOMPARE(json_of(none)["policy"], "full");
    }

    void lensRecordsTopFivePerLayer() {
        const auto r = runJson({"--caption", "--lens"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto j = json_of(r);
        QVERIFY(!j["decoder"]["tokens"].empty());
        for (const auto& t : j["decoder"]["tokens"]) {
            QCOMPARE(t["lens"].size(), t["exit_layer"].get<std::size_t>());
            for (const auto& layer : t["lens"]) {
                QCOMPARE(layer.size(), 5u);
                for (const auto& e : layer) {
                    QVERIFY(e["id"].is_number_integer());
                    QVERIFY(e["text"].is_string());
                    QVERIFY(e["probability"].get<double>() >= 0 && e["probability"].get<double>() <= 1);
                }
            }
        }
    }

    void whatIfRunsEveryLayer() {
        const auto r = runJson({"--caption", "--what-if", "--img-threshold", "-2"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto image = json_of(r)["encoder"]["image"];
        QCOMPARE(image["exit_layer"], 1);
        QCOMPARE(image["similarity"].size(), image["layers"].get<std::size_t>());
    }

    void compareFullMeasuresReduction() {
        const auto r = runJson({"--caption", "--compare-full"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto savings = json_of(r)["savings"];
        QVERIFY(savings["measured_reduction"].is_number());
        QVERIFY(savings["full_compute_ms"].get<double>() > 0);
    }

    void runPrintsSummary() {
        const auto r = mue({"run", "--image", image_, "--caption", "--static-layers", "2,3,4", "--policy", "static"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY(!r.out.trimmed().isEmpty());
        QVERIFY2(r.err.contains("policy   static"), qPrintable(r.err));
        QVERIFY2(r.err.contains("exits    image 2/6, text 3/6"), qPrintable(r.err));
        QVERIFY2(r.err.contains("@4 "), qPrintable(r.err));
        QVERIFY2(r.err.contains("% FLOPs"), qPrintable(r.err));
    }

    void tokenizeWithOfaFiles() {
        const QString ofa = QString(MUE_SHARED_DIR) + "/ofa-bpe";
        if (!QFileInfo::exists(ofa + "/dict.txt")) QSKIP("shared OFA tokenizer files are not beside the checkout");
        const auto r = mue({"tokenize", "--tokenizer", ofa, "what does the image describe?"});
        QCOMPARE(r.exit_code, 0);
        QCOMPARE(r.out.trimmed(), QString("[0,99,473,5,2274,6190,116,2]"));
    }

    void infoJson() {
        const auto r = mue({"info", "--json"});
        QCOMPARE(r.exit_code, 0);
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j["encoder_layers"], 6);
        QCOMPARE(j["image_tokens"], 64);
        const auto text = mue({"info"});
        QCOMPARE(text.exit_code, 0);
        QVERIFY2(text.out.contains("128x128 px -> 64 tokens, conv stem (4 layers)"), qPrintable(text.out));
    }

    // The keys tools rely on, and a report that adds up.
    void evalPrintsJson() {
        const auto r = mue({"eval", "--dataset", "shapes-ve", "--limit", "6", "--json"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto j = json_of(r);
        QCOMPARE(j["n"], 6);
        QCOMPARE(j["metric"], "accuracy");
        QCOMPARE(j["policy"], "mue");
        QCOMPARE(j["split"], "test");
        const double score = j["score"].get<double>();
        QVERIFY(score >= 0 && score <= 1);
        QVERIFY(j["savings"]["expected_reduction_mean"].is_number());
        QVERIFY(j["savings"]["flop_reduction"].is_number());
        QCOMPARE(j["examples"].size(), 6u);
        int correct = 0;
        for (const auto& e : j["examples"]) {
            QVERIFY(e["id"].is_string());
            QVERIFY(e["prediction"].is_string());
            QVERIFY(e["difficulty"].is_number_integer());
            correct += e["correct"].get<bool>() ? 1 : 0;
        }
        QCOMPARE(score, correct / 6.0);
        for (const char* stream : {"image", "text", "decoder"}) {
            const auto& h = j["exit_histograms"][stream];
            QCOMPARE(h.size(), 6u);
            int total = 0;
            for (const auto& count : h) total += count.get<int>();
            QCOMPARE(total, 6);  // entailment decodes one token per example
        }
        QVERIFY(j["difficulty_levels"].is_array());
        for (const char* key : {"image_exit", "text_exit", "decoder_exit", "expected_reduction"}) {
            const auto& rho = j["difficulty_spearman"][key];
            QVERIFY2(rho.is_null() || rho.is_number(), key);
        }
    }

    void evalPrintsSummary() {
        const auto r = mue({"eval", "--dataset", "shapes-caption", "--limit", "3", "--beam", "1", "--policy", "full"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("cider_d"), qPrintable(r.out));
        QVERIFY2(r.out.contains("BLEU-4"), qPrintable(r.out));
        QVERIFY2(r.out.contains("saved    0.0% layers (mean)"), qPrintable(r.out));
        QVERIFY2(r.out.contains("decoder (tokens)"), qPrintable(r.out));
        QVERIFY2(r.out.contains("Spearman with difficulty"), qPrintable(r.out));
    }

    void evalSweepTuneRejectBadInput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exit_code");
        QTest::addColumn<QString>("message");
        QTest::newRow("bad split") << QStringList{"eval", "--dataset", "shapes-ve", "--split", "train"} << 3
                                   << "unknown split 'train'";
        QTest::newRow("unknown dataset") << QStringList{"eval", "--dataset", "shapes-vqa"} << 3
                                         << "unknown dataset 'shapes-vqa'";
        QTest::newRow("no dataset") << QStringList{"eval", "--limit", "3"} << 2 << "--dataset";
        QTest::newRow("bad limit") << QStringList{"eval", "--dataset", "shapes-ve", "--limit", "0"} << 2 << "--limit";
        QTest::newRow("bad policy") << QStringList{"eval", "--dataset", "shapes-ve", "--policy", "fast"} << 2
                                    << "--policy must be";
        QTest::newRow("bad grid value") << QStringList{"sweep", "--dataset", "shapes-ve", "--grid-image", "0.9,abc"}
                                        << 2 << "--grid-image must be comma-separated numbers";
        QTest::newRow("empty grid piece") << QStringList{"tune", "--dataset", "shapes-ve", "--grid-text", "0.9,"} << 2
                                          << "--grid-text must be";
        QTest::newRow("sweep without dataset") << QStringList{"sweep"} << 2 << "--dataset";
        QTest::newRow("bad route") << QStringList{"sweep", "--dataset", "shapes-ve", "--route", "derive"} << 2
                                   << "--route must be rerun or what-if";
        QTest::newRow("bad target") << QStringList{"tune", "--dataset", "shapes-ve", "--target-retention", "2"} << 2
                                    << "--target-retention must be in [0, 1]";
        QTest::newRow("confidence 1") << QStringList{"tune", "--dataset", "shapes-ve", "--confidence", "1"} << 2
                                      << "--confidence must be in (0, 1), e.g. 0.9 (got 1)";
        QTest::newRow("confidence 0") << QStringList{"tune", "--dataset", "shapes-ve", "--confidence", "0"} << 2
                                      << "--confidence must be in (0, 1)";
        QTest::newRow("confidence as percent") << QStringList{"tune", "--dataset", "shapes-ve", "--confidence", "90"}
                                               << 2 << "--confidence must be in (0, 1)";
        QTest::newRow("confidence not a number")
            << QStringList{"tune", "--dataset", "shapes-ve", "--confidence", "high"} << 2
            << "--confidence must be a number";
        QTest::newRow("tune on a folder") << QStringList{"tune", "--dataset", "no-such-folder"} << 3 << "no-such-folder";
    }

    void evalSweepTuneRejectBadInput() {
        QFETCH(QStringList, args);
        QFETCH(int, exit_code);
        QFETCH(QString, message);
        const auto r = mue(args);
        QCOMPARE(r.exit_code, exit_code);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void sweepWritesCsvAndJson() {
        const QString prefix = dir_.filePath("sweep");
        const auto r = mue({"sweep", "--dataset", "shapes-ve", "--limit", "4", "--grid-image", "0.9,1",
                            "--grid-text", "0.9,1", "--grid-decoder", "1", "--out", prefix});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("* "), qPrintable(r.out));  // the front is never empty
        QVERIFY2(r.out.contains("mue i=0.9 t=1 d=1"), qPrintable(r.out));
        constexpr int kPoints = 1 + 2 * 2 * 1;  // the full model, then the grid
        QFile csv(prefix + ".csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const auto lines = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), kPoints + 1);
        QVERIFY(lines[0].startsWith("label,policy,image_threshold,"));
        QVERIFY(lines[0].endsWith(",pareto"));
        QVERIFY2(lines[1].startsWith("full,full,"), qPrintable(lines[1]));
        for (const auto& line : lines) QCOMPARE(line.count(','), lines[0].count(','));
        QFile json(prefix + ".json");
        QVERIFY(json.open(QIODevice::ReadOnly));
        const auto j = nlohmann::json::parse(json.readAll().toStdString());
        QCOMPARE(j["n"], 4);
        QCOMPARE(j["points"].size(), static_cast<std::size_t>(kPoints));
        QCOMPARE(j["points"][0]["retention"], 1.0);
        for (const auto& p : j["points"]) {
            int total = 0;
            for (const auto& count : p["exit_histograms"]["image"]) total += count.get<int>();
            QCOMPARE(total, 4);
            QVERIFY(p["pareto"].is_boolean());
        }
    }

    void sweepRoutesGiveTheSamePoints() {
        const QStringList sweep{"sweep", "--dataset", "shapes-ve", "--limit", "4", "--grid-image", "0.9,1",
                                "--grid-text", "0.88,1", "--grid-decoder", "0.6,1", "--json"};
        const auto rerun = mue(sweep + QStringList{"--route", "rerun"});
        QVERIFY2(rerun.exit_code == 0, qPrintable(rerun.err));
        const auto what_if = mue(sweep);  // the default route
        QVERIFY2(what_if.exit_code == 0, qPrintable(what_if.err));
        QVERIFY(json_of(what_if)["points"] == json_of(rerun)["points"]);
        constexpr int kRuns = (1 + 2 * 2 * 2) * 4;
        QVERIFY2(rerun.err.contains(QStringLiteral("ran %1 example(s) under sweep settings\n").arg(kRuns)),
                 qPrintable(rerun.err));
        QVERIFY2(what_if.err.contains("in a what-if pass"), qPrintable(what_if.err));
    }

    void interruptedSweepResumes() {
        const QString prefix = dir_.filePath("resumable");
        const auto sweep = [&](int samples) {
            return QStringList{"sweep", "--dataset", "shapes-ve", "--limit", "6",  "--search", "random",
                               "--samples", QString::number(samples), "--seed", "3", "--out", prefix};
        };
        // More settings than can finish before the interrupt.
        QProcess p;
        p.start(MUE_CLI_PATH, sweep(5000));
        QVERIFY(p.waitForStarted());
        // Interrupt once the handler is installed (before the model loads); a fixed wait lost that
        // race on a loaded machine, where start-up alone can take seconds.
        QTRY_VERIFY_WITH_TIMEOUT(catches_sigint(p.processId()), 60000);
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(300000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(QString::fromUtf8(p.readAllStandardError()).contains("--resume"), "the message says how to go on");
        QFile partial_file(prefix + ".json");
        QVERIFY(partial_file.open(QIODevice::ReadOnly));
        const auto partial = nlohmann::json::parse(partial_file.readAll().toStdString());
        partial_file.close();
        QCOMPARE(partial["complete"], false);
        const auto finished = partial["points"].size();
        QVERIFY(finished < 5001);

        // The same seed draws the same settings first, so a smaller sweep takes every finished
        // point and evaluates only the rest.
        constexpr int kMore = 4;
        const int samples = static_cast<int>(finished) + kMore;  // the full model is a point, not a sample
        const auto r = mue(sweep(samples) + QStringList{"--resume", prefix + ".json", "--json"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto whole = json_of(r);
        QCOMPARE(whole["complete"], true);
        QCOMPARE(whole["points"].size(), static_cast<std::size_t>(samples + 1));
        for (std::size_t i = 0; i < finished; ++i) {
            QCOMPARE(whole["points"][i]["label"], partial["points"][i]["label"]);
            QCOMPARE(whole["points"][i]["score"], partial["points"][i]["score"]);
        }
        // Points made on other data are refused, not mixed in.
        auto other_data = sweep(samples);
        other_data[4] = "5";  // --limit
        const auto other = mue(other_data + QStringList{"--resume", prefix + ".json"});
        QCOMPARE(other.exit_code, 3);
        QVERIFY2(other.err.contains("item count") && other.err.contains("resumable.json"), qPrintable(other.err));
        const auto bad = mue({"sweep", "--dataset", "shapes-ve", "--search", "sobol"});
        QCOMPARE(bad.exit_code, 2);
        QVERIFY2(bad.err.contains("--search"), qPrintable(bad.err));
    }

    void tunePrintsJson() {
        const auto r = mue({"tune", "--dataset", "shapes-ve", "--limit", "4", "--target-retention", "0.5",
                            "--grid-image", "0.9,1", "--grid-text", "1", "--grid-decoder", "1", "--json"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto j = json_of(r);
        for (const char* stream : {"image", "text", "decoder"}) QVERIFY2(j["thresholds"][stream].is_number(), stream);
        const double image = j["thresholds"]["image"].get<double>();
        QVERIFY(image == 0.9 || image == 1.0);
        for (const char* key : {"score", "retention", "expected_reduction_mean", "flop_reduction", "full_score"}) {
            QVERIFY2(j["test"][key].is_number(), key);
        }
        QCOMPARE(j["test"]["n"], 4);
        // Without --confidence, the document is as before it existed.
        QVERIFY(!j.contains("confidence"));
        QVERIFY(!j["validation"].contains("retention_lower_bound"));
    }

    void tuneWithConfidenceReportsTheBound() {
        QVERIFY(mue({"tune", "--help"}).out.contains("--confidence C"));
        const QStringList tune{"tune", "--dataset", "shapes-ve", "--limit", "4", "--grid-image", "0.9,1",
                               "--grid-text", "1", "--grid-decoder", "1", "--target-retention", "0.5",
                               "--confidence", "0.9"};
        const auto r = mue(tune + QStringList{"--json"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto j = json_of(r);
        QCOMPARE(j["confidence"].get<double>(), 0.9);
        const auto& v = j["validation"];
        QVERIFY(v["retention_lower_bound"].is_number());
        const double bound = v["retention_lower_bound"].get<double>();
        QVERIFY2(j["policy"] == "full" ? bound == 1.0 : bound >= 0.5, qPrintable(QString::number(bound)));
        for (const char* key : {"score", "retention", "expected_reduction_mean", "flop_reduction"}) {
            QVERIFY2(j["test"][key].is_number(), key);
        }
        const auto text = mue(tune);
        QVERIFY2(text.exit_code == 0, qPrintable(text.err));
        QVERIFY2(text.out.contains("of the full score on validation with 90.0% confidence)"), qPrintable(text.out));
        QVERIFY2(text.out.contains("(lower bound " + QString::number(bound * 100, 'f', 1) + "% at 90.0% confidence)"),
                 qPrintable(text.out));
    }

};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
