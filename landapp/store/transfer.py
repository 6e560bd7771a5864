"""Moving parks between a GeoPackage and a PostGIS database, losslessly: every layer and
table of landapp.schema row by row with its fid, stored areas, time stamps and edit log as
they are (nothing recomputed), and the id counters, so ids are never reused afterwards.

`push` is one PostgreSQL transaction (a failure leaves no schema behind); `pull` writes the
GeoPackage beside its target and renames it into place (a failure leaves no file)."""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from typing import Any, Callable

import numpy as np
import shapely
from psycopg import sql

from landapp import gpkg, project_hooks
from landapp.errors import LandappError, ProjectError
from landapp.i18n import tr
from landapp.qgis_tables import carry_qgis
from landapp.schema import LAYERS
from landapp.store import pg_schema
from landapp.store.geopackage import GeoPackageStore, _translate_sqlite_error
from landapp.store.geopackage import create_project as create_gpkg
from landapp.store.pg_schema import FID, GEOM, q
from landapp.store.postgis import PasswordPrompt, PostGISStore, _configure, connect, translate_error
from landapp.store.target import check_schema_name, parse_target

Progress = Callable[[str, int], None]


def default_schema(path: str) -> str:
    """A schema name from a file name: 成都经开区.gpkg has no ASCII letters, so 'park'."""
    import re

    stem = re.sub(r"[^A-Za-z0-9_]", "_", os.path.splitext(os.path.basename(path))[0]).strip("_").lower()
    if not stem or stem[0].isdigit():
        stem = f"park_{stem}".rstrip("_")
    return stem[:63]


def _gpkg_rows(store: GeoPackageStore, layer: str) -> tuple[list[str], list[tuple]]:
    """Every column of a GeoPackage table as stored (geometry as GeoPackage blobs)."""
    s = LAYERS[layer]
    cols = [FID, *([GEOM] if s.spatial else []), *s.field_names]
    quoted = ", ".join(f'"{c}"' for c in cols)
    return cols, store._execute(f'SELECT {quoted} FROM "{layer}" ORDER BY fid').fetchall()


def push(source: str, target: str, *, schema: str | None = None,
         password_prompt: PasswordPrompt | None = None, progress: Progress | None = None) -> str:
    """Upload the GeoPackage park `source` into a new schema of the database `target`; return
    the schema name. All in one transaction: on any failure nothing is left behind."""
    t = parse_target(target)
    name = check_schema_name(schema or t.schema or default_schema(source))
    with GeoPackageStore(source) as src:
        srid = src.srs_id
        seqs = dict(src._execute("SELECT name, seq FROM sqlite_sequence").fetchall())
        conn = connect(t, password_prompt=password_prompt, autocommit=True)
        try:
            _configure(conn)
            with conn.transaction():
                if conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (name,)).fetchone():
                    raise ProjectError(tr(
                        f"数据库 {t.display} 中已有模式 {name};请用 --schema 另选名称。",
                        f"The database {t.display} already has a schema {name}; choose another with --schema."))
                cur = conn.cursor()
                pg_schema.create_park(cur, name, srid, tracking=False)  # triggers after the copy
                for layer, s in LAYERS.items():
                    cols, rows = _gpkg_rows(src, layer)
                    if progress:
                        progress(layer, len(rows))
                    if rows:
                        _copy_rows(conn, name, layer, cols, rows, srid, s.spatial)
                    cur.execute(sql.SQL(
                        "SELECT setval(pg_get_serial_sequence(%s, 'fid'), GREATEST(%s, (SELECT coalesce(max(fid), 0) "
                        "FROM {}), 1), %s)").format(q(name, layer)),
                        (f'"{name}"."{layer}"', int(seqs.get(layer) or 0),
                         bool(seqs.get(layer) or rows)))
                pg_schema.install_tracking(cur, name)
        except LandappError:
            raise
        except Exception as e:
            raise translate_error(e, t.display) from None
        finally:
            conn.close()
    _after_push(source, t, name, password_prompt)
    return name


