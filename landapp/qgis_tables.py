"""The two tables QGIS reads from a GeoPackage: `layer_styles` (QML styles, one default
per layer, the others in QGIS's style manager) and `qgis_projects` (projects QGIS's browser
offers under the GeoPackage). Same columns and encodings as QGIS 3.22 writes them (checked
by letting QGIS read what we write, tests/layers/test_qgis.py): layer_styles as GDAL
creates it for QGIS, qgis_projects(name, metadata JSON, content = the zipped .qgz as hex
text). On PostGIS: QGIS's public.layer_styles, and qgis_projects in the park's schema as
QGIS 3.22's PostgreSQL project storage keeps it (name, metadata jsonb, content bytea = the
.qgz). The QML itself is made in layers.qgis_styles (it needs the map themes)."""

from __future__ import annotations

import datetime as dt
import getpass
import io
import json
import zipfile
from dataclasses import dataclass

from landapp.errors import LandappError
from landapp.i18n import tr

STYLE_OWNER = "landapp"  # rows we own: rewritten each time; a QGIS user's own styles stay


@dataclass(frozen=True)
class LayerStyle:
    table: str
    geometry_column: str  # '' for tables without geometry
    name: str
    qml: str
    default: bool
    description: str = ""


_STYLES_SQL = """CREATE TABLE IF NOT EXISTS "layer_styles" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "f_table_catalog" TEXT(256),
  "f_table_schema" TEXT(256), "f_table_name" TEXT(256), "f_geometry_column" TEXT(256),
  "styleName" TEXT(30), "styleQML" TEXT, "styleSLD" TEXT, "useAsDefault" BOOLEAN,
  "description" TEXT, "owner" TEXT(30), "ui" TEXT(30),
  "update_time" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"""
_PROJECTS_SQL = "CREATE TABLE IF NOT EXISTS qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, content BLOB)"


def _connection(store):
    """The GeoPackage's SQLite connection. Other backends (PostGIS: QGIS's public.layer_styles)
    are not written yet: one clear sentence instead of SQL errors."""
    from landapp.store.geopackage import GeoPackageStore

    if not isinstance(store, GeoPackageStore):
        raise LandappError(tr("QGIS 样式和工程目前只能写入 GeoPackage 工程文件。",
                              "QGIS styles and projects can only be written into GeoPackage project files for now."))
    return store._conn


def _postgres(store):
    """(psycopg connection, park schema) of a PostGIS store, else None (duck-typed: the core
    does not import the PostGIS backend)."""
    conn, schema = getattr(store, "_conn", None), getattr(store, "schema", None)
    if conn is not None and schema and type(conn).__module__.startswith("psycopg"):
        return conn, schema
    return None


# QGIS 3.22's own table in the database's public schema (QgsPostgresProvider::saveStyle)
_PG_STYLES_SQL = """CREATE TABLE IF NOT EXISTS public.layer_styles (
  id SERIAL PRIMARY KEY, f_table_catalog varchar, f_table_schema varchar, f_table_name varchar,
  f_geometry_column varchar, stylename text, styleqml xml, stylesld xml, useasdefault boolean,
  description text, owner varchar(63) DEFAULT CURRENT_USER, ui xml,
  update_time timestamp DEFAULT CURRENT_TIMESTAMP, type varchar)"""


def write_styles_postgres(conn, schema: str, styles: list[LayerStyle], transaction=None,
                          only: list[str] | None = None) -> int:
    """The same styles in QGIS's public.layer_styles for the park's schema. Ours are told
    apart by their description ('landapp:…'); a QGIS user's own styles stay. `only`: the
    tables whose styles are replaced (all of ours when None)."""
    from contextlib import nullcontext

    with (transaction() if transaction else nullcontext()):
        conn.execute(_PG_STYLES_SQL)
        if only is None:
            conn.execute("DELETE FROM public.layer_styles WHERE f_table_schema = %s "
                         "AND description LIKE 'landapp:%%'", (schema,))
        else:
            conn.execute("DELETE FROM public.layer_styles WHERE f_table_schema = %s "
                         "AND description LIKE 'landapp:%%' AND f_table_name = ANY(%s)", (schema, list(only)))
        tables = sorted({s.table for s in styles if s.default})
        if tables:
            conn.execute("UPDATE public.layer_styles SET useasdefault = false WHERE f_table_schema = %s "
                         "AND f_table_name = ANY(%s)", (schema, tables))
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, stylename, styleqml, stylesld, useasdefault, description, type) "
                "VALUES (current_database(), %s, %s, %s, %s, XMLPARSE(DOCUMENT %s), NULL, %s, %s, %s)",
                [(schema, s.table, s.geometry_column or None, s.name, s.qml.split("\n", 1)[1], s.default,
                  s.description, "Polygon" if s.geometry_column else None) for s in styles])
    return len(styles)


