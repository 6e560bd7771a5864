"""Low-level GeoPackage: the binary geometry format, the SQL functions GDAL's R-tree
triggers call, and creating/upgrading the tables of a landapp project.

OGC GeoPackage 1.4 (http://www.geopackage.org/spec140/): geometry blobs are a header
('GP', version, flags, srs_id, envelope) followed by standard WKB; the spatial index is an
SQLite R-tree kept up to date by triggers; field titles go in gpkg_data_columns and value
lists in gpkg_data_column_constraints (the gpkg_schema extension), which GDAL exposes as
field aliases and domains, so QGIS shows 地块编号 and drop-down lists.
"""

from __future__ import annotations

import sqlite3
import struct
from typing import Iterable, Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from landapp.schema import LAYERS, ROW_VERSION, SCHEMA_VERSION, VERSIONED, LayerSpec

APPLICATION_ID = 0x47504B47  # 'GPKG'
USER_VERSION = 10300  # GeoPackage 1.3: read without warnings by GDAL 3.6 (Debian 12) too
GEOM_COLUMN = "geom"
FID_COLUMN = "fid"

_ENVELOPE_SIZES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
# A table's current (not retired) rows for a scan of the whole table: an expression no index
# serves, so SQLite makes one pass in fid order. "retired = 0 OR retired IS NULL" is answered
# from the (retired, …) indexes twice and then sorted (the map drew overlapping parcels in
# another order; 1M parcels' data checks: 0.9 s against 0.5 s).
ACTIVE_SCAN = "(coalesce(retired, 0) = 0)"


# ---- geometry blobs --------------------------------------------------------------------

def _header(srs_id: int, bounds: Sequence[float] | None) -> bytes:
    if bounds is None:  # empty geometry: flag bit 4, no envelope
        return b"GP\x00" + bytes([0b00010001]) + struct.pack("<i", srs_id)
    return b"GP\x00" + bytes([0b00000011]) + struct.pack(
        "<i4d", srs_id, bounds[0], bounds[2], bounds[1], bounds[3])


def encode_geometry(geom: BaseGeometry | None, srs_id: int) -> bytes | None:
    """Shapely geometry -> GeoPackage blob (little endian, xy envelope)."""
    if geom is None:
        return None
    wkb = shapely.to_wkb(geom, byte_order=1, include_srid=False, flavor="iso")
    return _header(srs_id, None if geom.is_empty else geom.bounds) + wkb


# little-endian ISO WKB of a MultiPolygon with one part, before that part's own WKB
_ONE_PART_MULTIPOLYGON = struct.pack("<BII", 1, 6, 1)


def encode_geometries(geoms: Sequence[BaseGeometry], srs_id: int, *, multi: bool = False) -> list[bytes]:
    """Vectorised encode_geometry for bulk writes. multi: 2D polygons written as one-part
    multipolygons (the layers' type) by prefixing their WKB, the bytes shapely gives for
    MultiPolygon([polygon]) without making one."""
    arr = np.asarray(geoms, dtype=object)
    wkbs = shapely.to_wkb(arr, byte_order=1, include_srid=False, flavor="iso")
    if multi:
        plain = np.flatnonzero((shapely.get_type_id(arr) == 3) & ~shapely.has_z(arr) & ~shapely.is_empty(arr))
        if len(plain):
            wkbs = wkbs.copy()
            wkbs[plain] = [_ONE_PART_MULTIPOLYGON + w for w in wkbs[plain].tolist()]
    bounds = shapely.bounds(arr)
    empty = shapely.is_empty(arr)
    head = struct.Struct("<i4d")
    out = []
    prefix = b"GP\x00\x03"
    for wkb, b, e in zip(wkbs, bounds.tolist(), empty.tolist()):
        if e:
            out.append(_header(srs_id, None) + wkb)
        else:
            out.append(prefix + head.pack(srs_id, b[0], b[2], b[1], b[3]) + wkb)
    return out


