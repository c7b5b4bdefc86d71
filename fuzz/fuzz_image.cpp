// Image decoding by content (PNG, JPEG, BMP, TIFF, WebP, ...) and the preprocessing after it.
#include "fuzz_support.hpp"

#include <mue/errors.hpp>
#include <mue/image.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    constexpr int kSide = 32;
    try {
        const auto image = mue::decode_image_bytes(data, size, "fuzz input");
        if (image.width <= 0 || image.height <= 0 ||
            image.rgb.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 3) {
            __builtin_trap();
        }
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
