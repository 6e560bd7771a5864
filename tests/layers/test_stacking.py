"""Stacking plan drawing: layout proportional to area, colours, whole-building units, PNG
and PDF export."""


import datetime as dt
import shutil
import subprocess

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor

from landapp import leasing
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
    fid = demo_project.rows("buildings", "btype = '楼宇'", limit=1)[0]["fid"]
    return demo_project, fid


def test_data_has_floors_top_down_and_tenants(tower):
    store, fid = tower
    d = stacking_data(store, fid)
    levels = [f.level for f in d.floors]
    assert levels == sorted(levels, reverse=True)
    units = [u for f in d.floors for u in f.units]
    assert len(units) == store.count("units", "building_id = ?", (fid,))
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

    names = [b["name"] for b in demo_project.rows("buildings", "btype = '楼宇'", limit=2)]
    path = demo_project.path
    demo_project.close()
    pdf = tmp_path / "plans.pdf"
    argv = ["export", "stacking", path, "-o", str(pdf), "--colour", "expiry"]
    for n in names:
        argv += ["--building", n]
    assert main(argv) == 0 and "2 栋" in capsys.readouterr().out
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        assert "Pages:           2" in info
    png = tmp_path / "one.png"
    assert main(["export", "stacking", path, "-o", str(png), "--building", names[0], "--as-of", "2025-01-01"]) == 0
    assert png.stat().st_size > 10000
    assert main(["export", "stacking", path, "-o", str(png)]) == 2  # a PNG holds one building
    assert "PNG" in capsys.readouterr().err
    assert main(["export", "stacking", path, "-o", str(png), "--building", "没有这栋楼"]) == 2
    assert "没有这栋楼" in capsys.readouterr().err
