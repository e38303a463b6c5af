"""Imports every table module so that ``Base.metadata`` knows the whole schema (Alembic, tests)."""

from looplab.apps import app_modules
from looplab.auth import models as auth_models  # noqa: F401
from looplab.jobs import models as job_models  # noqa: F401
from looplab.learning import registry_models  # noqa: F401
from looplab.notify import models as notify_models  # noqa: F401
from looplab.storage import blob_models  # noqa: F401
from looplab.storage.base import Base

APP_TABLE_MODULES = app_modules("models")
metadata = Base.metadata
