#!/usr/bin/python3
"""Converts an OFA or MuE checkpoint into a MuE Studio model folder (docs/ofa-checkpoints.md).

    convert_ofa.py CHECKPOINT OUT_DIR [--bpe-dir DIR] [--dtype fp32|fp16] [...]

CHECKPOINT is a fairseq `.pt` file (a pickled dict with "model" and "cfg", or the older "args")
or a Hugging Face OFA folder (pytorch_model.bin or model.safetensors, and config.json). OUT_DIR
receives config.json, model.safetensors and the tokenizer files. `mue convert-ofa` runs this
script; the engine itself only ever reads the safetensors it writes.

Unpickling a checkpoint with pickle or torch.load runs whatever code the file names. This script
never does: its unpickler rebuilds tensors (from the archive's raw storages), plain containers and
argparse Namespaces (as dicts), and refuses every other global by name. A few classes that fairseq
stores in its training state (meters, numpy scalars) are kept as inert placeholders: they are never
imported, so none of their code runs.

Exit codes as `mue`: 0 ok, 2 usage error, 3 bad input (the message names the file), 1 internal.
"""

import argparse
import collections
import json
import os
import pickle
import re
import shutil
import struct
import sys
import zipfile

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_BAD_INPUT = 0, 1, 2, 3

try:
    import torch
except ImportError:  # reported as an input problem of the machine, with the fix
    sys.stderr.write("error: convert-ofa needs PyTorch for /usr/bin/python3 (Debian: apt install python3-torch)\n")
    sys.exit(EXIT_INTERNAL)


class ConversionError(Exception):
    """A problem with the user's input; the message names the file and what is wrong."""


# ---------------------------------------------------------------------------------------------
# Restricted unpickling

STORAGE_DTYPES = {
    "FloatStorage": torch.float32, "HalfStorage": torch.float16, "BFloat16Storage": torch.bfloat16,
    "DoubleStorage": torch.float64, "LongStorage": torch.int64, "IntStorage": torch.int32,
    "ShortStorage": torch.int16, "CharStorage": torch.int8, "ByteStorage": torch.uint8, "BoolStorage": torch.bool,
}


class StorageType:
    """Stands for torch.<X>Storage in a persistent id: only its element type matters here."""

    def __init__(self, dtype):
        self.dtype = dtype


class NamespaceDict(dict):
    """An argparse.Namespace rebuilt as a plain dict of its attributes."""

    def __setstate__(self, state):
        if not isinstance(state, dict):
            raise pickle.UnpicklingError("argparse.Namespace with a non-dict state")
        self.update(state)


class Inert:
    """A placeholder for a known training-state class (never imported): keeps nothing. It takes
    whatever the pickle builds it with, including the items of dict and list subclasses."""

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        pass

    def __setitem__(self, key, value):
        pass

    def append(self, item):
        pass

    def extend(self, items):
        pass


def rebuild_tensor(storage, offset, size, stride, *unused):
    """torch._utils._rebuild_tensor_v2 without torch's own code: a strided view of the storage."""
    if not isinstance(storage, torch.Tensor):
        raise pickle.UnpicklingError("tensor without a storage")
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride) or any(not isinstance(v, int) or v < 0 for v in size + stride) or offset < 0:
        raise pickle.UnpicklingError("tensor with an invalid shape or stride")
    last = offset + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else offset - 1
    if last >= storage.numel():
        raise pickle.UnpicklingError("tensor reaches past the end of its storage")
    return storage.as_strided(size, stride, offset)


def rebuild_parameter(data, requires_grad=False, backward_hooks=None, *unused):
    return data


def reconstruct(cls, base, state=None):
    """copyreg._reconstructor, for the one class this unpickler builds that way."""
    if cls is NamespaceDict:
        return NamespaceDict()
    raise pickle.UnpicklingError("copyreg._reconstructor on a class other than argparse.Namespace")


def latin1_encode(text, encoding="latin1"):
    """_codecs.encode as protocol 2 uses it for bytes objects; no other codec."""
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise pickle.UnpicklingError("_codecs.encode with a codec other than latin1")
    return text.encode("latin1")


