"""Schema migrations. Additive changes (new tables, new columns) are made by
gpkg.ensure_schema from landapp.schema; steps that transform data are registered here by the
version they lead to and run in order inside the opening transaction."""

from __future__ import annotations

import sqlite3
from typing import Callable

from landapp import gpkg
from landapp.schema import LAYERS, SCHEMA_VERSION

# version -> step(conn). Step N runs when a file older than N is opened.
STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {}


def _v4_change_tracking(conn: sqlite3.Connection) -> None:
    """Version 4: the change table and its triggers, so edits made by QGIS or GDAL are seen
    (ensure_schema makes them too; this step names the version that brought them)."""
    gpkg.ensure_change_tracking(conn)


STEPS[4] = _v4_change_tracking


def _v5_row_versions(conn: sqlite3.Connection) -> None:
    """Version 5: row_version on every edited table with its trigger, the parcels'
    (retired, status, area_m2) and the buildings' (retired, btype, zone) indexes
    (ensure_schema makes them; existing rows start at 1)."""
    gpkg.ensure_row_versions(conn)
    gpkg._create_indexes(conn, LAYERS["parcels"])
    gpkg._create_indexes(conn, LAYERS["buildings"])


STEPS[5] = _v5_row_versions


def migrate(conn: sqlite3.Connection, from_version: int, srs_id: int) -> list[str]:
    changed = gpkg.ensure_schema(conn, srs_id)
    for version in sorted(STEPS):
        if from_version < version <= SCHEMA_VERSION:
            STEPS[version](conn)
            changed.append(f"step {version}")
    return changed


def _step3_idle_stage(conn: sqlite3.Connection) -> None:
    """Schema 3 adds the idle-land disposal record (stage, 决定书 number and date, fee due and
    paid). Parcels a planner already marked 闲置 start at the first stage, 疑似闲置."""
    conn.execute("UPDATE parcels SET idle_stage = '疑似闲置' WHERE status = '闲置' AND idle_stage IS NULL")


STEPS[3] = _step3_idle_stage
