#pragma once
// Reader and writer for the safetensors format (https://huggingface.co/docs/safetensors):
// 8-byte little-endian header length N, N bytes of JSON header, then the raw tensor bytes.
// The reader memory-maps the file and validates everything before any tensor is used.
// A SafetensorsFile is immutable after open() and may be read from any thread.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mue {

enum class DType { F32, F16, BF16, I64 };

[[nodiscard]] std::string_view dtype_name(DType dtype);  // "F32", "F16", "BF16", "I64"
[[nodiscard]] std::size_t dtype_size(DType dtype);       // bytes per element

struct TensorInfo {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::size_t offset = 0;  // byte offset inside the data section
    std::size_t nbytes = 0;

    [[nodiscard]] std::int64_t numel() const;
};

class SafetensorsFile {
public:
    // Upper bound on the JSON header; real files with thousands of tensors stay far below it.
    static constexpr std::uint64_t kMaxHeaderBytes = 100u * 1024u * 1024u;

    // Maps and validates the file. Throws InputError naming the file (and the tensor, where one
    // is at fault) for: a missing or unreadable file, a file shorter than 8 bytes, a header
    // length above kMaxHeaderBytes or past the end of the file, JSON that does not parse or is
    // not an object of objects, a dtype other than F32/F16/BF16/I64, a shape that is not a list
    // of non-negative integers, data_offsets that are not [begin, end] with begin <= end inside
    // the data section, a byte size that disagrees with dtype x shape, overlapping tensors.
    // "__metadata__" (string -> string) is accepted and exposed.
    [[nodiscard]] static SafetensorsFile open(const std::filesystem::path& path);

    SafetensorsFile(SafetensorsFile&&) noexcept;
    SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
    ~SafetensorsFile();

    [[nodiscard]] const std::filesystem::path& path() const;
    // Tensors sorted by name.
    [[nodiscard]] const std::vector<TensorInfo>& tensors() const;
    [[nodiscard]] const std::map<std::string, std::string>& metadata() const;
    [[nodiscard]] const TensorInfo* find(std::string_view name) const;  // nullptr when absent
    // Throws InputError "<file>: tensor '<name>' is missing" when absent.
    [[nodiscard]] const TensorInfo& at(std::string_view name) const;
    // Throws InputError naming file, tensor, expected and actual shape when they differ.
    const TensorInfo& expect_shape(std::string_view name, const std::vector<std::int64_t>& shape) const;
    // Pointer to the tensor's first byte inside the mapping (not necessarily aligned).
    [[nodiscard]] const std::byte* data(const TensorInfo& tensor) const;
    // The tensor converted to fp32 (F16 and BF16 widened exactly; I64 converted).
    [[nodiscard]] std::vector<float> to_float(const TensorInfo& tensor) const;

private:
    struct Impl;
    explicit SafetensorsFile(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

struct TensorToWrite {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    const void* data = nullptr;  // numel(shape) * dtype_size(dtype) bytes, little-endian
};

// Writes a safetensors file atomically (temporary file in the same folder, then rename). Data is
// laid out back to back, widest dtype first then by name, as Hugging Face's reader requires; the
// data section starts 8-byte aligned, so every tensor is aligned to its element size. Throws InputError on duplicate or empty names, or when the
// file cannot be written (naming the path).
void write_safetensors(const std::filesystem::path& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace mue
