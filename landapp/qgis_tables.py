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
import logging
import re
import zipfile
from dataclasses import dataclass

from landapp.errors import LandappError
from landapp.i18n import tr

log = logging.getLogger(__name__)
STYLE_OWNER = "landapp"  # rows we own: rewritten each time; a QGIS user's own styles stay
STYLE_MARK = "landapp:"  # the description of our styles starts with it (on PostGIS the owner is the role)
PROJECT_NAME = "landapp"  # our project (made from the park); a QGIS user's other projects stay


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
    """The park's QGIS styles under QGIS's own column names (_all_styles, fewer fields)."""
    return [{"f_table_name": r["table"], "styleName": r["name"], "useAsDefault": r["default"],
             "owner": r["owner"], "description": r["description"], "styleQML": r["qml"]}
            for r in _all_styles(store)]


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


# ---- datasources ------------------------------------------------------------------------

def _pg_quote(v: str) -> str:
    """A value in a QgsDataSourceUri: single-quoted, \\ and ' escaped."""
    return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"


def postgres_connection(params: dict) -> str:
    """The connection part of a QGIS postgres datasource for a PostGIS park: service or
    host/port/dbname/user (and sslmode), never a password (QGIS asks, or reads ~/.pgpass
    or the service file)."""
    return " ".join(f"{k}={_pg_quote(params[k])}" for k in ("service", "dbname", "host", "port", "user", "sslmode")
                    if params.get(k))


def postgres_source(params: dict, schema: str, epsg: int, layer: str, subset: str | None = None) -> str:
    """A QGIS postgres datasource of one of a PostGIS park's layers or tables."""
    from landapp.gpkg import FID_COLUMN, GEOM_COLUMN
    from landapp.schema import SPATIAL_LAYERS

    geo = f" srid={int(epsg)} type=MultiPolygon" if layer in SPATIAL_LAYERS else ""
    return (f"{postgres_connection(params)} key='{FID_COLUMN}' checkPrimaryKeyUnicity='0'{geo} "
            f'table="{schema}"."{layer}"' + (f" ({GEOM_COLUMN})" if layer in SPATIAL_LAYERS else "")
            + f" sql={subset or ''}")


def gpkg_source(path: str, layer: str, subset: str | None = None) -> str:
    """A QGIS ogr datasource of one of a GeoPackage park's layers ('./park.gpkg' is resolved
    against the GeoPackage holding the project)."""
    return f"{path}|layername={layer}" + (f"|subset={subset}" if subset else "")


_PASSWORD = re.compile(r"""\s*\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s'"]+)""", re.I)
_URL_PASSWORD = re.compile(r"(postgres(?:ql)?://[^:/@\s]*):[^@\s]*@", re.I)


def without_password(text: str) -> str:
    """A datasource (or any text holding connection strings) with every password taken out."""
    return _URL_PASSWORD.sub(r"\1@", _PASSWORD.sub("", text))


def _ogr_parts(source: str) -> tuple[str, dict[str, str]]:
    path, *rest = source.split("|")
    opts = {}
    for part in rest:
        k, _, v = part.partition("=")
        opts[k.strip()] = v
    return path, opts


_PG_TABLE = re.compile(r'\btable="((?:[^"]|"")*)"\."((?:[^"]|"")*)"')


def _pg_parts(source: str) -> tuple[str | None, str | None, str | None]:
    """(schema, table, subset) of a QGIS postgres datasource."""
    m = _PG_TABLE.search(source)
    if not m:
        return None, None, None
    sql_at = source.find(" sql=", m.end())
    subset = source[sql_at + 5:].strip() if sql_at >= 0 else ""
    return m.group(1).replace('""', '"'), m.group(2).replace('""', '"'), subset or None


def source_mapper(src, dst):
    """A function (provider, datasource) -> (provider, datasource) that points sources of the
    park `src` (a GeoPackage file or a PostGIS schema) at the same layer of `dst`; any other
    source is kept, without its password."""
    import os

    from landapp.schema import LAYERS

    def dst_source(layer: str, subset: str | None) -> tuple[str, str]:
        pg = _postgres(dst)
        if pg is not None:
            return "postgres", postgres_source(dst.target.params, dst.schema, int(dst.srs_id), layer, subset)
        return "ogr", gpkg_source("./" + os.path.basename(dst.path), layer, subset)

    src_pg = _postgres(src) is not None
    src_name = None if src_pg else os.path.basename(src.path)

    folder = None if src_pg else os.path.dirname(os.path.abspath(src.path))

    def mapped(provider: str, source: str) -> tuple[str, str]:
        if provider == "ogr" and not src_pg:
            path, opts = _ogr_parts(source)
            if os.path.basename(path.replace("\\", "/")) == src_name and opts.get("layername") in LAYERS:
                return dst_source(opts["layername"], opts.get("subset") or None)
        if folder and source.startswith(("./", "../")):  # relative to the GeoPackage: kept reachable
            path, bar, rest = source.partition("|")
            return provider, os.path.normpath(os.path.join(folder, path)) + bar + rest
        if provider == "postgres" and src_pg:
            schema, table, subset = _pg_parts(source)
            if schema == src.schema and table in LAYERS:
                return dst_source(table, subset)
        return provider, without_password(source)
    return mapped


