"""MNIST in its original IDX gzip format: read, verify, download, import.

No heavy imports here: numpy, hashlib, gzip; httpx and tqdm only when fetching.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np

DEFAULT_BASE_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
# The mnistlite copy (see shared/data/README.md) was re-compressed: same content, other gzip bytes.
SHA256_ALTERNATES = {
    "t10k-images-idx3-ubyte.gz": "ba05d2d6e06f59dd97d2d5378250478bb5c9b64296a5c2681700569121e3a2d7",
    "t10k-labels-idx1-ubyte.gz": "94088eab8a64f51a9b34cc9716f54b6548ef8b2fd16ada6d1575091b933dbf4b",
}
_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
ProgressFn = Callable[[int, int | None, str], None]


class MnistError(ValueError):
    """A missing, corrupt or unverifiable MNIST file; ``str(err)`` says which and why."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def known_hashes(name: str) -> set[str]:
    return {h for h in (SHA256.get(name), SHA256_ALTERNATES.get(name)) if h}


def verify(path: Path) -> None:
    """Raise MnistError when ``path`` has a known name but none of its known hashes."""
    expected = known_hashes(path.name)
    if expected and sha256_file(path) not in expected:
        raise MnistError(f"{path.name}: sha256 mismatch (corrupt or not the MNIST file)")


def parse_idx(data: bytes) -> np.ndarray:
    """Parse raw (decompressed) IDX bytes into an array of the declared shape."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise MnistError("not an IDX file (bad magic number)")
    dtype_code, ndim = data[2], data[3]
    if dtype_code not in _DTYPES or ndim == 0:
        raise MnistError(f"unsupported IDX type 0x{dtype_code:02x} with {ndim} dimensions")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise MnistError("truncated IDX header")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = np.dtype(_DTYPES[dtype_code])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(data) - header != expected:
        raise MnistError(f"IDX payload has {len(data) - header} bytes, shape {shape} needs {expected}")
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def read_idx(path: str | Path, *, check_hash: bool = True) -> np.ndarray:
    path = Path(path)
    if not path.is_file():
        raise MnistError(f"missing file: {path}")
    if check_hash:
        verify(path)
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError) as err:
        raise MnistError(f"{path.name}: cannot decompress ({err})") from err
    return parse_idx(raw)


def load_split(directory: str | Path, split: str = "t10k") -> tuple[np.ndarray, np.ndarray]:
    """Images ``(N, 28, 28) uint8`` and labels ``(N,) uint8`` of ``split`` ("train" or "t10k")."""
    directory = Path(directory)
    images = read_idx(directory / f"{split}-images-idx3-ubyte.gz")
    labels = read_idx(directory / f"{split}-labels-idx1-ubyte.gz")
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise MnistError(f"{split}: images {images.shape} and labels {labels.shape} do not match")
    return images, labels


def has_split(directory: str | Path, split: str) -> bool:
    directory = Path(directory)
    return all((directory / f"{split}-{kind}-idx{n}-ubyte.gz").is_file() for kind, n in (("images", 3), ("labels", 1)))


def import_from(source: str | Path, dest: str | Path) -> list[Path]:
    """Copy the MNIST files found in ``source`` into ``dest``, verifying each; returns the copied paths."""
    source, dest = Path(source), Path(dest)
    found = [source / name for name in FILES if (source / name).is_file()]
    if not found:
        raise MnistError(f"no MNIST files in {source} (expected names like {FILES[2]})")
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in found:
        verify(path)
        target = dest / path.name
        if target.resolve() != path.resolve():
            shutil.copyfile(path, target)
        copied.append(target)
    return copied


def fetch(
    dest: str | Path,
    base_url: str = DEFAULT_BASE_URL,
    *,
    files: tuple[str, ...] = FILES,
    progress: bool | ProgressFn = True,
    timeout: float = 60.0,
) -> list[Path]:
    """Download the MNIST files into ``dest``: streaming, resumed with Range, sha256-checked.

    A complete file that already verifies is not downloaded again. ``progress`` is True for a tqdm bar,
    False for silence, or a callback ``(done_bytes, total_bytes_or_None, file_name)``.
    """
    import httpx

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    paths = []
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        for name in files:
            target = dest / name
            if target.is_file() and known_hashes(name) and sha256_file(target) in known_hashes(name):
                paths.append(target)
                continue
            url = base_url.rstrip("/") + "/" + name
            try:
                _download(client, url, target, progress)
            except httpx.HTTPError as err:
                raise MnistError(f"{url}: download failed ({err}); run again to resume") from err
            verify(target)
            paths.append(target)
    return paths


def _download(client, url: str, target: Path, progress: bool | ProgressFn) -> None:
    partial = target.with_name(target.name + ".part")
    if target.is_file() and not partial.exists():
        target.rename(partial)  # a complete-looking file that failed its check: try to resume it
    offset = partial.stat().st_size if partial.exists() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    with client.stream("GET", url, headers=headers) as response:
        if response.status_code == 416:  # nothing left to fetch: the partial file is whole
            partial.rename(target)
            return
        if response.status_code not in (200, 206):
            raise MnistError(f"{url}: HTTP {response.status_code}")
        if response.status_code == 200:
            offset = 0  # the server ignored Range: start again
        length = response.headers.get("Content-Length")
        total = offset + int(length) if length else None
        bar = None
        if progress is True:
            from tqdm import tqdm

            bar = tqdm(total=total, initial=offset, unit="B", unit_scale=True, desc=target.name)
        done = offset
        with open(partial, "ab" if offset else "wb") as handle:
            for chunk in response.iter_bytes(1 << 16):
                handle.write(chunk)
                done += len(chunk)
                if bar is not None:
                    bar.update(len(chunk))
                elif callable(progress):
                    progress(done, total, target.name)
        if bar is not None:
            bar.close()
    partial.rename(target)
