#include "mue/tokenizer.hpp"

#include "json_util.hpp"
#include "mue/errors.hpp"

#include <nlohmann/json.hpp>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <queue>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace mue {

namespace {

namespace fs = std::filesystem;

constexpr int kByteCount = 256;
// GPT-2's byte alphabet ends at U+0100 + 67: the 68 non-printable bytes moved past Latin-1.
constexpr char32_t kByteAlphabetEnd = 0x144;
constexpr char32_t kReplacementChar = 0xFFFD;
constexpr std::string_view kMergesVersionPrefix = "#version";

// OFA / fairseq dictionary layout.
constexpr int kOfaFirstDictId = 4;  // after <s> <pad> </s> <unk>
constexpr int kOfaCodeTokens = 8192;
constexpr int kOfaBinTokens = 1000;
// Special token names, in the order of SpecialTokenIds and of OFA's first ids.
constexpr std::array<std::string_view, 4> kSpecialNames = {"<s>", "<pad>", "</s>", "<unk>"};

// Guards the id -> text table against absurd ids in a vocabulary file.
constexpr std::int64_t kMaxTokenId = 1 << 24;

// Characters OFA's pre_caption strips from the start of a caption.
constexpr std::u32string_view kLeadingPunctuation = U",.!?*#:;~";
constexpr std::u32string_view kPersonMarker = U"<person>";
constexpr std::u32string_view kPersonWord = U"person";

[[noreturn]] void fail(const fs::path& path, const std::string& problem) {
    throw InputError(path.string() + ": " + problem);
}

[[noreturn]] void fail_line(const fs::path& path, std::size_t line, const std::string& problem) {
    throw InputError(path.string() + " line " + std::to_string(line) + ": " + problem);
}

[[nodiscard]] std::string read_file(const fs::path& path) {
    std::error_code error;
    if (!fs::is_regular_file(path, error)) {
        fail(path, "file not found or not a regular file");
    }
    std::ifstream in(path, std::ios::binary);
    std::string data(static_cast<std::size_t>(fs::file_size(path, error)), '\0');
    if (error || !in.read(data.data(), static_cast<std::streamsize>(data.size()))) {
        fail(path, "cannot read the file");
    }
    return data;
}

// Calls visit(line_number, line) for each line, 1-based, without the newline or a trailing '\r'.
template <typename Visit>
void for_each_line(std::string_view data, Visit&& visit) {
    std::size_t number = 0;
    while (!data.empty()) {
        const std::size_t end = data.find('\n');
        std::string_view line = data.substr(0, end);
        data.remove_prefix(end == std::string_view::npos ? data.size() : end + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        visit(++number, line);
    }
}

// ---- Unicode helpers (categories and case from utf8proc) ----

[[nodiscard]] utf8proc_category_t category(char32_t c) {
    return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

[[nodiscard]] bool is_letter(char32_t c) {
    const auto cat = category(c);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

[[nodiscard]] bool is_number(char32_t c) {
    const auto cat = category(c);
    return cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO;
}

// \s of Python's `regex` module (Unicode White_Space), which GPT-2's pre-split pattern uses.
[[nodiscard]] bool is_regex_space(char32_t c) {
    const auto cat = category(c);
    return (c >= U'\t' && c <= U'\r') || c == U'\x85' ||
           (cat >= UTF8PROC_CATEGORY_ZS && cat <= UTF8PROC_CATEGORY_ZP);
}

// \s of Python's `re` module (str.isspace()), which OFA's pre_caption uses; unlike White_Space
// it includes U+001C..U+001F, whose bidirectional class is B or S.
[[nodiscard]] bool is_python_space(char32_t c) {
    const auto* property = utf8proc_get_property(static_cast<utf8proc_int32_t>(c));
    return property->category == UTF8PROC_CATEGORY_ZS || property->bidi_class == UTF8PROC_BIDI_CLASS_B ||
           property->bidi_class == UTF8PROC_BIDI_CLASS_S || property->bidi_class == UTF8PROC_BIDI_CLASS_WS;
}

// Decodes UTF-8 to code points; `what` names the text in the error.
[[nodiscard]] std::u32string to_code_points(std::string_view text, const std::string& what) {
    std::u32string out;
    out.reserve(text.size());
    const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    std::size_t i = 0;
    while (i < text.size()) {
        utf8proc_int32_t c = 0;
        const auto length = utf8proc_iterate(bytes + i, static_cast<utf8proc_ssize_t>(text.size() - i), &c);
        if (length < 0) {
            throw InputError(what + " is not valid UTF-8 (byte " + std::to_string(i) + ")");
        }
        out.push_back(static_cast<char32_t>(c));
        i += static_cast<std::size_t>(length);
    }
    return out;
}

void append_utf8(std::string& out, char32_t c) {
    std::array<utf8proc_uint8_t, 4> buffer{};
    const auto length = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buffer.data());
    out.append(reinterpret_cast<const char*>(buffer.data()), static_cast<std::size_t>(length));
}

[[nodiscard]] std::string to_utf8(std::u32string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char32_t c : text) {
        append_utf8(out, c);
    }
    return out;
}

[[nodiscard]] std::size_t utf8_length(char32_t c) {
    constexpr char32_t kOneByteEnd = 0x80;
    constexpr char32_t kTwoBytesEnd = 0x800;
    constexpr char32_t kThreeBytesEnd = 0x10000;
    return c < kOneByteEnd ? 1 : c < kTwoBytesEnd ? 2 : c < kThreeBytesEnd ? 3 : 4;
}

// Bytes to text the way Python's bytes.decode("utf-8", errors="replace") does (as fairseq's GPT-2
// decoder does): each maximal prefix of a well-formed sequence that cannot be completed becomes
// one U+FFFD. utf8proc only reports failure, not how many bytes that prefix spans.
[[nodiscard]] std::string repair_utf8(std::string_view bytes) {
    constexpr unsigned char kContinuationMin = 0x80;
    constexpr unsigned char kContinuationMax = 0xBF;
    std::string out;
    out.reserve(bytes.size());
    std::size_t i = 0;
    while (i < bytes.size()) {
        const auto lead = static_cast<unsigned char>(bytes[i]);
        std::size_t length = 0;
        unsigned char second_min = kContinuationMin;
        unsigned char second_max = kContinuationMax;
        if (lead < 0x80) {
            length = 1;
        } else if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            second_min = lead == 0xE0 ? 0xA0 : kContinuationMin;  // no overlong forms
            second_max = lead == 0xED ? 0x9F : kContinuationMax;  // no surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            second_min = lead == 0xF0 ? 0x90 : kContinuationMin;  // no overlong forms
            second_max = lead == 0xF4 ? 0x8F : kContinuationMax;  // nothing past U+10FFFF
        }
        std::size_t valid = length == 0 ? 0 : 1;
        while (valid < length && i + valid < bytes.size()) {
            const auto next = static_cast<unsigned char>(bytes[i + valid]);
            const bool in_range = valid == 1 ? next >= second_min && next <= second_max
                                             : next >= kContinuationMin && next <= kContinuationMax;
            if (!in_range) {
                break;
            }
            ++valid;
        }
        if (length != 0 && valid == length) {
            out.append(bytes.substr(i, length));
        } else {
            append_utf8(out, kReplacementChar);
        }
        i += std::max<std::size_t>(valid, 1);
    }
    return out;
}

// ---- GPT-2 byte alphabet ----

// GPT-2 writes every byte as a printable code point so BPE tokens are readable strings: printable
// Latin-1 bytes stand for themselves, the others are moved to U+0100 onwards in byte order.
struct ByteAlphabet {
    std::array<char32_t, kByteCount> byte_to_char{};
    std::array<int, kByteAlphabetEnd> char_to_byte{};

