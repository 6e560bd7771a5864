"""`landapp check` reads strictly convex one-ring shapes with numpy (landapp.wkb.convex_rings)
and asks GEOS about the rest: the findings must be those of asking GEOS about every shape."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from landapp import gpkg, wkb
from landapp.check import check_project

X0, Y0 = 392407.2810951627, 3345667.605286319  # a projected park's size of coordinates


def _buffer(geoms):
    blobs = [b"" if g is None else shapely.to_wkb(g, byte_order=1) for g in geoms]
    offsets = np.zeros(len(blobs) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in blobs], out=offsets[1:])
    return np.frombuffer(b"".join(blobs), dtype=np.uint8), offsets


def _open_ring_wkb(points):
    """A one-ring polygon whose ring is not closed (written by hand: shapely closes rings)."""
    import struct

    return (struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(points))
            + b"".join(struct.pack("<dd", x, y) for x, y in points))


SHAPES = {
    "rectangle": box(X0, Y0, X0 + 60, Y0 + 80),
    "multi rectangle": MultiPolygon([box(X0, Y0, X0 + 60, Y0 + 80)]),
    "clockwise": Polygon([(X0, Y0), (X0, Y0 + 5), (X0 + 7, Y0 + 5), (X0 + 7, Y0)]),
    "triangle": Polygon([(X0, Y0), (X0 + 10, Y0), (X0 + 3, Y0 + 9)]),
    "hexagon": Polygon([(X0 + 10 * np.cos(a), Y0 + 10 * np.sin(a)) for a in np.linspace(0, 2 * np.pi, 7)[:-1]]),
    "concave": Polygon([(X0, Y0), (X0 + 10, Y0), (X0 + 5, Y0 + 2), (X0 + 5, Y0 + 10)]),
    "bowtie": Polygon([(X0, Y0), (X0 + 10, Y0 + 10), (X0 + 10, Y0), (X0, Y0 + 10)]),
    # every turn the same way, but twice around: not simple
    "pentagram": Polygon([(X0 + 10 * np.cos(a), Y0 + 10 * np.sin(a))
                          for a in np.pi / 2 + np.arange(5) * 4 * np.pi / 5]),
    "collinear": Polygon([(X0, Y0), (X0 + 5, Y0), (X0 + 10, Y0), (X0 + 10, Y0 + 10), (X0, Y0 + 10)]),
    "repeated point": Polygon([(X0, Y0), (X0 + 10, Y0), (X0 + 10, Y0), (X0 + 10, Y0 + 10), (X0, Y0 + 10)]),
    "flat": Polygon([(X0, Y0), (X0 + 10, Y0), (X0 + 20, Y0)]),
    "sliver": Polygon([(X0, Y0), (X0 + 100, Y0), (X0 + 50, Y0 + 1e-9)]),
    "hole": Polygon(box(X0, Y0, X0 + 10, Y0 + 10).exterior.coords, [box(X0 + 2, Y0 + 2, X0 + 4, Y0 + 4).exterior.coords]),
    "two parts": MultiPolygon([box(X0, Y0, X0 + 1, Y0 + 1), box(X0 + 5, Y0, X0 + 6, Y0 + 1)]),
    "nan": Polygon([(X0, Y0), (X0 + 10, Y0), (np.nan, Y0 + 10), (X0, Y0 + 10)]),
    "empty": Polygon(),
    "none": None,
}


def test_convex_rings_agree_with_geos():
    names = list(SHAPES)
    geoms = np.array([SHAPES[n] for n in names], dtype=object)
    data, offsets = _buffer(geoms)
    mask, areas, bounds = wkb.convex_rings(data, offsets)
    taken = {n for n, m in zip(names, mask) if m}
    assert taken == {"rectangle", "multi rectangle", "clockwise", "triangle", "hexagon"}
    assert shapely.is_valid(geoms[mask]).all()
    assert np.allclose(areas[mask], shapely.area(geoms[mask]), rtol=0, atol=1e-7)
    assert np.array_equal(bounds[mask], shapely.bounds(geoms[mask]))
    assert np.isnan(areas[~mask]).all() and np.isnan(bounds[~mask]).all()
    # an open ring is left to GEOS too (linearrings() would close it, from_wkb does not)
    raw = _open_ring_wkb([(X0, Y0), (X0 + 10, Y0), (X0 + 10, Y0 + 10), (X0, Y0 + 10)])
    assert not wkb.convex_rings(np.frombuffer(raw, dtype=np.uint8), np.array([0, len(raw)]))[0].any()


def _report(store):
    return [(p.kind, p.layer, p.fids, p.message) for p in check_project(store).problems]


@pytest.fixture
def flawed(empty_project):
    """Convex and other parcels that overlap, an invalid one, stale areas, a duplicate code."""
    s = empty_project
    s.insert("parcels", {"code": "A", "status": "待供", "geometry": box(X0, Y0, X0 + 100, Y0 + 100)})
    s.insert("parcels", {"code": "B", "status": "待供", "geometry": box(X0 + 90, Y0, X0 + 200, Y0 + 100)})
    s.insert("parcels", {"code": "C", "status": "待供", "geometry": box(X0 + 200, Y0, X0 + 300, Y0 + 100)})  # touches B
    s.insert("parcels", {"code": "C", "status": "待供",  # concave, overlapping C
                         "geometry": Polygon([(X0 + 250, Y0 + 50), (X0 + 400, Y0 + 50), (X0 + 400, Y0 + 200),
                                              (X0 + 330, Y0 + 120)])})
    s.insert("parcels", {"code": "D", "status": "待供", "geometry": SHAPES["hexagon"]})  # inside A
    s.insert("buildings", {"code": "D-1", "name": "厂房", "btype": "标准厂房", "geometry": box(X0 + 10, Y0 + 10, X0 + 30, Y0 + 30)})
    conn = sqlite3.connect(s.path)
    gpkg.register_functions(conn)
    with conn:
        conn.execute("INSERT INTO parcels (geom, code, status) VALUES (?, 'X', '待供')",
                     (gpkg.encode_geometry(SHAPES["bowtie"], s.srs_id),))
        conn.execute("UPDATE parcels SET area_m2 = area_m2 + 3 WHERE code IN ('A', 'C')")
        conn.execute("UPDATE buildings SET footprint_m2 = 1")
    conn.close()
    return s


def test_check_with_numpy_shapes_equals_geos_only(flawed, monkeypatch):
    fast = _report(flawed)
    assert {"overlap", "invalid_geometry", "stale_area", "duplicate_code"} <= {k for k, *_ in fast}
    assert sum(k == "overlap" for k, *_ in fast) == 3  # A-B, A-D (hexagon inside A), C-concave

    def none_convex(data, offsets):
        n = len(offsets) - 1
        return np.zeros(n, dtype=bool), np.full(n, np.nan), np.full((n, 4), np.nan)

    monkeypatch.setattr(wkb, "convex_rings", none_convex)
    assert _report(flawed) == fast


def test_flawed_sample_same_with_and_without_numpy_shapes(tmp_path, monkeypatch):
    from landapp.demo_flawed import build_flawed_sample
    from landapp.store import open_project

    path = tmp_path / "flawed.gpkg"
    build_flawed_sample(path)
    with open_project(path) as s:
        fast = _report(s)
        monkeypatch.setattr(wkb, "convex_rings", lambda data, offsets: (
            np.zeros(len(offsets) - 1, dtype=bool), np.full(len(offsets) - 1, np.nan),
            np.full((len(offsets) - 1, 4), np.nan)))
        assert _report(s) == fast



def test_box_pairs_with_shrunk_boxes_equal_all_meeting_boxes():
    """_box_pairs shrinks the boxes in its tree so that neighbours whose boxes only touch
    are not found; it must give the pairs every meeting pair of boxes gives: random boxes
    (a few huge, a few without width), a regular grid, one grid box moved onto others, and
    pairs overlapping just over and just under the tolerance."""
    from landapp.check import OVERLAP_TOLERANCE_M2, _box_pairs

    rng = np.random.default_rng(5)
    n = 3000
    x, y = rng.random(n) * 3000 + X0, rng.random(n) * 3000 + Y0
    w, h = rng.random(n) * 60, rng.random(n) * 60
    w[:5] *= 40
    w[5:10] = 0
    gx, gy = np.meshgrid(np.arange(30) * 50.0 + X0, np.arange(30) * 50.0 + Y0)
    grid = np.column_stack([gx.ravel(), gy.ravel(), gx.ravel() + 50, gy.ravel() + 50])
    grid[7] += [10, 10, 10, 10]
    thin = OVERLAP_TOLERANCE_M2 / 50  # over 50 m of height: an overlap of exactly the tolerance
    edge = np.array([[X0, Y0 - 500, X0 + 100, Y0 - 450],
                     [X0 + 100 - 1.01 * thin, Y0 - 500, X0 + 200, Y0 - 450],  # just over
                     [X0 + 200 - 0.99 * thin, Y0 - 500, X0 + 300, Y0 - 450]])  # just under
    for b in (np.column_stack([x, y, x + w, y + h]), grid, edge):
        use = np.ones(len(b), dtype=bool)
        if len(b) > 3:
            use[len(b) // 2] = False
        i, j = (a.ravel() for a in np.triu_indices(len(b), 1))
        ww = np.minimum(b[i, 2], b[j, 2]) - np.maximum(b[i, 0], b[j, 0])
        hh = np.minimum(b[i, 3], b[j, 3]) - np.maximum(b[i, 1], b[j, 1])
        want = (ww >= 0) & (hh >= 0) & (ww * hh > OVERLAP_TOLERANCE_M2) & use[i] & use[j]
        left, right = _box_pairs(b, use)
        assert want.any()
        assert sorted(zip(left.tolist(), right.tolist())) == list(zip(i[want].tolist(), j[want].tolist()))


def test_read_wkb_batch_gives_the_same_read(flawed):
    """`landapp check` reads with batch=True (GDAL's stream on a GeoPackage, less CPU than
    SQLite's aggregates): the same attributes, bytes and offsets."""
    import pandas as pd

    for layer, cols in (("parcels", ["code", "area_m2"]), ("buildings", ["code", "footprint_m2"])):
        a_attrs, a_data, a_off = flawed.read_wkb(layer, columns=cols)
        b_attrs, b_data, b_off = flawed.read_wkb(layer, columns=cols, batch=True)
        pd.testing.assert_frame_equal(a_attrs, b_attrs, check_dtype=False)
        assert np.array_equal(a_data, b_data) and np.array_equal(a_off, b_off)
        assert len(a_off) > 1
