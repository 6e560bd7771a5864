"""Schema migrations. Additive changes (new tables, new columns) are made by
gpkg.ensure_schema from landapp.schema; steps that transform data are registered here by the
version they lead to and run in order inside the opening transaction."""

from __future__ import annotations

import sqlite3
from typing import Callable

from landapp import gpkg
from landapp.schema import SCHEMA_VERSION

# version -> step(conn). Step N runs when a file older than N is opened.
STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {}


def _v3_change_tracking(conn: sqlite3.Connection) -> None:
    """Version 3: the change table and its triggers, so edits made by QGIS or GDAL are seen
    (ensure_schema makes them too; this step names the version that brought them)."""
    gpkg.ensure_change_tracking(conn)


STEPS[3] = _v3_change_tracking


def migrate(conn: sqlite3.Connection, from_version: int, srs_id: int) -> list[str]:
    changed = gpkg.ensure_schema(conn, srs_id)
    for version in sorted(STEPS):
        if from_version < version <= SCHEMA_VERSION:
            STEPS[version](conn)
            changed.append(f"step {version}")
    return changed