    ByteAlphabet() {
        char_to_byte.fill(-1);
        char32_t moved = kByteCount;
        for (int byte = 0; byte < kByteCount; ++byte) {
            const bool printable = (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) || byte >= 0xAE;
            const char32_t c = printable ? static_cast<char32_t>(byte) : moved++;
            byte_to_char[static_cast<std::size_t>(byte)] = c;
            char_to_byte[c] = byte;
        }
    }
};

[[nodiscard]] const ByteAlphabet& byte_alphabet() {
    static const ByteAlphabet alphabet;
    return alphabet;
}

// The raw bytes a token in GPT-2's byte alphabet stands for; nullopt when it is not valid UTF-8
// or has other characters.
[[nodiscard]] std::optional<std::string> alphabet_to_bytes(std::string_view token) {
    const auto& alphabet = byte_alphabet();
    const auto* data = reinterpret_cast<const utf8proc_uint8_t*>(token.data());
    std::string bytes;
    std::size_t i = 0;
    while (i < token.size()) {
        utf8proc_int32_t c = 0;
        const auto length = utf8proc_iterate(data + i, static_cast<utf8proc_ssize_t>(token.size() - i), &c);
        const auto code = static_cast<char32_t>(c);
        if (length < 0 || code >= kByteAlphabetEnd || alphabet.char_to_byte[code] < 0) {
            return std::nullopt;
        }
        bytes.push_back(static_cast<char>(alphabet.char_to_byte[code]));
        i += static_cast<std::size_t>(length);
    }
    return bytes;
}

// ---- GPT-2 pre-split ----

enum class CharClass { Letter, Number, Space, Other };

[[nodiscard]] CharClass classify(char32_t c) {
    if (is_letter(c)) {
        return CharClass::Letter;
    }
    if (is_number(c)) {
        return CharClass::Number;
    }
    return is_regex_space(c) ? CharClass::Space : CharClass::Other;
}

// Length of a contraction ('s 't 're 've 'm 'll 'd, lowercase only) starting at i, or 0.
[[nodiscard]] std::size_t contraction_length(std::u32string_view text, std::size_t i) {
    if (text[i] != U'\'' || i + 1 >= text.size()) {
        return 0;
    }
    const char32_t first = text[i + 1];
    if (first == U's' || first == U't' || first == U'm' || first == U'd') {
        return 2;
    }
    if (i + 2 >= text.size()) {
        return 0;
    }
    const char32_t second = text[i + 2];
    const bool pair = (first == U'r' && second == U'e') || (first == U'v' && second == U'e') ||
                      (first == U'l' && second == U'l');
    return pair ? 3 : 0;
}

// Code-point lengths of the words GPT-2's pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// finds in text, trying the alternatives in order at each position as Python's regex module does.
[[nodiscard]] std::vector<std::size_t> pre_split(std::u32string_view text) {
    std::vector<CharClass> classes(text.size());
    std::transform(text.begin(), text.end(), classes.begin(), classify);
    std::vector<std::size_t> words;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t end = i + contraction_length(text, i);
        if (end == i) {
            std::size_t run = i;
            // " ?X+": one plain space may lead a run of letters, numbers or other symbols.
            if (text[run] == U' ' && run + 1 < text.size() && classes[run + 1] != CharClass::Space) {
                ++run;
            }
            const CharClass run_class = classes[run];
            end = run;
            while (end < text.size() && classes[end] == run_class) {
                ++end;
            }
            // "\s+(?!\S)": a whitespace run before a word gives up its last character, which then
            // leads the word (a plain space) or stands alone ("\s+").
            if (run_class == CharClass::Space && end < text.size() && end - i > 1) {
                --end;
            }
        }
        words.push_back(end - i);
        i = end;
    }
    return words;
}

