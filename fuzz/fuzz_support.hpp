#pragma once
// Shared by the fuzz targets: a scratch folder for readers that take paths, and the rule every
// target enforces: bad input may only end in mue::InputError. Any other exception escapes the
// target, and libFuzzer reports it as a crash with the input that caused it.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace mue::fuzz {

// One folder per process under $TMPDIR, removed at exit.
class ScratchFolder {
public:
    ScratchFolder() {
        std::string pattern = (std::filesystem::temp_directory_path() / "mue-fuzz-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a scratch folder");
        path_ = pattern;
    }
    ~ScratchFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

inline const std::filesystem::path& scratch() {
    static const ScratchFolder folder;
    return folder.path();
}

inline void write_file(const std::filesystem::path& path, const std::uint8_t* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

// Splits `data` at the byte sequence `separator` into up to `parts` pieces (the last takes the rest).
template <std::size_t N>
void split(const std::uint8_t* data, std::size_t size, const std::string& separator, std::string (&parts)[N]) {
    const std::string all(reinterpret_cast<const char*>(data), size);
    std::size_t start = 0;
    for (std::size_t i = 0; i < N; ++i) {
        const std::size_t end = i + 1 < N ? all.find(separator, start) : std::string::npos;
        parts[i] = all.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (end == std::string::npos) {
            start = all.size();
        } else {
            start = end + separator.size();
        }
    }
}

}  // namespace mue::fuzz
