#include "mue/safetensors.hpp"

#include "mue/errors.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace mue {

// Tensor bytes are little-endian and are copied straight into host integers and floats.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors I/O assumes a little-endian host");

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr std::size_t kLengthPrefixBytes = 8;
constexpr std::size_t kDataAlignment = 8;
constexpr char kHeaderPadding = ' ';
constexpr const char* kMetadataKey = "__metadata__";

constexpr std::size_t kTempSuffixLength = 6;
constexpr int kTempAttempts = 100;
constexpr std::string_view kTempSuffixChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
// Like open(2)'s usual default, so the umask decides the final file's permissions.
constexpr mode_t kNewFileMode = 0666;

[[noreturn]] void fail(const fs::path& path, const std::string& problem) {
    throw InputError(path.string() + ": " + problem);
}

[[noreturn]] void fail_tensor(const fs::path& path, const std::string& name, const std::string& problem) {
    fail(path, "tensor '" + name + "': " + problem);
}

[[nodiscard]] std::string errno_text(int error) { return std::generic_category().message(error); }

template <typename Int>
[[nodiscard]] std::string format_list(const std::vector<Int>& values) {
    std::string text = "[";
    for (std::size_t i = 0; i < values.size(); ++i) {
        text += (i == 0 ? "" : ", ") + std::to_string(values[i]);
    }
    return text + "]";
}

// Byte size of a tensor, or nullopt for a negative dimension or a product that does not fit:
// a crafted header must not wrap around the size check.
[[nodiscard]] std::optional<std::size_t> checked_nbytes(const std::vector<std::int64_t>& shape, DType dtype) {
    if (std::any_of(shape.begin(), shape.end(), [](std::int64_t dim) { return dim < 0; })) {
        return std::nullopt;
    }
    // Zero elements whatever the other dimensions are, so those cannot overflow.
    if (std::find(shape.begin(), shape.end(), 0) != shape.end()) {
        return 0;
    }
    constexpr auto kMaxElements = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    std::uint64_t elements = 1;
    for (const std::int64_t dim : shape) {
        const auto extent = static_cast<std::uint64_t>(dim);
        if (elements > kMaxElements / extent) {
            return std::nullopt;
        }
        elements *= extent;
    }
    const std::size_t element_size = dtype_size(dtype);
    if (elements > std::numeric_limits<std::size_t>::max() / element_size) {
        return std::nullopt;
    }
    return static_cast<std::size_t>(elements) * element_size;
}

[[nodiscard]] std::optional<DType> parse_dtype(std::string_view name) {
    for (const DType dtype : {DType::F32, DType::F16, DType::BF16, DType::I64}) {
        if (dtype_name(dtype) == name) {
            return dtype;
        }
    }
    return std::nullopt;
}

