import gzip
import hashlib
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from looplab.digits import mnist

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mnist"


def idx_bytes(array: np.ndarray) -> bytes:
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def test_parse_idx_round_trip_and_errors():
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    np.testing.assert_array_equal(mnist.parse_idx(idx_bytes(images)), images)
    with pytest.raises(mnist.MnistError, match="magic"):
        mnist.parse_idx(b"\x01\x02\x08\x01")
    with pytest.raises(mnist.MnistError, match="payload"):
        mnist.parse_idx(idx_bytes(images)[:-1])


def test_read_idx_checks_known_hashes(tmp_path):
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.arange(5, dtype=np.uint8))))
    with pytest.raises(mnist.MnistError, match="sha256 mismatch"):
        mnist.read_idx(path)
    np.testing.assert_array_equal(mnist.read_idx(path, check_hash=False), np.arange(5))


@pytest.mark.skipif(not DATA.is_dir(), reason=f"REAL MNIST MISSING at {DATA}: IDX test on real files skipped")
def test_read_real_mnist_test_split():
    images, labels = mnist.load_split(DATA, "t10k")
    assert images.shape == (10_000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10_000,) and labels[:5].tolist() == [7, 2, 1, 0, 4]
    assert np.bincount(labels).min() > 850


class _RangeHandler(BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    requests: list[tuple[str, str | None]] = []

    def do_GET(self):  # noqa: N802
        name = self.path.rsplit("/", 1)[-1]
        self.requests.append((name, self.headers.get("Range")))
        if name not in self.files:
            self.send_error(404)
            return
        data, start = self.files[name], 0
        if self.headers.get("Range"):
            start = int(self.headers["Range"].split("=")[1].split("-")[0])
            if start >= len(data):
                self.send_response(416)
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        self.wfile.write(data[start:])

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    files = {}
    for name in mnist.FILES:
        n = 3 if "images" in name else 1
        array = np.random.default_rng(len(name)).integers(0, 255, (50, 28, 28)[:n], dtype=np.uint8)
        files[name] = gzip.compress(idx_bytes(array))
    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    monkeypatch.setattr(mnist, "SHA256", hashes)
    monkeypatch.setattr(mnist, "SHA256_ALTERNATES", {})
    _RangeHandler.files, _RangeHandler.requests = files, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _RangeHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/mnist/", files
    httpd.shutdown()
    httpd.server_close()


def test_fetch_downloads_verifies_and_resumes(server, tmp_path):
    url, files = server
    name = mnist.FILES[0]
    (tmp_path / (name + ".part")).write_bytes(files[name][:100])  # an interrupted earlier download
    seen = []
    paths = mnist.fetch(tmp_path, url, progress=lambda done, total, file: seen.append((file, done, total)))
    assert [p.name for p in paths] == list(mnist.FILES)
    for path in paths:
        assert path.read_bytes() == files[path.name]
    assert (name, "bytes=100-") in _RangeHandler.requests
    assert seen[-1][1] == seen[-1][2] == len(files[mnist.FILES[-1]])
    assert not list(tmp_path.glob("*.part"))
    images, labels = mnist.load_split(tmp_path, "train")
    assert images.shape == (50, 28, 28) and labels.shape == (50,)
    _RangeHandler.requests.clear()
    mnist.fetch(tmp_path, url, progress=False)  # everything verified already: nothing downloaded
    assert _RangeHandler.requests == []


def test_fetch_refuses_a_corrupt_download(server, tmp_path, monkeypatch):
    url, files = server
    monkeypatch.setitem(_RangeHandler.files, mnist.FILES[2], b"not the file")
    with pytest.raises(mnist.MnistError, match="sha256"):
        mnist.fetch(tmp_path, url, files=(mnist.FILES[2],), progress=False)


def test_fetch_reports_http_errors(server, tmp_path):
    url, _ = server
    with pytest.raises(mnist.MnistError, match="404"):
        mnist.fetch(tmp_path, url, files=("nothing-here.gz",), progress=False)


def test_import_from_copies_and_verifies(server, tmp_path):
    url, files = server
    source = tmp_path / "source"
    mnist.fetch(source, url, progress=False)
    copied = mnist.import_from(source, tmp_path / "dest")
    assert sorted(p.name for p in copied) == sorted(mnist.FILES)
    with pytest.raises(mnist.MnistError, match="no MNIST files"):
        mnist.import_from(tmp_path / "empty", tmp_path / "dest2")


def test_data_fetch_command_downloads_and_imports(server, tmp_path):
    from typer.testing import CliRunner

    from looplab.digits.cli import app

    url, files = server
    runner = CliRunner()
    result = runner.invoke(app, ["data", "fetch", "--dest", str(tmp_path / "a"), "--base-url", url])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(files)
    result = runner.invoke(app, ["data", "fetch", "--from", str(tmp_path / "a"), "--dest", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["data", "fetch", "--from", str(tmp_path / "nothing"), "--dest", str(tmp_path / "c")])
    assert result.exit_code == 1 and "no MNIST files" in result.output