ALLOWED_GLOBALS = {
    ("torch._utils", "_rebuild_tensor_v2"): rebuild_tensor,
    ("torch._utils", "_rebuild_tensor"): rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): rebuild_parameter,
    ("torch", "Size"): tuple,
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("argparse", "Namespace"): NamespaceDict,
    ("copyreg", "_reconstructor"): reconstruct,
    ("_codecs", "encode"): latin1_encode,
    ("builtins", "set"): set, ("builtins", "frozenset"): frozenset, ("builtins", "list"): list,
    ("builtins", "dict"): dict, ("builtins", "tuple"): tuple, ("builtins", "int"): int,
    ("builtins", "float"): float, ("builtins", "bool"): bool, ("builtins", "str"): str,
    ("builtins", "bytes"): bytes, ("builtins", "bytearray"): bytearray, ("builtins", "object"): object,
}
for _name, _dtype in STORAGE_DTYPES.items():
    ALLOWED_GLOBALS[("torch", _name)] = StorageType(_dtype)

# Classes of fairseq's training state (extra_state meters and their numpy numbers), never needed
# for the weights: replaced by placeholders so real checkpoints load without running their code.
INERT_MODULES = ("fairseq.logging.meters", "numpy", "numpy.core.multiarray", "numpy.core.numeric")


class RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file, source, read_storage):
        super().__init__(file)
        self.source = source
        self.read_storage = read_storage
        self.storages = {}

    def find_class(self, module, name):
        found = ALLOWED_GLOBALS.get((module, name))
        if found is not None:
            return found
        if module in INERT_MODULES:
            return Inert
        raise ConversionError(
            "%s: refused to load '%s.%s': only tensors and plain containers are allowed "
            "(the checkpoint would run code when unpickled)" % (self.source, module, name))

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != "storage" or not isinstance(pid[1], StorageType):
            raise ConversionError("%s: unknown persistent record %r in the pickle" % (self.source, pid[:1]))
        dtype, key, numel = pid[1].dtype, str(pid[2]), pid[4]
        if key not in self.storages:
            self.storages[key] = self.read_storage(key, dtype, numel)
        return self.storages[key]


def load_torch_file(path):
    """Reads a torch.save() zip archive (torch >= 1.6) with the restricted unpickler."""
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as f:
            head = f.read(2)
        if head[:1] == b"\x80":
            raise ConversionError("%s: a legacy (pre-1.6, non-zip) torch file; this converter reads only the zip "
                                  "format that torch.save has written since torch 1.6" % path)
        raise ConversionError("%s: not a torch checkpoint (not a zip archive)" % path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        pickles = [n for n in names if n.endswith("/data.pkl") or n == "data.pkl"]
        if len(pickles) != 1:
            raise ConversionError("%s: expected one data.pkl in the archive, found %d" % (path, len(pickles)))
        prefix = pickles[0][: -len("data.pkl")]
        byteorder_name = prefix + "byteorder"
        if byteorder_name in names and archive.read(byteorder_name).strip() not in (b"little", b""):
            raise ConversionError("%s: big-endian tensors are not supported" % path)

        def read_storage(key, dtype, numel):
            member = prefix + "data/" + key
            if member not in names:
                raise ConversionError("%s: storage '%s' is missing from the archive" % (path, key))
            raw = archive.read(member)
            itemsize = torch.empty((), dtype=dtype).element_size()
            if not isinstance(numel, int) or len(raw) != numel * itemsize:
                raise ConversionError("%s: storage '%s' holds %d bytes, expected %s x %d" % (path, key, len(raw), numel, itemsize))
            if numel == 0:
                return torch.empty(0, dtype=dtype)
            return torch.frombuffer(bytearray(raw), dtype=dtype)

        with archive.open(pickles[0]) as f:
            try:
                return RestrictedUnpickler(f, path, read_storage).load()
            except ConversionError:
                raise
            except Exception as e:  # malformed pickles raise anything from EOFError to TypeError
                raise ConversionError("%s: cannot unpickle: %s" % (path, e))


SAFETENSORS_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
                      "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8,
                      "U8": torch.uint8, "BOOL": torch.bool}


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ConversionError("%s: too short for safetensors" % path)
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > len(data) - 8:
        raise ConversionError("%s: header length beyond the end of the file" % path)
    try:
        header = json.loads(data[8:8 + header_len])
    except ValueError as e:
        raise ConversionError("%s: invalid header: %s" % (path, e))
    body = memoryview(data)[8 + header_len:]
    out = collections.OrderedDict()
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = SAFETENSORS_DTYPES.get(info.get("dtype"))
        begin, end = info.get("data_offsets", (0, -1))
        if dtype is None or not 0 <= begin <= end <= len(body):
            raise ConversionError("%s: tensor '%s' has an unsupported dtype or bad offsets" % (path, name))
        flat = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
        out[name] = flat.reshape(info["shape"])
    return out