[[nodiscard]] float half_to_float(std::uint16_t half) {
    constexpr std::uint32_t kHalfExponentMask = 0x1f;
    constexpr std::uint32_t kHalfMantissaMask = 0x3ff;
    constexpr std::uint32_t kHalfImplicitBit = 0x400;
    constexpr std::uint32_t kExponentRebias = 127 - 15;
    constexpr std::uint32_t kFloatMaxExponent = 0xff;
    constexpr int kMantissaShift = 23 - 10;

    const std::uint32_t sign = static_cast<std::uint32_t>(half >> 15) << 31;
    std::uint32_t exponent = (half >> 10) & kHalfExponentMask;
    std::uint32_t mantissa = half & kHalfMantissaMask;
    std::uint32_t bits = 0;
    if (exponent == kHalfExponentMask) {
        // Inf keeps a zero mantissa; NaN keeps its payload, quiet bit included.
        bits = sign | (kFloatMaxExponent << 23) | (mantissa << kMantissaShift);
    } else if (exponent != 0) {
        bits = sign | ((exponent + kExponentRebias) << 23) | (mantissa << kMantissaShift);
    } else if (mantissa == 0) {
        bits = sign;
    } else {
        // Subnormal half: every one is a normal float, so shift the leading 1 into the implicit bit.
        exponent = kExponentRebias + 1;
        while ((mantissa & kHalfImplicitBit) == 0) {
            mantissa <<= 1;
            --exponent;
        }
        bits = sign | (exponent << 23) | ((mantissa & kHalfMantissaMask) << kMantissaShift);
    }
    float value = 0.0F;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

[[nodiscard]] float bfloat16_to_float(std::uint16_t bf16) {
    // bfloat16 is the top half of a float.
    const std::uint32_t bits = static_cast<std::uint32_t>(bf16) << 16;
    float value = 0.0F;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

template <typename Element, typename Convert>
void convert_elements(const std::byte* source, std::vector<float>& out, Convert convert) {
    for (std::size_t i = 0; i < out.size(); ++i) {
        Element element{};
        std::memcpy(&element, source + i * sizeof(Element), sizeof(Element));
        out[i] = convert(element);
    }
}

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() { close(); }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;

    [[nodiscard]] int get() const { return fd_; }
    // Returns 0 or the errno of close(2), which can report a delayed write error.
    int close() {
        if (fd_ < 0) {
            return 0;
        }
        const int result = ::close(std::exchange(fd_, -1));
        return result == 0 ? 0 : errno;
    }

private:
    int fd_;
};

// A read-only private mapping of a whole file, unmapped on destruction.
class Mapping {
public:
    Mapping(int fd, std::size_t size, const fs::path& path) : size_(size) {
        void* address = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (address == MAP_FAILED) {
            fail(path, "cannot map file: " + errno_text(errno));
        }
        address_ = address;
    }
    ~Mapping() { ::munmap(address_, size_); }
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;

    [[nodiscard]] const std::byte* bytes() const { return static_cast<const std::byte*>(address_); }
    [[nodiscard]] std::size_t size() const { return size_; }

private:
    void* address_ = nullptr;
    std::size_t size_;
};

// Finds a repeated key in any object: nlohmann keeps only the last value, which would silently
// hide a duplicated tensor entry or field.
class DuplicateKeyCheck {
public:
    bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
                open_objects_.emplace_back();
                break;
            case json::parse_event_t::object_end:
                open_objects_.pop_back();
                break;
            case json::parse_event_t::key: {
                ObjectKeys& keys = open_objects_.back();
                keys.last = parsed.get<std::string>();
                if (!keys.seen.insert(keys.last).second && description_.empty()) {
                    describe_duplicate();
                }
                break;
            }
            default:
                break;
        }
        return true;
    }
    // "'key'" or "'key' in 'outer.inner'"; empty when every key is unique.
    [[nodiscard]] const std::string& duplicate() const { return description_; }

private:
    struct ObjectKeys {
        std::set<std::string> seen;
        std::string last;
    };

    void describe_duplicate() {
        description_ = "'" + open_objects_.back().last + "'";
        std::string enclosing;
        for (std::size_t i = 0; i + 1 < open_objects_.size(); ++i) {
            enclosing += (i == 0 ? "" : ".") + open_objects_[i].last;
        }
        if (!enclosing.empty()) {
            description_ += " in '" + enclosing + "'";
        }
    }

    std::vector<ObjectKeys> open_objects_;
    std::string description_;
};

struct ParsedHeader {
    std::vector<TensorInfo> tensors;
    std::map<std::string, std::string> metadata;
};

[[nodiscard]] std::map<std::string, std::string> parse_metadata(const fs::path& path, const json& value) {
    if (!value.is_object()) {
        fail(path, std::string(kMetadataKey) + " is not an object");
    }
    std::map<std::string, std::string> metadata;
    for (const auto& [key, text] : value.items()) {
        if (!text.is_string()) {
            fail(path, std::string(kMetadataKey) + " entry '" + key + "' is not a string");
        }
        metadata.emplace(key, text.get<std::string>());
    }
    return metadata;
}

[[nodiscard]] const json& tensor_field(const fs::path& path, const std::string& name, const json& entry,
                                       const char* key) {
    const auto it = entry.find(key);
    if (it == entry.end()) {
        fail_tensor(path, name, std::string("missing \"") + key + "\"");
    }
    return *it;
}