def _split_blob(blob: bytes) -> tuple[int, int, bool, bytes]:
    """-> (flags, srs_id, empty, wkb). Raises ValueError if not a GeoPackage blob."""
    if blob is None or len(blob) < 8 or blob[0:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    flags = blob[3]
    env = (flags >> 1) & 0b111
    if env not in _ENVELOPE_SIZES:
        raise ValueError("bad envelope indicator")
    little = flags & 1
    srs_id = struct.unpack("<i" if little else ">i", blob[4:8])[0]
    start = 8 + _ENVELOPE_SIZES[env]
    return flags, srs_id, bool(flags & 0b10000), blob[start:]


def decode_geometry(blob: bytes | None) -> BaseGeometry | None:
    if blob is None:
        return None
    return shapely.from_wkb(_split_blob(blob)[3])


def decode_geometries(blobs: Iterable[bytes | None]) -> np.ndarray:
    wkbs = [None if b is None else _split_blob(b)[3] for b in blobs]
    return shapely.from_wkb(np.asarray(wkbs, dtype=object))


def _envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) from the header, or computed from the WKB."""
    if blob is None:
        return None
    try:
        flags, _, empty, wkb = _split_blob(blob)
    except ValueError:
        return None
    if empty:
        return None
    env = (flags >> 1) & 0b111
    if env:
        fmt = "<4d" if flags & 1 else ">4d"
        return struct.unpack(fmt, blob[8:40])
    g = shapely.from_wkb(wkb)
    if g.is_empty:
        return None
    b = g.bounds
    return b[0], b[2], b[1], b[3]


def _st_is_empty(blob):
    if blob is None:
        return None
    try:
        flags, _, empty, wkb = _split_blob(blob)
    except ValueError:
        return None
    if empty:
        return 1
    if (flags >> 1) & 0b111:
        return 0
    return int(shapely.from_wkb(wkb).is_empty)


def _st_coord(i):
    def f(blob):
        env = _envelope(blob)
        return None if env is None else env[i]
    return f


def register_functions(conn: sqlite3.Connection) -> None:
    """Register the SQL functions GeoPackage R-tree triggers (ours and GDAL's) call. Without
    them, writing to a GDAL-made GeoPackage fails with 'no such function: ST_IsEmpty'."""
    conn.create_function("ST_IsEmpty", 1, _st_is_empty, deterministic=True)
    for i, name in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
        conn.create_function(name, 1, _st_coord(i), deterministic=True)
    conn.create_function("GPKG_IsAssignable", 2, lambda a, b: 1, deterministic=True)


# ---- creating a GeoPackage -------------------------------------------------------------

_BASE_SQL = """
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT
  (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE,
  max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_tile_matrix_set (
  table_name TEXT NOT NULL PRIMARY KEY, srs_id INTEGER NOT NULL, min_x DOUBLE NOT NULL,
  min_y DOUBLE NOT NULL, max_x DOUBLE NOT NULL, max_y DOUBLE NOT NULL,
  CONSTRAINT fk_gtms_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gtms_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_tile_matrix (
  table_name TEXT NOT NULL, zoom_level INTEGER NOT NULL, matrix_width INTEGER NOT NULL,
  matrix_height INTEGER NOT NULL, tile_width INTEGER NOT NULL, tile_height INTEGER NOT NULL,
  pixel_x_size DOUBLE NOT NULL, pixel_y_size DOUBLE NOT NULL,
  CONSTRAINT pk_ttm PRIMARY KEY (table_name, zoom_level),
  CONSTRAINT fk_tmm_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name));
CREATE TABLE gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
  scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
CREATE TABLE gpkg_data_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT,
  description TEXT, mime_type TEXT, constraint_name TEXT,
  CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
  CONSTRAINT gdc_tn UNIQUE (table_name, name));
CREATE TABLE gpkg_data_column_constraints (
  constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL, value TEXT, min NUMERIC,
  min_is_inclusive BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT,
  CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value));
