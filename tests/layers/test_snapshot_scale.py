"""The map's data path at a million parcels (issue 14) gives what the plain way gives:
bounds read in place from the WKB buffer, read_wkb's buffer, label columns read late,
Arrow class codes, and the vacancy rates as arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from layers import snapshot
from layers.snapshot import Snapshot


def _mixed_geoms(n: int = 57):
    rng = np.random.default_rng(3)
    out = []
    for i in range(n):
        x, y = rng.uniform(0, 1000, 2)
        k = i % 5
        if k == 0:
            out.append(box(x, y, x + rng.uniform(1, 9), y + rng.uniform(1, 9)))
        elif k == 1:
            out.append(MultiPolygon([box(x, y, x + 3, y + 4)]))  # GDAL's parcels: one part
        elif k == 2:
            out.append(Polygon(box(x, y, x + 10, y + 10).exterior.coords, [box(x + 2, y + 2, x + 4, y + 4).exterior.coords]))
        elif k == 3:
            out.append(MultiPolygon([box(x, y, x + 2, y + 2), box(x + 5, y, x + 6, y + 1)]))
        else:
            out.append(None)  # no geometry
    return out


@pytest.mark.parametrize("chunk", [65536, 4, 1])
def test_bounds_read_in_place_are_the_geometries_bounds(monkeypatch, chunk):
    monkeypatch.setattr(snapshot, "CHUNK", chunk)
    geoms = _mixed_geoms()
    blobs = [b"" if g is None else shapely.to_wkb(g, byte_order=1) for g in geoms]
    offsets = np.zeros(len(blobs) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in blobs], out=offsets[1:])
    data = np.frombuffer(b"".join(blobs), dtype=np.uint8)
    attrs = pd.DataFrame(index=pd.Index(np.arange(1, len(geoms) + 1), name="fid"))
    snap = Snapshot.build(attrs, data, offsets, None)
    want = shapely.bounds(np.array(geoms, dtype=object))
    assert np.array_equal(snap.bbox, want, equal_nan=True)
    assert snap.simple.tolist() == [g is not None and shapely.get_num_interior_rings(shapely.get_geometry(g, 0)) == 0
                                    and shapely.get_num_geometries(g) == 1 for g in geoms]
    for i in np.flatnonzero(snap.simple).tolist():  # rings read in place, at any byte alignment
        part = shapely.get_geometry(geoms[i], 0)
        assert np.array_equal(snap.ring(i), np.asarray(part.exterior.coords))


def test_read_wkb_gives_each_features_wkb(demo_project):
    attrs, data, offsets = demo_project.read_wkb("parcels", columns=["status"])
    ref = demo_project.read_layer("parcels", columns=["status"])
    assert attrs.index.tolist() == ref.index.tolist()
    assert attrs["status"].tolist() == ref["status"].tolist()
    got = shapely.from_wkb([data[a:b].tobytes() for a, b in zip(offsets[:-1], offsets[1:])])
    assert shapely.equals_exact(got, ref.geometry.values, tolerance=0).all()


def test_labels_are_looked_up_for_the_features_a_frame_labels(demo_project, monkeypatch):
    """A big layer (as 1M parcels: the demo made to count as one) reads the labels of the
    features a frame labels, not the whole layer's."""
    from PySide6.QtGui import QImage, QPainter

    import layers.vector
    from layers.base import LabelGrid
    from layers.render import ensure_gui_app
    from layers.vector import ParcelLayer, short_code
    from layers.view import MapView

    ensure_gui_app()
    monkeypatch.setattr(layers.vector, "LABEL_ALL_AT_ONCE", 10)
    layer = ParcelLayer(demo_project, "parcels")
    d = layer.data
    assert "code" not in d.attrs.columns  # not read with the geometries
    i = int(np.argmax(d.sizes))
    view = MapView.fit(tuple(d.bbox[i]), 800, 600)
    img = QImage(800, 600, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    layer.draw_labels(p, view, LabelGrid())
    p.end()
    rec = demo_project.get("parcels", int(d.fids[i]))
    assert d.labels[i] == f"{short_code(rec['code'])}\n{rec['land_use']}"
    assert len(d.labels) < len(d.fids)  # only what the frame labelled


def test_a_small_layer_is_labelled_whole_by_one_read(demo_project, monkeypatch):
    """A park's or a sheet's layer: every label made on the first frame in one read, and
    later frames (the atlas draws hundreds of maps over one layer) read nothing."""
    from PySide6.QtGui import QImage, QPainter

    from layers.base import LabelGrid
    from layers.render import ensure_gui_app
    from layers.vector import ParcelLayer, short_code
    from layers.view import MapView

    ensure_gui_app()
    layer = ParcelLayer(demo_project, "parcels")
    d = layer.data
    reads = []
    real = type(demo_project).table_cells
    monkeypatch.setattr(type(demo_project), "table_cells",
                        lambda self, *a, **k: (reads.append(len(a[1])), real(self, *a, **k))[1])
    img = QImage(800, 600, QImage.Format.Format_ARGB32_Premultiplied)
    for i in np.argsort(-d.sizes)[:3].tolist():
        p = QPainter(img)
        layer.draw_labels(p, MapView.fit(tuple(d.bbox[i]), 800, 600), LabelGrid())
        p.end()
    assert reads == [len(set(d.fids.tolist()))]
    assert len(d.labels) == len(d.fids)
    j = int(np.argmin(d.sizes))
    rec = demo_project.get("parcels", int(d.fids[j]))
    assert d.labels[j] == f"{short_code(rec['code'])}\n{rec['land_use']}"


def test_arrow_class_codes_are_categorical_codes():
    from layers.themes import category_codes

    order = ["闲置", "在建", "储备"]
    values = ["在建", None, "其他", "闲置", "储备", "在建"]
    want = [1, -1, -1, 0, 2, 1]
    for s in (pd.Series(values, dtype=object), pd.Series(pa.chunked_array([values[:2], values[2:]])
                                                          .to_pandas()), pd.Series(values)):
        assert category_codes(s, order).tolist() == want


def test_vacancy_arrays_for_given_buildings_equal_all(demo_project):
    from landapp.vacancy import (
        building_vacancy_rates,
        default_as_of,
        load_space,
        store_building_vacancy_arrays,
    )

    d = default_as_of(demo_project)
    fids, rates = store_building_vacancy_arrays(demo_project, d)
    some = fids[::-3]  # unsorted, a subset
    f2, r2 = store_building_vacancy_arrays(demo_project, d, some)
    assert f2.tolist() == sorted(some.tolist())
    pos = np.searchsorted(fids, f2)
    assert np.array_equal(r2, rates[pos], equal_nan=True)
    ref = building_vacancy_rates(load_space(demo_project), d)  # the rule, a record per unit
    assert [ref.get(f) for f in fids.tolist()] == [None if r != r else r for r in rates.tolist()]
    assert sum(r == r for r in rates.tolist()) > 10  # buildings with units are rated


def _same_read(a, b) -> bool:
    from landapp.store.base import attrs_frame

    a, b = [(attrs_frame(x[0]) if hasattr(x[0], "to_pandas") else x[0], *x[1:]) for x in (a, b)]
    return (a[0].equals(b[0]) and list(a[0].dtypes) == list(b[0].dtypes) and a[0].index.equals(b[0].index)
            and a[0].index.name == b[0].index.name and np.array_equal(a[1], b[1]) and np.array_equal(a[2], b[2]))


def test_read_wkb_through_sqlite_is_gdals_read(demo_project):
    """The map's read without pyogrio (SQLite's group_concat and JSON arrays) gives GDAL's
    frame, dtypes, WKB buffer and offsets, for each column type it takes and a filter."""
    from landapp.schema import spec
    from landapp.store.filters import F

    store = demo_project
    for layer in ("zones", "roads", "parcels", "buildings"):
        s = spec(layer)
        simple = [f.name for f in s.fields if f.kind != "datetime"]
        reads = [([], None, False), (simple, None, False)] + [([c], None, False) for c in simple]
        reads.append(([simple[0]], F("fid") == -1, True))  # no feature
        if s.has("retired"):
            reads.append((["code"], F("retired") == 1, True))
        for cols, where, retired in reads:
            clauses = store._gdal_where(s, where, retired)
            got = store._read_wkb_sql(s, cols, clauses)
            assert got is not None, (layer, cols)
            assert _same_read(got, store._read_wkb_gdal(s, cols, clauses)), (layer, cols, where)
    # what GDAL types otherwise (DATETIME's time zones) is GDAL's to read
    assert store._read_wkb_sql(spec("parcels"), ["modified"], []) is None
    a = store.read_wkb("parcels", columns=["code", "modified"])
    assert _same_read(a, store._read_wkb_gdal(spec("parcels"), ["code", "modified"], store._gdal_where(spec("parcels"), None, False)))


def test_read_wkb_through_sqlite_takes_odd_blobs_or_leaves_them_to_gdal(demo_project):
    """A null geometry (an empty run), a blob without an envelope and a real that the
    15 digits of SQLite's JSON would round are read as GDAL reads them; an empty geometry,
    a number in a text column or text in a real one leave the read to GDAL, same result."""
    import sqlite3

    from landapp import gpkg
    from landapp.schema import spec

    store = demo_project
    s = spec("parcels")
    fids = [r[0] for r in store.values("parcels", ["fid"])][:6]
    conn = sqlite3.connect(store.path)
    gpkg.register_functions(conn)
    blob = conn.execute("SELECT geom FROM parcels WHERE fid = ?", (fids[1],)).fetchone()[0]
    assert blob[3] & 0x0E  # the store writes an envelope: drop it
    bare = blob[:3] + bytes([blob[3] & ~0x0E & 0xFF]) + blob[4:8] + blob[40:]
    conn.execute("UPDATE parcels SET geom = NULL WHERE fid = ?", (fids[0],))
    conn.execute("UPDATE parcels SET geom = ? WHERE fid = ?", (bare, fids[1]))
    conn.execute("UPDATE parcels SET far_min = ? WHERE fid = ?", (0.1 + 0.2, fids[2]))
    conn.commit()
    cols = ["status", "far_min", "supply_date", "land_user_id"]
    clauses = store._gdal_where(s, None, False)
    got = store._read_wkb_sql(s, cols, clauses)
    assert got is not None
    attrs, data, offsets = got
    assert offsets[1] == offsets[0]  # the null geometry
    assert attrs.column("far_min").to_pylist()[attrs.column("fid").to_pylist().index(fids[2])] == 0.1 + 0.2
    assert _same_read(got, store._read_wkb_gdal(s, cols, clauses))

    for sql, params in (("UPDATE parcels SET status = X'01' WHERE fid = ?", (fids[3],)),
                        ("UPDATE parcels SET far_min = 'x' WHERE fid = ?", (fids[4],)),
                        ("UPDATE parcels SET geom = ? WHERE fid = ?",
                         (blob[:3] + bytes([0x11]) + blob[4:8] + bytes.fromhex("0106000000" "00000000"), fids[5]))):
        snapshot_ = conn.execute("SELECT status, far_min, geom FROM parcels WHERE fid = ?", (params[-1],)).fetchone()
        conn.execute(sql, params)
        conn.commit()
        assert store._read_wkb_sql(s, cols, clauses) is None, sql
        assert _same_read(store.read_wkb("parcels", columns=cols), store._read_wkb_gdal(s, cols, clauses))
        conn.execute("UPDATE parcels SET status = ?, far_min = ?, geom = ? WHERE fid = ?", (*snapshot_, params[-1]))
        conn.commit()
    conn.close()


def test_start_themes_classify_the_arrow_table_as_the_frame(demo_project):
    """The themes the map starts with (parcels by status, land use; buildings by vacancy, type)
    classify the read's Arrow table exactly as its DataFrame; a snapshot built from the
    table gives the same fids and, when asked, the same attributes."""
    from landapp.store.base import attrs_frame
    from layers.themes import THEMES

    for layer, key in (("parcels", "status"), ("parcels", "landuse"), ("buildings", "vacancy"), ("buildings", "type")):
        theme = THEMES[layer][key]
        assert theme.arrow
        table, data, offsets = demo_project.read_wkb(layer, columns=list(theme.columns), arrow=True)
        frame = attrs_frame(table)
        a, b = theme.classify(table, demo_project), theme.classify(frame, demo_project)
        assert np.array_equal(a.class_of, b.class_of) and a.labels == b.labels
        assert len(set(a.class_of.tolist())) > 1  # a real mix of classes, not all "other"
        snap, ref = Snapshot.build(table, data, offsets, a), Snapshot.build(frame, data, offsets, b)
        assert np.array_equal(snap.fids, ref.fids) and snap.columns == list(frame.columns)
        assert snap.attrs.equals(frame)


def test_window_start_draws_without_pandas(tmp_path, _demo_copy_source):
    """`python main.py PARK` reaches its first map frame without importing pandas, pyogrio,
    geopandas or pyproj (issue 14: ~0.25 s and ~120 MB of a 100k park's start)."""
    import os
    import shutil
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    park = tmp_path / "park.gpkg"
    shutil.copy(_demo_copy_source, park)
    script = """
import os, runpy, sys
sys.argv = ["main.py", sys.argv[1]]
import ui.canvas
real = ui.canvas.MapCanvas._on_rendered
def first(self, *a):
    real(self, *a)
    print("LOADED", sorted(m for m in ("pandas", "pyogrio", "geopandas", "pyproj") if m in sys.modules), flush=True)
    os._exit(0)
ui.canvas.MapCanvas._on_rendered = first
runpy.run_path(os.path.join(%r, "main.py"), run_name="__main__")
""" % root
    env = {**os.environ, "PYTHONPATH": root, "QT_QPA_PLATFORM": "offscreen",
           "LANDAPP_SETTINGS_DIR": str(tmp_path / "settings"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    out = subprocess.run([sys.executable, "-c", script, str(park)], env=env, capture_output=True, text=True,
                         timeout=120)
    assert "LOADED []" in out.stdout, out.stdout + out.stderr[-2000:]
