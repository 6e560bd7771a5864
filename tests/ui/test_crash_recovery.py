"""Kill the desktop app in the middle of an edit: every edit made before it is in the file,
the one in flight is gone without a trace, and the next start opens the project cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pyogrio
import pytest

from landapp.store.filters import F

pytestmark = pytest.mark.gui

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The app as main.py starts it (ui.app.make_app + MainWindow), edited through its tools and
# undo stack; the split's transaction is held open when the process is killed.
APP = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from landapp.store import open_project
    from landapp.store.filters import F
    from landapp import editing as ed
    from ui.app import make_app
    from ui.main_window import MainWindow

    app = make_app(sys.argv[:1])
    store = open_project(sys.argv[1])
    win = MainWindow(store)
    win.session.on_error = lambda msg: print("ERROR", msg, flush=True)
    win.resize(1200, 800)
    win.show()
    app.processEvents()
    win.tools["add_parcel"].ask_attributes = lambda layer, g: {"code": "KILL-A", "status": "待供"}
    win.set_tool("add_parcel")
    win.enter_coordinates("3380100, 420100\\n3380100, 420200\\n3380000, 420200\\n3380000, 420100")
    QTest.keyClick(win.canvas, Qt.Key.Key_Return)
    fid = store.rows("parcels", F("code") == "KILL-A")[0]["fid"]
    win.session.run(ed.UpdateAttributes("parcels", fid, {"name": "杀进程前的修改"}))
    win.session.run(ed.MoveVertex(store, "parcels", (420200, 3380100), (420230, 3380100)))
    app.processEvents()
    print("committed", flush=True)

    real_update = store.update
    def slow_update(layer, f, changes, **kw):  # the split stops right before retiring its parent
        if changes.get("retired"):
            print("in flight", flush=True)
            time.sleep(60)
        return real_update(layer, f, changes, **kw)
    store.update = slow_update
    win.session.run(ed.SplitFeature("parcels", fid, __import__("shapely").LineString([(420150, 3379990), (420150, 3380110)])))
""")


def test_killing_the_app_mid_edit_loses_only_that_edit(qtbot, demo_project):
    path = demo_project.path
    n_before = demo_project.count("parcels")
    demo_project.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    p = subprocess.Popen([sys.executable, "-c", APP, path], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        assert p.stdout.readline().strip() == "committed", p.stderr.read()
        assert p.stdout.readline().strip() == "in flight"
        assert os.path.exists(path + "-journal")  # the split's transaction is open
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=20)

    # the next start: the project opens (SQLite rolls the dead transaction back), nothing to repair
    from landapp.store import open_project
    from ui.main_window import MainWindow

    store = open_project(path)
    try:
        win = MainWindow(store)
        qtbot.addWidget(win)
        assert store.integrity_check() == []
        kept = store.rows("parcels", F("code").startswith("KILL-A"))
        assert [(r["code"], r["name"], bool(r["retired"])) for r in kept] == [("KILL-A", "杀进程前的修改", False)]
        assert kept[0]["area_m2"] == pytest.approx(10000 + 30 * 100 / 2)  # the vertex move is there
        assert store.count("parcels") == n_before + 1 and store.count("parcel_lineage", F("parent_id") == kept[0]["fid"]) == 0
        assert kept[0]["fid"] in win.map.layer("parcels").data.fid_index  # drawn on the map
        gdal = pyogrio.read_dataframe(path, layer="parcels", where="code LIKE 'KILL-A%'")
        assert gdal["code"].tolist() == ["KILL-A"]
        # editing goes on as usual; what is left of the dead transaction is gone with it
        # (a journal whose header was never synced is not hot: the file was never touched)
        store.update("parcels", kept[0]["fid"], {"note": "重启后继续编辑"})
        assert not os.path.exists(path + "-journal")
        win.detach()
    finally:
        store.close()
    check = subprocess.run([sys.executable, "-m", "landapp", "check", path], capture_output=True, check=False,
                           text=True, env={**os.environ, "PYTHONPATH": ROOT}, cwd=ROOT)
    assert check.returncode == 0, check.stdout + check.stderr
