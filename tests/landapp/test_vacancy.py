"""Vacancy figures on a small hand-computed building set."""

import datetime as dt

import pytest

from landapp.errors import LandappError
from landapp.vacancy import (
    Space,
    add_months,
    availability,
    building_vacancy_rates,
    expiry_schedule,
    net_absorption,
    unit_state,
    vacancy_figures,
)

D = dt.date


def _space():
    buildings = [
        {"fid": 1, "name": "A栋", "zone": "北区", "btype": "楼宇"},
        {"fid": 2, "name": "B厂房", "zone": "南区", "btype": "标准厂房"},
        {"fid": 3, "name": "旧厂", "zone": "南区", "btype": "标准厂房", "retired": 1},
    ]
    units = [
        {"fid": 10, "building_id": 1, "area": 100.0, "status": "已租"},   # lease 2025-01-01..2026-12-31
        {"fid": 11, "building_id": 1, "area": 200.0, "status": "空置"},   # lease ended 2026-03-31
        {"fid": 12, "building_id": 1, "area": 50.0, "status": "预留"},
        {"fid": 13, "building_id": 1, "area": 150.0, "status": "已售"},
        {"fid": 20, "building_id": 2, "area": 1000.0, "status": "已租"},  # no lease records
        {"fid": 21, "building_id": 2, "area": 500.0, "status": "装修中"},  # lease from 2026-10-01
        {"fid": 30, "building_id": 3, "area": 999.0, "status": "空置"},
    ]
    leases = [
        {"unit_id": 10, "building_id": 1, "tenant": "甲公司", "start_date": "2025-01-01",
         "end_date": "2026-12-31", "area": 100.0, "status": "有效"},
        {"unit_id": 11, "building_id": 1, "tenant": "乙公司", "start_date": "2023-04-01",
         "end_date": "2026-03-31", "area": 200.0, "status": "已到期"},
        {"unit_id": 21, "building_id": 2, "tenant": "丙公司", "start_date": "2026-10-01",
         "end_date": "2029-09-30", "area": 500.0, "status": "有效"},
    ]
    return Space.from_records(buildings, units, leases)


def test_park_figures_on_a_date():
    (f,) = vacancy_figures(_space(), D(2026, 11, 1))
    assert f.buildings == 2 and f.units == 6      # the retired building is left out
    assert f.leasable == 2000.0
    assert f.leased == 100 + 1000 + 500             # lease, status only, fitting-out with lease
    assert f.sold == 150.0
    assert f.withheld == 50.0
    assert f.vacant == 200.0
    assert f.vacancy_rate == pytest.approx(200 / 2000)


def test_before_the_fit_out_lease_the_unit_is_withheld_and_earlier_the_old_lease_counts():
    (f,) = vacancy_figures(_space(), D(2026, 3, 31))
    assert f.leased == 100 + 200 + 1000 and f.withheld == 50 + 500 and f.vacant == 0
    (g,) = vacancy_figures(_space(), D(2026, 4, 1))  # the day after the lease ended
    assert g.vacant == 200.0 and g.leased == 1100.0


def test_grouping_by_type_zone_building():
    by_type = {f.key: f for f in vacancy_figures(_space(), D(2026, 11, 1), "type")}
    assert by_type["楼宇"].leasable == 500 and by_type["楼宇"].vacant == 200
    assert by_type["标准厂房"].leasable == 1500 and by_type["标准厂房"].vacancy_rate == 0
    by_zone = {f.key: f for f in vacancy_figures(_space(), D(2026, 11, 1), "zone")}
    assert set(by_zone) == {"北区", "南区"}
    by_b = {f.key: f for f in vacancy_figures(_space(), D(2026, 11, 1), "building")}
    assert by_b["A栋"].vacancy_rate == pytest.approx(0.4)
    only_north = vacancy_figures(_space(), D(2026, 11, 1), zones=["北区"])
    assert only_north[0].leasable == 500
    with pytest.raises(LandappError):
        vacancy_figures(_space(), D(2026, 11, 1), "floor")


def test_availability_counts_leases_ending_within_the_horizon():
    (r,) = availability(_space(), D(2026, 11, 1), months=2)
    assert r["horizon"] == "2027-01-01"
    assert r["expiring_m2"] == 100.0 and r["available_m2"] == 300.0
    (r,) = availability(_space(), D(2026, 11, 1), months=1)  # ends 2026-12-31 > 2026-12-01
    assert r["expiring_m2"] == 0.0 and r["available_m2"] == 200.0


