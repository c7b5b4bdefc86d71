#include "mue/dataset.hpp"

#include "mue/errors.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace mue {

namespace {

namespace fs = std::filesystem;

constexpr const char* kTsvName = "data.tsv";
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr std::string_view kFieldPadding = " \t\r\v\f";
constexpr char kFieldSeparator = '\t';
constexpr char kReferenceSeparator = '|';
constexpr char kCommentMark = '#';
constexpr std::size_t kReadChunkBytes = std::size_t{64} << 10;
// User text quoted in a problem is cut to this many bytes so that messages stay readable.
constexpr std::size_t kMaxQuotedBytes = 80;
constexpr std::array<std::string_view, 3> kLabels = {"yes", "no", "maybe"};

// The dataset file and the folder its image paths are relative to.
struct Source {
    fs::path tsv;
    fs::path folder;
};

[[nodiscard]] Source locate(const fs::path& folder_or_tsv) {
    std::error_code error;
    const fs::file_status status = fs::status(folder_or_tsv, error);
    if (status.type() == fs::file_type::not_found) {
        throw InputError(folder_or_tsv.string() + ": no such dataset folder or file");
    }
    if (error) throw InputError(folder_or_tsv.string() + ": cannot be accessed: " + error.message());
    if (!fs::is_directory(status)) return {folder_or_tsv, folder_or_tsv.parent_path()};

    Source source{folder_or_tsv / kTsvName, folder_or_tsv};
    if (fs::status(source.tsv, error).type() == fs::file_type::not_found) {
        throw InputError(source.tsv.string() + ": file not found (a dataset folder needs a " + kTsvName + ")");
    }
    return source;
}

// Splits a stream into lines without ever holding more than kMaxDatasetLineBytes of one line.
class LineReader {
public:
    LineReader(std::istream& in, const fs::path& tsv) : in_(in), tsv_(tsv), buffer_(kReadChunkBytes) {}

    // The next line without its '\n' into `line`; false at the end of the input. A longer line is
    // consumed whole, keeps only its first kMaxDatasetLineBytes and sets `truncated`.
    [[nodiscard]] bool next(std::string& line, bool& truncated) {
        line.clear();
        truncated = false;
        bool started = false;
        while (true) {
            if (position_ == end_ && !refill()) return started;
            started = true;
            const char* begin = buffer_.data() + position_;
            const char* stop = std::find(begin, begin + (end_ - position_), '\n');
            const auto length = static_cast<std::size_t>(stop - begin);
            const std::size_t room = kMaxDatasetLineBytes - line.size();
            line.append(begin, std::min(length, room));
            truncated = truncated || length > room;
            position_ += length;
            if (position_ < end_) {  // stopped at the '\n'
                ++position_;
                return true;
            }
        }
    }

private:
    [[nodiscard]] bool refill() {
        in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
        if (in_.bad()) throw InputError(tsv_.string() + ": read error");
        position_ = 0;
        end_ = static_cast<std::size_t>(in_.gcount());
        total_ += end_;
        // The size was checked when the file was opened; this catches a file that grows meanwhile.
        if (total_ > kMaxDatasetFileBytes) {
            throw InputError(tsv_.string() + ": larger than " + std::to_string(kMaxDatasetFileBytes) + " bytes");
        }
        return end_ > 0;
    }

    std::istream& in_;
    const fs::path& tsv_;
    std::vector<char> buffer_;
    std::size_t position_ = 0;
    std::size_t end_ = 0;
    std::uintmax_t total_ = 0;
};

[[nodiscard]] std::string_view trim(std::string_view text) {
    const std::size_t first = text.find_first_not_of(kFieldPadding);
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(kFieldPadding) - first + 1);
}

[[nodiscard]] std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

[[nodiscard]] std::string ascii_lower(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
    return lower;
}

