"""The offline ``looplab pictionary`` commands, through Typer's runner."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from looplab.pictionary.cli import app

runner = CliRunner()


def _lines(strokes_dir: Path, name: str, n: int) -> list[str]:
    return (strokes_dir / f"{name}.ndjson").read_text().splitlines()[:n]


def test_guess_json_with_good_raw_and_bad_lines(tmp_path: Path, strokes_dir: Path):
    apple = _lines(strokes_dir, "apple", 2)
    raw = json.loads(_lines(strokes_dir, "house", 1)[0])
    raw["drawing"] = [
        [[x * 3 + 40 for x in s[0]], [y * 3 for y in s[1]], list(range(len(s[0])))] for s in raw["drawing"]
    ]
    path = tmp_path / "game.ndjson"
    path.write_text(
        "\n".join(
            [
                apple[0],
                json.dumps(raw),
                "{not json",
                json.dumps({"word": "cat", "drawing": [[[1, 2, 3], [1, 2]]]}),
                "",
                json.dumps({"drawing": []}),
                json.dumps({"word": "x"}),
                apple[1],
            ]
        )
    )
    result = runner.invoke(app, ["guess", str(path), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 6, 7, 8]
    assert all(r["file"] == str(path) for r in rows)
    ok = [r for r in rows if "guesses" in r]
    assert [r["line"] for r in ok] == [1, 2, 8]
    assert rows[0]["word"] == "apple" and rows[1]["word"] == "house" and rows[4]["word"] is None
    for r in ok:
        assert len(r["guesses"]) == 3 and all(isinstance(w, str) and 0 <= p <= 1 for w, p in r["guesses"])
    assert rows[1]["guesses"][0][0] == "house"
    errors = {r["line"]: r["error"] for r in rows if "error" in r}
    assert "not JSON" in errors[3] and "lengths differ" in errors[4] and "empty" in errors[6]
    assert "drawing" in errors[7]


def test_guess_unreadable_file_exits_1_but_reports_the_others(tmp_path: Path, strokes_dir: Path):
    good = tmp_path / "good.ndjson"
    good.write_text(_lines(strokes_dir, "apple", 1)[0] + "\n")
    result = runner.invoke(app, ["guess", str(tmp_path / "missing.ndjson"), str(good), "--json"])
    assert result.exit_code == 1
    assert [r["file"] for r in json.loads(result.stdout)] == [str(good)]


def test_evaluate_json(bitmaps_dir: Path):
    result = runner.invoke(app, ["evaluate", "--data", str(bitmaps_dir), "--json", "--limit", "30"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"top1", "top3", "n", "per_class", "ms_per_drawing"}
    assert report["n"] == 600 and len(report["per_class"]) == 20
    assert report["per_class"]["cat"]["n"] == 30 and 0 <= report["per_class"]["cat"]["top1"] <= 1
    assert report["top1"] >= 0.85 and report["top3"] >= report["top1"] and report["ms_per_drawing"] > 0


def test_evaluate_without_known_categories_fails(tmp_path: Path):
    result = runner.invoke(app, ["evaluate", "--data", str(tmp_path), "--json"])
    assert result.exit_code == 1


def test_words_fetch_maps_categories(tmp_path: Path):
    categories = tmp_path / "categories.txt"
    categories.write_text("cat\nThe Eiffel Tower\nbanana\n\nsomething new\ncat\n")
    result = runner.invoke(app, ["words", "fetch", "--file", str(categories)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"word": "cat", "category": "animals"},
        {"word": "The Eiffel Tower", "category": "places"},
        {"word": "banana", "category": "food"},
        {"word": "something new", "category": "other"},
    ]
    out = tmp_path / "words.json"
    assert runner.invoke(app, ["words", "fetch", "--out", str(out)]).exit_code == 0
    assert len(json.loads(out.read_text())) == 345


def test_data_fetch_from_a_folder(tmp_path: Path, bitmaps_dir: Path):
    dest = tmp_path / "data"
    result = runner.invoke(
        app,
        [
            "data",
            "fetch",
            "--categories",
            "cloud,smiley face",
            "--from",
            str(bitmaps_dir),
            "--dest",
            str(dest),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in dest.iterdir()) == ["cloud.npy", "smiley face.npy"]


def test_cli_module_imports_nothing_heavy():
    code = (
        "import sys; import looplab.pictionary.cli; "
        "heavy = {'torch', 'numpy', 'cv2', 'onnxruntime', 'sklearn'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
