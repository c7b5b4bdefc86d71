#!/usr/bin/python3
"""Test data for tst_ofa_checkpoint: small OFA checkpoints with OFA's exact key names and random
weights, in the layouts real releases use, plus the reference values the C++ test compares with.

    make_ofa_checkpoints.py OUT_DIR OFA_BPE_DIR

Writes into OUT_DIR:
  fairseq.pt           fairseq layout: {"model", "cfg": {"model": Namespace, "task": {...}}, "extra_state"}, fp32
  fairseq-mue-fp16.pt  the same weights in fp16, saved by MuE's code (train_mue) with sync_bn
  hf/                  Hugging Face layout: pytorch_model.bin (renamed keys, tied embedding three
                       times), config.json, vocab.json + merges.txt
  malicious.pt         a torch zip archive whose pickle calls os.system (must be refused)
  legacy.pt            the pre-1.6 non-zip torch format (refused with a clear message)
  untied.pt            decoder.output_projection differs from the embedding (refused)
  reference.safetensors  every tensor the engine must end up with (fairseq names, fp32), the stem's
                       input and torch's outputs for it, and the stem's FLOPs
The model is built from OFA's module structure (models/ofa/resnet.py, unify_transformer*.py):
names come from there, not from the engine's parameter list, so a naming mismatch fails the test.
"""

import argparse
import collections
import json
import os
import struct
import sys

import torch
import torch.nn.functional as F

D, FFN, HEADS, ENC_LAYERS, DEC_LAYERS = 32, 64, 4, 2, 2
VOCAB = 59457                  # OFA's vocabulary: the real tokenizer files serve the test model
MAX_POSITIONS = 62             # max_source_positions; tables have + 2 rows
TOKEN_BUCKETS, IMAGE_BUCKETS = 16, 6
IMAGE_SIZE = 64                # grid 4 x 4 at stride 16
RESNET_BLOCKS = (3, 4, 6)      # resnet50 stages 1-3, as OFA-Tiny
SEED = 7


def fp16_exact(t):
    # Values that fp16 holds exactly, so that fp32 and fp16 checkpoints convert to equal tensors.
    return t.half().float()


def randn(*shape, scale=0.05):
    return fp16_exact(torch.randn(*shape) * scale)


def linear(state, name, out_features, in_features):
    state[name + ".weight"] = randn(out_features, in_features)
    state[name + ".bias"] = randn(out_features, scale=0.02)


def layer_norm(state, name, dim):
    state[name + ".weight"] = fp16_exact(1.0 + torch.randn(dim) * 0.1)
    state[name + ".bias"] = randn(dim, scale=0.02)


def batch_norm(state, name, channels):
    state[name + ".weight"] = fp16_exact(1.0 + torch.randn(channels) * 0.1)
    state[name + ".bias"] = randn(channels, scale=0.1)
    state[name + ".running_mean"] = randn(channels, scale=0.2)
    state[name + ".running_var"] = fp16_exact(torch.rand(channels) * 1.5 + 0.5)


def conv(state, name, out_ch, in_ch, k):
    fan_in = in_ch * k * k
    state[name + ".weight"] = fp16_exact(torch.randn(out_ch, in_ch, k, k) * (2.0 / fan_in) ** 0.5)


def resnet(state, prefix):
    """OFA's ResNet (resnet.py): conv1/bn1, then layer1-3 of Bottleneck blocks with downsample.0/.1."""
    conv(state, prefix + "conv1", 64, 3, 7)
    batch_norm(state, prefix + "bn1", 64)
    inplanes = 64
    for stage, blocks in enumerate(RESNET_BLOCKS):
        planes = 64 * 2 ** stage
        for b in range(blocks):
            p = "%slayer%d.%d." % (prefix, stage + 1, b)
            conv(state, p + "conv1", planes, inplanes, 1)
            batch_norm(state, p + "bn1", planes)
            conv(state, p + "conv2", planes, planes, 3)
            batch_norm(state, p + "bn2", planes)
            conv(state, p + "conv3", planes * 4, planes, 1)
            batch_norm(state, p + "bn3", planes * 4)
            if b == 0:
                conv(state, p + "downsample.0", planes * 4, inplanes, 1)
                batch_norm(state, p + "downsample.1", planes * 4)
            inplanes = planes * 4


def attention(state, prefix):
    for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
        linear(state, prefix + "." + proj, D, D)
    state[prefix + ".c_attn"] = fp16_exact(1.0 + torch.randn(HEADS) * 0.1)


def ffn(state, prefix):
    linear(state, prefix + ".fc1", FFN, D)
    linear(state, prefix + ".fc2", D, FFN)
    layer_norm(state, prefix + ".ffn_layernorm", FFN)
    layer_norm(state, prefix + ".final_layer_norm", D)


