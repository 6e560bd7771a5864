"""Edits as values: do -> undo -> redo, checked in the store and in what GDAL reads."""

from __future__ import annotations

import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, given, settings, strategies as st
from shapely.geometry import LineString, Polygon, box

from landapp import editing as ed
from landapp.coords import parse_typed_points
from landapp.errors import LandappError
from landapp.history import feature_history, lineage
from landapp.snapping import Snapper
from landapp.topology import check_topology, fix
from landapp.store.filters import F

X0, Y0 = 430000.0, 3384000.0


def P(code, x0, y0, x1, y1, **kw):
    return {"code": code, "status": "待供", "land_use": "100101",
            "geometry": box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1), **kw}


def gdal(store, layer="parcels", **kw):
    return pyogrio.read_dataframe(store.path, layer=layer, fid_as_index=True, **kw)


def active_codes(store):
    return sorted(store.read_layer("parcels")["code"])


@pytest.fixture
def grid(empty_project):
    """Two parcels side by side sharing the edge x = 100."""
    s = empty_project
    a = s.insert("parcels", P("A", 0, 0, 100, 100, name="甲"))
    b = s.insert("parcels", P("B", 100, 0, 200, 100, name="乙"))
    return s, a, b


def cycle(store, edit, check_done, check_undone):
    """do -> undo -> redo; a check either asserts itself or returns a truth value."""
    edit.apply(store)
    assert check_done() in (None, True), "after do"
    edit.revert(store)
    assert check_undone() in (None, True), "after undo"
    edit.apply(store)
    assert check_done() in (None, True), "after redo"


def test_add_delete_update_cycle(grid):
    s, a, b = grid
    add = ed.AddFeature("parcels", P("C", 300, 0, 400, 100))
    cycle(s, add, lambda: "C" in set(gdal(s)["code"]), lambda: "C" not in set(gdal(s)["code"]))
    upd = ed.UpdateAttributes("parcels", a, {"name": "改名", "status": "在建"})
    cycle(s, upd, lambda: gdal(s).loc[a, "name"] == "改名", lambda: gdal(s).loc[a, "name"] == "甲")
    rm = ed.DeleteFeature("parcels", b)
    cycle(s, rm, lambda: b not in gdal(s).index, lambda: gdal(s).loc[b, "code"] == "B")


def test_avoid_overlaps_clips_a_new_parcel(grid):
    s, a, b = grid
    add = ed.AddFeature("parcels", P("C", 150, 50, 250, 150), avoid_overlaps=True)
    add.apply(s)
    c = s.get("parcels", add.fid)["geometry"]
    assert c.area == pytest.approx(100 * 100 - 50 * 50)
    assert ed.overlaps_with(s, "parcels", c, [add.fid]) == []
    # without the option the overlap is reported
    assert [o[1] for o in ed.overlaps_with(s, "parcels", box(X0 + 50, Y0 + 50, X0 + 150, Y0 + 60))] == ["A", "B"]


def test_shared_vertex_moves_in_every_neighbour(grid):
    s, a, b = grid
    mv = ed.MoveVertex(s, "parcels", (X0 + 100, Y0 + 100), (X0 + 120, Y0 + 110))
    assert set(mv.changes) == {a, b}

    def moved():
        ga, gb = s.get("parcels", a)["geometry"], s.get("parcels", b)["geometry"]
        assert ga.intersection(gb).area < 1e-6  # no overlap
        assert ga.union(gb).area == pytest.approx(200 * 100 + 0.5 * 200 * 10, rel=1e-9)  # no gap
        assert (X0 + 120, Y0 + 110) in [tuple(c) for c in shapely.get_coordinates(ga)]
        df = gdal(s)
        assert shapely.equals(df.geometry[a], ga)

    def back():
        assert s.get("parcels", a)["geometry"].equals(box(X0, Y0, X0 + 100, Y0 + 100))

    cycle(s, mv, moved, back)
    with pytest.raises(LandappError):
        ed.MoveVertex(s, "parcels", (X0 + 55, Y0 + 55), (X0, Y0))


