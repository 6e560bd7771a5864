"""Idle-land rules of 《闲置土地处置办法》 Art. 2 at their boundaries."""

import datetime as dt

import pytest

from landapp.idle import (
    COMPLETED,
    EXEMPT,
    NORMAL,
    NOT_SUPPLIED,
    RECLAIMABLE,
    SUSPECTED,
    WITHIN_GRACE,
    add_years,
    approved_not_supplied,
    idle_land_status,
    idle_report,
    idle_summary,
    supplied_not_used,
)

D = dt.date
ONE = dt.timedelta(days=1)


def unstarted(agreed="2024-03-01", **kw):
    return {"code": "P1", "status": "已供未开工", "supply_date": "2023-12-01", "agreed_start": agreed,
            "transfer_price": 1000.0, **kw}


def stalled(dev=20.0, inv=50.0, since="2024-06-10", **kw):
    return {"code": "P2", "status": "在建", "supply_date": "2022-01-01", "agreed_start": "2022-06-01",
            "actual_start": "2022-07-01", "developed_pct": dev, "invested_pct": inv,
            "stalled_since": since, "transfer_price": 500.0, **kw}


@pytest.mark.parametrize("as_of, status", [
    (D(2025, 3, 1), WITHIN_GRACE),      # the anniversary is the year's last day
    (D(2025, 3, 2), SUSPECTED),         # the day after: a full year has run out
    (D(2026, 3, 1), SUSPECTED),
    (D(2026, 3, 2), RECLAIMABLE),       # two full years
])
def test_unstarted_one_and_two_full_years(as_of, status):
    st = idle_land_status(unstarted(), as_of)
    assert st.status == status
    if status in (SUSPECTED, RECLAIMABLE):
        assert st.rule == "unstarted" and st.since == D(2025, 3, 2) and st.reclaim_from == D(2026, 3, 2)
        assert st.fee_wan == 200.0  # 20% of 1000 万元


def test_leap_day_agreed_start():
    p = unstarted("2024-02-29")
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert idle_land_status(p, D(2025, 2, 28)).status == WITHIN_GRACE
    assert idle_land_status(p, D(2025, 3, 1)).status == SUSPECTED
    assert idle_land_status(p, D(2026, 2, 28)).status == SUSPECTED
    assert idle_land_status(p, D(2026, 3, 1)).status == RECLAIMABLE
    # a year spanning 29 Feb 2024 has 366 days and still counts as one year
    q = unstarted("2023-03-01")
    assert idle_land_status(q, D(2024, 3, 1)).status == WITHIN_GRACE
    assert idle_land_status(q, D(2024, 3, 2)).status == SUSPECTED


def test_started_parcel_is_not_unstarted_idle():
    p = unstarted(actual_start="2024-05-01")
    assert idle_land_status(p, D(2027, 1, 1)).status == NORMAL


@pytest.mark.parametrize("dev, inv, idle", [
    (100 / 3, 50.0, False),     # exactly 1/3 developed: not below
    (33.33, 50.0, True),        # just below 1/3
    (50.0, 25.0, False),        # exactly 25% invested: not below
    (50.0, 24.99, True),
    (10.0, 10.0, True),
    (None, None, False),        # no progress figures: cannot apply the rule
])
def test_stalled_rule_thresholds(dev, inv, idle):
    st = idle_land_status(stalled(dev, inv), D(2025, 6, 11))
    assert (st.status == SUSPECTED) is idle
    if idle:
        assert st.rule == "stalled" and st.fee_wan == 100.0


def test_stalled_rule_full_year_boundaries():
    p = stalled(10.0, 10.0, since="2024-06-10")
    assert idle_land_status(p, D(2025, 6, 10)).status == WITHIN_GRACE
    assert idle_land_status(p, D(2025, 6, 11)).status == SUSPECTED
    assert idle_land_status(p, D(2026, 6, 10)).status == SUSPECTED
    assert idle_land_status(p, D(2026, 6, 11)).status == RECLAIMABLE
    assert idle_land_status(stalled(10.0, 10.0, since=None), D(2030, 1, 1)).status == NORMAL


def test_exemption_is_recorded_and_keeps_the_underlying_status():
    st = idle_land_status(unstarted(idle_exemption="土地利用总体规划、城乡规划依法修改"), D(2025, 6, 1))
    assert st.status == EXEMPT and st.would_be == SUSPECTED and st.fee_wan is None
    assert "规划" in st.exemption and not st.idle


def test_not_supplied_and_completed():
    assert idle_land_status({"status": "待供"}, D(2026, 1, 1)).status == NOT_SUPPLIED
    p = unstarted(actual_start="2024-02-01", actual_completion="2025-10-01")
    assert idle_land_status(p, D(2026, 1, 1)).status == COMPLETED


def test_lists():
    parcels = [
        {"fid": 1, "code": "A", "status": "储备", "area_m2": 1000.0},
        {"fid": 2, "code": "B", "status": "待供", "area_m2": 2000.0},
        {"fid": 3, **unstarted(), "area_m2": 3000.0},
        {"fid": 4, **stalled(10.0, 10.0), "area_m2": 4000.0},
        {"fid": 5, **stalled(80.0, 80.0), "area_m2": 5000.0},       # stopped but well along
        {"fid": 6, **unstarted(agreed="2026-09-01"), "area_m2": 6000.0},
    ]
    assert [(r["code"], r["kind"]) for r in approved_not_supplied(parcels)] == [("A", "征而未供"), ("B", "待供")]
    used = supplied_not_used(parcels, D(2026, 11, 1))
    assert sorted(r["fid"] for r in used) == [3, 4, 6]
    rep = idle_report(parcels, D(2026, 11, 1))
    assert [r["fid"] for r in rep[:2]] == [3, 4]
    s = idle_summary(rep)
    assert s["idle_count"] == 2 and s["idle_area_m2"] == 7000.0
    assert s["fee_wan"] == 200.0 + 100.0


def test_demo_idle_parcels_are_found(demo_project):
    from landapp.idle import load_parcels
    from landapp.vacancy import default_as_of

    parcels = load_parcels(demo_project)
    rep = idle_report(parcels, default_as_of(demo_project))
    idle_fids = {r["fid"] for r in rep if r["status"] in (SUSPECTED, RECLAIMABLE)}
    marked = {p["fid"] for p in parcels if p["status"] == "闲置"}
    assert marked and marked <= idle_fids


def test_an_exemption_recorded_early_is_listed_and_honoured_when_due():
    p = {"fid": 1, **unstarted(idle_exemption="不可抗力"), "area_m2": 100.0}
    (r,) = idle_report([p], D(2025, 3, 1))          # not due yet: within the grace year
    assert r["status"] == WITHIN_GRACE and r["exemption"] == "不可抗力"
    (r,) = idle_report([p], D(2025, 3, 2))          # the day it would be idle: exempt instead
    assert r["status"] == EXEMPT and r["would_be"] == SUSPECTED and r["fee_wan"] is None
    assert idle_summary([r])["idle_count"] == 0