def engine_tensors():
    """What the engine keeps, in fairseq names (ofa_tiny-like, scaled down; NormFormer on)."""
    s = collections.OrderedDict()
    s["encoder.embed_tokens.weight"] = randn(VOCAB, D)
    s["encoder.type_embedding.weight"] = randn(2, D)
    resnet(s, "encoder.embed_images.")
    linear(s, "encoder.image_proj", D, 1024)
    layer_norm(s, "encoder.patch_layernorm_embedding", D)
    layer_norm(s, "encoder.layernorm_embedding", D)
    s["encoder.embed_positions.weight"] = randn(MAX_POSITIONS + 2, D)
    s["encoder.embed_image_positions.weight"] = randn(IMAGE_BUCKETS ** 2 + 1, D)
    layer_norm(s, "encoder.pos_ln", D)
    layer_norm(s, "encoder.image_pos_ln", D)
    linear(s, "encoder.pos_q_linear", D, D)
    linear(s, "encoder.pos_k_linear", D, D)
    for i in range(ENC_LAYERS):
        p = "encoder.layers.%d" % i
        attention(s, p + ".self_attn")
        layer_norm(s, p + ".self_attn_layer_norm", D)
        layer_norm(s, p + ".attn_ln", D)
        ffn(s, p)
        s["encoder.token_rel_pos_table_list.%d.weight" % i] = randn(2 * TOKEN_BUCKETS - 1, HEADS, scale=0.5)
        s["encoder.image_rel_pos_table_list.%d.weight" % i] = randn((2 * IMAGE_BUCKETS - 1) ** 2 + 3, HEADS, scale=0.5)
    layer_norm(s, "encoder.layer_norm", D)
    layer_norm(s, "decoder.layernorm_embedding", D)
    s["decoder.embed_positions.weight"] = randn(MAX_POSITIONS + 2, D)
    layer_norm(s, "decoder.pos_ln", D)
    for name in ("self_pos_q_linear", "self_pos_k_linear", "cross_pos_q_linear", "cross_pos_k_linear"):
        linear(s, "decoder." + name, D, D)
    for i in range(DEC_LAYERS):
        p = "decoder.layers.%d" % i
        attention(s, p + ".self_attn")
        layer_norm(s, p + ".self_attn_layer_norm", D)
        layer_norm(s, p + ".self_attn_ln", D)
        attention(s, p + ".encoder_attn")
        layer_norm(s, p + ".encoder_attn_layer_norm", D)
        layer_norm(s, p + ".cross_attn_ln", D)
        ffn(s, p)
        s["decoder.token_rel_pos_table_list.%d.weight" % i] = randn(2 * TOKEN_BUCKETS - 1, HEADS, scale=0.5)
    layer_norm(s, "decoder.layer_norm", D)
    return s


def fairseq_state(engine):
    """The state dict OFA's fairseq model saves: the engine's tensors plus what it does not use."""
    s = collections.OrderedDict(engine)
    embed = s["encoder.embed_tokens.weight"]
    s["decoder.embed_tokens.weight"] = embed          # shared_all_embeddings: one tensor, three names
    s["decoder.output_projection.weight"] = embed
    s["encoder.version"] = torch.tensor([3.0])
    s["decoder.version"] = torch.tensor([3.0])
    for name in [n for n in engine if n.endswith(".running_var")]:
        s[name[: -len("running_var")] + "num_batches_tracked"] = torch.tensor(1000)
    s["encoder.token_rp_bucket"] = torch.zeros(MAX_POSITIONS + 2, MAX_POSITIONS + 2, dtype=torch.long)
    s["encoder.image_rp_bucket"] = torch.zeros(IMAGE_BUCKETS ** 2 + 1, IMAGE_BUCKETS ** 2 + 1, dtype=torch.long)
    s["decoder.token_rp_bucket"] = s["encoder.token_rp_bucket"].clone()
    s["decoder.image_rp_bucket"] = s["encoder.image_rp_bucket"].clone()
    s["decoder.image_position_idx"] = torch.arange(8, dtype=torch.long)
    s["decoder.embed_image_positions.weight"] = randn(IMAGE_BUCKETS ** 2 + 1, D)
    layer_norm(s, "decoder.image_pos_ln", D)
    layer_norm(s, "decoder.code_layernorm_embedding", D)
    for i in range(DEC_LAYERS):
        s["decoder.image_rel_pos_table_list.%d.weight" % i] = randn((2 * IMAGE_BUCKETS - 1) ** 2 + 3, HEADS)
    return s