def test_split_retires_parent_and_records_lineage(grid):
    s, a, b = grid
    sp = ed.SplitFeature("parcels", a, LineString([(X0 + 40, Y0 - 10), (X0 + 40, Y0 + 110)]), date="2026-11-24")

    def done():
        assert active_codes(s) == ["A-1", "A-2", "B"]
        parent = s.get("parcels", a)
        assert parent["retired"] and parent["retired_date"] == "2026-11-24"
        kids = [s.get("parcels", f) for f in sp.child_fids]
        assert sum(k["area_m2"] for k in kids) == pytest.approx(parent["area_m2"])
        assert all(k["name"] == "甲" and k["land_use"] == "100101" for k in kids)
        lin = lineage(s, a)["children"]
        assert sorted(r["child_code"] for r in lin) == ["A-1", "A-2"] and lin[0]["operation"] == "拆分"
        assert lin[0]["user"] == s.user
        assert len(gdal(s, where="retired = 0")) == 3 and len(gdal(s)) == 4

    def undone():
        assert active_codes(s) == ["A", "B"] and s.count("parcel_lineage") == 0

    cycle(s, sp, done, undone)
    with pytest.raises(LandappError):
        ed.SplitFeature("parcels", b, LineString([(X0 + 500, Y0), (X0 + 600, Y0)])).apply(s)


def test_merge_takes_attributes_from_the_largest(empty_project):
    s = empty_project
    a = s.insert("parcels", P("A", 0, 0, 100, 100, name="大"))
    b = s.insert("parcels", P("B", 100, 0, 150, 100, name="小", status="在建"))
    far = s.insert("parcels", P("F", 400, 0, 450, 100))
    mg = ed.MergeFeatures("parcels", [a, b], date="2026-11-24")

    def done():
        rec = s.get("parcels", mg.child_fid)
        assert rec["name"] == "大" and rec["code"] == "A-H" and rec["area_m2"] == pytest.approx(15000)
        assert rec["geometry"].geom_type == "MultiPolygon" and len(shapely.get_parts(rec["geometry"])) == 1
        assert active_codes(s) == ["A-H", "F"]
        assert {r["parent_code"] for r in lineage(s, mg.child_fid)["parents"]} == {"A", "B"}

    cycle(s, mg, done, lambda: active_codes(s) == ["A", "B", "F"])
    mg.revert(s)
    keep_small = ed.MergeFeatures("parcels", [a, b], keep=b, code="NEW")
    keep_small.apply(s)
    assert s.get("parcels", keep_small.child_fid)["name"] == "小"
    with pytest.raises(LandappError) as e:
        ed.MergeFeatures("parcels", [keep_small.child_fid, far]).apply(s)
    assert "不相邻" in str(e.value)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(5, 95), tilt=st.floats(-30, 30), w=st.floats(50, 300), h=st.floats(50, 300))
def test_split_then_merge_preserves_area(empty_project, cut, tilt, w, h):
    s = empty_project
    fid = s.insert("parcels", {"code": f"H{cut:.3f}", "status": "储备",
                               "geometry": box(X0, Y0, X0 + w, Y0 + h)})
    x = X0 + w * cut / 100
    line = LineString([(x - tilt, Y0 - 10), (x + tilt, Y0 + h + 10)])
    sp = ed.SplitFeature("parcels", fid, line)
    try:
        sp.apply(s)
    except LandappError:
        return  # the tilted line left the parcel through its side: nothing to check
    parts = [s.get("parcels", f)["geometry"].area for f in sp.child_fids]
    assert sum(parts) == pytest.approx(w * h, rel=1e-9)
    mg = ed.MergeFeatures("parcels", sp.child_fids)
    mg.apply(s)
    assert s.get("parcels", mg.child_fid)["geometry"].area == pytest.approx(w * h, rel=1e-6)
    mg.revert(s)
    sp.revert(s)
    s.delete("parcels", fid)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dx=st.floats(-40, 40), dy=st.floats(-40, 40))
