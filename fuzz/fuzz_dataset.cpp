// data.tsv of a user data set, both tasks, as the explorer and `mue eval` read it (bad rows
// skipped and reported, or the first one refused).
#include "fuzz_support.hpp"

#include <mue/dataset.hpp>
#include <mue/errors.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto tsv = mue::fuzz::scratch() / "data.tsv";
    mue::fuzz::write_file(tsv, data, size);
    for (const auto policy : {mue::BadRowPolicy::Skip, mue::BadRowPolicy::Reject}) {
        try {
            static_cast<void>(mue::load_entailment_dataset(tsv, policy));
        } catch (const mue::InputError&) {
        }
        try {
            static_cast<void>(mue::load_caption_dataset(tsv, policy));
        } catch (const mue::InputError&) {
        }
    }
    return 0;
}
