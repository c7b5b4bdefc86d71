#!/usr/bin/python3
"""PyTorch eager reference of the engine's model, and the engine-vs-Python benchmark (issue 8).

The reference reads a model folder's config.json and model.safetensors (parsed here by hand) and
computes what engine/src/ofa_model.cpp and decoding.cpp compute for the full model: the conv
stem, the decomposed (MuE) or joint (OFA) encoder with OFA's decoupled position biases, the
incremental decoder, entailment scoring at the last prompt position and fairseq-style beam or
greedy search. It follows the C++ operation by operation, so that both run the same LibTorch
kernels on the same values.

One command runs both sides with equal thread settings:
    bench/reference_forward.py --cpp build/bench/bench_vs_python [--items N] [--batch B]
        [--repeats R] [--rounds K] [--threads T] [--openblas-threads T] [--model DIR] [--quick]
bench_vs_python writes the inputs (preprocessed pixels, token ids) and its outputs and timings;
this script checks that its own outputs agree (answer logits and probabilities, caption scores
within 1e-4; generated tokens identical), times itself the same way, alternating timing rounds
with the C++ side, and prints the table. Exit status: 0 agreement, 1 disagreement or error,
77 when torch is missing (the smoke test is then skipped).
"""

import argparse
import json
import math
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time

TOLERANCE = 1e-4
NEG_INF = float("-inf")
TEXT_TYPE, IMAGE_TYPE = 0, 1
LAYER_NORM_EPS = 1e-5
SKIP_EXIT = 77


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cpp", required=True, help="path of the bench_vs_python executable")
    p.add_argument("--model", help="model folder (default: the one bench_vs_python was built with)")
    p.add_argument("--items", type=int, default=32, help="test items per task")
    p.add_argument("--batch", type=int, default=32, help="batch size of the throughput runs")
    p.add_argument("--repeats", type=int, default=5, help="timed runs per item and per batch, per round")
    p.add_argument("--rounds", type=int, default=2, help="alternating C++ / Python timing rounds")
    p.add_argument("--threads", type=int, default=1, help="intra-op threads on both sides")
    p.add_argument("--openblas-threads", type=int, default=1,
                   help="OpenBLAS threads on both sides (default 1, what the engine sets; 0: inherit the environment)")
    p.add_argument("--work", help="folder for the exchanged files (default: a temporary one)")
    p.add_argument("--json", help="also write the figures to this file")
    p.add_argument("--quick", action="store_true", help="smoke mode: 4 items, batch 4, 1 repeat, 1 round")
    args = p.parse_args()
    if args.quick:
        args.items, args.batch, args.repeats, args.rounds = 4, 4, 1, 1
    return args


ARGS = parse_args()
if ARGS.openblas_threads:
    # before torch loads OpenBLAS; the engine sets its OpenBLAS to 1 thread itself (engine.cpp)
    os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.openblas_threads)
try:
    import torch
    import torch.nn.functional as F
except ImportError as e:
    print(f"reference_forward: no torch for {sys.executable} ({e}); install python3-torch", file=sys.stderr)
    sys.exit(SKIP_EXIT)


# --------------------------------------------------------------------------------------------
# safetensors, by hand: 8-byte little-endian header length, a JSON header, then the raw data.

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64}


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len])
    base = 8 + header_len
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = bytearray(data[base + begin:base + end])
        t = torch.frombuffer(raw, dtype=DTYPES[entry["dtype"]]) if raw else torch.empty(0, dtype=DTYPES[entry["dtype"]])
        t = t.reshape(entry["shape"])
        tensors[name] = t.float() if t.is_floating_point() else t  # the engine computes in fp32
    return tensors


# --------------------------------------------------------------------------------------------
# The model (engine/src/ofa_model.cpp).

class Norm:
    def __init__(self, w, prefix, present):
        self.weight = w[prefix + ".weight"] if present else None
        self.bias = w[prefix + ".bias"] if present else None

    def __call__(self, x):
        if self.weight is None:
            return x
        return F.layer_norm(x, (x.size(-1),), self.weight, self.bias, LAYER_NORM_EPS)


class Linear:
    def __init__(self, w, prefix):
        self.weight, self.bias = w[prefix + ".weight"], w[prefix + ".bias"]

    def __call__(self, x):
        return F.linear(x, self.weight, self.bias)