[[nodiscard]] TensorInfo parse_tensor(const fs::path& path, const std::string& name, const json& entry,
                                      std::size_t data_size) {
    if (!entry.is_object()) {
        fail_tensor(path, name, "entry is not an object");
    }
    TensorInfo tensor;
    tensor.name = name;

    const json& dtype = tensor_field(path, name, entry, "dtype");
    const std::optional<DType> parsed_dtype =
        dtype.is_string() ? parse_dtype(dtype.get<std::string>()) : std::nullopt;
    if (!parsed_dtype) {
        fail_tensor(path, name, "unsupported dtype " + dtype.dump() + " (expected F32, F16, BF16 or I64)");
    }
    tensor.dtype = *parsed_dtype;

    // Non-negative integers parse as unsigned; anything else (negative, fractional) is rejected.
    constexpr auto kMaxDimension = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    const json& shape = tensor_field(path, name, entry, "shape");
    const bool shape_ok = shape.is_array() && std::all_of(shape.begin(), shape.end(), [](const json& dim) {
                              return dim.is_number_unsigned() && dim.get<std::uint64_t>() <= kMaxDimension;
                          });
    if (!shape_ok) {
        fail_tensor(path, name, "shape " + shape.dump() + " is not a list of non-negative integers");
    }
    for (const json& dim : shape) {
        tensor.shape.push_back(static_cast<std::int64_t>(dim.get<std::uint64_t>()));
    }
    const std::optional<std::size_t> expected_bytes = checked_nbytes(tensor.shape, tensor.dtype);
    if (!expected_bytes) {
        fail_tensor(path, name, "shape " + format_list(tensor.shape) + " has too many elements");
    }

    const json& offsets = tensor_field(path, name, entry, "data_offsets");
    const bool offsets_ok = offsets.is_array() && offsets.size() == 2 && offsets[0].is_number_unsigned() &&
                            offsets[1].is_number_unsigned();
    if (!offsets_ok) {
        fail_tensor(path, name, "data_offsets " + offsets.dump() + " is not [begin, end] of non-negative integers");
    }
    const auto begin = offsets[0].get<std::uint64_t>();
    const auto end = offsets[1].get<std::uint64_t>();
    const std::string offsets_text = "data_offsets " + format_list(std::vector<std::uint64_t>{begin, end});
    if (begin > end) {
        fail_tensor(path, name, offsets_text + " have begin > end");
    }
    if (end > data_size) {
        fail_tensor(path, name,
                    offsets_text + " run past the end of the data section (" + std::to_string(data_size) + " bytes)");
    }
    if (end - begin != *expected_bytes) {
        fail_tensor(path, name,
                    offsets_text + " do not match " + std::string(dtype_name(tensor.dtype)) + " shape " +
                        format_list(tensor.shape) + " (" + std::to_string(*expected_bytes) + " bytes)");
    }
    tensor.offset = static_cast<std::size_t>(begin);
    tensor.nbytes = *expected_bytes;
    return tensor;
}

void check_no_overlap(const fs::path& path, const std::vector<TensorInfo>& tensors) {
    // Empty tensors occupy no bytes, so they cannot overlap anything.
    std::vector<const TensorInfo*> by_offset;
    for (const TensorInfo& tensor : tensors) {
        if (tensor.nbytes > 0) {
            by_offset.push_back(&tensor);
        }
    }
    std::sort(by_offset.begin(), by_offset.end(),
              [](const TensorInfo* a, const TensorInfo* b) { return a->offset < b->offset; });
    // Sorted by begin, disjoint neighbours imply all ranges are disjoint.
    for (std::size_t i = 1; i < by_offset.size(); ++i) {
        const TensorInfo& previous = *by_offset[i - 1];
        const TensorInfo& current = *by_offset[i];
        if (previous.offset + previous.nbytes > current.offset) {
            const auto range = [](const TensorInfo& t) {
                return format_list(std::vector<std::size_t>{t.offset, t.offset + t.nbytes});
            };
            fail(path, "tensors '" + previous.name + "' " + range(previous) + " and '" + current.name + "' " +
                           range(current) + " overlap");
        }
    }
}

