#pragma once
// GPT-2 byte-level BPE tokenizer reading either vocabulary layout used by OFA-family models:
//  - Hugging Face: vocab.json (token -> id) + merges.txt; ids are the model's ids directly.
//  - OFA / fairseq: encoder.json + vocab.bpe + dict.txt; a GPT-2 id g becomes the model id
//    4 + (line index of the text "g" in dict.txt), after <s>=0 <pad>=1 </s>=2 <unk>=3; then
//    <mask>, <code_0..8191>, <bin_0..999> follow (vocabulary 59457 with OFA's files).
// A Tokenizer is immutable after load() and may be used from any thread.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mue {

struct SpecialTokenIds {
    int bos = 0;
    int pad = 1;
    int eos = 2;
    int unk = 3;
};

enum class VocabularyFormat { HuggingFace, Ofa };

class Tokenizer {
public:
    // Reads the folder: HF files when vocab.json and merges.txt exist, else OFA's three files.
    // Throws InputError naming the file and line/field for anything missing or malformed.
    [[nodiscard]] static Tokenizer load(const std::filesystem::path& folder);

    Tokenizer(Tokenizer&&) noexcept;
    Tokenizer& operator=(Tokenizer&&) noexcept;
    ~Tokenizer();

    [[nodiscard]] VocabularyFormat format() const;
    [[nodiscard]] int vocab_size() const;  // number of ids the tokenizer can produce or decode
    [[nodiscard]] const SpecialTokenIds& special() const;

    // Byte-level BPE of raw UTF-8 text: GPT-2 pre-split (Unicode letter/number categories),
    // no cleanup, no specials. Invalid UTF-8 throws InputError.
    [[nodiscard]] std::vector<int> encode(std::string_view text) const;
    // What OFA feeds its encoder for user text: [bos] + encode(" " + clean_text(text)) + [eos].
    [[nodiscard]] std::vector<int> encode_source(std::string_view text) const;
    // Ids back to UTF-8 text; special tokens (bos/pad/eos/unk and <...> markers) are skipped
    // when skip_special is true. Unknown ids throw InputError. Bytes that do not form valid
    // UTF-8 (a token cut mid-character) become U+FFFD.
    [[nodiscard]] std::string decode(const std::vector<int>& ids, bool skip_special = true) const;
    // One token's own text as decode() would print it (e.g. " yes"); specials as "<s>", "<code_5>".
    [[nodiscard]] std::string token_text(int id) const;
    // Id of one special or BPE token string in its model form, e.g. "<s>" or " yes" (must be a
    // single token); throws InputError otherwise.
    [[nodiscard]] int token_id(std::string_view token) const;

private:
    struct Impl;
    explicit Tokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// OFA's text clean-up for user captions and hypotheses (pre_caption): lowercase (Unicode), strip
// leading ",.!?*#:;~" characters, '-' and '/' to spaces, "<person>" to "person", runs of 2+
// whitespace to one space, strip trailing newlines and surrounding spaces, keep at most max_words
// space-separated words (max_words <= 0: no limit).
[[nodiscard]] std::string clean_text(std::string_view text, int max_words = 0);

// GPT-2's printable stand-in for one byte (e.g. ' ' -> "\u0120"), as vocab.json and merges.txt
// spell tokens; used to write vocabularies.
[[nodiscard]] std::string byte_level_symbol(unsigned char byte);

}  // namespace mue
