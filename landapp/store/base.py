"""The storage interface every backend implements. Callers (rules, CLI, layers, UI) use only
this; nothing outside landapp.store knows it is SQLite."""

from __future__ import annotations

import abc
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from psygnal import Signal

if TYPE_CHECKING:  # geopandas and pandas take ~1 s to import: not for `landapp --help`
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    from landapp.store.filters import Filter


@dataclass(frozen=True)
class ChangeEvent:
    """What changed in the store. Emitted after the transaction that made it commits (so a
    rolled-back edit emits nothing). `external` is True for edits another process made."""

    layer: str
    op: str  # 'insert' | 'update' | 'delete' | 'reload'
    fids: tuple[int, ...] = ()
    fields: tuple[str, ...] | None = None  # for 'update': the fields that changed
    external: bool = False


class StoreSignals:
    """Plain-Python change events (psygnal) that the Qt side turns into model signals."""

    changed = Signal(object)  # ChangeEvent


# The edit-log session of a change another program made (QGIS, psql, GDAL on a PostGIS park:
# the database's triggers write it, after this prefix the program's application_name).
OTHER_PROGRAM = "other:"

BBox = tuple[float, float, float, float]  # minx, miny, maxx, maxy in the project CRS


@dataclass(frozen=True)
class TableQuery:
    """Which features of a layer a table shows and in which order (retired ones never).

    text: kept when it occurs, case-insensitively, in the text of one of the `search` fields,
    or when one of the `also` fields holds one of its listed values (the caller lists the
    coded values whose label in the UI language matches: 'idle' finds 闲置). No text: all.
    order_by: a field; empty cells last, ties by fid; descending reverses both. None: by fid.
    only: restrict to these fids (to ask whether a few changed features pass the filter)."""

    text: str = ""
    search: tuple[str, ...] = ()
    also: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    order_by: str | None = None
    descending: bool = False
    only: tuple[int, ...] | None = None

    @property
    def filtered(self) -> bool:
        return bool(self.text.strip())


