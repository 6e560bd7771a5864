"""GeoPackage backend of the project store: plain sqlite3 for in-place edits (one small
transaction per edit, never a rewrite of the file) and GDAL (pyogrio + Arrow) for fast bulk
reads. Concurrency: writers take SQLite's write lock with BEGIN IMMEDIATE and write only the
fields they change, so two processes editing one file never overwrite each other's edits;
a lock held longer than `lock_timeout` raises ProjectLockedError with a clear message."""

from __future__ import annotations

import datetime as _dt
import functools
import getpass
import json
import math
import os
import pathlib
import sqlite3
import tempfile
import threading
import uuid
from contextlib import contextmanager
from itertools import repeat
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from landapp import gpkg
from landapp.errors import (
    ConflictError, FeatureNotFoundError, LandappError, NotAGeoPackageError, ProjectError,
    ProjectLockedError, ProjectNotFoundError, ValidationError,
)
from landapp.i18n import tr
from landapp import relations
from landapp.schema import ROW_VERSION, SCHEMA_VERSION, VERSIONED, LayerSpec, refuse_computed, spec, validate_record
from landapp.store.base import BBox, ChangeEvent, ProjectStore, StoreSignals, TableQuery, attrs_frame
from landapp.store.filters import Filter, checked, order_sql, translate
from landapp.units import MU_M2, to_mu

if TYPE_CHECKING:  # imported where a frame is read: commands that read none start faster
    import geopandas as gpd
    import pandas as pd

DEFAULT_EPSG = 4544
BULK_INDEX_ROWS = 5000  # bulk inserts of this many rows fill the spatial index in one go  # CGCS2000 / 3-degree Gauss-Kruger CM 105E (Chengdu, Longquanyi)
SQLITE_MAGIC = b"SQLite format 3\x00"


def _now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers, services)
        return os.environ.get("USER", "unknown")


def _translate_sqlite_error(e: sqlite3.Error, path: str) -> LandappError:
    msg = str(e).lower()
    if "locked" in msg or "busy" in msg:
        return ProjectLockedError(tr(
            f"工程文件 {path} 正被另一个程序(如 QGIS 或另一个 landapp)锁定,请稍后重试。",
            f"The project file {path} is locked by another program (QGIS or another landapp); "
            "try again shortly."))
    if "full" in msg:
        return LandappError(tr(
            f"磁盘已满,无法保存到 {path};本次修改未写入,工程文件保持原样。",
            f"The disk is full, so {path} could not be saved; this change was not written "
            "and the project file is unchanged."))
    if "disk i/o error" in msg:  # also a file grown past the size limit (EFBIG)
        return LandappError(tr(
            f"读写 {path} 时磁盘出错(空间不足、文件超出大小限制或设备故障);本次修改未写入,工程文件保持原样。",
            f"A disk error occurred on {path} (no space, file size limit or a failing "
            "device); this change was not written and the project file is unchanged."))
    if "readonly" in msg or "read-only" in msg:
        return LandappError(tr(f"工程文件 {path} 是只读的,无法保存修改。",
                               f"The project file {path} is read-only; changes cannot be saved."))
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return ProjectError(tr(f"工程文件 {path} 已损坏或不是 GeoPackage 文件。",
                               f"The project file {path} is corrupt or not a GeoPackage."))
    return LandappError(tr(f"读写工程文件 {path} 失败:{e}。",
                           f"Reading or writing the project file {path} failed: {e}."))


def _as_multipolygon(layer: str, geom: Any) -> MultiPolygon:
    title = tr("几何图形", "geometry")
    if isinstance(geom, str):
        try:
            geom = shapely.from_wkt(geom)
        except Exception:
            raise ValidationError(layer, "geometry", title, tr("无法解析的 WKT", "unreadable WKT"),
                                  geom[:40]) from None
    if not isinstance(geom, BaseGeometry):
        raise ValidationError(layer, "geometry", title, tr("缺少几何图形", "a geometry is required"),
                              None)
    if geom.is_empty:
        raise ValidationError(layer, "geometry", title, tr("几何图形为空", "the geometry is empty"),
                              "EMPTY")
    if geom.has_z:
        geom = shapely.force_2d(geom)
    if isinstance(geom, Polygon):
        geom = MultiPolygon([geom])
    if not isinstance(geom, MultiPolygon):
        raise ValidationError(layer, "geometry", title,
                              tr("应为面(多边形)", "must be a polygon"), geom.geom_type)
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        raise ValidationError(layer, "geometry", title, tr("坐标含有非数值(NaN/无穷)",
                              "coordinates contain NaN or infinity"), "NaN")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise ValidationError(layer, "geometry", title, tr(
            f"多边形无效({reason}),可先修复(make_valid)", f"invalid polygon ({reason}); repair it first"),
            geom.wkt[:60])
    return geom


@functools.lru_cache(maxsize=None)
def _bool_fields(s: LayerSpec) -> tuple[str, ...]:
    return tuple(f.name for f in s.fields if f.kind == "bool")


def _coalesce(events: list[ChangeEvent]) -> list[ChangeEvent]:
    """Consecutive events of one kind (layer, operation, fields) as one event with all
    their fids, in order. A merge moving a tower's 140 units to the new building is one
    'units updated', not 140 re-reads of every panel that shows the space."""
    out: list[ChangeEvent] = []
    runs: list[list[int]] = []
    for ev in events:
        last = out[-1] if out else None
        if (last is not None and ev.op != "reload"
                and (last.layer, last.op, last.fields, last.external) == (ev.layer, ev.op, ev.fields, ev.external)):
            runs[-1].extend(ev.fids)
        else:
            out.append(ev)
            runs.append(list(ev.fids))
    return [ev if len(run) == len(ev.fids) else ChangeEvent(ev.layer, ev.op, tuple(dict.fromkeys(run)), ev.fields,
                                                            ev.external)
            for ev, run in zip(out, runs)]



# declared GeoPackage column types read by _read_wkb_sql, as GDAL's Arrow stream gives them
# (others, e.g. DATETIME with its time zones, are left to GDAL)
_SQL_ARROW = {"TEXT": "string", "INTEGER": "int64", "REAL": "double", "DOUBLE": "double",
              "BOOLEAN": "bool", "DATE": "date"}
# the SQLite storage classes GDAL reads each as (another one: GDAL reads the column)
_SQL_STORAGE = {"string": "'text', 'null'", "date": "'text', 'null'", "int64": "'integer', 'null'",
                "bool": "'integer', 'null'", "double": "'real', 'integer', 'null'"}


def _numbers(text: str | None, dtype, n: int) -> np.ndarray:
    """n comma-separated numbers (ValueError if the text holds another count)."""
    import warnings

    with warnings.catch_warnings():  # numpy warns where it stops short: the count says so
        warnings.simplefilter("ignore")
        out = np.fromstring(text or "", sep=",", dtype=dtype)
    if len(out) != n:
        raise ValueError("count")
    return out


def _column(row: tuple, at: int, kind: str, n: int):
    """One column of _read_wkb_sql's row as an Arrow array, built from numpy buffers
    (landapp.arrowcols: pa.array would import pandas)."""
    import pyarrow as pa

    from landapp import arrowcols

    if kind == "fids":
        return arrowcols.numbers(_numbers(row[at], np.int64, n))
    if row[at]:  # values of another storage type
        raise ValueError("type")
    nulls = np.frombuffer(row[at + 1] or b"", dtype=np.uint8) == ord("1")
    if len(nulls) != n:
        raise ValueError("count")
    valid = ~nulls
    if kind in ("string", "date"):
        data, lengths = row[at + 2] or b"", _numbers(row[at + 3], np.int64, n)
        if len(data) != int(lengths.sum()):
            raise ValueError("length")
        arr = arrowcols.utf8(data, lengths, valid)
        arr.validate(full=True)  # UTF-8
        return arr.cast(pa.date32()) if kind == "date" else arr
    if kind == "double":
        return arrowcols.numbers(_numbers(row[at + 2], np.float64, n), valid)
    values = arrowcols.numbers(_numbers(row[at + 2], np.int64, n), valid)
    return values.cast(pa.bool_()) if kind == "bool" else values


