"""``looplab pictionary ...``: offline commands (evaluate, guess, train, data fetch, words fetch).

Heavy imports (numpy, cv2, onnxruntime, torch) stay inside the commands so ``looplab --help`` is fast.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import typer

app = typer.Typer(help="Pictionary: guess Quick, Draw! doodles, train and evaluate the guesser.", no_args_is_help=True)
data_app = typer.Typer(help="Quick, Draw! bitmaps for training.", no_args_is_help=True)
words_app = typer.Typer(help="The game's words.", no_args_is_help=True)
app.add_typer(data_app, name="data")
app.add_typer(words_app, name="words")


def _echo_json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False))


@app.command()
def evaluate(
    data: Path = typer.Option(..., "--data", help="Folder of <category>.npy bitmaps."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most N drawings per class."),
    all_rows: bool = typer.Option(
        False, "--all-rows", help="Use every row, not only the held-out last 15% of each file."
    ),
) -> None:
    """Top-1/top-3 of the bundled model on the categories it knows."""
    import numpy as np

    from looplab.pictionary import quickdraw
    from looplab.pictionary.model import Guesser, top_k_metrics

    guesser = Guesser.from_bundled()
    known = [name for name in guesser.classes if (data / f"{name}.npy").exists()]
    if not known:
        typer.echo(f"no <category>.npy of the model's {len(guesser.classes)} classes in {data}", err=True)
        raise typer.Exit(1)
    images, labels = [], []
    for name in known:
        rows = quickdraw.load_bitmaps(data / f"{name}.npy")
        rows = rows if all_rows else rows[quickdraw.holdout_start(len(rows)) :]
        rows = rows[:limit]
        images.append(rows)
        labels.append(np.full(len(rows), guesser.classes.index(name)))
    x, y = np.concatenate(images), np.concatenate(labels)
    started = time.perf_counter()
    probs = np.concatenate([guesser.probabilities(x[i : i + 512]) for i in range(0, len(x), 512)])
    ms = (time.perf_counter() - started) * 1000 / max(1, len(x))
    result = top_k_metrics(probs, y, guesser.classes) | {"ms_per_drawing": round(ms, 4)}
    if as_json:
        _echo_json(result)
        return
    typer.echo(f"model {guesser.version}: top-1 {result['top1']:.3f}  top-3 {result['top3']:.3f}  n {result['n']}")
    for name, row in result["per_class"].items():
        typer.echo(f"  {name:<14} top-1 {row['top1']:.3f}  n {row['n']}")
    typer.echo(f"{ms:.3f} ms per drawing")


@app.command()
def guess(
    files: list[Path] = typer.Argument(..., help="ndjson files: one {'word', 'drawing'} object per line."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    top: int = typer.Option(3, "--top", min=1, help="Guesses per drawing."),
) -> None:
    """Guess each drawing with the live game's rasteriser and model; a bad line gets an error, not a stop."""
    from looplab.imaging.strokes import StrokeError, rasterize
    from looplab.pictionary.model import Guesser
    from looplab.pictionary.quickdraw import read_ndjson

    guesser = Guesser.from_bundled()
    results: list[dict] = []
    unreadable = False
    for path in files:
        try:
            lines = list(read_ndjson(path))
        except (OSError, UnicodeDecodeError) as err:
            typer.echo(f"{path}: cannot read ({err.__class__.__name__}: {err})", err=True)
            unreadable = True
            continue
        for number, record, error in lines:
            word = record.get("word") if record else None
            entry: dict = {"file": str(path), "line": number, "word": word if isinstance(word, str) else None}
            if error is None:
                try:
                    image = rasterize(record["drawing"])
                    entry["guesses"] = [[w, p] for w, p in guesser.guess_bitmaps(image, top)[0]]
                except StrokeError as err:
                    error = str(err)
            if error is not None:
                entry["error"] = error
            results.append(entry)
    if as_json:
        _echo_json(results)
    else:
        for entry in results:
            where = f"{entry['file']}:{entry['line']}"
            if "error" in entry:
                typer.echo(f"{where}  error: {entry['error']}")
            else:
                shown = ", ".join(f"{w} {p:.2f}" for w, p in entry["guesses"])
                typer.echo(f"{where}  {entry['word'] or '?'} -> {shown}")
    if unreadable:
        raise typer.Exit(1)


