"""Imports the modules that register job kinds, so the server and the worker processes know the same kinds.

An app registers its kinds in ``looplab/<app>/jobs.py``.
"""

from looplab.apps import app_modules
from looplab.jobs import demo  # noqa: F401

APP_JOB_MODULES = app_modules("jobs")