// Quotes user text for a message, cut at a character boundary when long. The line is valid UTF-8
// by the time anything is quoted.
[[nodiscard]] std::string quote(std::string_view text) {
    if (text.size() <= kMaxQuotedBytes) return "'" + std::string(text) + "'";
    std::size_t cut = kMaxQuotedBytes;
    const auto continuation = [&](std::size_t i) { return (static_cast<unsigned char>(text[i]) & 0xC0U) == 0x80U; };
    while (cut > 0 && continuation(cut)) --cut;
    return "'" + std::string(text.substr(0, cut)) + "...'";
}

// Problems that make a line unreadable whatever its fields: "" when there is none.
[[nodiscard]] std::string check_encoding(std::string_view line, bool truncated) {
    if (truncated) return "line is longer than " + std::to_string(kMaxDatasetLineBytes) + " bytes";
    std::size_t i = 0;
    while (i < line.size()) {
        utf8proc_int32_t codepoint = 0;
        const utf8proc_ssize_t length =
            utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(line.data() + i),
                             static_cast<utf8proc_ssize_t>(line.size() - i), &codepoint);
        if (length <= 0) return "invalid UTF-8 at byte " + std::to_string(i + 1);
        // A NUL would silently cut an image path short at the file system.
        if (codepoint == 0) return "NUL character at byte " + std::to_string(i + 1);
        i += static_cast<std::size_t>(length);
    }
    return {};
}

[[nodiscard]] std::string check_field_count(const std::vector<std::string_view>& fields, std::size_t expected,
                                            const char* layout) {
    if (fields.size() == expected) return {};
    return "expected " + std::to_string(expected) + " tab-separated fields (" + layout + "), found " +
           std::to_string(fields.size());
}

// Checks the image field and resolves it against the folder. `key` is the normalised relative path,
// the same for every spelling of one file.
[[nodiscard]] std::string check_image(std::string_view field, const fs::path& folder, fs::path& image,
                                      std::string& key) {
    if (field.empty()) return "image path is empty";
    const fs::path relative(std::string{field});
    if (relative.has_root_path()) return "image path " + quote(field) + " is absolute; it must be relative to the dataset folder";
    const fs::path normal = relative.lexically_normal();
    if (!normal.empty() && *normal.begin() == "..") return "image path " + quote(field) + " leads outside the dataset folder";

    image = folder / normal;
    std::error_code error;
    const fs::file_status status = fs::status(image, error);
    if (status.type() == fs::file_type::not_found) return "image " + quote(field) + " does not exist";
    if (error) return "image " + quote(field) + " cannot be accessed: " + error.message();
    if (!fs::is_regular_file(status)) return "image " + quote(field) + " is not a file";
    key = normal.generic_string();
    return {};
}