# ---------------------------------------------------------------------------------------------
# Reading checkpoints

# ofa.py's architecture defaults, for fields an older saved config leaves out.
ARCH_DEFAULTS = {
    "ofa_tiny": dict(encoder_embed_dim=256, encoder_layers=4, decoder_layers=4, encoder_attention_heads=4, resnet_type="resnet50"),
    "ofa_medium": dict(encoder_embed_dim=512, encoder_layers=4, decoder_layers=4, encoder_attention_heads=8, resnet_type="resnet101"),
    "ofa_base": dict(encoder_embed_dim=768, encoder_layers=6, decoder_layers=6, encoder_attention_heads=12, resnet_type="resnet101"),
    "ofa_large": dict(encoder_embed_dim=1024, encoder_layers=12, decoder_layers=12, encoder_attention_heads=16, resnet_type="resnet152"),
    "ofa_huge": dict(encoder_embed_dim=1280, encoder_layers=24, decoder_layers=12, encoder_attention_heads=16, resnet_type="resnet152"),
}
COMMON_DEFAULTS = dict(max_source_positions=1024, max_target_positions=1024, token_bucket_size=256, image_bucket_size=42,
                       attn_scale_factor=2, encoder_normalize_before=True, decoder_normalize_before=True,
                       layernorm_embedding=True, patch_layernorm_embedding=True, add_type_embedding=True,
                       no_scale_embedding=True, entangle_position_embedding=False, disable_entangle=False,
                       scale_attn=False, scale_fc=False, scale_heads=False, scale_resids=False, sync_bn=False,
                       train_mue=False)

# OFA's ResNet variants: all bottleneck blocks, stages 1-3 (resnet18/34 included, as OFA builds them).
RESNET_BLOCKS = {"resnet18": [2, 2, 2], "resnet34": [3, 4, 6], "resnet50": [3, 4, 6], "resnet101": [3, 4, 23],
                 "resnet152": [3, 8, 36]}
RESNET_DEPTHS = {"resnet50": 50, "resnet101": 101, "resnet152": 152}  # written as the depth; others as block counts


def fairseq_settings(ckpt, source):
    """The model settings of a fairseq checkpoint, with ofa.py's defaults for absent fields."""
    if not isinstance(ckpt, dict) or "model" not in ckpt:
        raise ConversionError("%s: not a fairseq checkpoint (no 'model' entry)" % source)
    model_cfg, task_cfg = None, {}
    cfg = ckpt.get("cfg")
    if isinstance(cfg, dict):
        model_cfg, task_cfg = cfg.get("model"), cfg.get("task") or {}
    if model_cfg is None and isinstance(ckpt.get("args"), dict):
        model_cfg = task_cfg = ckpt["args"]
    if not isinstance(model_cfg, dict):
        raise ConversionError("%s: no readable model config ('cfg'.'model' or 'args'); an OmegaConf object or "
                              "another type is not supported" % source)
    s = dict(COMMON_DEFAULTS)
    arch = model_cfg.get("arch") or model_cfg.get("_name") or ""
    s.update(ARCH_DEFAULTS.get(arch, {}))
    s.update({k: v for k, v in model_cfg.items() if v is not None})
    s.setdefault("encoder_ffn_embed_dim", 4 * s["encoder_embed_dim"])
    for part in ("embed_dim", "ffn_embed_dim", "attention_heads", "normalize_before"):
        s.setdefault("decoder_" + part, s["encoder_" + part])
    s["arch"] = arch
    s["patch_image_size"] = task_cfg.get("patch_image_size") if isinstance(task_cfg, dict) else None
    s["max_src_length"] = task_cfg.get("max_src_length") if isinstance(task_cfg, dict) else None
    return s


