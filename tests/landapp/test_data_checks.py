"""`landapp check` finds what breaks trust (issue 12 item 2) and the flawed sample shows it;
small projects built here, flaws written with plain SQL as another program could."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from shapely.geometry import box

from landapp import gpkg
from landapp.check import check_project
from landapp.coords import from_lonlat

X0, Y0 = from_lonlat(104.27, 30.58, 4544)


def _park(store):
    """Two parcels, a built one with a factory (floor, two units, a lease) and one to let."""
    fids = {}
    fids["P1"] = store.insert("parcels", {"code": "P1", "status": "已建成投产", "land_use": "100101",
                                          "supply_date": "2018-01-01", "agreed_start": "2018-06-01",
                                          "actual_start": "2018-07-01", "actual_completion": "2020-01-01",
                                          "geometry": box(X0, Y0, X0 + 100, Y0 + 100)})
    fids["P2"] = store.insert("parcels", {"code": "P2", "status": "待供", "land_use": "100101",
                                          "geometry": box(X0 + 100, Y0, X0 + 200, Y0 + 100)})
    fids["B1"] = store.insert("buildings", {"code": "P1-1", "name": "1号厂房", "btype": "标准厂房", "parcel_code": "P1",
                                            "floor_area": 1000.0, "storeys": 2,
                                            "geometry": box(X0 + 10, Y0 + 10, X0 + 40, Y0 + 40)})
    fids["B2"] = store.insert("buildings", {"code": "P1-2", "name": "2号厂房", "btype": "标准厂房", "parcel_code": "P1",
                                            "floor_area": 1000.0, "storeys": 2,
                                            "geometry": box(X0 + 50, Y0 + 10, X0 + 80, Y0 + 40)})
    fids["F1"] = store.insert("floors", {"building_id": fids["B1"], "level": 1, "area": 500.0})
    fids["F2"] = store.insert("floors", {"building_id": fids["B2"], "level": 1, "area": 500.0})
    fids["U1"] = store.insert("units", {"building_id": fids["B1"], "floor_id": fids["F1"], "area": 200.0, "status": "已租"})
    fids["U2"] = store.insert("units", {"building_id": fids["B1"], "floor_id": fids["F1"], "area": 200.0, "status": "空置"})
    fids["E1"] = store.insert("enterprises", {"name": "甲公司"})
    fids["L1"] = store.insert("leases", {"unit_id": fids["U1"], "building_id": fids["B1"], "enterprise_id": fids["E1"],
                                         "tenant": "甲公司", "start_date": "2025-01-01", "end_date": "2026-12-31",
                                         "area": 200.0, "status": "有效"})
    return fids


@pytest.fixture
def park(empty_project):
    fids = _park(empty_project)
    return empty_project, fids


def _sql(store, *statements):
    conn = sqlite3.connect(store.path)
    gpkg.register_functions(conn)
    with conn:
        for st in statements:
            conn.execute(*st) if isinstance(st, tuple) else conn.execute(st)
    conn.close()


def kinds(store):
    return sorted(p.kind for p in check_project(store).problems)


def test_a_sound_park_passes(park):
    store, _ = park
    assert check_project(store).ok


def test_duplicate_building_codes(park):
    store, f = park
    store.update("buildings", f["B2"], {"code": "P1-1"})
    rep = check_project(store)
    (p,) = rep.problems
    assert p.kind == "duplicate_building_code" and set(p.fids) == {f["B1"], f["B2"]} and "P1-1" in p.message


def test_unit_on_another_buildings_floor_larger_than_floor_and_missing_references(park):
    store, f = park
    _sql(store, ("UPDATE units SET floor_id = ? WHERE fid = ?", (f["F2"], f["U2"])),
         ("UPDATE units SET area = 900 WHERE fid = ?", (f["U1"],)),
         ("UPDATE leases SET enterprise_id = 999 WHERE fid = ?", (f["L1"],)),
         ("INSERT INTO units (building_id, area, status) VALUES (999999, 10, '空置')",),
         ("UPDATE floors SET area = 1500 WHERE fid = ?", (f["F2"],)))
    rep = check_project(store)
    got = {(p.kind, p.fids) for p in rep.problems}
    assert ("unit_floor_building", (f["U2"],)) in got
    assert ("unit_larger_than_floor", (f["U1"],)) in got
    assert ("floor_larger_than_building", (f["F2"],)) in got
    assert ("missing_reference", (f["L1"],)) in got
    assert any(k == "missing_reference" and "999999" in p.message for p in rep.problems for k in [p.kind])
    # a lease larger than its unit
    _sql(store, ("UPDATE leases SET area = 950 WHERE fid = ?", (f["L1"],)))
    assert "lease_outside_unit" in kinds(store)


def test_leases_overlapping_on_one_unit(park):
    store, f = park
    _sql(store, ("INSERT INTO leases (unit_id, building_id, tenant, start_date, end_date, area, status) "
                 "VALUES (?, ?, '乙公司', '2026-06-01', '2027-05-31', 150, '有效')", (f["U1"], f["B1"])))
    rep = check_project(store)
    (p,) = [p for p in rep.problems if p.kind == "lease_overlap"]
    assert p.fids[0] == f["L1"] and "2026-06-01" in p.message and "2026-12-31" in p.message
    # a later lease that starts after the first ends, or a terminated one, is no overlap
    _sql(store, "UPDATE leases SET start_date = '2027-01-01' WHERE tenant = '乙公司'")
    assert "lease_overlap" not in kinds(store)


def test_spatial_index_box_moved_is_found_and_fixed(park, tmp_path):
    store, f = park
    _sql(store, ("UPDATE rtree_parcels_geom SET minx = minx + 5000, maxx = maxx + 5000 WHERE id = ?", (f["P2"],)))
    assert store.index_count("parcels") == store.count("parcels")  # counts agree: the old check passed
    rep = check_project(store)
    (p,) = [p for p in rep.problems if p.kind == "index_box"]
    assert p.fids == (f["P2"],) and p.fixable and "--fix" in p.message
    assert store.fids_in_bbox("parcels", (X0 + 150, Y0 + 50, X0 + 151, Y0 + 51)) == []  # the map misses it
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    r = subprocess.run([sys.executable, "-m", "landapp", "check", store.path, "--fix"], capture_output=True,
                       text=True, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert store.fids_in_bbox("parcels", (X0 + 150, Y0 + 50, X0 + 151, Y0 + 51)) == [f["P2"]]
    # an index entry for no feature, and a feature without entry
    _sql(store, "INSERT INTO rtree_parcels_geom VALUES (777, 0, 1, 0, 1)",
         ("DELETE FROM rtree_buildings_geom WHERE id = ?", (f["B2"],)))
    rep = check_project(store)
    assert {(p.layer, p.fids) for p in rep.problems if p.kind == "index_box"} >= {("parcels", (777,)),
                                                                                 ("buildings", (f["B2"],))}


def test_built_parcel_without_building_and_supplied_without_dates(park):
    store, f = park
    store.insert("parcels", {"code": "P3", "status": "已建成投产", "land_use": "0901",
                             "geometry": box(X0, Y0 + 100, X0 + 100, Y0 + 200)})
    # a park or a green buffer needs no building
    store.insert("parcels", {"code": "G1", "status": "已建成投产", "land_use": "1401",
                             "geometry": box(X0 + 100, Y0 + 100, X0 + 200, Y0 + 200)})
    store.insert("parcels", {"code": "P4", "status": "已供未开工", "land_use": "100101", "supply_date": "2025-01-01",
                             "geometry": box(X0 + 200, Y0 + 100, X0 + 300, Y0 + 200)})
    rep = check_project(store)
    msgs = {p.kind: p.message for p in rep.problems}
    assert set(msgs) == {"built_without_building", "supplied_without_dates"}
    assert "P3" in msgs["built_without_building"] and "P4" in msgs["supplied_without_dates"]
    # a retired building does not count
    store.update("buildings", f["B1"], {"retired": True})
    store.update("buildings", f["B2"], {"retired": True})
    assert kinds(store).count("built_without_building") == 2


def test_flawed_sample_shows_every_kind(tmp_path):
    from landapp.demo_flawed import EXPECTED_KINDS, build_flawed_sample
    from landapp.store import open_project
    from landapp.topology import check_topology

    path = tmp_path / "flawed.gpkg"
    build_flawed_sample(path)
    with open_project(path) as s:
        assert {p.kind for p in check_project(s).problems} == EXPECTED_KINDS
        assert {i.kind for i in check_topology(s)} == {"invalid", "overlap", "sliver", "duplicate_code", "gap"}


def test_check_is_set_based_on_a_synthetic_park(tmp_path):
    """The synthetic park follows the demo's rules: the new checks find nothing."""
    from landapp.demo import build_synthetic_park
    from landapp.store import open_project

    path = tmp_path / "s.gpkg"
    build_synthetic_park(path, 800, seed=3)
    with open_project(path) as s:
        rep = check_project(s)
        assert rep.ok, [p.message for p in rep.problems[:5]]
        assert s.count("buildings") > 200