def test_shared_vertex_move_keeps_neighbours_gap_free(empty_project, dx, dy):
    s = empty_project
    fids = [s.insert("parcels", P(f"G{i}", x0, y0, x0 + 100, y0 + 100))
            for i, (x0, y0) in enumerate([(0, 0), (100, 0), (0, 100), (100, 100)])]
    total = 400 * 100
    mv = ed.MoveVertex(s, "parcels", (X0 + 100, Y0 + 100), (X0 + 100 + dx, Y0 + 100 + dy))
    mv.apply(s)
    geoms = [s.get("parcels", f)["geometry"] for f in fids]
    assert sum(g.area for g in geoms) == pytest.approx(total, rel=1e-9)  # no gap, no overlap
    assert shapely.union_all(geoms).area == pytest.approx(total, rel=1e-9)
    mv.revert(s)
    for f in fids:
        s.delete("parcels", f)


def test_vertex_add_remove_and_reshape():
    sq = box(0, 0, 100, 100)
    added = ed.with_vertex_added(sq, (50, -3))
    assert (50.0, 0.0) in list(added.exterior.coords) and added.area == pytest.approx(sq.area)
    back = ed.with_vertex_removed(added, (50, 0), 0.5)
    assert back.equals(sq)
    with pytest.raises(LandappError):
        ed.with_vertex_removed(Polygon([(0, 0), (1, 0), (0, 1)]), (0, 0), 0.1)
    cut = ed.reshape(sq, LineString([(70, -10), (70, 110)]))
    assert cut.area == pytest.approx(7000)
    grown = ed.reshape(sq, LineString([(100, 20), (140, 20), (140, 80), (100, 80)]))
    assert grown.area == pytest.approx(10000 + 40 * 60)


def test_snapping_prefers_vertices_then_edges(grid):
    s, a, b = grid
    gdf = s.read_layer("parcels")
    snap = Snapper()
    snap.set_source("parcels", gdf.geometry.values)
    v = snap.snap(X0 + 101, Y0 + 99, 3)
    assert (v.kind, v.x, v.y) == ("vertex", X0 + 100, Y0 + 100)
    e = snap.snap(X0 + 50, Y0 + 101.5, 3)
    assert e.kind == "edge" and e.y == pytest.approx(Y0 + 100) and e.x == pytest.approx(X0 + 50)
    assert snap.snap(X0 + 50, Y0 + 50, 3) is None
    snap.enabled = False
    assert snap.snap(X0 + 101, Y0 + 99, 3) is None


def test_topology_checks_and_quick_fixes(empty_project):
    s = empty_project
    s.insert("zones", {"name": "测试片区", "geometry": box(X0 - 10, Y0 - 10, X0 + 410, Y0 + 110)})
    a = s.insert("parcels", P("A", 0, 0, 100, 100))
    b = s.insert("parcels", P("B", 90, 0, 200, 100))  # overlaps A by 10 × 100
    s.insert("parcels", P("C", 210, 0, 300, 100))  # 10 m gap between B and C
    sliver = s.insert("parcels", P("S", 300, 0, 300.5, 100))
    s.insert("parcels", P("C", 310, 0, 400, 100))  # duplicate code, and a gap before it
    kinds = sorted(i.kind for i in check_topology(s))
    assert kinds.count("overlap") == 1 and "gap" in kinds and "sliver" in kinds and "duplicate_code" in kinds
    overlap = next(i for i in check_topology(s) if i.kind == "overlap")
    assert overlap.area_m2 == pytest.approx(1000)
    edit = fix(s, overlap)
    edit.apply(s)
    assert not [i for i in check_topology(s) if i.kind == "overlap"]
    edit.revert(s)
    assert [i for i in check_topology(s) if i.kind == "overlap"]
    gap = min((i for i in check_topology(s) if i.kind == "gap"), key=lambda i: i.location[0])
    assert gap.fixable and gap.area_m2 == pytest.approx(10 * 100, rel=0.01)  # between B and C
    fill = fix(s, gap)
    fill.apply(s)  # the gap goes to the parcel with the longest shared edge (B or C, 100 m each)
    assert not [i for i in check_topology(s) if i.kind == "gap" and abs(i.location[0] - gap.location[0]) < 20]
    fill.revert(s)
    assert s.get("parcels", b)["area_m2"] == pytest.approx(110 * 100)
    sl = next(i for i in check_topology(s) if i.kind == "sliver")
    merge = fix(s, sl)
    merge.apply(s)
    assert sliver not in s.read_layer("parcels").index
    merge.revert(s)
    assert sliver in s.read_layer("parcels").index


