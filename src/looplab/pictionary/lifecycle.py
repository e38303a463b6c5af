"""Started with the server: loads the starter words into an empty words table (first start), starts the
game's guessing workers and stops them with the server."""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI

from looplab.pictionary.game import hub_of
from looplab.pictionary.service import ensure_starter_words

log = logging.getLogger(__name__)


def start(app: FastAPI) -> Callable[[], None]:
    added = ensure_starter_words(app.state.platform.db)
    if added:
        log.info("pictionary: loaded %d starter words", added)
    hub = hub_of(app)
    hub.warm()
    return hub.close
