import numpy as np

from looplab.learning.evaluation import cluster_acc, confusion, hungarian_mapping, purity, scores


def test_relabelled_clusters_score_perfectly():
    labels = np.array([0, 0, 1, 1, 2, 2, 2])
    clusters = np.array([2, 2, 0, 0, 1, 1, 1])
    assert cluster_acc(labels, clusters) == 1.0
    assert hungarian_mapping(labels, clusters).tolist() == [1, 2, 0]
    assert scores(labels, clusters) == {"acc": 1.0, "nmi": 1.0, "ari": 1.0}


def test_one_to_one_matching_not_majority():
    labels = np.array([0, 0, 0, 0, 1, 1])
    clusters = np.array([0, 0, 1, 1, 1, 1])  # both clusters are mostly label 0 or split
    assert cluster_acc(labels, clusters) == 4 / 6
    assert confusion(labels, clusters).tolist() == [[2, 0], [2, 2]]
    np.testing.assert_allclose(purity(labels, clusters), [1.0, 0.5])