@app.command()
def train(
    data: Path = typer.Option(..., "--data", help="Folder of <category>.npy bitmaps (all become classes)."),
    out: Path = typer.Option(Path("pictionary-model"), "--out", help="Writes model.onnx, state_dict.npz, model.json."),
    epochs: int | None = typer.Option(None, "--epochs", min=1, help="Training epochs (default: the bundled model's)."),
    strokes: Path | None = typer.Option(None, "--strokes", help="Folder of <category>.ndjson to report accuracy on."),
    threads: int = typer.Option(1, "--threads", min=1, max=16),
) -> None:
    """Train the guesser like the bundled one (held out: the last 15% rows of each file)."""
    from tqdm import tqdm

    from looplab.pictionary.training import DEFAULT_EPOCHS, train_model

    with tqdm(total=100, unit="%", desc="pictionary", file=sys.stderr) as bar:

        def progress(fraction: float, message: str) -> None:
            bar.n = round(100 * fraction)
            bar.set_postfix_str(message)
            bar.refresh()

        onnx_bytes, state, metadata = train_model(
            data, epochs=epochs or DEFAULT_EPOCHS, strokes_dir=strokes, threads=threads, progress=progress
        )
    out.mkdir(parents=True, exist_ok=True)
    (out / "model.onnx").write_bytes(onnx_bytes)
    (out / "state_dict.npz").write_bytes(state)
    (out / "model.json").write_text(json.dumps(metadata, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    metrics = metadata["metrics"]["holdout_bitmaps"]
    typer.echo(f"{out}: held-out top-1 {metrics['top1']:.3f} top-3 {metrics['top3']:.3f} (n {metrics['n']})")


@data_app.command("fetch")
def data_fetch(
    categories: list[str] | None = typer.Option(
        None, "--categories", help="Category names (repeat, or comma-separate); default: the starter words."
    ),
    source: Path | None = typer.Option(None, "--from", help="Copy from this folder instead of downloading."),
    dest: Path = typer.Option(Path("data/quickdraw"), "--dest", help="Where <category>.npy files go."),
) -> None:
    """Download (resumable) or import Quick, Draw! numpy bitmaps."""
    from tqdm import tqdm

    from looplab.pictionary import quickdraw
    from looplab.pictionary.words import starter_words

    names = [n.strip() for item in categories or [] for n in item.split(",") if n.strip()]
    names = names or [w.word for w in starter_words()]
    try:
        if source is not None:
            paths = quickdraw.import_from(source, dest, names)
        else:
            with tqdm(total=1000, desc="quickdraw", file=sys.stderr) as bar:

                def progress(fraction: float, message: str) -> None:
                    bar.n = round(1000 * fraction)
                    bar.set_postfix_str(message)
                    bar.refresh()

                paths = quickdraw.fetch(names, dest, progress=progress)
    except (quickdraw.DataError, OSError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from err
    except Exception as err:  # httpx errors, without importing httpx at module level
        typer.echo(f"download failed: {err}", err=True)
        raise typer.Exit(1) from err
    typer.echo(f"{len(paths)} categories in {dest}")


@words_app.command("fetch")
def words_fetch(
    file: Path | None = typer.Option(None, "--file", help="A categories.txt (one name per line); default: all 345."),
    out: Path | None = typer.Option(None, "--out", help="Write the JSON here instead of printing it."),
) -> None:
    """Quick, Draw! category names -> game words with categories (animals, food, ...), as JSON."""
    from looplab.pictionary.words import category_map, parse_categories

    text = file.read_text(encoding="utf-8") if file else "\n".join(category_map())
    payload = json.dumps([w.to_dict() for w in parse_categories(text)], indent=1, ensure_ascii=False)
    if out:
        out.write_text(payload + "\n", encoding="utf-8")
        typer.echo(f"{out}: written")
    else:
        typer.echo(payload)