// ---- BPE ----

struct Merge {
    int rank = 0;
    int result = 0;  // symbol id of the merged pair
};

[[nodiscard]] std::uint64_t pair_key(int left, int right) {
    constexpr int kHalfBits = 32;
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << kHalfBits) |
           static_cast<std::uint32_t>(right);
}

struct TokenEntry {
    std::string text;  // raw bytes for BPE tokens, the name for specials
    bool special = false;
    bool defined = false;
};

// Everything a loaded tokenizer knows; immutable after loading.
struct Vocabulary {
    VocabularyFormat format = VocabularyFormat::HuggingFace;
    SpecialTokenIds special;
    // BPE symbols are ints: ids below 256 are single bytes, the rest are merge results.
    std::unordered_map<std::uint64_t, Merge> merges;
    std::vector<int> symbol_to_id;  // model id of each symbol (unk when the vocabulary lacks it)
    std::vector<TokenEntry> tokens;  // indexed by model id
    std::unordered_map<std::string, int> special_ids;  // "<s>", "<code_5>", ...
    std::unordered_map<std::string, int> bpe_ids;      // raw token bytes -> model id

    [[nodiscard]] std::vector<int> bpe(std::string_view word) const;
    [[nodiscard]] const TokenEntry& entry(int id) const;
};

