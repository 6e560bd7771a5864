"""Revitalisation cases: state machine with dated history and the campaign target."""

import datetime as dt

import pytest
from shapely.geometry import box

from landapp import revitalisation as rv
from landapp.errors import FeatureNotFoundError, LandappError


@pytest.fixture
def parcel(empty_project):
    s = empty_project
    fid = s.insert("parcels", {"code": "LQ-01", "status": "闲置", "zone": "北区",
                               "geometry": box(430000, 3384000, 430100, 3384200)})
    return s, fid


def test_full_path_with_history_and_parcel_status(parcel):
    s, fid = parcel
    cid = rv.open_case(s, "parcels", fid, measure="收回/回购", responsible="张三",
                       target_date="2026-12-31", opened="2026-01-10")
    case = s.get("revitalisation_cases", cid)
    assert case["state"] == "识别" and case["area_m2"] == pytest.approx(20000.0)
    rv.advance_case(s, cid, "方案", date="2026-02-01", note="方案审议")
    rv.advance_case(s, cid, "实施中", date="2026-03-01")
    assert s.get("parcels", fid)["status"] == "盘活中"
    rv.advance_case(s, cid, "已盘活", date="2026-06-30", user="李四")
    case = s.get("revitalisation_cases", cid)
    assert case["state"] == "已盘活" and case["closed_date"] == "2026-06-30"
    assert s.get("parcels", fid)["status"] == "已盘活"
    h = rv.history(s, cid)
    assert [(x["date"], x["state"]) for x in h] == [
        ("2026-01-10", "识别"), ("2026-02-01", "方案"), ("2026-03-01", "实施中"), ("2026-06-30", "已盘活")]
    assert "闲置" in h[2]["note"]  # the previous parcel status is kept in the history
    assert rv.done_date(s, case) == dt.date(2026, 6, 30)


@pytest.mark.parametrize("path, bad", [
    ([], "实施中"), ([], "已盘活"), (["方案"], "识别"), (["方案", "实施中"], "方案"),
    (["终止"], "方案"), (["方案", "实施中", "已盘活"], "终止"), ([], "完成"),
])
def test_illegal_transitions_are_rejected(parcel, path, bad):
    s, fid = parcel
    cid = rv.open_case(s, "parcels", fid, opened="2026-01-01")
    for st in path:
        rv.advance_case(s, cid, st, date="2026-02-01")
    before = s.get("revitalisation_cases", cid)["state"]
    with pytest.raises(rv.CaseTransitionError, match="不能|未知"):
        rv.advance_case(s, cid, bad, date="2026-03-01")
    assert s.get("revitalisation_cases", cid)["state"] == before
    assert len(rv.history(s, cid)) == 1 + len(path)


def test_dates_cannot_go_backwards_and_targets_must_exist(parcel):
    s, fid = parcel
    cid = rv.open_case(s, "parcels", fid, opened="2026-05-01")
    with pytest.raises(rv.CaseTransitionError, match="早于"):
        rv.advance_case(s, cid, "方案", date="2026-04-30")
    rv.advance_case(s, cid, "方案", date="2026-05-01")  # same day is fine
    with pytest.raises(FeatureNotFoundError):
        rv.open_case(s, "parcels", 999)
    with pytest.raises(LandappError, match="目标日期"):
        rv.open_case(s, "parcels", fid, opened="2026-05-01", target_date="2026-04-01")
    with pytest.raises(LandappError, match="盘活方式"):
        rv.open_case(s, "parcels", fid, measure="拆了")


def test_campaign_progress_counts_the_year_of_revitalisation(parcel):
    s, fid = parcel
    b = s.insert("buildings", {"name": "1号厂房", "btype": "标准厂房", "floor_area": 12000.0,
                               "geometry": box(430010, 3384010, 430050, 3384050)})
    c1 = rv.open_case(s, "parcels", fid, opened="2025-11-01")
    c2 = rv.open_case(s, "buildings", b, opened="2025-12-01", measure="招商导入")
    for st, d in (("方案", "2025-12-01"), ("实施中", "2025-12-20"), ("已盘活", "2025-12-31")):
        rv.advance_case(s, c1, st, date=d)
    for st, d in (("方案", "2026-01-01"), ("实施中", "2026-01-02"), ("已盘活", "2026-03-01")):
        rv.advance_case(s, c2, st, date=d)
    rv.set_target(s, 2026, 150000)
    p = rv.campaign_progress(s, 2026)
    assert p["revitalised_count"] == 1 and p["revitalised_m2"] == 12000.0
    assert p["target_m2"] == 150000.0 and p["progress"] == pytest.approx(0.08)
    p25 = rv.campaign_progress(s, 2025)
    assert p25["revitalised_m2"] == 20000.0 and p25["target_m2"] is None
    assert rv.campaign_progress(s, 2026, zones=["南区"])["revitalised_count"] == 0
    # a report dated before the case was revitalised does not count it yet (day boundary)
    assert rv.campaign_progress(s, 2026, as_of=dt.date(2026, 2, 28))["revitalised_count"] == 0
    assert rv.campaign_progress(s, 2026, as_of=dt.date(2026, 3, 1))["revitalised_m2"] == 12000.0
    rv.set_target(s, 2026, None)
    assert rv.get_targets(s) == {}
    with pytest.raises(LandappError):
        rv.set_target(s, 2026, -1)


def test_overdue(parcel):
    s, fid = parcel
    cid = rv.open_case(s, "parcels", fid, opened="2026-01-01", target_date="2026-06-30")
    assert [c["fid"] for c in rv.overdue(s, dt.date(2026, 7, 1))] == [cid]
    assert rv.overdue(s, dt.date(2026, 6, 30)) == []


def test_closing_a_case_gives_the_parcel_its_status_back(parcel):
    s, fid = parcel
    cid = rv.open_case(s, "parcels", fid, opened="2026-01-10")
    rv.advance_case(s, cid, "方案", date="2026-02-01")
    rv.advance_case(s, cid, "实施中", date="2026-03-01")
    assert s.get("parcels", fid)["status"] == "盘活中"
    rv.advance_case(s, cid, "终止", date="2026-04-01", note="企业撤回")
    assert s.get("parcels", fid)["status"] == "闲置"
    last = rv.history(s, cid)[-1]
    assert last["state"] == "终止" and "企业撤回" in last["note"] and "恢复" in last["note"]
    # a case closed before it started work leaves the parcel alone
    c2 = rv.open_case(s, "parcels", fid, opened="2026-05-01")
    s.update("parcels", fid, {"status": "低效"})
    rv.advance_case(s, c2, "终止", date="2026-05-02")
    assert s.get("parcels", fid)["status"] == "低效"


def test_update_case_details(parcel):
    s, fid = parcel
    cid = rv.open_case(s, "parcels", fid, opened="2026-01-10", measure="转让")
    old = rv.update_case(s, cid, {"measure": "招商导入", "responsible": "赵六", "target_date": "2026-09-30",
                                  "area_m2": 15000.0})
    assert old["measure"] == "转让"
    c = s.get("revitalisation_cases", cid)
    assert (c["measure"], c["responsible"], c["target_date"], c["area_m2"]) == ("招商导入", "赵六", "2026-09-30", 15000.0)
    for bad, match in (({"target_date": "2026-01-09"}, "早于立案"), ({"measure": "拆了"}, "未知的盘活方式"),
                       ({"state": "已盘活"}, "推进"), ({"area_m2": -1}, "为负")):
        with pytest.raises(LandappError, match=match):
            rv.update_case(s, cid, bad)
