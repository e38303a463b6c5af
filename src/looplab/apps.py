"""The apps on the platform. Front ends and shared registries find each app's optional modules here,
so adding an app's tables, jobs or routes never means editing a shared file."""

from __future__ import annotations

import importlib
from types import ModuleType

APPS = ("alliance", "pictionary", "digits")


def app_modules(name: str) -> list[ModuleType]:
    """``looplab.<app>.<name>`` for every app that has such a module (e.g. "models", "jobs", "api")."""
    found = []
    for app in APPS:
        qualified = f"looplab.{app}.{name}"
        try:
            found.append(importlib.import_module(qualified))
        except ModuleNotFoundError as err:
            if err.name != qualified:
                raise
    return found
