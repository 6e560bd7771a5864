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
    # no parcel is in the fee stage yet: no fee is counted, however long they have been idle
    assert s["fee_wan"] == 0 and s["fee_count"] == 0


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


def test_fee_counts_each_parcel_once_and_only_in_the_fee_stage():
    as_of = D(2026, 11, 1)
    parcels = [
        # two years past the agreed start: reclaimable, being reclaimed: no fee
        {"fid": 1, **unstarted(agreed="2024-01-01"), "idle_stage": "收回", "area_m2": 1000.0},
        # in the fee stage: 20% of the 1000 万元 price when no amount is recorded
        {"fid": 2, **unstarted(), "idle_stage": "征缴闲置费", "idle_doc_no": "龙国土闲征〔2026〕3号",
         "idle_doc_date": "2026-03-01", "area_m2": 2000.0},
        # in the fee stage with the amount of the decision and a payment
        {"fid": 3, **unstarted(), "idle_stage": "征缴闲置费", "idle_fee_due": 150.0, "idle_fee_paid": 50.0,
         "area_m2": 3000.0},
        # only designated: no fee yet
        {"fid": 4, **unstarted(), "idle_stage": "认定", "area_m2": 4000.0},
    ]
    rows = idle_report(parcels, as_of)
    s = idle_summary(rows + rows[:2])  # a parcel listed twice still counts once
    assert s["fee_count"] == 2
    assert s["fee_wan"] == 200.0 + 150.0
    assert s["fee_paid_wan"] == 50.0
    by = {r["fid"]: r for r in rows}
    assert by[1]["fee_due"] is None and by[4]["fee_due"] is None
    assert by[2]["decision_no"] == "龙国土闲征〔2026〕3号" and by[2]["decision_date"] == "2026-03-01"
    assert by[2]["stage_label"] == "征缴闲置费"


def test_supplied_without_agreed_start_is_incomplete_not_within_grace():
    from landapp.idle import INCOMPLETE, WITHIN_GRACE

    as_of = D(2026, 11, 1)
    no_date = {"status": "已供未开工", "supply_date": "2024-01-01"}
    assert idle_land_status(no_date, as_of).status == INCOMPLETE
    # status says supplied though no date at all was entered
    assert idle_land_status({"status": "闲置"}, as_of).status == INCOMPLETE
    # the agreed start given: within the grace year it is 未到期
    ok = {**no_date, "agreed_start": "2026-06-01"}
    assert idle_land_status(ok, as_of).status == WITHIN_GRACE
    s = idle_summary(idle_report([{"fid": 1, **no_date, "area_m2": 10.0}], as_of))
    assert s["incomplete_count"] == 1


def test_stage_round_trip_in_the_store(empty_project):
    from shapely.geometry import box

    from landapp.coords import from_lonlat
    from landapp.errors import ValidationError
    from landapp.idle import set_stage

    x, y = from_lonlat(104.27, 30.58, 4544)
    fid = empty_project.insert("parcels", {"code": "P", "status": "闲置", "agreed_start": "2024-01-01",
                                           "transfer_price": 500.0, "geometry": box(x, y, x + 50, y + 50)})
    set_stage(empty_project, fid, "征缴闲置费", decision_no="第1号", decision_date="2026-02-03", fee_due=100.0)
    rec = empty_project.get("parcels", fid)
    assert (rec["idle_stage"], rec["idle_doc_no"], rec["idle_doc_date"], rec["idle_fee_due"]) == \
        ("征缴闲置费", "第1号", "2026-02-03", 100.0)
    with pytest.raises(ValidationError, match="idle_stage"):
        set_stage(empty_project, fid, "罚款")
    with pytest.raises(ValidationError, match="idle_fee_paid"):
        set_stage(empty_project, fid, "征缴闲置费", fee_paid=float("nan"))