def write_styles(store, styles: list[LayerStyle], only: list[str] | None = None) -> int:
    """Replace landapp's styles (owner 'landapp') by `styles`, in one transaction (of the
    tables `only`, or all). Styles a QGIS user saved under another owner are kept, but ours
    become the default. On PostGIS they go to QGIS's public.layer_styles."""
    if _postgres(store) is not None:
        with store.transaction():
            conn, schema = _postgres(store)
            return write_styles_postgres(conn, schema, styles, only=only)
    conn = _connection(store)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    with store.transaction():
        conn.execute(_STYLES_SQL)
        conn.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, "
                     "description, last_change) VALUES ('layer_styles', 'attributes', "
                     "'layer_styles', 'QGIS layer styles (QML)', ?)", (now,))
        if only is None:
            conn.execute("DELETE FROM layer_styles WHERE owner = ?", (STYLE_OWNER,))
        else:
            conn.execute(f"DELETE FROM layer_styles WHERE owner = ? AND f_table_name IN "
                         f"({','.join('?' * len(only))})", (STYLE_OWNER, *only))
        tables = {s.table for s in styles if s.default}
        if tables:
            conn.execute(f"UPDATE layer_styles SET useAsDefault = 0 WHERE f_table_name IN "
                         f"({','.join('?' * len(tables))})", sorted(tables))
        conn.executemany(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
            "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, "
            "ui, update_time) VALUES ('', '', ?, ?, ?, ?, '', ?, ?, ?, NULL, ?)",
            [(s.table, s.geometry_column, s.name, s.qml, 1 if s.default else 0, s.description,
              STYLE_OWNER, now) for s in styles])
    return len(styles)


def read_styles(store) -> list[dict]:
    pg = _postgres(store)
    if pg is not None:
        conn, schema = pg
        if not conn.execute("SELECT to_regclass('public.layer_styles') IS NOT NULL").fetchone()[0]:
            return []
        cur = conn.execute(
            "SELECT f_table_name, stylename, useasdefault, owner, description, styleqml::text "
            "FROM public.layer_styles WHERE f_table_schema = %s ORDER BY id", (schema,))
        cols = ["f_table_name", "styleName", "useAsDefault", "owner", "description", "styleQML"]
        return [dict(zip(cols, row)) for row in cur.fetchall()]
    conn = _connection(store)
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'layer_styles'").fetchone():
        return []
    cur = conn.execute("SELECT f_table_name, styleName, useAsDefault, owner, description, styleQML "
                       "FROM layer_styles ORDER BY id")
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def qgz_bytes(qgs_xml: str, name: str) -> bytes:
    """The zipped project as QGIS stores it: one '<name>.qgs' member (deflated)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{name}.qgs", qgs_xml.encode("utf-8"))
    return buf.getvalue()


def _pg_projects_table(schema: str):
    from psycopg import sql

    return sql.SQL("{}.qgis_projects").format(sql.Identifier(schema))


def write_project(store, name: str, qgs_xml: str) -> None:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        user = "landapp"
    meta = json.dumps({"last_modified_time": dt.datetime.now().strftime("%Y-%m-%dT%H:%M:%S"),
                       "last_modified_user": user}, ensure_ascii=False)
    if _postgres(store) is not None:  # QgsPostgresProjectStorage's table in the park's schema
        from psycopg import sql

        with store.transaction():
            conn, schema = _postgres(store)
            table = _pg_projects_table(schema)
            conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (name TEXT PRIMARY KEY, metadata JSONB, "
                                 "content BYTEA)").format(table))
            conn.execute(sql.SQL("INSERT INTO {} (name, metadata, content) VALUES (%s, %s::jsonb, %s) "
                                 "ON CONFLICT (name) DO UPDATE SET metadata = EXCLUDED.metadata, "
                                 "content = EXCLUDED.content").format(table),
                         (name, meta, qgz_bytes(qgs_xml, "project")))
        return
    conn = _connection(store)
    with store.transaction():
        conn.execute(_PROJECTS_SQL)
        conn.execute("INSERT OR REPLACE INTO qgis_projects (name, metadata, content) VALUES (?,?,?)",
                     (name, meta, qgz_bytes(qgs_xml, "project").hex()))


def read_project(store, name: str) -> str | None:
    pg = _postgres(store)
    if pg is not None:
        from psycopg import sql

        conn, schema = pg
        if not conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f'"{schema}".qgis_projects',)).fetchone()[0]:
            return None
        row = conn.execute(sql.SQL("SELECT content FROM {} WHERE name = %s").format(_pg_projects_table(schema)),
                           (name,)).fetchone()
    else:
        conn = _connection(store)
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'qgis_projects'").fetchone():
            return None
        row = conn.execute("SELECT content FROM qgis_projects WHERE name = ?", (name,)).fetchone()
    if row is None:
        return None
    data = bytes.fromhex(row[0]) if isinstance(row[0], str) else bytes(row[0])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        member = next(n for n in z.namelist() if n.endswith(".qgs"))
        return z.read(member).decode("utf-8")
