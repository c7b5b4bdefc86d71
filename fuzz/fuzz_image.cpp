// Image decoding by content (PNG, JPEG, BMP, TIFF, WebP, PNM; other formats refused by their
// signature) and the preprocessing after it.
#include "fuzz_support.hpp"

#include <mue/errors.hpp>
#include <mue/image.hpp>

#include <algorithm>
#include <cstdint>

namespace {

constexpr int kSide = 32;
// Resampling costs about (rows x wider of input and output widths) plus the same with the axes
// swapped. A legitimate 16384 x 16384 image (or a 1-pixel-wide, million-row one) takes one or two
// seconds in a release build and over 30 s under the sanitizers and coverage, which libFuzzer
// reports as a hang. Decoding is still fuzzed at every size; resampling itself is fuzzed below
// this bound and checked against PIL at every aspect ratio by tst_image.
constexpr std::int64_t kMaxResampleWork = std::int64_t{1} << 22;

[[nodiscard]] std::int64_t resample_work(const mue::RgbImage& image) {
    return std::int64_t{image.height} * std::max(image.width, kSide) +
           std::int64_t{image.width} * std::max(image.height, kSide);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto image = mue::decode_image_bytes(data, size, "fuzz input");
        if (image.width <= 0 || image.height <= 0 ||
            image.rgb.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 3) {
            __builtin_trap();
        }
        if (resample_work(image) > kMaxResampleWork) return 0;
        mue::ImageNormalization norm;
        norm.size = kSide;
        norm.mean = {0.5F, 0.5F, 0.5F};
        norm.std = {0.5F, 0.5F, 0.5F};
        const auto pixels = mue::preprocess_image(image, norm);
        if (pixels.size() != static_cast<std::size_t>(3 * kSide * kSide)) __builtin_trap();
    } catch (const mue::InputError&) {
    }
    return 0;
}
