// The bad-input matrix (docs/reliability.md) rows that no format's own suite covers: images the
// decoder meets in the wild (16-bit, CMYK JPEG, animated GIF, alpha with a wrong extension) and
// prompts (empty, 100k characters, invalid UTF-8, control characters, right-to-left text), each
// through the engine as a user reaches it. Every case ends in a result or in an InputError that
// names the problem; none crashes, hangs or silently runs on something else.

#include "error_of.hpp"

#include <mue/engine.hpp>
#include <mue/errors.hpp>
#include <mue/image.hpp>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <QObject>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kModelDir = MUE_TEST_MODEL_DIR;
const fs::path kData = MUE_TEST_DATA_DIR;

std::vector<unsigned char> encode(const std::string& extension, const cv::Mat& image) {
    std::vector<unsigned char> bytes;
    if (!cv::imencode(extension, image, bytes)) throw std::runtime_error("cannot encode " + extension);
    return bytes;
}

mue::RgbImage decoded(const std::vector<unsigned char>& bytes) {
    return mue::decode_image_bytes(bytes.data(), bytes.size(), "input");
}

mue::RgbImage plain_image() {
    mue::RgbImage image;
    image.width = 48;
    image.height = 40;
    image.rgb.assign(static_cast<std::size_t>(image.width * image.height * 3), 128);
    return image;
}

}  // namespace

class TestBadInput : public QObject {
    Q_OBJECT

    std::unique_ptr<mue::Engine> engine_;

    mue::RunRequest prompt(mue::Task task, const std::string& text) const {
        mue::RunRequest r;
        r.image = plain_image();
        r.task = task;
        r.text = text;
        return r;
    }

private Q_SLOTS:
    void initTestCase() { engine_ = std::make_unique<mue::Engine>(mue::Engine::load(kModelDir)); }

    void sixteenBitImagesAreScaledToEightBits() {
        cv::Mat deep(3, 4, CV_16UC3, cv::Scalar(0, 32896, 65535));  // BGR
        const auto image = decoded(encode(".png", deep));
        QCOMPARE(image.width, 4);
        QCOMPARE(image.height, 3);
        // 16-bit values keep their brightness: 65535 -> 255, 32896 -> 128, as PIL's convert("RGB").
        QCOMPARE(int{image.rgb[0]}, 255);
        QCOMPARE(int{image.rgb[1]}, 128);
        QCOMPARE(int{image.rgb[2]}, 0);
        cv::Mat grey16(2, 2, CV_16UC1, cv::Scalar(65535));
        const auto grey = decoded(encode(".png", grey16));
        QCOMPARE(int{grey.rgb[0]}, 255);
        QCOMPARE(int{grey.rgb[1]}, 255);
    }

    void cmykJpegDecodesToItsColours() {
        // Written by libjpeg with JCS_CMYK: C=0 M=255 Y=255 K=0 is red.
        const auto image = mue::decode_image_file(kData / "cmyk.jpg");
        QCOMPARE(image.width, 8);
        QCOMPARE(image.height, 6);
        QVERIFY2(image.rgb[0] > 200 && image.rgb[1] < 60 && image.rgb[2] < 60,
                 qPrintable(QStringLiteral("%1 %2 %3").arg(image.rgb[0]).arg(image.rgb[1]).arg(image.rgb[2])));
    }

    void animatedGifIsNamedNotGuessed() {
        const auto message = mue::test::error_of([] { (void)mue::decode_image_file(kData / "animated.gif"); });
        QVERIFY2(message.find("animated.gif") != std::string::npos, message.c_str());
        QVERIFY2(message.find("GIF") != std::string::npos, message.c_str());
    }

    void alphaUnderAWrongExtension() {
        cv::Mat rgba(2, 3, CV_8UC4, cv::Scalar(10, 20, 30, 0));  // fully transparent BGRA
        const auto bytes = encode(".png", rgba);
        const fs::path path = fs::temp_directory_path() / "mue-bad-input-alpha.jpg";  // PNG bytes, .jpg name
        std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                    static_cast<std::streamsize>(bytes.size()));
        const auto image = mue::decode_image_file(path);
        fs::remove(path);
        // Alpha is dropped, as PIL's convert("RGB") does: the colour stays, transparency goes.
        QCOMPARE(int{image.rgb[0]}, 30);
        QCOMPARE(int{image.rgb[1]}, 20);
        QCOMPARE(int{image.rgb[2]}, 10);
    }

    void emptyPrompts() {
        const auto empty = mue::test::error_of([&] { (void)engine_->run(prompt(mue::Task::Entailment, "")); });
        QVERIFY2(empty.find("hypothesis") != std::string::npos, empty.c_str());
        const auto blank = mue::test::error_of([&] { (void)engine_->run(prompt(mue::Task::Prompt, " \t\n")); });
        QVERIFY2(blank.find("prompt") != std::string::npos, blank.c_str());
        // Captioning takes no text: an empty one is no problem.
        QVERIFY(engine_->run(prompt(mue::Task::Caption, "")).decoder_steps > 0);
    }

    void hundredThousandCharactersAreCut() {
        std::string text;
        while (text.size() < 100'000) text += "a red circle left of a blue square ";
        const auto r = engine_->run(prompt(mue::Task::Entailment, text));
        QCOMPARE(static_cast<int>(r.source_ids.size()), engine_->config().max_source_tokens);
    }

    void invalidUtf8IsRefused_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("stray continuation") << QByteArray("a red \x80 circle");
        QTest::newRow("truncated sequence") << QByteArray("euro \xe2\x82");
        QTest::newRow("overlong") << QByteArray("\xc0\xaf");
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80");
    }

    void invalidUtf8IsRefused() {
        QFETCH(QByteArray, text);
        const auto message = mue::test::error_of([&] { (void)engine_->run(prompt(mue::Task::Entailment, text.toStdString())); });
        QVERIFY2(message.find("UTF-8") != std::string::npos, message.c_str());
    }

    void controlAndRightToLeftTextRuns_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("control characters") << QByteArray("a red\x01\x02\x1b[31m circle\x7f");
        QTest::newRow("nul inside") << QByteArray("a red\0circle", 12);
        QTest::newRow("hebrew") << QByteArray("\xd7\xa2\xd7\x99\xd7\x92\xd7\x95\xd7\x9c \xd7\x90\xd7\x93\xd7\x95\xd7\x9d");
        QTest::newRow("arabic with marks") << QByteArray("\xd8\xaf\xd8\xa7\xd8\xa6\xd8\xb1\xd8\xa9 \xe2\x80\x8f\xd8\xad\xd9\x85\xd8\xb1\xd8\xa7\xd8\xa1");
        QTest::newRow("bidi override") << QByteArray("a \xe2\x80\xae" "elcric der\xe2\x80\xac square");
    }

    void controlAndRightToLeftTextRuns() {
        QFETCH(QByteArray, text);
        const auto r = engine_->run(prompt(mue::Task::Entailment, text.toStdString()));
        QCOMPARE(r.answers.size(), std::size_t{3});
        QVERIFY(r.source_ids.size() >= 3);  // bos, something, eos
    }
};

QTEST_APPLESS_MAIN(TestBadInput)
#include "tst_bad_input.moc"
