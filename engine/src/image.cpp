// Image decoding (OpenCV) and OFA's preprocessing: PIL-compatible antialiased bicubic resize,
// then ToTensor + Normalize. See docs/image-preprocessing.md for the PIL comparison.

#include "mue/image.hpp"

#include "mue/errors.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

namespace mue {
namespace {

constexpr std::size_t kChannels = 3;  // RGB
constexpr const char* kReadableFormats = "PNG, JPEG, BMP, TIFF, WebP, PNM";

// cv::imdecode takes the encoded bytes as an int-sized matrix.
constexpr std::size_t kMaxEncodedBytes = INT_MAX;
constexpr std::size_t kReadChunkBytes = std::size_t{1} << 20;

[[noreturn]] void fail(std::string_view source, const std::string& what) {
    throw InputError(std::string(source) + ": " + what);
}

// ---- byte access ---------------------------------------------------------------------------------

[[nodiscard]] std::uint32_t be16(const std::uint8_t* p) { return (std::uint32_t{p[0]} << 8) | p[1]; }
[[nodiscard]] std::uint32_t be32(const std::uint8_t* p) { return (be16(p) << 16) | be16(p + 2); }
[[nodiscard]] std::uint32_t le16(const std::uint8_t* p) { return (std::uint32_t{p[1]} << 8) | p[0]; }
[[nodiscard]] std::uint32_t le24(const std::uint8_t* p) { return (std::uint32_t{p[2]} << 16) | le16(p); }
[[nodiscard]] std::uint32_t le32(const std::uint8_t* p) { return (le16(p + 2) << 16) | le16(p); }

[[nodiscard]] bool starts_with(const std::uint8_t* data, std::size_t size, std::size_t offset,
                               std::string_view magic) {
    return size >= offset + magic.size() &&
           std::equal(magic.begin(), magic.end(), data + offset,
                      [](char m, std::uint8_t b) { return static_cast<std::uint8_t>(m) == b; });
}

// ---- format allowlist ----------------------------------------------------------------------------

// cv::imdecode hands the bytes to the first of OpenCV's decoders that claims them, including DICOM
// (GDCM), JPEG 2000 and GDAL, whose parsers abort the process on some malformed inputs (the fuzzer
// found a GDCM assertion). Only formats people use for photos and screenshots reach it. OpenCV asks
// its PNG, JPEG, BMP, TIFF and PNM decoders first, with signature checks no stricter than ours; its
// WebP check is stricter, and bytes it declines fall through to the others, so the tags those
// claim beyond the first bytes are refused before anything else.
enum class Readability { readable, floating_point, unsupported };

struct Format {
    std::string_view name;
    Readability readability = Readability::unsupported;
};

[[nodiscard]] bool is_pnm(const std::uint8_t* data, std::size_t size) {
    return size >= 3 && data[0] == 'P' && data[1] >= '1' && data[1] <= '6' && std::isspace(data[2]) != 0;
}

[[nodiscard]] std::optional<Format> sniff_format(const std::uint8_t* data, std::size_t size) {
    constexpr std::size_t kWebpTag = 8;
    constexpr std::size_t kDicomTag = 128;  // after DICOM's 128-byte preamble
    constexpr std::size_t kDtedTag = 140;   // GDAL's test for DTED elevation data
    const auto at = [&](std::size_t offset, std::string_view magic) { return starts_with(data, size, offset, magic); };
    if (at(kDicomTag, "DICM")) return Format{"DICOM", Readability::unsupported};
    if (at(kDtedTag, "DTED")) return Format{"DTED", Readability::unsupported};
    if (at(0, "\x89PNG\r\n\x1a\n")) return Format{"PNG", Readability::readable};
    if (at(0, "\xff\xd8\xff")) return Format{"JPEG", Readability::readable};
    if (at(0, "BM")) return Format{"BMP", Readability::readable};
    if (at(0, std::string_view("II*\0", 4)) || at(0, std::string_view("MM\0*", 4)) ||
        at(0, std::string_view("II+\0", 4)) || at(0, std::string_view("MM\0+", 4))) {
        return Format{"TIFF", Readability::readable};
    }
    if (at(0, "RIFF") && at(kWebpTag, "WEBP")) return Format{"WebP", Readability::readable};
    if (is_pnm(data, size)) return Format{"PNM", Readability::readable};
    if (at(0, "#?RADIANCE") || at(0, "#?RGBE")) return Format{"Radiance HDR", Readability::floating_point};
    if (at(0, "\x76\x2f\x31\x01")) return Format{"OpenEXR", Readability::floating_point};
    if (at(0, "PF") || at(0, "Pf")) return Format{"PFM", Readability::floating_point};
    if (at(0, "GIF8")) return Format{"GIF", Readability::unsupported};
    if (at(0, std::string_view("\0\0\0\x0cjP  ", 8)) || at(0, "\xff\x4f\xff\x51")) {
        return Format{"JPEG 2000", Readability::unsupported};
    }
    if (at(0, "\x59\xa6\x6a\x95")) return Format{"Sun raster", Readability::unsupported};
    if (at(0, "P7")) return Format{"PAM", Readability::unsupported};
    if (at(0, "NITF")) return Format{"NITF", Readability::unsupported};
    return std::nullopt;
}

// Returns the readable format's name, or throws the reason the bytes are refused.
[[nodiscard]] std::string_view readable_format(const std::uint8_t* data, std::size_t size, std::string_view source) {
    const auto format = sniff_format(data, size);
    if (!format) {
        fail(source, std::string("not an image in a format MuE reads (") + kReadableFormats + ")");
    }
    switch (format->readability) {
    case Readability::readable:
        return format->name;
    case Readability::floating_point:
        fail(source, "floating-point images are not supported (this is " + std::string(format->name) +
                         "); convert it to 8- or 16-bit");
    case Readability::unsupported:
        break;
    }
    fail(source, "a " + std::string(format->name) + " file, which MuE does not read (it reads " + kReadableFormats +
                     "); convert it to PNG");
}

// ---- header sniffing: refuse huge images before the decoder allocates them ----------------------

struct Dimensions {
    std::int64_t width = 0;
    std::int64_t height = 0;
};

// PNG: 8-byte signature, then the IHDR chunk (length, "IHDR", big-endian width and height).
[[nodiscard]] std::optional<Dimensions> png_dimensions(const std::uint8_t* data, std::size_t size) {
    constexpr std::size_t kIhdrType = 12;
    constexpr std::size_t kIhdrWidth = 16;
    constexpr std::size_t kIhdrHeight = 20;
    if (!starts_with(data, size, 0, "\x89PNG\r\n\x1a\n") || !starts_with(data, size, kIhdrType, "IHDR") ||
        size < kIhdrHeight + 4) {
        return std::nullopt;
    }
    return Dimensions{be32(data + kIhdrWidth), be32(data + kIhdrHeight)};
}

// JPEG: walk the marker segments up to the first SOFn frame header (precision, height, width).
[[nodiscard]] std::optional<Dimensions> jpeg_dimensions(const std::uint8_t* data, std::size_t size) {
    constexpr std::uint8_t kMarkerPrefix = 0xFF;
    constexpr std::uint8_t kSoi = 0xD8;
    constexpr std::uint8_t kEoi = 0xD9;
    constexpr std::uint8_t kSos = 0xDA;
    constexpr std::uint8_t kTem = 0x01;
    constexpr std::uint8_t kRst0 = 0xD0;
    constexpr std::uint8_t kRst7 = 0xD7;
    constexpr std::uint8_t kSof0 = 0xC0;
    constexpr std::uint8_t kSof15 = 0xCF;
    constexpr std::uint8_t kDht = 0xC4;  // C4, C8 and CC share the SOF range but are not frames
    constexpr std::uint8_t kJpg = 0xC8;
    constexpr std::uint8_t kDac = 0xCC;
    constexpr std::size_t kSofHeight = 3;  // offsets from the segment's length field
    constexpr std::size_t kSofWidth = 5;

    if (size < 4 || data[0] != kMarkerPrefix || data[1] != kSoi) {
        return std::nullopt;
    }
    std::size_t pos = 2;
    while (pos < size && data[pos] == kMarkerPrefix) {
        while (pos < size && data[pos] == kMarkerPrefix) {
            ++pos;  // a marker may be preceded by any number of fill bytes
        }
        if (pos >= size) {
            return std::nullopt;
        }
        const std::uint8_t marker = data[pos++];
        if (marker == kTem || marker == kSoi || (marker >= kRst0 && marker <= kRst7)) {
            continue;  // markers without a segment
        }
        if (marker == kSos || marker == kEoi || pos + 2 > size) {
            return std::nullopt;
        }
        const std::size_t length = be16(data + pos);
        const bool is_frame = marker >= kSof0 && marker <= kSof15 && marker != kDht && marker != kJpg &&
                              marker != kDac;
        if (is_frame) {
            if (pos + kSofWidth + 2 > size) {
                return std::nullopt;
            }
            return Dimensions{be16(data + pos + kSofWidth), be16(data + pos + kSofHeight)};
        }
        if (length < 2) {
            return std::nullopt;
        }
        pos += length;
    }
    return std::nullopt;  // malformed: the decoder will say so
}

// BMP: "BM", then the DIB header; a negative height means top-down rows.
[[nodiscard]] std::optional<Dimensions> bmp_dimensions(const std::uint8_t* data, std::size_t size) {
    constexpr std::size_t kDibSize = 14;
    constexpr std::size_t kDibWidth = 18;
    constexpr std::uint32_t kCoreHeaderSize = 12;  // OS/2 BITMAPCOREHEADER: 16-bit dimensions
    if (!starts_with(data, size, 0, "BM") || size < kDibWidth + 8) {
        return std::nullopt;
    }
    if (le32(data + kDibSize) == kCoreHeaderSize) {
        return Dimensions{le16(data + kDibWidth), le16(data + kDibWidth + 2)};
    }
    const auto width = static_cast<std::int32_t>(le32(data + kDibWidth));
    const auto height = static_cast<std::int32_t>(le32(data + kDibWidth + 4));
    return Dimensions{std::abs(std::int64_t{width}), std::abs(std::int64_t{height})};
}

// WebP: only the extended (VP8X) header can describe a canvas above the limit; it stores width - 1
// and height - 1 in 24 bits each. Simple VP8 / VP8L headers are capped at 16384 x 16384.
[[nodiscard]] std::optional<Dimensions> webp_dimensions(const std::uint8_t* data, std::size_t size) {
    constexpr std::size_t kCanvasWidth = 24;
    constexpr std::size_t kCanvasHeight = 27;
    if (!starts_with(data, size, 0, "RIFF") || !starts_with(data, size, 8, "WEBPVP8X") ||
        size < kCanvasHeight + 3) {
        return std::nullopt;
    }
    return Dimensions{std::int64_t{le24(data + kCanvasWidth)} + 1, std::int64_t{le24(data + kCanvasHeight)} + 1};
}

[[nodiscard]] std::optional<Dimensions> header_dimensions(const std::uint8_t* data, std::size_t size) {
    for (const auto sniff : {png_dimensions, jpeg_dimensions, bmp_dimensions, webp_dimensions}) {
        if (const auto dimensions = sniff(data, size)) {
            return dimensions;
        }
    }
    return std::nullopt;
}

void check_pixel_count(const Dimensions& dimensions, std::string_view source) {
    const bool too_many = dimensions.width > 0 && dimensions.height > kMaxImagePixels / dimensions.width;
    if (too_many) {
        fail(source, "image is " + std::to_string(dimensions.width) + " x " + std::to_string(dimensions.height) +
                         " pixels, above the limit of " + std::to_string(kMaxImagePixels) + " pixels");
    }
}

// ---- decoded matrix -> RgbImage -------------------------------------------------------------------

[[nodiscard]] std::size_t pixel_count(int width, int height) {
    return static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
}

// Row by row through OpenCV's (vectorised) conversions, so a 16-bit image never exists twice in
// full. 16-bit samples become round(value / 257), which maps 0..65535 onto 0..255 exactly at both
// ends; no value lies halfway, so OpenCV's rounding agrees with integer (value + 128) / 257.
[[nodiscard]] RgbImage interleave_rgb(const cv::Mat& decoded) {
    RgbImage image;
    image.width = decoded.cols;
    image.height = decoded.rows;
    image.rgb.resize(pixel_count(decoded.cols, decoded.rows) * kChannels);
    // Grey, or grey + alpha: grey everywhere. Otherwise OpenCV's BGR or BGRA order. Alpha is dropped,
    // not composited, as PIL's convert("RGB") does.
    constexpr std::array<int, 6> kFromGrey{0, 0, 0, 1, 0, 2};
    constexpr std::array<int, 6> kFromBgr{2, 0, 1, 1, 0, 2};
    const auto& pairs = decoded.channels() < static_cast<int>(kChannels) ? kFromGrey : kFromBgr;
    constexpr double kSixteenToEightBits = 1.0 / 257.0;
    cv::Mat eight_bit_row;
    for (int y = 0; y < decoded.rows; ++y) {
        cv::Mat row = decoded.row(y);
        if (decoded.depth() == CV_16U) {
            row.convertTo(eight_bit_row, CV_8U, kSixteenToEightBits);
            row = eight_bit_row;
        }
        cv::Mat out(1, decoded.cols, CV_8UC3, image.rgb.data() + pixel_count(decoded.cols, y) * kChannels);
        cv::mixChannels(&row, /*nsrcs=*/1, &out, /*ndsts=*/1, pairs.data(), pairs.size() / 2);
    }
    return image;
}

[[nodiscard]] RgbImage to_rgb(const cv::Mat& decoded, std::string_view source) {
    switch (decoded.depth()) {
    case CV_8U:
    case CV_16U:
        return interleave_rgb(decoded);
    case CV_32F:
    case CV_64F:
        // Float images have no agreed range ([0, 1]? HDR radiance?); guessing would feed the model
        // silently wrong pixels.
        fail(source, "floating-point images are not supported; convert it to 8- or 16-bit");
    default:
        fail(source, "signed-integer images are not supported; convert it to 8- or 16-bit");
    }
}

[[nodiscard]] std::vector<char> read_file(const std::filesystem::path& path, std::string_view source) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (status.type() == std::filesystem::file_type::not_found) {
        fail(source, "no such file");
    }
    if (error) {
        fail(source, "cannot be accessed (" + error.message() + ")");
    }
    if (std::filesystem::is_directory(status)) {
        fail(source, "is a directory, not an image file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        fail(source, "cannot be opened for reading");
    }
    // Chunked reads also work for pipes and files whose size changes while they are read.
    std::vector<char> bytes;
    while (in) {
        const std::size_t old_size = bytes.size();
        bytes.resize(old_size + kReadChunkBytes);
        in.read(bytes.data() + old_size, static_cast<std::streamsize>(kReadChunkBytes));
        bytes.resize(old_size + static_cast<std::size_t>(in.gcount()));
        if (bytes.size() > kMaxEncodedBytes) {
            fail(source, "file is larger than " + std::to_string(kMaxEncodedBytes) + " bytes, too large to decode");
        }
    }
    if (in.bad()) {
        fail(source, "read error");
    }
    return bytes;
}

// ---- PIL-compatible resampling --------------------------------------------------------------------

// Keys' cubic convolution kernel with a = -0.5 (PIL's BICUBIC), written as PIL evaluates it so that
// the double weights, and therefore the fixed-point ones, are bit-identical.
constexpr double kCubicA = -0.5;
constexpr double kCubicSupport = 2.0;

[[nodiscard]] double cubic_kernel(double x) {
    x = std::fabs(x);
    if (x < 1.0) {
        return ((kCubicA + 2.0) * x - (kCubicA + 3.0)) * x * x + 1.0;
    }
    if (x < 2.0) {
        return (((x - 5.0) * x + 8.0) * x - 4.0) * kCubicA;
    }
    return 0.0;
}

// PIL's 8-bit path uses 22 fractional bits: 8 bits of sample times weights whose absolute sum can
// exceed 1 still fit a 32-bit accumulator. Sums are accumulated in 64 bits here anyway.
constexpr int kPrecisionBits = 32 - 8 - 2;
constexpr double kFixedOne = static_cast<double>(std::int64_t{1} << kPrecisionBits);
constexpr std::int64_t kFixedHalf = std::int64_t{1} << (kPrecisionBits - 1);
constexpr std::int64_t kMaxLevel = 255;

// Rounds half away from zero exactly as PIL's (int)(w * one +- 0.5) does, including its
// double-rounding of the addition.
[[nodiscard]] std::int32_t to_fixed(double weight) {
    const double scaled = weight * kFixedOne;
    return static_cast<std::int32_t>(weight < 0.0 ? scaled - 0.5 : scaled + 0.5);
}

// Accumulators start at kFixedHalf, so the shift rounds to nearest; out-of-range results (the
// kernel's negative lobes overshoot near edges) clamp to 0..255.
[[nodiscard]] std::uint8_t from_fixed(std::int64_t accumulator) {
    if (accumulator <= 0) {
        return 0;
    }
    return static_cast<std::uint8_t>(std::min(accumulator >> kPrecisionBits, kMaxLevel));
}

// Contributions of the input samples to each output sample along one axis.
struct Taps {
    std::vector<int> first;               // first input index per output index
    std::vector<int> count;               // number of input samples per output index
    int stride = 0;                       // largest count; row length of `weights`
    std::vector<std::int32_t> weights;    // fixed-point, normalised to sum to one per output
};

[[nodiscard]] Taps compute_taps(int in_size, int out_size) {
    const double scale = static_cast<double>(in_size) / out_size;
    // When shrinking, the kernel is stretched over `scale` input pixels: that is the antialiasing.
    const double filter_scale = std::max(scale, 1.0);
    const double support = kCubicSupport * filter_scale;
    const double inverse_filter_scale = 1.0 / filter_scale;

    Taps taps;
    taps.first.resize(static_cast<std::size_t>(out_size));
    taps.count.resize(static_cast<std::size_t>(out_size));
    // PIL centres output pixel i at (i + 0.5) * scale in input coordinates.
    const auto center_of = [scale](std::size_t i) { return (static_cast<double>(i) + 0.5) * scale; };
    for (std::size_t i = 0; i < taps.first.size(); ++i) {
        const double center = center_of(i);
        // PIL rounds the window ends by +0.5 and truncation, then clips them to the image.
        const int first = std::max(static_cast<int>(center - support + 0.5), 0);
        const int end = std::min(static_cast<int>(center + support + 0.5), in_size);
        taps.first[i] = first;
        taps.count[i] = end - first;
        taps.stride = std::max(taps.stride, end - first);
    }

    const auto stride = static_cast<std::size_t>(taps.stride);
    taps.weights.assign(taps.first.size() * stride, 0);
    std::vector<double> raw(stride);
    for (std::size_t i = 0; i < taps.first.size(); ++i) {
        const double center = center_of(i);
        const auto count = static_cast<std::size_t>(taps.count[i]);
        double total = 0.0;
        for (std::size_t k = 0; k < count; ++k) {
            const int source = taps.first[i] + static_cast<int>(k);
            raw[k] = cubic_kernel((source - center + 0.5) * inverse_filter_scale);
            total += raw[k];
        }
        for (std::size_t k = 0; k < count; ++k) {
            taps.weights[i * stride + k] = to_fixed(total != 0.0 ? raw[k] / total : raw[k]);
        }
    }
    return taps;
}

// One row through the horizontal taps: `row` holds the input samples, `dst` receives
// taps.first.size() pixels.
void resample_row(const std::uint8_t* row, const Taps& taps, std::uint8_t* dst) {
    const auto stride = static_cast<std::size_t>(taps.stride);
    for (std::size_t x = 0; x < taps.first.size(); ++x, dst += kChannels) {
        const std::uint8_t* src = row + static_cast<std::size_t>(taps.first[x]) * kChannels;
        const std::int32_t* weights = taps.weights.data() + x * stride;
        std::int64_t r = kFixedHalf;
        std::int64_t g = kFixedHalf;
        std::int64_t b = kFixedHalf;
        for (int k = 0; k < taps.count[x]; ++k, src += kChannels) {
            r += std::int64_t{src[0]} * weights[k];
            g += std::int64_t{src[1]} * weights[k];
            b += std::int64_t{src[2]} * weights[k];
        }
        dst[0] = from_fixed(r);
        dst[1] = from_fixed(g);
        dst[2] = from_fixed(b);
    }
}

[[nodiscard]] RgbImage resample_horizontal(const RgbImage& in, int out_width) {
    const Taps taps = compute_taps(in.width, out_width);
    RgbImage out{out_width, in.height, std::vector<std::uint8_t>(pixel_count(out_width, in.height) * kChannels)};
    const std::size_t in_row = static_cast<std::size_t>(in.width) * kChannels;
    const std::size_t out_row = static_cast<std::size_t>(out_width) * kChannels;
    for (std::size_t y = 0; y < static_cast<std::size_t>(in.height); ++y) {
        resample_row(in.rgb.data() + y * in_row, taps, out.rgb.data() + y * out_row);
    }
    return out;
}

// The input rows of the vertical pass when both axes change: each row is resampled horizontally
// when the vertical pass first asks for it and kept in a ring as deep as the widest vertical
// window. PIL keeps the whole horizontal result instead; the sums are the same, but a 1-pixel-wide,
// million-row image resized to 384 x 384 would need 1.1 GB for it.
class HorizontallyResampledRows {
public:
    HorizontallyResampledRows(const RgbImage& in, int out_width, int ring_rows)
        : in_(in),
          taps_(compute_taps(in.width, out_width)),
          in_row_length_(static_cast<std::size_t>(in.width) * kChannels),
          row_length_(static_cast<std::size_t>(out_width) * kChannels),
          ring_rows_(static_cast<std::size_t>(ring_rows)),
          ring_(ring_rows_ * row_length_) {}

