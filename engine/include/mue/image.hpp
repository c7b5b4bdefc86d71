#pragma once
// Image decoding and model preprocessing (OpenCV inside; plain types outside).
// All functions are pure and thread-safe.

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace mue {

// 8-bit RGB, interleaved, row-major: pixel (x, y) channel c at rgb[(y * width + x) * 3 + c].
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb;
};

struct ImageNormalization {
    int size = 0;                       // square side S the model expects
    std::array<float, 3> mean{};        // per RGB channel, on the [0, 1] scale
    std::array<float, 3> std{};
};

// Largest image accepted, in pixels, checked before the full decode where the format allows.
inline constexpr std::int64_t kMaxImagePixels = 16384LL * 16384LL;

// Decodes PNG, JPEG, BMP, TIFF, WebP, PPM ... by content, not extension. Grey becomes RGB, alpha
// is dropped (like PIL's convert("RGB")), 16-bit is scaled to 8-bit. Throws InputError naming the
// source for a missing file, zero bytes, undecodable data or an image above kMaxImagePixels.
[[nodiscard]] RgbImage decode_image_file(const std::filesystem::path& path);
[[nodiscard]] RgbImage decode_image_bytes(const void* data, std::size_t size, std::string_view source_name);

// Resizes to exactly width x height with PIL's antialiased bicubic filter (Image.BICUBIC, a = -0.5,
// support widened by the scale factor when shrinking), rounding to 8 bits like PIL.
[[nodiscard]] RgbImage resize_bicubic_antialiased(const RgbImage& image, int width, int height);

// Resize to S x S (aspect ratio not kept), scale to [0, 1], normalise: channel-planar (CHW) floats,
// 3 * S * S values.
[[nodiscard]] std::vector<float> preprocess_image(const RgbImage& image, const ImageNormalization& norm);

}  // namespace mue