class Attention:
    def __init__(self, w, prefix, scale_heads):
        self.q, self.k, self.v, self.out = (Linear(w, f"{prefix}.{n}_proj") for n in ("q", "k", "v", "out"))
        self.c_attn = w[prefix + ".c_attn"] if scale_heads else None


class FeedForward:
    def __init__(self, w, prefix, scale_fc):
        self.pre = Norm(w, prefix + ".final_layer_norm", True)
        self.fc1, self.fc2 = Linear(w, prefix + ".fc1"), Linear(w, prefix + ".fc2")
        self.mid = Norm(w, prefix + ".ffn_layernorm", scale_fc)


def token_rel_index(relative, bucket_size, text_positions):
    mid = bucket_size // 2
    max_position = text_positions - 2
    abs_rel = relative.abs()
    # fp32 log buckets, as OFA and the engine compute them
    log_span = math.log(max(max_position - 1.0, mid + 1.0) / mid)
    log_pos = (torch.ceil(torch.log(abs_rel.clamp_min(mid).to(torch.float32) / float(mid)) / log_span * float(mid - 1))
               + float(mid)).to(torch.long)
    bucket = torch.where(abs_rel <= mid, relative, log_pos * relative.sign())
    return (bucket + bucket_size - 1).clamp(0, 2 * bucket_size - 2)


def image_rel_index(grid, bucket_size):
    k = torch.arange(grid * grid, dtype=torch.long)
    r, c = torch.div(k, grid, rounding_mode="floor"), k.remainder(grid)
    dr, dc = r.unsqueeze(1) - r.unsqueeze(0), c.unsqueeze(1) - c.unsqueeze(0)
    return (dr + bucket_size - 1) * (2 * bucket_size - 1) + (dc + bucket_size - 1)


