"""PostGIS backend of the project store, for a team sharing one park: psycopg 3, one park =
one PostgreSQL schema (tables built by landapp.store.pg_schema), geometries in the park's CRS
moved as WKB (ST_AsBinary out, shapely.from_wkb on whole arrays; EWKB in).

It keeps the GeoPackage store's contract: the same records, validation (landapp.schema and
the shared geometry checks), edit log, change events after commit, nested transactions as
savepoints. Every statement is parameterised and every identifier quoted (psycopg.sql);
callers filter and order with landapp.store.filters, never with SQL text."""

from __future__ import annotations

import json
import threading
import uuid
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import errors as pgerr, sql
from shapely.geometry import MultiPolygon, Polygon

from landapp.errors import (FeatureNotFoundError, LandappError, ProjectError,
                            ProjectNotFoundError)
from landapp.i18n import tr
from landapp import relations
from landapp.schema import ROW_VERSION, SCHEMA_VERSION, VERSIONED, LayerSpec, refuse_computed, spec, validate_record
from landapp.store import pg_columns, pg_schema
from landapp.store.pg_columns import PGTableAccess
from landapp.store.base import BBox, ChangeEvent, ProjectStore, StoreSignals
from landapp.store.filters import Filter, checked, order_sql, translate
from landapp.store.geopackage import (DEFAULT_EPSG, GeoPackageStore, _area_fields, _as_multipolygon, _coalesce,
                                      check_delete, current_for_edit,
                                      _loggable_value, _now, plan_update)
from landapp.store.pg_schema import FID, GEOM, META, PG_TYPES, q
from landapp.store.pg_connect import (PasswordPrompt, _configure, _database_user, connect,  # noqa: F401
                                      translate_error)
from landapp.store.target import DatabaseTarget, parse_target


def _where(where: Filter | None, layer: str) -> tuple[sql.Composable | None, list[Any]]:
    """A caller's typed filter in psycopg's style: checked field names, values as parameters
    cast to their column's type (an IN as one array)."""
    if where is None:
        return None, []
    text, ps = translate(where, layer, "postgres", pg_type=lambda kind: PG_TYPES.get(kind, "bigint"))
    return sql.SQL(text), ps


