// The tokenizer on arbitrary text (the embedded model's byte-level BPE vocabulary): encode, the
// OFA clean-up, and decoding arbitrary ids. Encoding valid UTF-8 must round-trip exactly.
#include "fuzz_support.hpp"

#include <mue/errors.hpp>
#include <mue/tokenizer.hpp>

#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const mue::Tokenizer tokenizer = mue::Tokenizer::load(MUE_FUZZ_TOKENIZER_DIR);
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto ids = tokenizer.encode(text);
        if (tokenizer.decode(ids, /*skip_special=*/false) != text) __builtin_trap();
    } catch (const mue::InputError&) {
    }
    try {
        static_cast<void>(tokenizer.encode_source(text));
        static_cast<void>(mue::clean_text(text, /*max_words=*/8));
    } catch (const mue::InputError&) {
    }
    // The same bytes as ids, two bytes each: anything outside the vocabulary must be refused.
    std::vector<int> ids;
    for (std::size_t i = 0; i + 1 < size; i += 2) ids.push_back((data[i] << 8 | data[i + 1]) - 1024);
    try {
        static_cast<void>(tokenizer.decode(ids));
    } catch (const mue::InputError&) {
    }
    return 0;
}