def test_invalid_polygon_is_repaired(empty_project):
    import sqlite3

    from landapp import gpkg

    s = empty_project
    bow = Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)])
    con = sqlite3.connect(s.path)
    gpkg.register_functions(con)
    con.execute("INSERT INTO parcels (geom, code, status) VALUES (?, 'BOW', '待供')", (gpkg.encode_geometry(bow, 4544),))
    con.commit()
    con.close()
    issue = next(i for i in check_topology(s) if i.kind == "invalid")
    fix(s, issue).apply(s)
    fixed = s.get("parcels", issue.fids[0])["geometry"]
    assert fixed.is_valid and fixed.area == pytest.approx(5000)


def test_vertex_added_on_a_shared_edge_goes_into_both_neighbours(grid):
    s, a, b = grid
    add = ed.AddVertex(s, "parcels", a, (X0 + 100.004, Y0 + 40))  # clicked beside the shared edge

    def added():
        for f in (a, b):
            coords = [tuple(c) for c in shapely.get_coordinates(gdal(s).geometry[f])]
            assert (X0 + 100, Y0 + 40) in coords  # the very same point in both
        assert s.get("parcels", a)["area_m2"] == pytest.approx(10000)

    def back():
        assert len(shapely.get_coordinates(gdal(s).geometry[b])) == 5

    cycle(s, add, added, back)
    # moving the new vertex moves it in both: the neighbours stay gap-free
    mv = ed.MoveVertex(s, "parcels", (X0 + 100, Y0 + 40), (X0 + 130, Y0 + 40))
    mv.apply(s)
    ga, gb = s.get("parcels", a)["geometry"], s.get("parcels", b)["geometry"]
    assert ga.intersection(gb).area < 1e-6 and ga.union(gb).area == pytest.approx(20000)
    mv.revert(s)
    rm = ed.RemoveVertex(s, "parcels", (X0 + 100, Y0 + 40))
    assert set(rm.changes) == {a, b}  # a shared vertex goes from every neighbour
    cycle(s, rm, back, added)
    with pytest.raises(LandappError):
        ed.RemoveVertex(s, "parcels", (X0 + 50, Y0 + 50))


def test_vertex_and_feature_moves_clip_to_neighbours_with_avoid_overlaps(grid):
    s, a, b = grid
    c = s.insert("parcels", P("C", 0, 100, 100, 200))  # north of A, shares only A's top edge
    # drag A's and B's shared corner (100, 100) 20 m north: it would bite into C
    mv = ed.MoveVertex(s, "parcels", (X0 + 100, Y0 + 100), (X0 + 100, Y0 + 120), only=[a, b],
                       avoid_overlaps=True)
    cycle(s, mv, lambda: ed.overlap_report(s, [("parcels", a), ("parcels", b)]) == [],
          lambda: s.get("parcels", a)["area_m2"] == pytest.approx(10000))
    assert s.get("parcels", c)["area_m2"] == pytest.approx(10000)  # the neighbour is untouched
    mv.revert(s)
    plain = ed.MoveFeatures(s, "parcels", [b], -30, 0)
    plain.apply(s)
    report = ed.overlap_report(s, plain.geometry_targets())
    assert [(r["code"], r["other_code"], round(r["area_m2"])) for r in report] == [("B", "A", 3000)]
    plain.revert(s)
    clipped = ed.MoveFeatures(s, "parcels", [b], -30, 0, avoid_overlaps=True)
    clipped.apply(s)
    assert ed.overlap_report(s, clipped.geometry_targets()) == []
    assert s.get("parcels", b)["area_m2"] == pytest.approx(7000)
    clipped.revert(s)
    assert s.get("parcels", b)["area_m2"] == pytest.approx(10000)


