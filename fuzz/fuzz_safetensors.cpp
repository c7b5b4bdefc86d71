// safetensors: the header (JSON, dtypes, shapes, offsets, overlaps) and reading every tensor.
#include "fuzz_support.hpp"

#include <mue/errors.hpp>
#include <mue/safetensors.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = mue::fuzz::scratch() / "model.safetensors";
    mue::fuzz::write_file(path, data, size);
    try {
        const auto file = mue::SafetensorsFile::open(path);
        for (const auto& tensor : file.tensors()) {
            const auto values = file.to_float(tensor);
            static_cast<void>(file.at(tensor.name));
            if (!values.empty()) static_cast<void>(values.front() + values.back());
        }
    } catch (const mue::InputError&) {
    }
    return 0;
}