std::vector<int> Vocabulary::bpe(std::string_view word) const {
    // Merges the lowest-ranked adjacent pair everywhere (left to right, as GPT-2's loop does) until
    // no ranked pair is left, with a heap of candidate pairs over a linked list of symbols so long
    // words stay O(n log n). Heap entries go stale when a neighbour changes and are then skipped.
    constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
    constexpr int kRemoved = -1;
    const std::size_t size = word.size();
    std::vector<int> symbol(size);
    std::vector<std::size_t> prev(size);
    std::vector<std::size_t> next(size);
    for (std::size_t i = 0; i < size; ++i) {
        symbol[i] = static_cast<unsigned char>(word[i]);
        prev[i] = i == 0 ? kNone : i - 1;
        next[i] = i + 1 < size ? i + 1 : kNone;
    }
    struct Candidate {
        int rank;
        std::size_t left;
        int left_symbol;
        int right_symbol;
        int result;
    };
    const auto later = [](const Candidate& a, const Candidate& b) {
        return a.rank != b.rank ? a.rank > b.rank : a.left > b.left;
    };
    std::priority_queue<Candidate, std::vector<Candidate>, decltype(later)> heap(later);
    const auto push = [&](std::size_t left) {
        if (left == kNone || next[left] == kNone) {
            return;
        }
        const int a = symbol[left];
        const int b = symbol[next[left]];
        const auto found = merges.find(pair_key(a, b));
        if (found != merges.end()) {
            heap.push({found->second.rank, left, a, b, found->second.result});
        }
    };
    for (std::size_t i = 0; i + 1 < size; ++i) {
        push(i);
    }
    std::vector<std::size_t> merged;
    while (!heap.empty()) {
        const int rank = heap.top().rank;
        merged.clear();
        while (!heap.empty() && heap.top().rank == rank) {
            const Candidate c = heap.top();
            heap.pop();
            const std::size_t right = next[c.left];
            if (symbol[c.left] != c.left_symbol || right == kNone || symbol[right] != c.right_symbol) {
                continue;
            }
            symbol[c.left] = c.result;
            symbol[right] = kRemoved;
            next[c.left] = next[right];
            if (next[c.left] != kNone) {
                prev[next[c.left]] = c.left;
            }
            merged.push_back(c.left);
        }
        // New pairs wait until this rank is done everywhere, as in GPT-2's one pass per rank.
        for (const std::size_t m : merged) {
            push(prev[m]);
            push(m);
        }
    }
    std::vector<int> ids;
    for (std::size_t i = 0; i != kNone; i = next[i]) {
        ids.push_back(symbol_to_id[static_cast<std::size_t>(symbol[i])]);
    }
    return ids;
}

const TokenEntry& Vocabulary::entry(int id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= tokens.size() || !tokens[static_cast<std::size_t>(id)].defined) {
        throw InputError("token id " + std::to_string(id) + " is not in the vocabulary (size " +
                         std::to_string(tokens.size()) + ")");
    }
    return tokens[static_cast<std::size_t>(id)];
}

