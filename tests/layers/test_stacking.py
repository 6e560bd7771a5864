"""Stacking plan drawing: layout proportional to area, colours, whole-building units, PNG
and PDF export."""


import datetime as dt
import shutil
import subprocess

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor

from landapp import leasing
from landapp.store.filters import F
from layers.stacking import (
    FLOOR_LABEL_W,
    STATUS_COLOURS,
    SUMMARY_W,
    StackingPlan,
    export_pdf,
    export_png,
    render_image,
    stacking_data,
)


@pytest.fixture
def tower(demo_project):
    fid = demo_project.rows("buildings", F("btype") == "楼宇", limit=1)[0]["fid"]
    return demo_project, fid


def test_data_has_floors_top_down_and_tenants(tower):
    store, fid = tower
    d = stacking_data(store, fid)
    levels = [f.level for f in d.floors]
    assert levels == sorted(levels, reverse=True)
    units = [u for f in d.floors for u in f.units]
    assert len(units) == store.count("units", F("building_id") == fid)
    leased = [u for u in units if u.status == "已租"]
    assert leased and all(u.tenants for u in leased)
    assert d.leasable == pytest.approx(sum(u.area for u in units))


def test_layout_widths_follow_area_and_hit_test(qapp, tower):
    store, fid = tower
    plan = StackingPlan(stacking_data(store, fid))
    blocks = plan.layout(QRectF(0, 0, 1200, 900))
    (r0, u0), (r1, u1) = blocks[0], blocks[1]
    assert r0.width() / r1.width() == pytest.approx(u0.area / u1.area, rel=1e-6)
    widest = max(sum(r.width() for r, u in blocks if u in f.units) for f in plan.data.floors)
    assert widest == pytest.approx(1200 - FLOOR_LABEL_W - SUMMARY_W - 8, rel=1e-6)
    assert plan.unit_at(r1.center()).fid == u1.fid
    assert plan.unit_at(QPointF(-5, -5)) is None


def test_rendered_colours_and_exports(qapp, tower, tmp_path):
    store, fid = tower
    plan = StackingPlan(stacking_data(store, fid))
    img = render_image(plan, 1200, 900)
    r, u = plan.blocks[0]
    px = QColor(img.pixel(int(r.left() + 2), int(r.bottom() - 3)))
    assert px.name() == QColor(STATUS_COLOURS[u.status]).name()
    png = tmp_path / "plan.png"
    export_png(plan, str(png))
    assert png.stat().st_size > 10000
    pdf = tmp_path / "plan.pdf"
    export_pdf(StackingPlan(plan.data, "expiry"), str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], check=False, capture_output=True, text=True).stdout
        assert "CJK" in fonts


@pytest.fixture
def factory(tmp_path):
    """A two-storey factory with one unit per floor (the park fixture of test_leasing)."""
    from shapely.geometry import box

    from landapp.store import create_project

    s = create_project(tmp_path / "p.gpkg", "测试园区")
    fac = s.insert("buildings", {"name": "1号厂房", "btype": "标准厂房", "storeys": 2, "floor_area": 2000.0,
                                 "geometry": box(512000, 3390000, 512040, 3390025)})
    f1 = leasing.save_floor(s, fac, {"level": 1, "area": 1000.0})
    f2 = leasing.save_floor(s, fac, {"level": 2, "area": 1000.0})
    u1 = s.insert("units", {"building_id": fac, "floor_id": f1, "code": "101", "area": 1000.0, "status": "空置"})
    u2 = s.insert("units", {"building_id": fac, "floor_id": f2, "code": "201", "area": 1000.0, "status": "空置"})
    yield s, fac, (f1, f2), (u1, u2)
    s.close()


def test_stacking_data_whole_unit_spans_floors_and_carries_the_whole_lease(qapp, factory):
    s, fac, (_f1, f2), (u1, u2) = factory
    s.delete("units", u2)
    s.update("units", u1, {"floor_id": None, "area": 1900.0, "code": "整栋"})  # the factory as one unit
    leasing.let_whole(s, fac, "整租企业", "2026-01-01", "2030-12-31", as_of=dt.date(2026, 6, 1))
    d = stacking_data(s, fac, dt.date(2026, 6, 1))
    assert [f.name for f in d.floors] == ["2F", "1F"] and all(not f.units for f in d.floors)
    (w,) = d.whole
    assert w.whole and w.tenants == ("整租企业",) and w.status == "已租" and w.lease_end == dt.date(2030, 12, 31)
    plan = StackingPlan(d)
    blocks = plan.layout(QRectF(0, 0, 1000, 600))
    (r, _u), = blocks
    band = plan.band_height(QRectF(0, 0, 1000, 600))
    assert r.height() == pytest.approx(2 * band - 4)       # over both floors
    assert plan.floor_at(plan.floor_rows[0][0].center()).fid == f2
    # on a date before the contract the same unit is vacant
    d0 = stacking_data(s, fac, dt.date(2025, 6, 1))
    assert d0.whole[0].status == "空置" and d0.vacant == 1900.0


def test_export_stacking_command(qapp, demo_project, tmp_path, capsys):
    from landapp.cli import main

    names = [b["name"] for b in demo_project.rows("buildings", F("btype") == "楼宇", limit=2)]
    path = demo_project.path
    demo_project.close()
    pdf = tmp_path / "plans.pdf"
    argv = ["export", "stacking", path, "-o", str(pdf), "--colour", "expiry"]
    for n in names:
        argv += ["--building", n]
    assert main(argv) == 0 and "2 栋" in capsys.readouterr().out
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        import re

        assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 2  # a page each, plus tenant-roll pages
        import unicodedata

        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        text = unicodedata.normalize("NFKC", text)  # until the text layer maps 户 right (helper pdfs)
        assert len(re.findall("租.清单", text)) >= 2  # each tower has its tenant roll
    png = tmp_path / "one.png"
    assert main(["export", "stacking", path, "-o", str(png), "--building", names[0], "--as-of", "2025-01-01"]) == 0
    assert png.stat().st_size > 10000
    assert main(["export", "stacking", path, "-o", str(png)]) == 2  # a PNG holds one building
    assert "PNG" in capsys.readouterr().err
    assert main(["export", "stacking", path, "-o", str(png), "--building", "没有这栋楼"]) == 2
    assert "没有这栋楼" in capsys.readouterr().err


