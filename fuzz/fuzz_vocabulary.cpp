// Tokenizer files in both layouts: the input is split at "\n~~~\n" into Hugging Face's vocab.json
// and merges.txt, or (when it starts with "ofa") into OFA's encoder.json, vocab.bpe and dict.txt.
#include "fuzz_support.hpp"

#include <mue/errors.hpp>
#include <mue/tokenizer.hpp>

#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto folder = mue::fuzz::scratch() / "tokenizer";
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);
    const bool ofa = size >= 3 && data[0] == 'o' && data[1] == 'f' && data[2] == 'a';
    std::string parts[3];
    mue::fuzz::split(data, size, "\n~~~\n", parts);
    const auto write = [&](const char* name, const std::string& text) {
        mue::fuzz::write_file(folder / name, reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    };
    if (ofa) {
        write("encoder.json", parts[0].substr(3));
        write("vocab.bpe", parts[1]);
        write("dict.txt", parts[2]);
    } else {
        write("vocab.json", parts[0]);
        write("merges.txt", parts[1] + parts[2]);
    }
    try {
        const auto tokenizer = mue::Tokenizer::load(folder);
        const auto ids = tokenizer.encode("a photo of two dogs, 3 cats and 東京!");
        static_cast<void>(tokenizer.decode(ids));
        static_cast<void>(tokenizer.encode_source(" what does the image describe?"));
    } catch (const mue::InputError&) {
    }
    return 0;
}