def test_split_and_merge_move_the_buildings_to_the_new_parcels(grid):
    s, a, b = grid
    west = s.insert("buildings", {"name": "西厂房", "btype": "标准厂房", "parcel_code": "A",
                                  "geometry": box(X0 + 5, Y0 + 5, X0 + 30, Y0 + 30)})
    east = s.insert("buildings", {"name": "东厂房", "btype": "标准厂房", "parcel_code": "A",
                                  "geometry": box(X0 + 60, Y0 + 5, X0 + 90, Y0 + 30)})
    sp = ed.SplitFeature("parcels", a, LineString([(X0 + 40, Y0 - 10), (X0 + 40, Y0 + 110)]))

    def split_done():
        kids = {s.get("parcels", f)["code"]: s.get("parcels", f)["geometry"] for f in sp.child_fids}
        for bf in (west, east):
            rec = s.get("buildings", bf)
            assert kids[rec["parcel_code"]].contains(rec["geometry"])

    def split_undone():
        assert {s.get("buildings", f)["parcel_code"] for f in (west, east)} == {"A"}

    cycle(s, sp, split_done, split_undone)
    mg = ed.MergeFeatures("parcels", [*sp.child_fids, b], code="AB")
    cycle(s, mg, lambda: {s.get("buildings", f)["parcel_code"] for f in (west, east)} == {"AB"},
          split_done)
    assert mg.text == "合并地块 AB" and sp.text == "拆分地块 A"


def test_edit_log_keeps_who_when_and_each_field_before_and_after(grid):
    s, a, _ = grid
    ed.UpdateAttributes("parcels", a, {"status": "在建", "far_max": 2.5}).apply(s)
    ed.ReplaceGeometry("parcels", a, box(X0, Y0, X0 + 100, Y0 + 90)).apply(s)
    hist = feature_history(s, "parcels", a)
    assert [h["operation"] for h in hist] == ["update", "update", "insert"]
    assert all(h["user"] == s.user and h["ts"] for h in hist)
    shape, attrs = hist[0]["changes"], {t: (o, n) for t, o, n in hist[1]["changes"]}
    assert attrs == {"状态": ("待供", "在建"), "容积率上限": (None, 2.5)}
    assert ("面积(㎡)", 10000.0, 9000.0) in shape and any(t == "图形" for t, _, _ in shape)
    assert ("地块编号", None, "A") in hist[2]["changes"]


def test_typed_points_x_northing_first_and_zone_prefix():
    pts = parse_typed_points("J1, 3384637.61, 429977.28\n3384600，35429900.5\n\n3384500\t429800", 4544)
    assert pts == [(429977.28, 3384637.61), (429900.5, 3384600.0), (429800.0, 3384500.0)]
    with pytest.raises(LandappError) as e:
        parse_typed_points("3384600, 36429900.5", 4544)  # zone 36 in a CM 105E (zone 35) project
    assert "35" in str(e.value)
    with pytest.raises(LandappError):
        parse_typed_points("3384600", 4544)


def test_a_line_snapped_onto_the_boundary_still_splits_and_reshapes(empty_project):
    import shapely.affinity

    s = empty_project
    tilted = shapely.affinity.rotate(box(X0, Y0, X0 + 120, Y0 + 80), 17.3, origin=(X0, Y0))
    fid = s.insert("parcels", {"code": "T", "status": "待供", "geometry": tilted})
    ring = tilted.exterior
    # ends snapped onto two opposite edges: on them only to floating-point precision
    a, b = ring.interpolate(0.31 * 120), ring.interpolate(120 + 80 + 0.55 * 120)
    line = LineString([a, b])
    sp = ed.SplitFeature("parcels", fid, line)
    sp.apply(s)
    areas = [s.get("parcels", f)["geometry"].area for f in sp.child_fids]
    assert len(areas) == 2 and sum(areas) == pytest.approx(tilted.area, rel=1e-9)
    sp.revert(s)
    cut = ed.reshape(tilted, line)
    assert cut.area == pytest.approx(max(areas), rel=1e-6)


