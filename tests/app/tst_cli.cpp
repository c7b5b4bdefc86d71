// The `mue` command line as a user runs it: exit codes, messages and the JSON it prints.

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

namespace {

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

}  // namespace

class TestCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString image_;

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
    }

    void runCaptionPrintsJson() {
        const auto r = mue({"run", "--image", image_, "--caption", "--json"});
        QCOMPARE(r.exit_code, 0);
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QVERIFY(j["prediction"].is_string());
        QCOMPARE(j["task"], "caption");
        QVERIFY(j["timing"]["total_ms"].get<double>() > 0);
        QVERIFY(j["timing"]["layers"].is_array());
        QVERIFY(j["timing"]["layers"].size() >= 19);  // stem, text embedding, 6 + 6 encoder, 6 decoder
        QCOMPARE(j["timing"]["layers"][0]["stage"], "image_stem");
        QCOMPARE(j["model"]["model_id"], "mue-random-tiny");
        QCOMPARE(j["model"]["trained"], false);
        QVERIFY(j["output"]["ids"].size() >= 1);
        QCOMPARE(j["output"]["tokens"].size(), j["output"]["ids"].size());
    }

    void runEntailmentPrintsAnswers() {
        const auto r = mue({"run", "--image", image_, "--hypothesis", "there is a red circle", "--json", "--mode", "joint"});
        QCOMPARE(r.exit_code, 0);
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j["answers"].size(), 3u);
        QCOMPARE(j["encoder_mode"], "joint");
        QCOMPARE(j["answers"][0]["answer"], " yes");
        const auto plain = mue({"run", "--image", image_, "--hypothesis", "there is a red circle"});
        QCOMPARE(plain.exit_code, 0);
        QVERIFY(plain.out.trimmed() == j["prediction"].get<std::string>().c_str());
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
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
