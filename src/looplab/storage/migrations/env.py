from alembic import context

from looplab.storage.all_models import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("LoopLab runs migrations programmatically: use looplab.storage.migrate.upgrade")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=False)
with context.begin_transaction():
    context.run_migrations()
