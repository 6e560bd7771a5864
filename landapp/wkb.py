"""WKB in one byte buffer (store.read_wkb: feature i is data[offsets[i]:offsets[i + 1]]) read
with numpy: where the simple polygons' rings are (the map draws them in place, see
layers.snapshot), and which of them are strictly convex, with their areas and bounds
(convex_rings: `landapp check` needs no GEOS object for those; building a million GEOS
parcels from WKB alone took ~1.9 s)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

_HEADS = {  # WKB header bytes up to the ring's point count, little-endian 2D
    "multi": bytes([1, 6, 0, 0, 0, 1, 0, 0, 0, 1, 3, 0, 0, 0, 1, 0, 0, 0]),  # MultiPolygon of 1 polygon of 1 ring
    "polygon": bytes([1, 3, 0, 0, 0, 1, 0, 0, 0]),  # Polygon of 1 ring
}

CHUNK = 65536  # features whose ring bytes are picked out at once


def _u32(data: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Little-endian uint32 at each byte position, as int64 (no (n, 4) index array)."""
    out = data[pos].astype(np.int64)
    for j in (1, 2, 3):
        out |= data[pos + j].astype(np.int64) << (8 * j)
    return out


def simple_rings(data: np.ndarray, offsets: np.ndarray, heads: Iterable[bytes] | None = None):
    """The features that are one polygon without holes (2D, little-endian WKB, as GDAL
    writes them): their mask, the byte position in `data` of their exterior ring's first
    coordinate (-1 for the others) and its point count. The coordinates stay in the WKB
    buffer (ring_coords reads one ring): no copy of a million rings. heads: only these of
    _HEADS (default both)."""
    n = len(offsets) - 1
    start, length = offsets[:-1], np.diff(offsets)
    simple = np.zeros(n, dtype=bool)
    first = np.full(n, -1, dtype=np.int64)  # byte position of the ring's first coordinate
    npts = np.zeros(n, dtype=np.int64)
    for head in (_HEADS.values() if heads is None else heads):
        h = len(head)
        cand = np.flatnonzero(~simple & (length >= h + 4))
        if not len(cand):
            continue
        p = start[cand]
        good = np.ones(len(cand), dtype=bool)
        for j, byte in enumerate(head):  # one byte column at a time: no (n, h) index array
            good &= data[p + j] == byte
        cand, p = cand[good], p[good]
        k = _u32(data, p + h)
        fits = (length[cand] == h + 4 + 16 * k) & (k > 0)
        cand, p, k = cand[fits], p[fits], k[fits]
        simple[cand] = True
        first[cand] = p + h + 4
        npts[cand] = k
    return simple, first, np.where(simple, npts, 0)