def test_schema_3_migration_starts_idle_parcels_at_the_first_stage(tmp_path):
    """An older project (schema 2, before the disposal record) is upgraded on open: the new
    columns appear and parcels marked 闲置 start at 疑似闲置."""
    import sqlite3

    from shapely.geometry import box

    from landapp.coords import from_lonlat
    from landapp.store import create_project, open_project

    path = tmp_path / "old.gpkg"
    x, y = from_lonlat(104.27, 30.58, 4544)
    with create_project(path) as s:
        s.insert("parcels", {"code": "I", "status": "闲置", "geometry": box(x, y, x + 50, y + 50)})
        s.insert("parcels", {"code": "N", "status": "待供", "geometry": box(x + 60, y, x + 110, y + 50)})
    con = sqlite3.connect(path)
    for col in ("idle_stage", "idle_doc_no", "idle_doc_date", "idle_fee_due", "idle_fee_paid"):
        con.execute(f"ALTER TABLE parcels DROP COLUMN {col}")
    con.execute("UPDATE landapp_meta SET value = '2' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with open_project(path) as s:
        stages = {r["code"]: r["idle_stage"] for r in s.rows("parcels", geometry=False)}
    assert stages == {"I": "疑似闲置", "N": None}


def test_idle_cli_records_and_lists_the_disposal(empty_project):
    import os
    import subprocess
    import sys

    from shapely.geometry import box

    from landapp.coords import from_lonlat

    x, y = from_lonlat(104.27, 30.58, 4544)
    empty_project.insert("parcels", {"code": "IDLE1", "status": "闲置", "supply_date": "2023-01-01",
                                     "agreed_start": "2023-06-01", "transfer_price": 800.0,
                                     "geometry": box(x, y, x + 50, y + 50)})
    empty_project.insert("parcels", {"code": "NODATE", "status": "已供未开工", "supply_date": "2025-01-01",
                                     "geometry": box(x + 60, y, x + 110, y + 50)})
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "LANDAPP_LANG": "zh"}

    def run(*a):
        return subprocess.run([sys.executable, "-m", "landapp", *a], capture_output=True, text=True, env=env)

    r = run("idle", empty_project.path, "--record", "IDLE1", "--stage", "征缴闲置费", "--decision-no", "闲征〔2026〕1号",
            "--decision-date", "2026-05-06", "--fee-paid", "60", "--as-of", "2026-11-01")
    assert r.returncode == 0, r.stderr
    r = run("idle", empty_project.path, "--as-of", "2026-11-01")
    assert r.returncode == 0, r.stderr
    assert "征缴闲置费 1 宗,应缴 160.0 万元,已缴 60.0 万元;资料不全 1 宗" in r.stdout
    assert "闲征〔2026〕1号" in r.stdout and "NODATE" in r.stdout and "资料不全" in r.stdout


@pytest.mark.parametrize("as_of", [dt.date(2023, 6, 30), dt.date(2025, 12, 31), dt.date(2027, 1, 1)])
def test_dashboard_fast_path_gives_the_same_lists(demo_project, as_of):
    """The dashboard reads only IDLE_COLUMNS and reuses the report's statuses: the same rows."""
    from landapp import idle

    full = idle.load_parcels(demo_project)
    lean = idle.load_parcels(demo_project, idle.IDLE_COLUMNS)
    assert [p["fid"] for p in lean] == [p["fid"] for p in full]
    report = idle.idle_report(full, as_of)
    assert idle.idle_report(lean, as_of) == report
    assert idle.approved_not_supplied(lean) == idle.approved_not_supplied(full)
    slow = idle.supplied_not_used(full, as_of)
    assert slow and idle.supplied_not_used(lean, as_of, statuses=idle.idle_statuses(report)) == slow
    assert idle.count_supplied_not_used(lean, as_of, statuses=idle.idle_statuses(report)) == len(slow)


@pytest.mark.parametrize("as_of", [dt.date(2023, 6, 30), dt.date(2025, 12, 31), dt.date(2027, 1, 1)])
def test_idle_overview_equals_the_summary_of_the_report(demo_project, as_of):
    from landapp import idle

    parcels = idle.load_parcels(demo_project)
    report = idle.idle_report(parcels, as_of)
    summary, statuses = idle.idle_overview(parcels, as_of)
    assert summary == idle.idle_summary(report) and summary["idle_count"] > 0
    assert statuses == idle.idle_statuses(report)
