"""Move everything between two deployments: rows table by table, blobs key by key, both verified.

Used by ``looplab export`` / ``looplab import`` to go from the embedded default (DuckDB + local folder)
to the cloud mode (PostgreSQL + S3) and back. The target schema is migrated first; tables are copied in
dependency order in batches; every blob's bytes are checked against its content key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select

from looplab.storage.all_models import metadata
from looplab.storage.blobs import BlobStore
from looplab.storage.db import Database

BATCH = 1000
ProgressFn = Callable[[str, int, int], None]


class TransferError(RuntimeError):
    pass


@dataclass
class TransferReport:
    rows: dict[str, int] = field(default_factory=dict)
    blobs_copied: int = 0
    blobs_present: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _verify_blob(key: str, data: bytes) -> None:
    name = key.rsplit("/", 1)[-1].split(".", 1)[0]
    if key.startswith("sha256/") and hashlib.sha256(data).hexdigest() != name:
        raise TransferError(f"blob {key} does not match its checksum")


def copy_rows(source: Database, target: Database, progress: ProgressFn | None = None) -> dict[str, int]:
    target.migrate()
    counts: dict[str, int] = {}
    with source.engine.connect() as src, target.engine.begin() as dst:
        for table in metadata.sorted_tables:
            if dst.execute(select(func.count()).select_from(table)).scalar():
                raise TransferError(f"target table {table.name} is not empty: import into a fresh database")
            total = src.execute(select(func.count()).select_from(table)).scalar() or 0
            copied = 0
            result = src.execution_options(yield_per=BATCH).execute(select(table))
            for batch in result.mappings().partitions(BATCH):
                dst.execute(insert(table), [dict(row) for row in batch])
                copied += len(batch)
                if progress:
                    progress(table.name, copied, total)
            counts[table.name] = copied
    with target.engine.connect() as dst:
        for name, expected in counts.items():
            actual = dst.execute(select(func.count()).select_from(metadata.tables[name])).scalar()
            if actual != expected:
                raise TransferError(f"{name}: {actual} rows in the target, {expected} in the source")
    return counts


def copy_blobs(source: BlobStore, target: BlobStore, progress: ProgressFn | None = None) -> tuple[int, int]:
    keys = [key for key in source.list_keys() if not key.startswith("probe/")]
    copied = present = 0
    for index, key in enumerate(keys, 1):
        if target.exists(key):
            present += 1
        else:
            data = source.get(key)
            _verify_blob(key, data)
            target.put_named(key, data)
            _verify_blob(key, target.get(key))
            copied += 1
        if progress:
            progress("blobs", index, len(keys))
    return copied, present


def transfer(
    source_db: Database,
    source_blobs: BlobStore,
    target_db: Database,
    target_blobs: BlobStore,
    progress: ProgressFn | None = None,
) -> TransferReport:
    """Blobs first: rows that point at blobs only land once every blob is there."""
    copied, present = copy_blobs(source_blobs, target_blobs, progress)
    rows = copy_rows(source_db, target_db, progress)
    return TransferReport(rows=rows, blobs_copied=copied, blobs_present=present)