def test_fit_out_under_a_lease_counts_as_leased_everywhere(qapp, tmp_path):
    """The 13,300 vs 13,419.7 case: a unit recorded 装修中 with a current lease. The stacking
    plan's legend, `landapp vacancy`, the dashboard and the carrier list all count it 已租
    (one rule, landapp.vacancy.unit_class / UnitState.class_areas); the fit-out is a note."""
    import json

    from shapely.geometry import box

    from landapp.cli import main
    from landapp.opportunities import opportunity_list
    from landapp.store import create_project
    from landapp.vacancy import building_figures, load_space, vacancy_figures
    from ui.dashboard import collect_figures

    path = tmp_path / "fit.gpkg"
    s = create_project(path, "测试园区")
    s.set_setting("reference_date", "2026-11-01")
    tower = s.insert("buildings", {"name": "A座", "btype": "楼宇", "storeys": 2, "floor_area": 14000.0,
                                   "geometry": box(512000, 3390000, 512040, 3390025)})
    f1 = leasing.save_floor(s, tower, {"level": 1, "area": 13300.0})
    f2 = leasing.save_floor(s, tower, {"level": 2, "area": 500.0})
    let = s.insert("units", {"building_id": tower, "floor_id": f1, "code": "101", "area": 13300.0, "status": "已租"})
    fit = s.insert("units", {"building_id": tower, "floor_id": f2, "code": "201", "area": 119.7, "status": "装修中"})
    s.insert("units", {"building_id": tower, "floor_id": f2, "code": "202", "area": 380.3, "status": "空置"})
    for uid, area, who in ((let, 13300.0, "甲公司"), (fit, 119.7, "乙公司")):
        s.insert("leases", {"unit_id": uid, "building_id": tower, "tenant": who, "area": area,
                            "start_date": "2026-01-01", "end_date": "2029-12-31", "status": "有效"})
    as_of = dt.date(2026, 11, 1)
    space = load_space(s)
    (park,) = vacancy_figures(space, as_of)
    assert park.leased == pytest.approx(13419.7) and park.withheld == 0 and park.vacant == pytest.approx(380.3)
    data = stacking_data(s, tower, as_of)
    assert data.area_by("status")["已租"] == pytest.approx(13419.7)  # was 13,300: 装修中 taken apart
    assert "装修中" not in data.area_by("status")
    unit = next(u for u in data.units() if u.code == "201")
    assert unit.status == "已租" and unit.fitting_out  # shown leased, fit-out as a note
    assert building_figures(space, tower, as_of).leased == pytest.approx(13419.7)
    dash = collect_figures(s, as_of)
    assert dash["vacant_m2"] == pytest.approx(380.3)
    (row,) = opportunity_list(s, "carriers").itertuples()
    assert row.available_m2 == pytest.approx(380.3)
    s.close()
    assert main(["vacancy", str(path), "--as-of", "2026-11-01", "--format", "json"]) == 0
    # an unleased fit-out stays withheld
    with __import__("landapp.store", fromlist=["open_project"]).open_project(path) as s2:
        s2.update("units", fit, {"status": "装修中"})
        for lease in s2.rows("leases", F("unit_id") == fit):
            s2.delete("leases", lease["fid"])
        (park2,) = vacancy_figures(load_space(s2), as_of)
        d2 = stacking_data(s2, tower, as_of)
        assert park2.withheld == pytest.approx(119.7) and d2.area_by("status")["装修中"] == pytest.approx(119.7)
    _ = json


def test_tower_pdf_has_its_whole_tenant_roll(qapp, tmp_path):
    """A 20-storey tower with 60 tenants: the plan fills its page, the tenant roll follows on
    the next page(s), every tenant listed."""
    from shapely.geometry import box

    from landapp.store import create_project

    s = create_project(tmp_path / "t.gpkg", "测试园区")
    tower = s.insert("buildings", {"name": "B座", "btype": "楼宇", "storeys": 20, "floor_area": 24000.0,
                                   "geometry": box(512000, 3390000, 512040, 3390025)})
    n = 0
    for level in range(1, 21):
        fl = leasing.save_floor(s, tower, {"level": level, "area": 1200.0})
        for k in range(3):
            n += 1
            uid = s.insert("units", {"building_id": tower, "floor_id": fl, "code": f"{level}0{k + 1}",
                                     "area": 400.0, "status": "已租"})
            s.insert("leases", {"unit_id": uid, "building_id": tower, "tenant": f"租户{n:02d}号企业", "area": 400.0,
                                "start_date": "2026-01-01", "end_date": f"{2027 + n % 5}-06-30", "status": "有效"})
    plan = StackingPlan(stacking_data(s, tower, dt.date(2026, 11, 1)))
    pdf = tmp_path / "b.pdf"
    export_pdf(plan, str(pdf))
    s.close()
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    import re
    import unicodedata

    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    text = unicodedata.normalize("NFKC", text)  # 户 comes out as ⼾ until helper pdfs' fix: match any

    assert sorted(set(re.findall(r"租.(\d\d)号企业", text))) == [f"{i:02d}" for i in range(1, 61)]
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                                                              text=True).stdout).group(1))
    assert pages >= 2