// Load-time state: merges.txt / vocab.bpe interns BPE symbols by their raw bytes; vocabulary
// entries then become BPE tokens when BPE can produce them, special tokens otherwise.
class VocabularyBuilder {
public:
    explicit VocabularyBuilder(VocabularyFormat format) {
        vocab_.format = format;
        for (int byte = 0; byte < kByteCount; ++byte) {
            symbols_.emplace(std::string(1, static_cast<char>(byte)), byte);
        }
        produced_.assign(kByteCount, true);
    }

    void read_merges(const fs::path& path) {
        const std::string data = read_file(path);
        const auto lines = static_cast<std::size_t>(std::count(data.begin(), data.end(), '\n')) + 1;
        symbols_.reserve(kByteCount + lines);
        vocab_.merges.reserve(lines);
        int rank = 0;
        for_each_line(data, [&](std::size_t number, std::string_view line) {
            if ((number == 1 && line.substr(0, kMergesVersionPrefix.size()) == kMergesVersionPrefix) || line.empty()) {
                return;
            }
            const std::size_t space = line.find(' ');
            if (space == 0 || space == std::string_view::npos || space + 1 == line.size() ||
                line.find(' ', space + 1) != std::string_view::npos) {
                fail_line(path, number, "expected two tokens separated by one space");
            }
            const auto left = merge_part(path, number, line.substr(0, space));
            const auto right = merge_part(path, number, line.substr(space + 1));
            const int result = intern(left.second + right.second);
            produced_[static_cast<std::size_t>(result)] = true;
            // A pair listed twice keeps its last rank, as GPT-2's dict(zip(merges, ranks)) does.
            vocab_.merges[pair_key(left.first, right.first)] = Merge{rank++, result};
        });
    }

    void resize(std::size_t vocab_size) {
        vocab_.tokens.resize(vocab_size);
        vocab_.bpe_ids.reserve(vocab_size);
    }

    // Registers a vocabulary entry; `reserved` forces a special token. Returns false when the
    // token string is already registered.
    [[nodiscard]] bool add(const std::string& token, int id, bool reserved) {
        auto& entry = vocab_.tokens[static_cast<std::size_t>(id)];
        const auto bytes = reserved ? std::nullopt : alphabet_to_bytes(token);
        const auto symbol = bytes ? symbols_.find(*bytes) : symbols_.end();
        if (symbol != symbols_.end() && produced_[static_cast<std::size_t>(symbol->second)]) {
            if (!vocab_.bpe_ids.emplace(*bytes, id).second) {
                return false;
            }
            symbol_ids_.emplace_back(symbol->second, id);
            entry = TokenEntry{*bytes, false, true};
        } else {
            if (!vocab_.special_ids.emplace(token, id).second) {
                return false;
            }
            entry = TokenEntry{token, true, true};
        }
        return true;
    }

    [[nodiscard]] std::optional<int> special_id(const std::string& name) const {
        const auto found = vocab_.special_ids.find(name);
        return found == vocab_.special_ids.end() ? std::nullopt : std::optional<int>(found->second);
    }

    [[nodiscard]] Vocabulary finish(const SpecialTokenIds& special) {
        vocab_.special = special;
        vocab_.symbol_to_id.assign(produced_.size(), special.unk);
        for (const auto& [symbol, id] : symbol_ids_) {
            vocab_.symbol_to_id[static_cast<std::size_t>(symbol)] = id;
        }
        return std::move(vocab_);
    }

private:
    [[nodiscard]] int intern(const std::string& bytes) {
        const auto [it, added] = symbols_.emplace(bytes, static_cast<int>(produced_.size()));
        if (added) {
            produced_.push_back(false);
        }
        return it->second;
    }