def model_namespace(**extra):
    fields = dict(arch="ofa_tiny", encoder_embed_dim=D, decoder_embed_dim=D, encoder_ffn_embed_dim=FFN,
                  decoder_ffn_embed_dim=FFN, encoder_attention_heads=HEADS, decoder_attention_heads=HEADS,
                  encoder_layers=ENC_LAYERS, decoder_layers=DEC_LAYERS, max_source_positions=MAX_POSITIONS,
                  max_target_positions=MAX_POSITIONS, token_bucket_size=TOKEN_BUCKETS,
                  image_bucket_size=IMAGE_BUCKETS, resnet_type="resnet50", scale_attn=True, scale_fc=True,
                  scale_heads=True, scale_resids=False, add_type_embedding=True, attn_scale_factor=2.0,
                  encoder_normalize_before=True, decoder_normalize_before=True, layernorm_embedding=True,
                  patch_layernorm_embedding=True, code_layernorm_embedding=True, no_scale_embedding=True,
                  entangle_position_embedding=False, disable_entangle=True, share_all_embeddings=True,
                  sync_bn=False, dropout=0.1)
    fields.update(extra)
    return argparse.Namespace(**fields)


def fairseq_meters():
    """Stand-ins for fairseq.logging.meters, pickled under fairseq's module path as real
    checkpoints' extra_state["metrics"] holds them (fairseq itself is not installed here)."""
    import types
    names = ("fairseq", "fairseq.logging", "fairseq.logging.meters")
    for name in names:
        sys.modules.setdefault(name, types.ModuleType(name))
    module = sys.modules["fairseq.logging.meters"]

    class AverageMeter:
        def __init__(self, value):
            self.val, self.sum, self.count, self.round = value, value * 10, 10, 3

    class MetersDict(collections.OrderedDict):
        pass

    for cls in (AverageMeter, MetersDict):
        cls.__module__ = module.__name__
        cls.__qualname__ = cls.__name__
        setattr(module, cls.__name__, cls)
    meters = MetersDict()
    meters["loss"] = AverageMeter(0.42)
    return {"train": meters}


def save_fairseq(path, state, namespace):
    import numpy
    torch.save({"model": state,
                "cfg": {"model": namespace, "task": {"_name": "snli_ve", "patch_image_size": IMAGE_SIZE,
                                                     "max_src_length": 40}},
                # fairseq's training state holds meters and numpy numbers: kept as inert placeholders
                "extra_state": {"metrics": fairseq_meters(), "best": numpy.float64(0.75), "epoch": 3},
                "optimizer_history": [{"num_updates": 1000}]}, path)


HF_RENAMES = ((".attn_ln.", ".self_attn_mid_layer_norm."), (".self_attn_ln.", ".self_attn_mid_layer_norm."),
              (".cross_attn_ln.", ".cross_attn_mid_layer_norm."), (".ffn_layernorm.", ".ffn_layer_norm."),
              (".encoder_attn_layer_norm.", ".cross_attn_layer_norm."), (".encoder_attn.", ".cross_attn."))


def hf_name(name):
    for old, new in HF_RENAMES:
        name = name.replace(old, new)
    return name


def write_hf_tokenizer(folder, bpe_dir):
    """vocab.json (byte-level token -> OFA model id) and merges.txt from OFA's fairseq files."""
    with open(os.path.join(bpe_dir, "encoder.json"), encoding="utf-8") as f:
        gpt2 = json.load(f)
    with open(os.path.join(bpe_dir, "dict.txt"), encoding="utf-8") as f:
        line_of = {line.split()[0]: i for i, line in enumerate(f) if line.strip()}
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for token, gpt2_id in gpt2.items():
        if str(gpt2_id) in line_of:
            vocab[token] = 4 + line_of[str(gpt2_id)]
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(bpe_dir, "vocab.bpe"), encoding="utf-8") as src, \
            open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as dst:
        dst.write(src.read())


class Malicious:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, ("touch '%s'" % self.marker,))


