"""``looplab alliance ...``: offline commands of the alliance tracker (heavy imports stay inside)."""

from __future__ import annotations

import json
import traceback
from pathlib import Path

import typer

app = typer.Typer(help="Alliance tracker: read member rows (names and numbers) from game screenshots.")


@app.callback()
def _main() -> None:
    """Alliance tracker commands."""


@app.command()
def read(
    images: list[Path] = typer.Argument(..., help="Screenshots to read (PNG, JPEG, WEBP...)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list, one object per image."),
) -> None:
    """Read member rows from screenshots with the bundled model; writes nothing."""
    from looplab.alliance.reader import read_screenshot
    from looplab.imaging.decode import ImageError, decode_image_file

    results: list[dict] = []
    failed = False
    for path in images:
        try:
            image = decode_image_file(path)
        except ImageError as err:
            failed = True
            results.append({"image": str(path), "error": str(err)})
            continue
        try:
            reading = read_screenshot(image)
        except Exception as err:  # noqa: BLE001 - a screen that breaks the reader must not lose the others
            failed = True
            typer.echo(f"{path}: reading failed\n{traceback.format_exc()}", err=True)
            results.append({"image": str(path), "error": f"reading failed: {type(err).__name__}: {err}"})
            continue
        rows = [{"name": row.name, "numbers": row.values} for row in reading.rows]
        results.append({"image": str(path), "rows": rows, "seconds": round(reading.seconds, 3)})
    if as_json:
        typer.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for result in results:
            typer.echo(f"== {result['image']}")
            if "error" in result:
                typer.echo(f"  error: {result['error']}")
                continue
            for row in result["rows"]:
                typer.echo(f"  {row['name']}: {', '.join(str(n) for n in row['numbers'])}")
    if failed:
        raise typer.Exit(1)
