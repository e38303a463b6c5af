"""The input folder watcher: every settled file in ``input/`` becomes part of an ``alliance.ingest`` job.

Files right in ``input/`` belong to the default alliance; files in a subfolder ``input/<name>/`` to the
alliance ``<name>`` (each folder gets its own ``done/`` and ``rejected/``).

watchdog wakes the loop at once; a slow poll catches what events miss (network folders, files that were
there before the start). A file counts as settled when its size and mtime did not change for
``settle_s``. ``rules.toml`` in the folder is not a screenshot: it updates the alliance rules.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from looplab.alliance.ingest import DONE, MAX_FILE_BYTES, REJECTED, archive, day_from_name, move_processed
from looplab.alliance.models import DEFAULT_ALLIANCE

if TYPE_CHECKING:
    from looplab.jobs.runner import JobRunner
    from looplab.platform import Platform

log = logging.getLogger(__name__)

RULES_FILE = "rules.toml"
ALLIANCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_SKIP_SUFFIXES = (".reason.txt", ".part", ".tmp", ".crdownload", ".partial", ".swp")


class FolderWatcher:
    def __init__(
        self,
        platform: Platform,
        runner: JobRunner,
        input_dir: Path,
        *,
        settle_s: float = 1.0,
        poll_s: float = 2.0,
        alliance: str = DEFAULT_ALLIANCE,
    ) -> None:
        self.platform = platform
        self.runner = runner
        self.input_dir = Path(input_dir)
        self.settle_s = settle_s
        self.poll_s = poll_s
        self.alliance = alliance
        self._seen: dict[Path, tuple[int, float, float]] = {}  # path -> (size, mtime, when that was first seen)
        self._submitted: set[Path] = set()
        self._jobs: dict[str, list[Path]] = {}
        self._rules_digest: dict[Path, str] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._observer: Any = None

    # --- lifecycle ------------------------------------------------------------------------------------------
    def start(self) -> None:
        self.input_dir.mkdir(parents=True, exist_ok=True)
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer

            watcher = self

            class _Wake(FileSystemEventHandler):
                def on_any_event(self, event: Any) -> None:
                    watcher._wake.set()

            self._observer = Observer()
            self._observer.schedule(_Wake(), str(self.input_dir), recursive=True)
            self._observer.daemon = True
            self._observer.start()
        except Exception:  # noqa: BLE001 - e.g. inotify limits: polling still works
            log.warning("watchdog unavailable for %s; polling every %.0f s", self.input_dir, self.poll_s)
            self._observer = None
        self._thread = threading.Thread(target=self._loop, name="alliance-watcher", daemon=True)
        self._thread.start()
        log.info("watching %s for alliance screenshots", self.input_dir)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(5)
        if self._thread is not None:
            self._thread.join(10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.scan()
            except Exception:  # noqa: BLE001 - the watcher must outlive any one bad file or database hiccup
                log.exception("alliance watcher scan failed")
            self._wake.wait(min(self.poll_s, self.settle_s / 2 if self._seen else self.poll_s))
            self._wake.clear()

    # --- one pass ---------------------------------------------------------------------------------------------
    def folders(self) -> list[tuple[Path, str]]:
        """The watched folders and their alliances: ``input/`` itself, then one subfolder per alliance."""
        found = [(self.input_dir, self.alliance)]
        for sub in sorted(self.input_dir.iterdir()):
            if sub.is_dir() and sub.name not in (DONE, REJECTED) and ALLIANCE_NAME.match(sub.name):
                found.append((sub, sub.name))
        return found

    def scan(self) -> list[str]:
        """Check finished jobs, apply ``rules.toml``, submit settled files; returns the submitted job ids."""
        self._check_jobs()
        self.input_dir.mkdir(parents=True, exist_ok=True)  # someone may have removed it meanwhile
        now = time.monotonic()
        ready: dict[str, list[Path]] = {}
        present = set()
        for folder, alliance in self.folders():
            for path in sorted(folder.iterdir()):
                if not path.is_file() or path.name.startswith(".") or path.name.endswith(_SKIP_SUFFIXES):
                    continue
                if path.name == RULES_FILE:
                    self._apply_rules(path, alliance)
                    continue
                present.add(path)
                if path in self._submitted:
                    continue
                try:
                    stat = path.stat()
                except FileNotFoundError:
                    continue
                seen = self._seen.get(path)
                if seen is None or seen[:2] != (stat.st_size, stat.st_mtime):
                    self._seen[path] = (stat.st_size, stat.st_mtime, now)
                elif now - seen[2] >= self.settle_s:
                    ready.setdefault(alliance, []).append(path)
        for gone in set(self._seen) - present:
            self._seen.pop(gone, None)
        return [self.submit(paths, alliance) for alliance, paths in ready.items()]

    def submit(self, paths: list[Path], alliance: str | None = None) -> str:
        alliance = alliance or self.alliance
        items = []
        for path in paths:
            self._seen.pop(path, None)
            items.append(self._describe(path))
        job = self.runner.submit("alliance.ingest", {"files": items, "alliance": alliance, "origin": "watch"})
        self._jobs[job.id] = list(paths)
        self._submitted.update(paths)
        log.info("ingest job %s for %d file(s) of alliance %s", job.id, len(paths), alliance)
        return job.id

    def _describe(self, path: Path) -> dict[str, Any]:
        stat = path.stat()
        entry = {"name": path.name, "path": str(path), "mtime": stat.st_mtime}
        if stat.st_size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // (1024 * 1024)
            reason = f"file too large ({stat.st_size / 1e6:.0f} MB, limit {limit} MiB); left as it is here"
            return {**entry, "day": day_from_name(path.name, stat.st_mtime).isoformat(), "error": reason}
        try:
            data = path.read_bytes()
        except OSError as err:
            reason = f"cannot read the file: {err.strerror or err}"
            return {**entry, "day": day_from_name(path.name, stat.st_mtime).isoformat(), "error": reason}
        return archive(self.platform, path.name, data, stat.st_mtime, str(path))

    def _check_jobs(self) -> None:
        for job_id, paths in list(self._jobs.items()):
            job = self.runner.get(job_id)
            if job is None or job.state in ("queued", "running"):
                continue
            if job.state != "succeeded":
                reason = f"the ingest job {job.state}: {job.error or 'no detail'}; the original is kept here"
                for path in paths:
                    move_processed(path, self.input_dir, {"status": "rejected", "reason": reason})
            self._submitted.difference_update(paths)
            del self._jobs[job_id]

    def _apply_rules(self, path: Path, alliance: str) -> None:
        """Top-level keys of a folder's ``rules.toml`` are that folder's alliance's rules."""
        from looplab.alliance.models import DEFAULT_ALLIANCE
        from looplab.alliance.rules import RulesError, parse_toml, save_rules

        text = path.read_text(encoding="utf-8", errors="replace")
        digest = hashlib.sha256(text.encode()).hexdigest()
        if self._rules_digest.get(path) == digest:
            return
        self._rules_digest[path] = digest
        try:
            parsed = parse_toml(text)
            with self.platform.db.session() as session:
                for name, rules in parsed.items():
                    save_rules(session, rules, alliance if name == DEFAULT_ALLIANCE else name, source="file")
            log.info("applied %s", path)
        except RulesError as err:
            log.warning("%s ignored: %s", path, err)
            self.platform.notifier.notify("alliance_rules_invalid", f"{path.name} of {alliance} ignored", str(err))
