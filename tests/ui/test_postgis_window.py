"""The map window on a shared park: in PostGIS (a throwaway server) it shows the park, edits go
through the undo stack, others' committed edits appear (LISTEN/NOTIFY), a viewer's window
has its editing tools off, the connect dialog lists the parks, and a server that goes away is
one sentence in the status bar while the window and the undo stack stay; on a GeoPackage, edits
QGIS makes in the file show up."""

from __future__ import annotations

import psycopg
from PySide6.QtCore import Qt
import pytest

from landapp.editing import SplitFeature, UpdateAttributes
from landapp.store import open_project
from landapp.store.target import parse_target
from landapp.store.transfer import push
from landapp.store.filters import F

pytestmark = pytest.mark.gui


@pytest.fixture
def db_store(demo_project, pg_target):
    push(demo_project.path, pg_target)
    store = open_project(pg_target)
    yield store
    store.close()


@pytest.fixture
def window(qtbot, db_store):
    from ui.i18n import set_ui_language
    from ui.main_window import MainWindow

    set_ui_language("zh")
    win = MainWindow(db_store)
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    qtbot.waitExposed(win)
    assert win.canvas.wait_for_frame()
    qtbot.waitUntil(lambda: win.table.model.loaded, timeout=5000)  # rows are read after the first paint
    yield win
    win.detach()


def _a_parcel(store) -> int:
    return int(store.table_fids("parcels")[0])


def test_window_shows_the_park_and_edits_undo(window, db_store):
    assert "成都经济技术开发区" in window.windowTitle()
    assert window.canvas.frame is not None
    model = window.table.model
    assert model.rowCount() == db_store.count("parcels", (F("retired") == 0) | F("retired").is_null())
    fid = _a_parcel(db_store)
    old = db_store.get("parcels", fid)["name"]
    assert window.session.run(UpdateAttributes("parcels", fid, {"name": "库中改名"}))
    col = [f.name for f in model.columns].index("name")
    assert model.data(model.index(model.row_of(fid), col)) == "库中改名"
    window.session.undo()
    assert db_store.get("parcels", fid)["name"] == old
    window.session.redo()
    assert db_store.get("parcels", fid)["name"] == "库中改名"


def test_split_and_undo_on_postgis(window, db_store):
    """A multi-feature edit (retire the parent, add the parts, lineage) and its undo."""
    import shapely
    from shapely.geometry import LineString

    fids = db_store.table_fids("parcels").tolist()
    for fid in fids:
        rec = db_store.get("parcels", fid)
        if not db_store.count("buildings", F("parcel_code") == rec["code"]):
            break
    g = rec["geometry"]
    c = g.centroid
    x0, y0, x1, y1 = g.bounds
    before = db_store.count("parcels")
    assert window.session.run(SplitFeature("parcels", fid, LineString([(c.x, y0 - 5), (c.x, y1 + 5)])))
    assert db_store.get("parcels", fid)["retired"] is True
    assert db_store.count("parcels") == before + 2
    assert len(db_store.rows("parcel_lineage", F("parent_id") == fid)) == 2
    window.session.undo()
    assert db_store.count("parcels") == before and db_store.get("parcels", fid)["retired"] is False
    assert shapely.equals(db_store.get("parcels", fid)["geometry"], g)


def test_others_edits_appear(window, db_store, pg_target, qtbot):
    other = open_project(pg_target)
    try:
        fid = _a_parcel(db_store)
        other.update("parcels", fid, {"name": "同事改的名"})
        model = window.table.model
        col = [f.name for f in model.columns].index("name")
        qtbot.waitUntil(lambda: window.live.check() is not None and
                        model.data(model.index(model.row_of(fid), col)) == "同事改的名", timeout=10000)
        log = db_store.rows("edit_log", (F("feature_id") == fid) & (F("layer") == "parcels"), order_by=F("fid").desc(), limit=1)
        assert log[0]["user"] == "postgres" and log[0]["session"] == other.session
        assert window.live.check() == []  # nothing new: no query, no event
    finally:
        other.close()


