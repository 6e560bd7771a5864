"""The GeoPackage project store: round trips, in-place edits seen by GDAL, events,
transactions, validation, and what other GIS software sees."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, given, settings, strategies as st
from shapely.geometry import MultiPolygon, Polygon, box

from landapp.errors import (ConflictError, FeatureNotFoundError, LandappError, NotAGeoPackageError,
                            ProjectError, ProjectNotFoundError, ValidationError)
from landapp.schema import PARCEL_STATUSES, SUPPLY_METHODS
from landapp.store import create_project, open_project
from landapp.store.filters import F

X0, Y0 = 430000.0, 3384000.0


def parcel(code="510112001001GB00001", dx=0.0, dy=0.0, w=100.0, h=80.0, **kw):
    return {"code": code, "status": "待供", "land_use": "100101",
            "geometry": box(X0 + dx, Y0 + dy, X0 + dx + w, Y0 + dy + h), **kw}


def test_new_project_is_a_geopackage_gdal_reads(empty_project):
    path = empty_project.path
    layers = dict(pyogrio.list_layers(path).tolist())
    assert {"zones", "roads", "parcels", "buildings"} <= set(layers)
    assert layers["parcels"] == "MultiPolygon"
    for table in ("floors", "units", "enterprises", "leases", "revitalisation_cases",
                  "parcel_lineage", "edit_log", "project_settings"):
        assert table in layers
    info = pyogrio.read_info(path, layer="parcels")
    assert info["crs"] == "EPSG:4544"
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    # Chinese field titles through the gpkg_data_columns (schema) extension
    titles = dict(con.execute(
        "SELECT column_name, title FROM gpkg_data_columns WHERE table_name='parcels'").fetchall())
    assert titles["code"] == "地块编号" and titles["land_use"] == "用地性质"
    assert con.execute("SELECT count(*) FROM gpkg_extensions WHERE extension_name='gpkg_schema'"
                       ).fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM gpkg_extensions WHERE extension_name='gpkg_rtree_index' "
                       "AND table_name='parcels'").fetchone()[0] == 1
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert empty_project.get_setting("crs") == "EPSG:4544"
    assert empty_project.name == "测试园区"


def test_ogrinfo_sees_titles_and_domains(empty_project):
    import shutil
    import subprocess

    if not shutil.which("ogrinfo"):
        pytest.skip("ogrinfo (gdal-bin) not installed")
    out = subprocess.run(["ogrinfo", "-so", empty_project.path, "parcels"], capture_output=True,
                         text=True, check=True).stdout
    assert "Geometry: Multi Polygon" in out
    assert "status: String" in out and "domain name=parcels_status" in out


def test_insert_get_update_delete_in_place(empty_project):
    s = empty_project
    fid = s.insert("parcels", parcel(name="一号地块", far_min=1.0, far_max=2.5))
    rec = s.get("parcels", fid)
    assert rec["name"] == "一号地块" and rec["far_max"] == 2.5
    assert rec["area_m2"] == pytest.approx(8000.0)
    assert rec["area_mu"] == pytest.approx(12.0)
    assert isinstance(rec["geometry"], MultiPolygon)
    # GDAL sees the edit made in place
    df = pyogrio.read_dataframe(s.path, layer="parcels", fid_as_index=True)
    assert df.loc[fid, "name"] == "一号地块"
    old = s.update("parcels", fid, {"status": "在建", "actual_start": dt.date(2025, 3, 1)})
    assert old == {"status": "待供", "actual_start": None}
    df = pyogrio.read_dataframe(s.path, layer="parcels", fid_as_index=True)
    assert df.loc[fid, "status"] == "在建"
    assert str(df.loc[fid, "actual_start"])[:10] == "2025-03-01"
    old = s.update("parcels", fid, {"geometry": box(X0, Y0, X0 + 200, Y0 + 100)})
    assert old["area_m2"] == pytest.approx(8000.0)
    assert s.get("parcels", fid)["area_m2"] == pytest.approx(20000.0)
    assert s.fids_in_bbox("parcels", (X0 + 150, Y0 + 50, X0 + 160, Y0 + 60)) == [fid]
    deleted = s.delete("parcels", fid)
    assert deleted["fid"] == fid and deleted["status"] == "在建"
    with pytest.raises(FeatureNotFoundError):
        s.get("parcels", fid)
    assert len(pyogrio.read_dataframe(s.path, layer="parcels")) == 0
    # undo of the delete: re-insert with the same fid
    assert s.insert("parcels", deleted, fid=fid) == fid
    assert s.get("parcels", fid)["status"] == "在建"


def test_update_returns_nothing_when_nothing_changes(empty_project):
    fid = empty_project.insert("parcels", parcel())
    assert empty_project.update("parcels", fid, {"status": "待供"}) == {}


def test_edit_log_records_who_when_what(empty_project):
    s = empty_project
    fid = s.insert("parcels", parcel())
    s.update("parcels", fid, {"status": "在建"})
    log = s.rows("edit_log", F("layer") == "parcels", order_by="fid")
    assert [r["operation"] for r in log] == ["insert", "update"]
    assert log[1]["user"] == s.user and log[1]["feature_id"] == fid
    assert '"status": ["待供", "在建"]' in log[1]["changes"]


def test_bbox_read_uses_spatial_index(empty_project):
    s = empty_project
    s.insert_many("parcels", [parcel(f"P{i:04d}", dx=i * 120.0) for i in range(50)])
    near = s.read_layer("parcels", bbox=(X0 + 1000, Y0, X0 + 1300, Y0 + 10))
    assert sorted(near["code"]) == ["P0008", "P0009", "P0010"]
    assert len(s.fids_in_bbox("parcels", (X0 + 1000, Y0, X0 + 1300, Y0 + 10))) == 3


def test_attributes_can_be_read_without_geometry(empty_project):
    s = empty_project
    fids = s.insert_many("parcels", [parcel(f"P{i}", dx=i * 120.0) for i in range(3)])
    df = s.read_layer("parcels", columns=["code"], geometry=False)
    assert "geometry" not in df.columns and list(df.columns) == ["code"]
    assert df["code"].to_dict() == {f: f"P{i}" for i, f in enumerate(fids)}


def test_insert_many_is_all_or_nothing(empty_project):
    s = empty_project
    recs = [parcel(f"P{i}", dx=i * 120.0) for i in range(10)]
    recs[7]["status"] = "不存在的状态"
    with pytest.raises(ValidationError) as e:
        s.insert_many("parcels", recs)
    assert e.value.field == "status"
    assert s.count("parcels") == 0


def test_full_disk_is_one_clear_sentence_and_loses_nothing(empty_project):
    """SQLite's SQLITE_FULL (what a full disk gives) is simulated with max_page_count: the
    bulk insert fails with one sentence, and the file keeps exactly what it had."""
    s = empty_project
    s.insert("parcels", parcel("KEEP"))
    pages = s._conn.execute("PRAGMA page_count").fetchone()[0]
    s._conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    events = []
    s.signals.changed.connect(events.append)
    recs = [parcel(f"P{i:04d}", dx=(i + 1) * 120.0, name="很长的地块名称" * 20) for i in range(2000)]
    with pytest.raises(LandappError) as e:
        s.insert_many("parcels", recs)
    assert "磁盘已满" in str(e.value) and "\n" not in str(e.value)
    assert events == []
    assert [r["code"] for r in s.rows("parcels")] == ["KEEP"]
    assert s.integrity_check() == []
    assert list(pyogrio.read_dataframe(s.path, layer="parcels")["code"]) == ["KEEP"]


def test_transaction_rolls_back_everything_and_emits_nothing(empty_project):
    s = empty_project
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


def test_change_events(empty_project):
    s = empty_project
    events = []
    s.signals.changed.connect(events.append)
    fid = s.insert("parcels", parcel())
    s.update("parcels", fid, {"name": "甲"})
    s.delete("parcels", fid)
    assert [(e.op, e.fids) for e in events] == [("insert", (fid,)), ("update", (fid,)), ("delete", (fid,))]
    assert events[1].fields == ("name",)


def test_external_changes_are_reported(empty_project):
    a = empty_project
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


def test_optimistic_conflict(empty_project):
    s = empty_project
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
    ({"height_limit": "高"}, "height_limit"),
    ({"agreed_start": "2025-05-01", "agreed_completion": "2024-05-01"}, "agreed_completion"),
    ({"no_such_field": 1}, "no_such_field"),
])
def test_bad_values_name_the_field_and_rule(empty_project, changes, field):
    fid = empty_project.insert("parcels", parcel())
    with pytest.raises(ValidationError) as e:
        empty_project.update("parcels", fid, changes)
    assert e.value.field == field
    assert e.value.title in str(e.value) and e.value.rule in str(e.value)
    assert empty_project.get("parcels", fid)["status"] == "待供"


def test_bad_geometries_are_refused(empty_project):
    s = empty_project
    bowtie = Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)])
    for geom, needle in [(bowtie, "无效"), (Polygon(), "为空"), (None, "缺少"),
                         (box(0, 0, 10, 10), "有效范围"),
                         (Polygon([(X0, Y0), (X0 + 1, float("nan")), (X0 + 1, Y0)]), "NaN")]:
        with pytest.raises(ValidationError) as e:
            s.insert("parcels", {**parcel(), "geometry": geom})
        assert e.value.field == "geometry" and needle in str(e.value)
    assert s.count("parcels") == 0


def test_old_land_use_codes_are_mapped(empty_project):
    fid = empty_project.insert("parcels", parcel(land_use="M2"))
    rec = empty_project.get("parcels", fid)
    assert rec["land_use"] == "100102" and rec["land_use_source"] == "M2"


def test_group_totals_take_an_empty_retired_as_active(empty_project):
    """A row another program left with retired NULL is in use, counted with the 0s in one
    group (the totals group by retired first, for the (retired, …) indexes)."""
    s = empty_project
    for i, bt in enumerate(["标准厂房", "标准厂房", "楼宇", "标准厂房"]):
        s.insert("buildings", {"name": f"B{i}", "btype": bt,
                               "geometry": box(430000 + 50 * i, 3384000, 430000 + 50 * i + 30, 3384030)})
    s._conn.execute("UPDATE buildings SET retired = NULL WHERE name = 'B0'")
    s._conn.execute("UPDATE buildings SET retired = 1 WHERE name = 'B3'")
    s._conn.commit()
    assert s.group_totals("buildings", ("btype",)) == [("标准厂房", 2), ("楼宇", 1)]
    assert s.group_totals("buildings") == [(3,)]
    plan = " ".join(r[-1] for r in s._conn.execute(
        'EXPLAIN QUERY PLAN SELECT "retired", "btype", count(*) FROM buildings GROUP BY "retired", "btype"'))
    assert "idx_buildings_retired_btype_zone" in plan  # answered from the index alone


def test_retired_parcels_are_history(empty_project):
    s = empty_project
    a = s.insert("parcels", parcel("A"))
    s.insert("parcels", parcel("B", dx=200))
    s.update("parcels", a, {"retired": True, "retired_date": "2026-01-01"})
    assert list(s.read_layer("parcels")["code"]) == ["B"]
    assert sorted(s.read_layer("parcels", include_retired=True)["code"]) == ["A", "B"]


def test_open_errors_are_clear(tmp_path):
    with pytest.raises(ProjectNotFoundError):
        open_project(tmp_path / "missing.gpkg")
    (tmp_path / "text.gpkg").write_text("hello")
    with pytest.raises(NotAGeoPackageError):
        open_project(tmp_path / "text.gpkg")
    sqlite3.connect(tmp_path / "plain.sqlite").execute("CREATE TABLE t (a)").connection.commit()
    with pytest.raises(NotAGeoPackageError):
        open_project(tmp_path / "plain.sqlite")
    gdf_path = tmp_path / "foreign.gpkg"
    import geopandas as gpd
    gpd.GeoDataFrame({"a": [1]}, geometry=[box(0, 0, 1, 1)], crs=4544).to_file(gdf_path)
    with pytest.raises(ProjectError) as e:
        open_project(gdf_path)
    assert "不是 landapp 工程" in str(e.value)


def test_corrupt_file_gives_a_clear_error(empty_project, tmp_path):
    empty_project.insert_many("parcels", [parcel(f"P{i}", dx=i * 120.0) for i in range(200)])
    empty_project.close()
    data = bytearray(open(empty_project.path, "rb").read())
    for i in range(4096, len(data), 997):  # scribble over every page but the header
        data[i] = 0xFF
    bad = tmp_path / "corrupt.gpkg"
    bad.write_bytes(bytes(data))
    # Either opening fails with one clear sentence, or the check finds the damage.
    from landapp.check import check_project
    try:
        s = open_project(bad)
    except LandappError as e:
        assert str(e) and "Traceback" not in str(e)
        return
    with s:
        try:
            assert not check_project(s).ok
        except LandappError as e:
            assert str(e)


def test_create_refuses_overwrite_and_geographic_crs(tmp_path):
    create_project(tmp_path / "a.gpkg").close()
    with pytest.raises(ProjectError):
        create_project(tmp_path / "a.gpkg")
    with pytest.raises(ProjectError) as e:
        create_project(tmp_path / "b.gpkg", epsg=4490)
    assert "投影坐标系" in str(e.value)
    assert not (tmp_path / "b.gpkg").exists()
    assert not list(tmp_path.glob("*.tmp"))


def test_schema_upgrade_adds_missing_columns(tmp_path, monkeypatch):
    import landapp.schema as schema
    from landapp.schema import Field, LayerSpec

    path = tmp_path / "old.gpkg"
    store = create_project(path)
    fid = store.insert("parcels", parcel())
    store.close()
    new_parcels = LayerSpec(schema.PARCELS.name, schema.PARCELS.title_zh, schema.PARCELS.title_en,
                            schema.PARCELS.fields + (Field("new_field", "text", "新字段", "New field"),),
                            geometry_type="MULTIPOLYGON")
    monkeypatch.setitem(schema.LAYERS, "parcels", new_parcels)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    import landapp.gpkg
    import landapp.store.geopackage as sg
    monkeypatch.setattr(sg, "SCHEMA_VERSION", schema.SCHEMA_VERSION)
    monkeypatch.setattr(landapp.gpkg, "SCHEMA_VERSION", schema.SCHEMA_VERSION)
    store = open_project(path)
    store.update("parcels", fid, {"new_field": "值"})
    assert store.get("parcels", fid)["new_field"] == "值"
    assert "new_field" in pyogrio.read_info(path, layer="parcels")["fields"]
    store.close()
    monkeypatch.undo()
    with pytest.raises(ProjectError) as e:  # now the file is newer than the code
        open_project(path)
    assert "更新版本" in str(e.value)


# ---- property: what goes in comes out -------------------------------------------------

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                max_size=20).map(str.strip).filter(bool)
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31))
polys = st.tuples(st.floats(0, 5000), st.floats(0, 5000), st.floats(1, 500), st.floats(1, 500)).map(
    lambda t: box(X0 + t[0], Y0 + t[1], X0 + t[0] + t[2], Y0 + t[1] + t[3]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=texts, name=st.none() | texts, status=st.sampled_from(PARCEL_STATUSES),
       method=st.none() | st.sampled_from(SUPPLY_METHODS), far=st.floats(0, 30),
       green=st.floats(0, 100), start=st.none() | dates, geom=polys,
       retired=st.booleans())
def test_round_trip(empty_project, code, name, status, method, far, green, start, geom, retired):
    rec = {"code": code, "name": name, "status": status, "supply_method": method, "far_max": far,
           "green_ratio": green, "agreed_start": start, "geometry": geom, "retired": retired}
    fid = empty_project.insert("parcels", rec)
    got = empty_project.get("parcels", fid)
    for k, v in rec.items():
        if k == "geometry":
            assert got[k].equals(MultiPolygon([v]))
        elif k == "agreed_start":
            assert got[k] == (v.isoformat() if v else None)
        else:
            assert got[k] == v, k
    assert got["area_m2"] == pytest.approx(round(geom.area, 2))
    df = pyogrio.read_dataframe(empty_project.path, layer="parcels", fid_as_index=True,
                                where=f"fid = {fid}")
    assert df.loc[fid, "code"] == code and shapely.equals(df.geometry[fid], MultiPolygon([geom]))


def test_a_transaction_emits_one_event_per_run_of_like_changes(empty_project):
    """Edits of many rows in one transaction (a merge moving a tower's units) reach the
    panels as one event per kind, in order, instead of one re-read per row."""
    s = empty_project
    fids = [s.insert("parcels", parcel(f"R{i}", dx=i * 120.0)) for i in range(4)]
    events = []
    s.signals.changed.connect(events.append)
    with s.transaction():
        for f in fids[:3]:
            s.update("parcels", f, {"name": "改"})
        s.update("parcels", fids[3], {"status": "在建"})  # other fields: an event of its own
        s.update("parcels", fids[0], {"name": "再改"})
        s.delete("parcels", fids[1])
        s.delete("parcels", fids[2])
    assert [(e.op, e.fids, e.fields) for e in events] == [
        ("update", tuple(fids[:3]), ("name",)), ("update", (fids[3],), ("status",)),
        ("update", (fids[0],), ("name",)), ("delete", (fids[1], fids[2]), None)]
