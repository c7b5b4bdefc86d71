#pragma once
// User datasets for evaluation: a folder holding images and a data.tsv that lists them.
//
// data.tsv is UTF-8 (a leading byte-order mark is allowed), one row per line, fields separated by
// tabs, LF or CRLF line ends; blank lines and lines starting with '#' are ignored. Fields are trimmed
// of surrounding spaces.
//   entailment:  image <TAB> hypothesis <TAB> label        label: yes, no or maybe, any case
//   caption:     image <TAB> reference 1 | reference 2 | ...
// The image is a path relative to the folder; it may not be absolute nor climb out of the folder with
// "..", and the file must exist (it is not decoded here). The checks are on the path's text: a
// symbolic link inside the folder may still point elsewhere. Each (image, hypothesis) pair, or each
// image of a caption dataset, may appear once.
//
// Loading is bounded whatever the file holds: lines over kMaxDatasetLineBytes are bad rows, and a
// file over kMaxDatasetFileBytes or kMaxDatasetLines is rejected as a whole.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mue {

inline constexpr std::size_t kMaxDatasetLineBytes = std::size_t{1} << 20;
inline constexpr int kMaxDatasetLines = 10'000'000;
inline constexpr std::uintmax_t kMaxDatasetFileBytes = std::uintmax_t{4} << 30;

// What to do with a row that breaks a rule: Reject throws InputError "<tsv>: line N: <problem>" for
// the first one; Skip leaves it out and records it in the dataset's problems.
enum class BadRowPolicy { Skip, Reject };

struct DatasetProblem {
    int line = 0;         // 1-based line of data.tsv
    std::string message;  // what is wrong, without file or line
};

struct EntailmentRow {
    std::filesystem::path image;  // the folder joined with the row's path (lexically normalised)
    std::string hypothesis;
    std::string label;            // "yes", "no" or "maybe"
    int line = 0;
};

struct CaptionRow {
    std::filesystem::path image;          // as in EntailmentRow
    std::vector<std::string> references;  // at least one, none empty
    int line = 0;
};

struct EntailmentDataset {
    std::filesystem::path tsv;
    std::vector<EntailmentRow> rows;        // good rows in file order
    std::vector<DatasetProblem> problems;   // skipped rows in file order (Skip policy only)
};

struct CaptionDataset {
    std::filesystem::path tsv;
    std::vector<CaptionRow> rows;
    std::vector<DatasetProblem> problems;
};

// `folder_or_tsv` is the dataset folder (its data.tsv is read) or the TSV file itself (images are
// relative to the TSV's folder). Throws InputError naming the path when it does not exist, cannot be
// read or exceeds the limits above, and for the first bad row under BadRowPolicy::Reject.
[[nodiscard]] EntailmentDataset load_entailment_dataset(const std::filesystem::path& folder_or_tsv,
                                                        BadRowPolicy policy);
[[nodiscard]] CaptionDataset load_caption_dataset(const std::filesystem::path& folder_or_tsv, BadRowPolicy policy);

}  // namespace mue