def test_viewer_window_is_read_only(qtbot, db_store, pg_cluster, pg_target):
    from landapp.store.transfer import grant
    from ui.main_window import MainWindow

    with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS ui_viewer")
        conn.execute("CREATE ROLE ui_viewer LOGIN")
    schema = parse_target(pg_target).schema
    try:
        grant(pg_target, "ui_viewer", "viewer")
        viewer = open_project(pg_cluster.socket_uri(user="ui_viewer", schema=schema))
        win = MainWindow(viewer)
        qtbot.addWidget(win)
        try:
            assert viewer.read_only and "只读" in win.windowTitle()
            assert not win.tool_actions["add_parcel"].isEnabled() and not win.tool_actions["split"].isEnabled()
            assert win.tool_actions["pan"].isEnabled()
            errors = []
            win.session.on_error = errors.append
            assert not win.session.run(UpdateAttributes("parcels", _a_parcel(viewer), {"name": "x"}))
            assert errors and "权限" in errors[0] and win.session.stack.count() == 0
        finally:
            win.detach()
            viewer.close()
    finally:
        with psycopg.connect(pg_cluster.conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.execute("DROP ROLE IF EXISTS ui_viewer")


def test_connect_dialog_lists_the_parks(qtbot, db_store, pg_cluster, pg_target):
    from ui.connect_dialog import ConnectDialog

    dlg = ConnectDialog(target=pg_cluster.socket_uri())
    qtbot.addWidget(dlg)
    assert dlg.list_parks()
    schema = parse_target(pg_target).schema
    texts = [dlg.parks.item(i).text() for i in range(dlg.parks.count())]
    row = next(i for i, t in enumerate(texts) if schema in t)
    dlg.parks.setCurrentRow(row)
    dlg.accept()
    assert parse_target(dlg.target).schema == schema
    with open_project(dlg.target) as s:
        assert s.count("parcels") == db_store.count("parcels")
    bad = ConnectDialog(target="postgresql://postgres:geheim@127.0.0.1:1/x")
    qtbot.addWidget(bad)
    assert not bad.list_parks()
    assert bad.error.text() and "geheim" not in bad.error.text()


def test_server_going_away_keeps_the_window_and_the_undo_stack(window, db_store, pg_cluster):
    """The server drops the connection and refuses new ones for a while (no Qt events are
    processed meanwhile): an edit fails with one sentence, the status bar says so, the
    window and the undo stack stay; when the server is back the next edit just works."""
    fid = _a_parcel(db_store)
    assert window.session.run(UpdateAttributes("parcels", fid, {"name": "断线前"}))
    db = pg_cluster.database
    with psycopg.connect(pg_cluster.conninfo(dbname="postgres"), autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{db}" ALLOW_CONNECTIONS false')
        admin.execute("SELECT pg_terminate_backend(%s)", (db_store._conn.info.backend_pid,))
        try:
            errors = []
            window.session.on_error = errors.append
            assert not window.session.run(UpdateAttributes("parcels", fid, {"name": "断线后"}))
            assert len(errors) == 1 and "\n" not in errors[0] and "连接" in errors[0]
            assert window.session.stack.count() == 1 and window.isVisible()
            window.live.check()
            assert "连接" in window.statusBar().currentMessage()
            assert not window.session.run(UpdateAttributes("parcels", fid, {"name": "断线后"}))
            assert window.session.stack.count() == 1
        finally:
            admin.execute(f'ALTER DATABASE "{db}" ALLOW_CONNECTIONS true')
    assert window.session.run(UpdateAttributes("parcels", fid, {"name": "恢复后"}))
    assert window.session.stack.count() == 2 and db_store.get("parcels", fid)["name"] == "恢复后"
    window.session.undo()
    assert db_store.get("parcels", fid)["name"] == "断线前"


def test_form_edits_do_not_overwrite_a_colleague(window, db_store, pg_target, qtbot):
    """Two planners edit one parcel: different fields both land without asking; the same
    field brings up the conflict view (theirs / mine / combine), and nothing is overwritten
    unless the planner says so. Undo checks the same way."""
    from ui.conflict_dialog import ConflictDialog, apply_checked

    fid = _a_parcel(db_store)
    seen = db_store.get("parcels", fid)
    other = open_project(pg_target)
    try:
        other.update("parcels", fid, {"note": "同事的备注", "name": "同事的名称"})
        asked = []
        # different field: lands, the colleague's edits stay
        assert apply_checked(window.session, "parcels", fid, seen, {"location": "我的位置"}, ask=asked.append)
        rec = db_store.get("parcels", fid)
        assert not asked and (rec["location"], rec["note"], rec["name"]) == ("我的位置", "同事的备注", "同事的名称")
        # same fields: the conflict view; keep theirs writes nothing
        assert not apply_checked(window.session, "parcels", fid, seen, {"note": "我的备注"}, ask=lambda cs: set())
        assert db_store.get("parcels", fid)["note"] == "同事的备注"
        # combine: mine for the name, theirs for the note
        got = []
        assert apply_checked(window.session, "parcels", fid, seen, {"note": "我的备注", "name": "我的名称"},
                             ask=lambda cs: got.extend(cs) or {"name"})
        assert {c["field"]: (c["theirs"], c["mine"]) for c in got} == {
            "note": ("同事的备注", "我的备注"), "name": ("同事的名称", "我的名称")}
        rec = db_store.get("parcels", fid)
        assert (rec["name"], rec["note"]) == ("我的名称", "同事的备注")
        # the colleague changes the name again: my undo must not overwrite it
        other.update("parcels", fid, {"name": "同事又改"})
        errors = []
        window.session.on_error = errors.append
        window.session.undo()
        assert db_store.get("parcels", fid)["name"] == "同事又改" and errors and "他人" in errors[0]
        # the dialog itself: rows per field, ticks decide
        dlg = ConflictDialog("parcels", "P1", got)
        qtbot.addWidget(dlg)
        assert dlg.table.rowCount() == 2 and dlg.table.item(0, 2).text() == "同事的备注"
        dlg.table.item(1, 4).setCheckState(Qt.CheckState.Checked)
        dlg.combine.click()
        assert dlg.mine_wins == {"name"}
    finally:
        other.close()


def test_geopackage_window_sees_edits_made_by_another_program(qtbot, demo_project):
    """QGIS (here: SQLite with the GeoPackage functions, as QGIS writes) renames a parcel in
    the file the window has open: the window's table shows it after its next check, and the
    feature's history says another program did it."""
    import sqlite3

    from landapp import gpkg
    from landapp.history import feature_history
    from ui.main_window import MainWindow

    win = MainWindow(demo_project)
    qtbot.addWidget(win)
    try:
        model = win.table.model
        model.load()
        fid = int(demo_project.table_fids("parcels")[0])
        con = sqlite3.connect(demo_project.path)
        gpkg.register_functions(con)
        con.execute("UPDATE parcels SET name = 'QGIS 改的名' WHERE fid = ?", (fid,))
        con.commit()
        con.close()
        events = win.live.check()
        assert [(e.op, e.fids, e.external) for e in events] == [("update", (fid,), True)]
        col = [f.name for f in model.columns].index("name")
        assert model.data(model.index(model.row_of(fid), col)) == "QGIS 改的名"
        assert feature_history(demo_project, "parcels", fid)[0]["user"] == "其他程序(如 QGIS)"
    finally:
        win.detach()


def test_a_database_park_in_the_recent_list_keeps_no_password_and_reopens(window, db_store, pg_target, qtbot):
    """Opening a park by a URI that carries a password (python main.py postgresql://u:pw@…)
    puts it in 文件 → 最近打开 without the password; the entry stays (no file to look for)
    and opens the park in a new window."""
    from ui import settings

    with_pw = pg_target.replace("postgresql://postgres@", "postgresql://postgres:geheim-pw@")
    assert "geheim-pw" in with_pw
    settings.add_recent(with_pw)
    stored = settings.recent_projects()[0]
    assert "geheim-pw" not in stored and "geheim-pw" not in str(settings.settings().value("recent/projects"))
    assert parse_target(stored).schema == db_store.schema
    assert window.fill_recent_menu()[0] == stored
    entry = window.workspace.menus["file.recent"].actions()[0]
    assert entry.text().startswith(db_store.schema)
    other = window.open_project(stored)
    assert other is not None
    qtbot.addWidget(other)
    try:
        assert other.store.schema == db_store.schema and other.canvas.wait_for_frame()
        qtbot.waitUntil(lambda: other.table.model.rowCount() == window.table.model.rowCount() > 0, timeout=10000)
    finally:
        other.detach()
        other.store.close()


def test_edits_qgis_makes_in_the_database_appear_with_their_author(window, db_store, pg_cluster, qtbot):
    """A plain connection as QGIS makes one (its own application_name, no landapp code)
    renames a parcel in the park's schema: the window's table shows the new name after its
    next check, and the info panel's edit history names the database user and QGIS."""
    from psycopg import sql

    fid = _a_parcel(db_store)
    model = window.table.model
    col = [f.name for f in model.columns].index("name")
    with psycopg.connect(pg_cluster.conninfo(), autocommit=True, application_name="QGIS") as qgis:
        qgis.execute(sql.SQL("UPDATE {}.parcels SET name = 'QGIS 改的名' WHERE fid = %s").format(
            sql.Identifier(db_store.schema)), (fid,))
    qtbot.waitUntil(lambda: window.live.check() is not None and
                    model.data(model.index(model.row_of(fid), col)) == "QGIS 改的名", timeout=10000)
    window.info.show_feature("parcels", fid)
    text = window.info.toPlainText()
    assert "postgres(通过其他程序 QGIS)" in text and "→ QGIS 改的名" in text