[[nodiscard]] ParsedHeader parse_header(const fs::path& path, std::string_view text, std::size_t data_size) {
    DuplicateKeyCheck duplicates;
    json header;
    try {
        header = json::parse(text.data(), text.data() + text.size(), std::ref(duplicates));
    } catch (const json::exception& error) {  // parse_error, and out_of_range for numbers like 1e999
        fail(path, std::string("header is not valid JSON: ") + error.what());
    }
    if (!duplicates.duplicate().empty()) {
        fail(path, "header has duplicate key " + duplicates.duplicate());
    }
    if (!header.is_object()) {
        fail(path, "header is not a JSON object");
    }

    ParsedHeader parsed;
    for (const auto& [key, value] : header.items()) {
        if (key == kMetadataKey) {
            parsed.metadata = parse_metadata(path, value);
        } else {
            parsed.tensors.push_back(parse_tensor(path, key, value, data_size));
        }
    }
    std::sort(parsed.tensors.begin(), parsed.tensors.end(),
              [](const TensorInfo& a, const TensorInfo& b) { return a.name < b.name; });
    check_no_overlap(path, parsed.tensors);
    return parsed;
}

// "<target>.tmp-XXXXXX" beside the target, removed on destruction unless committed by renaming
// it over the target, so readers never see a partly written file.
class TempFile {
public:
    explicit TempFile(fs::path target) : target_(std::move(target)), fd_(create()) {}
    ~TempFile() {
        if (!committed_) {
            ::unlink(path_.c_str());
        }
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    void write(const void* data, std::size_t size) {
        const auto* bytes = static_cast<const char*>(data);
        while (size > 0) {
            const ssize_t written = ::write(fd_.get(), bytes, size);
            if (written < 0) {
                if (errno == EINTR) {
                    continue;
                }
                fail(target_, "cannot write: " + errno_text(errno));
            }
            bytes += written;
            size -= static_cast<std::size_t>(written);
        }
    }

    void commit() {
        // Flush before the rename so a crash cannot leave a complete name over incomplete data.
        if (::fsync(fd_.get()) != 0) {
            fail(target_, "cannot write: " + errno_text(errno));
        }
        if (const int error = fd_.close(); error != 0) {
            fail(target_, "cannot write: " + errno_text(error));
        }
        std::error_code error;
        fs::rename(path_, target_, error);
        if (error) {
            fail(target_, "cannot replace the file: " + error.message());
        }
        committed_ = true;
    }

private:
    [[nodiscard]] int create() {
        std::random_device seed;
        std::mt19937 random(seed());
        std::uniform_int_distribution<std::size_t> pick(0, kTempSuffixChars.size() - 1);
        for (int attempt = 0; attempt < kTempAttempts; ++attempt) {
            std::string suffix(kTempSuffixLength, ' ');
            for (char& c : suffix) {
                c = kTempSuffixChars[pick(random)];
            }
            path_ = target_;
            path_ += ".tmp-" + suffix;
            const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kNewFileMode);
            if (fd >= 0) {
                return fd;
            }
            if (errno != EEXIST) {
                fail(target_, "cannot create a temporary file: " + errno_text(errno));
            }
        }
        fail(target_, "cannot create a temporary file: every name tried exists");
    }

    // fd_ comes last: create() runs in its initializer and sets path_.
    fs::path target_;
    fs::path path_;
    bool committed_ = false;
    FileDescriptor fd_;
};

}  // namespace

std::string_view dtype_name(DType dtype) {
    switch (dtype) {
        case DType::F32:
            return "F32";
        case DType::F16:
            return "F16";
        case DType::BF16:
            return "BF16";
        case DType::I64:
            return "I64";
    }
    throw std::invalid_argument("invalid DType value");
}

std::size_t dtype_size(DType dtype) {
    switch (dtype) {
        case DType::F32:
            return sizeof(float);
        case DType::F16:
        case DType::BF16:
            return sizeof(std::uint16_t);
        case DType::I64:
            return sizeof(std::int64_t);
    }
    throw std::invalid_argument("invalid DType value");
}

std::int64_t TensorInfo::numel() const {
    return std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
}

