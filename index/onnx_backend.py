"""The ONNX Runtime backend of the encoder: the same model, exported once, run without torch.

sentence-transformers' own `backend="onnx"` needs optimum-onnx, whose only release requires
transformers < 4.58 while sentence-transformers 6 requires transformers >= 5; so the export is
done here with `torch.onnx.export` and int8 with onnxruntime's dynamic quantisation. The files
are cached beside the model folder (`<model folder>-onnx/`), written atomically, and reused:
nothing is downloaded. At run time the encoder needs only onnxruntime, tokenizers and numpy:
tokenise, run the transformer, mean-pool over the attention mask, normalise.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from index.encoders import QueryBatcher

logger = logging.getLogger(__name__)

FP32_FILE = "model.onnx"
INT8_FILE = "model_qint8.onnx"
CONFIG_FILE = "encoder.json"
OPSET = 17


def onnx_dir(model_folder: Path) -> Path:
    """Where the ONNX files of the sentence-transformers folder `model_folder` are cached."""
    return model_folder.with_name(model_folder.name + "-onnx")


def _write_atomically(path: Path, write) -> None:
    """Call `write(tmp_path)` and rename the result to `path`: readers never see half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.tmp-")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the cache from other users of the folder
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_onnx(model, folder: Path, quantize: bool) -> Path:
    """Export the SentenceTransformer `model` (Transformer, mean Pooling, Normalize) into `folder`.

    Returns the .onnx file the backend asked for; the fp32 file is always written first, as
    int8 quantisation starts from it. Both are skipped when already present.
    """
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    transformer, pooling = model[0], model[1]
    mode = getattr(pooling, "pooling_mode", None) or ("mean" if getattr(pooling, "pooling_mode_mean_tokens", False) else None)
    if mode != "mean" or len(model) != 3:
        raise ValueError("the ONNX backend supports models made of Transformer, mean Pooling and Normalize only")
    fp32 = folder / FP32_FILE
    if not fp32.is_file():
        start = time.perf_counter()
        bert = transformer.auto_model.eval()

        class _Hidden(torch.nn.Module):
            def __init__(self, inner):
                super().__init__()
                self.inner = inner

            def forward(self, input_ids, attention_mask):
                return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

        sample = model.tokenizer(["query: contoh", "passage: contoh kalimat yang lebih panjang"], padding=True, return_tensors="pt")
        axes = {"batch": 0, "tokens": 1}

        def write(tmp: Path) -> None:
            with torch.no_grad():
                torch.onnx.export(
                    _Hidden(bert), (sample["input_ids"], sample["attention_mask"]), str(tmp),
                    input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                    dynamic_axes={n: {v: k for k, v in axes.items()} for n in ("input_ids", "attention_mask", "last_hidden_state")},
                    opset_version=OPSET, dynamo=False,
                )  # fmt: skip

        _write_atomically(fp32, write)
        config = {
            "max_seq_length": int(model.max_seq_length),
            "prompts": dict(getattr(model, "prompts", None) or {}),
            "dimension": int(model.get_embedding_dimension() if hasattr(model, "get_embedding_dimension") else model.get_sentence_embedding_dimension()),
        }
        _write_atomically(folder / CONFIG_FILE, lambda tmp: tmp.write_text(json.dumps(config, indent=2), "utf-8"))
        logger.info("Exported %s to ONNX in %.1f s", folder.name, time.perf_counter() - start)
    if not quantize:
        return fp32
    int8 = folder / INT8_FILE
    if not int8.is_file():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        start = time.perf_counter()
        # Per-channel int8 weights; activations are quantised on the fly (no calibration data).
        _write_atomically(int8, lambda tmp: quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True))
        logger.info("Quantised %s to int8 in %.1f s", folder.name, time.perf_counter() - start)
    return int8


class OnnxEncoder:
    """Runs an exported model with onnxruntime; vectors match the torch backend's (see tests)."""

    def __init__(self, onnx_file: Path, tokenizer_file: Path, name: str, backend: str, threads: int = 0, batch_size: int = 32):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        config = json.loads((onnx_file.parent / CONFIG_FILE).read_text("utf-8"))
        self.name = name
        self.backend = backend
        self.path = onnx_file
        self.dimension = int(config["dimension"])
        self.batch_size = batch_size
        prompts = config.get("prompts") or {}
        self._query_prefix = prompts.get("query", "")
        self._passage_prefix = prompts.get("passage", "")
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.enable_truncation(max_length=int(config["max_seq_length"]))
        pad_id = self._tokenizer.token_to_id("<pad>")
        self._tokenizer.enable_padding(pad_id=pad_id if pad_id is not None else 0)
        options = ort.SessionOptions()
        cores = os.cpu_count() or 1
        options.intra_op_num_threads = min(threads, cores) if threads > 0 else cores
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle threads sleep instead of spinning: the bot's event loop and other processes share the cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()  # one run at a time: two would only split the same cores
        self._queries = QueryBatcher(lambda texts: self._encode(texts, self._query_prefix))

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        with self._lock:
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        texts = [prefix + t for t in texts]
        chunks = [self._run(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return np.concatenate(chunks).astype(np.float32, copy=False)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if len(texts) == 1:
            return self._queries(texts[0])[None, :]
        return self._encode(texts, self._query_prefix)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        # Longest first keeps padding low inside each batch; the order is restored after.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vectors = self._encode([texts[i] for i in order], self._passage_prefix)
        out = np.empty_like(vectors)
        out[order] = vectors
        return out