def stem_reference(state):
    """OFA's ResNet forward (resnet.py) with torch's own conv / batch-norm / pool ops, eval mode."""
    torch.manual_seed(SEED + 1)
    pixels = torch.rand(2, 3, IMAGE_SIZE, IMAGE_SIZE) * 2 - 1
    flops = 0.0

    def conv2d(x, name, stride=1, padding=0):
        nonlocal flops
        w = state[name + ".weight"]
        y = F.conv2d(x, w, stride=stride, padding=padding)
        flops += 2.0 * y.shape[2] * y.shape[3] * w.shape[0] * w.shape[1] * w.shape[2] * w.shape[3]
        return y

    def bn(x, name):
        return F.batch_norm(x, state[name + ".running_mean"], state[name + ".running_var"], state[name + ".weight"],
                            state[name + ".bias"], training=False, eps=1e-5)

    root = "encoder.embed_images."
    x = F.relu(bn(conv2d(pixels, root + "conv1", stride=2, padding=3), root + "bn1"))
    x = F.max_pool2d(x, kernel_size=3, stride=2, padding=1)
    for stage, blocks in enumerate(RESNET_BLOCKS):
        for b in range(blocks):
            p = "%slayer%d.%d." % (root, stage + 1, b)
            stride = 2 if (b == 0 and stage > 0) else 1
            out = F.relu(bn(conv2d(x, p + "conv1"), p + "bn1"))
            out = F.relu(bn(conv2d(out, p + "conv2", stride=stride, padding=1), p + "bn2"))
            out = bn(conv2d(out, p + "conv3"), p + "bn3")
            identity = bn(conv2d(x, p + "downsample.0", stride=stride), p + "downsample.1") if b == 0 else x
            x = F.relu(identity + out)
    features = x
    tokens = features.flatten(2).transpose(1, 2)
    embed = F.linear(tokens, state["encoder.image_proj.weight"], state["encoder.image_proj.bias"])
    embed = embed + state["encoder.type_embedding.weight"][1]
    embed = F.layer_norm(embed, (D,), state["encoder.patch_layernorm_embedding.weight"],
                         state["encoder.patch_layernorm_embedding.bias"], eps=1e-5)
    flops += 2.0 * tokens.shape[1] * 1024 * D
    return pixels, features, embed, flops


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        t = t.detach().float().contiguous()
        raw = t.numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for raw in blobs:
            f.write(raw)


def main():
    out, bpe_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(SEED)
    engine = engine_tensors()
    state = fairseq_state(engine)

    save_fairseq(os.path.join(out, "fairseq.pt"), state, model_namespace())
    half = collections.OrderedDict((k, v.half() if v.is_floating_point() else v) for k, v in state.items())
    half["decoder.embed_tokens.weight"] = half["decoder.output_projection.weight"] = half["encoder.embed_tokens.weight"]
    save_fairseq(os.path.join(out, "fairseq-mue-fp16.pt"), half,
                 model_namespace(train_mue=True, sync_bn=True, entangle_position_embedding=True))

    hf = os.path.join(out, "hf")
    os.makedirs(hf, exist_ok=True)
    hf_state = collections.OrderedDict()
    for name, tensor in state.items():
        if name.endswith(("_rp_bucket", ".version", "image_position_idx")):
            continue  # the port keeps neither fairseq's version buffers nor the bucket indices
        hf_state[hf_name(name)] = tensor.clone()  # three separate copies of the tied embedding
    torch.save(hf_state, os.path.join(hf, "pytorch_model.bin"))
    with open(os.path.join(hf, "config.json"), "w") as f:
        json.dump({"architectures": ["OFAModel"], "model_type": "ofa", "d_model": D, "encoder_ffn_dim": FFN,
                   "decoder_ffn_dim": FFN, "encoder_attention_heads": HEADS, "decoder_attention_heads": HEADS,
                   "encoder_layers": ENC_LAYERS, "decoder_layers": DEC_LAYERS, "max_position_embeddings": MAX_POSITIONS,
                   "token_bucket_size": TOKEN_BUCKETS, "image_bucket_size": IMAGE_BUCKETS, "attn_scale_factor": 2.0,
                   "normformer": True, "encoder_normalize_before": True, "decoder_normalize_before": True,
                   "layernorm_embedding": True, "patch_layernorm_embedding": True, "add_type_embedding": True,
                   "scale_embedding": False, "resnet_type": "resnet50", "entangle_position_embedding": False,
                   "share_decoder_input_output_embed": True, "vocab_size": VOCAB}, f, indent=1)
    write_hf_tokenizer(hf, bpe_dir)

    torch.save({"model": Malicious(os.path.join(out, "pwned"))}, os.path.join(out, "malicious.pt"))
    torch.save({"model": {"x": torch.zeros(2)}}, os.path.join(out, "legacy.pt"), _use_new_zipfile_serialization=False)
    untied = collections.OrderedDict(state)
    untied["decoder.output_projection.weight"] = state["encoder.embed_tokens.weight"] + 1.0
    save_fairseq(os.path.join(out, "untied.pt"), untied, model_namespace())

    pixels, features, embed, flops = stem_reference(engine)
    reference = collections.OrderedDict(engine)
    reference["test.stem_input"] = pixels
    reference["test.stem_features"] = features
    reference["test.image_embed"] = embed
    reference["test.stem_flops"] = torch.tensor([flops], dtype=torch.float64)
    write_safetensors(os.path.join(out, "reference.safetensors"), reference)


if __name__ == "__main__":
    main()
