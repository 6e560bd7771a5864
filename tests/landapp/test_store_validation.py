"""The store refuses nonsense with one sentence naming the field (issue 12 item 3): NaN and
±inf in numbers, over-long text, writes to computed fields, broken unit/floor/building
references; the CLI checks its numbers before any work."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest
from shapely.geometry import box

from landapp.coords import from_lonlat
from landapp.errors import ValidationError
from landapp.schema import CODE_MAX, NAME_MAX, NOTE_MAX, LAYERS, validate_record

X0, Y0 = from_lonlat(104.27, 30.58, 4544)


@pytest.fixture
def parcel(empty_project):
    fid = empty_project.insert("parcels", {"code": "P1", "status": "待供", "start_price": 100.0,
                                           "geometry": box(X0, Y0, X0 + 100, Y0 + 100)})
    return empty_project, fid


NUMERIC = [(layer, f.name) for layer, s in LAYERS.items() for f in s.fields
           if f.kind in ("int", "real") and not f.computed]


@pytest.mark.parametrize("layer, field", NUMERIC)
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf"), "nan", "inf"])
def test_every_numeric_field_refuses_nan_and_infinity(layer, field, bad):
    with pytest.raises(ValidationError) as e:
        validate_record(layer, {field: bad}, partial=True)
    assert e.value.field == field and field in str(e.value)


def test_nan_through_the_api_keeps_the_value(parcel):
    store, fid = parcel
    with pytest.raises(ValidationError, match="start_price"):
        store.update("parcels", fid, {"start_price": float("nan")})
    assert store.get("parcels", fid)["start_price"] == 100.0
    with pytest.raises(ValidationError, match="起始价"):
        store.update("parcels", fid, {"start_price": math.inf})
    # None still clears a value on purpose
    store.update("parcels", fid, {"start_price": None})
    assert store.get("parcels", fid)["start_price"] is None


@pytest.mark.parametrize("field, limit", [("code", CODE_MAX), ("name", NAME_MAX), ("note", NOTE_MAX),
                                          ("land_user", NAME_MAX)])
def test_text_longer_than_its_limit_is_refused(parcel, field, limit):
    store, fid = parcel
    store.update("parcels", fid, {field: "地" * limit})  # exactly the limit is fine
    with pytest.raises(ValidationError) as e:
        store.update("parcels", fid, {field: "地" * (limit + 1)})
    assert e.value.field == field and str(limit) in str(e.value)
    assert len(str(e.value)) < 300  # the sentence does not repeat a megabyte
    assert store.get("parcels", fid)[field] == "地" * limit


def test_a_megabyte_name_is_refused_on_insert(empty_project):
    with pytest.raises(ValidationError, match="name"):
        empty_project.insert("parcels", {"code": "X", "name": "x" * 1_000_000, "status": "待供",
                                         "geometry": box(X0, Y0, X0 + 10, Y0 + 10)})
    assert empty_project.count("parcels") == 0


def test_writing_a_computed_field_raises(parcel):
    store, fid = parcel
    area = store.get("parcels", fid)["area_m2"]
    for changes in ({"area_m2": 5.0}, {"area_mu": 1.0}, {"modified": "2020-01-01T00:00:00"}):
        with pytest.raises(ValidationError) as e:
            store.update("parcels", fid, changes)
        assert e.value.field == next(iter(changes))
    with pytest.raises(ValidationError, match="area_m2"):
        store.insert("parcels", {"code": "Q", "status": "待供", "area_m2": 1.0,
                                 "geometry": box(X0 + 200, Y0, X0 + 210, Y0 + 10)})
    assert store.get("parcels", fid)["area_m2"] == area
    # writing back the stored value (an undo) or a new geometry with its area is fine
    store.update("parcels", fid, {"area_m2": area, "note": "x"})
    g = box(X0, Y0, X0 + 50, Y0 + 100)
    store.update("parcels", fid, {"geometry": g, "area_m2": 123.0})
    assert store.get("parcels", fid)["area_m2"] == pytest.approx(5000.0)


def _building(store, floor_area=1000.0, dx=0.0):
    b = store.insert("buildings", {"name": "楼", "btype": "楼宇", "floor_area": floor_area,
                                   "geometry": box(X0 + dx, Y0, X0 + dx + 20, Y0 + 20)})
    f = store.insert("floors", {"building_id": b, "level": 1, "area": 400.0})
    return b, f


def test_unit_floor_building_relations(empty_project):
    store = empty_project
    b1, f1 = _building(store)
    b2, f2 = _building(store, dx=100)
    u = store.insert("units", {"building_id": b1, "floor_id": f1, "area": 100.0, "status": "空置"})
    cases = [
        ("insert", {"building_id": b1, "floor_id": f1, "area": 4000.0, "status": "空置"}, "area"),  # 10× the floor
        ("insert", {"building_id": 999999, "area": 10.0, "status": "空置"}, "building_id"),
        ("insert", {"building_id": b1, "floor_id": 999999, "area": 10.0, "status": "空置"}, "floor_id"),
        ("update", {"floor_id": f2}, "floor_id"),          # a floor of another building
        ("update", {"building_id": 999999}, "building_id"),
        ("update", {"area": 401.0}, "area"),
    ]
    for op, values, field in cases:
        with pytest.raises(ValidationError) as e:
            store.insert("units", values) if op == "insert" else store.update("units", u, values)
        assert e.value.layer == "units" and e.value.field == field, (values, str(e.value))
    assert store.count("units") == 1 and store.get("units", u)["floor_id"] == f1
    # a floor larger than its building, a lease on a unit of another building
    with pytest.raises(ValidationError, match="area"):
        store.insert("floors", {"building_id": b1, "level": 2, "area": 1200.0})
    with pytest.raises(ValidationError, match="unit_id"):
        store.insert("leases", {"unit_id": u, "building_id": b2, "tenant": "甲", "start_date": "2025-01-01",
                                "end_date": "2026-01-01", "area": 50.0, "status": "有效"})
    with pytest.raises(ValidationError, match="enterprise_id"):
        store.insert("enterprise_metrics", {"enterprise_id": 4242, "year": 2025})


def test_relations_hold_at_the_end_of_a_transaction(empty_project):
    """A building's floor and its units moved one by one inside one transaction (a merge
    does this) pass: only the end state must hold; a broken end state rolls all back."""
    store = empty_project
    b1, f1 = _building(store)
    b2, _ = _building(store, dx=100)
    u = store.insert("units", {"building_id": b1, "floor_id": f1, "area": 100.0, "status": "空置"})
    with store.transaction():
        store.update("units", u, {"building_id": b2})   # for a moment on another building's floor
        store.update("floors", f1, {"building_id": b2})
    assert store.get("units", u)["building_id"] == b2
    with pytest.raises(ValidationError):
        with store.transaction():
            store.update("floors", f1, {"area": 300.0})
            store.update("units", u, {"building_id": b1})
    assert store.get("floors", f1)["area"] == 400.0 and store.get("units", u)["building_id"] == b2


def run(*args):
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "LANDAPP_LANG": "zh"}
    return subprocess.run([sys.executable, "-m", "landapp", *args], capture_output=True, text=True, env=env)


@pytest.mark.parametrize("args", [
    ["export", "opportunities", "{p}", "-o", "{d}/x.csv", "--min-mu", "nan"],
    ["export", "opportunities", "{p}", "-o", "{d}/x.csv", "--max-m2", "-inf"],
    ["render", "{p}", "-o", "{d}/x.png", "--bbox", "nan,0,1,1"],
    ["cases", "edit", "{p}", "1", "--area", "nan"],
    ["cases", "progress", "{p}", "--target", "inf"],
    ["vacancy", "{p}", "--months", "-1"],
    ["idle", "{p}", "--record", "X", "--stage", "认定", "--fee-due", "nan"],
])
def test_cli_numbers_are_checked_before_any_work(empty_project, tmp_path, args):
    args = [a.format(p=empty_project.path, d=tmp_path) for a in args]
    r = run(*args)
    assert r.returncode == 64, r.stderr
    assert "Traceback" not in r.stderr and r.stderr.strip().splitlines()[-1].count("。") <= 1
    assert not any(tmp_path.glob("x.*"))


def test_cases_edit_area_nan_keeps_the_area(empty_project):
    from landapp.revitalisation import open_case

    store = empty_project
    fid = store.insert("parcels", {"code": "P1", "status": "闲置", "geometry": box(X0, Y0, X0 + 100, Y0 + 100)})
    cid = open_case(store, "parcels", fid, measure="转让")
    before = store.get("revitalisation_cases", cid)["area_m2"]
    r = run("cases", "edit", store.path, str(cid), "--area", "nan")
    assert r.returncode == 64
    with pytest.raises(ValidationError):
        store.update("revitalisation_cases", cid, {"area_m2": float("nan")})
    assert store.get("revitalisation_cases", cid)["area_m2"] == before


def test_forms_reject_nan():
    from landapp.schema import validate_record
    from ui.forms import field_errors

    errs = field_errors("parcels", {"code": "P", "status": "待供", "transfer_price": float("nan")})
    assert "transfer_price" in errs
    with pytest.raises(ValidationError):
        validate_record("units", {"building_id": 1, "area": float("nan"), "status": "空置"})
