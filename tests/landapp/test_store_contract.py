"""The ProjectStore contract, run against every backend (GeoPackage and PostGIS) from one
parametrised fixture (`any_project` in tests/conftest.py). What is GeoPackage-specific
(GDAL reading the file, SQLite's disk-full and corruption handling) stays in test_store.py."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings, strategies as st
from shapely.geometry import MultiPolygon, Polygon, box

from landapp.errors import ConflictError, FeatureNotFoundError, LandappError, ValidationError
from landapp.schema import PARCEL_STATUSES, SUPPLY_METHODS
from landapp.store import open_project
from landapp.store.filters import F, all_of, any_of, current

X0, Y0 = 430000.0, 3384000.0


def parcel(code="510112001001GB00001", dx=0.0, dy=0.0, w=100.0, h=80.0, **kw):
    return {"code": code, "status": "待供", "land_use": "100101",
            "geometry": box(X0 + dx, Y0 + dy, X0 + dx + w, Y0 + dy + h), **kw}


def test_insert_get_update_delete(any_project):
    s = any_project
    assert s.name == "测试园区" and s.get_setting("crs") == "EPSG:4544" and s.srs_id == 4544
    fid = s.insert("parcels", parcel(name="一号地块", far_min=1.0, far_max=2.5))
    rec = s.get("parcels", fid)
    assert rec["fid"] == fid and rec["name"] == "一号地块" and rec["far_max"] == 2.5
    assert rec["area_m2"] == pytest.approx(8000.0) and rec["area_mu"] == pytest.approx(12.0)
    assert isinstance(rec["geometry"], MultiPolygon) and rec["retired"] is False
    assert isinstance(rec["created"], str) and rec["created"] == rec["modified"]
    old = s.update("parcels", fid, {"status": "在建", "actual_start": dt.date(2025, 3, 1)})
    assert old == {"status": "待供", "actual_start": None}
    assert s.get("parcels", fid)["actual_start"] == "2025-03-01"
    old = s.update("parcels", fid, {"geometry": box(X0, Y0, X0 + 200, Y0 + 100)})
    assert old["area_m2"] == pytest.approx(8000.0)
    assert s.get("parcels", fid)["area_m2"] == pytest.approx(20000.0)
    assert s.fids_in_bbox("parcels", (X0 + 150, Y0 + 50, X0 + 160, Y0 + 60)) == [fid]
    assert s.extent("parcels") == pytest.approx((X0, Y0, X0 + 200, Y0 + 100))
    assert s.index_count("parcels") == 1
    deleted = s.delete("parcels", fid)
    assert deleted["fid"] == fid and deleted["status"] == "在建"
    with pytest.raises(FeatureNotFoundError):
        s.get("parcels", fid)
    assert s.count("parcels") == 0 and s.extent("parcels") is None
    # undo of the delete: re-insert with the same fid; a new feature never reuses an id
    assert s.insert("parcels", deleted, fid=fid) == fid
    assert s.get("parcels", fid)["status"] == "在建"
    with pytest.raises(LandappError):
        s.insert("parcels", deleted, fid=fid)
    assert s.insert("parcels", parcel("NEW", dx=500)) > fid
    assert s.integrity_check() == []


def test_update_returns_nothing_when_nothing_changes(any_project):
    fid = any_project.insert("parcels", parcel())
    assert any_project.update("parcels", fid, {"status": "待供"}) == {}


def test_edit_log_records_who_when_what(any_project):
    s = any_project
    fid = s.insert("parcels", parcel())
    s.update("parcels", fid, {"status": "在建"})
    log = s.rows("edit_log", F("layer") == "parcels", order_by="fid")
    assert [r["operation"] for r in log] == ["insert", "update"]
    assert log[1]["user"] == s.user and log[1]["feature_id"] == fid
    assert '"status": ["待供", "在建"]' in log[1]["changes"]
    assert s.rows("edit_log", (F("layer") == "parcels") & (F("feature_id") == fid), limit=1)[0]["operation"] == "insert"


def test_bbox_read_and_filters(any_project):
    s = any_project
    s.insert_many("parcels", [parcel(f"P{i:04d}", dx=i * 120.0) for i in range(50)])
    near = s.read_layer("parcels", bbox=(X0 + 1000, Y0, X0 + 1300, Y0 + 10))
    assert sorted(near["code"]) == ["P0008", "P0009", "P0010"]
    assert len(s.fids_in_bbox("parcels", (X0 + 1000, Y0, X0 + 1300, Y0 + 10))) == 3
    assert s.count("parcels", F("code").startswith("P004")) == 10
    assert [r["code"] for r in s.rows("parcels", F("code").in_(("P0003", "P0001")), order_by=F("code").desc(),
                                      geometry=False)] == ["P0003", "P0001"]
    assert len(s.read_layer("parcels", where=F("code") == "P0002")) == 1


def test_read_layer_types_match_across_backends(any_project):
    """Callers (themes, tables, rules) see the same column types from either backend."""
    s = any_project
    user = s.insert("enterprises", {"name": "使用权人"})
    s.insert_many("parcels", [parcel("A", supply_date="2020-01-02", land_user_id=user),
                              parcel("B", dx=200, far_max=2.0)])
    df = s.read_layer("parcels")
    assert df.index.name == "fid" and df.crs.to_epsg() == 4544
    assert list(df.columns) == [*[f for f in df.columns if f != "geometry"], "geometry"]
    assert df["code"].tolist() == ["A", "B"] and pd.isna(df["name"]).all()
    assert df["far_max"].dtype == np.float64 and np.isnan(df["far_max"].iloc[0])
    assert df["supply_date"].iloc[0] == dt.date(2020, 1, 2) and df["supply_date"].iloc[1] is None
    assert df["retired"].dtype == bool and df["created"].dtype.kind == "M"
    assert df["land_user_id"].tolist()[0] == user and np.isnan(df["land_user_id"].iloc[1])
    attrs = s.read_layer("parcels", columns=["code"], geometry=False)
    assert list(attrs.columns) == ["code"] and "geometry" not in attrs
    assert s.read_layer("parcels", columns=[]).columns.tolist() == ["geometry"]
    empty = s.read_layer("buildings", columns=["name"])
    assert len(empty) == 0 and list(empty.columns) == ["name", "geometry"]


def test_insert_many_is_all_or_nothing(any_project):
    s = any_project
    recs = [parcel(f"P{i}", dx=i * 120.0) for i in range(10)]
    recs[7]["status"] = "不存在的状态"
    with pytest.raises(ValidationError) as e:
        s.insert_many("parcels", recs)
    assert e.value.field == "status"
    assert s.count("parcels") == 0
    fids = s.insert_many("parcels", [parcel(f"P{i}", dx=i * 120.0) for i in range(10)])
    assert len(set(fids)) == 10 and [s.get("parcels", f)["code"] for f in fids] == [f"P{i}" for i in range(10)]
    assert s.count("edit_log", F("operation") == "insert") == 10


def test_transaction_rolls_back_everything_and_emits_nothing(any_project):
    s = any_project
    events = []
    s.signals.changed.connect(events.append)
    with pytest.raises(RuntimeError):
        with s.transaction():
            s.insert("parcels", parcel("A"))
            s.insert("parcels", parcel("B", dx=200))
            raise RuntimeError("boom")
    assert s.count("parcels") == 0 and events == []
    with s.transaction():
        a = s.insert("parcels", parcel("A"))
        try:  # a failing nested part is rolled back to its savepoint only
            with s.transaction():
                s.insert("parcels", parcel("B", dx=200))
                raise ValueError
        except ValueError:
            pass
    assert [r["code"] for r in s.rows("parcels")] == ["A"]
    assert [(e.layer, e.op, e.fids) for e in events] == [("parcels", "insert", (a,))]


def test_change_events(any_project):
    s = any_project
    events = []
    s.signals.changed.connect(events.append)
    fid = s.insert("parcels", parcel())
    s.update("parcels", fid, {"name": "甲"})
    s.delete("parcels", fid)
    assert [(e.op, e.fids) for e in events] == [("insert", (fid,)), ("update", (fid,)), ("delete", (fid,))]
    assert events[1].fields == ("name",)


def test_delete_many_returns_the_records(any_project):
    s = any_project
    fids = s.insert_many("parcels", [parcel(f"D{i}", dx=i * 120.0) for i in range(5)])
    gone = s.delete_many("parcels", [fids[3], fids[1]])
    assert sorted(r["code"] for r in gone) == ["D1", "D3"] and s.count("parcels") == 3
    with pytest.raises(FeatureNotFoundError):
        s.delete_many("parcels", [fids[0], fids[1]])
    assert s.count("parcels") == 3


def test_external_changes_are_reported(any_project):
    a = any_project
    b = open_project(a.path)
    try:
        fid = b.insert("parcels", parcel())
        b.update("parcels", fid, {"name": "乙"})
        seen = []
        a.signals.changed.connect(seen.append)
        events = a.poll_external_changes()
        assert {(e.op, e.fids, e.external) for e in events} == {("insert", (fid,), True),
                                                                ("update", (fid,), True)}
        assert seen == events
        assert a.poll_external_changes() == []
    finally:
        b.close()


def test_optimistic_conflict(any_project):
    s = any_project
    fid = s.insert("parcels", parcel(name="甲"))
    other = open_project(s.path)
    other.update("parcels", fid, {"name": "乙"})
    other.close()
    with pytest.raises(ConflictError):
        s.update("parcels", fid, {"name": "丙"}, expected={"name": "甲"})
    assert s.get("parcels", fid)["name"] == "乙"


@pytest.mark.parametrize("changes, field", [
    ({"far_min": 3.0, "far_max": 2.0}, "far_max"),
    ({"density": 120}, "density"),
    ({"status": "烂尾"}, "status"),
    ({"land_use": "Z9"}, "land_use"),
    ({"supply_date": "2024-13-40"}, "supply_date"),
    ({"no_such_field": 1}, "no_such_field"),
])
def test_bad_values_name_the_field_and_rule(any_project, changes, field):
    fid = any_project.insert("parcels", parcel())
    with pytest.raises(ValidationError) as e:
        any_project.update("parcels", fid, changes)
    assert e.value.field == field
    assert any_project.get("parcels", fid)["status"] == "待供"


def test_bad_geometries_are_refused(any_project):
    s = any_project
    bowtie = Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)])
    for geom, needle in [(bowtie, "无效"), (Polygon(), "为空"), (None, "缺少"),
                         (box(0, 0, 10, 10), "有效范围")]:
        with pytest.raises(ValidationError) as e:
            s.insert("parcels", {**parcel(), "geometry": geom})
        assert e.value.field == "geometry" and needle in str(e.value)
    assert s.count("parcels") == 0


def test_old_land_use_codes_are_mapped(any_project):
    fid = any_project.insert("parcels", parcel(land_use="M2"))
    rec = any_project.get("parcels", fid)
    assert rec["land_use"] == "100102" and rec["land_use_source"] == "M2"


def test_retired_parcels_are_history(any_project):
    s = any_project
    a = s.insert("parcels", parcel("A"))
    s.insert("parcels", parcel("B", dx=200))
    s.update("parcels", a, {"retired": True, "retired_date": "2026-01-01"})
    assert list(s.read_layer("parcels")["code"]) == ["B"]
    assert sorted(s.read_layer("parcels", include_retired=True)["code"]) == ["A", "B"]
    assert s.count("parcels", (F("retired") == 0) | F("retired").is_null()) == 1


def test_group_totals_count_active_features_per_group(any_project):
    """Counts and sums per group of the features in use (retired ones only when asked),
    the same on both backends: info and the dashboard read their totals this way."""
    s = any_project
    fids = [s.insert("parcels", parcel(f"P{i}", dx=200 * i, w=100 + i, status=st))
            for i, st in enumerate(["待供", "待供", "在建", "储备", "在建"])]
    s.update("parcels", fids[4], {"retired": True, "retired_date": "2026-01-01"})
    got = s.group_totals("parcels", ("status",), ("area_m2",))
    want = {"待供": (2, 100 * 80 + 101 * 80), "在建": (1, 102 * 80), "储备": (1, 103 * 80)}
    assert {r[0]: (r[1], pytest.approx(r[2])) for r in got} == want
    assert [r[0] for r in got] == sorted(want)  # in the order of the groups
    assert s.group_totals("parcels", ()) == [(4,)]
    every = {(bool(r[0]), r[1]): r[2] for r in s.group_totals("parcels", ("retired", "status"), include_retired=True)}
    assert every == {(False, "待供"): 2, (False, "在建"): 1, (False, "储备"): 1, (True, "在建"): 1}


def test_settings(any_project):
    s = any_project
    s.set_setting("contact", "王工")
    assert s.get_setting("contact") == "王工" and s.settings()["contact"] == "王工"
    s.set_setting("contact", None)
    assert s.get_setting("contact", "无") == "无"


def test_tables_without_geometry(any_project):
    s = any_project
    bid = s.insert("buildings", {"name": "1号厂房", "btype": "标准厂房", "geometry": box(X0, Y0, X0 + 50, Y0 + 20)})
    assert s.get("buildings", bid)["footprint_m2"] == pytest.approx(1000.0)
    uid = s.insert("units", {"building_id": bid, "area": 500, "status": "空置"})
    eid = s.insert("enterprises", {"name": "甲公司", "above_scale": True})
    assert s.get("enterprises", eid)["above_scale"] is True
    assert [u["fid"] for u in s.rows("units", F("building_id") == bid)] == [uid]
    df = s.read_layer("enterprises")
    assert df["above_scale"].tolist() == [True] and not hasattr(df, "geometry")


# ---- property: what goes in comes out -------------------------------------------------

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                max_size=20).map(str.strip).filter(bool)
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31))
polys = st.tuples(st.floats(0, 5000), st.floats(0, 5000), st.floats(1, 500), st.floats(1, 500)).map(
    lambda t: box(X0 + t[0], Y0 + t[1], X0 + t[0] + t[2], Y0 + t[1] + t[3]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=texts, name=st.none() | texts, status=st.sampled_from(PARCEL_STATUSES),
       method=st.none() | st.sampled_from(SUPPLY_METHODS), far=st.floats(0, 30),
       green=st.floats(0, 100), start=st.none() | dates, geom=polys, retired=st.booleans())
def test_round_trip(any_project, code, name, status, method, far, green, start, geom, retired):
    rec = {"code": code, "name": name, "status": status, "supply_method": method, "far_max": far,
           "green_ratio": green, "agreed_start": start, "geometry": geom, "retired": retired}
    fid = any_project.insert("parcels", rec)
    got = any_project.get("parcels", fid)
    for k, v in rec.items():
        if k == "geometry":
            assert got[k].equals(MultiPolygon([v]))
        elif k == "agreed_start":
            assert got[k] == (v.isoformat() if v else None)
        else:
            assert got[k] == v, k
    assert got["area_m2"] == pytest.approx(round(geom.area, 2))
    df = any_project.read_layer("parcels", include_retired=True)
    assert df.loc[fid, "code"] == code and shapely.equals(df.geometry[fid], MultiPolygon([geom]))


def test_a_transaction_emits_one_event_per_run_of_like_changes(any_project):
    s = any_project
    fids = [s.insert("parcels", parcel(f"R{i}", dx=i * 120.0)) for i in range(4)]
    events = []
    s.signals.changed.connect(events.append)
    with s.transaction():
        for f in fids[:3]:
            s.update("parcels", f, {"name": "改"})
        s.update("parcels", fids[3], {"status": "在建"})
        s.update("parcels", fids[0], {"name": "再改"})
        s.delete("parcels", fids[1])
        s.delete("parcels", fids[2])
    assert [(e.op, e.fids, e.fields) for e in events] == [
        ("update", tuple(fids[:3]), ("name",)), ("update", (fids[3],), ("status",)),
        ("update", (fids[0],), ("name",)), ("delete", (fids[1], fids[2]), None)]


def test_text_with_control_characters_reads_back(any_project):
    """Values holding the separator the columnar read uses (\\x1f) or nothing at all."""
    s = any_project
    names = ["甲\x1f乙", None, "x\x1f\x1fy", "丙"]
    s.insert_many("parcels", [parcel(f"C{i}", dx=i * 120.0, name=n) for i, n in enumerate(names)])
    got = s.read_layer("parcels", columns=["name"])["name"].tolist()
    assert [None if pd.isna(v) else v for v in got] == names


def test_edits_by_other_programs_are_seen(tmp_path):
    """GDAL (as QGIS writes) and a plain SQLite tool change the file: the change table's
    triggers record it and the open store reports it as external; landapp's own edits and
    another landapp's are not reported twice."""
    import sqlite3

    import geopandas as gpd
    import pyogrio

    from landapp import gpkg
    from landapp.store import create_project

    s = create_project(tmp_path / "p.gpkg", "园区")
    try:
        mine = s.insert("parcels", parcel("MINE"))
        assert s.poll_external_changes() == []
        gdf = gpd.GeoDataFrame({"code": ["QGIS1"], "status": ["待供"]},
                               geometry=[MultiPolygon([box(X0 + 500, Y0, X0 + 600, Y0 + 80)])], crs=4544)
        pyogrio.write_dataframe(gdf, s.path, layer="parcels", append=True)
        con = sqlite3.connect(s.path)
        gpkg.register_functions(con)  # QGIS has these built in
        con.execute("UPDATE parcels SET name = '外部改名' WHERE fid = ?", (mine,))
        con.commit()
        con.close()
        other = open_project(s.path)
        other.update("parcels", mine, {"note": "另一个 landapp"})
        other.close()
        events = s.poll_external_changes()
        new = [f for f in s.table_fids("parcels").tolist() if f != mine]
        got = {(e.op, e.fids) for e in events}
        assert ("insert", tuple(new)) in got and ("update", (mine,)) in got
        assert all(e.external for e in events)
        # the other landapp's update came once (from its edit log), GDAL's insert and the SQL update once each
        assert sorted(e.op for e in events) == ["insert", "update", "update"]
        assert s.poll_external_changes() == []
        assert s.get("parcels", mine)["name"] == "外部改名"
        # the feature's history: landapp's edits with who and what, the SQL tool's as another program
        from landapp.history import feature_history
        hist = feature_history(s, "parcels", mine)
        assert [(h["user"], h["operation"]) for h in hist].count(("其他程序(如 QGIS)", "update")) == 1
        assert {h["operation"] for h in hist if h["user"] == s.user} == {"insert", "update"}
        assert s.other_programs_changes("parcels", new[0]) and s.other_programs_changes("parcels", new[0])[0]["operation"] == "insert"
    finally:
        s.close()