def test_undo_and_redo_never_overwrite_someone_elses_later_change(grid):
    from landapp.errors import ConflictError
    from landapp.store import open_project

    s, a, b = grid
    other = open_project(s.path)  # another planner (or QGIS) on the same file
    try:
        upd = ed.UpdateAttributes("parcels", a, {"status": "在建"})
        upd.apply(s)
        other.update("parcels", a, {"status": "已建成投产"})
        with pytest.raises(ConflictError):
            upd.revert(s)
        assert s.get("parcels", a)["status"] == "已建成投产"  # their change stands
        mv = ed.MoveVertex(s, "parcels", (X0 + 100, Y0 + 100), (X0 + 110, Y0 + 100))
        mv.apply(s)
        mv.revert(s)
        other.update("parcels", b, {"geometry": box(X0 + 100, Y0, X0 + 180, Y0 + 100)})
        with pytest.raises(ConflictError):
            mv.apply(s)  # redo: B was reshaped meanwhile
        assert s.get("parcels", b)["area_m2"] == pytest.approx(8000)
        assert s.get("parcels", a)["geometry"].equals(box(X0, Y0, X0 + 100, Y0 + 100))  # all or nothing
    finally:
        other.close()


def B(name, x0, y0, x1, y1, **kw):
    return {"name": name, "btype": "标准厂房", "geometry": box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1), **kw}


def gdal_table(store, layer):
    return pyogrio.read_dataframe(store.path, layer=layer, fid_as_index=True, read_geometry=False)


def active_buildings(store):
    return sorted(store.read_layer("buildings")[["code", "name"]].fillna("").itertuples(index=False, name=None))


def test_split_building_divides_its_floor_area_and_retires_it(empty_project):
    s = empty_project
    fid = s.insert("buildings", B("1号厂房", 0, 0, 60, 30, code="F1", floor_area=3000.0, storeys=2,
                                  parcel_code="P1", asking_rent=22.0))
    bare = s.insert("buildings", B("仓库", 100, 0, 130, 30, floor_area=1000.0))
    sp = ed.SplitFeature("buildings", fid, LineString([(X0 + 20, Y0 - 5), (X0 + 20, Y0 + 35)]), date="2026-11-24")

    def done():
        assert active_buildings(s) == [("", "仓库"), ("F1-1", "1号厂房"), ("F1-2", "1号厂房")]
        parent = s.get("buildings", fid)
        assert parent["retired"] and parent["retired_date"] == "2026-11-24"
        kids = [s.get("buildings", f) for f in sp.child_fids]
        # north-west first: the west third, then the rest; floor area in proportion to footprint
        assert [k["floor_area"] for k in kids] == [1000.0, 2000.0]
        assert [round(k["footprint_m2"]) for k in kids] == [600, 1200]
        assert all((k["storeys"], k["parcel_code"], k["asking_rent"], k["btype"]) == (2, "P1", 22.0, "标准厂房")
                   for k in kids)
        df = gdal(s, layer="buildings", where="retired = 0")
        assert sorted(df["floor_area"]) == [1000.0, 1000.0, 2000.0]
        assert s.count("parcel_lineage") == 0  # the lineage table is for parcels
        # the edit log has it as for everything: the parts added, the parent retired
        assert feature_history(s, "buildings", sp.child_fids[0])[0]["operation"] == "insert"
        last = feature_history(s, "buildings", fid)[0]
        assert last["operation"] == "update" and ("已注销", False, True) in last["changes"]

    def undone():
        assert active_buildings(s) == [("", "仓库"), ("F1", "1号厂房")]
        assert not s.get("buildings", fid)["retired"]
        assert set(gdal(s, layer="buildings").index) == {fid, bare}

    cycle(s, sp, done, undone)
    assert sp.text == "拆分建筑 F1"
    # a building without a code: the parts are told apart by their names
    sb = ed.SplitFeature("buildings", bare, LineString([(X0 + 115, Y0 - 5), (X0 + 115, Y0 + 35)]))
    sb.apply(s)
    kids = [s.get("buildings", f) for f in sb.child_fids]
    assert [(k["code"], k["name"], k["floor_area"]) for k in kids] == [(None, "仓库-1", 500.0), (None, "仓库-2", 500.0)]


