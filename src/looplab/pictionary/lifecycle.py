"""Started with the server: loads the starter words into an empty words table (first start)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI

from looplab.pictionary.service import ensure_starter_words

log = logging.getLogger(__name__)


def start(app: FastAPI) -> Callable[[], None]:
    added = ensure_starter_words(app.state.platform.db)
    if added:
        log.info("pictionary: loaded %d starter words", added)
    return lambda: None