def test_typed_filters(any_project):
    """Field, operator, value; & and |; checked names, values as parameters, so text that
    looks like SQL is only a value."""
    s = any_project
    fids = s.insert_many("parcels", [parcel(f"T{i}", dx=i * 120.0, name=n, far_max=far)
                                     for i, (n, far) in enumerate([("甲", 1.0), ("乙", 2.0), (None, 3.0),
                                                                   ("x' OR 1=1 --", None)])])
    s.update("parcels", fids[1], {"retired": True})
    assert [r["code"] for r in s.rows("parcels", F("name") == "甲")] == ["T0"]
    assert s.count("parcels", F("far_max") >= 2.0) == 2
    assert s.count("parcels", (F("far_max") > 1.0) & F("retired").is_not_true()) == 1
    assert s.count("parcels", (F("name") == "甲") | F("name").is_null()) == 2
    assert s.count("parcels", F("name") == "x' OR 1=1 --") == 1
    assert s.count("parcels", F("code").in_(["T1", "T3", "nope"])) == 2
    assert s.count("parcels", F("code").not_in([])) == 4 and s.count("parcels", F("code").in_([])) == 0
    assert s.count("parcels", F("retired") == True) == 1  # noqa: E712
    assert s.count("parcels", F("fid") == fids[2]) == 1
    assert [r["code"] for r in s.rows("parcels", F("name").contains("OR 1"), geometry=False)] == ["T3"]
    assert sorted(s.read_layer("parcels", where=F("far_max") < 2.5)["code"]) == ["T0"]  # T1 retired
    assert sorted(s.read_layer("parcels", where=F("name") == "x' OR 1=1 --", include_retired=True)["code"]) == ["T3"]
    with pytest.raises(LandappError):
        s.rows("parcels", F("name; DROP TABLE parcels") == 1)
    with pytest.raises(LandappError):
        s.count("parcels", F("far_max") == float("nan"))