CREATE TABLE landapp_meta (key TEXT PRIMARY KEY, value TEXT);
INSERT INTO gpkg_extensions VALUES
  ('gpkg_data_columns', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write'),
  ('gpkg_data_column_constraints', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write');
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
"""


def add_srs(conn: sqlite3.Connection, epsg: int) -> None:
    """Add an EPSG CRS to gpkg_spatial_ref_sys (WKT from PROJ's database)."""
    if conn.execute("SELECT 1 FROM gpkg_spatial_ref_sys WHERE srs_id=?", (epsg,)).fetchone():
        return
    from pyproj import CRS

    crs = CRS.from_epsg(epsg)
    conn.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)",
        (crs.name, epsg, "EPSG", epsg, crs.to_wkt("WKT1_GDAL"), crs.name),
    )


def create_base(conn: sqlite3.Connection, srs_id: int) -> None:
    """Turn an empty SQLite database into an empty GeoPackage."""
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {USER_VERSION}")
    # executescript would COMMIT the caller's transaction: run statement by statement
    for stmt in _BASE_SQL.split(";\n"):
        if stmt.strip():
            conn.execute(stmt)
    for epsg in sorted({4326, srs_id}):
        add_srs(conn, epsg)


def _rtree_sql(t: str, c: str = GEOM_COLUMN, i: str = FID_COLUMN) -> list[str]:
    r = f"rtree_{t}_{c}"
    box = f"NEW.{i}, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c})"
    return [
        f'CREATE VIRTUAL TABLE "{r}" USING rtree(id, minx, maxx, miny, maxy)',
        f'''CREATE TRIGGER "{r}_insert" AFTER INSERT ON "{t}"
            WHEN (new."{c}" NOT NULL AND NOT ST_IsEmpty(NEW."{c}"))
            BEGIN INSERT OR REPLACE INTO "{r}" VALUES ({box}); END''',
        f'''CREATE TRIGGER "{r}_update6" AFTER UPDATE OF "{c}" ON "{t}"
            WHEN OLD.{i} = NEW.{i} AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
            BEGIN INSERT OR REPLACE INTO "{r}" VALUES ({box}); END''',
        f'''CREATE TRIGGER "{r}_update7" AFTER UPDATE OF "{c}" ON "{t}"
            WHEN OLD.{i} = NEW.{i} AND (NEW."{c}" IS NULL OR ST_IsEmpty(NEW."{c}"))
            BEGIN DELETE FROM "{r}" WHERE id = OLD.{i}; END''',
        f'''CREATE TRIGGER "{r}_update2" AFTER UPDATE OF "{c}" ON "{t}"
            WHEN OLD.{i} != NEW.{i} AND (NEW."{c}" IS NULL OR ST_IsEmpty(NEW."{c}"))
            BEGIN DELETE FROM "{r}" WHERE id IN (OLD.{i}, NEW.{i}); END''',
        f'''CREATE TRIGGER "{r}_update4" AFTER UPDATE ON "{t}"
            WHEN OLD.{i} != NEW.{i} AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
            BEGIN DELETE FROM "{r}" WHERE id IN (OLD.{i});
                  INSERT OR REPLACE INTO "{r}" VALUES ({box}); END''',
        f'''CREATE TRIGGER "{r}_delete" AFTER DELETE ON "{t}" WHEN old."{c}" NOT NULL
            BEGIN DELETE FROM "{r}" WHERE id = OLD.{i}; END''',
        f"""INSERT INTO gpkg_extensions VALUES ('{t}', '{c}', 'gpkg_rtree_index',
            'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')""",
    ]


def _column_sql(f) -> str:
    default = " DEFAULT 0" if f.kind == "bool" else ""
    return f'"{f.name}" {f.sql_type}{default}'


def _register_columns(conn: sqlite3.Connection, s: LayerSpec, fields) -> None:
    for f in fields:
        constraint = None
        if f.choices:
            constraint = f"{s.name}_{f.name}"
            for v in f.choices:
                conn.execute(
                    "INSERT OR IGNORE INTO gpkg_data_column_constraints"
                    "(constraint_name, constraint_type, value, description) VALUES (?, 'enum', ?, ?)",
                    (constraint, v, v))
        elif f.min is not None or f.max is not None:
            constraint = f"{s.name}_{f.name}_range"
            conn.execute(
                "INSERT OR IGNORE INTO gpkg_data_column_constraints VALUES (?, 'range', NULL, ?, 1, ?, 1, ?)",
                (constraint, f.min if f.min is not None else -1e308,
                 f.max if f.max is not None else 1e308, f.title_zh))
        desc = f.title_en + (f": {f.description}" if f.description else "")
        conn.execute(
            "INSERT OR REPLACE INTO gpkg_data_columns VALUES (?,?,?,?,?,NULL,?)",
            (s.name, f.name, f.title_zh, f.title_zh, desc, constraint))


def create_table(conn: sqlite3.Connection, s: LayerSpec, srs_id: int) -> None:
    cols = [f"{FID_COLUMN} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"]
    if s.spatial:
        cols.append(f'"{GEOM_COLUMN}" {s.geometry_type}')
    cols += [_column_sql(f) for f in s.fields]
    if s.name in VERSIONED:
        cols.append(ROW_VERSION_SQL)
    conn.execute(f'CREATE TABLE "{s.name}" ({", ".join(cols)})')
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES (?,?,?,?,?)",
        (s.name, "features" if s.spatial else "attributes", s.name,
         f"{s.title_zh} / {s.title_en}" + (f": {s.description}" if s.description else ""),
         srs_id if s.spatial else None))
    if s.spatial:
        conn.execute("INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)",
                     (s.name, GEOM_COLUMN, s.geometry_type, srs_id))
        for sql in _rtree_sql(s.name):
            conn.execute(sql)
    _register_columns(conn, s, s.fields)
    _create_indexes(conn, s)