// Reads the lines, hands each data line's fields to `parse` and applies the bad-row policy.
// parse(fields, folder, line, row) returns a problem, or "" for a good row, which it has filled in.
template <typename Dataset, typename Parse>
[[nodiscard]] Dataset load(const fs::path& folder_or_tsv, BadRowPolicy policy, Parse parse) {
    const Source source = locate(folder_or_tsv);
    Dataset dataset;
    dataset.tsv = source.tsv;
    const std::string name = source.tsv.string();

    std::error_code error;
    const fs::file_status status = fs::status(source.tsv, error);
    if (error) throw InputError(name + ": cannot be accessed: " + error.message());
    if (!fs::is_regular_file(status)) throw InputError(name + ": not a regular file");
    const std::uintmax_t size = fs::file_size(source.tsv, error);
    if (error) throw InputError(name + ": cannot be accessed: " + error.message());
    if (size > kMaxDatasetFileBytes) {
        throw InputError(name + ": " + std::to_string(size) + " bytes, more than the limit of " +
                         std::to_string(kMaxDatasetFileBytes));
    }
    std::ifstream in(source.tsv, std::ios::binary);
    if (!in) throw InputError(name + ": cannot be opened for reading");

    LineReader reader(in, source.tsv);
    std::string text;
    bool truncated = false;
    int line = 0;
    while (reader.next(text, truncated)) {
        if (line == kMaxDatasetLines) {
            throw InputError(name + ": more than " + std::to_string(kMaxDatasetLines) + " lines; split the dataset");
        }
        ++line;
        std::string_view view(text);
        if (line == 1 && view.substr(0, kByteOrderMark.size()) == kByteOrderMark) view.remove_prefix(kByteOrderMark.size());
        if (!view.empty() && view.back() == '\r') view.remove_suffix(1);
        if (!view.empty() && view.front() == kCommentMark) continue;
        if (!truncated && trim(view).empty()) continue;

        typename decltype(dataset.rows)::value_type row;
        std::string problem = check_encoding(view, truncated);
        if (problem.empty()) problem = parse(split(view, kFieldSeparator), source.folder, line, row);
        if (problem.empty()) {
            row.line = line;
            dataset.rows.push_back(std::move(row));
        } else if (policy == BadRowPolicy::Reject) {
            throw InputError(name + ": line " + std::to_string(line) + ": " + problem);
        } else {
            dataset.problems.push_back({line, std::move(problem)});
        }
    }
    return dataset;
}

}  // namespace

EntailmentDataset load_entailment_dataset(const fs::path& folder_or_tsv, BadRowPolicy policy) {
    // Key: image path and hypothesis joined by a tab, which neither contains.
    std::unordered_map<std::string, int> first_line;
    return load<EntailmentDataset>(
        folder_or_tsv, policy,
        [&](const std::vector<std::string_view>& fields, const fs::path& folder, int line, EntailmentRow& row) {
            std::string problem = check_field_count(fields, 3, "image, hypothesis, label");
            std::string key;
            if (problem.empty()) problem = check_image(trim(fields[0]), folder, row.image, key);
            if (!problem.empty()) return problem;

            const std::string_view hypothesis = trim(fields[1]);
            if (hypothesis.empty()) return std::string("hypothesis is empty");
            const std::string_view label = trim(fields[2]);
            row.label = ascii_lower(label);
            if (std::find(kLabels.begin(), kLabels.end(), row.label) == kLabels.end()) {
                return "label " + quote(label) + " must be yes, no or maybe";
            }
            row.hypothesis = std::string(hypothesis);
            key += kFieldSeparator + row.hypothesis;
            const auto [found, inserted] = first_line.emplace(std::move(key), line);
            if (!inserted) return "same image and hypothesis as line " + std::to_string(found->second);
            return std::string();
        });
}

CaptionDataset load_caption_dataset(const fs::path& folder_or_tsv, BadRowPolicy policy) {
    std::unordered_map<std::string, int> first_line;  // key: image path
    return load<CaptionDataset>(
        folder_or_tsv, policy,
        [&](const std::vector<std::string_view>& fields, const fs::path& folder, int line, CaptionRow& row) {
            std::string problem = check_field_count(fields, 2, "image, references separated by '|'");
            std::string key;
            if (problem.empty()) problem = check_image(trim(fields[0]), folder, row.image, key);
            if (!problem.empty()) return problem;

            const std::vector<std::string_view> references = split(fields[1], kReferenceSeparator);
            for (std::size_t i = 0; i < references.size(); ++i) {
                const std::string_view reference = trim(references[i]);
                if (reference.empty()) {
                    return references.size() == 1 ? std::string("no reference caption")
                                                  : "reference " + std::to_string(i + 1) + " of " +
                                                        std::to_string(references.size()) + " is empty";
                }
                row.references.emplace_back(reference);
            }
            const auto [found, inserted] = first_line.emplace(std::move(key), line);
            if (!inserted) return "image " + quote(trim(fields[0])) + " is already listed on line " + std::to_string(found->second);
            return std::string();
        });
}

}  // namespace mue
