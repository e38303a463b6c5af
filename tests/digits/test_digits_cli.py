import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from typer.testing import CliRunner

from looplab.digits.cli import app

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mnist"
runner = CliRunner()


def png_bomb() -> bytes:
    """A valid PNG header claiming 100000x100000 pixels (and hardly any data)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return len(payload).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (100_000).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


def digit_png(path: Path, text: str = "7") -> Path:
    image = Image.new("L", (140, 140), 255)
    ImageDraw.Draw(image).text((35, 5), text, fill=0, font=ImageFont.load_default(size=110))
    image.save(path)
    return path


def test_predict_json_reports_each_bad_file_and_goes_on(tmp_path):
    good = digit_png(tmp_path / "seven.png")
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(good.read_bytes()[:60])
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    text = tmp_path / "notes.png"
    text.write_text("this is not an image\n")
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb())
    blank = tmp_path / "blank.png"
    Image.new("RGB", (200, 200), "white").save(blank)
    files = [good, empty, truncated, text, bomb, blank, tmp_path / "missing.png"]
    result = runner.invoke(app, ["predict", *map(str, files), "--json"])
    assert result.exit_code == 1, result.output
    rows = json.loads(result.stdout)
    assert [row["image"] for row in rows] == [str(f) for f in files]
    assert rows[0]["digit"] == 7 and 0 <= rows[0]["cluster"] < 10 and 0 < rows[0]["confidence"] <= 1
    reasons = [row["error"] for row in rows[1:]]
    assert "empty" in reasons[0]
    assert "truncated" in reasons[1] or "corrupt" in reasons[1]
    assert "not an image" in reasons[2]
    assert "bomb" in reasons[3] or "too large" in reasons[3]
    assert "no ink" in reasons[4]
    assert "not found" in reasons[5]


def test_predict_exits_zero_when_all_good(tmp_path):
    result = runner.invoke(app, ["predict", str(digit_png(tmp_path / "a.png", "4")), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["digit"] == 4


@pytest.mark.skipif(not DATA.is_dir(), reason=f"REAL MNIST MISSING at {DATA}: evaluate CLI test skipped")
def test_evaluate_json_quick():
    args = ["evaluate", "--data", str(DATA), "--json", "--limit", "2000", "--self-train-epochs", "0"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"acc", "nmi", "ari", "n", "fit_seconds", "baseline_kmeans_acc"}
    assert out["n"] == 2000
    # 2,000 images and no self-training: about 0.84 (seeds 0, 1: 0.86, 0.84); the full fit is in bench/
    assert out["acc"] >= out["baseline_kmeans_acc"] + 0.2 and out["acc"] >= 0.78


def test_help_is_fast_and_light():
    code = (
        "import sys, time; t = time.perf_counter(); import looplab.digits.cli; "
        "print(time.perf_counter() - t, [m for m in ('torch', 'umap', 'sklearn', 'onnxruntime', 'cv2') "
        "if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    seconds, heavy = out.split(" ", 1)
    assert heavy.strip() == "[]"
    assert float(seconds) < 0.5
