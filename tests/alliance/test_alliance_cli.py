import json
import struct
import zlib

from typer.testing import CliRunner

from looplab.alliance.cli import app
from tests.alliance.synth import make_screenshot


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_header(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` (a decompression bomb's calling card)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def test_read_json_with_good_and_bad_files(tmp_path):
    from PIL import Image

    good = tmp_path / "good.png"
    screen = make_screenshot(31, size=(720, 1600), jpeg=False)
    Image.fromarray(screen.image).save(good)
    jpeg = tmp_path / "full.jpg"
    Image.fromarray(screen.image).save(jpeg, quality=90)
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(jpeg.read_bytes()[:2000])
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    text = tmp_path / "notes.png"
    text.write_text("not an image at all\n")
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_header(100_000, 100_000))
    absurd = tmp_path / "absurd.png"
    absurd.write_bytes(_png_header(1, 30_000))

    paths = [good, empty, truncated, text, bomb, absurd]
    result = CliRunner().invoke(app, ["read", *map(str, paths), "--json"])
    assert result.exit_code == 1, result.output
    out = json.loads(result.output)
    assert [o["image"] for o in out] == [str(p) for p in paths]
    assert "rows" in out[0] and isinstance(out[0]["seconds"], float)
    assert len(out[0]["rows"]) >= len(screen.full_rows) // 2
    for row in out[0]["rows"]:
        assert set(row) == {"name", "numbers"}
        assert all(isinstance(n, int) for n in row["numbers"])
    for o in out[1:]:
        assert set(o) == {"image", "error"} and o["error"]
    assert "empty" in out[1]["error"]
    assert "bomb" in out[4]["error"] or "too large" in out[4]["error"]
    assert "absurd" in out[5]["error"]


def test_read_exit_zero_when_all_files_read(tmp_path):
    from PIL import Image

    good = tmp_path / "good.png"
    Image.fromarray(make_screenshot(32, size=(720, 1600)).image).save(good)
    result = CliRunner().invoke(app, ["read", str(good), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["rows"]


def test_a_screen_that_breaks_the_reader_does_not_stop_the_others(tmp_path, monkeypatch):
    from PIL import Image

    from looplab.alliance import reader

    paths = [tmp_path / f"{seed}.png" for seed in (33, 34)]
    for seed, path in zip((33, 34), paths, strict=True):
        Image.fromarray(make_screenshot(seed, size=(720, 1600)).image).save(path)
    read = reader.read_screenshot
    calls = []

    def breaks_first(image):
        calls.append(image.shape)
        if len(calls) == 1:
            raise IndexError("index 0 is out of bounds")
        return read(image)

    monkeypatch.setattr(reader, "read_screenshot", breaks_first)
    result = CliRunner().invoke(app, ["read", *map(str, paths), "--json"])
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert out[0] == {"image": str(paths[0]), "error": "reading failed: IndexError: index 0 is out of bounds"}
    assert out[1]["rows"] and "Traceback" in result.stderr