@pytest.mark.parametrize("table", ["floors", "units", "leases"])
def test_a_building_with_space_is_not_split(empty_project, table):
    s = empty_project
    fid = s.insert("buildings", B("2号楼", 0, 0, 60, 30, code="T2"))
    row = {"floors": {"building_id": fid, "level": 1},
           "units": {"building_id": fid, "area": 500.0, "status": "空置"},
           "leases": {"building_id": fid, "tenant": "某公司", "start_date": "2025-01-01",
                      "end_date": "2027-12-31", "area": 1800.0, "status": "有效"}}[table]
    s.insert(table, row)
    before = gdal(s, layer="buildings")
    with pytest.raises(LandappError) as e:
        ed.SplitFeature("buildings", fid, LineString([(X0 + 20, Y0 - 5), (X0 + 20, Y0 + 35)])).apply(s)
    assert "T2" in str(e.value) and "分层图" in str(e.value)
    assert gdal(s, layer="buildings").equals(before) and not s.get("buildings", fid)["retired"]


@pytest.fixture
def tower_and_annex(empty_project):
    """A tower with floors, units and leases, an annex touching it, a shed standing apart."""
    s = empty_project
    tower = s.insert("buildings", B("科创楼", 0, 0, 40, 40, code="T", floor_area=8000.0, storeys=5,
                                    btype="楼宇"))
    annex = s.insert("buildings", B("科创楼裙房", 40, 0, 60, 20, code="TA", floor_area=400.0))
    shed = s.insert("buildings", B("棚", 200, 0, 210, 10, code="S"))
    floor = s.insert("floors", {"building_id": tower, "level": 1, "area": 1600.0})
    units = [s.insert("units", {"building_id": tower, "floor_id": floor, "code": f"10{i}", "area": 800.0,
                                "status": st}) for i, st in ((1, "已租"), (2, "空置"))]
    lease = s.insert("leases", {"building_id": tower, "unit_id": units[0], "tenant": "甲公司", "area": 800.0,
                                "start_date": "2025-01-01", "end_date": "2030-12-31", "status": "有效"})
    return s, tower, annex, shed, floor, units, lease


def test_merge_buildings_moves_the_space_to_the_merged_one(tower_and_annex):
    import datetime as dt

    from landapp.vacancy import building_figures, load_space

    s, tower, annex, _shed, floor, units, lease = tower_and_annex
    as_of = dt.date(2026, 11, 1)
    vacancy = building_figures(load_space(s), tower, as_of)
    assert vacancy.vacant == 800.0 and vacancy.leased == 800.0
    # keep the annex's attributes (the planner's choice); the tower's space still moves
    mg = ed.MergeFeatures("buildings", [annex, tower], keep=annex, date="2026-11-24")

    def homes():
        return {t: set(gdal_table(s, t)["building_id"]) for t in ("floors", "units", "leases")}

    def done():
        new = s.get("buildings", mg.child_fid)
        assert (new["code"], new["name"], new["btype"]) == ("TA-H", "科创楼裙房", "标准厂房")
        assert new["floor_area"] == 8400.0 and new["footprint_m2"] == pytest.approx(2000)
        assert len(shapely.get_parts(new["geometry"])) == 1
        assert active_buildings(s) == [("S", "棚"), ("TA-H", "科创楼裙房")]
        assert all(s.get("buildings", f)["retired_date"] == "2026-11-24" for f in (tower, annex))
        assert homes() == {"floors": {mg.child_fid}, "units": {mg.child_fid}, "leases": {mg.child_fid}}
        merged = building_figures(load_space(s), mg.child_fid, as_of)
        assert (merged.vacant, merged.leased, merged.units) == (vacancy.vacant, vacancy.leased, vacancy.units)
        assert s.count("parcel_lineage") == 0

    def undone():
        assert active_buildings(s) == [("S", "棚"), ("T", "科创楼"), ("TA", "科创楼裙房")]
        assert homes() == {"floors": {tower}, "units": {tower}, "leases": {tower}}
        assert mg.child_fid not in set(gdal(s, layer="buildings").index)
        assert s.get("leases", lease)["unit_id"] == units[0] and s.get("units", units[1])["floor_id"] == floor

    cycle(s, mg, done, undone)
    assert mg.text == "合并建筑 TA-H"
    # the largest gives its attributes by default
    mg.revert(s)
    big = ed.MergeFeatures("buildings", [annex, tower])
    big.apply(s)
    assert s.get("buildings", big.child_fid)["code"] == "T-H"


