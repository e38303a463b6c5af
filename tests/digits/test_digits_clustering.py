import numpy as np
import pytest
from sklearn.datasets import load_digits

from looplab.learning.clustering import KMeansPixels, ManifoldClusterer
from looplab.learning.evaluation import cluster_acc


@pytest.fixture(scope="module")
def small_digits():
    digits = load_digits()  # 1,797 8x8 digits, values 0..16
    images = np.clip(digits.images * 16, 0, 255).astype(np.uint8)
    return images, digits.target


def test_kmeans_baseline(small_digits):
    images, labels = small_digits
    model = KMeansPixels(random_state=0).fit(images)
    assert model.labels_.shape == labels.shape
    assert 0.6 < cluster_acc(labels, model.labels_) < 0.9
    np.testing.assert_array_equal(model.predict(images[:50]), model.labels_[:50])


def test_manifold_clusterer_beats_kmeans_without_labels(small_digits):
    images, labels = small_digits
    calls = []
    model = ManifoldClusterer(deskew=False, n_init=3, self_train_epochs=0, progress=lambda f, m: calls.append(f)).fit(
        images
    )
    acc = cluster_acc(labels, model.labels_)
    assert acc >= 0.85, acc
    assert calls == sorted(calls) and calls[-1] == 1.0
    assert set(np.unique(model.labels_)) == set(range(10))
    assert cluster_acc(labels[:200], model.predict(images[:200])) >= 0.8


def test_self_training_gives_a_classifier(small_digits):
    images, labels = small_digits
    upscaled = np.kron(images, np.ones((3, 3), np.uint8))[:600]  # 24x24, so the CNN has room to pool
    model = ManifoldClusterer(n_init=2, self_train_epochs=6, cnn_width=16, threads=1).fit(upscaled)
    assert model.model_ is not None and 0 < model.self_train_fraction_ <= 1
    assert model.self_train_agreement_ >= 0.9
    assert model.predict_proba(upscaled[:10]).shape == (10, 10)
    assert cluster_acc(labels[:600], model.labels_) >= 0.8


def test_a_failed_self_training_keeps_the_gmm_clusters(small_digits):
    images, _ = small_digits
    upscaled = np.kron(images, np.ones((3, 3), np.uint8))[:300]
    model = ManifoldClusterer(n_init=1, self_train_epochs=1, cnn_width=4, threads=1, min_agreement=1.01)
    model.fit(upscaled)
    assert model.model_ is None
    np.testing.assert_array_equal(model.labels_, model.gmm_labels_)