def _create_indexes(conn: sqlite3.Connection, s: LayerSpec) -> None:
    # Look-ups the app does by key: parcel code, building of a unit, tenant of a lease …
    for col in ("code", "building_id", "floor_id", "unit_id", "enterprise_id", "case_id",
                "parent_id", "child_id", "parcel_code", "status", "zone", "key"):
        if s.has(col):
            conn.execute(f'CREATE INDEX IF NOT EXISTS "idx_{s.name}_{col}" ON "{s.name}"("{col}")')
    if s.name == "edit_log":  # the history of one feature (info panel)
        conn.execute('CREATE INDEX IF NOT EXISTS "idx_edit_log_feature" ON edit_log(feature_id, layer)')
    if s.name == "parcels":  # totals by status of the active parcels (info, dashboard) from the index alone
        conn.execute('CREATE INDEX IF NOT EXISTS "idx_parcels_retired_status_area" '
                     'ON parcels(retired, status, area_m2)')
    if s.name == "buildings":  # active buildings by type (and zone): info, the dashboard, vacancy
        conn.execute('CREATE INDEX IF NOT EXISTS "idx_buildings_retired_btype_zone" '
                     'ON buildings(retired, btype, zone)')


ROW_VERSION_SQL = f'"{ROW_VERSION}" INTEGER NOT NULL DEFAULT 1'


