"""Reading a whole layer from PostGIS column by column. A row-wise fetch of 100k parcels
spends most of its time making and transposing 100k Python tuples; here the server packs
each column into one value (string_agg of int8send/float8send/WKB bytes plus lengths), and
numpy unpacks it. The reads for the map take about the GeoPackage's time instead of 2-3×.

NULLs are kept: numbers via a mask, text and geometries via a length of -1."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql

from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.schema import LayerSpec, spec
from landapp.store.base import TableQuery
from landapp.store.pg_schema import FID
from landapp.store.pg_connect import translate_error

STR_DTYPE = "str"
SEP = "\x1f"  # ASCII unit separator
NULL_DAY = -2147483648


def _lens(c: sql.Composable, length_fn: str) -> sql.Composed:
    return sql.SQL("string_agg(int4send(coalesce({}({}), -1)), '')").format(sql.SQL(length_fn), c)


def aggregates(names: Sequence[str], kinds: Sequence[str], with_geom: bool) -> list[sql.Composable]:
    """The outer select list over a subquery with columns fid, g (WKB) and `names`."""
    out: list[sql.Composable] = [sql.SQL("count(*)"), sql.SQL("string_agg(int8send(fid), '')")]
    if with_geom:
        g = sql.Identifier("g")
        out += [_lens(g, "octet_length"), sql.SQL("string_agg({}, '')").format(g)]
    for name, kind in zip(names, kinds):
        c = sql.Identifier(name)
        if kind == "real":
            out.append(sql.SQL("string_agg(float8send(coalesce({}, 'NaN'::float8)), '')").format(c))
        elif kind == "int":
            out += [sql.SQL("string_agg(int8send(coalesce({}, 0)), '')").format(c),
                    sql.SQL("string_agg(CASE WHEN {} IS NULL THEN '1' ELSE '0' END, '')").format(c)]
        elif kind == "bool":
            out.append(sql.SQL("string_agg(CASE WHEN {} = 1 THEN '1' ELSE '0' END, '')").format(c))
        elif kind == "date":  # days since 1970 (NULL as the smallest int4), made dates by numpy
            out.append(sql.SQL("string_agg(int4send(coalesce({} - DATE '1970-01-01', {})), '')").format(
                c, sql.Literal(NULL_DAY)))
        else:  # text, date (ISO), datetime (ISO text): joined by a separator, NULLs masked,
            # lengths too in case a value holds the separator itself (then it is sliced instead)
            t = sql.SQL("{}::text").format(c)
            out += [_lens(t, "char_length"),
                    sql.SQL("string_agg(coalesce({}, ''), {})").format(t, sql.Literal(SEP))]
    return out


def _slices(buf: Any, lens: np.ndarray) -> list:
    ends = np.cumsum(np.maximum(lens, 0)).tolist()
    starts = [0, *ends[:-1]]
    return [buf[a:b] if n >= 0 else None for a, b, n in zip(starts, ends, lens.tolist())]


def _unjoin(joined: str, lens: np.ndarray) -> str:
    """The values concatenated without separators, from the separated text and the lengths."""
    out, pos = [], 0
    for n in lens.tolist():
        n = max(n, 0)
        out.append(joined[pos:pos + n])
        pos += n + len(SEP)
    return "".join(out)


def decode(row: tuple, names: Sequence[str], kinds: Sequence[str], with_geom: bool, *, wkb: bool = False
           ) -> tuple[np.ndarray, Any, dict[str, Any]]:
    """fids, geometries (shapely array or None) and the columns, typed as read_layer gives them.
    wkb: the geometries as they came instead, (bytes of every WKB one after another, each
    one's length, -1 for none), for read_wkb: no geometry object made."""
    n = int(row[0])
    it = iter(row[1:])

    def take(dtype: str) -> np.ndarray:
        v = next(it)
        return np.frombuffer(v, dtype=dtype) if v is not None else np.empty(0, dtype=dtype)

    fids = take(">i8").astype(np.int64)
    geoms = None
    if with_geom:
        lens = take(">i4")
        buf = next(it) or b""
        geoms = (bytes(buf), lens.astype(np.int64)) if wkb else \
            shapely.from_wkb(np.array(_slices(buf, lens) if n else [], dtype=object))
    cols: dict[str, Any] = {}
    for name, kind in zip(names, kinds):
        if kind == "real":
            cols[name] = take(">f8").astype(np.float64)
        elif kind == "int":
            vals = take(">i8").astype(np.int64)
            mask = np.frombuffer((next(it) or "").encode(), dtype=np.uint8) == ord("1")
            cols[name] = np.where(mask, np.nan, vals) if mask.any() else vals
        elif kind == "bool":
            cols[name] = np.frombuffer((next(it) or "").encode(), dtype=np.uint8) == ord("1")
        elif kind == "date":
            days = take(">i4").astype(np.int64)
            dates = days.astype("datetime64[D]").astype(object)  # datetime.date objects, in C
            dates[days == NULL_DAY] = None
            cols[name] = dates
        else:
            lens = take(">i4")
            text = next(it) or ""
            items: list = text.split(SEP) if n else []
            if len(items) != n:  # a value contains the separator: cut by lengths instead
                joined = "".join(items[k] + ("" if k == len(items) - 1 else SEP) for k in range(len(items)))
                items = _slices(_unjoin(joined, lens), lens)
            elif (lens < 0).any():
                for k in np.flatnonzero(lens < 0).tolist():
                    items[k] = None
            if kind == "date":
                cols[name] = np.array([None if v is None else _dt.date.fromisoformat(v) for v in items], dtype=object)
            elif kind == "datetime":
                cols[name] = (pd.to_datetime(pd.Series(items, dtype=object), format="ISO8601")
                              .to_numpy(dtype="datetime64[ms]")) if n else np.array([], dtype="datetime64[ms]")
            else:
                cols[name] = pd.array(items, dtype=STR_DTYPE)
    return fids, geoms, cols


class PGTableAccess:
    """What the attribute table reads (ProjectStore.table_fids/table_cells), done in
    PostgreSQL; mixed into PostGISStore (uses its _live, _lock, _t, _execute, path)."""

    def _check_fields(self, s: LayerSpec, names: Iterable[str]) -> None:
        for name in names:
            if not s.has(name):
                raise LandappError(tr(f"图层 {s.name} 没有字段 {name}。", f"Layer {s.name} has no field {name}."))

    def table_fids(self, layer: str, query: TableQuery = TableQuery()) -> np.ndarray:
        """Filter and sort in PostgreSQL (text compared byte-wise, COLLATE "C", as SQLite
        does); the fids come back packed in one value (int8send), unpacked by numpy."""
        s = spec(layer)
        self._check_fields(s, (*query.search, *(n for n, _ in query.also),
                               *([query.order_by] if query.order_by else [])))
        where: list[sql.Composable] = []
        params: list[Any] = []
        if s.has("retired"):
            where.append(sql.SQL("(retired = 0 OR retired IS NULL)"))
        if query.only is not None:
            where.append(sql.SQL("fid = ANY(%s)"))
            params.append([int(f) for f in query.only])
        text = query.text.strip().lower()
        if text:
            alts: list[sql.Composable] = []
            for name in query.search:
                alts.append(sql.SQL("strpos(lower({}::text), %s) > 0").format(sql.Identifier(name)))
                params.append(text)
            for name, values in query.also:
                if values:
                    alts.append(sql.SQL("{} = ANY(%s)").format(sql.Identifier(name)))
                    params.append(list(values))
            where.append(sql.SQL("({})").format(sql.SQL(" OR ").join(alts) if alts else sql.SQL("false")))
        order: sql.Composable = sql.Identifier(FID)
        if query.order_by:
            col = sql.Identifier(query.order_by)
            if s.field(query.order_by).kind in ("text", "datetime"):
                col = sql.SQL('{} COLLATE "C"').format(col)
            d = sql.SQL(" DESC" if query.descending else "")
            order = sql.SQL("({} IS NULL), {}{}, fid{}").format(sql.Identifier(query.order_by), col, d, d)
        q_ = sql.SQL("SELECT string_agg(int8send(fid), '' ORDER BY {}) FROM {}").format(order, self._t(s.name))
        if where:
            q_ += sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where)
        with self._lock:
            try:
                packed = self._live().cursor(binary=True).execute(q_, params).fetchone()[0]
            except psycopg.Error as e:
                raise translate_error(e, self.path) from None
        return np.frombuffer(packed, dtype=">i8").astype(np.int64) if packed else np.empty(0, dtype=np.int64)

    def table_cells(self, layer: str, fids: Sequence[int], columns: Sequence[str]) -> dict[int, tuple]:
        """Values as stored (dates as ISO text, flags as 0/1) for a page of rows."""
        s = spec(layer)
        self._check_fields(s, columns)
        cols = sql.SQL("").join(sql.SQL(", {}").format(sql.Identifier(c)) for c in columns)
        rows = self._execute(sql.SQL("SELECT fid{} FROM {} WHERE fid = ANY(%s)").format(cols, self._t(s.name)),
                             ([int(f) for f in fids],)).fetchall()
        return {r[0]: tuple(r[1:]) for r in rows}