def rewrite_project(qgs_xml: str, mapped) -> str:
    """A .qgs with each layer's datasource and provider passed through `mapped` (the
    layer-tree's copies too); the rest as it was."""
    import xml.etree.ElementTree as ET

    start = qgs_xml.find("<qgis")
    prolog, body = (qgs_xml[:start], qgs_xml[start:]) if start >= 0 else ("", qgs_xml)
    root = ET.fromstring(body)
    for ml in root.iter("maplayer"):
        ds, prov = ml.find("datasource"), ml.find("provider")
        if ds is None or ds.text is None:
            continue
        provider, ds.text = mapped(prov.text if prov is not None and prov.text else "", ds.text)
        if prov is not None:
            prov.text = provider
    for node in root.iter("layer-tree-layer"):
        if node.get("source") is not None:
            provider, source = mapped(node.get("providerKey") or "", node.get("source"))
            node.set("source", source)
            node.set("providerKey", provider)
    return prolog + ET.tostring(root, encoding="unicode")


def _rezip(qgz: bytes, mapped) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(qgz)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith(".qgs"):
                data = rewrite_project(data.decode("utf-8"), mapped).encode("utf-8")
            zout.writestr(info, data)
    return out.getvalue()


# ---- carrying a park's QGIS tables to its copy (db push / db pull) ------------------------

def _all_styles(store) -> list[dict]:
    """Every style row of the park: table, geometry column, name, QML, SLD, default,
    description, owner, ui, and whether it is landapp's own (regenerated, not the user's)."""
    pg = _postgres(store)
    keys = ["table", "geometry_column", "name", "qml", "sld", "default", "description", "owner", "ui"]
    if pg is not None:
        conn, schema = pg
        if not conn.execute("SELECT to_regclass('public.layer_styles') IS NOT NULL").fetchone()[0]:
            return []
        rows = conn.execute(
            "SELECT f_table_name, f_geometry_column, stylename, styleqml::text, stylesld::text, useasdefault, "
            "description, owner, ui::text FROM public.layer_styles WHERE f_table_schema = %s ORDER BY id",
            (schema,)).fetchall()
        out = [dict(zip(keys, r)) for r in rows]
        for r in out:
            r["ours"] = (r["description"] or "").startswith(STYLE_MARK)
        return out
    conn = _connection(store)
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'layer_styles'").fetchone():
        return []
    rows = conn.execute("SELECT f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, "
                        "description, owner, ui FROM layer_styles ORDER BY id").fetchall()
    out = [dict(zip(keys, r)) for r in rows]
    for r in out:
        r["ours"] = r["owner"] == STYLE_OWNER and (r["description"] or "").startswith(STYLE_MARK)
    return out


def _all_projects(store) -> list[tuple[str, str | None, bytes]]:
    """Every QGIS project of the park: (name, metadata JSON text, .qgz bytes)."""
    pg = _postgres(store)
    if pg is not None:
        conn, schema = pg
        if not conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f'"{schema}".qgis_projects',)).fetchone()[0]:
            return []
        rows = conn.execute(_pg_sql("SELECT name, metadata::text, content FROM {} ORDER BY name",
                                    _pg_projects_table(schema))).fetchall()
    else:
        conn = _connection(store)
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'qgis_projects'").fetchone():
            return []
        rows = conn.execute("SELECT name, metadata, content FROM qgis_projects ORDER BY name").fetchall()
    out = []
    for name, meta, content in rows:
        if content is None:
            continue
        data = bytes.fromhex(content) if isinstance(content, str) else bytes(content)
        out.append((name, meta if meta is None or isinstance(meta, str) else bytes(meta).decode("utf-8"), data))
    return out


def _pg_sql(text: str, *parts):
    from psycopg import sql

    return sql.SQL(text).format(*parts)


_DOCTYPE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?<!DOCTYPE[^>]*>\s*")


def _xml_document(text: str | None) -> str | None:
    """QML for PostgreSQL's xml type (as QGIS saves it there): no DOCTYPE line."""
    return _DOCTYPE.sub("", text) if text else None


