"""Content-addressed blob store on fsspec: a local folder by default, ``s3://bucket/prefix`` in the cloud mode.

Keys are ``sha256/ab/abcdef…[.ext]``: the same bytes are stored once, and a key says what it holds.

An S3 store that cannot be reached (connection refused, timeout, a dropped connection) raises
``BlobStoreUnavailable`` within a bounded time (``S3_CLIENT_DEFAULTS``), never a raw botocore error: the server
answers 503 with Retry-After, and the next request after the endpoint returns simply works.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
import uuid
from pathlib import Path

import fsspec


class BlobStoreError(RuntimeError):
    """The store refused a read or write; ``str(err)`` is safe to show (no credentials)."""


class BlobNotFound(BlobStoreError, KeyError):
    pass


class BlobStoreFull(BlobStoreError):
    pass


class BlobStoreUnavailable(BlobStoreError):
    """The store did not answer (connection refused or dropped, timeout): worth trying again shortly."""


# Bounded waits for an S3 endpoint that is down: a refused connection fails in about a second; one that
# accepts and never answers after a few read timeouts (some 17 s measured against a silent socket).
# botocore's defaults would retry 5 times with a 60 s read timeout and s3fs 5 more times on top: minutes of
# a hung request. The read timeout is the silence allowed while waiting for the answer's bytes.
S3_CLIENT_DEFAULTS: dict[str, object] = {"config_kwargs": {"connect_timeout": 3, "read_timeout": 5}}
S3FS_RETRIES = 1  # s3fs's own loop around botocore's retries (a class attribute, default 5): no second layer
S3_BOTOCORE_RETRIES = {"max_attempts": 2, "mode": "standard"}  # unless AWS_MAX_ATTEMPTS / AWS_RETRY_MODE say


def _unreachable_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [TimeoutError]
    try:
        from botocore.exceptions import ConnectionError as BotoConnectionError
        from botocore.exceptions import HTTPClientError

        errors += [BotoConnectionError, HTTPClientError]
    except ImportError:  # no S3 support installed: only local stores
        pass
    try:
        from fsspec.exceptions import FSTimeoutError

        errors.append(FSTimeoutError)
    except ImportError:
        pass
    return tuple(errors)


def _config_errors() -> tuple[type[BaseException], ...]:
    try:
        from botocore.exceptions import BotoCoreError

        return (BotoCoreError,)
    except ImportError:
        return ()


_UNREACHABLE = _unreachable_errors()
_MISCONFIGURED = _config_errors()


def content_key(data: bytes, extension: str = "") -> str:
    digest = hashlib.sha256(data).hexdigest()
    extension = extension.lstrip(".").lower()
    if extension and not extension.isalnum():
        raise ValueError(f"bad blob extension {extension!r}")
    return f"sha256/{digest[:2]}/{digest}" + (f".{extension}" if extension else "")


def _check_key(key: str) -> str:
    parts = key.split("/")
    if not key or key.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise BlobStoreError(f"invalid blob key {key!r}")
    return key


class BlobStore:
    def __init__(self, url: str, **storage_options: object) -> None:
        self.url = url.rstrip("/")
        self.is_local = "://" not in self.url or self.url.startswith("file://")
        if self.is_local:
            self.root = self.url.removeprefix("file://")
            self.fs = fsspec.filesystem("file")
        else:
            if self.url.startswith(("s3://", "s3a://")):
                storage_options = _with_s3_defaults(storage_options)
            self.fs, self.root = fsspec.core.url_to_fs(self.url, **storage_options)
            self.root = self.root.rstrip("/")
            if hasattr(self.fs, "retries"):
                self.fs.retries = min(self.fs.retries, S3FS_RETRIES)

    def _path(self, key: str) -> str:
        return f"{self.root}/{_check_key(key)}"

    def put(self, data: bytes, extension: str = "") -> str:
        """Store ``data`` under its content key and return the key; storing it again is free."""
        key = content_key(data, extension)
        if self.exists(key):
            return key
        self._write(self._path(key), data)
        return key

    def put_named(self, key: str, data: bytes) -> str:
        """Store under a caller-chosen key (used only for mutable documents; images go through ``put``)."""
        self._write(self._path(key), data)
        return key

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            with self.fs.open(path, "rb") as handle:
                return handle.read()
        except FileNotFoundError as err:
            raise BlobNotFound(key) from err
        except _UNREACHABLE as err:
            raise self._unavailable(err) from err
        except OSError as err:
            raise BlobStoreError(f"cannot read blob {key}: {err.strerror or type(err).__name__}") from err
        except _MISCONFIGURED as err:
            raise self._misconfigured(err) from err

    def exists(self, key: str) -> bool:
        try:
            return bool(self.fs.exists(self._path(key)))
        except _UNREACHABLE as err:
            raise self._unavailable(err) from err
        except OSError as err:
            raise BlobStoreError(f"blob store unreachable: {err.strerror or type(err).__name__}") from err
        except _MISCONFIGURED as err:
            raise self._misconfigured(err) from err

    def delete(self, key: str) -> None:
        try:
            with contextlib.suppress(FileNotFoundError):
                self.fs.rm(self._path(key))
        except _UNREACHABLE as err:
            raise self._unavailable(err) from err

    def list_keys(self, prefix: str = "") -> list[str]:
        base = self.root + "/"
        try:
            found = self.fs.find(self.root + ("/" + prefix if prefix else ""))
        except FileNotFoundError:
            return []
        except _UNREACHABLE as err:
            raise self._unavailable(err) from err
        return sorted(path.split(base, 1)[1] if base in path else path for path in found)

    def check_writable(self) -> None:
        """Write, read back and remove a probe, so a misconfigured store fails at start, not mid-request."""
        probe_key = f"probe/{uuid.uuid4().hex}"
        payload = b"looplab-probe"
        try:
            self._write(self._path(probe_key), payload)
            if self.get(probe_key) != payload:
                raise BlobStoreError(f"blob store {self.describe()} returned different bytes")
            self.delete(probe_key)
        except BlobStoreError as err:
            raise BlobStoreError(f"blob store {self.describe()} is not writable: {err}") from err

    def describe(self) -> str:
        return (
            self.url
            if self.is_local
            else f"{self.fs.protocol[0] if isinstance(self.fs.protocol, tuple) else self.fs.protocol}://{self.root}"
        )

    def _unavailable(self, err: BaseException) -> BlobStoreUnavailable:
        return BlobStoreUnavailable(f"blob store {self.describe()} unreachable ({type(err).__name__})")

    def _misconfigured(self, err: BaseException) -> BlobStoreError:
        return BlobStoreError(f"blob store {self.describe()} refused the request ({type(err).__name__})")

    def _write(self, path: str, data: bytes) -> None:
        try:
            if self.is_local:
                _atomic_local_write(Path(path), data)
            else:
                with self.fs.open(path, "wb") as handle:
                    handle.write(data)
        except _UNREACHABLE as err:
            raise self._unavailable(err) from err
        except _MISCONFIGURED as err:
            raise self._misconfigured(err) from err
        except OSError as err:
            if err.errno == errno.ENOSPC:
                raise BlobStoreFull(f"blob store {self.describe()} is full (no space left on device)") from err
            raise BlobStoreError(
                f"cannot write to blob store {self.describe()}: {err.strerror or type(err).__name__}"
            ) from err


def _with_s3_defaults(options: dict[str, object]) -> dict[str, object]:
    """Bounded timeouts and retries for s3fs/botocore, each overridable by the caller's own options."""
    config = {**S3_CLIENT_DEFAULTS["config_kwargs"], **dict(options.get("config_kwargs") or {})}  # type: ignore[arg-type]
    if "retries" not in config and not (os.environ.get("AWS_MAX_ATTEMPTS") or os.environ.get("AWS_RETRY_MODE")):
        config["retries"] = dict(S3_BOTOCORE_RETRIES)
    return {**S3_CLIENT_DEFAULTS, **options, "config_kwargs": config}


def _atomic_local_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target and rename: a crash or full disk leaves no half blob."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