def test_merge_buildings_refuses_apart_or_both_with_space(tower_and_annex):
    s, tower, annex, shed, *_ = tower_and_annex
    with pytest.raises(LandappError) as e:
        ed.MergeFeatures("buildings", [tower, shed]).apply(s)
    assert "不相连" in str(e.value)
    s.insert("units", {"building_id": annex, "area": 400.0, "status": "空置"})
    with pytest.raises(LandappError) as e:
        ed.MergeFeatures("buildings", [tower, annex]).apply(s)
    assert "T、TA" in str(e.value) and "分层图" in str(e.value)
    assert active_buildings(s) == [("S", "棚"), ("T", "科创楼"), ("TA", "科创楼裙房")]
    with pytest.raises(LandappError):
        ed.MergeFeatures("zones", [1, 2]).apply(s)


def test_a_part_split_off_along_a_shared_edge_merges_with_the_neighbour(empty_project):
    """A tilted annex built against a tower is split; the new corner lies on the tower's
    edge only to floating-point precision (~1e-10 m off), and in about half the cases the
    exact union then has two parts. The merge still makes one building of the tower and
    both parts, with their area."""
    import numpy as np
    import shapely.affinity

    s = empty_project
    missed = 0
    for k, angle in enumerate(np.arange(1.37, 40, 3.0)):
        tower_g = shapely.affinity.rotate(box(X0, Y0, X0 + 42.7, Y0 + 27.6), angle, origin=(X0, Y0))
        ring = np.asarray(tower_g.exterior.coords)
        p, q = ring[2], ring[3]
        u = (q - p) / np.hypot(*(q - p))
        n = np.array([-u[1], u[0]])
        if np.dot(n, (p + q) / 2 - np.asarray(tower_g.centroid.coords[0])) < 0:
            n = -n  # outward
        annex_g = Polygon([p, q, q + n * 12, p + n * 12])
        tower = s.insert("buildings", B(f"楼{k}", 0, 0, 1, 1, geometry=tower_g))
        annex = s.insert("buildings", B(f"裙房{k}", 0, 0, 1, 1, geometry=annex_g))
        m = (p + q) / 2
        sp = ed.SplitFeature("buildings", annex, LineString([m - n * 30, m + n * 30]))
        sp.apply(s)
        parts = [s.get("buildings", f)["geometry"] for f in sp.child_fids]
        missed += shapely.unary_union([tower_g, *parts]).geom_type != "Polygon"
        mg = ed.MergeFeatures("buildings", [tower, *sp.child_fids])
        mg.apply(s)
        g = s.get("buildings", mg.child_fid)["geometry"]
        assert len(shapely.get_parts(g)) == 1
        assert g.area == pytest.approx(tower_g.area + annex_g.area, abs=1e-3)
        mg.revert(s)
        sp.revert(s)
    assert missed  # the exact union did fall apart somewhere: the case is exercised


def test_deleting_a_building_takes_its_floors_units_and_leases_and_undo_returns_them(tower_and_annex):
    """Floors, units and leases hang on their building by building_id: deleting the building
    alone left them pointing at nothing (counted in no vacancy, shown nowhere)."""
    s, tower, _annex, _shed, floor, units, lease = tower_and_annex
    def table(t):  # 'modified' and 'row_version' say when a row was last written, and undo writes it again
        return gdal_table(s, t).sort_index().drop(columns=["modified", "row_version"], errors="ignore")

    before = {t: table(t) for t in ("floors", "units", "leases")}
    rm = ed.DeleteFeatures("buildings", [tower])

    def done():
        assert tower not in gdal(s, layer="buildings").index
        for t in ("floors", "units", "leases"):
            assert s.count(t, F("building_id") == tower) == 0
            assert len(gdal_table(s, t)) == 0

    def undone():
        assert gdal(s, layer="buildings").loc[tower, "code"] == "T"
        for t, df in before.items():
            assert table(t).equals(df)
        assert s.get("leases", lease)["unit_id"] == units[0] and s.get("units", units[0])["floor_id"] == floor

    cycle(s, rm, done, undone)