def _strip_gpkg_headers(blobs: np.ndarray, lengths: np.ndarray):
    """The WKB of concatenated GeoPackage blobs (each `lengths` long; 0: a null geometry,
    an empty run as GDAL gives it): one buffer without the headers and its n + 1 offsets.
    None where a blob is not a plain standard one (magic "GP", version 0, not empty, not
    extended), which GDAL then reads."""
    n = len(lengths)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    has = lengths > 0
    s = starts[has]
    if len(s):
        if np.any(lengths[has] < 8) or not (np.all(blobs[s] == ord("G")) and np.all(blobs[s + 1] == ord("P"))
                                            and np.all(blobs[s + 2] == 0)):
            return None
        flags = blobs[s + 3]
        env = (flags >> 1) & 7
        if np.any(flags & 0x30) or np.any(env > 4):  # empty or extended geometry; bad envelope code
            return None
        head = np.zeros(n, dtype=np.int64)
        sizes = np.array([gpkg._ENVELOPE_SIZES[k] for k in range(5)], dtype=np.int64)
        head[has] = 8 + sizes[env]  # the header and its envelope, by the envelope's code
    else:
        head = np.zeros(n, dtype=np.int64)
    if np.any(head > lengths):
        return None
    size = lengths - head
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(size, out=offsets[1:])
    if not n or int(offsets[-1]) == len(blobs):
        return blobs.copy(), offsets
    # keep the bytes after each header: a mask of runs, header (False) then WKB (True)
    keep = np.repeat(np.tile(np.array([False, True]), n), np.column_stack([head, size]).ravel())
    return blobs[keep], offsets


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, or None where there is none (not Linux/glibc)."""
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def _return_freed_memory() -> None:
    """Hand the memory a big read freed back to the system: GDAL's Arrow batches are freed
    by C code into malloc's arenas (one per reading thread), which otherwise keep it and
    raise the peak of whatever comes next (the map's snapshot of 1M parcels: ~20 MB)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _append_wkb(c, data: np.ndarray, at: int) -> tuple[np.ndarray, int, np.ndarray]:
    """Copy an Arrow binary array's values to data[at:] (grown if it must be); returns the
    buffer, the new end and the values' end offsets in it. A null is an empty run."""
    import pyarrow as pa

    m = len(c)
    if not m:
        return data, at, np.empty(0, dtype=np.int64)
    if c.null_count:
        c = pa.compute.if_else(c.is_null(), pa.scalar(b"", c.type), c)
    bufs = c.buffers()
    off = np.frombuffer(bufs[1], dtype=np.int64 if pa.types.is_large_binary(c.type) else np.int32)
    off = off[c.offset:c.offset + m + 1].astype(np.int64)
    size = int(off[-1] - off[0])
    if at + size > len(data):
        grown = np.empty(max(2 * len(data), at + size), dtype=np.uint8)
        grown[:at] = data[:at]
        data = grown
    if size:
        data[at:at + size] = np.frombuffer(bufs[2], dtype=np.uint8)[off[0]:off[-1]]
    return data, at + size, at + (off[1:] - off[0])

class GeoPackageStore(ProjectStore):
    def __init__(self, path: str | os.PathLike, *, lock_timeout: float = 5.0,
                 _conn: sqlite3.Connection | None = None):
        self.path = os.fspath(path)
        self.lock_timeout = lock_timeout
        self.signals = StoreSignals()
        self.session = uuid.uuid4().hex[:12]
        self.user = _user()
        self._lock = threading.RLock()
        self._depth = 0
        self._pending: list[ChangeEvent] = []
        self._dirty_extent: set[str] = set()
        self._touched: dict[str, set[int]] = {}  # records whose references are checked at commit
        self._upgraded = False
        self._conn = _conn if _conn is not None else self._connect()
        try:
            self._check_and_upgrade()
        except Exception:
            self._conn.close()
            raise
        self.srs_id = int(self._scalar(
            "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name='parcels'") or DEFAULT_EPSG)
        self._data_version = self._scalar("PRAGMA data_version")
        self._last_log_id = self._scalar("SELECT max(fid) FROM edit_log") or 0
        self._tracking = bool(self._scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (gpkg.CHANGES_TABLE,)))
        self._last_change_id = (self._scalar(f"SELECT max(id) FROM {gpkg.CHANGES_TABLE}") or 0) if self._tracking else 0
        self._tx_change_start = 0
        self._bounds_known = False  # the CRS's area of use, found (pyproj) on the first write
        if self._upgraded:  # e.g. QGIS styles written by layers (landapp.project_hooks)
            from landapp import project_hooks

            project_hooks.run(self, "upgraded")

    # ---- opening -----------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        p = self.path
        if not os.path.exists(p):
            raise ProjectNotFoundError(tr(f"找不到工程文件 {p}。", f"The project file {p} does not exist."))
        if os.path.isdir(p):
            raise NotAGeoPackageError(tr(f"{p} 是文件夹,不是 GeoPackage 工程文件。",
                                         f"{p} is a folder, not a GeoPackage project file."))
        with open(p, "rb") as fh:
            head = fh.read(16)
        if head != SQLITE_MAGIC:
            raise NotAGeoPackageError(tr(f"{p} 不是 GeoPackage 文件(.gpkg)。",
                                         f"{p} is not a GeoPackage file (.gpkg)."))
        conn = sqlite3.connect(p, timeout=self.lock_timeout, isolation_level=None,
                               check_same_thread=False)
        gpkg.register_functions(conn)
        return conn

    def _check_and_upgrade(self) -> None:
        try:
            tables = {r[0] for r in self._conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as e:
            raise _translate_sqlite_error(e, self.path) from None
        if "gpkg_contents" not in tables or "gpkg_spatial_ref_sys" not in tables:
            raise NotAGeoPackageError(tr(f"{self.path} 是 SQLite 数据库,但不是 GeoPackage 文件。",
                                         f"{self.path} is an SQLite database but not a GeoPackage."))
        if "landapp_meta" not in tables:
            raise ProjectError(tr(
                f"{self.path} 是 GeoPackage,但不是 landapp 工程;请新建工程后用“导入”把其中的图层导入。",
                f"{self.path} is a GeoPackage but not a landapp project; create a project and "
                "import its layers instead."))
        version = int(self._scalar("SELECT value FROM landapp_meta WHERE key='schema_version'") or 0)
        if version > SCHEMA_VERSION:
            raise ProjectError(tr(
                f"工程文件由更新版本的 landapp 创建(数据结构版本 {version}),请升级 landapp。",
                f"The project was made by a newer landapp (schema {version}); upgrade landapp."))
        if version < SCHEMA_VERSION:
            srs = self._scalar("SELECT srs_id FROM gpkg_geometry_columns WHERE table_name='parcels'")
            with self.transaction():
                from landapp.migrations import migrate
                migrate(self._conn, version, int(srs or DEFAULT_EPSG))
            self._upgraded = True

    # ---- low-level helpers -------------------------------------------------------------
    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._execute(sql, params).fetchone()
        return None if row is None else row[0]

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            with self._lock:
                return self._conn.execute(sql, params)
        except sqlite3.Error as e:
            raise _translate_sqlite_error(e, self.path) from None

    @property
    def closed(self) -> bool:
        return self._conn is None

    def reopen(self) -> GeoPackageStore:
        return GeoPackageStore(self.path, lock_timeout=self.lock_timeout)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None  # type: ignore[assignment]

    # ---- transactions ------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One SQLite transaction; nested calls become savepoints. Events are emitted after
        the outermost commit; on any error everything since BEGIN is rolled back."""
        with self._lock:
            depth = self._depth
            try:
                if depth == 0:
                    self._conn.execute("BEGIN IMMEDIATE")
                    if getattr(self, "_tracking", False):  # where this transaction's change rows start
                        self._tx_change_start = self._conn.execute(
                            f"SELECT max(id) FROM {gpkg.CHANGES_TABLE}").fetchone()[0] or 0
                else:
                    self._conn.execute(f"SAVEPOINT sp{depth}")
            except sqlite3.Error as e:
                raise _translate_sqlite_error(e, self.path) from None
            self._depth += 1
            n_pending = len(self._pending)
            try:
                yield
            except BaseException:
                self._depth -= 1
                try:
                    if depth == 0:
                        self._pending.clear()
                        self._dirty_extent.clear()
                        self._touched.clear()
                        if self._conn.in_transaction:
                            self._conn.execute("ROLLBACK")
                        self._restore_after_io_error()
                    else:
                        self._conn.execute(f"ROLLBACK TO sp{depth}")
                        self._conn.execute(f"RELEASE sp{depth}")
                        del self._pending[n_pending:]
                except sqlite3.Error:
                    pass
                raise
            self._depth -= 1
            if depth == 0 and self._touched:
                touched, self._touched = self._touched, {}
                try:
                    relations.verify(self, touched)
                except BaseException:
                    self._pending.clear()
                    self._dirty_extent.clear()
                    try:
                        if self._conn.in_transaction:
                            self._conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                    raise
            try:
                if depth == 0:
                    for table in self._dirty_extent:
                        gpkg.update_extent(self._conn, table)
                    if self._pending and getattr(self, "_tracking", False):  # "the rows since start were landapp's"
                        self._conn.execute(
                            f"INSERT INTO {gpkg.CHANGES_TABLE} (layer, feature_id, operation) VALUES (?, ?, 'landapp')",
                            (self.session, self._tx_change_start))
                    self._conn.execute("COMMIT")
                else:
                    self._conn.execute(f"RELEASE sp{depth}")
            except sqlite3.Error as e:
                if depth == 0:
                    try:
                        if self._conn.in_transaction:
                            self._conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                    self._restore_after_io_error()
                    self._pending.clear()
                    self._dirty_extent.clear()
                raise _translate_sqlite_error(e, self.path) from None
            if depth == 0:
                events, self._pending = self._pending, []
                self._dirty_extent.clear()
                self._data_version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if depth == 0:
            for ev in _coalesce(events):
                self.signals.changed.emit(ev)

    def _restore_after_io_error(self) -> None:
        """After a disk-full or I/O error SQLite leaves the file half-written beside a hot
        journal and rolls it back only when the file is next read. Read now, so the project
        file is back to its old bytes (and the journal gone) before the error is reported,
        not whenever someone opens it again (or copies it without its journal)."""
        try:
            self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error:
            pass

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def _log(self, layer: str, fid: int | None, op: str, changes: dict | None) -> None:
        if layer == "edit_log":
            return
        self._conn.execute(
            "INSERT INTO edit_log (ts, user, session, layer, feature_id, operation, changes) "
            "VALUES (?,?,?,?,?,?,?)",
            (_now(), self.user, self.session, layer, fid, op,
             None if changes is None else json.dumps(changes, ensure_ascii=False, default=str)))

    def poll_external_changes(self) -> list[ChangeEvent]:
        """Cheap when nothing changed (PRAGMA data_version); otherwise reads the edit log rows
        other sessions wrote since the last poll and emits one event per layer and op."""
        dv = self._scalar("PRAGMA data_version")
        if dv == self._data_version:
            return []
        self._data_version = dv
        rows = self._execute(
            "SELECT fid, layer, feature_id, operation, session FROM edit_log WHERE fid > ? "
            "ORDER BY fid", (self._last_log_id,)).fetchall()
        grouped: dict[tuple[str, str], list[int]] = {}
        for fid, layer, feature_id, op, session in rows:
            self._last_log_id = max(self._last_log_id, fid)
            if session == self.session:
                continue
            grouped.setdefault((layer, op), []).append(feature_id)
        events = [ChangeEvent(layer, op, tuple(f for f in fids if f is not None), external=True)
                  for (layer, op), fids in grouped.items()]
        events += self._other_programs_changes()
        for ev in events:
            self.signals.changed.emit(ev)
        return events

    def other_programs_changes(self, layer: str, fid: int) -> list[dict[str, Any]]:
        """Rows of the change table for this feature that no landapp transaction claims."""
        if not self._tracking:
            return []
        rows = self._execute(
            f"SELECT c.ts, c.operation FROM {gpkg.CHANGES_TABLE} c WHERE c.layer = ? AND c.feature_id = ? "
            f"AND c.operation <> 'landapp' AND NOT EXISTS (SELECT 1 FROM {gpkg.CHANGES_TABLE} m "
            "WHERE m.operation = 'landapp' AND m.feature_id < c.id AND m.id > c.id) ORDER BY c.id DESC",
            (spec(layer).name, int(fid))).fetchall()
        return [{"ts": ts, "operation": op} for ts, op in rows]

    def _other_programs_changes(self) -> list[ChangeEvent]:
        """Changes the triggers recorded that no landapp transaction claims (QGIS, GDAL, any
        SQLite tool): one external event per layer and operation."""
        if not self._tracking:
            return []
        rows = self._execute(f"SELECT id, layer, feature_id, operation FROM {gpkg.CHANGES_TABLE} "
                             "WHERE id > ? ORDER BY id", (self._last_change_id,)).fetchall()
        if not rows:
            return []
        self._last_change_id = rows[-1][0]
        claimed = [(fid_before, cid) for cid, _l, fid_before, op in rows if op == "landapp"]
        grouped: dict[tuple[str, str], list[int]] = {}
        for cid, layer, feature_id, op in rows:
            if op == "landapp" or any(a < cid < b for a, b in claimed):
                continue
            grouped.setdefault((layer, op), []).append(feature_id)
        return [ChangeEvent(layer, op, tuple(dict.fromkeys(f for f in fids if f is not None)), external=True)
                for (layer, op), fids in grouped.items()]

    # ---- reading -----------------------------------------------------------------------
    def read_layer(self, layer: str, *, bbox: BBox | None = None,
                   columns: Sequence[str] | None = None, where: Filter | None = None,
                   include_retired: bool = False, geometry: bool = True) -> gpd.GeoDataFrame | pd.DataFrame:
        """The layer as a (Geo)DataFrame indexed by fid, read by GDAL through Arrow. A bbox
        read uses the spatial index. Retired (historic) features are left out unless asked.
        geometry=False gives a plain DataFrame of the attributes (100k parcels: decoding the
        geometries is most of the read)."""
        import geopandas as gpd
        import pyogrio

        s = spec(layer)
        clauses = self._gdal_where(s, checked(where, "read_layer"), include_retired)
        try:
            df = pyogrio.read_dataframe(
                self.path, layer=layer, bbox=bbox if s.spatial else None,
                columns=list(columns) if columns is not None else s.field_names,  # not row_version
                where=" AND ".join(clauses) or None, use_arrow=True, fid_as_index=True,
                read_geometry=s.spatial and geometry)
        except Exception as e:  # GDAL errors come in many types
            raise LandappError(tr(f"读取图层 {layer} 失败:{e}", f"Reading layer {layer} failed: {e}")) from None
        df.index.name = "fid"
        if s.spatial and geometry and not isinstance(df, gpd.GeoDataFrame):
            df = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries([], crs=f"EPSG:{self.srs_id}"))
        return df

    @staticmethod
    def _gdal_where(s: LayerSpec, where: Filter | None, include_retired: bool) -> list[str]:
        """GDAL's attribute filter for a read: SQLite text with the values as escaped
        literals (it takes no parameters), field names checked and quoted."""
        clauses = [f"({translate(where, s.name, 'gdal')[0]})"] if where is not None else []
        if s.has("retired") and not include_retired:
            clauses.append(gpkg.ACTIVE_SCAN)  # not current(): see gpkg.ACTIVE_SCAN (fid order)
        return clauses

    def read_wkb(self, layer: str, *, columns: Sequence[str] = (), where: Filter | None = None,
                 include_retired: bool = False, arrow: bool = False,
                 batch: bool = False) -> tuple[Any, np.ndarray, np.ndarray]:
        """The WKB bytes in one buffer, no geometry objects: SQLite's own aggregates where the
        file holds plain GeoPackage blobs and the columns' types are simple (_read_wkb_sql),
        else GDAL's Arrow stream (_read_wkb_gdal). The same frame, buffer and offsets either way.
        batch: GDAL's stream (1M parcels with two columns: ~0.3 s of CPU, against ~1.6 s for
        SQLite's aggregates, which the window prefers: they run off the GIL and need no pyogrio)."""
        s = spec(layer)
        where = checked(where, "read_wkb")
        got = None
        if not batch:  # SQLite takes the filter's values as parameters; GDAL only as literals
            sql_where, params = translate(where, s.name) if where is not None else (None, [])
            clauses = [f"({sql_where})"] if sql_where else []
            if s.has("retired") and not include_retired:
                clauses.append(gpkg.ACTIVE_SCAN)
            got = self._read_wkb_sql(s, list(columns), clauses, params)
        if got is None:
            got = self._read_wkb_gdal(s, list(columns), self._gdal_where(s, where, include_retired))
        table, data, offsets = got
        return (table if arrow else attrs_frame(table)), data, offsets

    def _read_wkb_sql(self, s: LayerSpec, columns: list[str], clauses: list[str], params: Sequence[Any] = ()):
        """One statement over its own connection: the blobs concatenated by group_concat and
        each column as one text or byte string (see _column), in the order of GDAL's scan
        (the same statement's plan). SQLite runs the whole scan in one step, outside the GIL
        (two layers read side by side), and the window starts without importing pyogrio,
        which brings geopandas, pyproj and GDAL (~0.1 s, ~45 MB of a 100k park's start). The
        attributes as an Arrow table ("fid" first). None where GDAL must do it: a column type
        or value this does not convert exactly as GDAL does, a blob that is not a plain
        GeoPackage geometry."""
        import pyarrow as pa

        try:
            # read-only: a file gone since the store opened it is not made again, empty
            con = sqlite3.connect(pathlib.Path(os.path.abspath(self.path)).as_uri() + "?mode=ro", uri=True,
                                  timeout=self.lock_timeout)
        except sqlite3.Error:
            return None
        try:
            declared = {r[1]: (r[2] or "").upper() for r in con.execute(f'PRAGMA table_info("{s.name}")')}
            if any(c not in declared for c in columns):
                return None
            wanted = set(columns)
            columns = [c for c in declared if c in wanted]  # GDAL gives them in the table's order
            types = []
            for c in columns:
                t = _SQL_ARROW.get(declared.get(c, "?"))
                if t is None:
                    return None
                types.append(t)
            # per column: how many values are of another storage type (then GDAL reads it),
            # which are null ('1'/'0' a row), and the values: numbers as comma-separated text
            # (reals with 17 significant digits, "!": %g stops at 16, which parse back to the
            # same double), text as its UTF-8 bytes one after another with their lengths
            cols = ""
            for c, t in zip(columns, types):
                q = f'"{c}"'
                cols += f", sum(typeof({q}) NOT IN ({_SQL_STORAGE[t]})), CAST(group_concat({q} IS NULL, '') AS BLOB)"
                if t in ("string", "date"):
                    cols += (f", CAST(group_concat({q}, '') AS BLOB),"
                             f" group_concat(coalesce(length(CAST({q} AS BLOB)), 0), ',')")
                elif t == "double":
                    cols += f", group_concat(printf('%!.17g', coalesce({q}, 0)), ',')"
                else:
                    cols += f", group_concat(coalesce({q}, 0), ',')"
            # the geometries' lengths and the fids as comma-separated text: numpy parses it in a few ms
            sql = (f'SELECT CAST(group_concat("{gpkg.GEOM_COLUMN}", \'\') AS BLOB), '
                   f'group_concat(coalesce(length("{gpkg.GEOM_COLUMN}"), 0), \',\'), group_concat(fid, \',\'){cols} '
                   f'FROM "{s.name}"' + (" WHERE " + " AND ".join(clauses) if clauses else ""))
            row = con.execute(sql, list(params)).fetchone()
        except sqlite3.Error:
            return None
        finally:
            con.close()
        blob = row[0] or b""
        lengths = np.fromstring(row[1] or "", sep=",", dtype=np.int64)
        if not isinstance(blob, bytes) or len(blob) != int(lengths.sum()):
            return None
        wkb = _strip_gpkg_headers(np.frombuffer(blob, dtype=np.uint8), lengths)
        if wkb is None:
            return None
        data, offsets = wkb
        n = len(lengths)
        try:
            arrays = [_column(row, 2, "fids", n)]
            at = 3
            for t in types:
                arrays.append(_column(row, at, t, n))
                at += 4 if t in ("string", "date") else 3
        except (pa.ArrowException, ValueError):  # a value of another type, text that is not UTF-8
            return None
        table = pa.Table.from_arrays(arrays, names=["fid", *columns])
        del row, blob, arrays
        _return_freed_memory()  # SQLite's concatenations and their text, freed on this thread
        return table, data, offsets

    def _read_wkb_gdal(self, s: LayerSpec, columns: list[str], clauses: list[str]):
        """GDAL's Arrow stream, batch by batch: the WKB bytes in one buffer, no geometry objects."""
        import pyarrow as pa
        import pyogrio

        layer = s.name
        try:
            with pyogrio.raw.open_arrow(self.path, layer=layer, columns=list(columns), use_pyarrow=True,
                                        where=" AND ".join(clauses) or None, return_fids=True) as (meta, reader):
                gname = meta.get("geometry_name") or "wkb_geometry"
                # the WKB goes batch by batch into one buffer reserved at the file's size (the
                # WKB of every feature is shorter than the file; untouched pages cost no memory),
                # trimmed in place at the end: no second copy of the column at any time
                data = np.empty(os.path.getsize(self.path) + 1, dtype=np.uint8)
                at, parts, batches = 0, [np.zeros(1, dtype=np.int64)], []
                for batch in reader:
                    data, at, off = _append_wkb(batch.column(gname), data, at)
                    parts.append(off)
                    # copies: a column of an imported batch keeps the whole batch (its WKB too) alive
                    batches.append(pa.RecordBatch.from_arrays(
                        [pa.concat_arrays([batch.column(i), pa.array([], batch.schema.field(i).type)])
                         for i in range(batch.num_columns) if batch.schema.field(i).name != gname],
                        schema=batch.schema.remove(batch.schema.get_field_index(gname))))
                    del batch
                schema = reader.schema.remove(reader.schema.get_field_index(gname))
        except Exception as e:  # GDAL errors come in many types
            raise LandappError(tr(f"读取图层 {layer} 失败:{e}", f"Reading layer {layer} failed: {e}")) from None
        data.resize((at,), refcheck=False)
        table = pa.Table.from_batches(batches, schema=schema)
        offsets = np.concatenate(parts)
        del batches, parts
        _return_freed_memory()
        return table, data, offsets

    def _records(self, s: LayerSpec, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows of `sql` as records: geometry decoded under "geometry", booleans as bool.
        dict(zip(names, row)) over plain tuples is about twice as fast as sqlite3.Row."""
        with self._lock:
            try:
                cur = self._conn.execute(sql, params)
                names = [d[0] for d in cur.description]
                recs = [dict(zip(names, row)) for row in cur.fetchall()]
            except sqlite3.Error as e:
                raise _translate_sqlite_error(e, self.path) from None
        geom = s.spatial and gpkg.GEOM_COLUMN in names
        bools = [n for n in _bool_fields(s) if n in names]
        for rec in recs:
            if geom:
                rec["geometry"] = gpkg.decode_geometry(rec.pop(gpkg.GEOM_COLUMN))
            for name in bools:
                if rec[name] is not None:
                    rec[name] = bool(rec[name])
        return recs

    def get(self, layer: str, fid: int) -> dict[str, Any]:
        s = spec(layer)
        recs = self._records(s, f'SELECT * FROM "{s.name}" WHERE fid = ?', (int(fid),))
        if not recs:
            raise FeatureNotFoundError(layer, fid)
        return recs[0]

    def rows(self, layer: str, where: Filter | None = None, *, order_by: Any = None,
             limit: int | None = None, geometry: bool = True) -> list[dict[str, Any]]:
        s = spec(layer)
        where = checked(where, "rows")
        sql, params = self._where_sql(s, where)
        cols = "*" if geometry or not s.spatial else ", ".join(
            ["fid"] + [f'"{f.name}"' for f in s.fields])
        sql = f'SELECT {cols} FROM "{s.name}"' + sql
        sql += f" ORDER BY {order_sql(order_by, s.name) or 'fid'}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self._records(s, sql, params)

    @staticmethod
    def _where_sql(s: LayerSpec, where: Filter | None) -> tuple[str, list[Any]]:
        """' WHERE …' and its parameters for a (checked) filter; ('', []) for none."""
        if where is None:
            return "", []
        text, params = translate(where, s.name)
        return f" WHERE {text}", params

    def count(self, layer: str, where: Filter | None = None) -> int:
        s = spec(layer)
        sql, params = self._where_sql(s, checked(where, "count"))
        return int(self._scalar(f'SELECT count(*) FROM "{s.name}"' + sql, params))

    def table_fids(self, layer: str, query: TableQuery = TableQuery()) -> np.ndarray:
        """Filter and sort in SQLite; the fids come back as one comma-joined text parsed by
        numpy (1M rows: 0.3 s against 0.8 s for a Python loop over the cursor)."""
        s = spec(layer)
        names = {f.name for f in s.fields}
        for name in (*query.search, *(n for n, _ in query.also), *([query.order_by] if query.order_by else [])):
            if name not in names:
                raise LandappError(tr(f"图层 {layer} 没有字段 {name}。", f"Layer {layer} has no field {name}."))
        where: list[str] = []
        params: list[Any] = []
        if s.has("retired"):
            where.append("(retired = 0 OR retired IS NULL)")
        if query.only is not None:
            where.append(f"fid IN ({','.join(str(int(f)) for f in query.only) or 'NULL'})")
        text = query.text.strip().lower()
        if text:
            alts = []
            for name in query.search:
                alts.append(f'instr(lower(CAST("{name}" AS TEXT)), ?) > 0')
                params.append(text)
            for name, values in query.also:
                if values:
                    alts.append(f'"{name}" IN ({",".join("?" * len(values))})')
                    params.extend(values)
            where.append("(" + (" OR ".join(alts) or "0") + ")")
        order = "fid"
        if query.order_by:
            d = " DESC" if query.descending else ""
            order = f'"{query.order_by}" IS NULL, "{query.order_by}"{d}, fid{d}'
        sql = (f'SELECT group_concat(fid) FROM (SELECT fid FROM "{s.name}"'
               + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {order})")
        joined = self._scalar(sql, params)
        return np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.empty(0, dtype=np.int64)

    def table_cells(self, layer: str, fids: Sequence[int], columns: Sequence[str]) -> dict[int, tuple]:
        s = spec(layer)
        names = {f.name for f in s.fields}
        bad = [c for c in columns if c not in names]
        if bad:
            raise LandappError(tr(f"图层 {layer} 没有字段 {bad[0]}。", f"Layer {layer} has no field {bad[0]}."))
        cols = "".join(f', "{c}"' for c in columns)
        out: dict[int, tuple] = {}
        fids = [int(f) for f in fids]
        with self._lock:
            for i in range(0, len(fids), 500):
                chunk = fids[i:i + 500]
                for row in self._execute(f'SELECT fid{cols} FROM "{s.name}" WHERE fid IN ({",".join("?" * len(chunk))})',
                                         chunk).fetchall():
                    out[row[0]] = row[1:]
        return out

    def values(self, layer: str, columns: Sequence[str], where: Filter | None = None) -> list[tuple]:
        s = spec(layer)
        names = {f.name for f in s.fields} | {"fid"}
        for c in columns:
            if c not in names:
                raise LandappError(tr(f"图层 {layer} 没有字段 {c}。", f"Layer {layer} has no field {c}."))
        where_sql, params = self._where_sql(s, checked(where, "values"))
        sql = f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} FROM "{s.name}"' + where_sql
        with self._lock:
            return self._execute(sql + " ORDER BY fid", params).fetchall()

    def group_totals(self, layer: str, by: Sequence[str] = (), sums: Sequence[str] = (), *,
                     include_retired: bool = False) -> list[tuple]:
        s = spec(layer)
        names = {f.name for f in s.fields}
        for c in (*by, *sums):
            if c not in names:
                raise LandappError(tr(f"图层 {layer} 没有字段 {c}。", f"Layer {layer} has no field {c}."))
        active = s.has("retired") and not include_retired
        # active features grouped with `retired` in front and the retired groups dropped here:
        # the (retired, …) indexes answer that by a scan of the index alone (504k buildings
        # by type: 0.02 s instead of 0.15 s for WHERE retired = 0 OR retired IS NULL)
        group = (["retired"] if active else []) + list(by)
        keys = ", ".join(f'"{c}"' for c in group)
        cols = ", ".join([*(f'"{c}"' for c in group), "count(*)", *(f'total("{c}")' for c in sums)])
        sql = f'SELECT {cols} FROM "{s.name}"'
        if group:
            sql += f" GROUP BY {keys}"
        rows = [tuple(r) for r in self._execute(sql).fetchall()]
        if active:
            merged: dict[tuple, list] = {}
            for r in rows:
                if r[0]:  # retired
                    continue
                have = merged.get(r[1:1 + len(by)])
                if have is None:
                    merged[r[1:1 + len(by)]] = list(r[1:])
                else:  # retired = 0 and retired IS NULL: one group
                    for k in range(len(by), len(have)):
                        have[k] += r[1 + k]
            rows = sorted((tuple(v) for v in merged.values()), key=lambda r: [(x is not None, x) for x in r[:len(by)]])
        return [r for r in rows if r[len(by)]]  # no rows: SQLite still answers (count 0) without GROUP BY

    def fids_in_bbox(self, layer: str, bbox: BBox) -> list[int]:
        """Feature ids whose bounding box meets bbox, from the R-tree spatial index."""
        s = spec(layer)
        if not s.spatial:
            raise LandappError(tr(f"{layer} 不是空间图层。", f"{layer} is not a spatial layer."))
        minx, miny, maxx, maxy = bbox
        cur = self._execute(
            f'SELECT id FROM "rtree_{s.name}_{gpkg.GEOM_COLUMN}" '
            "WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?", (maxx, minx, maxy, miny))
        return [r[0] for r in cur.fetchall()]

    def extent(self, layer: str) -> BBox | None:
        s = spec(layer)
        row = self._execute(
            f'SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "rtree_{s.name}_{gpkg.GEOM_COLUMN}"'
        ).fetchone()
        return None if row[0] is None else tuple(row)  # type: ignore[return-value]

    # ---- writing -----------------------------------------------------------------------
    def _prepare(self, s: LayerSpec, record: dict[str, Any], *, partial: bool,
                 validate: bool = True) -> dict[str, Any]:
        """Validated column values (computed fields dropped, geometry encoded, areas set)."""
        attrs = {k: v for k, v in record.items()
                 if k not in ("fid", "geometry", "geom") and not (
                     s.has(k) and s.field(k).computed and k not in ("created",))}
        values = validate_record(s.name, attrs, partial=partial) if validate else dict(attrs)
        geom_key = "geometry" if "geometry" in record else ("geom" if "geom" in record else None)
        if s.spatial and (geom_key or not partial):
            geom = _as_multipolygon(s.name, record.get(geom_key) if geom_key else None)
            self._check_bounds(s.name, geom)
            values[gpkg.GEOM_COLUMN] = gpkg.encode_geometry(geom, self.srs_id)
            values.update(_area_fields(s, geom.area))
        return values

    def _check_bounds(self, layer: str, geom: BaseGeometry) -> None:
        if not self._bounds_known:
            self._bounds, self._bounds_known = _crs_bounds(self.srs_id), True
        if self._bounds is None:
            return
        b = geom.bounds
        x0, y0, x1, y1 = self._bounds
        if b[0] < x0 or b[1] < y0 or b[2] > x1 or b[3] > y1:
            raise ValidationError(layer, "geometry", tr("几何图形", "geometry"), tr(
                f"坐标超出工程坐标系 EPSG:{self.srs_id} 的有效范围,可能坐标系不对",
                f"coordinates lie outside the valid area of EPSG:{self.srs_id}; "
                "the coordinate system is probably wrong"),
                f"({b[0]:.0f}, {b[1]:.0f})")

    def _touch(self, layer: str, fids: Iterable[int], values: dict | None = None) -> None:
        if layer in relations.WATCHED and (layer != "parcels" or values is None or "land_user_id" in values):
            self._touched.setdefault(layer, set()).update(fids)

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
                # put back (undo of a delete): a new version, so an edit read before the
                # delete is checked against it instead of passing as current
                values[ROW_VERSION] = record[ROW_VERSION] + 1
        cols = ", ".join(f'"{c}"' for c in values)
        marks = ", ".join("?" for _ in values)
        with self.transaction():
            try:
                cur = self._conn.execute(f'INSERT INTO "{s.name}" ({cols}) VALUES ({marks})',
                                         list(values.values()))
            except sqlite3.IntegrityError:
                raise LandappError(tr(f"图层 {layer} 中已有编号为 {fid} 的要素。",
                                      f"Layer {layer} already has a feature with id {fid}.")) from None
            except sqlite3.Error as e:
                raise _translate_sqlite_error(e, self.path) from None
            new_fid = int(cur.lastrowid)
            self._touch(s.name, (new_fid,), values)
            self._log(s.name, new_fid, "insert", _loggable(values))
            self._pending.append(ChangeEvent(s.name, "insert", (new_fid,)))
            if s.spatial:
                self._dirty_extent.add(s.name)
        return new_fid

    def _checked_rows(self, s: LayerSpec, records: list[dict[str, Any]], skip: set[str],
                      stamp: str) -> tuple[list[str], list[str], list[list], list]:
        """insert_many's rows, each record validated (values, geometry, the CRS's area)."""
        prepared = []
        geoms = []
        for rec in records:
            attrs = {k: v for k, v in rec.items() if k not in skip}
            refuse_computed(s.name, rec, allow=("created", "modified"))
            values = validate_record(s.name, attrs)
            if s.spatial:
                geom = _as_multipolygon(s.name, rec.get("geometry"))
                self._check_bounds(s.name, geom)
                geoms.append(geom)
            if s.has("created"):
                values["created"] = values["modified"] = stamp
            prepared.append(values)
        cols = sorted({k for v in prepared for k in v})
        if s.spatial:
            blobs = gpkg.encode_geometries(geoms, self.srs_id)
            areas = shapely.area(np.asarray(geoms, dtype=object))
            area_cols = list(_area_fields(s, 1.0))
            all_cols = [gpkg.GEOM_COLUMN, *cols, *area_cols]
            # the area columns as _area_fields gives them, rounded for all rows at once
            area_vals = ([(round(a, 2), round(to_mu(a), 4)) for a in areas.tolist()]
                         if area_cols == ["area_m2", "area_mu"] else
                         [(round(a, 2),) for a in areas.tolist()] if area_cols else [()] * len(geoms))
            data = [[blob, *(v.get(c) for c in cols), *a] for blob, v, a in zip(blobs, prepared, area_vals)]
        else:
            all_cols = cols
            data = [[v.get(c) for c in cols] for v in prepared]
        return cols, all_cols, data, geoms

    def insert_many(self, layer: str, records: Iterable[dict[str, Any]], *,
                    validate: bool = True, log: bool = True) -> list[int]:
        """Bulk insert in one transaction (imports, generated parks). All or nothing."""
        s = spec(layer)
        records = list(records)
        if not records:
            return []
        stamp = _now()
        skip = {"geometry", "geom", "fid", *(f.name for f in s.fields if f.computed)}
        if not validate:  # checked by the caller (an import, an undo): a column at a time
            cols, all_cols, data, geoms = _bulk_rows(s, records, skip, stamp, self.srs_id)
        else:
            cols, all_cols, data, geoms = self._checked_rows(s, records, skip, stamp)
        sql = (f'INSERT INTO "{s.name}" ({", ".join(chr(34) + c + chr(34) for c in all_cols)}) '
               f'VALUES ({", ".join("?" for _ in all_cols)})')
        with self.transaction():
            try:
                before = self._conn.execute(f'SELECT max(fid) FROM "{s.name}"').fetchone()[0] or 0
                bulk = s.spatial and len(data) >= BULK_INDEX_ROWS
                if bulk:  # fill the R-tree from numpy bounds instead of 5 SQL functions a row
                    # (and the change-table triggers: the edit log has these rows already)
                    triggers = self._conn.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
                        "AND (name LIKE ? OR name LIKE ?)",
                        (s.name, f"rtree_{s.name}_%", f"{gpkg.CHANGES_TABLE}_{s.name}_%")).fetchall()
                    for name, _ in triggers:
                        self._conn.execute(f'DROP TRIGGER "{name}"')
                self._conn.executemany(sql, data)
                after = self._conn.execute(f'SELECT max(fid) FROM "{s.name}"').fetchone()[0]
                if bulk:
                    b = shapely.bounds(np.asarray(geoms, dtype=object))
                    ids = np.arange(after - len(data) + 1, after + 1)
                    keep = ~np.isnan(b[:, 0])  # empty geometries have no entry
                    self._conn.executemany(
                        f'INSERT OR REPLACE INTO "rtree_{s.name}_{gpkg.GEOM_COLUMN}" VALUES (?,?,?,?,?)',
                        zip(ids[keep].tolist(), *(b[keep, k].tolist() for k in (0, 2, 1, 3))))
                    for _, ddl in triggers:
                        self._conn.execute(ddl)
            except sqlite3.Error as e:
                raise _translate_sqlite_error(e, self.path) from None
            fids = list(range(after - len(data) + 1, after + 1))
            assert fids[0] > before
            if validate:
                self._touch(s.name, fids, {c: 1 for c in cols})
            if log:
                self._conn.executemany(
                    "INSERT INTO edit_log (ts, user, session, layer, feature_id, operation, changes) "
                    "VALUES (?,?,?,?,?,'insert',NULL)",
                    zip(repeat(stamp), repeat(self.user), repeat(self.session), repeat(s.name), fids))
            self._pending.append(ChangeEvent(s.name, "insert", tuple(fids)))
            if s.spatial:
                self._dirty_extent.add(s.name)
        return fids

    def update(self, layer: str, fid: int, changes: dict[str, Any], *,
               expected: dict[str, Any] | None = None, expected_version: int | None = None,
               force_computed: bool = False) -> dict[str, Any]:
        """See ProjectStore.update. force_computed recomputes derived fields (areas) even
        when the geometry is unchanged (it was edited by another program). The transaction
        holds SQLite's write lock (BEGIN IMMEDIATE) from the read to the write."""
        s = spec(layer)
        with self.transaction():
            current = current_for_edit(self, layer, fid, expected, expected_version)
            diff, old = plan_update(layer, fid, current, changes, expected, expected_version)
            if s.spatial and ("geometry" in changes or "geom" in changes):
                geom = _as_multipolygon(layer, changes.get("geometry", changes.get("geom")))
                if force_computed or not geom.equals_exact(current["geometry"], 0.0):
                    self._check_bounds(layer, geom)
                    diff[gpkg.GEOM_COLUMN] = gpkg.encode_geometry(geom, self.srs_id)
                    old["geometry"] = current["geometry"]
                    for k, v in _area_fields(s, geom.area).items():
                        diff[k] = v
                        old[k] = current.get(k)
            if not diff:
                return {}
            if s.has("modified"):
                diff["modified"] = _now()
            sets = ", ".join(f'"{k}" = ?' for k in diff)
            if s.name in VERSIONED:
                sets += f', "{ROW_VERSION}" = "{ROW_VERSION}" + 1'
            try:
                self._conn.execute(f'UPDATE "{s.name}" SET {sets} WHERE fid = ?',
                                   [*diff.values(), int(fid)])
            except sqlite3.Error as e:
                raise _translate_sqlite_error(e, self.path) from None
            log = {k: [_loggable_value(old.get(k if k != gpkg.GEOM_COLUMN else "geometry")),
                       _loggable_value(v)] for k, v in diff.items() if k != "modified"}
            self._touch(s.name, (int(fid),), diff)
            self._log(s.name, int(fid), "update", log)
            fields = tuple("geometry" if k == gpkg.GEOM_COLUMN else k for k in diff
                           if k != "modified")
            self._pending.append(ChangeEvent(s.name, "update", (int(fid),), fields))
            if s.spatial and gpkg.GEOM_COLUMN in diff:
                self._dirty_extent.add(s.name)
        return old

    def delete(self, layer: str, fid: int, *, expected_version: int | None = None,
               expected: dict[str, Any] | None = None) -> dict[str, Any]:
        s = spec(layer)
        with self.transaction():
            record = current_for_edit(self, layer, fid, expected, expected_version)
            check_delete(layer, fid, record, expected_version, expected)
            self._execute(f'DELETE FROM "{s.name}" WHERE fid = ?', (int(fid),))
            self._log(s.name, int(fid), "delete", _loggable(record))
            self._pending.append(ChangeEvent(s.name, "delete", (int(fid),)))
            if s.spatial:
                self._dirty_extent.add(s.name)
        return record

    def delete_many(self, layer: str, fids: Sequence[int]) -> list[dict[str, Any]]:
        """Delete several features in one transaction with one change event (undoing an
        import of 100k parcels one by one took seconds and 100k events); return their records
        (with 'fid') so they can be put back."""
        s = spec(layer)
        fids = [int(f) for f in fids]
        records: list[dict[str, Any]] = []
        if not fids:
            return records
        with self.transaction():
            for k in range(0, len(fids), 500):
                chunk = fids[k:k + 500]
                marks = ", ".join("?" for _ in chunk)
                found = self._records(s, f'SELECT * FROM "{s.name}" WHERE fid IN ({marks})', chunk)
                if len(found) != len(chunk):
                    raise FeatureNotFoundError(layer, min(set(chunk) - {r["fid"] for r in found}))
                records += found
                self._execute(f'DELETE FROM "{s.name}" WHERE fid IN ({marks})', chunk)
            stamp = _now()
            self._conn.executemany(
                "INSERT INTO edit_log (ts, user, session, layer, feature_id, operation, changes) "
                "VALUES (?,?,?,?,?,'delete',NULL)", [(stamp, self.user, self.session, s.name, f) for f in fids])
            self._pending.append(ChangeEvent(s.name, "delete", tuple(fids)))
            if s.spatial:
                self._dirty_extent.add(s.name)
        return records

    # ---- settings ----------------------------------------------------------------------
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        v = self._scalar("SELECT value FROM project_settings WHERE key = ?", (key,))
        return default if v is None else v

    def set_setting(self, key: str, value: str | None) -> None:
        with self.transaction():
            old = self.get_setting(key)
            if old == value:
                return
            self._execute("DELETE FROM project_settings WHERE key = ?", (key,))
            self._execute("INSERT INTO project_settings (key, value) VALUES (?, ?)", (key, value))
            self._log("project_settings", None, "update", {key: [old, value]})
            self._pending.append(ChangeEvent("project_settings", "update", (), (key,)))
            from landapp import project_hooks  # QGIS styles made from this setting

            project_hooks.run(self, "refresh", setting=key, old=old, new=value)

    def settings(self) -> dict[str, str]:
        return dict(self._execute("SELECT key, value FROM project_settings").fetchall())

    def index_count(self, layer: str) -> int:
        return int(self._scalar(f'SELECT count(*) FROM "rtree_{spec(layer).name}_{gpkg.GEOM_COLUMN}"'))

    def integrity_check(self) -> list[str]:
        """SQLite's full integrity check; [] when the file is sound."""
        res = [r[0] for r in self._execute("PRAGMA integrity_check").fetchall()]
        return [] if res == ["ok"] else res


# ---- module functions -------------------------------------------------------------------


def _bulk_rows(s: LayerSpec, records: list[dict[str, Any]], skip: set[str], stamp: str,
               srs_id: int) -> tuple[list[str], list[str], list[tuple], list]:
    """insert_many's rows for records checked already, built a column at a time (no
    per-row dict or generator): the columns any record has, the geometries made
    multipolygons and encoded in bulk, the area columns rounded as _area_fields does."""
    cols = sorted(set().union(*records) - skip)
    values = [list(map(dict.get, records, repeat(c))) for c in cols]
    if s.has("created"):
        for c in ("created", "modified"):
            if c in cols:
                values[cols.index(c)] = [stamp] * len(records)
            else:
                cols.append(c)
                values.append([stamp] * len(records))
    if not s.spatial:
        return cols, cols, list(zip(*values)), []
    arr = np.asarray([r.get("geometry") for r in records], dtype=object)
    plain = (shapely.get_type_id(arr) == 3) & shapely.has_z(arr)  # 2D ones: made multi in the WKB
    if plain.any():
        arr[plain] = shapely.multipolygons(arr[plain], indices=np.arange(int(plain.sum())))
    blobs = gpkg.encode_geometries(arr, srs_id, multi=True)
    areas = shapely.area(arr)
    area_cols = list(_area_fields(s, 1.0))
    if area_cols == ["area_m2", "area_mu"]:
        area_vals = [list(map(round, areas.tolist(), repeat(2))),
                     list(map(round, (areas / MU_M2).tolist(), repeat(4)))]  # to_mu, element by element
    elif area_cols:
        area_vals = [list(map(round, areas.tolist(), repeat(2)))]
    else:
        area_vals = []
    return cols, [gpkg.GEOM_COLUMN, *cols, *area_cols], list(zip(blobs, *values, *area_vals)), list(arr)

def _area_fields(s: LayerSpec, area: float) -> dict[str, float]:
    if s.has("area_m2") and s.field("area_m2").computed:
        return {"area_m2": round(area, 2), "area_mu": round(to_mu(area), 4)}
    if s.has("footprint_m2"):
        return {"footprint_m2": round(area, 2)}
    return {}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, BaseGeometry) and isinstance(b, BaseGeometry):
        return a.equals_exact(b, 0.0)
    return a == b


