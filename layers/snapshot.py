"""The data a vector layer paints from, kept lean enough for a million parcels: geometries
stay WKB bytes in one buffer (as GDAL's Arrow stream hands them over) and become shapely
objects only when a feature is asked for; the exterior rings of simple polygons stay in
that buffer too (located with numpy, read in place when a shape is drawn; their bounds come
from a byte mask and a reduceat, no copy of the coordinates is kept); culling and hit tests
scan a bounds array (1M boxes: a few ms, no STRtree of a million GEOS objects).

Before: a GeoDataFrame of 1M shapely geometries, an STRtree and a fid dict, ~2 GB and ~9 s
of CPU before the first frame; pixels are the same (same coordinates, same order). Issue 14:
1M parcels + 504k buildings to a PNG went from 5.2 to 3.2 s of CPU and 1.36 GB to 0.76 GB."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from landapp.wkb import CHUNK, decode, ring_xy, simple_rings
from layers.themes import Classified

if TYPE_CHECKING:  # the first frame is drawn without pandas: the attributes stay Arrow until asked for
    import pandas as pd


def _is_table(attrs) -> bool:
    """An Arrow table (read_wkb(arrow=True)), not a DataFrame."""
    return hasattr(attrs, "column_names")


class LazyGeoms:
    """Geometries decoded from WKB on demand, indexed like a numpy object array (an int, an
    int array, a mask or a slice). Features appended by edits are kept as objects."""

    lazy = True

    def __init__(self, data: np.ndarray, offsets: np.ndarray, extra: np.ndarray | None = None):
        self.data = data
        self.offsets = offsets
        self.n_base = len(offsets) - 1
        self.extra = extra if extra is not None else np.empty(0, dtype=object)
        # decoded ones are kept (8 bytes a feature until used): sheets and labels ask for
        # the same few features again and again
        self._decoded = np.empty(self.n_base, dtype=object)

    @classmethod
    def of(cls, geoms) -> "LazyGeoms":
        """From shapely geometries (tests, small layers)."""
        return cls(np.empty(0, dtype=np.uint8), np.zeros(1, dtype=np.int64), np.asarray(geoms, dtype=object))

    def __len__(self) -> int:
        return self.n_base + len(self.extra)

    def _blob(self, i: int):
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        return None if a == b else self.data[a:b].tobytes()

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)):
            i = int(key) + (len(self) if key < 0 else 0)
            if not 0 <= i < len(self):
                raise IndexError(key)
            if i >= self.n_base:
                return self.extra[i - self.n_base]
            g = self._decoded[i]
            if g is None and self.offsets[i + 1] > self.offsets[i]:
                g = self._decoded[i] = shapely.from_wkb(self._blob(i))
            return g
        idx = np.arange(len(self))[key]
        out = np.empty(len(idx), dtype=object)
        base = idx < self.n_base
        if base.any():
            bi = idx[base]
            got = self._decoded[bi]
            todo = bi[np.equal(got, None)]
            if len(todo):
                self._decoded[todo] = decode(self.data, self.offsets, todo)
                got = self._decoded[bi]
            out[base] = got
        if not base.all():
            out[~base] = self.extra[idx[~base] - self.n_base]
        return out

    def __array__(self, dtype=None, copy=None):
        return self[np.arange(len(self))]

    def append(self, geoms) -> "LazyGeoms":
        out = LazyGeoms(self.data, self.offsets, np.concatenate([self.extra, np.asarray(geoms, dtype=object)]))
        out._decoded = self._decoded  # same bytes, same shapes
        return out


def ring_coords(data: np.ndarray, first: int, count: int) -> np.ndarray:
    """(count, 2) view of a ring's coordinates inside the WKB buffer (any byte alignment)."""
    return np.frombuffer(data, dtype="<f8", count=2 * count, offset=first).reshape(count, 2)


def bounds_of(data: np.ndarray, offsets: np.ndarray, simple, first, count, extra_geoms=None) -> np.ndarray:
    """(n, 4) minx, miny, maxx, maxy: simple features from their ring, others decoded. The
    rings' bytes are picked out of the buffer with a byte mask (a running sum of +1 at
    each ring's start and -1 at its end: no index array per coordinate), viewed as floats
    and reduced per ring, 64k features at a time (no copy of all the coordinates)."""
    n = len(offsets) - 1
    b = np.full((n, 4), np.nan)
    sel = np.flatnonzero(simple)
    for k in range(0, len(sel), CHUNK):  # a slice of the buffer at a time: a few MB at most
        part = sel[k:k + CHUNK]
        xy = ring_xy(data, first[part], count[part])
        st = np.zeros(len(part), dtype=np.int64)
        np.cumsum(count[part][:-1], out=st[1:])
        b[part, 0] = np.minimum.reduceat(xy[:, 0], st)
        b[part, 1] = np.minimum.reduceat(xy[:, 1], st)
        b[part, 2] = np.maximum.reduceat(xy[:, 0], st)
        b[part, 3] = np.maximum.reduceat(xy[:, 1], st)
    rest = np.flatnonzero(~simple)
    if len(rest):
        b[rest] = shapely.bounds(LazyGeoms(data, offsets)[rest])
    return b