    [[nodiscard]] std::pair<int, std::string> merge_part(const fs::path& path, std::size_t number,
                                                         std::string_view part) {
        auto bytes = alphabet_to_bytes(part);
        if (!bytes) {
            (void)to_code_points(part, path.string() + " line " + std::to_string(number));  // names bad UTF-8
            fail_line(path, number, "'" + std::string(part) + "' has characters outside GPT-2's byte alphabet");
        }
        const int id = intern(*bytes);
        return {id, std::move(*bytes)};
    }

    Vocabulary vocab_;
    std::unordered_map<std::string, int> symbols_;  // raw bytes -> symbol id
    std::vector<bool> produced_;                     // symbol id -> a byte or some merge's result
    std::vector<std::pair<int, int>> symbol_ids_;    // (symbol, model id) of BPE vocabulary entries
};

// A JSON object of token string -> non-negative integer id, as vocab.json and encoder.json are.
[[nodiscard]] std::vector<std::pair<std::string, int>> read_token_ids(const fs::path& path) {
    const nlohmann::json document = detail::parse_json(read_file(path), path.string());
    if (!document.is_object()) {
        fail(path, "expected a JSON object of token -> id");
    }
    std::vector<std::pair<std::string, int>> entries;
    entries.reserve(document.size());
    for (const auto& [token, value] : document.items()) {
        if (!value.is_number_integer() || value.get<std::int64_t>() < 0 || value.get<std::int64_t>() >= kMaxTokenId) {
            fail(path, "token '" + token + "': id must be an integer in [0, " + std::to_string(kMaxTokenId) + ")");
        }
        entries.emplace_back(token, value.get<int>());
    }
    return entries;
}

[[nodiscard]] Vocabulary load_hugging_face(const fs::path& vocab_path, const fs::path& merges_path) {
    VocabularyBuilder builder(VocabularyFormat::HuggingFace);
    builder.read_merges(merges_path);
    const auto entries = read_token_ids(vocab_path);
    int max_id = -1;
    for (const auto& entry : entries) {
        max_id = std::max(max_id, entry.second);
    }
    builder.resize(static_cast<std::size_t>(max_id + 1));
    std::vector<bool> used(static_cast<std::size_t>(max_id + 1), false);
    for (const auto& [token, id] : entries) {
        if (used[static_cast<std::size_t>(id)]) {
            fail(vocab_path, "id " + std::to_string(id) + " is used twice (again by '" + token + "')");
        }
        used[static_cast<std::size_t>(id)] = true;
        const bool reserved = std::find(kSpecialNames.begin(), kSpecialNames.end(), token) !=
                              kSpecialNames.end();
        // JSON object keys are distinct, and so are the bytes they stand for: add() cannot refuse.
        (void)builder.add(token, id, reserved);
    }
    const auto required = [&](std::string_view name) {
        const auto id = builder.special_id(std::string(name));
        if (!id) {
            fail(vocab_path, "no entry for the special token \"" + std::string(name) + "\"");
        }
        return *id;
    };
    const SpecialTokenIds special{required(kSpecialNames[0]), required(kSpecialNames[1]),
                                  required(kSpecialNames[2]), required(kSpecialNames[3])};
    return builder.finish(special);
}

