"""Imports the modules that register job kinds, so the server and the worker processes know the same kinds."""

from looplab.jobs import demo  # noqa: F401