def _after_push(source: str, t, name: str, password_prompt) -> None:
    """The pushed park's QGIS styles and project (landapp.project_hooks), as for a park
    created in the database, then what QGIS users saved in the file (their styles and
    projects, pointed at the database); a failure there is logged, the push stands."""
    try:
        with PostGISStore(t.with_schema(name), password_prompt=password_prompt) as store:
            project_hooks.run(store, "created")
            with GeoPackageStore(source) as src:
                carry_qgis(src, store)
    except LandappError as e:
        logging.getLogger(__name__).warning("QGIS styles of the pushed park not written: %s", e)


def _copy_rows(conn, schema: str, layer: str, cols: list[str], rows: list[tuple], srid: int,
               spatial: bool) -> None:
    s = LAYERS[layer]
    bools = {i for i, c in enumerate(cols) if s.has(c) and s.field(c).kind == "bool"}
    if spatial:
        geoms = gpkg.decode_geometries([r[1] for r in rows])
        hexes = shapely.to_wkb(shapely.set_srid(np.asarray(geoms, dtype=object), srid), hex=True,
                               include_srid=True).tolist()
    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
        q(schema, layer), sql.SQL(", ").join(sql.Identifier(c) for c in cols))
    with conn.cursor().copy(copy_sql) as cp:
        for i, row in enumerate(rows):
            out = list(row)
            if spatial:
                out[1] = hexes[i]
            for j in bools:
                if out[j] is not None:
                    out[j] = int(bool(out[j]))
            cp.write_row(out)


def pull(target: str, out: str, *, force: bool = False,
         password_prompt: PasswordPrompt | None = None, progress: Progress | None = None) -> str:
    """A snapshot of the database park `target` as the GeoPackage `out` (for offline work or
    archiving). Read in one repeatable-read transaction, so the snapshot is consistent."""
    out = os.fspath(out)
    if os.path.exists(out) and not force:
        raise ProjectError(tr(f"{out} 已存在;如要覆盖请加 --force。", f"{out} already exists; use --force to overwrite it."))
    folder = os.path.dirname(os.path.abspath(out))
    with PostGISStore(target, password_prompt=password_prompt) as src:
        srid = src.srs_id
        fd, tmp = tempfile.mkstemp(suffix=".gpkg", dir=folder, prefix=".pull-")
        os.close(fd)
        os.unlink(tmp)
        try:
            create_gpkg(tmp, src.name, epsg=srid).close()
            conn = sqlite3.connect(tmp, isolation_level=None)
            gpkg.register_functions(conn)
            try:
                src._conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                conn.execute("BEGIN")
                conn.execute("DELETE FROM project_settings")
                for layer, s in LAYERS.items():
                    cols, rows = _pg_rows(src, layer)
                    if progress:
                        progress(layer, len(rows))
                    if rows:
                        _bulk_insert(conn, layer, cols, rows, s.spatial)
                    last = _sequence_value(src, layer)
                    if last:
                        conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (layer,))
                        conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (layer, int(last)))
                    if s.spatial:
                        gpkg.update_extent(conn, layer)
                # the copy fired the change-table triggers: a fresh snapshot has no changes to report
                conn.execute(f"DELETE FROM {gpkg.CHANGES_TABLE}")
                conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (gpkg.CHANGES_TABLE,))
                conn.execute("COMMIT")
                src._conn.execute("COMMIT")
            except sqlite3.Error as e:
                raise _translate_sqlite_error(e, out) from None
            finally:
                conn.close()
            os.replace(tmp, out)
        except BaseException:
            for p in (tmp, tmp + "-journal"):
                if os.path.exists(p):
                    os.unlink(p)
            raise
        with GeoPackageStore(out) as pulled:  # QGIS styles and project of the data, naming the file itself
            project_hooks.run(pulled, "created")
            try:  # and what QGIS users saved in the database, pointed at the file
                carry_qgis(src, pulled)
            except LandappError as e:
                logging.getLogger(__name__).warning("QGIS styles of the database not carried: %s", e)
    return out