struct SafetensorsFile::Impl {
    Impl(fs::path file_path, int fd, std::size_t size) : path(std::move(file_path)), mapping(fd, size, path) {}

    fs::path path;
    Mapping mapping;
    const std::byte* data_section = nullptr;
    std::size_t data_size = 0;
    std::vector<TensorInfo> tensors;  // sorted by name
    std::map<std::string, std::string> metadata;
};

SafetensorsFile::SafetensorsFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SafetensorsFile::SafetensorsFile(SafetensorsFile&&) noexcept = default;
SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&&) noexcept = default;
SafetensorsFile::~SafetensorsFile() = default;

SafetensorsFile SafetensorsFile::open(const fs::path& path) {
    // The descriptor is only needed until the mapping exists.
    const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        fail(path, "cannot open: " + errno_text(errno));
    }
    struct stat status {};
    if (::fstat(fd.get(), &status) != 0) {
        fail(path, "cannot read file status: " + errno_text(errno));
    }
    if (!S_ISREG(status.st_mode)) {
        fail(path, "not a regular file");
    }
    const auto file_size = static_cast<std::uint64_t>(status.st_size);
    if (file_size < kLengthPrefixBytes) {
        fail(path, "file is " + std::to_string(file_size) + " bytes, shorter than the " +
                       std::to_string(kLengthPrefixBytes) + "-byte header length");
    }

    // Never zero-sized here (at least the length prefix), which mmap would reject.
    auto impl = std::make_unique<Impl>(path, fd.get(), static_cast<std::size_t>(file_size));
    const std::byte* bytes = impl->mapping.bytes();
    std::uint64_t header_size = 0;
    for (std::size_t i = 0; i < kLengthPrefixBytes; ++i) {
        header_size |= static_cast<std::uint64_t>(bytes[i]) << (8 * i);
    }
    if (header_size > kMaxHeaderBytes) {
        fail(path, "header length " + std::to_string(header_size) + " exceeds the limit of " +
                       std::to_string(kMaxHeaderBytes) + " bytes");
    }
    if (header_size > file_size - kLengthPrefixBytes) {
        fail(path, "header length " + std::to_string(header_size) + " runs past the end of the file (" +
                       std::to_string(file_size) + " bytes)");
    }

    const std::size_t data_start = kLengthPrefixBytes + static_cast<std::size_t>(header_size);
    impl->data_section = bytes + data_start;
    impl->data_size = impl->mapping.size() - data_start;
    const std::string_view header_text(reinterpret_cast<const char*>(bytes + kLengthPrefixBytes),
                                       static_cast<std::size_t>(header_size));
    ParsedHeader parsed = parse_header(path, header_text, impl->data_size);
    impl->tensors = std::move(parsed.tensors);
    impl->metadata = std::move(parsed.metadata);
    return SafetensorsFile(std::move(impl));
}

const fs::path& SafetensorsFile::path() const { return impl_->path; }

const std::vector<TensorInfo>& SafetensorsFile::tensors() const { return impl_->tensors; }

const std::map<std::string, std::string>& SafetensorsFile::metadata() const { return impl_->metadata; }

const TensorInfo* SafetensorsFile::find(std::string_view name) const {
    const auto& tensors = impl_->tensors;
    const auto it = std::lower_bound(tensors.begin(), tensors.end(), name,
                                     [](const TensorInfo& tensor, std::string_view key) { return tensor.name < key; });
    return it != tensors.end() && it->name == name ? &*it : nullptr;
}

const TensorInfo& SafetensorsFile::at(std::string_view name) const {
    const TensorInfo* tensor = find(name);
    if (tensor == nullptr) {
        fail(impl_->path, "tensor '" + std::string(name) + "' is missing");
    }
    return *tensor;
}

const TensorInfo& SafetensorsFile::expect_shape(std::string_view name, const std::vector<std::int64_t>& shape) const {
    const TensorInfo& tensor = at(name);
    if (tensor.shape != shape) {
        fail_tensor(impl_->path, tensor.name,
                    "shape " + format_list(tensor.shape) + " does not match the expected " + format_list(shape));
    }
    return tensor;
}

