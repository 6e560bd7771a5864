"""The minimal main window on the demo park (the full map window is issue 4)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import shapely
from PySide6.QtGui import QColor

pytestmark = pytest.mark.gui

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def window(qtbot, demo_project):
    from ui.main_window import MainWindow

    win = MainWindow(demo_project, is_demo=True)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_window_shows_the_park_and_its_summary(window, demo_project):
    assert "成都经济技术开发区" in window.windowTitle() and "示例" in window.windowTitle()
    text = window.summary_view.toPlainText()
    assert f"{demo_project.count('parcels', 'retired = 0'):,}" in text
    assert "亩" in text and "空置率" in text


def test_parcels_are_drawn_in_their_status_colour(window, demo_project):
    from layers.styles import status_colour

    ov = window.overview
    img = ov.grab().toImage()
    parcels = demo_project.read_layer("parcels", columns=["status"])
    buildings = demo_project.read_layer("buildings").geometry.union_all()
    s, ox, oy, x0, y1 = ov._transform()
    checked = 0
    for geom, status in zip(parcels.geometry, parcels["status"]):
        inner = geom.buffer(-25).difference(buildings.buffer(10))
        if inner.is_empty or inner.area < 2000:
            continue
        pt = shapely.ops.polylabel(max(shapely.get_parts(inner), key=lambda g: g.area), 1)
        px, py = ox + (pt.x - x0) * s, oy + (y1 - pt.y) * s
        got = img.pixelColor(int(px * img.devicePixelRatio()), int(py * img.devicePixelRatio()))
        want = QColor(status_colour(status))
        if abs(got.red() - want.red()) + abs(got.green() - want.green()) + abs(got.blue() - want.blue()) < 30:
            checked += 1
    assert checked > 0.8 * len(parcels)


def test_status_bar_shows_projected_and_geographic_coordinates(window, qtbot):
    from PySide6.QtCore import QPoint, Qt

    ov = window.overview
    qtbot.mouseMove(ov, QPoint(ov.width() // 2, ov.height() // 2))
    qtbot.waitUntil(lambda: "°E" in window.coords_label.text())
    text = window.coords_label.text()
    assert "104." in text and "30." in text


def test_store_changes_refresh_the_window(window, demo_project):
    fid = int(demo_project.read_layer("parcels", columns=["code"]).index[0])
    demo_project.update("parcels", fid, {"status": "闲置"})
    assert window.overview.parcels.loc[fid, "status"] == "闲置"


def test_bad_project_gives_a_clear_message(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.app import open_or_explain

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    bad = tmp_path / "bad.gpkg"
    bad.write_text("not a geopackage")
    assert open_or_explain(str(bad)) is None
    assert shown == [f"{bad} 不是 GeoPackage 文件(.gpkg)。"]


def test_demo_copy_keeps_the_repository_clean(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QStandardPaths

    from ui import app

    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda _loc: str(tmp_path / "appdata"))
    path = app.demo_copy()
    assert path.startswith(str(tmp_path)) and os.path.exists(path)
    assert os.path.exists(os.path.join(tmp_path, "appdata", "demo_park_map.pgw"))


def test_main_py_exits_cleanly_on_a_missing_file(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ROOT}
    # QMessageBox.critical would wait for a click; answer it at once by running headless
    code = ("import sys; sys.argv=['main.py', sys.argv[1]];"
            "from PySide6.QtWidgets import QMessageBox;"
            "QMessageBox.critical = staticmethod(lambda *a: print(a[2]));"
            "import runpy; runpy.run_path('main.py', run_name='__main__')")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "missing.gpkg")], cwd=ROOT,
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2 and "找不到工程文件" in r.stdout and "Traceback" not in r.stderr