def hf_settings(config, source):
    """The same settings from a Hugging Face OFA config.json."""
    def need(key):
        if key not in config:
            raise ConversionError("%s: field '%s' is missing" % (source, key))
        return config[key]
    normformer = bool(config.get("normformer", True))
    return dict(
        arch=config.get("_name_or_path", "hf-ofa"),
        encoder_embed_dim=need("d_model"), decoder_embed_dim=need("d_model"),
        encoder_ffn_embed_dim=need("encoder_ffn_dim"), decoder_ffn_embed_dim=config.get("decoder_ffn_dim", need("encoder_ffn_dim")),
        encoder_attention_heads=need("encoder_attention_heads"),
        decoder_attention_heads=config.get("decoder_attention_heads", need("encoder_attention_heads")),
        encoder_layers=need("encoder_layers"), decoder_layers=need("decoder_layers"),
        max_source_positions=config.get("max_position_embeddings", 1024),
        max_target_positions=config.get("max_position_embeddings", 1024),
        token_bucket_size=config.get("token_bucket_size", 256), image_bucket_size=config.get("image_bucket_size", 42),
        attn_scale_factor=config.get("attn_scale_factor", 2),
        encoder_normalize_before=config.get("encoder_normalize_before", True),
        decoder_normalize_before=config.get("decoder_normalize_before", True),
        layernorm_embedding=config.get("layernorm_embedding", True),
        patch_layernorm_embedding=config.get("patch_layernorm_embedding", True),
        add_type_embedding=config.get("add_type_embedding", True),
        no_scale_embedding=not config.get("scale_embedding", False),
        entangle_position_embedding=config.get("entangle_position_embedding", False),
        disable_entangle=config.get("disable_entangle", False),
        scale_attn=normformer, scale_fc=normformer, scale_heads=normformer, scale_resids=False,
        resnet_type=config.get("resnet_type", "resnet101"), sync_bn=False,
        train_mue=bool(config.get("train_mue", False)), patch_image_size=None, max_src_length=None)


# Hugging Face port names -> fairseq names. "self_attn_mid_layer_norm" is attn_ln in encoder layers
# and self_attn_ln in decoder layers; the longer names are replaced before "cross_attn.".
def hf_to_fairseq(name):
    decoder = name.startswith("decoder.")
    for old, new in ((".self_attn_mid_layer_norm.", ".self_attn_ln." if decoder else ".attn_ln."),
                     (".cross_attn_mid_layer_norm.", ".cross_attn_ln."), (".ffn_layer_norm.", ".ffn_layernorm."),
                     (".cross_attn_layer_norm.", ".encoder_attn_layer_norm."), (".cross_attn.", ".encoder_attn.")):
        name = name.replace(old, new)
    return name


# Tensors the engine does not use: fairseq bookkeeping, recomputable bucket indices, and the
# decoder's image-position tables (OFA uses them only to generate image codes).
DROPPED = re.compile(r"^(encoder|decoder)\.version$|\.num_batches_tracked$|^(encoder|decoder)\.(token|image)_rp_bucket$"
                     r"|^decoder\.image_position_idx$|^decoder\.embed_image_positions\.|^decoder\.image_pos_ln\."
                     r"|^decoder\.image_rel_pos_table_list\.|^decoder\.code_layernorm_embedding\.")
TIED_COPIES = ("decoder.embed_tokens.weight", "decoder.output_projection.weight")