const std::byte* SafetensorsFile::data(const TensorInfo& tensor) const {
    // Guards against a TensorInfo taken from another file.
    if (tensor.offset > impl_->data_size || tensor.nbytes > impl_->data_size - tensor.offset) {
        throw std::out_of_range(impl_->path.string() + ": tensor '" + tensor.name + "' is not inside this file");
    }
    return impl_->data_section + tensor.offset;
}

std::vector<float> SafetensorsFile::to_float(const TensorInfo& tensor) const {
    const std::byte* source = data(tensor);
    std::vector<float> out(tensor.nbytes / dtype_size(tensor.dtype));
    if (out.empty()) {
        return out;
    }
    switch (tensor.dtype) {
        case DType::F32:
            std::memcpy(out.data(), source, out.size() * sizeof(float));
            break;
        case DType::F16:
            convert_elements<std::uint16_t>(source, out, half_to_float);
            break;
        case DType::BF16:
            convert_elements<std::uint16_t>(source, out, bfloat16_to_float);
            break;
        case DType::I64:
            convert_elements<std::int64_t>(source, out, [](std::int64_t v) { return static_cast<float>(v); });
            break;
    }
    return out;
}

void write_safetensors(const fs::path& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata) {
    std::vector<const TensorToWrite*> sorted;
    sorted.reserve(tensors.size());
    for (const TensorToWrite& tensor : tensors) {
        sorted.push_back(&tensor);
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const TensorToWrite* a, const TensorToWrite* b) { return a->name < b->name; });
    for (std::size_t i = 1; i < sorted.size(); ++i) {
        if (sorted[i - 1]->name == sorted[i]->name) fail_tensor(path, sorted[i]->name, "name is given twice");
    }
    // Hugging Face's reader wants tensors back to back without gaps; wider elements first keeps
    // every tensor aligned to its own element size all the same.
    std::stable_sort(sorted.begin(), sorted.end(), [](const TensorToWrite* a, const TensorToWrite* b) {
        return dtype_size(a->dtype) > dtype_size(b->dtype);
    });

    json header = json::object();
    std::vector<std::size_t> sizes;
    std::size_t end = 0;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        const TensorToWrite& tensor = *sorted[i];
        if (tensor.name.empty()) {
            fail(path, "a tensor has an empty name");
        }
        if (tensor.name == kMetadataKey) {
            fail(path, std::string("tensor name '") + kMetadataKey + "' is reserved");
        }
        const std::optional<std::size_t> nbytes = checked_nbytes(tensor.shape, tensor.dtype);
        if (!nbytes) {
            fail_tensor(path, tensor.name,
                        "shape " + format_list(tensor.shape) + " has a negative dimension or too many elements");
        }
        if (*nbytes > 0 && tensor.data == nullptr) {
            fail_tensor(path, tensor.name, "data is null");
        }
        const std::size_t offset = end;
        end = offset + *nbytes;
        sizes.push_back(*nbytes);
        header[tensor.name] = {{"dtype", dtype_name(tensor.dtype)},
                               {"shape", tensor.shape},
                               {"data_offsets", json::array({offset, end})}};
    }
    if (!metadata.empty()) {
        header[kMetadataKey] = metadata;
    }

    std::string header_text;
    try {
        header_text = header.dump();
    } catch (const json::type_error& error) {
        fail(path, std::string("tensor names and metadata must be valid UTF-8: ") + error.what());
    }
    // Keeps the data section, and with it every tensor, 8-byte aligned within the file.
    header_text.resize((header_text.size() + kDataAlignment - 1) / kDataAlignment * kDataAlignment, kHeaderPadding);

    std::array<unsigned char, kLengthPrefixBytes> length_prefix{};
    for (std::size_t i = 0; i < kLengthPrefixBytes; ++i) {
        length_prefix[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(header_text.size()) >> (8 * i));
    }

    TempFile file(path);
    file.write(length_prefix.data(), length_prefix.size());
    file.write(header_text.data(), header_text.size());
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        file.write(sorted[i]->data, sizes[i]);
    }
    file.commit();
}

}  // namespace mue
