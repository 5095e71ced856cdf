"""A trained model as plain arrays: what is stored, and what predicts.

Serialised with ``numpy.savez`` (no pickle: loading runs no code), so the bytes are the model
and their SHA-256 identifies it. Per label: the sparse weights of a linear model over the
hashed features (only features seen in training have a weight), its intercept, and the
Platt-scaling pair (a, b) that turns a score s into the calibrated probability
1 / (1 + exp(-(a·s + b))). The trigger lexicon maps each label to the folded words coders
marked as its trigger, with their share of that label's triggers.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from scipy import sparse
from scipy.special import expit

__all__ = ["ALGORITHM", "FEATURES", "N_FEATURES", "Artifact"]

ALGORITHM = "athar-recommender/1"
N_FEATURES = 2**18
FEATURES = f"words-affix3-clitic-bigrams-hash{N_FEATURES}-l2"  # coding.recommender.features


@dataclass(frozen=True, eq=False)
class Artifact:
    labels: tuple[str, ...]
    indices: tuple[np.ndarray, ...]  # int32 feature indices with a weight, per label
    weights: tuple[np.ndarray, ...]  # float32, aligned with indices
    intercepts: np.ndarray  # float64, one per label
    platt: np.ndarray  # float64 (n_labels, 2): a, b
    lexicon: dict[str, dict[str, float]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def matrix(self) -> sparse.csr_matrix:
        """Weights as one (n_features × n_labels) sparse matrix, built once per artifact."""
        cols = [np.full(len(ix), k, dtype=np.int32) for k, ix in enumerate(self.indices)]
        rows = np.concatenate(self.indices) if self.indices else np.zeros(0, np.int32)
        data = np.concatenate(self.weights) if self.weights else np.zeros(0, np.float32)
        col = np.concatenate(cols) if cols else np.zeros(0, np.int32)
        return sparse.csr_matrix(
            (data.astype(np.float64), (rows, col)), shape=(N_FEATURES, len(self.labels))
        )

    def probabilities(self, features: sparse.csr_matrix) -> np.ndarray:
        """Calibrated probability of each label (columns) for each row of ``features``."""
        if not self.labels:
            return np.zeros((features.shape[0], 0))
        scores = (features @ self.matrix).toarray() + self.intercepts
        z = scores * self.platt[:, 0] + self.platt[:, 1]
        return expit(z)  # 1 / (1 + e^-z) without overflow for large |z|

    def to_bytes(self) -> bytes:
        header = {
            "algorithm": ALGORITHM,
            "features": FEATURES,
            "labels": list(self.labels),
            "lexicon": self.lexicon,
            "meta": self.meta,
        }
        arrays: dict[str, np.ndarray] = {
            "header": np.frombuffer(json.dumps(header, sort_keys=True).encode(), dtype=np.uint8),
            "intercepts": self.intercepts.astype(np.float64),
            "platt": self.platt.astype(np.float64).reshape(len(self.labels), 2),
        }
        for k in range(len(self.labels)):
            arrays[f"i{k}"] = self.indices[k].astype(np.int32)
            arrays[f"w{k}"] = self.weights[k].astype(np.float32)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]  # numpy's stub: str keys
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Artifact:
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            header = json.loads(bytes(stored["header"]).decode())
            if header["algorithm"] != ALGORITHM or header["features"] != FEATURES:
                raise ValueError(
                    f"model made by {header['algorithm']} with {header['features']}, "
                    f"this is {ALGORITHM} with {FEATURES}: train it again"
                )
            n = len(header["labels"])
            return cls(
                labels=tuple(header["labels"]),
                indices=tuple(stored[f"i{k}"] for k in range(n)),
                weights=tuple(stored[f"w{k}"] for k in range(n)),
                intercepts=stored["intercepts"],
                platt=stored["platt"].reshape(n, 2),
                lexicon=header["lexicon"],
                meta=header["meta"],
            )

    def sha256(self) -> str:
        """Digest of the content (not of the zip bytes, whose entries carry a time stamp):
        two trainings on the same gold with the same seed give the same digest."""
        digest = hashlib.sha256()
        header = {"labels": list(self.labels), "lexicon": self.lexicon, "meta": self.meta}
        digest.update(json.dumps(header, sort_keys=True).encode())
        digest.update(np.ascontiguousarray(self.intercepts, dtype=np.float64).tobytes())
        digest.update(np.ascontiguousarray(self.platt, dtype=np.float64).tobytes())
        for ix, w in zip(self.indices, self.weights, strict=True):
            digest.update(np.ascontiguousarray(ix, dtype=np.int32).tobytes())
            digest.update(np.ascontiguousarray(w, dtype=np.float32).tobytes())
        return digest.hexdigest()