def _bulk_insert(conn: sqlite3.Connection, layer: str, cols: list[str], rows: list[tuple], spatial: bool) -> None:
    """Rows into a new GeoPackage's table without a trigger per row (the R-tree's call five
    Python functions each): triggers off, rows in, R-tree filled from the bounds at once."""
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                            (layer,)).fetchall()
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.executemany(f'INSERT INTO "{layer}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
                     f'VALUES ({", ".join("?" for _ in cols)})', rows)
    if spatial:
        geoms = gpkg.decode_geometries([r[1] for r in rows])
        b = shapely.bounds(np.asarray(geoms, dtype=object)).tolist()
        conn.executemany(f'INSERT OR REPLACE INTO "rtree_{layer}_{GEOM}" VALUES (?,?,?,?,?)',
                         [(r[0], x0, x1, y0, y1) for r, (x0, y0, x1, y1) in zip(rows, b) if x0 == x0])
    for _, ddl in triggers:
        conn.execute(ddl)


def _sequence_value(src: PostGISStore, layer: str) -> int | None:
    row = src._execute("SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, 'fid')::regclass)",
                       (f'"{src.schema}"."{layer}"',)).fetchone()
    return None if row is None else row[0]


def _pg_rows(src: PostGISStore, layer: str) -> tuple[list[str], list[tuple]]:
    s = LAYERS[layer]
    cols = [FID, *([GEOM] if s.spatial else []), *s.field_names]
    sel = [sql.Identifier(FID)]
    if s.spatial:
        sel.append(sql.SQL("ST_AsBinary({})").format(sql.Identifier(GEOM)))
    sel += [sql.Identifier(c) for c in s.field_names]
    rows = src._execute(sql.SQL("SELECT {} FROM {} ORDER BY fid").format(
        sql.SQL(", ").join(sel), q(src.schema, layer))).fetchall()
    if s.spatial and rows:
        geoms = shapely.from_wkb(np.asarray([r[1] for r in rows], dtype=object))
        blobs = gpkg.encode_geometries(list(geoms), src.srs_id)
        rows = [(r[0], b, *r[2:]) for r, b in zip(rows, blobs)]
    return cols, [tuple(r) for r in rows]


def grant(target: str, role: str, level: str, *, password_prompt: PasswordPrompt | None = None) -> str:
    """Give `role` viewer (read), editor (read and write rows) or admin (everything, including
    granting) rights on the park's schema. Existing roles only; the role name is quoted."""
    if level not in ("viewer", "editor", "admin"):
        raise LandappError(tr("权限应为 viewer、editor 或 admin。", "The level must be viewer, editor or admin."))
    t = parse_target(target)
    conn = connect(t, password_prompt=password_prompt)
    try:
        schema = t.schema or PostGISStore(t, _conn=conn).schema
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
            raise LandappError(tr(f"数据库中没有角色 {role};请先用 CREATE ROLE 创建。",
                                  f"There is no role {role} in the database; create it first (CREATE ROLE)."))
        r, sch = sql.Identifier(role), sql.Identifier(schema)
        with conn.transaction():
            stmts = [sql.SQL("GRANT USAGE ON SCHEMA {} TO {}"),
                     sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}"),
                     sql.SQL("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA {} FROM {}"),
                     sql.SQL("REVOKE USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA {} FROM {}")]
            if level in ("editor", "admin"):
                stmts += [sql.SQL("GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}"),
                          sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {} TO {}")]
            if level == "admin":
                stmts += [sql.SQL("GRANT ALL ON SCHEMA {} TO {} WITH GRANT OPTION"),
                          sql.SQL("GRANT ALL ON ALL TABLES IN SCHEMA {} TO {} WITH GRANT OPTION"),
                          sql.SQL("GRANT ALL ON ALL SEQUENCES IN SCHEMA {} TO {} WITH GRANT OPTION")]
            for st in stmts:
                conn.execute(st.format(sch, r))
    except LandappError:
        raise
    except Exception as e:
        raise translate_error(e, t.display) from None
    finally:
        conn.close()
    return schema


_ = Any
