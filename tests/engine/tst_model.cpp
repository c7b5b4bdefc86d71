// The OFA model's internals against independent reference computations: attention with all its
// biases, KV-cached decoding, beam search, the decomposed vs joint encoder, the decomposed
// streams run together vs alone, and the few-rows matrix kernel.

#include "decoding.hpp"
#include "exits.hpp"
#include "mue/engine.hpp"
#include "ofa_model.hpp"
#include "one_query_attention.hpp"
#include "packed_gemm.hpp"
#include "row_kernels.hpp"

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

using mue::detail::OfaModel;
using mue::detail::Weights;

namespace {

constexpr int kSeed = 11;

mue::ModelConfig tiny_config() {
    mue::ModelConfig c = mue::default_random_model_config();
    auto& a = c.arch;
    a.d_model = 16;
    a.ffn_dim = 24;
    a.attention_heads = 2;
    a.encoder_layers = 2;
    a.decoder_layers = 3;
    a.vocab_size = 50;
    a.text_positions = 40;
    a.token_bucket_size = 8;  // small, so that texts of 12 tokens reach the log-spaced buckets
    a.image_bucket_size = 4;
    a.conv_stem.channels = {8, 16};
    c.image.size = 16;
    c.max_source_tokens = 30;
    return c;
}

// Random weights with non-trivial norms, per-head scales and biases, so that every term matters.
// A trainable model (its token embeddings require gradients) runs every layer as LibTorch tensor
// operations: nothing is packed for inference.
OfaModel tiny_model(const mue::ModelConfig& config = tiny_config(), bool trainable = false) {
    Weights w = Weights::random(config, kSeed);
    torch::manual_seed(kSeed + 1);
    for (const auto& [name, tensor] : w.all()) {  // in-place ops on shared tensor handles
        if (name.find(".bias") != std::string::npos || name.find("c_attn") != std::string::npos) {
            tensor.add_(torch::randn(tensor.sizes()) * 0.1);
        }
        if (name.find("rel_pos_table") != std::string::npos) tensor.mul_(20.0);
    }
    if (trainable) w.get("encoder.embed_tokens.weight").set_requires_grad(true);
    return OfaModel(config, std::move(w));
}

torch::Tensor tokens_of(std::vector<std::int64_t> ids) { return torch::tensor(ids, torch::kLong).unsqueeze(0); }

double max_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

torch::Tensor layer_norm(const torch::Tensor& x, const Weights& w, const std::string& prefix) {
    return torch::layer_norm(x, {x.size(-1)}, w.get(prefix + ".weight"), w.get(prefix + ".bias"), 1e-5);
}

torch::Tensor linear(const torch::Tensor& x, const Weights& w, const std::string& prefix) {
    return torch::linear(x, w.get(prefix + ".weight"), w.get(prefix + ".bias"));
}

// OFA's text-stream encoder layer 1 written out element by element from the architecture notes,
// independently of OfaModel's batched implementation.
torch::Tensor reference_text_layer(const mue::ModelConfig& c, const Weights& w, const std::vector<std::int64_t>& ids) {
    const auto& a = c.arch;
    const int n = static_cast<int>(ids.size());
    const int heads = a.attention_heads;
    const int hd = a.head_dim();
    const double s = 1.0 / std::sqrt(2.0 * hd);
    auto x = w.get("encoder.embed_tokens.weight").index_select(0, torch::tensor(ids)) + w.get("encoder.type_embedding.weight")[0];
    x = layer_norm(x, w, "encoder.layernorm_embedding");
    const auto pos = layer_norm(w.get("encoder.embed_positions.weight").narrow(0, 0, n), w, "encoder.pos_ln");
    const auto pq = linear(pos, w, "encoder.pos_q_linear") * s;
    const auto pk = linear(pos, w, "encoder.pos_k_linear");
    const auto table = w.get("encoder.token_rel_pos_table_list.0.weight");
    const std::string p = "encoder.layers.0";
    const auto h = layer_norm(x, w, p + ".self_attn_layer_norm");
    const auto q = linear(h, w, p + ".self_attn.q_proj") * s;
    const auto k = linear(h, w, p + ".self_attn.k_proj");
    const auto v = linear(h, w, p + ".self_attn.v_proj");
    const auto c_attn = w.get(p + ".self_attn.c_attn");
    const int mid = a.token_bucket_size / 2;
    auto attn_out = torch::zeros({n, a.d_model});
    for (int head = 0; head < heads; ++head) {
        for (int i = 0; i < n; ++i) {
            std::vector<double> logit(static_cast<std::size_t>(n));
            double top = -1e30;
            for (int j = 0; j < n; ++j) {
                double dot = 0, pos_dot = 0;
                for (int d = 0; d < hd; ++d) {
                    dot += q[i][head * hd + d].item<double>() * k[j][head * hd + d].item<double>();
                    pos_dot += pq[i][head * hd + d].item<double>() * pk[j][head * hd + d].item<double>();
                }
                const int rel = i - j;
                int bucket = rel;
                if (std::abs(rel) > mid) {
                    const double max_pos = a.text_positions - 2;
                    const int lp = static_cast<int>(std::ceil(std::log(std::abs(rel) / double(mid)) /
                                                              std::log((max_pos - 1) / mid) * (mid - 1))) + mid;
                    bucket = rel > 0 ? lp : -lp;
                }
                logit[static_cast<std::size_t>(j)] = dot + pos_dot + table[bucket + a.token_bucket_size - 1][head].item<double>();
                top = std::max(top, logit[static_cast<std::size_t>(j)]);
            }
            double sum = 0;
            for (auto& l : logit) sum += (l = std::exp(l - top));
            for (int d = 0; d < hd; ++d) {
                double acc = 0;
                for (int j = 0; j < n; ++j) acc += logit[static_cast<std::size_t>(j)] / sum * v[j][head * hd + d].item<double>();
                attn_out[i][head * hd + d] = acc * c_attn[head].item<double>();
            }
        }
    }
    x = x + layer_norm(linear(attn_out, w, p + ".self_attn.out_proj"), w, p + ".attn_ln");
    auto f = torch::gelu(linear(layer_norm(x, w, p + ".final_layer_norm"), w, p + ".fc1"));
    return x + linear(layer_norm(f, w, p + ".ffn_layernorm"), w, p + ".fc2");
}

}  // namespace

class TestModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void tokenBucketsFollowOfa() {
        // OFA sizes: 256 buckets, 1024 positions. Near offsets map to themselves (+255).
        const auto idx = mue::detail::token_rel_index(torch::tensor({0L, 1L, -1L, 127L, -128L, 128L, 200L, -200L, 1023L}),
                                                      /*bucket_size=*/256, /*text_positions=*/1026);
        QCOMPARE(idx[0].item<std::int64_t>(), 255);
        QCOMPARE(idx[1].item<std::int64_t>(), 256);
        QCOMPARE(idx[2].item<std::int64_t>(), 254);
        QCOMPARE(idx[3].item<std::int64_t>(), 382);
        QCOMPARE(idx[4].item<std::int64_t>(), 127);
        QCOMPARE(idx[5].item<std::int64_t>(), 383);
        // 200: ceil(ln(200/128) / ln(1023/128) * 127) + 128 = ceil(27.27) + 128 = 156 -> 411.
        QCOMPARE(idx[6].item<std::int64_t>(), 411);
        QCOMPARE(idx[7].item<std::int64_t>(), 255 - 156);
        QCOMPARE(idx[8].item<std::int64_t>(), 510);  // the farthest offset takes the last row
    }

    void imageBucketsFollowOfa() {
        // 3x3 grid in OFA's 42-wide bucket grid: cell (r, c) vs (r', c') -> (dr + 41) * 83 + (dc + 41).
        const auto idx = mue::detail::image_rel_index(/*grid=*/3, /*bucket_size=*/42);
        QCOMPARE(idx.size(0), 9);
        QCOMPARE(idx[0][0].item<std::int64_t>(), 41 * 83 + 41);
        QCOMPARE(idx[8][0].item<std::int64_t>(), (2 + 41) * 83 + (2 + 41));  // (2,2) vs (0,0)
        QCOMPARE(idx[1][3].item<std::int64_t>(), (-1 + 41) * 83 + (1 + 41));  // (0,1) vs (1,0)
    }

    void encoderLayerMatchesReference() {
        const auto config = tiny_config();
        const OfaModel model = tiny_model(config);
        // 12 tokens: offsets up to 11 > bucket mid 4, so the log-spaced buckets are exercised too.
        const std::vector<std::int64_t> ids{0, 5, 9, 13, 17, 21, 25, 29, 33, 37, 41, 2};
        auto text = model.text_stream(model.embed_text(tokens_of(ids)), torch::zeros({1, 12}, torch::kBool));
        text.step();
        const auto expected = reference_text_layer(config, model.weights(), ids);
        QVERIFY2(max_diff(text.hidden()[0], expected) < 1e-5, qPrintable(QString::number(max_diff(text.hidden()[0], expected))));
    }

    void paddingDoesNotChangeRealTokens() {
        const OfaModel model = tiny_model();
        const auto ids = tokens_of({0, 7, 8, 9, 2});
        auto alone = model.text_stream(model.embed_text(ids), torch::zeros({1, 5}, torch::kBool));
        const auto padded_ids = torch::cat({ids, torch::ones({1, 3}, torch::kLong)}, 1);
        auto padding = torch::zeros({1, 8}, torch::kBool);
        padding.narrow(1, 5, 3).fill_(true);
        auto padded = model.text_stream(model.embed_text(padded_ids), padding);
        alone.step();
        alone.step();
        padded.step();
        padded.step();
        QVERIFY(max_diff(alone.hidden(), padded.hidden().narrow(1, 0, 5)) < 1e-5);
        QCOMPARE(padded.hidden().narrow(1, 5, 3).abs().max().item<float>(), 0.0F);
    }

    void decomposedMatchesJointForOneModality() {
        const OfaModel model = tiny_model();
        const auto pixels = torch::randn({2, 3, 16, 16});
        const auto image_embed = model.embed_image(pixels);
        const auto text_ids = torch::tensor({0L, 11L, 12L, 13L, 2L, 0L, 14L, 15L, 16L, 2L}, torch::kLong).view({2, 5});
        const auto text_embed = model.embed_text(text_ids);
        const auto no_pad = torch::zeros({2, 5}, torch::kBool);

        auto image_only = model.image_stream(image_embed);
        auto joint_image = model.joint_stream(image_embed, {}, {});
        auto text_only = model.text_stream(text_embed, no_pad);
        auto joint_text = model.joint_stream({}, text_embed, no_pad);
        auto image = model.image_stream(image_embed);
        auto text = model.text_stream(text_embed, no_pad);
        auto joint = model.joint_stream(image_embed, text_embed, no_pad);
        // Before any layer the two modes hold the same embeddings.
        QCOMPARE(max_diff(joint.hidden(), torch::cat({image.hidden(), text.hidden()}, 1)), 0.0);
        for (int l = 0; l < 2; ++l) {
            for (auto* s : {&image_only, &joint_image, &text_only, &joint_text, &image, &text, &joint}) s->step();
        }
        QVERIFY(max_diff(image_only.hidden(), joint_image.hidden()) < 1e-5);
        QVERIFY(max_diff(text_only.hidden(), joint_text.hidden()) < 1e-5);
        // With both modalities present, joint attention mixes them; the decomposed streams do not.
        QVERIFY(max_diff(joint.hidden().narrow(1, 0, 16), image.hidden()) > 1e-3);
        QVERIFY(max_diff(joint.hidden().narrow(1, 16, 5), text.hidden()) > 1e-3);
    }

    // The image and text streams run a layer together on their concatenated tokens
    // (EncoderStream::step_together); each must come out as if it had run alone, padding and
    // exited rows included.
    void streamsSteppedTogetherMatchSteppedAlone() {
        const OfaModel model = tiny_model();
        const auto image_embed = model.embed_image(torch::randn({2, 3, 16, 16}));
        const auto text_embed = model.embed_text(torch::tensor({0L, 11L, 12L, 13L, 2L, 0L, 14L, 2L, 1L, 1L}).view({2, 5}));
        auto padding = torch::zeros({2, 5}, torch::kBool);
        padding[1].narrow(0, 3, 2).fill_(true);
        auto image = model.image_stream(image_embed);
        auto text = model.text_stream(text_embed, padding);
        auto image_alone = model.image_stream(image_embed);
        auto text_alone = model.text_stream(text_embed, padding);
        // Layer 1 runs every row; in layer 2 the image's row 0 and the text's row 1 have exited.
        const std::vector<std::vector<torch::Tensor>> active{
            {torch::Tensor(), torch::Tensor()}, {torch::tensor({false, true}), torch::tensor({true, false})}};
        for (const auto& masks : active) {
            mue::detail::EncoderStream::step_together({&image, &text}, masks);
            image_alone.step(masks[0]);
            text_alone.step(masks[1]);
            QVERIFY(image.hidden().is_contiguous() && text.hidden().is_contiguous());
            const double image_diff = max_diff(image.hidden(), image_alone.hidden());
            const double text_diff = max_diff(text.hidden(), text_alone.hidden());
            QVERIFY2(image_diff < 1e-5, qPrintable(QString::number(image_diff)));
            QVERIFY2(text_diff < 1e-5, qPrintable(QString::number(text_diff)));
        }
        QCOMPARE(image.layers_done(), 2);
        QCOMPARE(text.layers_done(), 2);
        QCOMPARE(text.hidden()[1].narrow(0, 3, 2).abs().max().item<float>(), 0.0F);
        auto deeper = model.image_stream(image_embed);
        deeper.step();
        QVERIFY_THROWS_EXCEPTION(std::logic_error,
                                 (mue::detail::EncoderStream::step_together({&deeper, &text_alone}, {{}, {}})));
    }

    // run_encoder_streams runs the streams' layers together while both run and the text stream on
    // alone after the image stream exits: exits, similarities and FLOPs as for separate runs.
    void encoderStreamsRunTogetherAsAlone() {
        const OfaModel model = tiny_model();
        const auto image_embed = model.embed_image(torch::randn({1, 3, 16, 16}));
        const auto text_embed = model.embed_text(tokens_of({0, 11, 12, 13, 2}));
        const auto no_pad = torch::zeros({1, 5}, torch::kBool);
        const mue::detail::StreamExitRule image_rule{std::nullopt, /*fixed_layers=*/1};
        const mue::detail::StreamExitRule text_rule{};
        for (const bool what_if : {false, true}) {
            auto image = model.image_stream(image_embed);
            auto text = model.text_stream(text_embed, no_pad);
            mue::detail::RunContext context(nullptr);
            const auto together = mue::detail::run_encoder_streams(
                {{&image, image_rule, "encoder.image"}, {&text, text_rule, "encoder.text"}}, what_if, context);
            auto image_alone = model.image_stream(image_embed);
            auto text_alone = model.text_stream(text_embed, no_pad);
            mue::detail::RunContext alone_context(nullptr);
            const auto image_traces =
                mue::detail::run_encoder_streams({{&image_alone, image_rule, "encoder.image"}}, what_if, alone_context);
            const auto text_traces =
                mue::detail::run_encoder_streams({{&text_alone, text_rule, "encoder.text"}}, what_if, alone_context);
            QCOMPARE(image.layers_done(), what_if ? 2 : 1);
            QCOMPARE(text.layers_done(), 2);
            QVERIFY(max_diff(image.hidden(), image_alone.hidden()) < 1e-5);
            QVERIFY(max_diff(text.hidden(), text_alone.hidden()) < 1e-5);
            const auto same_trace = [](const mue::StreamTrace& fused, const mue::StreamTrace& alone) {
                QCOMPARE(fused.exit_layer, alone.exit_layer);
                QCOMPARE(fused.exited, alone.exited);
                QCOMPARE(fused.tokens, alone.tokens);
                QCOMPARE(fused.similarity.size(), alone.similarity.size());
                QCOMPARE(fused.token_similarity.size(), alone.token_similarity.size());
                for (std::size_t l = 0; l < fused.similarity.size(); ++l) {
                    QVERIFY(std::abs(fused.similarity[l] - alone.similarity[l]) < 1e-5F);
                    QCOMPARE(fused.token_similarity[l].size(), alone.token_similarity[l].size());
                }
            };
            same_trace(together[0][0], image_traces[0][0]);
            same_trace(together[1][0], text_traces[0][0]);
            // The same layers are timed per stream, with the same FLOPs.
            QCOMPARE(context.timings().size(), alone_context.timings().size());
            for (const auto& t : context.timings()) {
                const auto& alone_timings = alone_context.timings();
                const auto match = std::find_if(alone_timings.begin(), alone_timings.end(), [&](const mue::LayerTiming& a) {
                    return a.stage == t.stage && a.layer == t.layer;
                });
                QVERIFY(match != alone_timings.end());
                QCOMPARE(t.flops, match->flops);
                QVERIFY(t.ms >= 0);
            }
        }
    }

    // OFA's --entangle-position-embedding, written out from the architecture notes: the raw
    // position rows join the tokens before their embedding norms.
    void entangledPositionsJoinTheTokens() {
        auto config = tiny_config();
        config.arch.entangle_position_embedding = true;
        const OfaModel model = tiny_model(config);
        const Weights& w = model.weights();
        const std::vector<std::int64_t> ids{0, 20, 21, 22, 2};
        const auto n = static_cast<std::int64_t>(ids.size());
        const auto text = layer_norm(w.get("encoder.embed_tokens.weight").index_select(0, torch::tensor(ids)) +
                                         w.get("encoder.embed_positions.weight").narrow(0, 0, n) +
                                         w.get("encoder.type_embedding.weight")[0],
                                     w, "encoder.layernorm_embedding");
        QVERIFY(max_diff(model.embed_text(tokens_of(ids))[0], text) < 1e-5);

        const auto pixels = torch::randn({1, 3, 16, 16});
        auto features = pixels;
        for (std::size_t i = 0; i < config.arch.conv_stem.channels.size(); ++i) {
            const std::string conv = "encoder.embed_images.convs." + std::to_string(i);
            features = torch::gelu(torch::conv2d(features, w.get(conv + ".weight"), w.get(conv + ".bias"), /*stride=*/2,
                                                 /*padding=*/config.arch.conv_stem.kernel_size / 2));
        }
        const std::int64_t grid = config.image_grid();
        std::vector<std::int64_t> cells;
        for (std::int64_t r = 0; r < grid; ++r) {
            for (std::int64_t c = 0; c < grid; ++c) cells.push_back(r * config.arch.image_bucket_size + c + 1);
        }
        const auto image = layer_norm(linear(features.flatten(2).transpose(1, 2)[0], w, "encoder.image_proj") +
                                          w.get("encoder.type_embedding.weight")[1] +
                                          w.get("encoder.embed_image_positions.weight").index_select(0, torch::tensor(cells)),
                                      w, "encoder.patch_layernorm_embedding");
        QVERIFY(max_diff(model.embed_image(pixels)[0], image) < 1e-5);

        // The flag is the only difference: without it the same weights give other embeddings.
        const OfaModel plain = tiny_model();
        QVERIFY(max_diff(plain.embed_text(tokens_of(ids))[0], text) > 1e-3);
        QVERIFY(max_diff(plain.embed_image(pixels)[0], image) > 1e-3);
    }

    // Block sizes of 1-6 rows, several blocks, widths with and without a partial last panel.
    void packedGemmMatchesDoublePrecision() {
        if (!mue::detail::packed_gemm_supported()) QSKIP("this CPU has no AVX2 and FMA");
        torch::manual_seed(5);
        for (const std::int64_t rows : {1, 2, 5, 6, 7, 13, 24, 85}) {
            for (const std::int64_t in : {1, 16, 130}) {
                for (const std::int64_t out : {16, 24, 40, 128}) {
                    for (const bool with_bias : {false, true}) {
                        const auto x = torch::randn({rows, in});
                        const auto w = torch::randn({out, in}).t().contiguous();  // [in, out]
                        const auto bias = torch::randn({out});
                        std::vector<float> panels(static_cast<std::size_t>(mue::detail::packed_panels_size(in, out)));
                        mue::detail::pack_panels(w.data_ptr<float>(), in, out, /*row_stride=*/out,
                                                 /*column_stride=*/1, panels.data());
                        auto y = torch::full({rows, out}, std::nanf(""));
                        mue::detail::packed_gemm(x.data_ptr<float>(), rows, in, panels.data(), out,
                                                 with_bias ? bias.data_ptr<float>() : nullptr, y.data_ptr<float>());
                        auto expected = torch::matmul(x.to(torch::kDouble), w.to(torch::kDouble));
                        if (with_bias) expected = expected + bias.to(torch::kDouble);
                        const double diff = (y.to(torch::kDouble) - expected).abs().max().item<double>();
                        QVERIFY2(diff < 1e-5 * std::sqrt(static_cast<double>(in)),
                                 qPrintable(QStringLiteral("%1 x %2 -> %3: %4").arg(rows).arg(in).arg(out).arg(diff)));
                    }
                }
            }
        }
    }

    // Packing from per-column and per-row pointers (an attention head's keys and values) must give
    // the panels pack_panels makes of the same matrix, vectorised (multiples of 8) or not.
    void panelsFromPointersMatchStridedPanels() {
        torch::manual_seed(13);
        for (const std::int64_t in : {16, 12}) {
            for (const std::int64_t out : {21, 24, 8}) {
                const auto w = torch::randn({in, out});  // [in, out], row-major
                const auto wt = w.t().contiguous();       // its columns, contiguous
                std::vector<float> expected(static_cast<std::size_t>(mue::detail::packed_panels_size(in, out)));
                mue::detail::pack_panels(w.data_ptr<float>(), in, out, /*row_stride=*/out, /*column_stride=*/1,
                                         expected.data());
                std::vector<const float*> columns, rows;
                for (std::int64_t n = 0; n < out; ++n) columns.push_back(wt.data_ptr<float>() + n * in);
                for (std::int64_t k = 0; k < in; ++k) rows.push_back(w.data_ptr<float>() + k * out);
                std::vector<float> from_columns(expected.size(), std::nanf(""));
                std::vector<float> from_rows(expected.size(), std::nanf(""));
                mue::detail::pack_panel_columns(columns.data(), in, out, from_columns.data());
                mue::detail::pack_panel_rows(rows.data(), in, out, from_rows.data());
                const QString label = QStringLiteral("in %1, out %2").arg(in).arg(out);
                QVERIFY2(from_columns == expected, qPrintable(label));
                QVERIFY2(from_rows == expected, qPrintable(label));
            }
        }
    }

    // A convolution as gathered patches and one packed product equals LibTorch's, for
    // channels-first and channels-last inputs, odd and even sizes, kernels with and without padding.
    void gatheredPatchesConvolveLikeTorch() {
        if (!mue::detail::packed_gemm_supported()) QSKIP("this CPU has no AVX2 and FMA");
        torch::manual_seed(7);
        const std::int64_t batch = 2;
        const std::int64_t channels = 5;
        const std::int64_t out = 20;
        for (const std::int64_t size : {1, 7, 8}) {
            for (const std::int64_t kernel : {1, 3, 4}) {
                for (const bool channels_last : {false, true}) {
                    const auto x = torch::randn({batch, channels, size, size});
                    const auto w = torch::randn({out, channels, kernel, kernel});
                    const auto bias = torch::randn({out});
                    const std::int64_t stride = 2;
                    const std::int64_t padding = kernel / 2;
                    const auto expected = torch::conv2d(x, w, bias, stride, padding).permute({0, 2, 3, 1});
                    const auto stored = channels_last ? x.permute({0, 2, 3, 1}).contiguous() : x;
                    mue::detail::StridedImage image{stored.data_ptr<float>(), batch, channels, size, size};
                    image.batch_stride = channels * size * size;
                    image.channel_stride = channels_last ? 1 : size * size;
                    image.row_stride = channels_last ? size * channels : size;
                    image.column_stride = channels_last ? channels : 1;
                    const std::int64_t out_size = mue::detail::convolution_output_size(size, kernel, stride, padding);
                    QCOMPARE(out_size, expected.size(1));
                    const std::int64_t patch = kernel * kernel * channels;
                    std::vector<float> patches(static_cast<std::size_t>(batch * out_size * out_size * patch),
                                               std::nanf(""));
                    mue::detail::gather_patches(image, kernel, stride, padding, patches.data());
                    const auto rows = w.permute({0, 2, 3, 1}).reshape({out, patch}).contiguous();
                    std::vector<float> panels(static_cast<std::size_t>(mue::detail::packed_panels_size(patch, out)));
                    mue::detail::pack_panels(rows.data_ptr<float>(), patch, out, /*row_stride=*/1,
                                             /*column_stride=*/patch, panels.data());
                    auto y = torch::full({batch, out_size, out_size, out}, std::nanf(""));
                    mue::detail::packed_gemm(patches.data(), batch * out_size * out_size, patch, panels.data(), out,
                                             bias.data_ptr<float>(), y.data_ptr<float>());
                    const double diff = max_diff(y, expected);
                    QVERIFY2(diff < 1e-5,
                             qPrintable(QStringLiteral("size %1, kernel %2: %3").arg(size).arg(kernel).arg(diff)));
                }
            }
        }
    }

    // Linear runs the kernel for float inputs of any shape and layout; it agrees with
    // torch::linear, and a row's values do not depend on the other rows of the call.
    void linearWithPanelsMatchesTorch() {
        if (!mue::detail::packed_gemm_supported()) QSKIP("this CPU has no AVX2 and FMA");
        torch::manual_seed(6);
        const std::int64_t in = 32;
        const std::int64_t out = 48;
        mue::detail::Linear linear{torch::randn({in, out}).t(), torch::randn({out}), {}};
        linear.panels = torch::empty({mue::detail::packed_panels_size(in, out)});
        mue::detail::pack_panels(linear.weight.data_ptr<float>(), in, out, /*row_stride=*/out,
                                 /*column_stride=*/1, linear.panels.data_ptr<float>());
        const auto few = torch::randn({in, 3, 2}).permute({1, 2, 0});  // [3, 2, in], not contiguous
        const auto many = torch::randn({2, 50, in});
        for (const auto& x : {few, many}) {
            const auto y = linear(x);
            QCOMPARE(y.sizes().vec(), (std::vector<std::int64_t>{x.size(0), x.size(1), out}));
            QVERIFY(max_diff(y, torch::linear(x, linear.weight, linear.bias)) < 1e-5);
        }
        const auto all_rows = linear(many);
        for (const std::int64_t row : {0, 5, 6, 49}) {
            QCOMPARE(max_diff(linear(many[1].narrow(0, row, 1)), all_rows[1].narrow(0, row, 1)), 0.0);
        }
        // A wrong width is LibTorch's error, not a read past the input.
        QVERIFY_THROWS_EXCEPTION(c10::Error, (void)linear(torch::randn({2, in / 2})));
    }

    // The decoding step's attention loop against tensor operations in double precision: head
    // sizes for the vector path (multiples of 8) and the plain one, strided keys read through a
    // table of rows, bias, padding, head scales and skipped rows.
    void oneQueryAttentionMatchesTensorOperations() {
        torch::manual_seed(8);
        const std::int64_t rows = 5;
        const std::int64_t heads = 3;
        const std::int64_t buffer_rows = 4;
        for (const std::int64_t head_dim : {8, 32, 6}) {
            for (const std::int64_t keys : {1, 7, 8, 19}) {
                const auto q = torch::randn({rows, heads * head_dim});
                // Buffers with room for more keys than used, as the decoder's caches have.
                const auto k_buffer = torch::randn({buffer_rows, heads, keys + 3, head_dim});
                const auto v_buffer = torch::randn({buffer_rows, heads, keys + 3, head_dim});
                const auto k = k_buffer.narrow(2, 0, keys);
                const auto v = v_buffer.narrow(2, 0, keys);
                const auto key_rows = torch::randint(buffer_rows, {rows, keys}, torch::kLong);
                const auto bias = torch::randn({rows, heads, keys});
                auto padding = torch::rand({buffer_rows, keys}) < 0.3;
                padding.select(1, 0).fill_(false);  // every row keeps a key
                const auto scale = torch::randn({heads});
                const auto active = torch::tensor({true, false, true, true, false});
                auto out = torch::full({rows, heads * head_dim}, std::nanf(""));

                mue::detail::OneQueryAttention a;
                a.rows = rows;
                a.heads = heads;
                a.head_dim = head_dim;
                a.keys = keys;
                a.q = q.data_ptr<float>();
                a.q_row = heads * head_dim;
                a.k = k.data_ptr<float>();
                a.k_row = k.stride(0);
                a.k_head = k.stride(1);
                a.k_key = k.stride(2);
                a.v = v.data_ptr<float>();
                a.v_row = v.stride(0);
                a.v_head = v.stride(1);
                a.v_key = v.stride(2);
                a.key_rows = key_rows.data_ptr<std::int64_t>();
                a.key_rows_stride = keys;
                a.bias = bias.data_ptr<float>();
                a.bias_row = heads * keys;
                a.bias_head = keys;
                a.bias_key = 1;
                a.key_padding = padding.data_ptr<bool>();
                a.key_padding_row = keys;
                a.head_scale = scale.data_ptr<float>();
                a.active = active.data_ptr<bool>();
                a.out = out.data_ptr<float>();
                a.out_row = heads * head_dim;
                mue::detail::attend_one_query(a);

                // Row r's keys, gathered: [R, H, S, hd].
                const auto position = torch::arange(keys, torch::kLong);
                const auto row_keys = k.transpose(1, 2).index({key_rows, position}).transpose(1, 2).to(torch::kDouble);
                const auto row_values = v.transpose(1, 2).index({key_rows, position}).transpose(1, 2).to(torch::kDouble);
                const auto row_padding = padding.index({key_rows, position});  // [R, S]
                auto logits = torch::matmul(q.to(torch::kDouble).view({rows, heads, 1, head_dim}), row_keys.transpose(2, 3))
                                  .squeeze(2) +
                              bias.to(torch::kDouble);
                logits = logits.masked_fill(row_padding.unsqueeze(1), -std::numeric_limits<double>::infinity());
                auto expected = torch::matmul(torch::softmax(logits, -1).unsqueeze(2), row_values).squeeze(2) *
                                scale.to(torch::kDouble).view({1, heads, 1});
                expected = expected.reshape({rows, heads * head_dim}).masked_fill(active.logical_not().unsqueeze(1), 0.0);
                const double diff = (out.to(torch::kDouble) - expected).abs().max().item<double>();
                QVERIFY2(diff < 1e-5, qPrintable(QStringLiteral("head_dim %1, %2 keys: %3").arg(head_dim).arg(keys).arg(diff)));
            }
        }
    }

    // Several queries per row (an encoder stream, a prompt) read the row's keys, each with its own
    // bias row (shared by the rows here), causal masking through the bias included. Few queries run
    // one by one, more as two packed products per head (vectorised loops only); both must give
    // softmax(q k + bias, masked) v times the head scale, NaN where every key is masked, and zeros
    // for inactive rows.
    void attentionLoopTakesBlocksOfQueries() {
        torch::manual_seed(10);
        const std::int64_t rows = 3;
        const std::int64_t heads = 2;
        const std::int64_t keys = 21;  // more than one panel of keys
        struct Shape {
            std::int64_t head_dim, queries;
        };
        for (const auto [head_dim, queries] : {Shape{8, 5}, Shape{24, 7}, Shape{8, 2}, Shape{6, 5}}) {
            const auto q = torch::randn({rows, queries, heads * head_dim});
            const auto k = torch::randn({rows, heads, keys, head_dim});
            const auto v = torch::randn({rows, heads, keys, head_dim});
            auto bias = torch::randn({heads, queries, keys});
            const auto minus_inf = -std::numeric_limits<float>::infinity();
            bias.select(1, 0).narrow(1, 1, keys - 1).fill_(minus_inf);
            bias.select(1, queries - 1).fill_(minus_inf);  // the last query sees no key
            auto padding = torch::rand({rows, keys}) < 0.3;
            padding.select(1, 0).fill_(false);
            const auto head_scale = torch::rand({heads}) + 0.5;
            const auto active = torch::tensor({true, false, true});
            auto out = torch::full({rows, queries, heads * head_dim}, std::nanf(""));

            mue::detail::OneQueryAttention a;
            a.rows = rows;
            a.heads = heads;
            a.head_dim = head_dim;
            a.keys = keys;
            a.queries = queries;
            a.q = q.data_ptr<float>();
            a.q_row = q.stride(0);
            a.q_query = q.stride(1);
            a.k = k.data_ptr<float>();
            a.k_row = k.stride(0);
            a.k_head = k.stride(1);
            a.k_key = k.stride(2);
            a.v = v.data_ptr<float>();
            a.v_row = v.stride(0);
            a.v_head = v.stride(1);
            a.v_key = v.stride(2);
            a.bias = bias.data_ptr<float>();
            a.bias_head = bias.stride(0);
            a.bias_query = bias.stride(1);
            a.bias_key = 1;
            a.key_padding = padding.data_ptr<bool>();
            a.key_padding_row = keys;
            a.head_scale = head_scale.data_ptr<float>();
            a.active = active.data_ptr<bool>();
            a.out = out.data_ptr<float>();
            a.out_row = out.stride(0);
            a.out_query = out.stride(1);
            mue::detail::attend_one_query(a);

            const auto qh = q.to(torch::kDouble).view({rows, queries, heads, head_dim}).transpose(1, 2);
            auto logits = torch::matmul(qh, k.to(torch::kDouble).transpose(2, 3)) + bias.to(torch::kDouble);
            logits = logits.masked_fill(padding.view({rows, 1, 1, keys}), -std::numeric_limits<double>::infinity());
            auto expected = (torch::matmul(torch::softmax(logits, -1), v.to(torch::kDouble)) *
                             head_scale.to(torch::kDouble).view({1, heads, 1, 1}))
                                .transpose(1, 2)
                                .reshape({rows, queries, heads * head_dim});
            expected.select(0, 1).zero_();
            const auto label = QStringLiteral("head_dim %1, %2 queries").arg(head_dim).arg(queries);
            const auto seen = out.to(torch::kDouble);
            QVERIFY2(seen.narrow(1, queries - 1, 1).select(0, 0).isnan().all().item<bool>(), qPrintable(label));
            QVERIFY2(seen.select(0, 1).eq(0).all().item<bool>(), qPrintable(label));
            const auto answered = seen.narrow(1, 0, queries - 1);
            const double diff = (answered - expected.narrow(1, 0, queries - 1)).abs().max().item<double>();
            QVERIFY2(diff < 1e-5, qPrintable(QStringLiteral("%1: %2").arg(label).arg(diff)));
        }
    }

    // A decoding step's beams of one example read the same encoder row: from four beams on they
    // run as one block of queries. Each beam must still get its own attention (own bias row here),
    // an inactive beam zeros, and a key row's padding must mask its beams' keys.
    void attentionLoopTakesBeamsOfOneRowTogether() {
        torch::manual_seed(11);
        const std::int64_t key_rows = 2;
        const std::int64_t heads = 2;
        const std::int64_t keys = 19;
        struct Shape {
            std::int64_t head_dim, beams;
        };
        for (const auto [head_dim, beams] : {Shape{8, 5}, Shape{8, 2}, Shape{6, 5}}) {
            const std::int64_t rows = key_rows * beams;
            const auto q = torch::randn({rows, 1, heads * head_dim});
            const auto k = torch::randn({key_rows, heads, keys, head_dim});
            const auto v = torch::randn({key_rows, heads, keys, head_dim});
            const auto bias = torch::randn({rows, heads, 1, keys});
            auto padding = torch::rand({key_rows, keys}) < 0.3;
            padding.select(1, 0).fill_(false);
            auto active = torch::ones({rows}, torch::kBool);
            active[1] = false;
            auto out = torch::full({rows, 1, heads * head_dim}, std::nanf(""));

            mue::detail::OneQueryAttention a;
            a.rows = rows;
            a.heads = heads;
            a.head_dim = head_dim;
            a.keys = keys;
            a.q = q.data_ptr<float>();
            a.q_row = q.stride(0);
            a.q_query = q.stride(1);
            a.k = k.data_ptr<float>();
            a.k_row = k.stride(0);
            a.k_head = k.stride(1);
            a.k_key = k.stride(2);
            a.v = v.data_ptr<float>();
            a.v_row = v.stride(0);
            a.v_head = v.stride(1);
            a.v_key = v.stride(2);
            a.rows_per_key_row = beams;
            a.bias = bias.data_ptr<float>();
            a.bias_row = bias.stride(0);
            a.bias_head = bias.stride(1);
            a.bias_key = 1;
            a.key_padding = padding.data_ptr<bool>();
            a.key_padding_row = keys;
            a.active = active.data_ptr<bool>();
            a.out = out.data_ptr<float>();
            a.out_row = out.stride(0);
            a.out_query = out.stride(1);
            mue::detail::attend_one_query(a);

            const auto per_beam = [&](const torch::Tensor& t) { return t.repeat_interleave(beams, 0); };
            const auto qh = q.to(torch::kDouble).view({rows, 1, heads, head_dim}).transpose(1, 2);
            auto logits = torch::matmul(qh, per_beam(k).to(torch::kDouble).transpose(2, 3)) + bias.to(torch::kDouble);
            logits = logits.masked_fill(per_beam(padding).view({rows, 1, 1, keys}),
                                        -std::numeric_limits<double>::infinity());
            auto expected = torch::matmul(torch::softmax(logits, -1), per_beam(v).to(torch::kDouble))
                                .transpose(1, 2)
                                .reshape({rows, 1, heads * head_dim});
            expected[1].zero_();
            const double diff = (out.to(torch::kDouble) - expected).abs().max().item<double>();
            QVERIFY2(diff < 1e-5,
                     qPrintable(QStringLiteral("head_dim %1, %2 beams: %3").arg(head_dim).arg(beams).arg(diff)));
        }
    }

    // Beam search moves rows between steps (select_rows): duplicated, reordered and dropped. The
    // caches stay in place and rows read them through a table; every row must still decode as if
    // its own token history had been decoded alone, past the first growth of the buffers.
    void reorderedRowsDecodeTheirOwnHistory() {
        torch::manual_seed(3);
        const OfaModel model = tiny_model();
        auto image = model.image_stream(model.embed_image(torch::randn({1, 3, 16, 16})));
        auto text = model.text_stream(model.embed_text(tokens_of({0, 20, 21, 2})), torch::zeros({1, 4}, torch::kBool));
        while (!image.finished()) image.step();
        while (!text.finished()) text.step();
        const auto encoder = model.encoder_output(image, text);

        auto run = model.decoder(encoder);
        run.repeat_rows(3);
        std::vector<std::vector<std::int64_t>> history(3);
        const std::map<int, std::vector<std::int64_t>> moves{{5, {2, 0, 2}}, {12, {1, 1, 0}}, {18, {2, 0}}};
        const int steps = 20;  // more keys than a cache has room for at first
        for (int step = 0; step < steps; ++step) {
            std::vector<std::int64_t> tokens;
            for (std::size_t r = 0; r < history.size(); ++r) {
                tokens.push_back(3 + (step * 3 + static_cast<std::int64_t>(r) * 7) % 45);
                history[r].push_back(tokens.back());
            }
            run.begin_step(torch::tensor(tokens, torch::kLong).unsqueeze(1));
            while (!run.step_finished()) run.step_layer();
            if (const auto move = moves.find(step); move != moves.end()) {
                std::vector<std::vector<std::int64_t>> moved;
                for (const auto from : move->second) moved.push_back(history[static_cast<std::size_t>(from)]);
                history = std::move(moved);
                run.select_rows(torch::tensor(move->second, torch::kLong));
            }
        }
        QCOMPARE(run.rows(), 2);
        for (std::size_t r = 0; r < history.size(); ++r) {
            const auto row = static_cast<std::int64_t>(r);
            auto alone = model.decoder(encoder);
            alone.begin_step(tokens_of(history[r]));
            while (!alone.step_finished()) alone.step_layer();
            const double hidden_diff = max_diff(run.hidden()[row][0], alone.hidden()[0][steps - 1]);
            QVERIFY2(hidden_diff < 1e-5, qPrintable(QString::number(hidden_diff)));
            for (int layer = 0; layer < 3; ++layer) {
                QCOMPARE(run.cached_keys(layer).size(2), steps);
                const double keys_diff = max_diff(run.cached_keys(layer)[row], alone.cached_keys(layer)[0]);
                const double values_diff = max_diff(run.cached_values(layer)[row], alone.cached_values(layer)[0]);
                QVERIFY2(keys_diff < 1e-5 && values_diff < 1e-5,
                         qPrintable(QStringLiteral("row %1, layer %2: %3 / %4").arg(r).arg(layer).arg(keys_diff).arg(values_diff)));
            }
        }
        // A copy decodes on its own: its steps leave the original's caches as they were.
        const auto keys_before = run.cached_keys(2).clone();
        auto copy = run;
        copy.begin_step(torch::tensor({7L, 8L}).view({2, 1}));
        while (!copy.step_finished()) copy.step_layer();
        run.begin_step(torch::tensor({9L, 10L}).view({2, 1}));
        while (!run.step_finished()) run.step_layer();
        QCOMPARE(max_diff(run.cached_keys(2).narrow(2, 0, steps), keys_before), 0.0);
        QVERIFY(max_diff(run.cached_keys(2), copy.cached_keys(2)) > 1e-3);
    }

    // Norm loops over inputs of up to kLoopNormRowsMax rows itself, and over any number where the
    // loop is vectorised (widths of multiples of 8); larger ones and autograd go to
    // torch::layer_norm. All must give LibTorch's values.
    void normMatchesTorchLayerNorm() {
        torch::manual_seed(9);
        for (const std::int64_t width : {44, 48}) {  // 44: not a multiple of the loop's 8 lanes
            mue::detail::Norm norm{torch::randn({width}), torch::randn({width})};
            mue::detail::Norm no_bias{torch::randn({width}), {}};
            const auto few = (torch::randn({width, 3, 2}) * 5 + 3).permute({1, 2, 0});  // [3, 2, width], strided
            const auto many = torch::randn({2, mue::detail::kLoopNormRowsMax, width});
            for (const auto& x : {few, many, torch::randn({1, width})}) {
                QVERIFY(max_diff(norm(x), torch::layer_norm(x, {width}, norm.weight, norm.bias, 1e-5)) < 1e-5);
                QVERIFY(max_diff(no_bias(x), torch::layer_norm(x, {width}, no_bias.weight, {}, 1e-5)) < 1e-5);
            }
            const auto trained = torch::randn({2, width}).requires_grad_(true);
            norm(trained).sum().backward();
            QVERIFY(trained.grad().defined());
        }
    }

    // The engine's in-place GELU, vectorised or not, against LibTorch's exact one, over the range
    // where erf matters and beyond; 1003 values leave a tail for the scalar loop.
    void geluInPlaceMatchesTorch() {
        torch::manual_seed(12);
        auto x = torch::cat({torch::randn({1000}) * 4, torch::tensor({-30.0F, 0.0F, 30.0F})});
        const auto expected = torch::gelu(x.to(torch::kDouble));
        mue::detail::gelu_in_place(x.data_ptr<float>(), x.numel());
        const double diff = (x.to(torch::kDouble) - expected).abs().max().item<double>();
        QVERIFY2(diff < 1e-6, qPrintable(QString::number(diff)));
    }

    void cachedDecodingEqualsFullRecomputation_data() {
        QTest::addColumn<bool>("entangled");
        QTest::newRow("decoupled positions") << false;
        QTest::newRow("entangled positions") << true;
    }

    void cachedDecodingEqualsFullRecomputation() {
        QFETCH(bool, entangled);
        auto config = tiny_config();
        config.arch.entangle_position_embedding = entangled;
        config.arch.decoder_entangle_position_embedding = entangled;
        const OfaModel model = tiny_model(config);
        auto image = model.image_stream(model.embed_image(torch::randn({1, 3, 16, 16})));
        auto text = model.text_stream(model.embed_text(tokens_of({0, 20, 21, 2})), torch::zeros({1, 4}, torch::kBool));
        while (!image.finished()) image.step();
        while (!text.finished()) text.step();
        const auto encoder = model.encoder_output(image, text);
        const std::vector<std::int64_t> sequence{0, 30, 31, 32, 33, 34, 35};

        auto full = model.decoder(encoder);
        full.begin_step(tokens_of(sequence));
        while (!full.step_finished()) full.step_layer();
        const auto full_logits = model.logits(full.hidden());

        auto incremental = model.decoder(encoder);
        double worst = 0;
        for (std::size_t t = 0; t < sequence.size(); ++t) {
            incremental.begin_step(tokens_of({sequence[t]}));
            while (!incremental.step_finished()) incremental.step_layer();
            worst = std::max(worst, max_diff(model.logits(incremental.hidden())[0][0], full_logits[0][static_cast<std::int64_t>(t)]));
        }
        QCOMPARE(incremental.cached_length(), static_cast<int>(sequence.size()));
        QVERIFY2(worst < 1e-5, qPrintable(QString::number(worst)));
    }

    // Step 1 runs every layer; in step 2 row 0 exits after layer 1 and row 1 runs on; step 3 runs
    // every layer again. Returns the run after step 2 (finish_step done) for inspection.
    static mue::detail::DecoderRun two_steps(const OfaModel& model, mue::KvPolicy kv, float missing_value,
                                             torch::Tensor* step3_hidden = nullptr) {
        auto image = model.image_stream(model.embed_image(torch::randn({2, 3, 16, 16})));
        while (!image.finished()) image.step();
        auto text = model.text_stream(model.embed_text(tokens_of({0, 20, 2}).repeat({2, 1})), torch::zeros({2, 3}, torch::kBool));
        while (!text.finished()) text.step();
        auto run = model.decoder(model.encoder_output(image, text), kv);
        run.set_missing_entry_value(missing_value);
        run.begin_step(torch::tensor({0L, 0L}).view({2, 1}));
        while (!run.step_finished()) run.step_layer();
        run.begin_step(torch::tensor({5L, 6L}).view({2, 1}));
        run.step_layer();
        run.step_layer(torch::tensor({false, true}));
        run.finish_step();
        if (step3_hidden != nullptr) {
            auto copy = run;
            copy.begin_step(torch::tensor({7L, 8L}).view({2, 1}));
            while (!copy.step_finished()) copy.step_layer();
            *step3_hidden = copy.hidden();
        }
        return run;
    }

    void packedStepsMatchTensorOperations_data() {
        QTest::addColumn<int>("kv");
        QTest::newRow("none") << static_cast<int>(mue::KvPolicy::None);
        QTest::newRow("copy") << static_cast<int>(mue::KvPolicy::Copy);
        QTest::newRow("propagate") << static_cast<int>(mue::KvPolicy::Propagate);
    }

    // An inference model runs a decoding step's layers on plain buffers, for the rows that have
    // not exited only; a trainable one runs them as tensor operations. Both must agree, with the
    // beams of two examples (five per encoder row: their cross-attention runs as one block), rows
    // exiting after different layers, every row exiting at once, and beams moving between steps.
    void packedStepsMatchTensorOperations() {
        QFETCH(int, kv);
        const auto policy = static_cast<mue::KvPolicy>(kv);
        const auto config = tiny_config();
        const OfaModel packed = tiny_model(config);
        const OfaModel plain = tiny_model(config, /*trainable=*/true);
        torch::NoGradGuard no_grad;
        torch::manual_seed(5);
        const auto pixels = torch::randn({2, 3, 16, 16});
        const auto decoder_of = [&](const OfaModel& model) {
            auto image = model.image_stream(model.embed_image(pixels));
            auto text = model.text_stream(model.embed_text(tokens_of({0, 20, 21, 2}).repeat({2, 1})),
                                          torch::tensor({false, false, false, true}).repeat({2, 1}));
            while (!image.finished()) image.step();
            while (!text.finished()) text.step();
            auto run = model.decoder(model.encoder_output(image, text), policy);
            run.repeat_rows(5);
            return run;
        };
        auto fast = decoder_of(packed);
        auto reference = decoder_of(plain);
        const std::int64_t rows = 10;
        double worst = 0;
        for (int step = 0; step < 8; ++step) {
            std::vector<std::int64_t> tokens;
            for (std::int64_t r = 0; r < rows; ++r) tokens.push_back(3 + (step * 7 + r * 5) % 45);
            const auto input = torch::tensor(tokens, torch::kLong).unsqueeze(1);
            fast.begin_step(input);
            reference.begin_step(input);
            for (int layer = 0; layer < config.arch.decoder_layers; ++layer) {
                // Rows leave after layer 1 or 2 by turns; at step 5 all leave after layer 1.
                torch::Tensor active;
                if (layer > 0) {
                    active = torch::empty({rows}, torch::kBool);
                    for (std::int64_t r = 0; r < rows; ++r) active[r] = step != 5 && (r + step) % 3 >= layer;
                    if (!active.any().item<bool>()) break;
                }
                fast.step_layer(active);
                reference.step_layer(active);
                worst = std::max(worst, max_diff(fast.hidden(), reference.hidden()));
            }
            fast.finish_step();
            reference.finish_step();
            if (step == 3) {  // beams move within their example
                const auto moved = torch::tensor({4L, 4L, 0L, 1L, 2L, 9L, 5L, 5L, 6L, 7L});
                fast.select_rows(moved);
                reference.select_rows(moved);
            }
        }
        QVERIFY2(worst < 1e-5, qPrintable(QString::number(worst)));
        for (int layer = 0; layer < config.arch.decoder_layers; ++layer) {
            QCOMPARE(max_diff(fast.cached_padding(layer).to(torch::kFloat), reference.cached_padding(layer).to(torch::kFloat)), 0.0);
            const auto present = reference.cached_padding(layer).logical_not().unsqueeze(1).unsqueeze(-1);
            const double keys = max_diff(fast.cached_keys(layer) * present, reference.cached_keys(layer) * present);
            const double values = max_diff(fast.cached_values(layer) * present, reference.cached_values(layer) * present);
            QVERIFY2(keys < 1e-5 && values < 1e-5, qPrintable(QStringLiteral("layer %1: %2 / %3").arg(layer).arg(keys).arg(values)));
        }
    }

    void kvPolicyNoneLeavesMaskedGaps() {
        torch::manual_seed(3);
        const OfaModel model = tiny_model();
        torch::Tensor hidden_zero, hidden_huge;
        torch::manual_seed(4);
        const auto run = two_steps(model, mue::KvPolicy::None, 0.0F, &hidden_zero);
        torch::manual_seed(4);
        (void)two_steps(model, mue::KvPolicy::None, 1e4F, &hidden_huge);
        // Layer 1 cached both rows at both steps; row 0 has no entry at step 2 in layers 2 and 3.
        QCOMPARE(run.cached_padding(0).logical_not().sum(1)[0].item<std::int64_t>(), 2);
        for (int layer = 1; layer < 3; ++layer) {
            QCOMPARE(run.cached_keys(layer).size(2), 2);  // equal physical length, masked gap
            QCOMPARE(run.cached_padding(layer)[0][1].item<bool>(), true);
            QCOMPARE(run.cached_padding(layer)[1][1].item<bool>(), layer == 1 ? false : true);
        }
        // Whatever the gaps hold, later steps never read them.
        QCOMPARE(max_diff(hidden_zero, hidden_huge), 0.0);
    }

    void kvPolicyCopyRepeatsTheExitLayer() {
        const OfaModel model = tiny_model();
        torch::manual_seed(4);
        const auto run = two_steps(model, mue::KvPolicy::Copy, 0.0F);
        for (int layer = 1; layer < 3; ++layer) {
            QCOMPARE(run.cached_padding(layer).logical_not().sum().item<std::int64_t>(), 4);  // no gaps
            // Row 0 exited after layer 1 at step 2: its entry in every deeper layer is layer 1's.
            QCOMPARE(max_diff(run.cached_keys(layer)[0].select(1, 1), run.cached_keys(0)[0].select(1, 1)), 0.0);
            QCOMPARE(max_diff(run.cached_values(layer)[0].select(1, 1), run.cached_values(0)[0].select(1, 1)), 0.0);
        }
    }

    void kvPolicyPropagateProjectsTheExitState() {
        const OfaModel model = tiny_model();
        torch::manual_seed(4);
        const auto run = two_steps(model, mue::KvPolicy::Propagate, 0.0F);
        const auto& w = model.weights();
        const auto exit_state = run.hidden()[0];  // row 0 froze after layer 1 in step 2
        for (int layer = 1; layer < 3; ++layer) {
            const std::string p = "decoder.layers." + std::to_string(layer);
            const auto normed = layer_norm(exit_state, w, p + ".self_attn_layer_norm");
            const auto k = linear(normed, w, p + ".self_attn.k_proj").view({2, 8});  // [heads, head_dim]
            QVERIFY(max_diff(run.cached_keys(layer)[0].select(1, 1), k) < 1e-6);
            QCOMPARE(run.cached_padding(layer).logical_not().sum().item<std::int64_t>(), 4);
        }
    }

    // An inference model runs its conv stem as packed products; one with a trainable stem runs
    // LibTorch's convolutions. Both give the same features, for even and odd image sizes.
    void packedStemMatchesConvolutions() {
        const auto config = tiny_config();
        const OfaModel packed(config, Weights::random(config, kSeed));
        Weights w = Weights::random(config, kSeed);
        w.get("encoder.embed_images.convs.0.weight").set_requires_grad(true);
        const OfaModel convolved(config, w);
        torch::NoGradGuard no_grad;
        for (const std::int64_t size : {16, 15}) {
            const auto pixels = torch::randn({2, 3, size, size});
            const auto expected = convolved.image_features(pixels);
            const auto features = packed.image_features(pixels);
            QCOMPARE(features.sizes().vec(), expected.sizes().vec());
            QVERIFY(max_diff(features, expected) < 1e-5);
        }
    }

    void stemGradientsMatchFiniteDifferences() {
        // Regression: a transposed gradient reaching GELU's backward gave inf in LibTorch 1.13.
        const auto config = tiny_config();
        Weights w = Weights::random(config, kSeed);
        const auto& conv = w.get("encoder.embed_images.convs.0.weight");
        conv.set_requires_grad(true);
        const OfaModel model(config, w);
        const auto pixels = torch::randn({2, 3, 16, 16});
        const auto probe = torch::randn({2, 16, config.arch.d_model});
        const auto loss = [&] { return (model.embed_image(pixels) * probe).sum(); };
        const auto grad = torch::autograd::grad({loss()}, {conv})[0];
        QVERIFY(torch::isfinite(grad).all().item<bool>());
        const double step = 1e-2;
        torch::NoGradGuard no_grad;
        const double base = loss().item<double>();
        conv.view(-1)[5] += step;
        const double numeric = (loss().item<double>() - base) / step;
        QVERIFY2(std::abs(numeric - grad.view(-1)[5].item<double>()) < 0.05 * std::abs(numeric) + 1e-2,
                 qPrintable(QString("%1 vs %2").arg(numeric).arg(grad.view(-1)[5].item<double>())));
    }

    void beamOfOneEqualsGreedy() {
        const OfaModel model = tiny_model();
        auto image = model.image_stream(model.embed_image(torch::randn({3, 3, 16, 16})));
        auto text = model.text_stream(model.embed_text(tokens_of({0, 20, 21, 2}).repeat({3, 1})), torch::zeros({3, 4}, torch::kBool));
        while (!image.finished()) image.step();
        while (!text.finished()) text.step();
        const auto encoder = model.encoder_output(image, text);
        mue::detail::SearchOptions options;
        options.beam_size = 1;
        options.max_length = 8;
        options.no_repeat_ngram_size = 2;
        mue::detail::RunContext context(nullptr);
        const mue::detail::DecoderExitPolicy full(mue::ExitSettings{}, /*layers=*/3, options.max_length, /*scoring=*/false);
        const auto greedy = mue::detail::greedy_search(model, encoder, options, full, context);
        const auto beam = mue::detail::beam_search(model, encoder, options, full, context);
        QCOMPARE(greedy.size(), std::size_t{3});
        for (std::size_t i = 0; i < greedy.size(); ++i) {
            QCOMPARE(beam[i].tokens, greedy[i].tokens);
            QVERIFY(std::abs(beam[i].score - greedy[i].score) < 1e-4);
            QVERIFY(!greedy[i].tokens.empty());
            QVERIFY(greedy[i].tokens.size() <= 8);
        }
    }

    void beamSearchRespectsNoRepeatNgram() {
        const OfaModel model = tiny_model();
        auto image = model.image_stream(model.embed_image(torch::randn({2, 3, 16, 16})));
        auto text = model.text_stream(model.embed_text(tokens_of({0, 20, 2}).repeat({2, 1})), torch::zeros({2, 3}, torch::kBool));
        while (!image.finished()) image.step();
        while (!text.finished()) text.step();
        mue::detail::SearchOptions options;
        options.beam_size = 4;
        options.max_length = 20;
        options.no_repeat_ngram_size = 2;
        mue::detail::RunContext context(nullptr);
        const mue::detail::DecoderExitPolicy full(mue::ExitSettings{}, /*layers=*/3, options.max_length, /*scoring=*/false);
        const auto best = mue::detail::beam_search(model, model.encoder_output(image, text), options, full, context);
        for (const auto& h : best) {
            std::vector<int> seq{0};
            seq.insert(seq.end(), h.tokens.begin(), h.tokens.end());
            std::set<std::pair<int, int>> bigrams;
            for (std::size_t i = 0; i + 1 < seq.size(); ++i) QVERIFY(bigrams.insert({seq[i], seq[i + 1]}).second);
            QVERIFY(std::find(h.tokens.begin(), h.tokens.end(), 1) == h.tokens.end());  // pad never generated
        }
    }
};

QTEST_APPLESS_MAIN(TestModel)
#include "tst_model.moc"
