"""`landapp update`: attributes back from the spreadsheets offices send, and the round trip
of landapp's own opportunity list."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from landapp.cli import main
from landapp.sheet_update import apply_update, clean_value, plan_update
from landapp.store.filters import F
from landapp.units import MU_M2


def _snapshot(store, layer):
    return {r["fid"]: {k: v for k, v in r.items() if k not in ("modified",)}
            for r in store.rows(layer, geometry=False)}


def _diff(before, after):
    return {(fid, k): (v, after[fid][k]) for fid, rec in before.items() for k, v in rec.items()
            if after[fid][k] != v}


def test_opportunity_list_round_trip_changes_exactly_the_edited_cells(demo_project, tmp_path):
    from landapp.opportunities import opportunity_list
    from landapp.publish import write_xlsx

    store = demo_project
    path = str(tmp_path / "list.xlsx")
    write_xlsx(opportunity_list(store, "land"), path, "land", park=store.name)
    before = _snapshot(store, "parcels")
    # untouched, the lists come back without a single change
    assert plan_update(store, path, "parcels", "地块编号").changes == []
    carriers = str(tmp_path / "carriers.xlsx")
    write_xlsx(opportunity_list(store, "carriers"), carriers, "carriers", park=store.name)
    plan = plan_update(store, carriers, "buildings", "载体名称")
    assert plan.changes == [] and plan.problems == [] and plan.rows_read > 10

    wb = openpyxl.load_workbook(path)
    ws = wb.active
    heads = [c.value for c in ws[2]]
    col = {h: i + 1 for i, h in enumerate(heads)}
    code3, code5 = ws.cell(3, col["地块编号"]).value, ws.cell(5, col["地块编号"]).value
    ws.cell(3, col["地块名称"]).value = "改名后的地块"
    ws.cell(5, col["起始价(万元)"]).value = 1234.5
    ws.cell(5, col["容积率"]).value = "1.2–2.8"
    ws.cell(6, col["预计供地时间"]).value = "2027年3月1日"
    code6 = ws.cell(6, col["地块编号"]).value
    wb.save(path)

    assert main(["update", store.path, path, "--layer", "parcels", "--key", "地块编号"]) == 0
    after = _snapshot(store, "parcels")
    by_code = {r["code"]: fid for fid, r in before.items() if not r["retired"]}
    changed = _diff(before, after)
    assert changed == {
        (by_code[code3], "name"): (before[by_code[code3]]["name"], "改名后的地块"),
        (by_code[code5], "start_price"): (before[by_code[code5]]["start_price"], 1234.5),
        (by_code[code5], "far_min"): (before[by_code[code5]]["far_min"], 1.2),
        (by_code[code5], "far_max"): (before[by_code[code5]]["far_max"], 2.8),
        (by_code[code6], "expected_supply_date"): (before[by_code[code6]]["expected_supply_date"], "2027-03-01"),
    }


def _awkward_sheet(path, codes):
    """A sheet as an office sends it: title row, two-row header with merged cells, numbers
    as text, full-width digits, trailing spaces, dates as serials and as 2026年3月1日."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["龙泉驿区 2026 年 11 月地块信息更新表"])
    ws.merge_cells("A1:G1")
    ws.append(["地块编号", "状态", "容积率", None, "起始价(万元)", "供地日期", "预计供地时间"])
    ws.append([None, None, "下限", "上限", None, None, None])
    for rng in ("A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3", "G2:G3"):
        ws.merge_cells(rng)
    fw = str.maketrans("0123456789.,", "０１２３４５６７８９．，")
    ws.append([codes[0] + "  ", "在建 ", "1.0", "２.５", "1,234.5".translate(fw), 46082, "2026年3月1日"])
    ws.append([codes[1].translate(fw), "已建成投产", 1.2, 3, " 880 ", "2025/7/9", dt.date(2025, 9, 1)])
    ws.append(["NO-SUCH-CODE", "在建", None, None, None, None, None])
    ws.append([codes[2], "在建", None, None, "12", None, None])
    ws.append([codes[2], "储备", None, None, "13", None, None])
    wb.save(path)