def ensure_row_versions(conn: sqlite3.Connection) -> list[str]:
    """The row_version column (schema 5) on every table users edit, and a trigger that bumps
    it for writes that do not: landapp's store sets it to the old version + 1 in its UPDATE;
    QGIS, GDAL or any SQLite tool leave it as it was (or write back a stale one), and the
    trigger then sets old + 1. Plain SQL, no custom functions, so other programs' writes keep
    working. (With SQLite's recursive triggers off, as by default, the trigger's own UPDATE
    does not fire it again; with them on, its WHEN clause is false for that UPDATE.)"""
    changed = []
    for name in VERSIONED:
        cols = {r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')}
        if not cols:
            continue
        if ROW_VERSION not in cols:
            conn.execute(f'ALTER TABLE "{name}" ADD COLUMN {ROW_VERSION_SQL}')
            changed.append(f"+column {name}.{ROW_VERSION}")
        conn.execute(
            f'CREATE TRIGGER IF NOT EXISTS "landapp_{name}_row_version" AFTER UPDATE ON "{name}" '
            f"WHEN NEW.{ROW_VERSION} IS NOT OLD.{ROW_VERSION} + 1 "
            f'BEGIN UPDATE "{name}" SET {ROW_VERSION} = OLD.{ROW_VERSION} + 1 '
            f"WHERE {FID_COLUMN} = NEW.{FID_COLUMN}; END")
    return changed


CHANGES_TABLE = "landapp_changes"
UNTRACKED = ("edit_log",)  # landapp's own log; the change table itself


def ensure_change_tracking(conn: sqlite3.Connection) -> None:
    """Triggers that record every insert, update and delete of every landapp table into
    landapp_changes, whichever program writes (landapp, QGIS, GDAL): plain SQL, no custom
    functions, so other programs' writes keep working. landapp closes each of its own write
    transactions with a marker row (operation 'landapp', feature_id = the last change id
    before it began), so the rows between are known to be its own; the rest are others'.
    An open window polls the table cheaply (PRAGMA data_version first)."""
    conn.execute(f"""CREATE TABLE IF NOT EXISTS {CHANGES_TABLE} (
        id INTEGER PRIMARY KEY AUTOINCREMENT, layer TEXT NOT NULL, feature_id INTEGER,
        operation TEXT NOT NULL, ts TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')))""")
    for s in LAYERS.values():
        if s.name in UNTRACKED:
            continue
        cols = {r[1] for r in conn.execute(f'PRAGMA table_info("{s.name}")')}
        for op, row in (("insert", "NEW"), ("update", "NEW"), ("delete", "OLD")):
            name = f"{CHANGES_TABLE}_{s.name}_{op}"
            when = ""
            if op == "update" and ROW_VERSION in cols:
                # one row per update: an update that bumps the version (landapp's, or the
                # row-version trigger's own UPDATE after another program's write), not also
                # the other program's UPDATE that left the version as it was
                when = f"WHEN NEW.{ROW_VERSION} IS OLD.{ROW_VERSION} + 1 "
                ddl = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                                   (name,)).fetchone()
                if ddl and "WHEN" not in ddl[0]:  # made by schema 4
                    conn.execute(f'DROP TRIGGER "{name}"')
            conn.execute(
                f'CREATE TRIGGER IF NOT EXISTS "{name}" AFTER {op.upper()} ON "{s.name}" {when}'
                f"BEGIN INSERT INTO {CHANGES_TABLE} (layer, feature_id, operation) "
                f"VALUES ('{s.name}', {row}.{FID_COLUMN}, '{op}'); END")


def ensure_schema(conn: sqlite3.Connection, srs_id: int) -> list[str]:
    """Create missing tables and add missing columns (additive migrations). Returns what
    changed, for the log."""
    import sqlite_utils

    db = sqlite_utils.Database(conn)  # introspection over the caller's connection and transaction
    changed = []
    existing = set(db.table_names())
    for s in LAYERS.values():
        if s.name not in existing:
            create_table(conn, s, srs_id)
            changed.append(f"+table {s.name}")
            continue
        have = set(db[s.name].columns_dict)
        missing = [f for f in s.fields if f.name not in have]
        for f in missing:
            conn.execute(f'ALTER TABLE "{s.name}" ADD COLUMN {_column_sql(f)}')
            changed.append(f"+column {s.name}.{f.name}")
        _register_columns(conn, s, missing)
        _create_indexes(conn, s)
    changed += ensure_row_versions(conn)
    ensure_change_tracking(conn)
    conn.execute("INSERT OR REPLACE INTO landapp_meta VALUES ('schema_version', ?)",
                 (str(SCHEMA_VERSION),))
    return changed


def update_extent(conn: sqlite3.Connection, table: str) -> None:
    """Refresh gpkg_contents' bounding box and last_change from the R-tree (cheap)."""
    row = conn.execute(
        f'SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "rtree_{table}_{GEOM_COLUMN}"'
    ).fetchone()
    conn.execute(
        "UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, "
        "last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name=?",
        (*row, table))
