"""Background work of the alliance tracker in the server: the input folder watcher."""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI

from looplab.alliance.watch import FolderWatcher

log = logging.getLogger(__name__)


def start(app: FastAPI) -> Callable[[], None]:
    platform = app.state.platform
    folder = platform.settings.resolved_input_dir
    if folder is None:
        log.info("no input folder configured (cloud mode): screenshots arrive by upload only")
        return lambda: None
    watcher = FolderWatcher(platform, app.state.runner, folder)
    watcher.start()
    app.state.alliance_watcher = watcher
    return watcher.stop
