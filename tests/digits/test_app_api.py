"""The digits app through the server: predictions are kept, corrections counted, clusters named, alerts sent."""

from __future__ import annotations

import io
import zlib

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont
from tests.conftest import SHARED_DATA

from looplab.digits.models import DigitImage


def png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def paper_digit(digit: int, size: int = 200) -> bytes:
    """A dark digit on light paper, the way people photograph or draw them."""
    canvas = Image.new("L", (size, size), 240)
    font = ImageFont.truetype("DejaVuSans-Bold.ttf", int(size * 0.7))
    ImageDraw.Draw(canvas).text((size // 2, size // 2), str(digit), fill=20, font=font, anchor="mm")
    return png(np.asarray(canvas))


@pytest.fixture(scope="module")
def mnist_samples() -> tuple[np.ndarray, np.ndarray]:
    from looplab.digits import mnist

    folder = SHARED_DATA / "mnist"
    if not folder.is_dir():
        pytest.skip(f"real MNIST not found at {folder}")
    images, labels = mnist.load_split(folder, "t10k")
    rng = np.random.default_rng(7)
    pick = rng.choice(len(images), 40, replace=False)
    return images[pick], labels[pick]


def upload(api: TestClient, headers: dict, files: list[tuple[str, bytes]], source: str = "upload") -> list[dict]:
    response = api.post(
        "/api/digits/images",
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        data={"source": source},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_uploads_are_predicted_and_kept_with_their_normalised_image(api, player_headers, mnist_samples) -> None:
    images, labels = mnist_samples
    # MNIST is white ink on black: invert to paper colours so the normaliser has to detect polarity.
    files = [(f"mnist-{i}.png", png(255 - image)) for i, image in enumerate(images)]
    results = upload(api, player_headers, files)
    assert all(r["error"] is None for r in results)
    predicted = np.array([r["image"]["digit"] for r in results])
    assert (predicted == labels).mean() >= 0.9, (predicted, labels)
    first = results[0]["image"]
    normalised = api.get(f"/api/digits/images/{first['id']}/normalised.png", headers=player_headers)
    assert normalised.status_code == 200
    assert Image.open(io.BytesIO(normalised.content)).size == (28, 28)
    original = api.get(f"/api/digits/images/{first['id']}/original.png", headers=player_headers)
    assert original.content == files[0][1]
    assert len(api.get("/api/digits/images", headers=player_headers, params={"limit": 500}).json()) == len(files)


def test_bad_files_get_a_reason_and_store_nothing(api, player_headers) -> None:
    platform = api.app.state.platform
    blobs_before = set(platform.blobs.list_keys())
    blank = png(np.full((64, 64), 255, np.uint8))
    truncated = paper_digit(3)[:200]
    bomb = bytearray(png(np.zeros((8, 8), np.uint8)))
    bomb[16:24] = (100_000).to_bytes(4, "big") * 2  # the IHDR claims 100000 x 100000 pixels
    bomb[29:33] = zlib.crc32(bytes(bomb[12:29])).to_bytes(4, "big")  # with a valid checksum
    gif = io.BytesIO()
    Image.new("L", (20, 20), 255).save(gif, format="GIF")
    results = upload(
        api,
        player_headers,
        [("empty.png", b""), ("notes.txt", b"hello"), ("blank.png", blank), ("cut.png", truncated),
         ("bomb.png", bytes(bomb)), ("anim.gif", gif.getvalue())],
    )  # fmt: skip
    reasons = {r["filename"]: r["error"] for r in results}
    assert all(reasons.values()), reasons
    assert "not an image" in reasons["notes.txt"]
    assert "GIF" in reasons["anim.gif"]
    assert "blank" in reasons["blank.png"].lower() or "no ink" in reasons["blank.png"].lower()
    assert "Mpx" in reasons["bomb.png"] or "bomb" in reasons["bomb.png"]
    assert set(platform.blobs.list_keys()) == blobs_before
    with platform.db.session() as session:
        assert session.query(DigitImage).count() == 0


def test_paper_digits_corrections_naming_and_privacy(api, player_headers, admin_headers) -> None:
    results = upload(api, player_headers, [(f"{d}.png", paper_digit(d)) for d in range(10)], source="canvas")
    correct = sum(r["image"]["digit"] == d for d, r in zip(range(10), results, strict=True))
    assert correct >= 8, [r["image"]["digit"] for r in results]
    image = results[4]["image"]
    fixed = api.post(f"/api/digits/images/{image['id']}/correction", json={"digit": 4}, headers=player_headers)
    assert fixed.status_code == 200 and fixed.json()["corrected_digit"] == 4
    out_of_range = api.post(f"/api/digits/images/{image['id']}/correction", json={"digit": 12}, headers=player_headers)
    assert out_of_range.status_code == 422
    # another player sees neither the image nor its files
    api.post("/api/auth/register", json={"name": "nosy", "password": "nosy-password"})
    from tests.conftest import login

    nosy = login(api, "nosy", "nosy-password")
    assert api.get(f"/api/digits/images/{image['id']}/original.png", headers=nosy).status_code == 404
    assert api.get("/api/digits/images", headers=nosy).json() == []
    # admins name clusters; the app then uses the name, the evaluation mapping stays as it was
    cluster = image["cluster"]
    before = {c["cluster"]: c for c in api.get("/api/digits/clusters", headers=player_headers).json()}
    assert before[cluster]["digit_source"] == "evaluation"
    name_url = f"/api/digits/clusters/{cluster}/name"
    assert api.post(name_url, json={"digit": 7}, headers=player_headers).status_code == 403
    assert api.post(name_url, json={"digit": 7}, headers=admin_headers).status_code == 204
    after = {c["cluster"]: c for c in api.get("/api/digits/clusters", headers=player_headers).json()}
    assert (after[cluster]["digit"], after[cluster]["digit_source"]) == (7, "named")
    assert after[cluster]["evaluation_digit"] == before[cluster]["evaluation_digit"]
    renamed = upload(api, player_headers, [("again.png", paper_digit(4, 180))])[0]["image"]
    if renamed["cluster"] == cluster:
        assert renamed["digit"] == 7
    strip = api.get(f"/api/digits/clusters/{cluster}/exemplars.png", headers=player_headers)
    assert strip.status_code == 200 and Image.open(io.BytesIO(strip.content)).size[1] == 28


def test_accuracy_drop_on_feedback_sends_one_alert(api, player_headers) -> None:
    platform = api.app.state.platform
    platform.settings.digits_alert_min_feedback = 4
    platform.settings.digits_alert_accuracy = 0.75
    results = upload(api, player_headers, [(f"{d}.png", paper_digit(d)) for d in (1, 2, 3, 5, 6, 8)])
    for result in results:  # every correction disagrees with the prediction
        image = result["image"]
        wrong = (image["digit"] + 1) % 10 if image["digit"] is not None else 0
        api.post(f"/api/digits/images/{image['id']}/correction", json={"digit": wrong}, headers=player_headers)
    events = [n.event for n in platform.notifier.history()]
    assert events.count("digits_accuracy_dropped") == 1
    summary = api.get("/api/digits/summary", headers=player_headers).json()
    assert summary["corrected"] == 6 and summary["recent_feedback_accuracy"] == 0.0
