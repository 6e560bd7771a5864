"""Leases and space edits (landapp.leasing) on a small hand-built project, and what the
vacancy figures and the stacking plan data make of them."""

import datetime as dt

import pytest
from shapely.geometry import box as _box

from landapp import leasing
from landapp.errors import LandappError
from landapp.space_edits import RecordedEdit
from landapp.store.filters import F
from landapp.vacancy import building_figures, load_space

D = dt.date
X0, Y0 = 512000.0, 3390000.0  # EPSG:4544 (easting, northing) near 成都经开区


def box(x0, y0, x1, y1):
    return _box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


@pytest.fixture
def park(tmp_path):
    from landapp.store import create_project

    s = create_project(tmp_path / "p.gpkg", "测试园区")
    fac = s.insert("buildings", {"name": "1号厂房", "btype": "标准厂房", "storeys": 2, "floor_area": 2000.0,
                                 "geometry": box(0, 0, 40, 25)})
    f1 = leasing.save_floor(s, fac, {"level": 1, "area": 1000.0})
    f2 = leasing.save_floor(s, fac, {"level": 2, "area": 1000.0})
    u1 = s.insert("units", {"building_id": fac, "floor_id": f1, "code": "101", "area": 1000.0, "status": "空置"})
    u2 = s.insert("units", {"building_id": fac, "floor_id": f2, "code": "201", "area": 1000.0, "status": "空置"})
    yield s, fac, (f1, f2), (u1, u2)
    s.close()


def test_default_end_and_renewal_around_29_february():
    assert leasing.default_end(D(2026, 3, 1)) == D(2029, 2, 28)
    assert leasing.default_end(D(2025, 3, 1)) == D(2028, 2, 29)   # runs over a leap day
    assert leasing.default_end(D(2024, 2, 29)) == D(2027, 2, 28)
    assert leasing.default_end(D(2024, 2, 29), 4) == D(2028, 2, 28)
    assert leasing.renewal_dates({"end_date": "2028-02-29"}) == (D(2028, 3, 1), D(2031, 2, 28))


def test_a_unit_is_let_in_parts_but_never_twice_over(park):
    s, _fac, _, (u1, _) = park
    leasing.sign_lease(s, u1, "甲公司", "2026-01-01", "2027-12-31", 600.0, as_of=D(2026, 6, 1))
    assert s.get("units", u1)["status"] == "已租"
    leasing.sign_lease(s, u1, "乙公司", "2026-03-01", "2026-12-31", 400.0)  # the rest of it: fits
    with pytest.raises(LandappError, match="重叠"):
        leasing.sign_lease(s, u1, "丙公司", "2026-12-01", "2027-03-31", 1.0)
    leasing.sign_lease(s, u1, "丙公司", "2027-01-01", "2027-03-31", 400.0)  # after 乙 left: fits
    with pytest.raises(LandappError, match="大于单元面积"):
        leasing.sign_lease(s, u1, "丁公司", "2030-01-01", "2031-01-01", 1000.1 + leasing.EPS)
    with pytest.raises(LandappError, match="承租企业"):
        leasing.sign_lease(s, u1, " ", "2030-01-01", "2031-01-01", 10.0)
    with pytest.raises(LandappError, match="早于"):
        leasing.sign_lease(s, u1, "戊公司", "2031-01-01", "2030-01-01", 10.0)
    assert s.count("leases") == 3


def test_update_lease_checks_the_fit_and_follows_the_tenant(park):
    s, _fac, _, (u1, _) = park
    ent = s.insert("enterprises", {"name": "新名称有限公司"})
    a = leasing.sign_lease(s, u1, "甲公司", "2026-01-01", "2026-12-31", 1000.0)
    b = leasing.sign_lease(s, u1, "乙公司", "2027-01-01", "2027-12-31", 1000.0)
    with pytest.raises(LandappError, match="重叠"):
        leasing.update_lease(s, b, {"start_date": "2026-12-31"})
    leasing.update_lease(s, a, {"tenant": "新名称有限公司"})
    assert s.get("leases", a)["enterprise_id"] == ent


def test_end_lease_keeps_history_and_the_unit_is_vacant_from_the_day(park):
    s, fac, _, (u1, _) = park
    lid = leasing.sign_lease(s, u1, "甲公司", "2025-01-01", "2027-12-31", 1000.0, as_of=D(2026, 6, 1))
    leasing.end_lease(s, lid, D(2026, 6, 1))
    le = s.get("leases", lid)
    assert le["end_date"] == "2026-05-31" and le["status"] == "已终止"
    assert s.get("units", u1)["status"] == "空置"
    sp = load_space(s)
    assert building_figures(sp, fac, D(2026, 5, 31)).leased == 1000.0  # the last day let
    assert building_figures(sp, fac, D(2026, 6, 1)).vacant == 2000.0
    hist = leasing.lease_history(s, u1, D(2026, 6, 1))
    assert [(h["tenant"], h["phase"]) for h in hist] == [("甲公司", "历史")]
    with pytest.raises(LandappError, match="自然到期"):
        leasing.end_lease(s, leasing.sign_lease(s, u1, "乙", "2027-01-01", "2027-06-30", 10.0), D(2028, 1, 1))