def test_rtree_entries_read_from_the_nodes_equal_the_virtual_table(tmp_path):
    """index_mismatches decodes the R-tree's node table; it must give what SELECT gives
    (ids ascending, float32 boxes), on a multi-level tree and after deletions."""
    import numpy as np

    from landapp import check_data
    from landapp.demo import build_synthetic_park
    from landapp.store import open_project

    path = str(tmp_path / "s.gpkg")
    build_synthetic_park(path, 3000, seed=3)
    with open_project(path) as store:
        q = check_data._sql(store)
        store._conn.execute("DELETE FROM rtree_parcels_geom WHERE id % 7 = 0")
        for layer in ("parcels", "buildings", "zones", "roads"):
            rtree = f"rtree_{layer}_{gpkg.GEOM_COLUMN}"
            assert int.from_bytes(q(f'SELECT data FROM "{rtree}_node" WHERE nodeno = 1')[0][0][:2], "big") > 0 \
                or layer != "parcels"  # parcels: more than one level
            ids, boxes = check_data._rtree_entries(q, rtree)
            rows = np.array(q(f'SELECT id, minx, maxx, miny, maxy FROM "{rtree}" ORDER BY id'), dtype=float).reshape(-1, 5)
            assert np.array_equal(ids, rows[:, 0].astype(np.int64)) and np.array_equal(boxes, rows[:, 1:])


def test_check_without_a_second_connection_gives_the_same_report(park, monkeypatch):
    """check_project runs the database checks on a second connection beside the geometry
    checks; when none can be opened they run on the store's own, with the same findings."""
    store, f = park
    _sql(store, ("UPDATE units SET floor_id = ? WHERE fid = ?", (f["F2"], f["U2"])),
         ("UPDATE rtree_parcels_geom SET minx = minx - 5 WHERE id = ?", (f["P1"],)))
    both = [(p.kind, p.fids, p.message) for p in check_project(store).problems]
    assert {"unit_floor_building", "index_box"} <= {k for k, _, _ in both}

    def refuse(self):
        raise OSError("no more connections")

    monkeypatch.setattr(type(store), "reopen", refuse)
    assert [(p.kind, p.fids, p.message) for p in check_project(store).problems] == both
