"""The shortcuts parcel sheets take for speed draw what the plain calls drew: labels and their
halos from cached glyph runs, point-number halos from a cached stroke outline, the fraction
label's candidate boxes tested only where they can fit."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
import shapely
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath


@pytest.fixture(autouse=True)
def _app():
    from layers.render import ensure_gui_app

    ensure_gui_app()


def _pixels(paint, w=260, h=60) -> np.ndarray:
    img = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor(120, 160, 200))  # a coloured fill under the label, so the halo shows
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    paint(p)
    p.end()
    return np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes()).copy()


@pytest.mark.parametrize("text", ["002-00017", "生产厂房1号", "成洛大道 A2"])
def test_halo_from_glyph_runs_paints_what_eight_drawtexts_paint(text):
    from layers.vector import _HALO_OFFSETS, _paint_halo_runs, label_font

    def plain(p):
        p.setFont(label_font(9))
        p.setPen(QColor(255, 255, 255, 235))
        for dx, dy in _HALO_OFFSETS:
            p.drawText(QPointF(20.3 + dx, 30.6 + dy), text)
        p.setPen(QColor(30, 30, 30))
        p.drawText(QPointF(20.3, 30.6), text)

    def runs(p):
        p.setFont(label_font(9))
        _paint_halo_runs(p, 20.3, 30.6, text, QColor(30, 30, 30))

    a, b = _pixels(plain), _pixels(runs)
    assert (a != b).sum() == 0
    assert (a != _pixels(lambda p: None)).sum() > 100  # something was drawn


def _pdf_pixels(tmp_path, name, paint) -> np.ndarray:
    from layers.render import pdf_document

    path = tmp_path / f"{name}.pdf"
    with pdf_document(str(path), title="t") as doc:
        doc.painter.fillRect(0, 0, 200, 100, QColor(120, 160, 200))
        paint(doc.painter)
    subprocess.run(["pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-png", "-singlefile", str(path),
                    str(tmp_path / name)], check=True)
    img = QImage(str(tmp_path / f"{name}.png")).convertToFormat(QImage.Format.Format_RGB888)
    return np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes()).copy()


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
def test_point_number_halo_on_a_pdf_is_the_stroked_text_outline(tmp_path):
    from layers.sheet_points import HALO_PEN, _halo_text
    from layers.vector import label_font

    pos = [QPointF(40.37, 33.71), QPointF(120.02, 60.5)]

    def stroked(p):
        p.setFont(label_font(7.5))
        for q in pos:
            path = QPainterPath()
            path.addText(q, p.font(), "J12")
            p.strokePath(path, HALO_PEN)
            p.setPen(QColor(150, 0, 0))
            p.drawText(q, "J12")

    def cached(p):
        p.setFont(label_font(7.5))
        for q in pos:  # the second from the cache
            _halo_text(p, q, "J12", QColor(150, 0, 0))

    a, b = _pdf_pixels(tmp_path, "stroked", stroked), _pdf_pixels(tmp_path, "cached", cached)
    assert np.array_equal(a, b)
    assert (a != _pdf_pixels(tmp_path, "empty", lambda p: None)).sum() > 100


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_pdf_labels_drawn_from_runs_read_as_drawtext_labels_do(tmp_path):
    """A PDF reader gets the same text from the glyph-run halo as from eight drawText calls
    (runs in one face per stretch of text: 生产厂房1号 does not read 生产厂房号1)."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFontMetricsF

    from layers.render import pdf_document
    from layers.vector import _HALO_OFFSETS, _halo_text, label_font

    texts = ["生产厂房1号", "002-00017", "汽车城A区"]
    out = {}
    for mode in ("runs", "drawtext"):
        path = tmp_path / f"{mode}.pdf"
        with pdf_document(str(path), title="t") as doc:
            p = doc.painter
            p.setFont(label_font(9))
            fm = QFontMetricsF(p.font())
            for i, t in enumerate(texts):
                r = QRectF(40, 40 + 40 * i, 200, 20)
                if mode == "runs":
                    _halo_text(p, r, t)
                    continue
                x, y = r.center().x() - fm.horizontalAdvance(t) / 2, r.center().y() + (fm.ascent() - fm.descent()) / 2
                p.setPen(QColor(255, 255, 255, 235))
                for dx, dy in _HALO_OFFSETS:
                    p.drawText(QPointF(x + dx, y + dy), t)
                p.setPen(QColor(30, 30, 30))
                p.drawText(QPointF(x, y), t)
        out[mode] = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert out["runs"] == out["drawtext"]
    assert all(t in out["runs"].split() for t in texts)


def test_label_spot_candidates_are_the_boxes_the_parcel_contains():
    from layers.sheets import _LabelSpots

    shapes = [shapely.box(0, 0, 100, 40),  # box edges on the parcel's edges
              shapely.Polygon([(0, 0), (90, 0), (90, 20), (30, 20), (30, 70), (0, 70)]),  # an L
              shapely.Polygon([(0, 0), (80, 10), (70, 60), (10, 50)]),
              shapely.box(0, 0, 100, 40).difference(shapely.box(40, 10, 60, 30))]  # a hole
    for geom in shapes:
        spots = _LabelSpots(geom, None)
        for hw, hh in [(5.0, 3.0), (20.0, 4.0), (1.0, 1.0), (60.0, 30.0)]:
            cx, cy, _boxes, contained, _ = spots._grid(hw, hh)
            every = shapely.contains(geom, shapely.box(cx - hw, cy - hh, cx + hw, cy + hh))
            assert np.array_equal(contained, every), (geom.wkt, hw, hh)
            assert contained.any() or hw >= 20