def build_config(s, state, source, options):
    """Our config.json from the checkpoint's settings, each one checked against the tensors."""
    def fail(msg):
        raise ConversionError("%s: %s" % (source, msg))

    for a, b in (("encoder_embed_dim", "decoder_embed_dim"), ("encoder_ffn_embed_dim", "decoder_ffn_embed_dim"),
                 ("encoder_attention_heads", "decoder_attention_heads"),
                 ("encoder_normalize_before", "decoder_normalize_before")):
        if s[a] != s[b]:
            fail("'%s' (%s) differs from '%s' (%s); the engine needs them equal" % (a, s[a], b, s[b]))
    if not s["no_scale_embedding"]:
        fail("token embeddings are scaled by sqrt(d) ('no_scale_embedding' false); released OFA models use 1.0")
    if s["scale_resids"]:
        fail("'scale_resids' is set; the engine does not implement NormFormer's residual scaling")
    if not s["add_type_embedding"] or "encoder.type_embedding.weight" not in state:
        fail("the model has no type embedding ('add_type_embedding'); the engine needs one")
    resnet = s.get("resnet_type")
    if resnet not in RESNET_BLOCKS:
        fail("image backbone '%s' is not supported (ResNet 18/34/50/101/152 are)" % resnet)
    blocks = RESNET_BLOCKS[resnet]
    for stage, count in enumerate(blocks):
        found = len({m.group(1) for m in (re.match(r"encoder\.embed_images\.layer%d\.(\d+)\." % (stage + 1), n) for n in state) if m})
        if found != count:
            fail("'resnet_type' %s has %d blocks in stage %d, the weights %d" % (resnet, count, stage + 1, found))

    d = int(s["encoder_embed_dim"])
    vocab, width = state["encoder.embed_tokens.weight"].shape
    if width != d:
        fail("encoder.embed_tokens.weight is %dx%d but 'encoder_embed_dim' is %d" % (vocab, width, d))
    positions = int(s["max_source_positions"]) + 2
    for name in ("encoder.embed_positions.weight", "decoder.embed_positions.weight"):
        if name in state and state[name].shape[0] != positions:
            fail("%s has %d rows; the engine needs both position tables of max_source_positions + 2 = %d rows"
                 % (name, state[name].shape[0], positions))
    for flag, probe in (("scale_attn", "encoder.layers.0.attn_ln.weight"), ("scale_fc", "encoder.layers.0.ffn_layernorm.weight"),
                        ("scale_heads", "encoder.layers.0.self_attn.c_attn"),
                        ("layernorm_embedding", "encoder.layernorm_embedding.weight"),
                        ("patch_layernorm_embedding", "encoder.patch_layernorm_embedding.weight")):
        if bool(s[flag]) != (probe in state):
            fail("config says %s = %s but tensor '%s' is %s" % (flag, bool(s[flag]), probe,
                                                                "present" if probe in state else "absent"))

    image_size = options.image_size or s.get("patch_image_size") or 480
    max_src = s.get("max_src_length") or 128
    mue = bool(s.get("train_mue"))
    mode = options.encoder_mode or ("decomposed" if mue else "joint")
    relative_bias = options.image_relative_bias
    if relative_bias is None:
        relative_bias = not mue  # MuE's released code drops the image stream's 2D relative bias
    name = options.model_id or os.path.basename(os.path.normpath(options.checkpoint)).rsplit(".", 1)[0]
    return collections.OrderedDict([
        ("format", "mue-model"), ("format_version", 1), ("model_id", name),
        ("description", "Converted from %s (%s, %s%s) by mue convert-ofa" % (
            os.path.basename(os.path.normpath(options.checkpoint)), s.get("arch") or "ofa", resnet, ", MuE" if mue else "")),
        ("trained", True), ("encoder_mode", mode),
        ("architecture", collections.OrderedDict([
            ("d_model", d), ("ffn_dim", int(s["encoder_ffn_embed_dim"])),
            ("attention_heads", int(s["encoder_attention_heads"])),
            ("encoder_layers", int(s["encoder_layers"])), ("decoder_layers", int(s["decoder_layers"])),
            ("vocab_size", int(vocab)), ("text_positions", positions),
            ("token_bucket_size", int(s["token_bucket_size"])), ("image_bucket_size", int(s["image_bucket_size"])),
            ("type_vocab_size", int(state["encoder.type_embedding.weight"].shape[0])),
            ("attn_scale_factor", float(s["attn_scale_factor"])),
            ("normalize_before", bool(s["encoder_normalize_before"])),
            ("scale_attn", bool(s["scale_attn"])), ("scale_fc", bool(s["scale_fc"])), ("scale_heads", bool(s["scale_heads"])),
            ("layernorm_embedding", bool(s["layernorm_embedding"])),
            ("patch_layernorm_embedding", bool(s["patch_layernorm_embedding"])),
            ("image_relative_bias_in_decomposed_encoder", bool(relative_bias)),
            # OFA adds the raw positions to the decoder's tokens only without --disable-entangle.
            ("entangle_position_embedding", bool(s["entangle_position_embedding"])),
            ("decoder_entangle_position_embedding",
             bool(s["entangle_position_embedding"]) and not bool(s["disable_entangle"])),
            ("image_stem", collections.OrderedDict([
                ("type", "resnet"), ("layers", RESNET_DEPTHS.get(resnet, blocks)),
                # sync_bn builds OFA's BatchNorm2d helper (eps 1e-3); otherwise torch's default 1e-5.
                ("batch_norm_eps", 1e-3 if s.get("sync_bn") else 1e-5)])),
        ])),
        ("image", collections.OrderedDict([("size", int(image_size)), ("mean", [0.5] * 3), ("std", [0.5] * 3)])),
        ("special_tokens", collections.OrderedDict([("bos", 0), ("pad", 1), ("eos", 2), ("unk", 3)])),
        ("max_source_tokens", min(int(max_src) + 2, positions)),
        ("tasks", collections.OrderedDict([
            ("caption", collections.OrderedDict([
                ("prompt", " what does the image describe?"), ("beam_size", 5), ("max_length", 16),
                ("no_repeat_ngram_size", 3), ("length_penalty", 1.0), ("strip_punctuation", True)])),
            ("entailment", collections.OrderedDict([
                ("prompt", ' does the image describe " {hypothesis} "?'),
                ("premise_prompt", ' can image and text1 " {premise} " imply text2 " {hypothesis} "?'),
                ("answers", [" yes", " no", " maybe"])])),
        ])),
    ])


