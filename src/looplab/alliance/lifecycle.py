"""Background work of the alliance tracker in the server: the input folder watcher."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from looplab.alliance.watch import FolderWatcher


def start(app: FastAPI) -> Callable[[], None]:
    platform = app.state.platform
    watcher = FolderWatcher(platform, app.state.runner, platform.settings.input_dir)
    watcher.start()
    app.state.alliance_watcher = watcher
    return watcher.stop