def test_awkward_office_sheet(demo_project, tmp_path):
    store = demo_project
    rows = [r for r in store.rows("parcels", F("retired") == 0, geometry=False, order_by="fid")][:3]
    codes = [r["code"] for r in rows]
    path = str(tmp_path / "office.xlsx")
    _awkward_sheet(path, codes)
    plan = plan_update(store, path, "parcels", "地块编号")
    assert plan.header_row == 3  # the title row skipped, two header rows combined
    assert {c.header: c.field for c in plan.columns if c.field} == {
        "地块编号": "code", "状态": "status", "容积率下限": "far_min", "容积率上限": "far_max",
        "起始价(万元)": "start_price", "供地日期": "supply_date", "预计供地时间": "expected_supply_date"}
    new = {(c.fid, c.field): c.new for c in plan.changes}
    f0, f1 = rows[0]["fid"], rows[1]["fid"]
    assert new[(f0, "start_price")] == 1234.5 and new[(f0, "far_max")] == 2.5
    assert new[(f0, "supply_date")] == "2026-03-01"  # Excel serial 46082
    assert new[(f0, "expected_supply_date")] == "2026-03-01"  # 2026年3月1日
    assert rows[0]["status"] == "在建" or new[(f0, "status")] == "在建"
    assert new[(f1, "start_price")] == 880.0 and new[(f1, "supply_date")] == "2025-07-09"
    assert plan.unmatched == [(6, "NO-SUCH-CODE")]
    assert plan.duplicates == [(codes[2], [7, 8])]
    assert not any(c.fid == rows[2]["fid"] for c in plan.changes)
    assert plan.problems == []
    before = _snapshot(store, "parcels")
    edit = apply_update(store, plan)
    assert store.get("parcels", f0)["start_price"] == 1234.5
    edit.revert(store)  # one undo step puts everything back
    assert _diff(before, _snapshot(store, "parcels")) == {}


def test_invalid_value_writes_nothing(demo_project, tmp_path, capsys):
    store = demo_project
    code = store.rows("parcels", F("retired") == 0, geometry=False, limit=1)[0]["code"]
    path = tmp_path / "bad.csv"
    path.write_text(f"地块编号,状态,建筑密度(%)\n{code},在建,150\n", encoding="utf-8-sig")
    before = _snapshot(store, "parcels")
    assert main(["update", store.path, str(path), "--key", "地块编号"]) == 2
    out = capsys.readouterr()
    assert "建筑密度" in out.out and "不能大于 100" in out.out and "未做任何修改" in out.err
    assert _diff(before, _snapshot(store, "parcels")) == {}


def test_mu_where_m2_expected_csv_gbk(demo_project, tmp_path, capsys):
    store = demo_project
    b = store.rows("buildings", geometry=False, limit=2, order_by="fid")
    path = tmp_path / "buildings.csv"
    storeys = str((b[0]["storeys"] or 1) + 1).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    text = ("园区建筑面积核对表\n建筑名称,建筑面积(亩),层数\n"
            f"{b[0]['name']}  ,3,{storeys}\n")
    path.write_bytes(text.encode("gbk"))
    plan = plan_update(store, str(path), "buildings", "建筑名称")
    new = {c.field: c.new for c in plan.changes}
    assert new["floor_area"] == pytest.approx(3 * MU_M2) and new["storeys"] == (b[0]["storeys"] or 1) + 1
    assert any("亩" in n for n in plan.notes)
    assert main(["update", store.path, str(path), "--layer", "buildings", "--key", "建筑名称", "--dry-run"]) == 0
    assert "换算" in capsys.readouterr().out
    assert store.get("buildings", b[0]["fid"])["floor_area"] == b[0]["floor_area"]  # dry run


def test_value_cleaning():
    assert clean_value("buildings", "floor_area", "2.5亩")[0] == pytest.approx(2.5 * MU_M2)
    assert clean_value("buildings", "floor_area", "1,200 平方米", MU_M2)[0] == 1200.0  # unit beats column
    assert clean_value("buildings", "floor_area", "１２００", MU_M2)[0] == pytest.approx(1200 * MU_M2)
    assert clean_value("parcels", "land_use", "100101 一类工业用地")[0] == "100101"
    assert clean_value("parcels", "agreed_start", "2026年3月1日")[0] == "2026-03-01"
    assert clean_value("parcels", "agreed_start", "46082")[0] == "2026-03-01"
    assert clean_value("parcels", "status", "Under construction")[0] == "在建"
    assert clean_value("parcels", "phone", "'+86 28 1234")[0] == "+86 28 1234"


def test_area_in_both_units_under_one_merged_header(demo_project, tmp_path):
    store = demo_project
    b = store.rows("buildings", geometry=False, limit=1, order_by="fid")[0]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["建筑名称", "建筑面积", None])
    ws.append([None, "㎡", "亩"])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:C1")
    ws.append([b["name"], 5000, 7.5])
    path = str(tmp_path / "both.xlsx")
    wb.save(path)
    plan = plan_update(store, path, "buildings", "建筑名称")
    assert [(c.field, c.new) for c in plan.changes] == [("floor_area", 5000.0)]
    assert any("以㎡列为准" in n for n in plan.notes)