def map_weights(state, source):
    """fairseq-named tensors -> the engine's tensors: drops unused ones, folds the tied copies."""
    out = collections.OrderedDict()
    embed = state.get("encoder.embed_tokens.weight")
    if embed is None:
        raise ConversionError("%s: tensor 'encoder.embed_tokens.weight' is missing" % source)
    for name, tensor in state.items():
        if not isinstance(tensor, torch.Tensor):
            raise ConversionError("%s: state entry '%s' is not a tensor" % (source, name))
        if DROPPED.search(name):
            continue
        if name in TIED_COPIES:
            # Stored once (fairseq) or up to three times (Hugging Face): every copy must be the same.
            if tensor.shape != embed.shape or not torch.equal(tensor.float(), embed.float()):
                raise ConversionError("%s: '%s' differs from 'encoder.embed_tokens.weight'; the engine needs the "
                                      "tied (shared) embedding" % (source, name))
            continue
        out[name] = tensor
    return out


def write_safetensors(path, tensors, dtype, metadata):
    """Writes tensors in `dtype` (float ones) back to back, widest first, 8-byte-aligned header."""
    names = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64"}
    prepared = []
    for name, t in tensors.items():
        t = t.detach().to(dtype if t.is_floating_point() else t.dtype).contiguous()
        if t.is_floating_point() and not torch.isfinite(t).all():
            raise ConversionError("tensor '%s' has values that are not finite in %s" % (name, names[dtype]))
        if t.dtype not in names:
            raise ConversionError("tensor '%s' has unsupported dtype %s" % (name, t.dtype))
        prepared.append((name, t))
    prepared.sort(key=lambda item: -item[1].element_size())  # stable: keeps the state's order within a width
    header, offset = collections.OrderedDict(), 0
    header["__metadata__"] = metadata
    for name, t in prepared:
        size = t.numel() * t.element_size()
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp-convert"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for _, t in prepared:
            f.write(t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    os.replace(tmp, path)


def copy_tokenizer(options, hf_dir, out_dir):
    candidates = []
    if options.bpe_dir:
        candidates.append((options.bpe_dir, ("encoder.json", "vocab.bpe", "dict.txt")))
        candidates.append((options.bpe_dir, ("vocab.json", "merges.txt")))
    if hf_dir:
        candidates.append((hf_dir, ("vocab.json", "merges.txt")))
    for folder, files in candidates:
        if all(os.path.isfile(os.path.join(folder, f)) for f in files):
            for f in files:
                shutil.copyfile(os.path.join(folder, f), os.path.join(out_dir, f))
            return files
    if hf_dir:
        raise ConversionError("%s: no vocab.json + merges.txt in the folder; give --bpe-dir DIR with OFA's "
                              "encoder.json, vocab.bpe and dict.txt" % hf_dir)
    if options.bpe_dir:
        raise ConversionError("%s: needs OFA's encoder.json, vocab.bpe and dict.txt (or vocab.json + merges.txt)"
                              % options.bpe_dir)
    raise ConversionError("%s: a fairseq checkpoint carries no tokenizer files; give --bpe-dir DIR with OFA's "
                          "encoder.json, vocab.bpe and dict.txt (OFA's utils/BPE folder)" % options.checkpoint)


def read_checkpoint(path):
    """(state dict, settings, Hugging Face folder or None)."""
    if os.path.isdir(path):
        config_path = os.path.join(path, "config.json")
        if not os.path.isfile(config_path):
            raise ConversionError("%s: a Hugging Face folder needs config.json" % path)
        try:
            with open(config_path, encoding="utf-8") as f:
                config = json.load(f)
        except ValueError as e:
            raise ConversionError("%s: invalid JSON: %s" % (config_path, e))
        settings = hf_settings(config, config_path)
        state = collections.OrderedDict()
        index = os.path.join(path, "pytorch_model.bin.index.json")
        if os.path.isfile(os.path.join(path, "model.safetensors")):
            parts = [os.path.join(path, "model.safetensors")]
        elif os.path.isfile(os.path.join(path, "pytorch_model.bin")):
            parts = [os.path.join(path, "pytorch_model.bin")]
        elif os.path.isfile(index):
            with open(index, encoding="utf-8") as f:
                shards = sorted(set(json.load(f).get("weight_map", {}).values()))
            parts = [os.path.join(path, os.path.basename(s)) for s in shards]
        else:
            raise ConversionError("%s: no pytorch_model.bin or model.safetensors in the folder" % path)
        for part in parts:
            loaded = load_safetensors(part) if part.endswith(".safetensors") else load_torch_file(part)
            if not isinstance(loaded, dict):
                raise ConversionError("%s: expected a state dict" % part)
            state.update(loaded)
        if state and all(k.startswith("model.") for k in state):
            state = collections.OrderedDict((k[len("model."):], v) for k, v in state.items())
        state = collections.OrderedDict((hf_to_fairseq(k), v) for k, v in state.items())
        return state, settings, path
    if not os.path.isfile(path):
        raise ConversionError("%s: no such file or folder" % path)
    ckpt = load_torch_file(path)
    settings = fairseq_settings(ckpt, path)
    if not isinstance(ckpt["model"], dict):
        raise ConversionError("%s: 'model' is not a state dict" % path)
    return ckpt["model"], settings, None


def main(argv):
    parser = argparse.ArgumentParser(prog="mue convert-ofa", description=__doc__.split("\n\n")[0])
    parser.add_argument("checkpoint", help="fairseq .pt file or Hugging Face OFA folder")
    parser.add_argument("out_dir", help="model folder to write (created; must be empty or absent)")
    parser.add_argument("--bpe-dir", help="folder with OFA's encoder.json, vocab.bpe and dict.txt")
    parser.add_argument("--dtype", choices=("fp32", "fp16"), default="fp32", help="weight type in model.safetensors")
    parser.add_argument("--image-size", type=int, help="input side in pixels (default: the task's patch_image_size, else 480)")
    parser.add_argument("--encoder-mode", choices=("joint", "decomposed"), help="default: decomposed for MuE checkpoints, else joint")
    parser.add_argument("--image-relative-bias", choices=("yes", "no"),
                        help="2D relative bias in the decomposed image stream (default: no for MuE, as its released code)")
    parser.add_argument("--model-id", help="model name (default: the checkpoint's file name)")
    try:
        options = parser.parse_args(argv)
    except SystemExit as e:
        return EXIT_OK if e.code == 0 else EXIT_USAGE
    if options.image_relative_bias is not None:
        options.image_relative_bias = options.image_relative_bias == "yes"
    if options.image_size is not None and (options.image_size < 16 or options.image_size % 16):
        sys.stderr.write("mue convert-ofa: --image-size must be a positive multiple of 16\n")
        return EXIT_USAGE
    out_dir = options.out_dir
    if os.path.exists(out_dir) and (not os.path.isdir(out_dir) or os.listdir(out_dir)):
        sys.stderr.write("error: %s: exists and is not an empty folder\n" % out_dir)
        return EXIT_BAD_INPUT
    try:
        state, settings, hf_dir = read_checkpoint(options.checkpoint)
        weights = map_weights(state, options.checkpoint)
        config = build_config(settings, state, options.checkpoint, options)
        os.makedirs(out_dir, exist_ok=True)
        tokenizer_files = copy_tokenizer(options, hf_dir, out_dir)
        dtype = torch.float16 if options.dtype == "fp16" else torch.float32
        write_safetensors(os.path.join(out_dir, "model.safetensors"), weights, dtype,
                          {"format": "pt", "mue.converted_from": os.path.basename(os.path.normpath(options.checkpoint))})
        with open(os.path.join(out_dir, "config.json"), "w", encoding="utf-8") as f:
            f.write(json.dumps(config, indent=2) + "\n")
    except ConversionError as e:
        sys.stderr.write("error: %s\n" % e)
        return EXIT_BAD_INPUT
    print("wrote %s: %d tensors (%s), tokenizer %s" % (out_dir, len(weights), options.dtype, " ".join(tokenizer_files)))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
