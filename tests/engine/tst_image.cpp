// Image decoding, PIL-compatible bicubic resizing and OFA preprocessing (mue/image.hpp).
// Every image is generated here: by formula, written with OpenCV or assembled byte by byte.

#include "error_of.hpp"
#include "mue/errors.hpp"
#include "mue/image.hpp"

#include <QObject>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;

using Bytes = std::vector<std::uint8_t>;
using Rgb = std::array<int, 3>;

constexpr std::size_t kChannels = 3;
constexpr std::uint32_t kHugeSide = 30000;  // 30000 x 30000 is above kMaxImagePixels

[[nodiscard]] fs::path file_in(const QTemporaryDir& dir, const char* name) {
    return fs::path(dir.filePath(QString::fromUtf8(name)).toStdString());
}

void write_file(const fs::path& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    QVERIFY(out.good());
}

using mue::test::error_of;

[[nodiscard]] std::string decode_error(const fs::path& path) {
    return error_of([&] { static_cast<void>(mue::decode_image_file(path)); });
}

[[nodiscard]] bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

[[nodiscard]] Rgb pixel(const mue::RgbImage& image, int x, int y) {
    const auto i = static_cast<std::size_t>(y * image.width + x) * kChannels;
    return {image.rgb[i], image.rgb[i + 1], image.rgb[i + 2]};
}

[[nodiscard]] int max_difference(const mue::RgbImage& image, int x, int y, const Rgb& expected) {
    const Rgb actual = pixel(image, x, y);
    int worst = 0;
    for (std::size_t c = 0; c < kChannels; ++c) {
        worst = std::max(worst, std::abs(actual[c] - expected[c]));
    }
    return worst;
}

[[nodiscard]] mue::RgbImage image_from(int width, int height, const std::function<Rgb(int, int)>& colour) {
    mue::RgbImage image{width, height, {}};
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            for (const int value : colour(x, y)) {
                image.rgb.push_back(static_cast<std::uint8_t>(value));
            }
        }
    }
    return image;
}

// The same pixels as an OpenCV BGR matrix, to be encoded.
[[nodiscard]] cv::Mat to_bgr(const mue::RgbImage& image) {
    cv::Mat bgr(image.height, image.width, CV_8UC3);
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            const Rgb rgb = pixel(image, x, y);
            bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<std::uint8_t>(rgb[2]), static_cast<std::uint8_t>(rgb[1]),
                                                static_cast<std::uint8_t>(rgb[0]));
        }
    }
    return bgr;
}

[[nodiscard]] Rgb fine_pattern(int x, int y) {
    return {(x * 29 + y * 47) % 256, (x * y * 13 + 71) % 256, ((x ^ y) * 19) % 256};
}

[[nodiscard]] Rgb coarse_pattern(int x, int y) {
    return {(x + y / 2) % 256, (x * y / 97) % 256, (x ^ y) % 256};
}

[[nodiscard]] mue::RgbImage noise_image(int width, int height, unsigned seed) {
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> level(0, 255);
    return image_from(width, height, [&](int, int) { return Rgb{level(random), level(random), level(random)}; });
}

[[nodiscard]] Bytes encode(const char* extension, const cv::Mat& image) {
    Bytes bytes;
    if (!cv::imencode(extension, image, bytes)) {
        throw std::runtime_error(std::string("test setup: cannot encode ") + extension);
    }
    return bytes;
}

void append_be32(Bytes& bytes, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        bytes.push_back(static_cast<std::uint8_t>(value >> shift));
    }
}

// CRC-32 (ISO-HDLC) as PNG chunks carry it, so the crafted header below is a valid PNG header.
[[nodiscard]] std::uint32_t crc32(const std::uint8_t* data, std::size_t size) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < size; ++i) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

void append_png_chunk(Bytes& png, const char (&type)[5], const Bytes& payload) {
    append_be32(png, static_cast<std::uint32_t>(payload.size()));
    Bytes typed(type, type + 4);
    typed.insert(typed.end(), payload.begin(), payload.end());
    png.insert(png.end(), typed.begin(), typed.end());
    append_be32(png, crc32(typed.data(), typed.size()));
}

}  // namespace

namespace QTest {
// Readable failure messages for QCOMPARE on pixels.
template <>
char* toString(const Rgb& rgb) {
    const std::string text = "(" + std::to_string(rgb[0]) + ", " + std::to_string(rgb[1]) + ", " + std::to_string(rgb[2]) + ")";
    return qstrdup(text.c_str());
}
}  // namespace QTest