class ProjectStore(abc.ABC):
    """A park project: spatial layers (zones, roads, parcels, buildings) and tables (floors,
    units, enterprises, leases, revitalisation cases, lineage, edit log, settings).

    Records are dicts of field -> value as defined in landapp.schema; spatial records carry
    a shapely geometry under 'geometry'. Every write is validated and happens in place in a
    transaction; several writes can share one with `with store.transaction():`.

    Every backend refuses the same nonsense with the same sentences: values through
    `schema.validate_record` (NaN, ±inf, text limits, choices), writes to computed fields
    through `schema.refuse_computed`, and, when the outermost transaction commits, the
    references among the records it wrote through `relations.verify` (units, floors, leases,
    yearly figures, land users)."""

    signals: StoreSignals
    read_only: bool = False  # a viewer of a shared park: the window disables editing

    # -- life cycle
    path: str
    srs_id: int

    @abc.abstractmethod
    def close(self) -> None: ...

    @property
    def closed(self) -> bool:
        """After close(): views over the store (the attribute table) show nothing then."""
        return False

    def reopen(self) -> "ProjectStore | None":
        """Another connection to the same park, for reading on another thread (`landapp
        check` runs its SQL checks beside the geometry checks); None when the backend has
        none. The caller closes it."""
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions and events
    @abc.abstractmethod
    def transaction(self) -> AbstractContextManager[None]: ...

    @abc.abstractmethod
    def poll_external_changes(self) -> list[ChangeEvent]:
        """Emit (and return) change events for edits other processes committed since the
        last poll."""

    # -- reading
    @abc.abstractmethod
    def read_layer(self, layer: str, *, bbox: BBox | None = None,
                   columns: Sequence[str] | None = None, where: "Filter | None" = None,
                   include_retired: bool = False, geometry: bool = True) -> gpd.GeoDataFrame | pd.DataFrame:
        """Features indexed by fid; geometry=False gives only the attributes (faster).

        `where` here and in rows/count/values/read_wkb is a typed filter from
        landapp.store.filters (F("status") == "闲置"); SQL text is refused (TypeError)."""

    def read_wkb(self, layer: str, *, columns: Sequence[str] = (), where: "Filter | None" = None,
                 include_retired: bool = False, arrow: bool = False,
                 batch: bool = False) -> tuple[Any, np.ndarray, np.ndarray]:
        """A spatial layer as its attributes (indexed by fid) and its geometries as WKB in one
        byte buffer: feature i is data[offsets[i]:offsets[i + 1]] (empty: no geometry). The
        map keeps a million parcels this way instead of as a million GEOS objects. arrow: the
        attributes as a pyarrow Table, "fid" its first column (attrs_frame makes the frame),
        so the map's first frame needs no pandas. batch: a whole-layer read by a batch job
        (`landapp check`) that wants the least CPU, where a backend has a cheaper reader than
        the one the window wants (the same result). This fallback encodes what read_layer
        gives; backends can hand their bytes over."""
        import numpy as np
        import shapely

        gdf = self.read_layer(layer, columns=list(columns), where=where, include_retired=include_retired)
        blobs = [b"" if b is None else b for b in shapely.to_wkb(gdf.geometry.values, byte_order=1)]
        offsets = np.zeros(len(blobs) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in blobs], out=offsets[1:])
        data = np.frombuffer(b"".join(blobs), dtype=np.uint8) if blobs else np.empty(0, dtype=np.uint8)
        attrs = gdf.drop(columns="geometry")
        if arrow:
            import pyarrow as pa

            attrs.index.name = "fid"
            attrs = pa.Table.from_pandas(attrs.reset_index(), preserve_index=False)
        return attrs, data, offsets

    @abc.abstractmethod
    def get(self, layer: str, fid: int) -> dict[str, Any]: ...

    @abc.abstractmethod
    def rows(self, layer: str, where: "Filter | None" = None, *, order_by: Any = None,
             limit: int | None = None, geometry: bool = True) -> list[dict[str, Any]]:
        """Records as dicts, by fid unless `order_by` (a field name, F("x").desc(), or a list
        of them); geometry=False leaves a spatial layer's geometry out (faster)."""

    @abc.abstractmethod
    def count(self, layer: str, where: "Filter | None" = None) -> int: ...

    def table_fids(self, layer: str, query: TableQuery = TableQuery()) -> np.ndarray:
        """The fids (int64 array) of the features a table shows, in its order: one number a
        row, so a table over a million features keeps 8 MB, not a million records. Backends
        should do this in their database; this fallback goes through read_layer."""
        import numpy as np

        df = self.read_layer(layer, geometry=False,
                             columns=sorted({*query.search, *(n for n, _ in query.also),
                                             *([query.order_by] if query.order_by else [])}))
        if query.only is not None:
            df = df[df.index.isin(list(query.only))]
        text = query.text.strip().lower()
        if text:
            keep = np.zeros(len(df), dtype=bool)
            for name in query.search:
                col = df[name]
                keep |= (col.notna() & col.astype(str).str.lower().str.contains(text, regex=False)).to_numpy()
            for name, values in query.also:
                keep |= df[name].isin(list(values)).to_numpy()
            df = df[keep]
        fids = df.index.to_numpy(dtype=np.int64)
        if query.order_by:
            key = df[query.order_by]
            order = np.lexsort((fids, key.rank(method="dense").fillna(np.inf).to_numpy(), key.isna().to_numpy()))
            if query.descending:
                empty = key.isna().to_numpy()[order]
                order = np.concatenate([order[~empty][::-1], order[empty][::-1]])
            return fids[order]
        return np.sort(fids)

    def table_cells(self, layer: str, fids: Sequence[int], columns: Sequence[str]) -> dict[int, tuple]:
        """The values of `columns` for a page of features: fid -> tuple (as stored: dates as
        ISO text, booleans as 0/1). Fids no longer there are missing from the answer."""
        from landapp.store.filters import F

        out: dict[int, tuple] = {}
        for rec in self.rows(layer, F("fid").in_(int(f) for f in fids), geometry=False):
            out[int(rec["fid"])] = tuple(rec.get(c) for c in columns)
        return out

    def values(self, layer: str, columns: Sequence[str], where: "Filter | None" = None) -> list[tuple]:
        """Rows as plain tuples of `columns` (in fid order): bulk rules over hundreds of
        thousands of units and leases without a dict per row."""
        return [tuple(r.get(c) for c in columns) for r in self.rows(layer, where, geometry=False)]

    def group_totals(self, layer: str, by: Sequence[str] = (), sums: Sequence[str] = (), *,
                     include_retired: bool = False) -> list[tuple]:
        """Per distinct value of the `by` fields: (*values, count, *totals of `sums`), in one
        pass (info on a million parcels: no frame, no record per row). Empty sums are 0.
        Backends should aggregate in their database; this fallback reads a frame."""
        df = self.read_layer(layer, columns=sorted({*by, *sums}), geometry=False, include_retired=include_retired)
        if not len(df):
            return []
        if not by:
            return [(len(df), *(float(df[c].fillna(0).sum()) for c in sums))]
        keys = df[list(by)].astype(object).where(df[list(by)].notna(), None)
        out = []
        for key, grp in df.groupby([keys[c] for c in by], dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            out.append((*(None if k is None or k != k else k for k in key), len(grp),
                        *(float(grp[c].fillna(0).sum()) for c in sums)))
        return out

    @abc.abstractmethod
    def fids_in_bbox(self, layer: str, bbox: BBox) -> list[int]: ...

    @abc.abstractmethod
    def extent(self, layer: str) -> BBox | None: ...

    # -- writing
    @abc.abstractmethod
    def insert(self, layer: str, record: dict[str, Any], *, fid: int | None = None) -> int: ...

    @abc.abstractmethod
    def insert_many(self, layer: str, records: Iterable[dict[str, Any]], *,
                    validate: bool = True, log: bool = True) -> list[int]: ...

    @abc.abstractmethod
    def update(self, layer: str, fid: int, changes: dict[str, Any], *,
               expected: dict[str, Any] | None = None, expected_version: int | None = None) -> dict[str, Any]:
        """Write only the given fields; return their previous values (for undo). Every
        update bumps the row's `row_version`. No lost update: `expected_version` is the
        version the edit was read at (a record's "row_version"), `expected` the values of the
        fields it was made from; in one transaction with the row locked, a current version
        applies, else the fields are compared and ConflictError (with its `conflicts`) is
        raised only where both sides changed a field differently (plan_update)."""

    @abc.abstractmethod
    def delete(self, layer: str, fid: int, *, expected_version: int | None = None,
               expected: dict[str, Any] | None = None) -> dict[str, Any]:
        """Delete and return the full record (with 'fid'), so it can be re-inserted. With
        `expected_version`, a row written since is not deleted (ConflictError) unless it
        still holds the values `expected` (the record the delete was made from)."""

    def delete_many(self, layer: str, fids: Sequence[int]) -> list[dict[str, Any]]:
        """Delete several features in one transaction; return their records."""
        with self.transaction():
            return [self.delete(layer, f) for f in fids]

    def other_programs_changes(self, layer: str, fid: int) -> list[dict[str, Any]]:
        """Changes to one feature made by other programs (QGIS, GDAL), newest first, as
        {ts, operation}; backends that cannot tell give []."""
        return []

    # -- health
    @abc.abstractmethod
    def integrity_check(self) -> list[str]:
        """The database's own consistency check; [] when sound."""

    @abc.abstractmethod
    def index_count(self, layer: str) -> int:
        """Entries in the layer's spatial index (equals the features with a geometry)."""

    # -- settings
    @abc.abstractmethod
    def get_setting(self, key: str, default: str | None = None) -> str | None: ...

    @abc.abstractmethod
    def set_setting(self, key: str, value: str | None) -> None: ...

    @property
    def name(self) -> str:
        return self.get_setting("name") or ""


def attrs_frame(table) -> "pd.DataFrame":
    """read_wkb(arrow=True)'s attributes as read_wkb's frame: indexed by fid (its first column)."""
    df = table.to_pandas()
    if len(df.columns) and df.columns[0] in ("fid", "OGC_FID"):
        df = df.set_index(df.columns[0])
    df.index.name = "fid"
    return df