[[nodiscard]] Vocabulary load_ofa(const fs::path& encoder_path, const fs::path& bpe_path,
                                  const fs::path& dict_path) {
    VocabularyBuilder builder(VocabularyFormat::Ofa);
    builder.read_merges(bpe_path);

    auto encoder = read_token_ids(encoder_path);
    std::unordered_map<int, std::string> gpt2_tokens;
    gpt2_tokens.reserve(encoder.size());
    for (auto& [token, id] : encoder) {
        const auto [it, added] = gpt2_tokens.try_emplace(id, std::move(token));
        if (!added) {
            // try_emplace left `token` untouched since the id was taken.
            fail(encoder_path,
                 "id " + std::to_string(id) + " is used by both '" + it->second + "' and '" + token + "'");
        }
    }

    // dict.txt: one "<word> <count>" line per model id from 4; a numeric word is a GPT-2 id.
    std::vector<std::string_view> words;
    const std::string dict = read_file(dict_path);
    for_each_line(dict, [&](std::size_t number, std::string_view line) {
        const std::size_t space = line.find(' ');
        const std::string_view count = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
        std::uint64_t count_value = 0;
        const auto parsed = std::from_chars(count.data(), count.data() + count.size(), count_value);
        if (space == 0 || count.empty() || parsed.ec != std::errc() || parsed.ptr != count.data() + count.size()) {
            fail_line(dict_path, number, "expected '<id> <count>'");
        }
        words.push_back(line.substr(0, space));
    });

    const std::size_t mask_id = kOfaFirstDictId + words.size();
    const std::size_t first_code_id = mask_id + 1;
    const std::size_t first_bin_id = first_code_id + kOfaCodeTokens;
    builder.resize(first_bin_id + kOfaBinTokens);

    const auto add_special = [&](const std::string& name, std::size_t id) {
        if (!builder.add(name, static_cast<int>(id), true)) {
            fail(dict_path, "'" + name + "' appears twice or clashes with a special token");
        }
    };
    for (std::size_t i = 0; i < kSpecialNames.size(); ++i) {
        add_special(std::string(kSpecialNames[i]), i);
    }
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string_view word = words[i];
        const std::size_t line = i + 1;
        const std::size_t id = kOfaFirstDictId + i;
        int gpt2_id = -1;
        const auto parsed = std::from_chars(word.data(), word.data() + word.size(), gpt2_id);
        if (parsed.ec != std::errc() || parsed.ptr != word.data() + word.size() || gpt2_id < 0) {
            add_special(std::string(word), id);  // fairseq's madeupword fillers and the like
            continue;
        }
        const auto token = gpt2_tokens.find(gpt2_id);
        if (token == gpt2_tokens.end()) {
            fail_line(dict_path, line, "GPT-2 id " + std::string(word) + " is not in " + encoder_path.string());
        }
        if (!builder.add(token->second, static_cast<int>(id), false)) {
            fail_line(dict_path, line, "GPT-2 id " + std::string(word) + " appears twice");
        }
    }
    // OFA appends these to fairseq's dictionary after loading dict.txt.
    add_special("<mask>", mask_id);
    for (int i = 0; i < kOfaCodeTokens; ++i) {
        add_special("<code_" + std::to_string(i) + ">", first_code_id + static_cast<std::size_t>(i));
    }
    for (int i = 0; i < kOfaBinTokens; ++i) {
        add_special("<bin_" + std::to_string(i) + ">", first_bin_id + static_cast<std::size_t>(i));
    }
    return builder.finish(SpecialTokenIds{});
}

}  // namespace

struct Tokenizer::Impl : Vocabulary {
    explicit Impl(Vocabulary vocabulary) : Vocabulary(std::move(vocabulary)) {}
};

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::load(const fs::path& folder) {
    std::error_code error;
    if (!fs::is_directory(folder, error)) {
        throw InputError("tokenizer folder " + folder.string() + " does not exist");
    }
    const fs::path vocab = folder / "vocab.json";
    const fs::path merges = folder / "merges.txt";
    if (fs::exists(vocab, error) && fs::exists(merges, error)) {
        return Tokenizer(std::make_unique<Impl>(load_hugging_face(vocab, merges)));
    }
    const fs::path encoder = folder / "encoder.json";
    const fs::path bpe = folder / "vocab.bpe";
    const fs::path dict = folder / "dict.txt";
    for (const auto& path : {encoder, bpe, dict}) {
        if (!fs::exists(path, error)) {
            fail(path, "file not found (a tokenizer folder holds vocab.json + merges.txt, or encoder.json + "
                       "vocab.bpe + dict.txt)");
        }
    }
    return Tokenizer(std::make_unique<Impl>(load_ofa(encoder, bpe, dict)));
}

VocabularyFormat Tokenizer::format() const { return impl_->format; }