def current_for_edit(store: ProjectStore, layer: str, fid: int, expected: dict[str, Any] | None,
                     expected_version: int | None, **get_kw: Any) -> dict[str, Any]:
    """The row an edit is checked against (read inside the caller's locked transaction). A
    checked edit of a feature someone deleted is a conflict, said plainly."""
    try:
        return store.get(layer, fid, **get_kw)
    except FeatureNotFoundError:
        if not expected and expected_version is None:
            raise
        s = spec(layer)
        raise ConflictError(tr(
            f"{s.title_zh}(编号 {fid})已被他人删除,您的修改未保存。",
            f"{s.title_en} (id {fid}) was deleted by someone else; your edit was not saved."),
            deleted=True, layer=s.name, fid=int(fid)) from None


def check_delete(layer: str, fid: int, current: dict[str, Any], expected_version: int | None,
                 expected: dict[str, Any] | None = None) -> None:
    """A delete made from an older version of the row would throw away what someone wrote
    since: a conflict (the planner looks again and decides), unless the row still holds the
    values the delete was made from (`expected`: the version moved, the values did not, e.g.
    an edit that was undone)."""
    version = current.get(ROW_VERSION)
    if expected_version is None or version is None or int(version) == int(expected_version):
        return
    s = spec(layer)
    conflicts = _conflicts(s, current, {}, expected, True) if expected is not None else []
    if expected is not None and not conflicts:
        return
    label = current.get("code") or current.get("name") or fid
    raise ConflictError(tr(
        f"{s.title_zh} {label} 在您读取后已被他人修改,未删除;请查看后再决定。",
        f"{s.title_en} {label} was changed by someone else after you read it and was not deleted; "
        "look at it and decide again."), conflicts=conflicts, version=version, layer=s.name, fid=int(fid))