class Model:
    def __init__(self, folder):
        with open(os.path.join(folder, "config.json")) as f:
            self.config = json.load(f)
        a = self.config["architecture"]
        self.arch = a
        stem = a.get("image_stem", {"type": "conv"})
        if stem.get("type", "conv") != "conv":
            raise SystemExit("reference_forward: only the conv image stem is implemented")
        self.d = a["d_model"]
        self.heads = a["attention_heads"]
        self.head_dim = self.d // self.heads
        self.scaling = (self.head_dim * a["attn_scale_factor"]) ** -0.5
        self.pre = a["normalize_before"]
        # OFA's --entangle-position-embedding: raw positions join the tokens too (absent: false).
        self.entangle = a.get("entangle_position_embedding", False)
        self.decoder_entangle = a.get("decoder_entangle_position_embedding", False)
        self.decomposed = self.config.get("encoder_mode", "decomposed") == "decomposed"
        self.kernel = stem["kernel_size"]
        self.grid = self.config["image"]["size"] >> len(stem["channels"])
        w = load_safetensors(os.path.join(folder, "model.safetensors"))

        self.embed_tokens = w["encoder.embed_tokens.weight"]
        self.type_embedding = w["encoder.type_embedding.weight"]
        self.layernorm_embedding = Norm(w, "encoder.layernorm_embedding", a["layernorm_embedding"])
        self.patch_layernorm_embedding = Norm(w, "encoder.patch_layernorm_embedding", a["patch_layernorm_embedding"])
        self.stem = [Linear(w, f"encoder.embed_images.convs.{i}") for i in range(len(stem["channels"]))]
        self.image_proj = Linear(w, "encoder.image_proj")
        self.embed_positions = w["encoder.embed_positions.weight"]
        self.embed_image_positions = w["encoder.embed_image_positions.weight"]
        self.pos_ln = Norm(w, "encoder.pos_ln", True)
        self.image_pos_ln = Norm(w, "encoder.image_pos_ln", True)
        self.pos_q, self.pos_k = Linear(w, "encoder.pos_q_linear"), Linear(w, "encoder.pos_k_linear")
        self.encoder_layers = []
        for l in range(a["encoder_layers"]):
            p = f"encoder.layers.{l}"
            self.encoder_layers.append({
                "pre_attn": Norm(w, p + ".self_attn_layer_norm", True),
                "post_attn": Norm(w, p + ".attn_ln", a["scale_attn"]),
                "attn": Attention(w, p + ".self_attn", a["scale_heads"]),
                "ffn": FeedForward(w, p, a["scale_fc"]),
                "token_rel": w[f"encoder.token_rel_pos_table_list.{l}.weight"],
                "image_rel": w[f"encoder.image_rel_pos_table_list.{l}.weight"],
            })
        self.encoder_norm = Norm(w, "encoder.layer_norm", self.pre)
        self.decoder_layernorm_embedding = Norm(w, "decoder.layernorm_embedding", a["layernorm_embedding"])
        self.decoder_embed_positions = w["decoder.embed_positions.weight"]
        self.decoder_pos_ln = Norm(w, "decoder.pos_ln", True)
        self.self_pos_q, self.self_pos_k = Linear(w, "decoder.self_pos_q_linear"), Linear(w, "decoder.self_pos_k_linear")
        self.cross_pos_q, self.cross_pos_k = Linear(w, "decoder.cross_pos_q_linear"), Linear(w, "decoder.cross_pos_k_linear")
        self.decoder_layers = []
        for l in range(a["decoder_layers"]):
            p = f"decoder.layers.{l}"
            self.decoder_layers.append({
                "pre_self": Norm(w, p + ".self_attn_layer_norm", True),
                "post_self": Norm(w, p + ".self_attn_ln", a["scale_attn"]),
                "pre_cross": Norm(w, p + ".encoder_attn_layer_norm", True),
                "post_cross": Norm(w, p + ".cross_attn_ln", a["scale_attn"]),
                "self_attn": Attention(w, p + ".self_attn", a["scale_heads"]),
                "cross_attn": Attention(w, p + ".encoder_attn", a["scale_heads"]),
                "ffn": FeedForward(w, p, a["scale_fc"]),
                "token_rel": w[f"decoder.token_rel_pos_table_list.{l}.weight"],
            })
        self.decoder_norm = Norm(w, "decoder.layer_norm", self.pre)

    # -- embeddings
    def embed_image(self, pixels):
        x = pixels
        for conv in self.stem:
            x = F.gelu(F.conv2d(x, conv.weight, conv.bias, stride=2, padding=self.kernel // 2))
        x = x.flatten(2).transpose(1, 2)  # token k = row * grid + col
        x = self.image_proj(x) + self.type_embedding[IMAGE_TYPE]
        if self.entangle:
            x = x + self.embed_image_positions.index_select(0, self.image_position_ids())
        return self.patch_layernorm_embedding(x)

    def embed_text(self, tokens):
        x = self.embed_tokens.index_select(0, tokens.flatten()).view(tokens.size(0), tokens.size(1), -1)
        if self.entangle:
            x = x + self.embed_positions.narrow(0, 0, tokens.size(1))
        return self.layernorm_embedding(x + self.type_embedding[TEXT_TYPE])

    def text_positions(self, length):
        return self.pos_ln(self.embed_positions.narrow(0, 0, length))

    def image_position_ids(self):
        rows = torch.arange(self.grid, dtype=torch.long).unsqueeze(1)
        cols = torch.arange(self.grid, dtype=torch.long).unsqueeze(0)
        return (rows * self.arch["image_bucket_size"] + cols + 1).flatten()

    def image_positions(self):
        return self.image_pos_ln(self.embed_image_positions.index_select(0, self.image_position_ids()))

    # -- attention blocks
    def split_heads(self, x):
        return x.view(x.size(0), x.size(1), self.heads, self.head_dim).transpose(1, 2)

    def attend(self, attn, query_input, k, v, bias, key_padding):
        batch, length = query_input.size(0), query_input.size(1)
        q = self.split_heads(attn.q(query_input) * self.scaling)
        logits = torch.matmul(q, k.transpose(-1, -2))
        if bias is not None:
            logits = logits + bias
        if key_padding is not None:
            logits = logits.masked_fill(key_padding.view(batch, 1, 1, key_padding.size(1)), NEG_INF)
        out = torch.matmul(torch.softmax(logits, -1), v)
        if attn.c_attn is not None:
            out = out * attn.c_attn.view(1, -1, 1, 1)
        return attn.out(out.transpose(1, 2).reshape(batch, length, self.d))

    def feed_forward(self, ffn, x):
        h = ffn.pre(x) if self.pre else x
        h = ffn.fc2(ffn.mid(F.gelu(ffn.fc1(h))))
        h = x + h
        return h if self.pre else ffn.pre(h)

    # -- encoder
    def stream(self, image_embed, text_embed, text_padding, joint):
        s = {"image_tokens": 0}
        hidden, padding, positions = [], [], []
        if image_embed is not None:
            s["image_tokens"] = image_embed.size(1)
            hidden.append(image_embed)
            padding.append(torch.zeros(image_embed.size(0), image_embed.size(1), dtype=torch.bool))
            positions.append(self.image_positions())
            if joint or self.arch["image_relative_bias_in_decomposed_encoder"]:
                s["image_rel_index"] = image_rel_index(self.grid, self.arch["image_bucket_size"])
        if text_embed is not None:
            length = text_embed.size(1)
            hidden.append(text_embed)
            padding.append(text_padding)
            positions.append(self.text_positions(length))
            pos = torch.arange(length, dtype=torch.long)
            s["text_rel_index"] = token_rel_index(pos.unsqueeze(1) - pos.unsqueeze(0), self.arch["token_bucket_size"],
                                                  self.arch["text_positions"])
        s["padding"] = torch.cat(padding, 1)
        s["keep"] = s["padding"].logical_not().unsqueeze(-1).to(torch.float32)
        s["hidden"] = torch.cat(hidden, 1) * s["keep"]
        s["positions"] = torch.cat(positions, 0)
        pq = (self.pos_q(s["positions"]) * self.scaling).view(-1, self.heads, self.head_dim)
        pk = self.pos_k(s["positions"]).view(-1, self.heads, self.head_dim)
        s["abs_bias"] = torch.matmul(pq.transpose(0, 1), pk.permute(1, 2, 0))  # [H, N, N]
        return s

    def layer_bias(self, s, layer):
        text_index, image_index = s.get("text_rel_index"), s.get("image_rel_index")
        if text_index is None and image_index is None:
            return s["abs_bias"]
        bias = s["abs_bias"].clone()
        i = s["image_tokens"]
        if text_index is not None:
            n = text_index.size(0)
            bias.narrow(1, i, n).narrow(2, i, n).add_(
                layer["token_rel"].index_select(0, text_index.flatten()).view(n, n, -1).permute(2, 0, 1))
        if image_index is not None:
            bias.narrow(1, 0, i).narrow(2, 0, i).add_(
                layer["image_rel"].index_select(0, image_index.flatten()).view(i, i, -1).permute(2, 0, 1))
        return bias

    def run_stream(self, s):
        for layer in self.encoder_layers:
            x = s["hidden"]
            h = layer["pre_attn"](x) if self.pre else x
            k, v = self.split_heads(layer["attn"].k(h)), self.split_heads(layer["attn"].v(h))
            h = layer["post_attn"](self.attend(layer["attn"], h, k, v, self.layer_bias(s, layer).unsqueeze(0),
                                               s["padding"]))
            h = x + h
            if not self.pre:
                h = layer["pre_attn"](h)
            s["hidden"] = self.feed_forward(layer["ffn"], h) * s["keep"]
        return s

    def encode(self, pixels, tokens, padding):
        image_embed = self.embed_image(pixels)
        text_embed = self.embed_text(tokens)
        if self.decomposed:
            image = self.run_stream(self.stream(image_embed, None, None, joint=False))
            text = self.run_stream(self.stream(None, text_embed, padding, joint=False))
            return {"states": self.encoder_norm(torch.cat([image["hidden"], text["hidden"]], 1)),
                    "padding": torch.cat([image["padding"], text["padding"]], 1),
                    "positions": torch.cat([image["positions"], text["positions"]], 0)}
        joint = self.run_stream(self.stream(image_embed, text_embed, padding, joint=True))
        return {"states": self.encoder_norm(joint["hidden"]), "padding": joint["padding"],
                "positions": joint["positions"]}

    def logits(self, decoder_hidden):
        return F.linear(self.decoder_norm(decoder_hidden), self.embed_tokens)


class Decoder:
    """Incremental decoding with per-layer key/value caches (DecoderRun, full model)."""

    def __init__(self, model, encoder):
        self.m = model
        self.encoder = dict(encoder)
        m = model
        self.cross_pos_k = m.cross_pos_k(encoder["positions"]).view(-1, m.heads, m.head_dim).transpose(0, 1)
        self.self_pos_k = torch.zeros(m.heads, 0, m.head_dim)
        self.cache = [{} for _ in m.decoder_layers]
        self.cached_length = 0

    def heads(self, x, length):
        return x.view(length, self.m.heads, self.m.head_dim).transpose(0, 1)

    def step(self, tokens, padding=None):
        """Runs every decoder layer on tokens [R, T]; returns the last hidden state [R, T, D]."""
        m, a = self.m, self.m.arch
        length = tokens.size(1)
        positions = torch.arange(self.cached_length, self.cached_length + length, dtype=torch.long)
        pos = m.decoder_pos_ln(m.decoder_embed_positions.index_select(0, positions))
        self.self_pos_k = torch.cat([self.self_pos_k, self.heads(m.self_pos_k(pos), length)], 1)
        key_positions = torch.arange(self.self_pos_k.size(1), dtype=torch.long)
        self_bias = torch.matmul(self.heads(m.self_pos_q(pos) * m.scaling, length),
                                 self.self_pos_k.transpose(1, 2)).masked_fill(
            key_positions.unsqueeze(0) > positions.unsqueeze(1), NEG_INF)
        rel_index = token_rel_index(positions.unsqueeze(1) - key_positions.unsqueeze(0), a["token_bucket_size"],
                                    a["text_positions"])
        cross_bias = torch.matmul(self.heads(m.cross_pos_q(pos) * m.scaling, length), self.cross_pos_k.transpose(1, 2))
        if padding is None:
            padding = torch.zeros(tokens.size(0), length, dtype=torch.bool)
        embedded = m.embed_tokens.index_select(0, tokens.flatten()).view(tokens.size(0), length, m.d)
        if m.decoder_entangle:
            embedded = embedded + m.decoder_embed_positions.index_select(0, positions)
        x = m.decoder_layernorm_embedding(embedded)
        self.cached_length += length

        for layer, cache in zip(m.decoder_layers, self.cache):
            h = layer["pre_self"](x) if m.pre else x
            k, v = m.split_heads(layer["self_attn"].k(h)), m.split_heads(layer["self_attn"].v(h))
            if "k" in cache:
                cache["k"] = torch.cat([cache["k"], k], 2)
                cache["v"] = torch.cat([cache["v"], v], 2)
                cache["padding"] = torch.cat([cache["padding"], padding], 1)
            else:
                cache["k"], cache["v"], cache["padding"] = k, v, padding
            rel = layer["token_rel"].index_select(0, rel_index.flatten()).view(
                rel_index.size(0), rel_index.size(1), -1).permute(2, 0, 1)
            h = layer["post_self"](m.attend(layer["self_attn"], h, cache["k"], cache["v"],
                                            (self_bias + rel).unsqueeze(0), cache["padding"]))
            x = x + h
            if not m.pre:
                x = layer["pre_self"](x)
            h = layer["pre_cross"](x) if m.pre else x
            if "cross_k" not in cache:
                states = self.encoder["states"]
                cache["cross_k"] = m.split_heads(layer["cross_attn"].k(states))
                cache["cross_v"] = m.split_heads(layer["cross_attn"].v(states))
            h = layer["post_cross"](m.attend(layer["cross_attn"], h, cache["cross_k"], cache["cross_v"],
                                             cross_bias.unsqueeze(0), self.encoder["padding"]))
            x = x + h
            if not m.pre:
                x = layer["pre_cross"](x)
            x = m.feed_forward(layer["ffn"], x)
        return x

    def select_rows(self, index):
        self.encoder["states"] = self.encoder["states"].index_select(0, index)
        self.encoder["padding"] = self.encoder["padding"].index_select(0, index)
        for cache in self.cache:
            for key in cache:
                cache[key] = cache[key].index_select(0, index)


# --------------------------------------------------------------------------------------------
# Tasks (engine.cpp, decoding.cpp).

def padded(rows, pad):
    longest = max(len(r) for r in rows)
    tokens = torch.full((len(rows), longest), pad, dtype=torch.long)
    padding = torch.ones(len(rows), longest, dtype=torch.bool)
    for i, r in enumerate(rows):
        tokens[i, :len(r)] = torch.tensor(r, dtype=torch.long)
        padding[i, :len(r)] = False
    return tokens, padding


def entailment(model, pixels, sources, answer_ids, pad):
    tokens, padding = padded(sources, pad)
    encoder = model.encode(pixels, tokens, padding)
    prompts = [s[:-1] for s in sources]  # [bos, prompt] without eos
    prompt_tokens, prompt_padding = padded(prompts, pad)
    readout = torch.tensor([len(p) - 1 for p in prompts], dtype=torch.long)
    hidden = Decoder(model, encoder).step(prompt_tokens, prompt_padding)
    logits = model.logits(hidden[torch.arange(len(prompts)), readout])
    candidates = logits.index_select(1, torch.tensor(answer_ids, dtype=torch.long))
    probabilities = torch.softmax(candidates, 1)
    return [{"answer_logits": candidates[i].tolist(), "answer_probabilities": probabilities[i].tolist()}
            for i in range(len(sources))]


def banned_by_ngram(history, n):
    if n <= 0 or len(history) < n - 1 or len(history) < 1:
        return []
    tail = history[len(history) - (n - 1):]
    return [history[i + n - 1] for i in range(len(history) - n + 1) if history[i:i + n - 1] == tail]


def next_token_lprobs(model, decoder, history, step, opts):
    last = torch.tensor([h[-1] for h in history], dtype=torch.long).unsqueeze(1)
    logits = model.logits(decoder.step(last)).squeeze(1)
    lprobs = torch.log_softmax(logits, -1).contiguous()
    lprobs[:, opts["pad"]] = NEG_INF
    if step < opts["min_length"]:
        lprobs[:, opts["eos"]] = NEG_INF
    if step >= opts["max_length"]:
        eos_column = lprobs[:, opts["eos"]].clone()
        lprobs.fill_(NEG_INF)
        lprobs[:, opts["eos"]] = eos_column
    for row, h in enumerate(history):
        for token in banned_by_ngram(h, opts["no_repeat_ngram_size"]):
            lprobs[row, token] = NEG_INF
    return lprobs


def normalised(score, tokens_with_eos, length_penalty):
    return score / math.pow(tokens_with_eos, length_penalty)


def greedy_search(model, encoder, opts):
    rows = encoder["states"].size(0)
    decoder = Decoder(model, encoder)
    history = [[opts["bos"]] for _ in range(rows)]
    score = [0.0] * rows
    result = [None] * rows
    for step in range(opts["max_length"] + 1):
        lprobs = next_token_lprobs(model, decoder, history, step, opts)
        best = lprobs.max(1)[1]
        all_done = True
        for r in range(rows):
            if result[r] is not None:
                continue
            token = int(best[r])
            score[r] += float(lprobs[r, token])
            history[r].append(token)
            if token == opts["eos"]:
                result[r] = (history[r][1:-1], normalised(score[r], len(history[r]) - 1, opts["length_penalty"]))
            else:
                all_done = False
        if all_done:
            break
    return result


def beam_search(model, encoder, opts):
    examples = encoder["states"].size(0)
    beams = opts["beam_size"]
    vocab = model.arch["vocab_size"]
    decoder = Decoder(model, encoder)
    decoder.select_rows(torch.arange(examples, dtype=torch.long).repeat_interleave(beams))
    history = [[opts["bos"]] for _ in range(examples * beams)]
    beam_score = [0.0] * len(history)
    finished = [[] for _ in range(examples)]
    live = list(range(examples))  # example live[p] owns rows p*beams ...; finished examples leave
    for step in range(opts["max_length"] + 1):
        lprobs = next_token_lprobs(model, decoder, history, step, opts)
        next_rows, next_history, next_score, next_live = [], [], [], []
        for position, b in enumerate(live):
            first = position * beams
            rows_before = len(next_rows)
            open_rows = 1 if step == 0 else beams
            candidates = lprobs.narrow(0, first, open_rows).to(torch.float64) + torch.tensor(
                beam_score[first:first + open_rows], dtype=torch.float64).unsqueeze(1)
            top_scores, top_index = candidates.flatten().topk(min(2 * beams, open_rows * vocab))
            kept = 0
            for c in range(top_scores.size(0)):
                if kept >= beams:
                    break
                s = float(top_scores[c])
                if math.isinf(s):
                    break
                flat = int(top_index[c])
                row, token = first + flat // vocab, flat % vocab
                h = history[row]
                if token == opts["eos"]:
                    # fairseq finalises eos only among the first `beams` candidates
                    if c < beams and len(finished[b]) < beams:
                        finished[b].append((h[1:], normalised(s, len(h), opts["length_penalty"])))
                    continue
                next_rows.append(row)
                next_history.append(h + [token])
                next_score.append(s)
                kept += 1
            if len(finished[b]) >= beams or kept < beams:
                del next_rows[rows_before:], next_history[rows_before:], next_score[rows_before:]
            else:
                next_live.append(b)
        if not next_live:
            break
        decoder.select_rows(torch.tensor(next_rows, dtype=torch.long))
        live, history, beam_score = next_live, next_history, next_score
    best = []
    for f in finished:
        top = None
        for hyp in f:  # the first of equal scores, like std::max_element
            if top is None or top[1] < hyp[1]:
                top = hyp
        best.append(top if top is not None else ([], 0.0))
    return best


def caption(model, pixels, sources, opts):
    tokens, padding = padded(sources, opts["pad"])
    encoder = model.encode(pixels, tokens, padding)
    search = beam_search if opts["beam_size"] > 1 else greedy_search
    return [{"output_ids": ids, "output_score": score} for ids, score in search(model, encoder, opts)]


# --------------------------------------------------------------------------------------------
# The benchmark.

def run_task(model, manifest, name, pixels, indices):
    items = manifest["tasks"][name]["items"]
    x = torch.stack([pixels[items[i]["pixel_offset"] // PIXELS_PER_ITEM] for i in indices])
    sources = [items[i]["batch1"]["source_ids"] for i in indices]
    special = manifest["special"]
    if name == "entailment":
        return entailment(model, x, sources, manifest["answer_ids"], special["pad"])
    opts = dict(special, beam_size=manifest["beam_size"], max_length=manifest["max_length"], min_length=1,
                no_repeat_ngram_size=manifest["no_repeat_ngram_size"], length_penalty=manifest["length_penalty"])
    return caption(model, x, sources, opts)


def disagreement(ours, theirs):
    """Largest absolute difference of the compared values; inf when generated tokens differ."""
    if "answer_logits" in ours:
        return max(abs(p - q) for key in ("answer_logits", "answer_probabilities")
                   for p, q in zip(ours[key], theirs[key]))
    if list(ours["output_ids"]) != list(theirs["output_ids"]):
        return math.inf
    return abs(ours["output_score"] - theirs["output_score"])


def python_timing(model, manifest, name, pixels, repeats, batch):
    count = len(manifest["tasks"][name]["items"])
    per_item = []
    for i in range(count):
        run_task(model, manifest, name, pixels, [i])  # warm-up, as on the C++ side
        ms = []
        for _ in range(repeats):
            start = time.perf_counter()
            run_task(model, manifest, name, pixels, [i])
            ms.append(1000 * (time.perf_counter() - start))
        per_item.append(sorted(ms)[len(ms) // 2])  # the C++ side's median
    rates = []
    for k in range(repeats + 1):
        start = time.perf_counter()
        for first in range(0, count, batch):
            run_task(model, manifest, name, pixels, list(range(first, min(count, first + batch))))
        if k > 0:
            rates.append(count / (time.perf_counter() - start))
    return per_item, rates


def iqr(values):
    v = sorted(values)
    return v[len(v) * 3 // 4] - v[len(v) // 4]


def main():
    if ARGS.work:
        os.makedirs(ARGS.work, exist_ok=True)
        return compare(ARGS.work)
    with tempfile.TemporaryDirectory(prefix="mue-vs-python-") as work:
        return compare(work)


def compare(work):
    torch.set_num_threads(ARGS.threads)
    cpp_args = [ARGS.cpp, "--out", work, "--items", str(ARGS.items), "--batch", str(ARGS.batch),
                "--repeats", str(ARGS.repeats), "--threads", str(ARGS.threads)]
    if ARGS.model:
        cpp_args += ["--model", ARGS.model]
    subprocess.run(cpp_args, check=True)
    with open(os.path.join(work, "cpp.json")) as f:
        manifest = json.load(f)
    model = Model(manifest["model"])
    global PIXELS_PER_ITEM
    PIXELS_PER_ITEM = 3 * manifest["image_size"] ** 2
    with open(os.path.join(work, "pixels.f32"), "rb") as f:
        pixels = torch.frombuffer(bytearray(f.read()), dtype=torch.float32).view(-1, 3, manifest["image_size"],
                                                                                  manifest["image_size"])

    worst = {}
    failures = []
    with torch.inference_mode():
        for name, task in manifest["tasks"].items():
            items = task["items"]
            batch1 = [run_task(model, manifest, name, pixels, [i])[0] for i in range(len(items))]
            batched = []
            for first in range(0, len(items), ARGS.batch):
                batched += run_task(model, manifest, name, pixels, list(range(first, min(len(items), first + ARGS.batch))))
            diffs = []
            for i, item in enumerate(items):
                for label, ours, theirs in (("batch 1", batch1[i], item["batch1"]), ("batched", batched[i], item["batched"])):
                    d = disagreement(ours, theirs)
                    diffs.append(d)
                    if not d <= TOLERANCE:
                        failures.append(f"{name} {item['id']} ({label}): python {ours} vs C++ {theirs}")
            worst[name] = max(diffs)

        cpp_rounds = {name: [manifest["tasks"][name]] for name in manifest["tasks"]}
        py_rounds = {name: [] for name in manifest["tasks"]}
        for r in range(ARGS.rounds):
            if r > 0:  # alternate, so that a change in machine load hits both sides
                subprocess.run(cpp_args + ["--time-only"], check=True)
                with open(os.path.join(work, "cpp-timing.json")) as f:
                    timing = json.load(f)
                for name in cpp_rounds:
                    cpp_rounds[name].append(timing["tasks"][name])
            for name in py_rounds:
                py_rounds[name].append(python_timing(model, manifest, name, pixels, ARGS.repeats, ARGS.batch))

    blas = os.environ.get("OPENBLAS_NUM_THREADS", "unset (OpenBLAS default: one per core)")
    print(f"\nmodel {manifest['model_id']}, shapes world {manifest['split']} split, {ARGS.items} items per task, "
          f"{ARGS.threads} intra-op thread(s) on both sides, OPENBLAS_NUM_THREADS {blas}, "
          f"{ARGS.rounds} alternating round(s) x {ARGS.repeats} repeat(s); torch {torch.__version__}")
    print("latency: per item the median of the repeats (after a warm-up), then median and IQR over items and rounds;"
          " throughput: median (min-max) over repeats and rounds; preprocessing excluded on both sides\n")
    print(f"{'task':<11} {'measure':<22} {'C++':>20} {'Python':>20} {'C++ speed-up':>13}")
    figures = {"threads": ARGS.threads, "openblas_threads": blas, "items": ARGS.items, "batch": ARGS.batch,
               "agreement_max_abs_diff": worst, "tasks": {}}
    for name in manifest["tasks"]:
        cpp_ms = [m for rnd in cpp_rounds[name] for m in rnd["batch1_ms"]]
        py_ms = [m for rnd in py_rounds[name] for m in rnd[0]]
        cpp_rate = [x for rnd in cpp_rounds[name] for x in rnd["batch_rates"]]
        py_rate = [x for rnd in py_rounds[name] for x in rnd[1]]
        c_med, p_med = statistics.median(cpp_ms), statistics.median(py_ms)
        c_rate, p_rate = statistics.median(cpp_rate), statistics.median(py_rate)
        print(f"{name:<11} {'batch 1, ms/example':<22} {c_med:>10.2f} (IQR {iqr(cpp_ms):5.2f}) "
              f"{p_med:>10.2f} (IQR {iqr(py_ms):5.2f}) {p_med / c_med:>12.2f}x")
        print(f"{'':<11} {f'batch {ARGS.batch}, examples/s':<22} {c_rate:>8.1f} ({min(cpp_rate):.0f}-{max(cpp_rate):.0f}) "
              f"{p_rate:>8.1f} ({min(py_rate):.0f}-{max(py_rate):.0f}) {c_rate / p_rate:>12.2f}x")
        figures["tasks"][name] = {"cpp_batch1_ms_median": c_med, "cpp_batch1_ms_iqr": iqr(cpp_ms),
                                  "python_batch1_ms_median": p_med, "python_batch1_ms_iqr": iqr(py_ms),
                                  "cpp_examples_per_s": c_rate, "python_examples_per_s": p_rate}
    print("\nagreement (max abs diff of answer logits and probabilities / caption scores; tokens identical): " +
          ", ".join(f"{n} {d:.2e}" for n, d in worst.items()))
    if ARGS.json:
        with open(ARGS.json, "w") as f:
            json.dump(figures, f, indent=1)
    if failures:
        print(f"\nDISAGREEMENT beyond {TOLERANCE} in {len(failures)} output(s):", file=sys.stderr)
        for line in failures[:20]:
            print("  " + line, file=sys.stderr)
        return 1
    print(f"agreement within {TOLERANCE}: ok")
    return 0


PIXELS_PER_ITEM = 0

if __name__ == "__main__":
    sys.exit(main())
