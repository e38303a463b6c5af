"""Scoring a clustering against true labels, only after fitting: the labels never reach the model."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score


def confusion(labels: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """Counts ``(n_clusters, n_labels)``: row = predicted cluster, column = true label."""
    labels, clusters = np.asarray(labels, dtype=np.int64), np.asarray(clusters, dtype=np.int64)
    n_clusters, n_labels = int(clusters.max(initial=-1)) + 1, int(labels.max(initial=-1)) + 1
    matrix = np.zeros((n_clusters, n_labels), dtype=np.int64)
    np.add.at(matrix, (clusters, labels), 1)
    return matrix


def hungarian_mapping(labels: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """``mapping[cluster] = label`` maximising matches; unmatched clusters get their majority label."""
    matrix = confusion(labels, clusters)
    rows, cols = linear_sum_assignment(-matrix)
    mapping = matrix.argmax(axis=1) if matrix.size else np.zeros(0, dtype=np.int64)
    mapping[rows] = cols
    return mapping


def cluster_acc(labels: np.ndarray, clusters: np.ndarray) -> float:
    """Accuracy under the best one-to-one matching of clusters to labels (Hungarian)."""
    matrix = confusion(labels, clusters)
    rows, cols = linear_sum_assignment(-matrix)
    return float(matrix[rows, cols].sum() / max(1, len(labels)))


def purity(labels: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """Per-cluster share of its majority label (NaN for an empty cluster)."""
    matrix = confusion(labels, clusters).astype(np.float64)
    sizes = matrix.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sizes > 0, matrix.max(axis=1) / sizes, np.nan)


def scores(labels: np.ndarray, clusters: np.ndarray) -> dict[str, float]:
    return {
        "acc": cluster_acc(labels, clusters),
        "nmi": float(normalized_mutual_info_score(labels, clusters)),
        "ari": float(adjusted_rand_score(labels, clusters)),
    }