def _codes(s, where, **kw):
    return sorted(r["code"] for r in s.rows("parcels", where, geometry=False, **kw))


def test_filter_operators_nesting_and_nulls(any_project):
    """Every operator, on text, numbers and dates, on both backends; empty cells match only
    is_null (a comparison with an empty cell is never true, as in SQL)."""
    s = any_project
    rows = [("A1", "甲厂", 1.0, dt.date(2024, 1, 5)), ("A2", "乙厂", 2.0, None),
            ("B1", None, None, dt.date(2025, 6, 1)), ("B2", "Acme 公司", 2.5, dt.date(2023, 3, 9))]
    fids = s.insert_many("parcels", [parcel(c, dx=i * 120.0, name=n, far_max=far, agreed_start=d)
                                     for i, (c, n, far, d) in enumerate(rows)])
    assert _codes(s, F("far_max") == 2.0) == ["A2"]
    assert _codes(s, F("far_max") != 2.0) == ["A1", "B2"]  # B1's empty far_max is not "not 2"
    assert _codes(s, F("far_max") < 2.0) == ["A1"]
    assert _codes(s, F("far_max") <= 2.0) == ["A1", "A2"]
    assert _codes(s, F("far_max") > 2.0) == ["B2"]
    assert _codes(s, F("far_max") >= 2.0) == ["A2", "B2"]
    assert _codes(s, F("agreed_start") >= dt.date(2024, 1, 1)) == ["A1", "B1"]  # dates bound as ISO text
    assert _codes(s, F("agreed_start") < "2024-01-05") == ["B2"]
    assert sorted(s.read_layer("parcels", where=F("agreed_start") < dt.date(2024, 1, 5))["code"]) == ["B2"]
    assert _codes(s, F("name").is_null()) == ["B1"] == _codes(s, F("name") == None)  # noqa: E711
    assert _codes(s, F("name").is_not_null()) == ["A1", "A2", "B2"] == _codes(s, F("name") != None)  # noqa: E711
    assert _codes(s, F("name").contains("acme")) == ["B2"]  # case-insensitive
    assert _codes(s, F("name").contains("厂")) == ["A1", "A2"]
    assert _codes(s, F("code").startswith("a")) == ["A1", "A2"]
    assert _codes(s, F("code").startswith("1")) == []  # a prefix, not a substring
    assert _codes(s, F("name").in_(["甲厂", "nope", None])) == ["A1"]
    assert _codes(s, F("name").not_in(["甲厂"])) == ["A2", "B2"]
    assert _codes(s, F("agreed_start").in_([dt.date(2023, 3, 9), dt.date(2025, 6, 1)])) == ["B1", "B2"]
    assert _codes(s, F("fid").in_(fids[:2])) == ["A1", "A2"]
    # AND binds what it is given: a | (b & c) differs from (a | b) & c
    a, b, c = F("code") == "A1", F("code") == "A2", F("far_max") > 1.5
    assert _codes(s, a | (b & c)) == ["A1", "A2"]
    assert _codes(s, (a | b) & c) == ["A2"]
    assert _codes(s, ((F("name") == "甲厂") | F("name").is_null()) & ((F("far_max") < 1.5) | F("far_max").is_null())) \
        == ["A1", "B1"]
    assert _codes(s, any_of()) == [] and all_of() is None and _codes(s, all_of(None, a)) == ["A1"]
    s.update("parcels", fids[0], {"retired": True})
    assert _codes(s, current()) == ["A2", "B1", "B2"] and s.count("parcels", F("retired") == 1) == 1
    assert s.count("parcels", F("geometry").is_not_null()) == 4
    with pytest.raises(LandappError, match="没有字段|no field"):
        s.count("parcels", F("no_such_field") == 1)
    with pytest.raises(LandappError):
        s.count("parcels", F("geometry") == "x")