    // Rows must be asked for window by window, each window in order, the windows' first and last
    // rows never decreasing: the vertical taps' order.
    [[nodiscard]] const std::uint8_t* row(int y) {
        std::uint8_t* slot = ring_.data() + (static_cast<std::size_t>(y) % ring_rows_) * row_length_;
        if (y >= next_row_) {
            resample_row(in_.rgb.data() + static_cast<std::size_t>(y) * in_row_length_, taps_, slot);
            next_row_ = y + 1;
        }
        return slot;
    }

private:
    const RgbImage& in_;
    Taps taps_;
    std::size_t in_row_length_;
    std::size_t row_length_;
    std::size_t ring_rows_;
    std::vector<std::uint8_t> ring_;
    int next_row_ = 0;
};

// `row_at(y)` gives input row y, `width` pixels long.
template <typename RowSource>
[[nodiscard]] RgbImage resample_vertical(RowSource&& row_at, const Taps& taps, int width) {
    const auto stride = static_cast<std::size_t>(taps.stride);
    const auto out_height = static_cast<int>(taps.first.size());
    RgbImage out{width, out_height, std::vector<std::uint8_t>(pixel_count(width, out_height) * kChannels)};
    const std::size_t row_length = static_cast<std::size_t>(width) * kChannels;
    // Whole rows at a time keep the inner loop over contiguous memory.
    std::vector<std::int64_t> sums(row_length);
    for (std::size_t y = 0; y < static_cast<std::size_t>(out_height); ++y) {
        std::fill(sums.begin(), sums.end(), kFixedHalf);
        const std::int32_t* weights = taps.weights.data() + y * stride;
        for (int k = 0; k < taps.count[y]; ++k) {
            const std::uint8_t* src = row_at(taps.first[y] + k);
            for (std::size_t i = 0; i < row_length; ++i) {
                sums[i] += std::int64_t{src[i]} * weights[k];
            }
        }
        std::uint8_t* dst = out.rgb.data() + y * row_length;
        std::transform(sums.begin(), sums.end(), dst, from_fixed);
    }
    return out;
}

void check_normalization(const ImageNormalization& norm) {
    if (norm.size <= 0) {
        throw InputError("image normalization: size must be positive, got " + std::to_string(norm.size));
    }
    if (std::int64_t{norm.size} * norm.size > kMaxImagePixels) {
        throw InputError("image normalization: size " + std::to_string(norm.size) + " is above the limit of " +
                         std::to_string(kMaxImagePixels) + " pixels per image");
    }
    for (std::size_t c = 0; c < kChannels; ++c) {
        if (!std::isfinite(norm.mean[c])) {
            throw InputError("image normalization: mean[" + std::to_string(c) + "] is not a finite number");
        }
        if (!std::isfinite(norm.std[c]) || norm.std[c] == 0.0f) {
            throw InputError("image normalization: std[" + std::to_string(c) + "] must be finite and non-zero, got " +
                             std::to_string(norm.std[c]));
        }
    }
}

}  // namespace

RgbImage decode_image_bytes(const void* data, std::size_t size, std::string_view source_name) {
    if (size == 0) {
        fail(source_name, "empty (0 bytes), not an image");
    }
    if (data == nullptr) {
        throw std::invalid_argument("decode_image_bytes: null data with a non-zero size");
    }
    if (size > kMaxEncodedBytes) {
        fail(source_name, "more than " + std::to_string(kMaxEncodedBytes) + " bytes, too large to decode");
    }
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    const std::string_view format = readable_format(bytes, size, source_name);
    if (const auto dimensions = header_dimensions(bytes, size)) {
        check_pixel_count(*dimensions, source_name);
    }

    const auto damaged = [format] { return "a damaged or truncated " + std::string(format) + " image"; };
    cv::Mat decoded;
    try {
        // IMREAD_UNCHANGED keeps 16-bit depth and alpha for us to convert, and ignores EXIF
        // orientation, as PIL's Image.open does.
        decoded = cv::imdecode(cv::_InputArray(bytes, static_cast<int>(size)), cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& error) {
        fail(source_name, damaged() + " (" + error.err + ")");
    }
    if (decoded.empty()) {
        fail(source_name, damaged());
    }
    check_pixel_count({decoded.cols, decoded.rows}, source_name);
    return to_rgb(decoded, source_name);
}

RgbImage decode_image_file(const std::filesystem::path& path) {
    const std::string source = path.string();
    const std::vector<char> bytes = read_file(path, source);
    return decode_image_bytes(bytes.data(), bytes.size(), source);
}

RgbImage resize_bicubic_antialiased(const RgbImage& image, int width, int height) {
    if (image.width <= 0 || image.height <= 0 || std::int64_t{image.width} * image.height > kMaxImagePixels ||
        image.rgb.size() != pixel_count(image.width, image.height) * kChannels) {
        throw std::invalid_argument(
            "resize_bicubic_antialiased: the image is empty, above kMaxImagePixels or its size does not match its data");
    }
    if (width <= 0 || height <= 0 || std::int64_t{width} * height > kMaxImagePixels) {
        throw std::invalid_argument("resize_bicubic_antialiased: target size " + std::to_string(width) + " x " +
                                    std::to_string(height) + " is empty or above kMaxImagePixels");
    }
    // Horizontal pass first, each pass rounded to 8 bits, an unchanged axis skipped: PIL's order.
    if (height == image.height) {
        return width != image.width ? resample_horizontal(image, width) : image;
    }
    const Taps vertical = compute_taps(image.height, height);
    if (width == image.width) {
        const std::size_t row_length = static_cast<std::size_t>(image.width) * kChannels;
        const auto input_row = [&image, row_length](int y) {
            return image.rgb.data() + static_cast<std::size_t>(y) * row_length;
        };
        return resample_vertical(input_row, vertical, width);
    }
    HorizontallyResampledRows rows(image, width, /*ring_rows=*/vertical.stride);
    return resample_vertical([&rows](int y) { return rows.row(y); }, vertical, width);
}

std::vector<float> preprocess_image(const RgbImage& image, const ImageNormalization& norm) {
    check_normalization(norm);
    const RgbImage resized = resize_bicubic_antialiased(image, norm.size, norm.size);

    // ToTensor then Normalize, in float32 as torchvision computes them, tabulated per 8-bit level.
    constexpr std::size_t kLevels = 256;
    constexpr float kMaxLevelF = 255.0f;
    std::array<std::array<float, kLevels>, kChannels> table{};
    for (std::size_t c = 0; c < kChannels; ++c) {
        for (std::size_t level = 0; level < kLevels; ++level) {
            table[c][level] = (static_cast<float>(level) / kMaxLevelF - norm.mean[c]) / norm.std[c];
        }
    }

    const std::size_t plane = pixel_count(norm.size, norm.size);
    std::vector<float> chw(plane * kChannels);
    for (std::size_t i = 0; i < plane; ++i) {
        for (std::size_t c = 0; c < kChannels; ++c) {
            chw[c * plane + i] = table[c][resized.rgb[i * kChannels + c]];
        }
    }
    return chw;
}

}  // namespace mue