class PostGISStore(PGTableAccess, ProjectStore):
    def __init__(self, target: str | DatabaseTarget, *, password_prompt: PasswordPrompt | None = None,
                 _conn: psycopg.Connection | None = None):
        self.target = parse_target(target)
        self.signals = StoreSignals()
        self.session = uuid.uuid4().hex[:12]
        self._lock = threading.RLock()
        self._depth = 0
        self._pending: list[ChangeEvent] = []
        self._touched: dict[str, set[int]] = {}  # records whose references are checked at commit (landapp.relations)
        self._tx_stack: list[Any] = []
        self._password_prompt = password_prompt
        self._conn = _conn if _conn is not None else connect(self.target, password_prompt=password_prompt)
        try:
            _configure(self._conn)
            if self.target.schema is None:
                self.target = self.target.with_schema(self._only_park())
            self.schema = self.target.schema
            self.path = self.target.display
            self._set_search_path(self._conn)
            self.user = _database_user(self._conn)
            self._check_and_upgrade()
            self.srs_id = int(self._scalar(sql.SQL("SELECT value FROM {} WHERE key = 'srid'").format(
                q(self.schema, META))) or DEFAULT_EPSG)
            self._last_log_id = self._scalar(sql.SQL("SELECT max(fid) FROM {}").format(
                q(self.schema, "edit_log"))) or 0
            self.read_only = not self._scalar(
                "SELECT has_table_privilege(%s, 'UPDATE')", (f'"{self.schema}"."parcels"',))
            self._execute(sql.SQL("LISTEN {}").format(sql.Identifier(pg_schema.channel(self.schema))))
        except BaseException:
            self._conn.close()
            raise
        self._bounds_known = False  # the CRS area (pyproj), found on the first write as in the GeoPackage store
        if getattr(self, "_upgraded", False):  # QGIS styles and project (landapp.project_hooks)
            from landapp import project_hooks

            project_hooks.run(self, "upgraded")

    # ---- opening -----------------------------------------------------------------------
    def _only_park(self) -> str:
        parks = pg_schema.list_parks(self._conn)
        if len(parks) == 1:
            return parks[0]["schema"]
        names = "、".join(p["schema"] for p in parks) or tr("无", "none")
        raise ProjectError(tr(
            f"请在连接中用 ?schema=名称 指明园区;数据库 {self.target.display} 中的园区:{names}。",
            f"Name the park with ?schema=NAME; the parks in {self.target.display} are: {names}."))

    def _check_and_upgrade(self) -> None:
        exists = self._scalar("SELECT to_regclass(%s) IS NOT NULL", (f'"{self.schema}"."{META}"',))
        if not exists:
            raise ProjectNotFoundError(tr(
                f"数据库 {self.target.display} 中没有园区(模式){self.schema};可用 landapp db push 上传。",
                f"There is no park (schema) {self.schema} in {self.target.display}; "
                "upload one with landapp db push."))
        meta = dict(self._execute(sql.SQL("SELECT key, value FROM {}").format(q(self.schema, META))).fetchall())
        version = int(meta.get("schema_version") or 0)
        if version > SCHEMA_VERSION:
            raise ProjectError(tr(
                f"园区由更新版本的 landapp 创建(数据结构版本 {version}),请升级 landapp。",
                f"The park was made by a newer landapp (schema {version}); upgrade landapp."))
        if version < SCHEMA_VERSION:
            srid = meta.get("srid")
            with self.transaction():
                pg_schema.ensure_schema(self._conn.cursor(), self.schema, int(srid or DEFAULT_EPSG))
            self._upgraded = True
        elif meta.get("tracking_version") != pg_schema.TRACKING_VERSION:
            self._install_tracking()

    def _install_tracking(self) -> None:
        """A park made before the other-programs triggers (or with older ones) gets them when
        someone allowed to change its tables (its owner, an admin) opens it; for anyone else
        it stays as it is, without a word (the next admin to open it installs them)."""
        import logging

        if not self._scalar("SELECT has_table_privilege(%s, 'TRIGGER')", (f'"{self.schema}"."parcels"',)):
            return
        try:
            with self.transaction():
                pg_schema.install_tracking(self._conn.cursor(), self.schema)
        except LandappError as e:
            logging.getLogger(__name__).info("edit tracking triggers not installed in %s: %s", self.schema, e)

    # ---- low-level helpers -------------------------------------------------------------
    def _live(self) -> psycopg.Connection:
        """The connection, made again if the server dropped it (restart, network, a killed
        backend) while no transaction was open; inside a transaction the loss is an error."""
        conn = self._conn
        if conn is None:
            raise ProjectError(tr("工程已关闭。", "The project is closed."))
        if conn.closed and self._depth == 0:
            self._conn = connect(self.target, password_prompt=self._password_prompt)
            _configure(self._conn)
            try:
                self._set_search_path(self._conn)
                self._conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(pg_schema.channel(self.schema))))
            except psycopg.Error as e:
                raise translate_error(e, self.path) from None
            self._pending.clear()
        return self._conn

    def _set_search_path(self, conn: psycopg.Connection) -> None:
        """The park's schema first: the filters callers pass name tables unqualified (a
        subquery on units); PostGIS's functions stay reachable through public."""
        conn.execute(sql.SQL("SELECT set_config('search_path', %s, false)"),
                     (f'"{self.schema}", public',))

    def _execute(self, query, params: Sequence[Any] | None = None) -> psycopg.Cursor:
        try:
            with self._lock:
                return self._live().execute(query, params)
        except psycopg.Error as e:
            raise translate_error(e, self.path) from None

    def _scalar(self, query, params: Sequence[Any] | None = None) -> Any:
        row = self._execute(query, params).fetchone()
        return None if row is None else row[0]

    def _t(self, layer: str) -> sql.Composed:
        return q(self.schema, layer)

    @property
    def closed(self) -> bool:
        return self._conn is None

    def reopen(self) -> PostGISStore:
        return PostGISStore(self.target, password_prompt=self._password_prompt)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None  # type: ignore[assignment]

    # ---- transactions ------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One PostgreSQL transaction; nested calls become savepoints (psycopg). Events are
        emitted after the outermost commit; on any error everything is rolled back."""
        with self._lock:
            depth = self._depth
            n_pending = len(self._pending)
            try:
                tx = self._live().transaction()
                tx.__enter__()
                if depth == 0:  # our writes log themselves: the other-programs triggers skip them
                    self._conn.execute("SELECT set_config(%s, %s, true)", (pg_schema.WRITER_SETTING, self.session))
            except psycopg.Error as e:
                raise translate_error(e, self.path) from None
            self._depth += 1
            try:
                yield
            except BaseException as exc:
                self._depth -= 1
                del self._pending[n_pending:]
                if depth == 0:
                    self._touched.clear()
                try:
                    tx.__exit__(type(exc), exc, exc.__traceback__)
                except psycopg.Error:
                    pass
                if isinstance(exc, psycopg.Error):
                    raise translate_error(exc, self.path) from None
                raise
            self._depth -= 1
            if depth == 0 and self._touched:  # the same reference checks as the GeoPackage store
                touched, self._touched = self._touched, {}
                try:
                    relations.verify(self, touched)
                except BaseException as exc:
                    self._pending.clear()
                    try:
                        tx.__exit__(type(exc), exc, exc.__traceback__)
                    except psycopg.Error:
                        pass
                    raise
            try:
                tx.__exit__(None, None, None)
            except psycopg.Error as e:
                if depth == 0:
                    self._pending.clear()
                raise translate_error(e, self.path) from None
            if depth == 0:
                events, self._pending = self._pending, []
        if depth == 0:
            for ev in _coalesce(events):
                self.signals.changed.emit(ev)

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def _log(self, layer: str, fid: int | None, op: str, changes: dict | None) -> None:
        if layer == "edit_log":
            return
        self._conn.execute(
            sql.SQL("INSERT INTO {} (ts, \"user\", session, layer, feature_id, operation, changes) "
                    "VALUES (%s,%s,%s,%s,%s,%s,%s)").format(self._t("edit_log")),
            (_now(), self.user, self.session, layer, fid, op,
             None if changes is None else json.dumps(changes, ensure_ascii=False, default=str)))

    def has_notifications(self) -> bool:
        """Whether the server announced committed edits (LISTEN/NOTIFY) since the last poll;
        no round trip to the server, only a look at the socket."""
        with self._lock:
            if self._depth:
                return False
            try:
                return bool(list(self._live().notifies(timeout=0)))
            except psycopg.Error as e:
                raise translate_error(e, self.path) from None

    def poll_external_changes(self) -> list[ChangeEvent]:
        """Edit-log rows other sessions committed since the last poll, one event per layer
        and operation (a primary-key range read; a window polls only after a NOTIFY, see
        has_notifications)."""
        rows = self._execute(
            sql.SQL("SELECT fid, layer, feature_id, operation, session FROM {} WHERE fid > %s "
                    "ORDER BY fid").format(self._t("edit_log")), (self._last_log_id,)).fetchall()
        grouped: dict[tuple[str, str], list[int]] = {}
        for fid, layer, feature_id, op, session in rows:
            self._last_log_id = max(self._last_log_id, fid)
            if session == self.session:
                continue
            grouped.setdefault((layer, op), []).append(feature_id)
        events = [ChangeEvent(layer, op, tuple(f for f in fids if f is not None), external=True)
                  for (layer, op), fids in grouped.items()]
        for ev in events:
            self.signals.changed.emit(ev)
        return events

    # ---- reading -----------------------------------------------------------------------
    def _select_list(self, s: LayerSpec, columns: Sequence[str] | None, geometry: bool) -> list[sql.Composable]:
        names = s.field_names if columns is None else list(columns)
        for c in names:
            if not s.has(c):
                raise LandappError(tr(f"图层 {s.name} 没有字段 {c}。", f"Layer {s.name} has no field {c}."))
        cols: list[sql.Composable] = [sql.Identifier(FID)]
        if s.spatial and geometry:
            cols.append(sql.SQL("ST_AsBinary({}) AS {}").format(sql.Identifier(GEOM), sql.Identifier(GEOM)))
        cols += [sql.Identifier(c) for c in names]
        return cols

    def read_layer(self, layer: str, *, bbox: BBox | None = None,
                   columns: Sequence[str] | None = None, where: Filter | None = None,
                   include_retired: bool = False, geometry: bool = True) -> gpd.GeoDataFrame | pd.DataFrame:
        """The layer as a (Geo)DataFrame indexed by fid, typed as the GeoPackage store types
        it (text as str, dates as datetime.date, stamps as datetime64, flags as bool)."""
        fids, geoms, frame, names = self._read_columns(layer, bbox, columns, where, include_retired, geometry)
        index = pd.Index(fids, name="fid")
        df = pd.DataFrame(frame, index=index, columns=names)
        if geometry and spec(layer).spatial:
            return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, index=index, crs=f"EPSG:{self.srs_id}"))
        return df

    def read_wkb(self, layer: str, *, columns: Sequence[str] = (), where: Filter | None = None,
                 include_retired: bool = False, arrow: bool = False,
                 batch: bool = False) -> tuple[Any, np.ndarray, np.ndarray]:
        """The map's read (ProjectStore.read_wkb): the WKB as PostGIS sends it, in one buffer,
        in fid order; no geometry object is made (1M parcels: the map keeps bytes, not GEOS)."""
        s = spec(layer)
        if not s.spatial:
            raise LandappError(tr(f"{layer} 不是空间图层。", f"{layer} is not a spatial layer."))
        fids, (buf, lens), frame, names = self._read_columns(layer, None, list(columns), where, include_retired,
                                                             True, wkb=True)
        sizes = np.maximum(lens, 0)
        offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        data = np.frombuffer(buf, dtype=np.uint8) if buf else np.empty(0, dtype=np.uint8)
        index = pd.Index(fids, name="fid")
        attrs = pd.DataFrame(frame, index=index, columns=names)
        if arrow:
            import pyarrow as pa

            attrs = pa.Table.from_pandas(attrs.reset_index(), preserve_index=False)
        return attrs, data, offsets

    def _read_columns(self, layer: str, bbox: BBox | None, columns: Sequence[str] | None, where: Filter | None,
                      include_retired: bool, geometry: bool, *, wkb: bool = False):
        """(fids, geometries, {column: values}, names) in fid order, in one aggregate row
        (pg_columns); geometries as shapely objects, or with wkb as (bytes, lengths)."""
        s = spec(layer)
        names = s.field_names if columns is None else list(columns)
        self._select_list(s, names, geometry)  # checks the names
        clauses: list[sql.Composable] = []
        w, params = _where(checked(where, "read_layer"), s.name)
        if w is not None:
            clauses.append(sql.SQL("({})").format(w))
        if s.has("retired") and not include_retired:
            clauses.append(sql.SQL("(retired = 0 OR retired IS NULL)"))
        if bbox is not None and s.spatial:
            clauses.append(sql.SQL("{} && ST_MakeEnvelope(%s, %s, %s, %s, %s)").format(sql.Identifier(GEOM)))
            params += [*map(float, bbox), self.srs_id]
        with_geom = s.spatial and geometry
        kinds = [s.field(n).kind for n in names]
        inner = [sql.Identifier(FID)]
        if with_geom:
            inner.append(sql.SQL("ST_AsBinary({}) AS g").format(sql.Identifier(GEOM)))
        inner += [sql.Identifier(n) for n in names]
        sub = sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(inner), self._t(s.name))
        if clauses:
            sub += sql.SQL(" WHERE ") + sql.SQL(" AND ").join(clauses)
        query = sql.SQL("SELECT {} FROM ({}) x").format(
            sql.SQL(", ").join(pg_columns.aggregates(names, kinds, with_geom)), sub)
        with self._lock:
            try:
                cur = self._live().cursor(binary=True)
                cur.execute(query, params)
                row = cur.fetchone()
            except psycopg.Error as e:
                raise translate_error(e, self.path) from None
        fids, geoms, frame = pg_columns.decode(row, names, kinds, with_geom, wkb=wkb)
        order = np.argsort(fids, kind="stable")
        if len(fids) and not (order == np.arange(len(fids))).all():  # rows an UPDATE moved come last
            fids = fids[order]
            if wkb and geoms is not None:
                buf, lens = geoms
                ends = np.cumsum(np.maximum(lens, 0))
                starts = ends - np.maximum(lens, 0)
                view = memoryview(buf)
                geoms = (b"".join([view[a:b] for a, b in zip(starts[order].tolist(), ends[order].tolist())]),
                         lens[order])
            elif geoms is not None:
                geoms = geoms[order]
            frame = {k: (v[order] if isinstance(v, np.ndarray) else v.take(order)) for k, v in frame.items()}
        return fids, geoms, frame, names

    def _records(self, s: LayerSpec, query, params: Sequence[Any] = (), *,
                 geometry: bool = True) -> list[dict[str, Any]]:
        with self._lock:
            try:
                cur = self._live().execute(query, params)
                names = [d.name for d in cur.description]
                rows = cur.fetchall()
            except psycopg.Error as e:
                raise translate_error(e, self.path) from None
        recs = [dict(zip(names, row)) for row in rows]
        geom = s.spatial and GEOM in names
        if geom and recs:
            geoms = shapely.from_wkb(np.asarray([r.pop(GEOM) for r in recs], dtype=object))
            for r, g in zip(recs, geoms):
                r["geometry"] = g
        bools = [f.name for f in s.fields if f.kind == "bool" and f.name in names]
        for rec in recs:
            for name in bools:
                if rec[name] is not None:
                    rec[name] = bool(rec[name])
        return recs

    def _select_all(self, s: LayerSpec, geometry: bool = True) -> sql.Composed:
        """Whole records, with the row's version as the GeoPackage's SELECT * gives it."""
        cols = self._select_list(s, None, geometry)
        if s.name in VERSIONED:
            cols.append(sql.Identifier(ROW_VERSION))
        return sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(cols), self._t(s.name))

    def get(self, layer: str, fid: int, *, for_update: bool = False) -> dict[str, Any]:
        s = spec(layer)
        query = self._select_all(s) + sql.SQL(" WHERE fid = %s")
        if for_update:
            query += sql.SQL(" FOR UPDATE")
        recs = self._records(s, query, (int(fid),))
        if not recs:
            raise FeatureNotFoundError(layer, fid)
        return recs[0]

    def rows(self, layer: str, where: Filter | None = None, *, order_by: Any = None,
             limit: int | None = None, geometry: bool = True) -> list[dict[str, Any]]:
        s = spec(layer)
        query = self._select_all(s, geometry)
        w, params = _where(checked(where, "rows"), s.name)
        if w is not None:
            query += sql.SQL(" WHERE ") + w
        order = order_sql(order_by, s.name, postgres=True)
        query += sql.SQL(" ORDER BY ") + (sql.SQL(order) if order else sql.Identifier(FID))
        if limit is not None:
            query += sql.SQL(" LIMIT {}").format(sql.Literal(int(limit)))
        return self._records(s, query, list(params))

    def count(self, layer: str, where: Filter | None = None) -> int:
        s = spec(layer)
        query = sql.SQL("SELECT count(*) FROM {}").format(self._t(s.name))
        w, params = _where(checked(where, "count"), s.name)
        if w is not None:
            query += sql.SQL(" WHERE ") + w
        return int(self._scalar(query, list(params)))

    def fids_in_bbox(self, layer: str, bbox: BBox) -> list[int]:
        """Feature ids whose bounding box meets bbox (GiST index)."""
        s = spec(layer)
        if not s.spatial:
            raise LandappError(tr(f"{layer} 不是空间图层。", f"{layer} is not a spatial layer."))
        cur = self._execute(sql.SQL("SELECT fid FROM {} WHERE {} && ST_MakeEnvelope(%s, %s, %s, %s, %s) "
                                    "ORDER BY fid").format(self._t(s.name), sql.Identifier(GEOM)),
                            [*map(float, bbox), self.srs_id])
        return [r[0] for r in cur.fetchall()]

    def extent(self, layer: str) -> BBox | None:
        s = spec(layer)
        row = self._execute(sql.SQL(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent({}) AS e FROM {}) x"
        ).format(sql.Identifier(GEOM), self._t(s.name))).fetchone()
        return None if row is None or row[0] is None else tuple(row)  # type: ignore[return-value]

    # ---- writing -----------------------------------------------------------------------
    _check_bounds = GeoPackageStore._check_bounds  # same attributes (_bounds, srs_id), same rule

    def _ewkb(self, geom) -> str:
        return shapely.to_wkb(shapely.set_srid(geom, self.srs_id), hex=True, include_srid=True)

    def _prepare(self, s: LayerSpec, record: dict[str, Any], *, partial: bool) -> dict[str, Any]:
        attrs = {k: v for k, v in record.items()
                 if k not in ("fid", "geometry", "geom") and not (
                     s.has(k) and s.field(k).computed and k not in ("created",))}
        values = validate_record(s.name, attrs, partial=partial)
        geom_key = "geometry" if "geometry" in record else ("geom" if "geom" in record else None)
        if s.spatial and (geom_key or not partial):
            geom = _as_multipolygon(s.name, record.get(geom_key) if geom_key else None)
            self._check_bounds(s.name, geom)
            values[GEOM] = geom
            values.update(_area_fields(s, geom.area))
        return values

    def _param(self, s: LayerSpec, k: str, v: Any) -> Any:
        if k == GEOM:
            return None if v is None else self._ewkb(v)
        if isinstance(v, bool):
            return int(v)
        return v

    def _bump_sequence(self, s: LayerSpec) -> None:
        """After rows were written with explicit fids (undo of a delete, push), move the
        table's fid sequence past them so new features never reuse an id."""
        self._conn.execute(
            sql.SQL("SELECT setval(pg_get_serial_sequence(%s, 'fid'), "
                    "GREATEST((SELECT max(fid) FROM {}), 1))").format(self._t(s.name)),
            (f'"{self.schema}"."{s.name}"',))

    _touch = GeoPackageStore._touch  # same rule: which records' references to check at commit

    def insert(self, layer: str, record: dict[str, Any], *, fid: int | None = None) -> int:
        s = spec(layer)
        if fid is None:  # a re-insert (undo) brings its stored areas and stamps back: recomputed
            refuse_computed(layer, record, allow=("created", "modified"))
        values = self._prepare(s, record, partial=False)
        stamp = _now()
        if s.has("created"):
            values.setdefault("created", stamp)
            values["modified"] = stamp
        if fid is not None:
            values["fid"] = int(fid)
            if s.name in VERSIONED and isinstance(record.get(ROW_VERSION), int):
                values[ROW_VERSION] = record[ROW_VERSION] + 1  # put back: a new version (as the GeoPackage)
        cols = [sql.Identifier(c) for c in values]
        marks = [sql.SQL("%s::geometry") if c == GEOM else sql.Placeholder() for c in values]
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING fid").format(
            self._t(s.name), sql.SQL(", ").join(cols), sql.SQL(", ").join(marks))
        with self.transaction():
            try:
                with self._conn.transaction():  # a duplicate fid must not poison the outer transaction
                    new_fid = int(self._conn.execute(query, [self._param(s, k, v) for k, v in values.items()]
                                                     ).fetchone()[0])
            except pgerr.UniqueViolation:
                raise LandappError(tr(f"图层 {layer} 中已有编号为 {fid} 的要素。",
                                      f"Layer {layer} already has a feature with id {fid}.")) from None
            except psycopg.Error as e:
                raise translate_error(e, self.path) from None
            if fid is not None:
                self._bump_sequence(s)
            self._touch(s.name, (new_fid,), values)
            self._log(s.name, new_fid, "insert", _loggable({k: v for k, v in values.items()}))
            self._pending.append(ChangeEvent(s.name, "insert", (new_fid,)))
        return new_fid

    def insert_many(self, layer: str, records: Iterable[dict[str, Any]], *,
                    validate: bool = True, log: bool = True) -> list[int]:
        """Bulk insert in one transaction with COPY (ids reserved from the table's sequence
        first, so they are known). All or nothing."""
        s = spec(layer)
        records = list(records)
        if not records:
            return []
        stamp = _now()
        skip = {"geometry", "geom", "fid", *(f.name for f in s.fields if f.computed)}
        prepared = []
        geoms = []
        for rec in records:
            attrs = {k: v for k, v in rec.items() if k not in skip}
            if validate:
                refuse_computed(s.name, rec, allow=("created", "modified"))
            values = validate_record(s.name, attrs) if validate else attrs
            if s.spatial:
                geom = rec.get("geometry")
                geom = _as_multipolygon(s.name, geom) if validate else (
                    MultiPolygon([geom]) if isinstance(geom, Polygon) else geom)
                if validate:
                    self._check_bounds(s.name, geom)
                geoms.append(geom)
            if s.has("created"):
                values["created"] = values["modified"] = stamp
            prepared.append(values)
        cols = sorted({k for v in prepared for k in v})
        area_cols: list[str] = []
        if s.spatial:
            garr = np.asarray(geoms, dtype=object)
            areas = shapely.area(garr).tolist()
            ewkb = shapely.to_wkb(shapely.set_srid(garr, self.srs_id), hex=True, include_srid=True).tolist()
            area_cols = list(_area_fields(s, 1.0))
        with self.transaction():
            try:
                fids = [r[0] for r in self._conn.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'fid')) FROM generate_series(1, %s)",
                    (f'"{self.schema}"."{s.name}"', len(prepared))).fetchall()]
                all_cols = ["fid", *([GEOM] if s.spatial else []), *cols, *area_cols]
                copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
                    self._t(s.name), sql.SQL(", ").join(sql.Identifier(c) for c in all_cols))
                with self._conn.cursor().copy(copy_sql) as cp:
                    for i, v in enumerate(prepared):
                        row = [fids[i]]
                        if s.spatial:
                            row.append(ewkb[i])
                        row += [int(x) if isinstance(x, bool) else x for x in (v.get(c) for c in cols)]
                        if area_cols:
                            a = areas[i]
                            row += [round(a, 2)] if area_cols == ["footprint_m2"] else [round(a, 2), round(_to_mu(a), 4)]
                        cp.write_row(row)
                if log:
                    with self._conn.cursor().copy(sql.SQL(
                            "COPY {} (ts, \"user\", session, layer, feature_id, operation) FROM STDIN").format(
                            self._t("edit_log"))) as cp:
                        for f in fids:
                            cp.write_row((stamp, self.user, self.session, s.name, f, "insert"))
            except psycopg.Error as e:
                raise translate_error(e, self.path) from None
            if validate:
                self._touch(s.name, fids, {c: 1 for c in cols})
            self._pending.append(ChangeEvent(s.name, "insert", tuple(fids)))
        return fids

    def update(self, layer: str, fid: int, changes: dict[str, Any], *,
               expected: dict[str, Any] | None = None, expected_version: int | None = None,
               force_computed: bool = False) -> dict[str, Any]:
        """See ProjectStore.update. The row is locked (SELECT … FOR UPDATE) while the change
        is checked against `expected_version`/`expected` and written, so no other session's
        edit slips between."""
        s = spec(layer)
        with self.transaction():
            current = current_for_edit(self, layer, fid, expected, expected_version, for_update=True)
            diff, old = plan_update(layer, fid, current, changes, expected, expected_version)
            if s.spatial and ("geometry" in changes or "geom" in changes):
                geom = _as_multipolygon(layer, changes.get("geometry", changes.get("geom")))
                if force_computed or not geom.equals_exact(current["geometry"], 0.0):
                    self._check_bounds(layer, geom)
                    diff[GEOM] = geom
                    old["geometry"] = current["geometry"]
                    for k, v in _area_fields(s, geom.area).items():
                        diff[k] = v
                        old[k] = current.get(k)
            if not diff:
                return {}
            if s.has("modified"):
                diff["modified"] = _now()
            sets = sql.SQL(", ").join(
                sql.SQL("{} = %s::geometry" if k == GEOM else "{} = %s").format(sql.Identifier(k)) for k in diff)
            if s.name in VERSIONED:
                sets += sql.SQL(", {0} = {0} + 1").format(sql.Identifier(ROW_VERSION))
            self._execute(sql.SQL("UPDATE {} SET {} WHERE fid = %s").format(self._t(s.name), sets),
                          [*(self._param(s, k, v) for k, v in diff.items()), int(fid)])
            log = {("geometry" if k == GEOM else k): [_loggable_value(old.get("geometry" if k == GEOM else k)),
                                                      _loggable_value(v)]
                   for k, v in diff.items() if k != "modified"}
            self._log(s.name, int(fid), "update", log)
            self._touch(s.name, (int(fid),), diff)
            fields = tuple("geometry" if k == GEOM else k for k in diff if k != "modified")
            self._pending.append(ChangeEvent(s.name, "update", (int(fid),), fields))
        return old

    def delete(self, layer: str, fid: int, *, expected_version: int | None = None,
               expected: dict[str, Any] | None = None) -> dict[str, Any]:
        s = spec(layer)
        with self.transaction():
            record = current_for_edit(self, layer, fid, expected, expected_version, for_update=True)
            check_delete(layer, fid, record, expected_version, expected)
            self._execute(sql.SQL("DELETE FROM {} WHERE fid = %s").format(self._t(s.name)), (int(fid),))
            self._log(s.name, int(fid), "delete", _loggable(record))
            self._pending.append(ChangeEvent(s.name, "delete", (int(fid),)))
        return record

    def delete_many(self, layer: str, fids: Sequence[int]) -> list[dict[str, Any]]:
        s = spec(layer)
        fids = [int(f) for f in fids]
        if not fids:
            return []
        with self.transaction():
            records = self._records(s, self._select_all(s) + sql.SQL(" WHERE fid = ANY(%s) ORDER BY fid FOR UPDATE"),
                                    (fids,))
            if len(records) != len(set(fids)):
                raise FeatureNotFoundError(layer, min(set(fids) - {r["fid"] for r in records}))
            self._execute(sql.SQL("DELETE FROM {} WHERE fid = ANY(%s)").format(self._t(s.name)), (fids,))
            stamp = _now()
            with self._conn.cursor().copy(sql.SQL(
                    "COPY {} (ts, \"user\", session, layer, feature_id, operation) FROM STDIN").format(
                    self._t("edit_log"))) as cp:
                for f in fids:
                    cp.write_row((stamp, self.user, self.session, s.name, f, "delete"))
            self._pending.append(ChangeEvent(s.name, "delete", tuple(fids)))
        return records

    # ---- settings ----------------------------------------------------------------------
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        v = self._scalar(sql.SQL("SELECT value FROM {} WHERE key = %s").format(self._t("project_settings")), (key,))
        return default if v is None else v

    def set_setting(self, key: str, value: str | None) -> None:
        with self.transaction():
            old = self.get_setting(key)
            if old == value:
                return
            t = self._t("project_settings")
            self._execute(sql.SQL("DELETE FROM {} WHERE key = %s").format(t), (key,))
            self._execute(sql.SQL("INSERT INTO {} (key, value) VALUES (%s, %s)").format(t), (key, value))
            self._log("project_settings", None, "update", {key: [old, value]})
            self._pending.append(ChangeEvent("project_settings", "update", (), (key,)))
            from landapp import project_hooks  # QGIS styles made from this setting

            project_hooks.run(self, "refresh", setting=key, old=old, new=value)

    def settings(self) -> dict[str, str]:
        return dict(self._execute(sql.SQL("SELECT key, value FROM {}").format(self._t("project_settings"))).fetchall())

    # ---- health ------------------------------------------------------------------------
    def index_count(self, layer: str) -> int:
        """Features the GiST index holds (those with a geometry; PostgreSQL keeps it whole)."""
        s = spec(layer)
        return int(self._scalar(sql.SQL("SELECT count(*) FROM {} WHERE {} IS NOT NULL").format(
            self._t(s.name), sql.Identifier(GEOM))))

    def integrity_check(self) -> list[str]:
        """PostgreSQL guards its own storage; what can be wrong is a geometry another program
        wrote in the wrong CRS or shape."""
        problems = []
        for layer in ("zones", "roads", "parcels", "buildings"):
            n = self._scalar(sql.SQL("SELECT count(*) FROM {} WHERE {} IS NOT NULL AND ST_SRID({}) <> %s").format(
                self._t(layer), sql.Identifier(GEOM), sql.Identifier(GEOM)), (self.srs_id,))
            if n:
                problems.append(f"{layer}: {n} geometries not in EPSG:{self.srs_id}")
        return problems