int Tokenizer::vocab_size() const { return static_cast<int>(impl_->tokens.size()); }

const SpecialTokenIds& Tokenizer::special() const { return impl_->special; }

std::vector<int> Tokenizer::encode(std::string_view text) const {
    const std::u32string chars = to_code_points(text, "text to encode");
    std::vector<int> ids;
    std::size_t byte = 0;
    std::size_t start = 0;
    for (const std::size_t length : pre_split(chars)) {
        std::size_t bytes = 0;
        for (std::size_t i = start; i < start + length; ++i) {
            bytes += utf8_length(chars[i]);
        }
        const auto word_ids = impl_->bpe(text.substr(byte, bytes));
        ids.insert(ids.end(), word_ids.begin(), word_ids.end());
        byte += bytes;
        start += length;
    }
    return ids;
}

std::vector<int> Tokenizer::encode_source(std::string_view text) const {
    std::vector<int> ids{impl_->special.bos};
    const auto body = encode(" " + clean_text(text));
    ids.insert(ids.end(), body.begin(), body.end());
    ids.push_back(impl_->special.eos);
    return ids;
}

std::string Tokenizer::decode(const std::vector<int>& ids, bool skip_special) const {
    std::string bytes;
    for (const int id : ids) {
        const TokenEntry& entry = impl_->entry(id);
        if (!(entry.special && skip_special)) {
            bytes += entry.text;
        }
    }
    return repair_utf8(bytes);
}

std::string Tokenizer::token_text(int id) const { return repair_utf8(impl_->entry(id).text); }

int Tokenizer::token_id(std::string_view token) const {
    const std::string key(token);
    if (const auto found = impl_->special_ids.find(key); found != impl_->special_ids.end()) {
        return found->second;
    }
    if (const auto found = impl_->bpe_ids.find(key); found != impl_->bpe_ids.end()) {
        return found->second;
    }
    throw InputError("'" + key + "' is not a single token of the vocabulary");
}

std::string clean_text(std::string_view text, int max_words) {
    std::u32string chars = to_code_points(text, "text to clean");
    // Python's str.lower(), one code point at a time.
    for (char32_t& c : chars) {
        c = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
    }
    chars.erase(0, chars.find_first_not_of(kLeadingPunctuation));
    std::replace(chars.begin(), chars.end(), U'-', U' ');
    std::replace(chars.begin(), chars.end(), U'/', U' ');
    for (std::size_t at = chars.find(kPersonMarker); at != std::u32string::npos;
         at = chars.find(kPersonMarker, at + kPersonWord.size())) {
        chars.replace(at, kPersonMarker.size(), kPersonWord);
    }

    // re.sub(r"\s{2,}", " ", ...)
    std::u32string collapsed;
    collapsed.reserve(chars.size());
    for (std::size_t i = 0; i < chars.size();) {
        std::size_t end = i;
        while (end < chars.size() && is_python_space(chars[end])) {
            ++end;
        }
        if (end - i >= 2) {
            collapsed.push_back(U' ');
            i = end;
        } else {
            collapsed.push_back(chars[i++]);
        }
    }

    std::u32string_view result = collapsed;
    while (!result.empty() && result.back() == U'\n') {
        result.remove_suffix(1);
    }
    const std::size_t first = result.find_first_not_of(U' ');
    result = first == std::u32string_view::npos ? std::u32string_view() : result.substr(first);
    result = result.substr(0, result.find_last_not_of(U' ') + 1);

    if (max_words > 0) {
        std::size_t cut = 0;
        for (int word = 0; word < max_words && cut != std::u32string_view::npos; ++word) {
            cut = result.find(U' ', word == 0 ? 0 : cut + 1);
        }
        result = result.substr(0, cut);
    }
    return to_utf8(result);
}

std::string byte_level_symbol(unsigned char byte) {
    std::string out;
    append_utf8(out, byte_alphabet().byte_to_char[byte]);
    return out;
}

}  // namespace mue