class TestImage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // ---- decoding --------------------------------------------------------------------------------

    void decodesRgbPng() {
        QTemporaryDir dir;
        const mue::RgbImage expected = image_from(7, 5, fine_pattern);
        const fs::path path = file_in(dir, "rgb.png");
        QVERIFY(cv::imwrite(path.string(), to_bgr(expected)));
        const mue::RgbImage decoded = mue::decode_image_file(path);
        QCOMPARE(decoded.width, 7);
        QCOMPARE(decoded.height, 5);
        QVERIFY(decoded.rgb == expected.rgb);
    }

    void decodesJpegApproximately() {
        QTemporaryDir dir;
        // Left half red-ish, right half blue-ish, split on a chroma block boundary.
        const Rgb left{200, 40, 90};
        const Rgb right{30, 60, 220};
        const mue::RgbImage expected = image_from(32, 16, [&](int x, int) { return x < 16 ? left : right; });
        const fs::path path = file_in(dir, "photo.jpg");
        QVERIFY(cv::imwrite(path.string(), to_bgr(expected), {cv::IMWRITE_JPEG_QUALITY, 95}));
        const mue::RgbImage decoded = mue::decode_image_file(path);
        QCOMPARE(decoded.width, 32);
        QCOMPARE(decoded.height, 16);
        constexpr int kJpegTolerance = 4;
        QVERIFY(max_difference(decoded, 4, 8, left) <= kJpegTolerance);
        QVERIFY(max_difference(decoded, 27, 8, right) <= kJpegTolerance);
    }

    void decodesGreyPng() {
        QTemporaryDir dir;
        cv::Mat grey(3, 4, CV_8UC1);
        for (int i = 0; i < 12; ++i) {
            grey.at<std::uint8_t>(i / 4, i % 4) = static_cast<std::uint8_t>(i * 21);
        }
        const fs::path path = file_in(dir, "grey.png");
        QVERIFY(cv::imwrite(path.string(), grey));
        const mue::RgbImage decoded = mue::decode_image_file(path);
        QCOMPARE(decoded.width, 4);
        QCOMPARE(decoded.height, 3);
        for (int i = 0; i < 12; ++i) {
            const Rgb expected{i * 21, i * 21, i * 21};
            QCOMPARE(pixel(decoded, i % 4, i / 4), expected);
        }
    }

    void dropsAlphaFromRgbaPng() {
        QTemporaryDir dir;
        cv::Mat bgra(2, 3, CV_8UC4);
        const std::array<std::uint8_t, 3> alphas{0, 128, 255};  // fully transparent colours survive too
        for (int x = 0; x < 3; ++x) {
            const auto ux = static_cast<std::size_t>(x);
            bgra.at<cv::Vec4b>(0, x) = cv::Vec4b(10, 20, 30, alphas[ux]);
            bgra.at<cv::Vec4b>(1, x) = cv::Vec4b(200, 150, 100, alphas[ux]);
        }
        const fs::path path = file_in(dir, "rgba.png");
        QVERIFY(cv::imwrite(path.string(), bgra));
        const mue::RgbImage decoded = mue::decode_image_file(path);
        QCOMPARE(decoded.rgb.size(), std::size_t{18});
        for (int x = 0; x < 3; ++x) {
            QCOMPARE(pixel(decoded, x, 0), (Rgb{30, 20, 10}));
            QCOMPARE(pixel(decoded, x, 1), (Rgb{100, 150, 200}));
        }
    }

    void scales16BitPng() {
        QTemporaryDir dir;
        // value / 257 rounded; 128/257 and 32767/257 fall just below .5, 129/257 and 32768/257 just above.
        const std::array<std::uint16_t, 8> values{0, 128, 129, 257, 32767, 32768, 65534, 65535};
        const std::array<int, 8> expected{0, 0, 1, 1, 127, 128, 255, 255};
        cv::Mat bgr16(1, 8, CV_16UC3);
        cv::Mat grey16(1, 8, CV_16UC1);
        for (std::size_t i = 0; i < values.size(); ++i) {
            const int x = static_cast<int>(i);
            bgr16.at<cv::Vec3w>(0, x) = cv::Vec3w(values[i], 0, 65535);  // blue, green, red
            grey16.at<std::uint16_t>(0, x) = values[i];
        }
        const fs::path colour_path = file_in(dir, "rgb16.png");
        const fs::path grey_path = file_in(dir, "grey16.png");
        QVERIFY(cv::imwrite(colour_path.string(), bgr16));
        QVERIFY(cv::imwrite(grey_path.string(), grey16));
        const mue::RgbImage colour = mue::decode_image_file(colour_path);
        const mue::RgbImage grey = mue::decode_image_file(grey_path);
        for (std::size_t i = 0; i < values.size(); ++i) {
            const int x = static_cast<int>(i);
            QCOMPARE(pixel(colour, x, 0), (Rgb{255, 0, expected[i]}));
            QCOMPARE(pixel(grey, x, 0), (Rgb{expected[i], expected[i], expected[i]}));
        }
    }

    void decodesBmpTiffAndPnm() {
        QTemporaryDir dir;
        const mue::RgbImage expected = image_from(9, 6, fine_pattern);
        for (const char* name : {"image.bmp", "image.tiff", "image.ppm"}) {
            const fs::path path = file_in(dir, name);
            QVERIFY(cv::imwrite(path.string(), to_bgr(expected)));
            const mue::RgbImage decoded = mue::decode_image_file(path);
            QCOMPARE(decoded.width, 9);
            QCOMPARE(decoded.height, 6);
            QVERIFY2(decoded.rgb == expected.rgb, name);
        }
    }

    void decodesByContentNotExtension() {
        QTemporaryDir dir;
        const mue::RgbImage expected = image_from(5, 4, fine_pattern);
        const fs::path path = file_in(dir, "actually-a-png.jpg");
        write_file(path, encode(".png", to_bgr(expected)));
        QVERIFY(mue::decode_image_file(path).rgb == expected.rgb);
    }

    void decodesFromMemory() {
        const mue::RgbImage expected = image_from(6, 3, fine_pattern);
        const Bytes png = encode(".png", to_bgr(expected));
        const mue::RgbImage decoded = mue::decode_image_bytes(png.data(), png.size(), "clipboard");
        QCOMPARE(decoded.width, 6);
        QCOMPARE(decoded.height, 3);
        QVERIFY(decoded.rgb == expected.rgb);
    }

    // ---- decoding errors -------------------------------------------------------------------------

    void rejectsMissingFile() {
        QTemporaryDir dir;
        const fs::path path = file_in(dir, "absent.png");
        const std::string message = decode_error(path);
        QVERIFY2(contains(message, path.string()), message.c_str());
        QVERIFY2(contains(message, "no such file"), message.c_str());
    }

    void rejectsDirectory() {
        QTemporaryDir dir;
        const std::string message = decode_error(fs::path(dir.path().toStdString()));
        QVERIFY2(contains(message, "directory"), message.c_str());
    }

    void rejectsEmptyInput() {
        QTemporaryDir dir;
        const fs::path path = file_in(dir, "empty.png");
        write_file(path, {});
        const std::string message = decode_error(path);
        QVERIFY2(contains(message, path.string()) && contains(message, "0 bytes"), message.c_str());

        const Bytes none;
        const std::string memory = error_of([&] { static_cast<void>(mue::decode_image_bytes(none.data(), 0, "paste")); });
        QVERIFY2(contains(memory, "paste: ") && contains(memory, "0 bytes"), memory.c_str());
    }

    void rejectsRandomBytes() {
        QTemporaryDir dir;
        std::mt19937 random(42);
        Bytes noise(4096);
        for (auto& byte : noise) {
            byte = static_cast<std::uint8_t>(random());
        }
        const fs::path path = file_in(dir, "noise.png");
        write_file(path, noise);
        const std::string message = decode_error(path);
        QVERIFY2(contains(message, path.string() + ": not an image in a format MuE reads (PNG, JPEG, BMP, TIFF, WebP, PNM)"),
                 message.c_str());
    }

    void rejectsTruncatedPng() {
        QTemporaryDir dir;
        Bytes png = encode(".png", to_bgr(noise_image(64, 64, 7)));
        png.resize(png.size() / 2);
        const fs::path path = file_in(dir, "truncated.png");
        write_file(path, png);
        const std::string message = decode_error(path);
        QVERIFY2(contains(message, path.string() + ": a damaged or truncated PNG image"), message.c_str());
    }

    // Formats whose OpenCV decoders (GDCM, JPEG 2000, ...) may abort on malformed input never reach
    // them. The first bytes are the input on which the fuzzer found GDCM's assertion.
    void refusesFormatsOutsideTheAllowlist_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("format");
        QTest::newRow("fuzzed DICOM") << QByteArray::fromBase64(
            "iVROvPL15d7e3t7e3t7e3t7e/wPe3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e"
            "3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e3t7e9f///w1JSERSAABESUNNO4I=")
                                      << QStringLiteral("DICOM");
        // A WebP that libwebp would decline falls through to later decoders: the DICOM tag wins.
        QByteArray webp_with_dicom_tag("RIFF\x10\0\0\0WEBPVP8 ", 16);
        webp_with_dicom_tag.append(QByteArray(128 - webp_with_dicom_tag.size(), '\0')).append("DICM");
        QTest::newRow("WebP carrying DICOM's tag") << webp_with_dicom_tag << QStringLiteral("DICOM");
        QTest::newRow("JPEG 2000 codestream") << QByteArray("\xff\x4f\xff\x51\0\x2f", 6) << QStringLiteral("JPEG 2000");
        QTest::newRow("Sun raster") << QByteArray("\x59\xa6\x6a\x95\0\0\0\x04", 8) << QStringLiteral("Sun raster");
        QTest::newRow("PAM") << QByteArray("P7\nWIDTH 1\n") << QStringLiteral("PAM");
        QTest::newRow("GIF") << QByteArray("GIF89a\x01\0\x01\0") << QStringLiteral("GIF");
    }

    void refusesFormatsOutsideTheAllowlist() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, format);
        const std::string message =
            error_of([&] { static_cast<void>(mue::decode_image_bytes(bytes.constData(), static_cast<std::size_t>(bytes.size()), "upload")); });
        const std::string expected = "upload: a " + format.toStdString() +
                                     " file, which MuE does not read (it reads PNG, JPEG, BMP, TIFF, WebP, PNM)";
        QVERIFY2(contains(message, expected), message.c_str());
    }

    void rejectsFloatImages() {
        if (!cv::haveImageWriter(".hdr")) {
            QSKIP("this OpenCV cannot write Radiance HDR");
        }
        const cv::Mat radiance(4, 4, CV_32FC3, cv::Scalar(0.25, 0.5, 2.0));
        const Bytes hdr = encode(".hdr", radiance);
        const std::string message =
            error_of([&] { static_cast<void>(mue::decode_image_bytes(hdr.data(), hdr.size(), "sky.hdr")); });
        QVERIFY2(contains(message, "sky.hdr: floating-point images are not supported"), message.c_str());
    }

    // A decoder would try to allocate 30000 * 30000 * 3 bytes; the header check refuses first.
    void rejectsHugePngHeaderBeforeDecoding() {
        QTemporaryDir dir;
        Bytes png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        Bytes header;
        append_be32(header, kHugeSide);
        append_be32(header, kHugeSide);
        header.insert(header.end(), {8, 2, 0, 0, 0});  // 8-bit RGB, deflate, no filter, no interlace
        append_png_chunk(png, "IHDR", header);
        append_png_chunk(png, "IEND", {});
        const fs::path path = file_in(dir, "huge.png");
        write_file(path, png);
        const std::string message = decode_error(path);
        QVERIFY2(contains(message, path.string() + ": image is 30000 x 30000 pixels, above the limit"),
                 message.c_str());
    }

    void rejectsHugeJpegHeaderBeforeDecoding() {
        const Bytes jpeg{0xFF, 0xD8,                                     // start of image
                         0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00,             // an APP0 segment to skip
                         0xFF, 0xC0, 0x00, 0x11, 0x08, 0x75, 0x30, 0x75, 0x30,  // SOF0: 8-bit, 30000 x 30000
                         0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
                         0xFF, 0xD9};                                    // end of image
        const std::string message =
            error_of([&] { static_cast<void>(mue::decode_image_bytes(jpeg.data(), jpeg.size(), "upload")); });
        QVERIFY2(contains(message, "upload: image is 30000 x 30000 pixels, above the limit"), message.c_str());
    }

    // ---- resizing --------------------------------------------------------------------------------

    void resizeToSameSizeKeepsPixels() {
        const mue::RgbImage image = noise_image(13, 9, 1);
        const mue::RgbImage resized = mue::resize_bicubic_antialiased(image, 13, 9);
        QCOMPARE(resized.width, 13);
        QCOMPARE(resized.height, 9);
        QVERIFY(resized.rgb == image.rgb);
    }

    void resizeKeepsConstantImageConstant() {
        const mue::RgbImage image = image_from(17, 11, [](int, int) { return Rgb{0, 150, 255}; });
        for (const auto& [width, height] : std::vector<std::pair<int, int>>{{5, 3}, {40, 29}, {17, 40}, {3, 11}, {1, 1}}) {
            const mue::RgbImage resized = mue::resize_bicubic_antialiased(image, width, height);
            QCOMPARE(resized.width, width);
            QCOMPARE(resized.height, height);
            const mue::RgbImage expected = image_from(width, height, [](int, int) { return Rgb{0, 150, 255}; });
            QVERIFY(resized.rgb == expected.rgb);
        }
    }

    void resizesOnePixelImages() {
        const mue::RgbImage dot = image_from(1, 1, [](int, int) { return Rgb{9, 99, 199}; });
        const mue::RgbImage grown = mue::resize_bicubic_antialiased(dot, 4, 3);
        QVERIFY(grown.rgb == image_from(4, 3, [](int, int) { return Rgb{9, 99, 199}; }).rgb);

        // A single row grown vertically repeats it; a single column shrunk to one pixel stays in range.
        const mue::RgbImage row = image_from(5, 1, fine_pattern);
        const mue::RgbImage tall = mue::resize_bicubic_antialiased(row, 5, 4);
        QVERIFY(tall.rgb == image_from(5, 4, [](int x, int) { return fine_pattern(x, 0); }).rgb);
        const mue::RgbImage column = image_from(1, 7, fine_pattern);
        QCOMPARE(mue::resize_bicubic_antialiased(column, 1, 1).rgb.size(), std::size_t{3});
    }

    // Halving: both samples get weight 1/2 exactly, and PIL rounds half up.
    void resizeAveragesPairWhenHalving() {
        const mue::RgbImage pair = image_from(2, 1, [](int x, int) { return x == 0 ? Rgb{10, 0, 255} : Rgb{21, 1, 0}; });
        const mue::RgbImage resized = mue::resize_bicubic_antialiased(pair, 1, 1);
        QCOMPARE(pixel(resized, 0, 0), (Rgb{16, 1, 128}));
    }

    // Whole outputs from Pillow 9.4 for fine_pattern, produced by:
    //   from PIL import Image
    //   img = Image.new("RGB", (w, h))
    //   img.putdata([((x * 29 + y * 47) % 256, (x * y * 13 + 71) % 256, ((x ^ y) * 19) % 256)
    //                for y in range(h) for x in range(w)])
    //   print(list(img.resize((out_w, out_h), Image.BICUBIC).tobytes()))
    void resizeMatchesPilOnSmallImages_data() {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("out_width");
        QTest::addColumn<int>("out_height");
        QTest::addColumn<std::vector<int>>("pil");
        QTest::newRow("shrink 11x7 -> 4x3")
            << 11 << 7 << 4 << 3
            << std::vector<int>{62,  79,  18,  148, 111, 69,  172, 133, 122, 72,  119, 175, 171, 114, 51,  122, 150, 66,
                                83,  128, 103, 148, 126, 180, 98,  132, 109, 93,  111, 61,  165, 114, 44,  125, 110, 134};
        QTest::newRow("grow 4x3 -> 7x5")
            << 4 << 3 << 7 << 5
            << std::vector<int>{0,   71,  0,   4,   71,  5,   23,  70,  19,  40,  69,  29,  56,  69,  38,  75,  68,  52,
                                85,  68,  61,  14,  71,  7,   22,  72,  6,   41,  75,  9,   58,  77,  29,  74,  79,  48,
                                93,  82,  51,  103, 83,  52,  45,  70,  21,  55,  74,  11,  74,  83,  0,   91,  91,  29,
                                107, 98,  58,  126, 107, 46,  136, 111, 36,  78,  69,  32,  88,  77,  34,  107, 91,  37,
                                124, 104, 29,  140, 117, 21,  159, 131, 23,  169, 139, 25,  96,  69,  37,  106, 78,  49,
                                125, 96,  62,  142, 111, 29,  158, 127, 0,   177, 145, 8,   187, 154, 20};
        QTest::newRow("shrink x, grow y 9x4 -> 3x6")
            << 9 << 4 << 3 << 6
            << std::vector<int>{28,  70,  20, 113, 68,  76,  203, 65,  132, 50,  77,  21,  140, 92,  76,  196, 112, 134,
                                86,  87,  23, 176, 133, 76,  160, 170, 133, 119, 96,  28,  192, 177, 78,  73,  185, 125,
                                160, 113, 30, 136, 163, 78,  62,  126, 124, 186, 125, 31,  80,  138, 78,  77,  68,  126};
        // Tall and narrow: the horizontally resampled rows are produced as the vertical pass reaches them.
        QTest::newRow("grow x, shrink y 3x200 -> 7x5")
            << 3 << 200 << 7 << 5
            << std::vector<int>{124, 65, 120, 125, 77, 120, 126, 104, 120, 127, 129, 120, 127, 131, 120, 126, 125, 120,
                                127, 124, 120, 129, 66, 126, 129, 76, 126, 128, 102, 126, 127, 127, 126, 128, 132, 126,
                                129, 131, 126, 130, 131, 127, 128, 66, 127, 128, 76, 127, 127, 101, 127, 126, 125, 127,
                                128, 129, 127, 129, 127, 127, 130, 127, 127, 127, 65, 128, 127, 77, 129, 126, 105, 128,
                                125, 131, 129, 126, 133, 128, 128, 128, 128, 129, 127, 128, 126, 66, 129, 127, 76, 129,
                                129, 101, 129, 131, 125, 129, 130, 129, 129, 128, 127, 129, 128, 127, 129};
    }

    void resizeMatchesPilOnSmallImages() {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, out_width);
        QFETCH(int, out_height);
        QFETCH(std::vector<int>, pil);
        const mue::RgbImage resized =
            mue::resize_bicubic_antialiased(image_from(width, height, fine_pattern), out_width, out_height);
        QCOMPARE(resized.rgb.size(), pil.size());
        for (std::size_t i = 0; i < pil.size(); ++i) {
            const std::string where = "sample " + std::to_string(i) + ": ours " + std::to_string(resized.rgb[i]) +
                                      ", PIL " + std::to_string(pil[i]);
            QVERIFY2(resized.rgb[i] == pil[i], where.c_str());
        }
    }

    // Single pixels from Pillow 9.4: a 640x480 -> 64x64 downscale of coarse_pattern
    // (putdata([((x + y // 2) % 256, (x * y // 97) % 256, (x ^ y) % 256) ...])) and a
    // 20x30 -> 64x64 upscale of fine_pattern, read with getpixel((x, y)).
    void resizeMatchesPilOnLargerImages() {
        struct Sample {
            int x, y;
            Rgb pil;
        };
        const mue::RgbImage down = mue::resize_bicubic_antialiased(image_from(640, 480, coarse_pattern), 64, 64);
        for (const Sample& s : std::vector<Sample>{{0, 0, {6, 0, 5}},         {63, 63, {104, 40, 165}},
                                                   {17, 42, {78, 60, 176}},   {40, 5, {169, 169, 186}},
                                                   {25, 0, {116, 9, 152}},    {0, 50, {194, 18, 122}},
                                                   {62, 31, {231, 194, 145}}, {8, 8, {116, 55, 67}}}) {
            QCOMPARE(pixel(down, s.x, s.y), s.pil);
        }
        const mue::RgbImage up = mue::resize_bicubic_antialiased(image_from(20, 30, fine_pattern), 64, 64);
        for (const Sample& s : std::vector<Sample>{{0, 0, {0, 71, 0}},
                                                   {63, 63, {129, 51, 6}},
                                                   {31, 7, {157, 179, 183}},
                                                   {5, 50, {100, 126, 167}}}) {
            QCOMPARE(pixel(up, s.x, s.y), s.pil);
        }
    }

    void resizeRejectsInvalidArguments() {
        const mue::RgbImage image = noise_image(4, 4, 3);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, static_cast<void>(mue::resize_bicubic_antialiased(image, 0, 4)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, static_cast<void>(mue::resize_bicubic_antialiased(image, 4, -1)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 static_cast<void>(mue::resize_bicubic_antialiased(image, 100000, 100000)));
        mue::RgbImage inconsistent = image;
        inconsistent.rgb.pop_back();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 static_cast<void>(mue::resize_bicubic_antialiased(inconsistent, 2, 2)));
    }

    // ---- preprocessing ---------------------------------------------------------------------------

    void preprocessWritesChannelPlanes() {
        const mue::RgbImage image = image_from(2, 2, [](int x, int y) { return Rgb{x + 2 * y, 10 + x + 2 * y, 20 + x + 2 * y}; });
        const mue::ImageNormalization identity{2, {0.0f, 0.0f, 0.0f}, {1.0f, 1.0f, 1.0f}};
        const std::vector<float> chw = mue::preprocess_image(image, identity);
        QCOMPARE(chw.size(), std::size_t{12});
        for (std::size_t c = 0; c < 3; ++c) {
            for (std::size_t i = 0; i < 4; ++i) {  // i = y * 2 + x
                const auto level = static_cast<float>(10 * c + i);
                QCOMPARE(chw[c * 4 + i], level / 255.0f);
            }
        }
    }

    void preprocessNormalises() {
        const mue::RgbImage image = image_from(3, 1, [](int x, int) {
            const std::array<Rgb, 3> levels{Rgb{0, 0, 0}, Rgb{255, 255, 255}, Rgb{51, 102, 204}};
            return levels[static_cast<std::size_t>(x)];
        });
        const mue::RgbImage square = mue::resize_bicubic_antialiased(image, 3, 3);
        QCOMPARE(square.width, 3);

        // OFA: mean 0.5, std 0.5 maps [0, 255] onto [-1, 1].
        const mue::ImageNormalization ofa{3, {0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}};
        const std::vector<float> chw = mue::preprocess_image(square, ofa);
        QCOMPARE(chw.size(), std::size_t{27});
        QCOMPARE(chw[0], -1.0f);          // R of pixel (0, 0)
        QCOMPARE(chw[1], 1.0f);           // R of pixel (1, 0)
        QCOMPARE(chw[2], -0.6f);          // R = 51: (0.2 - 0.5) / 0.5
        QCOMPARE(chw[9 + 2], -0.2f);      // G = 102: (0.4 - 0.5) / 0.5
        QCOMPARE(chw[18 + 2], 0.6f);      // B = 204: (0.8 - 0.5) / 0.5

        // Per-channel statistics (ImageNet's) apply to their own plane.
        const mue::ImageNormalization imagenet{3, {0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
        const std::vector<float> planes = mue::preprocess_image(square, imagenet);
        QCOMPARE(planes[2], (51.0f / 255.0f - 0.485f) / 0.229f);
        QCOMPARE(planes[9 + 2], (102.0f / 255.0f - 0.456f) / 0.224f);
        QCOMPARE(planes[18 + 2], (204.0f / 255.0f - 0.406f) / 0.225f);
    }

    void preprocessResizesToTheSquare() {
        const mue::RgbImage image = image_from(5, 3, [](int, int) { return Rgb{255, 0, 51}; });
        const mue::ImageNormalization ofa{4, {0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}};
        const std::vector<float> chw = mue::preprocess_image(image, ofa);
        QCOMPARE(chw.size(), std::size_t{48});
        for (std::size_t i = 0; i < 16; ++i) {
            QCOMPARE(chw[i], 1.0f);
            QCOMPARE(chw[16 + i], -1.0f);
            QCOMPARE(chw[32 + i], -0.6f);
        }
    }

    void preprocessRejectsInvalidNormalization() {
        const mue::RgbImage image = noise_image(4, 4, 5);
        const auto error_for = [&](const mue::ImageNormalization& norm) {
            return error_of([&] { static_cast<void>(mue::preprocess_image(image, norm)); });
        };
        const mue::ImageNormalization valid{4, {0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}};

        mue::ImageNormalization zero_size = valid;
        zero_size.size = 0;
        QVERIFY(contains(error_for(zero_size), "size must be positive"));

        mue::ImageNormalization huge_size = valid;
        huge_size.size = 100000;
        QVERIFY(contains(error_for(huge_size), "above the limit"));

        mue::ImageNormalization zero_std = valid;
        zero_std.std[1] = 0.0f;
        QVERIFY(contains(error_for(zero_std), "std[1]"));

        mue::ImageNormalization nan_std = valid;
        nan_std.std[2] = std::nanf("");
        QVERIFY(contains(error_for(nan_std), "std[2]"));

        mue::ImageNormalization infinite_mean = valid;
        infinite_mean.mean[0] = std::numeric_limits<float>::infinity();
        QVERIFY(contains(error_for(infinite_mean), "mean[0]"));
    }
};

QTEST_APPLESS_MAIN(TestImage)
#include "tst_image.moc"