def test_a_signed_renewal_is_not_available():
    sp = _space()
    sp2 = Space.from_records(sp.buildings.values(), sp.units.values(), [
        *({k: v for k, v in x.items() if not k.startswith("_")} for x in sp.leases),
        {"unit_id": 10, "building_id": 1, "tenant": "甲公司", "start_date": "2027-01-01",
         "end_date": "2029-12-31", "area": 100.0, "status": "有效"}])
    (r,) = availability(sp2, D(2026, 11, 1), months=3)
    assert r["expiring_m2"] == 0.0


def test_expiry_schedule_by_year():
    rows = expiry_schedule(_space(), D(2026, 11, 1))
    assert rows == [{"year": "2026", "leases": 1, "area_m2": 100.0},
                    {"year": "2027", "leases": 0, "area_m2": 0.0},
                    {"year": "2028", "leases": 0, "area_m2": 0.0},
                    {"year": "2029", "leases": 1, "area_m2": 500.0}]
    rows = expiry_schedule(_space(), D(2026, 11, 1), years=2)
    assert rows[-1] == {"year": "2027+", "leases": 1, "area_m2": 500.0}


def test_net_absorption():
    (r,) = net_absorption(_space(), D(2026, 1, 1), D(2026, 11, 1))
    # occupied 1 Jan: 100 + 200 + 150 + 1000 = 1450; 1 Nov: 100 + 150 + 1000 + 500 = 1750
    assert r["occupied_start_m2"] == 1450 and r["occupied_end_m2"] == 1750
    assert r["net_absorption_m2"] == 300
    with pytest.raises(LandappError):
        net_absorption(_space(), D(2026, 2, 1), D(2026, 1, 1))


def test_unitless_lease_takes_vacant_area_and_partial_lease():
    sp = Space.from_records(
        [{"fid": 1, "name": "整栋厂房", "btype": "标准厂房"}],
        [{"fid": 1, "building_id": 1, "area": 300.0, "status": "空置"},
         {"fid": 2, "building_id": 1, "area": 100.0, "status": "空置"}],
        [{"unit_id": None, "building_id": 1, "tenant": "丁", "start_date": "2026-01-01",
          "end_date": "2027-01-01", "area": 350.0, "status": "有效"}])
    (f,) = vacancy_figures(sp, D(2026, 6, 1))
    assert f.leased == 350 and f.vacant == 50
    st = unit_state({"area": 100.0, "status": "空置"},
                    [{"_start": D(2026, 1, 1), "_end": D(2026, 12, 31), "area": 40.0, "tenant": "戊"}],
                    D(2026, 6, 1))
    assert st.leased == 40 and st.vacant == 60 and st.tenants == ("戊",)


def test_building_rates_and_add_months():
    rates = building_vacancy_rates(_space(), D(2026, 11, 1))
    assert rates[1] == pytest.approx(0.4) and rates[2] == 0 and 3 not in rates
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)


def test_demo_park_matches_unit_status_on_its_reference_date(demo_project):
    from landapp.vacancy import default_as_of, load_space

    sp = load_space(demo_project)
    (f,) = vacancy_figures(sp, default_as_of(demo_project))
    vacant_by_status = sum(u["area"] for u in sp.units.values() if u["status"] == "空置")
    assert f.vacant == pytest.approx(vacant_by_status)
    assert 0.05 < f.vacancy_rate < 0.5


def test_buildings_sharing_a_name_are_kept_apart_and_availability_per_building():
    from landapp.vacancy import building_availability_rates

    sp = Space.from_records(
        [{"fid": 1, "name": "1号楼"}, {"fid": 2, "name": "1号楼"}],
        [{"fid": 1, "building_id": 1, "area": 100.0, "status": "空置"},
         {"fid": 2, "building_id": 2, "area": 100.0, "status": "已租"}],
        [{"unit_id": 2, "building_id": 2, "tenant": "甲", "start_date": "2026-01-01",
          "end_date": "2027-01-31", "area": 100.0, "status": "有效"}])
    figs = {f.key: f.vacant for f in vacancy_figures(sp, D(2026, 11, 1), "building")}
    assert figs == {"1号楼": 100.0, "1号楼 (#2)": 0.0}
    av = {r["key"]: r["expiring_m2"] for r in availability(sp, D(2026, 11, 1), 3, "building")}
    assert av == {"1号楼": 0.0, "1号楼 (#2)": 100.0}
    assert building_availability_rates(sp, D(2026, 11, 1), 3) == {1: 1.0, 2: 1.0}
    assert building_availability_rates(sp, D(2026, 11, 1), 2) == {1: 1.0, 2: 0.0}
