"""Stacking plan drawing: layout proportional to area, colours, PNG and PDF export."""

import shutil
import subprocess

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor

from layers.stacking import (
    STATUS_COLOURS,
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
    assert widest == pytest.approx(1200 - 56 - 8, rel=1e-6)
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
