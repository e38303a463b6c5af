"""``looplab alliance ingest PATH...``: the online verb (uploads to the server and follows the job with tqdm).

Importing this module adds the command to the alliance Typer app (``looplab.alliance.cli.app``).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from looplab.alliance.cli import app

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}
MAX_BATCH_BYTES = 10 * 1024 * 1024  # under the server's default request limit (12 MB)
MAX_BATCH_FILES = 50


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; folders contribute their image files (sorted, not recursive)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        else:
            found.append(path)
    return found


def batches(paths: list[Path]) -> list[list[Path]]:
    groups: list[list[Path]] = [[]]
    size = 0
    for path in paths:
        length = path.stat().st_size
        if groups[-1] and (size + length > MAX_BATCH_BYTES or len(groups[-1]) >= MAX_BATCH_FILES):
            groups.append([])
            size = 0
        groups[-1].append(path)
        size += length
    return [g for g in groups if g]


@app.command("ingest")
def ingest(
    paths: list[Path] = typer.Argument(..., help="Screenshots, or folders of screenshots, to upload."),
    alliance: str = typer.Option("default", help="Which alliance's books."),
    as_json: bool = typer.Option(False, "--json", help="Print the jobs' results as JSON."),
) -> None:
    """Upload screenshots to the server, which reads and books them; follows the job's progress.

    The day comes from a date in each file name (e.g. 20251111), else from the file's modification time.
    Exit status 1 when a file was rejected or a job failed.
    """
    from looplab.cli import _call, _client, _fail, follow_job_with_progress

    files = expand(paths)
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        _fail(f"not found: {', '.join(missing)}")
    if not files:
        _fail("no image files to upload")
    client = _client()
    results, ok = [], True
    for group in batches(files):
        upload = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in group]
        form = {"mtimes": json.dumps([p.stat().st_mtime for p in group])}  # dates files without one in the name
        job = _call(
            lambda upload=upload, form=form: client.post(
                "/api/alliance/ingest", files=upload, data=form, params={"alliance": alliance}
            )
        )
        job = _call(lambda job=job: follow_job_with_progress(client, job))
        ok &= job["state"] == "succeeded"
        result = job.get("result") or {}
        ok &= not result.get("rejected_files")
        results.append({"id": job["id"], "state": job["state"], "result": result, "error": job.get("error")})
        if not as_json:
            _print(job, result)
    if as_json:
        typer.echo(json.dumps(results, ensure_ascii=False, indent=2))
    raise typer.Exit(0 if ok else 1)


def _print(job: dict, result: dict) -> None:
    if job["state"] != "succeeded":
        typer.secho(f"job {job['id']} {job['state']}: {job.get('error')}", fg=typer.colors.RED, err=True)
        return
    for outcome in result.get("outcomes", []):
        line = f"{outcome['name']} ({outcome['day']}): {outcome['status']}"
        if outcome["status"] == "booked":
            typer.echo(f"{line}, {outcome.get('rows', 0)} rows")
        else:
            typer.secho(f"{line}: {outcome.get('reason', '')}", fg=typer.colors.YELLOW)
    for day in result.get("days", []):
        typer.echo(f"day {day['day']}: {day['booked']} booked, {day['review']} to review")
