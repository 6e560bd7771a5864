"""Reading a whole layer from PostGIS column by column. A row-wise fetch of 100k parcels
spends most of its time making and transposing 100k Python tuples; here the server packs
each column into one value (string_agg of int8send/float8send/WKB bytes plus lengths), and
numpy unpacks it. The reads for the map take about the GeoPackage's time instead of 2-3×.

NULLs are kept: numbers via a mask, text and geometries via a length of -1."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Sequence

import numpy as np
import pandas as pd
import shapely
from psycopg import sql

STR_DTYPE = "str"
SEP = "\x1f"  # ASCII unit separator


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


def decode(row: tuple, names: Sequence[str], kinds: Sequence[str], with_geom: bool
           ) -> tuple[np.ndarray, np.ndarray | None, dict[str, Any]]:
    """fids, geometries (shapely array or None) and the columns, typed as read_layer gives them."""
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
        geoms = shapely.from_wkb(np.array(_slices(buf, lens) if n else [], dtype=object))
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