# ---- module functions -------------------------------------------------------------------

def _to_mu(a: float) -> float:
    from landapp.units import to_mu
    return to_mu(a)


def _loggable(values: dict[str, Any]) -> dict[str, Any]:
    return {("geometry" if k == GEOM else k): _loggable_value(v) for k, v in values.items() if v is not None}


def list_parks(target: str | DatabaseTarget, *, password_prompt: PasswordPrompt | None = None) -> list[dict]:
    t = parse_target(target)
    with connect(t, password_prompt=password_prompt) as conn:
        return pg_schema.list_parks(conn)


def create_postgis_project(target: str | DatabaseTarget, name: str = "", *, epsg: int = DEFAULT_EPSG,
                           contact: str | None = None, phone: str | None = None,
                           password_prompt: PasswordPrompt | None = None) -> PostGISStore:
    """A new, empty park in its own schema (all of it or nothing)."""
    t = parse_target(target)
    if t.schema is None:
        raise ProjectError(tr("请在连接中用 ?schema=名称 指明新园区的模式名。",
                              "Name the new park's schema with ?schema=NAME."))
    conn = connect(t, password_prompt=password_prompt)
    try:
        with conn.transaction():
            conn.execute("SELECT set_config(%s, 'create', true)", (pg_schema.WRITER_SETTING,))  # not another program's
            if conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (t.schema,)).fetchone():
                raise ProjectError(tr(f"数据库中已有模式 {t.schema}。", f"The database already has a schema {t.schema}."))
            pg_schema.create_park(conn.cursor(), t.schema, int(epsg))
            settings = {"name": name or t.schema, "crs": f"EPSG:{int(epsg)}", "contact": contact,
                        "phone": phone, "created": _now()}
            conn.cursor().executemany(
                sql.SQL("INSERT INTO {} (key, value) VALUES (%s, %s)").format(q(t.schema, "project_settings")),
                [(k, v) for k, v in settings.items() if v is not None])
    except psycopg.Error as e:
        conn.close()
        raise translate_error(e, t.display) from None
    except BaseException:
        conn.close()
        raise
    store = PostGISStore(t, _conn=conn)
    from landapp import project_hooks  # QGIS styles (public.layer_styles) and project

    project_hooks.run(store, "created")
    return store