def ring_xy(data: np.ndarray, first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The rings' coordinates one after the other, (sum(count), 2): the bytes picked out of
    the buffer with a byte mask (a running sum of +1 at each ring's start and -1 at its
    end; no index array per coordinate). The rings lie in ascending order in `data`."""
    a0 = int(first[0])
    a1 = int(first[-1] + 16 * count[-1])
    edge = np.zeros(a1 - a0 + 1, dtype=np.int8)
    edge[first - a0] = 1
    edge[first + 16 * count - a0] = -1
    np.cumsum(edge, out=edge)
    return data[a0:a1][edge[:-1].view(bool)].view("<f8").reshape(-1, 2)


def decode(data: np.ndarray, offsets: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """GEOS geometries of the features at positions idx (None for one without a geometry)."""
    import shapely

    start, end = offsets[idx], offsets[idx + 1]
    blobs = [data[a:b].tobytes() if b > a else None for a, b in zip(start.tolist(), end.tolist())]
    return shapely.from_wkb(np.array(blobs + [None], dtype=object)[:-1])


_EPS = np.finfo(float).eps


def convex_rings(data: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mask, areas, bounds) of the features that are one closed ring of finite coordinates
    turning the same way at every vertex and once around (a strictly convex polygon), read
    from the buffer with numpy: such a polygon is valid by construction (simple, closed,
    not degenerate), so `landapp check` needs no GEOS object for it. Its area is the
    shoelace sum about the first vertex (as GEOS sums it), its bounds the coordinates'
    min/max (n, 4: minx, miny, maxx, maxy). Other features: False and NaN.

    A turn counts only when its cross product is larger than the rounding error its inputs
    can carry (coordinates differenced at their magnitude), so no nearly straight or
    nearly folded vertex is taken for convex: those go to GEOS."""
    n = len(offsets) - 1
    mask = np.zeros(n, dtype=bool)
    areas = np.full(n, np.nan)
    bounds = np.full((n, 4), np.nan)
    simple, first, count = simple_rings(data, offsets)
    sel = np.flatnonzero(simple & (count >= 4))
    for k in range(0, len(sel), CHUNK):
        part = sel[k:k + CHUNK]
        c = count[part]
        xy = ring_xy(data, first[part], c)
        rs = np.zeros(len(part) + 1, dtype=np.int64)  # ring starts in xy
        np.cumsum(c, out=rs[1:])
        starts = rs[:-1]
        bits = xy.view(np.int64)
        # closed rings only, bit for bit (linearrings() would close an open one; from_wkb does not)
        closed = (bits[starts] == bits[rs[1:] - 1]).all(axis=1)
        finite = np.logical_and.reduceat(np.isfinite(xy).all(axis=1), starts)
        b = np.column_stack([np.minimum.reduceat(xy[:, 0], starts), np.minimum.reduceat(xy[:, 1], starts),
                             np.maximum.reduceat(xy[:, 0], starts), np.maximum.reduceat(xy[:, 1], starts)])
        # a ring with a NaN or an infinity gets NaN figures below; it is left out by `finite`
        with np.errstate(invalid="ignore", over="ignore"):
            local = xy - np.repeat(xy[starts], c, axis=0)  # each ring about its first vertex
            # edges: each ring's k - 1 (the step from its last point into the next ring dropped)
            keep = np.ones(len(xy) - 1, dtype=bool)
            keep[rs[1:-1] - 1] = False
            edges = np.diff(local, axis=0)[keep]
            es = rs - np.arange(len(rs))  # edge starts per ring
            nxt = np.arange(1, len(edges) + 1)
            nxt[es[1:] - 1] = es[:-1]  # a ring's last edge turns into its first
            e2 = edges[nxt]
            ex, ey, fx, fy = edges[:, 0], edges[:, 1], e2[:, 0], e2[:, 1]
            cross = ex * fy - ey * fx
            dot = ex * fx + ey * fy
            len1 = np.sqrt(ex * ex + ey * ey)
            len2 = len1[nxt]
            # rounding: each coordinate difference errs by up to ~2 eps of the coordinates' size
            delta = np.repeat(4 * _EPS * np.abs(b).max(axis=1), c - 1)
            tol = 4 * delta * (len1 + len2 + 2 * delta) + 8 * _EPS * len1 * len2
            sign = (cross > tol).astype(np.int8) - (cross < -tol).astype(np.int8)
            lo, hi = np.minimum.reduceat(sign, es[:-1]), np.maximum.reduceat(sign, es[:-1])
            turning = np.add.reduceat(np.arctan2(cross, dot), es[:-1])
            convex = closed & finite & (lo == hi) & (lo != 0) & (np.abs(np.abs(turning) - 2 * np.pi) < 1.0)
            # shoelace about the first vertex: sum of x_i * (y_{i+1} - y_{i-1}) / 2 over the ring
            # (the first vertex and the closing one have x = 0 about the first: they add nothing)
            lx, y = local[:, 0], xy[:, 1]
            term = lx[:-1] * (y[1:] - np.concatenate(([0.0], y[:-2])))
            term[rs[1:-1] - 1] = 0.0  # across rings
            term[starts] = 0.0
            ring_area = np.abs(np.add.reduceat(np.append(term, 0.0), starts)) / 2
        got = part[convex]
        mask[got] = True
        areas[got] = ring_area[convex]
        bounds[got] = b[convex]
    return mask, areas, bounds
