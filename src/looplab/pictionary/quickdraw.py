"""Quick, Draw! data: ``<category>.npy`` bitmaps and ``<category>.ndjson`` strokes, read, split and fetched.

Held-out split (used by training, tests and the benchmark alike): the LAST ``HOLDOUT_FRACTION`` of the
rows of each ``.npy`` file, rounded up, is never trained on. Row order in the files is the dataset's.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import numpy as np

HOLDOUT_FRACTION = 0.15
BITMAP_URL = "https://storage.googleapis.com/quickdraw_dataset/full/numpy_bitmap"
SIDE = 28

ProgressFn = Callable[[float, str], None]


class DataError(ValueError):
    """A data file or download that is not what the dataset says it is."""


def holdout_start(n_rows: int) -> int:
    """Index of the first held-out row of a file with ``n_rows`` rows."""
    return n_rows - math.ceil(n_rows * HOLDOUT_FRACTION)


def list_categories(data_dir: str | Path, suffix: str = ".npy") -> list[str]:
    return sorted(p.name[: -len(suffix)] for p in Path(data_dir).glob(f"*{suffix}"))


def load_bitmaps(path: str | Path, *, repair: bool = True) -> np.ndarray:
    """One ``<category>.npy`` file as ``uint8`` ``(N, 28, 28)``; raw ``.bin`` rows (no header) work too.

    ``repair``: undo a one-pixel shift to the right that some copies of the dataset carry (an off-by-one
    when the rows were stored as ``.bin``). The dataset's padding keeps ink out of the first and last
    columns, so a file with ink in the last column and none in the second is such a copy.
    """
    path = Path(path)
    if path.suffix == ".npy":
        array = np.load(path, allow_pickle=False, mmap_mode="r")
    else:
        array = np.fromfile(path, dtype=np.uint8)
    if array.dtype != np.uint8 or array.size % (SIDE * SIDE):
        raise DataError(f"{path.name}: expected rows of {SIDE * SIDE} uint8, got {array.dtype} {array.shape}")
    images = np.asarray(array).reshape(-1, SIDE, SIDE)
    if repair and is_shifted_right(images):
        images = np.roll(images, -1, axis=2)
    return images


def is_shifted_right(images: np.ndarray) -> bool:
    ink = images > 0
    return bool(len(images)) and ink[:, :, -1].mean() > 0.01 and not ink[:, :, 1].any()


@dataclass
class Split:
    classes: list[str]
    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray


def load_split(data_dir: str | Path, classes: Iterable[str] | None = None, limit: int | None = None) -> Split:
    """Train rows and held-out rows of each category; ``limit`` caps rows per class on each side."""
    classes = list(classes) if classes is not None else list_categories(data_dir)
    if not classes:
        raise DataError(f"no <category>.npy files in {data_dir}")
    parts: dict[str, list[np.ndarray]] = {"train_x": [], "train_y": [], "test_x": [], "test_y": []}
    for label, name in enumerate(classes):
        images = load_bitmaps(Path(data_dir) / f"{name}.npy")
        cut = holdout_start(len(images))
        train, test = images[:cut][:limit], images[cut:][:limit]
        parts["train_x"].append(train)
        parts["test_x"].append(test)
        parts["train_y"].append(np.full(len(train), label, dtype=np.int64))
        parts["test_y"].append(np.full(len(test), label, dtype=np.int64))
    return Split(classes, **{key: np.concatenate(value) for key, value in parts.items()})


def read_ndjson(path: str | Path) -> Iterator[tuple[int, dict | None, str | None]]:
    """``(line_number, record, error)`` per non-blank line: a bad line yields an error, not an exception."""
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                yield number, None, f"not JSON: {err.msg} at column {err.colno}"
                continue
            if not isinstance(record, dict) or "drawing" not in record:
                yield number, None, 'not a drawing: expected an object with a "drawing" key'
                continue
            yield number, record, None


def load_strokes(path: str | Path, limit: int | None = None) -> list[list]:
    """The valid ``drawing`` lists of one ``<category>.ndjson`` file, in file order."""
    drawings = [record["drawing"] for _, record, error in read_ndjson(path) if error is None]
    return drawings[:limit]


def fetch(
    categories: Iterable[str],
    dest: str | Path,
    *,
    base_url: str = BITMAP_URL,
    progress: ProgressFn | None = None,
    timeout: float = 60.0,
) -> list[Path]:
    """Download ``<category>.npy`` files into ``dest``; resumes partial files with HTTP Range requests.

    A finished file is checked against the server's Content-Length and the ``.npy`` format; a file
    already complete is not downloaded again (a HEAD request tells its size).
    """
    import httpx

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    categories = list(categories)
    done: list[Path] = []
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        for index, name in enumerate(categories):
            url = f"{base_url.rstrip('/')}/{quote(name)}.npy"
            target = dest / f"{name}.npy"
            _download(client, url, target, lambda f, m, i=index: progress and progress((i + f) / len(categories), m))
            load_bitmaps(target)  # refuses a file that is not rows of 28x28 uint8
            done.append(target)
    if progress:
        progress(1.0, f"{len(done)} categories in {dest}")
    return done


def _download(client, url: str, target: Path, progress: ProgressFn) -> None:
    partial = target.with_name(target.name + ".part")
    head = client.head(url)
    head.raise_for_status()
    total = int(head.headers["content-length"]) if "content-length" in head.headers else None
    if target.exists() and total is not None and target.stat().st_size == total:
        progress(1.0, f"{target.name} already complete")
        return
    have = partial.stat().st_size if partial.exists() else 0
    if total is not None and have > total:
        partial.unlink()
        have = 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    with client.stream("GET", url, headers=headers) as response:
        response.raise_for_status()
        if have and response.status_code != 206:  # the server ignored Range: start over
            have = 0
        with open(partial, "ab" if have else "wb") as out:
            received = have
            for chunk in response.iter_bytes(1 << 16):
                out.write(chunk)
                received += len(chunk)
                progress(received / total if total else 0.0, f"{target.name} {received / 1e6:.1f} MB")
    size = partial.stat().st_size
    if total is not None and size != total:
        raise DataError(f"{target.name}: got {size} bytes, server announced {total} (run again to resume)")
    partial.replace(target)


def import_from(source: str | Path, dest: str | Path, categories: Iterable[str] | None = None) -> list[Path]:
    """Copy ``<category>.npy`` files (checked) from a local folder, e.g. a mounted copy of the bucket."""
    source, dest = Path(source), Path(dest)
    names = list(categories) if categories is not None else list_categories(source)
    missing = [name for name in names if not (source / f"{name}.npy").exists()]
    if missing:
        raise DataError(f"missing in {source}: {', '.join(missing)}")
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in names:
        load_bitmaps(source / f"{name}.npy")
        if (source / f"{name}.npy").resolve() != (dest / f"{name}.npy").resolve():
            shutil.copyfile(source / f"{name}.npy", dest / f"{name}.npy")
        copied.append(dest / f"{name}.npy")
    return copied
