"""Screenshots of the main window with the dashboard, the stacking plan and the idle list
open (as a planner opens them from the menu), for looking at the layout on a laptop screen:

    xvfb-run -a -s "-screen 0 1366x768x24" python scripts/workspace_screenshots.py OUT_DIR

Writes OUT_DIR/WxH_map.png, _dashboard.png, _stacking.png and _closed.png (all panels closed),
and prints the map canvas size and what each panel shows. Settings go to a temporary folder."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

os.environ.setdefault("LANDAPP_SETTINGS_DIR", tempfile.mkdtemp(prefix="landapp-shots-"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def main(out: str) -> int:
    from PySide6.QtCore import QCoreApplication, QElapsedTimer
    from PySide6.QtGui import QGuiApplication

    from landapp.store import open_project
    from landapp.store.filters import F
    from ui.app import DEMO, make_app
    from ui.main_window import MainWindow

    app = make_app(sys.argv[:1], "zh")
    work = tempfile.mkdtemp()
    stem = os.path.splitext(DEMO)[0]
    for src in [DEMO] + [stem + e for e in ("_map.png", "_map.pgw", "_map.png.aux.xml") if os.path.exists(stem + e)]:
        shutil.copy(src, work)
    store = open_project(os.path.join(work, os.path.basename(DEMO)))
    win = MainWindow(store, is_demo=True)
    win.show()

    def pump(ms=400):
        t = QElapsedTimer()
        t.start()
        while t.elapsed() < ms:
            QCoreApplication.processEvents()

    pump(800)
    win.canvas.wait_for_frame()
    screen = QGuiApplication.primaryScreen()
    size = screen.size()
    tag = f"{size.width()}x{size.height()}"

    def shot(name):
        pump(300)
        win.canvas.wait_for_frame()
        pump(200)
        screen.grabWindow(0).save(os.path.join(out, f"{tag}_{name}.png"))

    floors_of: dict = {}
    for (bid,) in store.values("floors", ["building_id"]):
        floors_of[bid] = floors_of.get(bid, 0) + 1
    tall = [bid for bid, n in floors_of.items() if n >= 8]  # the first building of 8 floors or more
    b = store.rows("buildings", F("fid").in_(tall), limit=1)[0]["fid"]
    win.canvas.set_selection("buildings", [b])
    acts = {a.objectName(): a for a in win.workspace.menus["space"].actions()}
    acts["open:dashboard"].trigger()
    acts["open_stacking"].trigger()
    acts["open:idle"].trigger()
    pump(600)
    win.workspace.documents.setCurrentIndex(0)
    shot("map")
    print(tag, "window", win.geometry().getRect(), "canvas", win.canvas.width(), "x", win.canvas.height(),
          f"({win.canvas.width() / win.width():.0%} × {win.canvas.height() / win.height():.0%})")
    from tests.ui.test_workspace import floors_visible, idle_rows_visible, visible_fraction

    print(tag, "idle rows visible", idle_rows_visible(win.panel("idle").table))
    dash = win.open_panel("dashboard")
    shot("dashboard")
    print(tag, "dashboard key figures whole", sum(visible_fraction(k) > 0.98 for k in dash.kf.values()), "/ 6;",
          "charts whole", sum(visible_fraction(c) > 0.98 for c in dash.charts.values()), "/ 6")
    st = win.open_panel("stacking")
    shot("stacking")
    print(tag, "stacking floors visible", floors_visible(st), "of", len(st.canvas.plan.floor_rows))
    for pid in ("dashboard", "stacking", "idle"):
        win.workspace.close_panel(pid)
    shot("closed")
    print(tag, "closed: canvas", win.canvas.width(), "x", win.canvas.height())
    win.detach()
    win.close()
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
