// How much the exit check costs next to the layer it follows: the similarity test (flattened
// cosine of a stream's state before and after the layer) vs. the layer itself, for the encoder
// streams and one decoder step, on the default model's size and on OFA-Base's size (random
// weights; only the shapes matter for time). Usage: bench_exit_check [--quick]

#include "exits.hpp"
#include "mue/engine.hpp"
#include "ofa_model.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>

namespace {

using mue::detail::OfaModel;

constexpr double kThreshold = 0.9;
int exits = 0;  // consumes the checks' outcomes so that they cannot be optimised away

double median_ms(int repeats, const std::function<void()>& fn) {
    std::vector<double> ms;
    for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        fn();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

mue::ModelConfig ofa_base_shape() {
    auto c = mue::default_random_model_config();
    auto& a = c.arch;
    a.d_model = 768;
    a.ffn_dim = 3072;
    a.attention_heads = 12;
    a.vocab_size = 59457;
    a.text_positions = 1026;
    a.token_bucket_size = 256;
    a.image_bucket_size = 42;
    a.type_vocab_size = 3;
    a.conv_stem.channels = {64, 128, 256, 1024};  // 480 px -> 30 x 30 = 900 tokens, as OFA's ResNet gives
    c.image.size = 480;
    c.max_source_tokens = 64;
    return c;
}

void measure(const char* label, const mue::ModelConfig& config, int repeats) {
    const OfaModel model(config, mue::detail::Weights::random(config, /*seed=*/1));
    const auto image_embed = model.embed_image(torch::randn({1, 3, config.image.size, config.image.size}));
    const auto text_ids = torch::randint(4, 200, {1, 20}, torch::kLong);
    const auto text_embed = model.embed_text(text_ids);
    const auto no_pad = torch::zeros({1, 20}, torch::kBool);

    std::printf("%s (D=%d, %d image tokens, 20 text tokens)\n", label, config.arch.d_model, config.image_tokens());
    std::printf("  %-22s %12s %12s %9s\n", "stage", "layer ms", "check ms", "check %");
    for (const bool image : {true, false}) {
        auto fresh = [&] { return image ? model.image_stream(image_embed) : model.text_stream(text_embed, no_pad); };
        const double layer = median_ms(repeats, [&] {
            auto s = fresh();
            s.step();
        });
        auto s = fresh();
        const auto before = s.hidden();
        s.step();
        const double check = median_ms(repeats * 20, [&] {
            exits += mue::detail::row_cosine(before, s.hidden()).front() > kThreshold;
        });
        std::printf("  %-22s %12.4f %12.4f %8.2f%%\n", image ? "encoder image layer" : "encoder text layer", layer,
                    check, 100.0 * check / layer);
    }
    auto image = model.image_stream(image_embed);
    auto text = model.text_stream(text_embed, no_pad);
    while (!image.finished()) image.step();
    while (!text.finished()) text.step();
    const auto encoder = model.encoder_output(image, text);
    auto run = model.decoder(encoder);
    for (int t = 0; t < 8; ++t) {  // a few cached steps, as mid-caption
        run.begin_step(torch::full({1, 1}, 5 + t, torch::kLong));
        while (!run.step_finished()) run.step_layer();
    }
    // begin_step (embedding and position biases) is timed alone and taken off.
    const double step_start = median_ms(repeats, [&] {
        auto copy = run;
        copy.begin_step(torch::full({1, 1}, 50, torch::kLong));
    });
    const double layer = median_ms(repeats, [&] {
        auto copy = run;
        copy.begin_step(torch::full({1, 1}, 50, torch::kLong));
        copy.step_layer();
    }) - step_start;
    const auto before = run.hidden();
    auto next = run;
    next.begin_step(torch::full({1, 1}, 50, torch::kLong));
    next.step_layer();
    const double check = median_ms(repeats * 20, [&] {
        exits += mue::detail::row_cosine(before, next.hidden()).front() > kThreshold;
    });
    std::printf("  %-22s %12.4f %12.4f %8.2f%%\n", "decoder layer (1 token)", layer, check, 100.0 * check / layer);
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const int repeats = quick ? 3 : 41;
    c10::InferenceMode guard;
    torch::set_num_threads(1);
    std::printf("exit-check overhead, %d repeats per median, 1 intra-op thread\n\n", repeats);
    auto default_shape = mue::default_random_model_config();
    default_shape.arch.vocab_size = 700;  // what write_random_model's vocabulary comes to
    measure("default model", default_shape, repeats);
    if (!quick) {
        std::printf("\n");
        measure("OFA-Base shape", ofa_base_shape(), repeats / 4 + 1);
    }
    std::printf("\n(%d checks fired)\n", exits);
    return 0;
}