def plan_update(layer: str, fid: int, current: dict[str, Any], changes: dict[str, Any],
                expected: dict[str, Any] | None,
                expected_version: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """What an update changes, checked the same way on every backend (the caller holds the
    row locked): computed fields are refused unless a geometry comes with them, the merged
    record is validated. Returns (new values that differ, their old values).

    No lost update (issue 16): `expected_version` is the row_version the edit was read at,
    `expected` the values it was made from. Version still current: nobody wrote the row since,
    the edit applies. Otherwise (or with values and no version) each field the edit changes
    is compared three ways: a field only the other side changed, or both to the same value,
    is no conflict (mine goes on top; edits to different fields both land); a field both
    changed to different values is, and ConflictError carries them all (seen, theirs, mine),
    the shape included. A field changed with a version but without its seen value cannot be
    told apart, so it conflicts unless it already holds mine."""
    s = spec(layer)
    version = current.get(ROW_VERSION)
    unchanged = expected_version is not None and version is not None and int(expected_version) == int(version)
    if not unchanged and (expected or expected_version is not None):
        conflicts = _conflicts(s, current, changes, expected or {}, expected_version is not None)
        if conflicts:
            label = current.get("code") or current.get("name") or fid
            names_zh = "、".join("图形" if c["field"] == "geometry" else s.field(c["field"]).title_zh
                                for c in conflicts)
            names_en = ", ".join("shape" if c["field"] == "geometry" else s.field(c["field"]).title_en
                                 for c in conflicts)
            raise ConflictError(tr(
                f"{s.title_zh} {label} 的{names_zh}已被他人修改,与您的修改不同。",
                f"{s.title_en} {label}: {names_en} was changed by someone else, differently from "
                "your edit."), conflicts=conflicts, version=version, layer=s.name, fid=int(fid))
    geom_given = "geometry" in changes or "geom" in changes
    refuse_computed(layer, changes, current,  # areas follow a geometry given with them
                    allow=("area_m2", "area_mu", "footprint_m2") if geom_given else ())
    attrs = {k: current[k] for k in s.field_names if not s.field(k).computed}
    new_attrs = {k: v for k, v in changes.items() if k not in ("geometry", "geom", "fid", ROW_VERSION)
                 and not (s.has(k) and s.field(k).computed)}
    for k in new_attrs:
        if not s.has(k):
            validate_record(layer, {k: new_attrs[k]}, partial=True)  # raises, names it
    merged = validate_record(layer, {**attrs, **new_attrs})
    diff = {k: merged.get(k) for k in merged if k in new_attrs or k == "land_use_source"}
    diff = {k: v for k, v in diff.items() if not _same(current.get(k), v)}
    return diff, {k: current.get(k) for k in diff}


def _comparable(s: LayerSpec, key: str, value: Any) -> Any:
    """A value as the store would hold it, for comparing with a stored one: a shape as a
    MultiPolygon, a typed value normalised as validation stores it."""
    if key == "geometry":
        try:
            return _as_multipolygon(s.name, value) if value is not None else None
        except LandappError:
            return value
    try:
        return validate_record(s.name, {key: value}, partial=True).get(key)
    except LandappError:
        return value


def _conflicts(s: LayerSpec, current: dict[str, Any], changes: dict[str, Any], seen: dict[str, Any],
               versioned: bool) -> list[dict[str, Any]]:
    """The fields of `changes` that someone else changed too (three-way against `seen`), to
    a value other than mine. Computed fields (areas) follow the shape and are not asked
    about; a `seen` field the edit does not change must still hold (it is what the edit
    relies on)."""
    out = []
    keys = list(dict.fromkeys([*changes, *seen]))
    for k in keys:
        if k in ("fid", ROW_VERSION):
            continue
        key = "geometry" if k == "geom" else k
        if key != "geometry" and (not s.has(key) or s.field(key).computed):
            continue
        theirs = current.get(key)
        if k in changes:
            mine = _comparable(s, key, changes[k])
            if _same(theirs, mine):
                continue  # holds mine already (both made the same change)
            if k in seen:
                if _same(theirs, _comparable(s, key, seen[k])):
                    continue  # only I change it
            elif not versioned:
                continue  # nothing to check it against (an unchecked field)
            out.append({"field": key, "seen": seen.get(k), "theirs": theirs, "mine": changes[k]})
        elif not _same(theirs, _comparable(s, key, seen[k])):
            out.append({"field": key, "seen": seen[k], "theirs": theirs, "mine": seen[k]})
    return out


def _loggable_value(v: Any) -> Any:
    if isinstance(v, (bytes, BaseGeometry)):
        g = gpkg.decode_geometry(v) if isinstance(v, bytes) else v
        return f"<{g.geom_type} {g.area:.1f} m²>" if g is not None else None
    return v


def _loggable(values: dict[str, Any]) -> dict[str, Any]:
    return {("geometry" if k == gpkg.GEOM_COLUMN else k): _loggable_value(v)
            for k, v in values.items() if v is not None}


@functools.lru_cache(maxsize=None)  # a second connection (a worker's reader) needs no PROJ lookup
def _crs_bounds(epsg: int) -> BBox | None:
    """Generous valid box of a projected CRS (its area of use, widened by half its size), in
    CRS units, used to catch data in the wrong coordinate system."""
    try:
        from pyproj import CRS, Transformer

        crs = CRS.from_epsg(epsg)
        aou = crs.area_of_use
        if aou is None or not crs.is_projected:
            return None
        t = Transformer.from_crs(4326, crs, always_xy=True)
        xs, ys = t.transform([aou.west, aou.east, aou.west, aou.east, (aou.west + aou.east) / 2],
                             [aou.south, aou.south, aou.north, aou.north, aou.south])
        w, h = max(xs) - min(xs), max(ys) - min(ys)
        return (min(xs) - w / 2, min(ys) - h / 2, max(xs) + w / 2, max(ys) + h / 2)
    except Exception:
        return None


def open_project(path: str | os.PathLike, **kw: Any) -> GeoPackageStore:
    """Open an existing landapp project (upgrading an older schema in place)."""
    return GeoPackageStore(path, **kw)


def create_project(path: str | os.PathLike, name: str = "", *, epsg: int = DEFAULT_EPSG,
                   contact: str | None = None, phone: str | None = None,
                   overwrite: bool = False) -> GeoPackageStore:
    """Create a new, empty project file and open it. The file appears whole or not at all
    (built beside the target, then renamed into place)."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    path = os.fspath(path)
    if os.path.exists(path) and not overwrite:
        raise ProjectError(tr(f"{path} 已存在;如要覆盖请加 --force。",
                              f"{path} already exists; use --force to overwrite it."))
    try:
        crs = CRS.from_epsg(int(epsg))
    except (CRSError, ValueError):
        raise ProjectError(tr(f"EPSG:{epsg} 不是已知的坐标系。", f"EPSG:{epsg} is not a known CRS.")) from None
    if not crs.is_projected:
        raise ProjectError(tr(
            f"工程坐标系必须是投影坐标系(如 EPSG:4544),面积才以平方米计;EPSG:{epsg} 是地理坐标系。",
            f"The project CRS must be projected (e.g. EPSG:4544) so areas are in m²; "
            f"EPSG:{epsg} is geographic."))
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ProjectError(tr(f"文件夹 {folder} 不存在。", f"The folder {folder} does not exist."))
    fd, tmp = tempfile.mkstemp(suffix=".gpkg.tmp", dir=folder)
    os.close(fd)
    os.unlink(tmp)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        gpkg.register_functions(conn)
        conn.execute("PRAGMA page_size = 4096")
        conn.execute("BEGIN")
        gpkg.create_base(conn, int(epsg))
        gpkg.ensure_schema(conn, int(epsg))
        settings = {"name": name or os.path.splitext(os.path.basename(path))[0],
                    "crs": f"EPSG:{int(epsg)}", "contact": contact, "phone": phone,
                    "created": _now()}
        conn.executemany("INSERT INTO project_settings (key, value) VALUES (?, ?)",
                         [(k, v) for k, v in settings.items() if v is not None])
        conn.execute("COMMIT")
        conn.close()
        os.replace(tmp, path)
    except sqlite3.Error as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise _translate_sqlite_error(e, path) from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    store = GeoPackageStore(path)
    from landapp import project_hooks

    project_hooks.run(store, "created")
    return store