def test_let_whole_one_contract_for_the_factory(park):
    s, fac, _, (u1, u2) = park
    leasing.sign_lease(s, u2, "旧租户", "2020-01-01", "2025-12-31", 1000.0)   # history only
    lid = leasing.let_whole(s, fac, "整租企业有限公司", "2026-01-01", "2030-12-31", 18.0, as_of=D(2026, 6, 1))
    le = s.get("leases", lid)
    assert le["unit_id"] is None and le["area"] == 2000.0
    assert {s.get("units", u)["status"] for u in (u1, u2)} == {"已租"}
    sp = load_space(s)
    f = building_figures(sp, fac, D(2026, 6, 1))
    assert f.leased == 2000.0 and f.vacant == 0.0
    # before the contract the units were vacant, not "let" by their status alone
    assert building_figures(sp, fac, D(2025, 12, 31)).leased == 1000.0  # the old tenant's last day
    assert building_figures(sp, fac, D(2026, 1, 1) - dt.timedelta(days=400)).leased == 1000.0
    with pytest.raises(LandappError, match="整栋出租"):
        leasing.sign_lease(s, u1, "插租", "2027-01-01", "2027-06-30", 10.0)
    with pytest.raises(LandappError, match="整栋出租"):
        leasing.let_whole(s, fac, "第二家", "2030-06-01", "2031-06-01")
    with pytest.raises(LandappError, match="已有租约"):
        leasing.let_whole(s, fac, "第三家", "2025-06-01", "2025-12-01")  # the old tenant then
    cur = leasing.current_lease(s, u1, D(2026, 6, 1))
    assert cur["fid"] == lid and cur["whole"]
    leasing.end_lease(s, lid, D(2027, 1, 1))
    assert {s.get("units", u)["status"] for u in (u1, u2)} == {"空置"}
    assert building_figures(load_space(s), fac, D(2027, 1, 1)).vacant == 2000.0


def test_let_whole_gives_a_unitless_building_one_whole_unit(park):
    s, *_ = park
    b = s.insert("buildings", {"name": "2号厂房", "btype": "标准厂房", "floor_area": 3000.0,
                               "geometry": box(100, 0, 140, 25)})
    leasing.let_whole(s, b, "甲", "2026-01-01", "2026-12-31", as_of=D(2026, 6, 1))
    (u,) = s.rows("units", F("building_id") == b)
    assert u["code"] == "整栋" and u["floor_id"] is None and u["area"] == 3000.0


def test_floors_unique_levels_and_only_empty_ones_deleted(park):
    s, fac, (f1, _f2), (_u1, _u2) = park
    with pytest.raises(LandappError, match="已有第 2 层"):
        leasing.save_floor(s, fac, {"level": 2})
    b1 = leasing.save_floor(s, fac, {"level": -1, "area": 800.0})
    assert s.get("floors", b1)["name"] == "B1"
    leasing.save_floor(s, fac, {"level": -1, "name": "地下车库"}, b1)
    assert s.get("floors", b1)["name"] == "地下车库"
    with pytest.raises(LandappError, match="还有 1 个单元"):
        leasing.delete_floor(s, f1)
    leasing.delete_floor(s, b1)
    assert s.count("floors", F("building_id") == fac) == 2


def test_let_whole_undo_redo(park):
    s, fac, _, (u1, u2) = park
    e = RecordedEdit("整栋出租", "Let whole", lambda st: leasing.let_whole(st, fac, "甲", "2026-01-01",
                                                                      "2026-12-31", as_of=D(2026, 6, 1)))
    e.apply(s)
    assert s.count("leases") == 1 and s.get("units", u1)["status"] == "已租"
    e.revert(s)
    assert s.count("leases") == 0 and {s.get("units", u)["status"] for u in (u1, u2)} == {"空置"}
    e.apply(s)
    assert s.count("leases") == 1 and s.get("units", u2)["status"] == "已租"


def test_let_whole_leaves_sold_units_out(park):
    s, fac, _, (u1, u2) = park
    s.update("units", u2, {"status": "已售"})
    lid = leasing.let_whole(s, fac, "甲", "2026-01-01", "2026-12-31", as_of=D(2026, 6, 1))
    assert s.get("leases", lid)["area"] == 1000.0
    assert s.get("units", u2)["status"] == "已售" and s.get("units", u1)["status"] == "已租"
    f = building_figures(load_space(s), fac, D(2026, 6, 1))
    assert (f.leased, f.sold, f.vacant) == (1000.0, 1000.0, 0.0)