def carry_qgis(src, dst) -> dict:
    """After a park was copied (db push: GeoPackage -> PostGIS; db pull: back) and its own
    styles and project written for the copy (project_hooks), bring over what QGIS users
    saved in the original: their styles (other names, or landapp's styles with a modified
    QML), which style is each layer's default, and their projects, with every datasource of
    the park pointed at the copy and no password anywhere. Returns counts."""
    styles = _all_styles(src)
    have = {(r["table"], r["name"]): r for r in _all_styles(dst) if r["ours"]}
    mapped = source_mapper(src, dst)
    changed, added = [], []
    for r in styles:
        r = dict(r, qml=without_password(r["qml"] or ""))
        if r["ours"]:
            mine = have.get((r["table"], r["name"]))
            if mine is not None and _xml_document(mine["qml"]) != _xml_document(r["qml"]):
                changed.append(r)
        else:
            added.append(r)
    defaults = {r["table"]: (r["name"], r["ours"]) for r in styles if r["default"]}
    projects = [(n, m, _rezip(c, mapped)) for n, m, c in _all_projects(src) if n != PROJECT_NAME]
    pg = _postgres(dst)
    with dst.transaction():
        if pg is not None:
            _carry_to_postgres(*pg, changed, added, defaults, projects)
        else:
            _carry_to_gpkg(_connection(dst), changed, added, defaults, projects)
    return {"styles": len(changed) + len(added), "projects": len(projects)}


def _carry_to_postgres(conn, schema, changed, added, defaults, projects) -> None:
    import psycopg

    def each(statement: str, params: tuple, name: str) -> None:
        """One style in a savepoint: PostgreSQL's xml type refuses a QML that is not well-formed
        XML (a GeoPackage keeps any text); that style stays behind, with a word in the log."""
        try:
            with conn.transaction():
                conn.execute(statement, params)
        except psycopg.DataError as e:
            log.warning("QGIS style %s not carried: %s", name, str(e).splitlines()[0])

    conn.execute(_PG_STYLES_SQL)
    for r in changed:
        each("UPDATE public.layer_styles SET styleqml = XMLPARSE(DOCUMENT %s) WHERE f_table_schema = %s "
             "AND f_table_name = %s AND stylename = %s AND description LIKE 'landapp:%%'",
             (_xml_document(r["qml"]), schema, r["table"], r["name"]), r["name"])
    for r in added:
        each("INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
             "stylename, styleqml, stylesld, useasdefault, description, owner, ui, type) VALUES (current_database(), "
             "%s, %s, %s, %s, XMLPARSE(DOCUMENT %s), XMLPARSE(DOCUMENT %s), false, %s, coalesce(%s, CURRENT_USER), "
             "XMLPARSE(CONTENT %s), %s)",
             (schema, r["table"], r["geometry_column"] or None, r["name"], _xml_document(r["qml"]),
              _xml_document(r["sld"]), r["description"], r["owner"] or None, r["ui"] or None,
              "Polygon" if r["geometry_column"] else None), r["name"])
    for table, (name, ours) in defaults.items():
        conn.execute("UPDATE public.layer_styles SET useasdefault = (stylename = %s AND "
                     "coalesce(description LIKE 'landapp:%%', false) = %s) WHERE f_table_schema = %s AND f_table_name = %s",
                     (name, ours, schema, table))
    if projects:
        table = _pg_projects_table(schema)
        conn.execute(_pg_sql("CREATE TABLE IF NOT EXISTS {} (name TEXT PRIMARY KEY, metadata JSONB, content BYTEA)",
                             table))
        for name, meta, qgz in projects:
            conn.execute(_pg_sql("INSERT INTO {} (name, metadata, content) VALUES (%s, %s::jsonb, %s) "
                                 "ON CONFLICT (name) DO UPDATE SET metadata = EXCLUDED.metadata, "
                                 "content = EXCLUDED.content", table), (name, meta, qgz))


def _carry_to_gpkg(conn, changed, added, defaults, projects) -> None:
    conn.execute(_STYLES_SQL)
    for r in changed:
        conn.execute("UPDATE layer_styles SET styleQML = ? WHERE f_table_name = ? AND styleName = ? AND owner = ?",
                     (r["qml"], r["table"], r["name"], STYLE_OWNER))
    conn.executemany(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, "
        "styleQML, styleSLD, useAsDefault, description, owner, ui) VALUES ('', '', ?, ?, ?, ?, ?, 0, ?, ?, ?)",
        [(r["table"], r["geometry_column"] or "", r["name"], r["qml"], r["sld"] or "", r["description"],
          "" if (r["owner"] or "") == STYLE_OWNER else (r["owner"] or ""), r["ui"]) for r in added])
    for table, (name, ours) in defaults.items():
        conn.execute("UPDATE layer_styles SET useAsDefault = (styleName = ? AND coalesce(owner = ?, 0) = ?) "
                     "WHERE f_table_name = ?", (name, STYLE_OWNER, 1 if ours else 0, table))
    if projects:
        conn.execute(_PROJECTS_SQL)
        conn.executemany("INSERT OR REPLACE INTO qgis_projects (name, metadata, content) VALUES (?,?,?)",
                         [(n, m, qgz.hex()) for n, m, qgz in projects])