class FidIndex:
    """fid -> position of its live entry, from sorted arrays (a dict of a million ints
    costs ~100 MB and a second to build)."""

    def __init__(self, fids: np.ndarray, alive: np.ndarray):
        self.fids, self.alive = fids, alive
        self.order = np.argsort(fids, kind="stable")  # later entries (edits) after earlier ones
        self._sorted = fids[self.order]

    def get(self, fid, default=None):
        f = int(fid)
        hi = int(np.searchsorted(self._sorted, f, side="right"))
        if hi == 0 or self._sorted[hi - 1] != f:
            return default
        i = int(self.order[hi - 1])  # the last entry of that fid
        return i if self.alive[i] else default

    def __getitem__(self, fid) -> int:
        i = self.get(fid)
        if i is None:
            raise KeyError(fid)
        return i

    def __contains__(self, fid) -> bool:
        return self.get(fid) is not None

    def __iter__(self):
        return iter(np.unique(self.fids[self.alive]).tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(self.alive))

    def keys(self) -> set[int]:
        return set(np.unique(self.fids[self.alive]).tolist())


@dataclass
class Snapshot:
    """Immutable view of a layer's data for painting and hit tests. Edits patch it (the
    changed features marked dead and appended at the end) instead of re-reading."""

    fids: np.ndarray
    geoms: LazyGeoms
    bbox: np.ndarray  # (n, 4)
    sizes: np.ndarray  # max(bbox width, height) in map units
    centroids: np.ndarray  # (n, 2) bbox centres
    frame: Any  # the attributes: the Arrow table the read gave ("fid" first) or a DataFrame (see attrs)
    classes: Classified | None
    simple: np.ndarray  # bool: one polygon with no holes (drawn with drawPolygon)
    ring_at: np.ndarray  # byte position of a simple one's ring coordinates in the WKB buffer
    ring_count: np.ndarray
    shapes: list  # lazily built QPolygonF / QPainterPath per feature
    alive: np.ndarray
    labels: dict | None = None  # position -> label text, filled as features are labelled
    bounds: tuple | None = None  # of all geometries, dead ones too (a superset is enough)
    _fid_index: FidIndex | None = None

    @property
    def attrs(self) -> pd.DataFrame:
        """The attributes indexed by fid, made from the Arrow table when first asked for
        (edits, labels of a theme column): the first frame needs no pandas (~0.25 s, ~70 MB)."""
        if _is_table(self.frame):
            from landapp.store.base import attrs_frame

            self.frame = attrs_frame(self.frame)
        return self.frame

    @property
    def columns(self) -> list[str]:
        """The attribute columns read (not the fid)."""
        return list(self.frame.column_names[1:]) if _is_table(self.frame) else list(self.frame.columns)

    def label_rows(self, positions: list[int]):
        """The attributes of the features at `positions`, as label_texts reads them."""
        from layers.labels import Rows

        if not _is_table(self.frame):
            return self.frame.iloc[positions]
        from landapp import arrowcols

        t = self.frame.take(arrowcols.indices(positions))
        return Rows(len(positions), {c: np.array(t.column(c).to_pylist() + [None], dtype=object)[:-1]
                                     for c in self.columns})

    @property
    def fid_index(self) -> FidIndex:
        if self._fid_index is None:
            self._fid_index = FidIndex(self.fids, self.alive)
        return self._fid_index

    @property
    def dead(self) -> int:
        return int(len(self.alive) - self.alive.sum())

    def wh(self) -> np.ndarray:
        return self.bbox[:, 2:] - self.bbox[:, :2]

    def in_box(self, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
        """Positions (ascending) of live features whose bbox meets the box."""
        b = self.bbox
        return np.flatnonzero((b[:, 0] <= x1) & (b[:, 2] >= x0) & (b[:, 1] <= y1) & (b[:, 3] >= y0) & self.alive)

    def query(self, geom, predicate: str | None = None) -> np.ndarray:
        """Positions of live features meeting geom: by bounding box, then (predicate
        'intersects') exactly on the few candidates."""
        x0, y0, x1, y1 = shapely.bounds(geom)
        idx = self.in_box(x0, y0, x1, y1)
        if predicate is None or not len(idx):
            return idx
        if predicate != "intersects":
            raise ValueError(predicate)
        return idx[shapely.intersects(self.geoms[idx], geom)]

    @classmethod
    def build(cls, attrs, data: np.ndarray, offsets: np.ndarray,
              classes: Classified | None) -> "Snapshot":
        """attrs: a DataFrame indexed by fid, or an Arrow table whose first column is the fid."""
        simple, first, count = simple_rings(data, offsets)
        b = bounds_of(data, offsets, simple, first, count)
        n = len(offsets) - 1
        if _is_table(attrs):
            from landapp import arrowcols

            fids = arrowcols.ints(attrs.column(0))
        else:
            fids = attrs.index.to_numpy(dtype=np.int64)
        return cls(fids, LazyGeoms(data, offsets), b,
                   np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]),
                   np.column_stack([(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2]),
                   attrs, classes, simple, first, count, [None] * n, np.ones(n, dtype=bool))

    def ring(self, i: int) -> np.ndarray:
        """(k, 2) exterior coordinates of simple feature i, read in place."""
        return ring_coords(self.geoms.data, int(self.ring_at[i]), int(self.ring_count[i]))