def test_filter_values_are_never_sql(any_project):
    s = any_project
    evil = "x' OR 1=1 --"
    s.insert_many("parcels", [parcel("E1", name=evil), parcel("E2", dx=120.0, name="plain"),
                              parcel("E3", dx=240.0, name='a"; DROP TABLE parcels; --')])
    for where in (F("name") == evil, F("name").in_([evil]), F("name").contains("' OR 1=1"),
                  F("name").startswith("x' OR")):
        assert _codes(s, where) == ["E1"]
        assert sorted(s.read_layer("parcels", where=where)["code"]) == ["E1"]  # GDAL: escaped literals
    assert _codes(s, F("name") == 'a"; DROP TABLE parcels; --') == ["E3"] and s.count("parcels") == 3
    assert s.count("parcels", F("name").in_([evil] + [f"v{i}" for i in range(1500)])) == 1  # the long form too


def test_filter_in_over_many_values(any_project):
    """An IN over 100,000 fids is one parameter (SQLite allows 32,766 variables, PostgreSQL
    65,535), in every read."""
    s = any_project
    fids = s.insert_many("parcels", [parcel(f"M{i:03d}", dx=(i % 20) * 120.0, dy=(i // 20) * 100.0)
                                     for i in range(60)])
    wanted = list(range(-100_000, 0)) + fids[::2]  # mostly fids that do not exist
    assert s.count("parcels", F("fid").in_(wanted)) == 30
    assert s.count("parcels", F("fid").not_in(wanted)) == 30
    assert [r["fid"] for r in s.rows("parcels", F("fid").in_(wanted), geometry=False)] == sorted(fids[::2])
    assert sorted(s.read_layer("parcels", where=F("fid").in_(wanted)).index) == sorted(fids[::2])
    assert len(s.values("parcels", ["fid"], F("fid").in_(wanted))) == 30
    attrs, data, offsets = s.read_wkb("parcels", columns=["code"], where=F("fid").in_(wanted))
    assert len(attrs) == 30 and len(offsets) == 31
    codes = [f"M{i:03d}" for i in range(0, 60, 3)]
    assert s.count("parcels", F("code").in_(codes + [f"X{i}" for i in range(5000)])) == 20
    assert s.count("parcels", (F("code").in_(codes * 100)) & (F("fid").in_(wanted))) == 10


def test_order_by_is_typed(any_project):
    s = any_project
    s.insert_many("parcels", [parcel(c, dx=i * 120.0, far_max=f)
                              for i, (c, f) in enumerate([("O1", 2.0), ("O2", None), ("O3", 1.0), ("O4", 2.0)])])
    assert [r["code"] for r in s.rows("parcels", order_by="far_max")] == ["O2", "O3", "O1", "O4"]  # empty first
    assert [r["code"] for r in s.rows("parcels", order_by=F("far_max").desc())][-1] == "O2"  # empty last
    assert [r["code"] for r in s.rows("parcels", order_by=(F("far_max").desc(), F("code").desc()))] == \
        ["O4", "O1", "O3", "O2"]
    assert [r["code"] for r in s.rows("parcels", order_by=["far_max", "code"], limit=2)] == ["O2", "O3"]
    for bad in ("fid DESC", "far_max; DROP TABLE parcels", "nope"):
        with pytest.raises(LandappError):
            s.rows("parcels", order_by=bad)


def test_sql_text_is_refused(any_project):
    s = any_project
    s.insert("parcels", parcel("R1"))
    for call in (lambda: s.rows("parcels", "code = 'R1'"), lambda: s.count("parcels", "1=1"),
                 lambda: s.read_layer("parcels", where="retired = 0"),
                 lambda: s.values("parcels", ["code"], "code = 'R1'"),
                 lambda: s.read_wkb("parcels", columns=["code"], where="code = 'R1'")):
        with pytest.raises(TypeError, match="typed filter"):
            call()
    with pytest.raises(TypeError):
        s.rows("parcels", F("code") == "R1", ("R1",))  # no positional params any more
    with pytest.raises(TypeError):
        s.count("parcels", F("code") == "?", params=("R1",))
    with pytest.raises(TypeError):
        s.rows("parcels", F("code"))  # a field is not a condition
    with pytest.raises(TypeError, match="&"):
        s.rows("parcels", (F("code") == "R1") and (F("code") == "x"))  # `and` would drop the first
    with pytest.raises(TypeError):
        s.rows("parcels", F("code") == "R1" & current())  # unparenthesised: "R1" & filter


def test_read_wkb_as_arrow_is_the_frame(any_project):
    """read_wkb(arrow=True) gives the attributes as an Arrow table, "fid" first, that
    attrs_frame turns into read_wkb's frame; the WKB is the same."""
    from landapp.store.base import attrs_frame

    s = any_project
    s.insert_many("parcels", [parcel("W1", name="甲"), parcel("W2", dx=120.0), parcel("W3", dx=240.0, name="丙")])
    frame, data, offsets = s.read_wkb("parcels", columns=["code", "name", "area_m2"])
    table, data2, offsets2 = s.read_wkb("parcels", columns=["code", "name", "area_m2"], arrow=True)
    assert table.column_names[0] == "fid" and table.num_rows == 3
    got = attrs_frame(table)
    assert got.equals(frame) and list(got.dtypes) == list(frame.dtypes) and got.index.name == "fid"
    assert bytes(data) == bytes(data2) and list(offsets) == list(offsets2)


def test_read_wkb_is_read_layer_as_bytes(any_project):
    """The map's read gives what read_layer gives, the shapes as WKB in one buffer, in fid
    order: also after an edit (PostgreSQL moves an updated row to the end of its table)
    and with a retired feature left out; each backend hands over its own bytes."""
    s = any_project
    fids = s.insert_many("parcels", [parcel(f"K{i}", dx=120.0 * i, w=100 + i, name=None if i % 2 else f"名{i}")
                                     for i in range(6)])
    s.update("parcels", fids[1], {"geometry": box(X0 + 120, Y0, X0 + 230, Y0 + 95), "status": "在建"})
    s.update("parcels", fids[4], {"retired": True, "retired_date": "2026-01-01"})
    cols = ["code", "name", "status", "area_m2"]
    attrs, data, offsets = s.read_wkb("parcels", columns=cols)
    want = s.read_layer("parcels", columns=cols)
    assert list(attrs.index) == list(want.index) == sorted(set(fids) - {fids[4]})
    assert attrs.equals(want.drop(columns="geometry")) and list(attrs.dtypes) == list(want.drop(columns="geometry").dtypes)
    assert len(offsets) == len(want) + 1 and offsets[-1] == len(data)
    shapes = shapely.from_wkb([bytes(data[a:b]) for a, b in zip(offsets[:-1], offsets[1:])])
    assert all(shapely.equals_exact(shapes, want.geometry.values, 0.0))
    assert shapes[1].equals(box(X0 + 120, Y0, X0 + 230, Y0 + 95))
    # a filter's values stay values (bound parameters, or escaped where GDAL reads)
    s.update("parcels", fids[0], {"name": "王's 地块"})
    assert len(s.read_wkb("parcels", columns=["name"], where=F("name") == "x' OR '1'='1")[0]) == 0
    got, data, offsets = s.read_wkb("parcels", columns=["name"], where=F("name") == "王's 地块")
    assert list(got.index) == [fids[0]] and len(offsets) == 2 and offsets[1] == len(data) > 0
