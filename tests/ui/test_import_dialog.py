"""The import and export dialogs: preview with decoded text, field and land-use mapping
remembered per kind of file, CRS candidates and refusals, layer choice, cancel, undo, and
exporting the selection with the user's options."""

from __future__ import annotations

import hashlib
import os

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import box

from landapp.store.filters import F

pytestmark = pytest.mark.gui

X0, Y0 = 430000.0, 3384000.0


def gbk_shapefile(folder, name="nocrs", n=3, prj=False):
    gdf = gpd.GeoDataFrame({"DKBH": [f"D{i + 1}" for i in range(n)], "地块名称": [f"{i + 1}号地" for i in range(n)],
                            "YDXZ": (["M1", "W2", "B1"] * n)[:n]},
                           geometry=[box(X0 + 60 * i, Y0, X0 + 60 * i + 50, Y0 + 50) for i in range(n)],
                           crs=4544 if prj else None)
    path = os.path.join(folder, f"{name}.shp")
    pyogrio.write_dataframe(gdf, path, encoding="CP936")
    for ext in (".cpg",) + (() if prj else (".prj",)):
        if os.path.exists(os.path.join(folder, name + ext)):
            os.unlink(os.path.join(folder, name + ext))
    return path


def digest(path) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def land_use_rows(dlg):
    return {dlg.land_use.item(r, 0).text(): dlg.land_use.cellWidget(r, 2).currentData()
            for r in range(dlg.land_use.rowCount())}


def test_import_dialog_previews_maps_and_imports(qtbot, empty_project, tmp_path):
    from ui.import_dialog import ImportDialog

    path = gbk_shapefile(str(tmp_path))
    dlg = ImportDialog(empty_project, path=str(path))
    qtbot.addWidget(dlg)
    assert dlg.preview_model.item(0, 1).text() == "1号地"  # decoded GBK, no mojibake
    assert dlg.preview_model.item(0, 3).text() == "Polygon 2500.0"
    assert "EPSG:4544" in dlg.crs.currentText()  # proposed from the digits
    assert "没有坐标系" in dlg.crs_note.text()  # … and the user is asked to confirm it
    assert dlg.current_mapping() == {"DKBH": "code", "地块名称": "name", "YDXZ": "land_use"}
    assert land_use_rows(dlg) == {"M1": "100101", "W2": "110102", "B1": "0901"}  # old codes → new
    assert dlg.run(dry_run=True) and empty_project.count("parcels") == 0
    assert "预检" in dlg.notes.toPlainText()
    assert dlg.run(dry_run=False)
    assert sorted(r["code"] for r in empty_project.rows("parcels")) == ["D1", "D2", "D3"]
    assert "导入 3 个" in dlg.notes.toPlainText()


def test_mappings_are_remembered_for_the_next_file_of_the_kind(qtbot, empty_project, tmp_path):
    from ui.import_dialog import ImportDialog

    dlg = ImportDialog(empty_project, path=gbk_shapefile(str(tmp_path), "first"))
    qtbot.addWidget(dlg)
    name_row = next(r for r in range(dlg.mapping.rowCount()) if dlg.mapping.item(r, 0).text() == "地块名称")
    combo = dlg.mapping.cellWidget(name_row, 1)
    combo.setCurrentIndex(combo.findData("note"))  # the user's own choice
    b1 = next(r for r in range(dlg.land_use.rowCount()) if dlg.land_use.item(r, 0).text() == "B1")
    lu = dlg.land_use.cellWidget(b1, 2)
    lu.setCurrentIndex(lu.findData("0902"))  # locally B1 meant 商务金融
    assert dlg.run(dry_run=False)
    assert empty_project.rows("parcels", F("code") == "D3")[0]["land_use"] == "0902"
    second = tmp_path / "second"
    second.mkdir()
    again = ImportDialog(empty_project, path=gbk_shapefile(str(second), "second"))
    qtbot.addWidget(again)
    assert again.current_mapping()["地块名称"] == "note"
    assert land_use_rows(again)["B1"] == "0902" and land_use_rows(again)["M1"] == "100101"


def test_unknown_land_use_values_are_still_reported(qtbot, empty_project, tmp_path):
    from ui.import_dialog import ImportDialog

    gdf = gpd.GeoDataFrame({"DKBH": ["U1", "U2"], "YDXZ": ["M1", "某某用地"]},
                           geometry=[box(X0, Y0, X0 + 10, Y0 + 10), box(X0 + 20, Y0, X0 + 30, Y0 + 10)])
    path = tmp_path / "u.shp"
    pyogrio.write_dataframe(gdf, path, encoding="CP936")
    dlg = ImportDialog(empty_project, path=str(path))
    qtbot.addWidget(dlg)
    assert land_use_rows(dlg) == {"M1": "100101", "某某用地": ""}
    assert dlg.run(dry_run=True) and "用地性质“某某用地”无法识别" in dlg.notes.toPlainText()


def test_legacy_crs_is_refused_on_sight(qtbot, empty_project, tmp_path):
    from ui.import_dialog import ImportDialog

    gdf = gpd.GeoDataFrame({"code": ["X1"]}, geometry=[box(X0, Y0, X0 + 10, Y0 + 10)], crs=2383)  # Xian 1980
    path = tmp_path / "xa.geojson"
    gdf.to_file(path)
    dlg = ImportDialog(empty_project, path=str(path))
    qtbot.addWidget(dlg)
    assert "转换参数" in dlg.crs_note.text() and "不做无参数的平移" in dlg.crs_note.text()
    assert not dlg.import_button.isEnabled() and not dlg.check_button.isEnabled()


def test_geopackage_layer_is_chosen_in_the_dialog(qtbot, empty_project, tmp_path):
    from ui.import_dialog import ImportDialog

    path = tmp_path / "two.gpkg"
    one = gpd.GeoDataFrame({"code": ["A"]}, geometry=[box(X0, Y0, X0 + 10, Y0 + 10)], crs=4544)
    two = gpd.GeoDataFrame({"code": ["B", "C"]}, geometry=[box(X0 + 20, Y0, X0 + 30, Y0 + 10),
                                                           box(X0 + 40, Y0, X0 + 50, Y0 + 10)], crs=4544)
    pyogrio.write_dataframe(one, path, layer="一期")
    pyogrio.write_dataframe(two, path, layer="二期")
    dlg = ImportDialog(empty_project, path=str(path))
    qtbot.addWidget(dlg)
    assert [dlg.layer.itemText(i) for i in range(1, dlg.layer.count())] == ["一期", "二期"]
    assert "有 2 个图层" in dlg.notes.toPlainText()
    dlg.layer.setCurrentIndex(dlg.layer.findData("二期"))
    assert dlg.preview_model.rowCount() == 2 and dlg.preview_model.item(1, 0).text() == "C"


def test_cancel_writes_nothing(qtbot, empty_project, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QProgressDialog

    from ui.import_dialog import ImportDialog

    dlg = ImportDialog(empty_project, path=gbk_shapefile(str(tmp_path), n=30))
    qtbot.addWidget(dlg)
    before = digest(empty_project.path)
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    assert not dlg.run(dry_run=False)
    assert "取消" in dlg.notes.toPlainText() and digest(empty_project.path) == before


def test_an_import_is_one_undo_step(qtbot, empty_project, tmp_path):
    from ui.import_dialog import ImportDialog
    from ui.undo import EditSession

    session = EditSession(empty_project)
    dlg = ImportDialog(empty_project, path=gbk_shapefile(str(tmp_path), n=5), session=session)
    qtbot.addWidget(dlg)
    assert dlg.run(dry_run=False) and empty_project.count("parcels") == 5
    assert session.stack.count() == 1 and "导入 5 个要素" in session.stack.undoText()
    session.undo()
    assert empty_project.count("parcels") == 0
    session.redo()
    assert sorted(r["code"] for r in empty_project.rows("parcels")) == ["D1", "D2", "D3", "D4", "D5"]


def test_import_dialog_reports_a_bad_file(qtbot, empty_project, tmp_path):
    from ui.import_dialog import ImportDialog

    bad = tmp_path / "bad.geojson"
    bad.write_text("{ this is not json", encoding="utf-8")
    dlg = ImportDialog(empty_project, path=str(bad))
    qtbot.addWidget(dlg)
    assert dlg.source is None and not dlg.import_button.isEnabled()
    assert "无法读取" in dlg.notes.toPlainText()


def test_export_dialog_writes_the_selection_with_the_chosen_options(qtbot, demo_project, tmp_path):
    from ui.export_dialog import ExportLayerDialog
    from ui.main_window import MainWindow

    win = MainWindow(demo_project, is_demo=True)
    qtbot.addWidget(win)
    fids = [int(f) for f in demo_project.read_layer("parcels", columns=["code"]).index[:4]]
    win.canvas.set_selection("parcels", fids)
    win.canvas.active_layer = "parcels"
    dlg = ExportLayerDialog(win, path=str(tmp_path / "sel.shp"))
    qtbot.addWidget(dlg)
    assert dlg.selected_only.isChecked() and "4" in dlg.selected_only.text()
    assert not dlg.gcj02.isEnabled() and dlg.encoding.isEnabled()
    dlg.encoding.setCurrentIndex(dlg.encoding.findData("utf-8"))
    dlg.export()
    assert dlg.exported == 4 and (tmp_path / "sel.cpg").read_text().strip().upper() in ("UTF-8", "UTF8")
    codes = {demo_project.get("parcels", f)["code"] for f in fids}
    assert set(pyogrio.read_dataframe(tmp_path / "sel.shp")["code"]) == codes
    kml = ExportLayerDialog(win, path=str(tmp_path / "sel.kml"))
    qtbot.addWidget(kml)
    assert kml.gcj02.isEnabled() and not kml.encoding.isEnabled()
    kml.selected_only.setChecked(False)
    kml.gcj02.setChecked(True)
    kml.export()
    assert kml.exported == demo_project.count("parcels", F("retired") == 0)
    win.detach()


def test_a_big_import_runs_in_the_background_and_is_one_undo_step(qtbot, empty_project, tmp_path, monkeypatch):
    """With every import counted as big, checking and writing run in a worker with its own
    connection; the window's store, map table and undo stack learn of the new features,
    undo removes them in one step, and a cancelled import leaves the project as it was."""
    import threading

    from ui import import_dialog, jobs
    from ui.import_dialog import ImportDialog
    from ui.main_window import MainWindow

    monkeypatch.setattr(jobs, "INLINE_PARCELS", 0)
    jobs._park_sizes.clear()
    win = MainWindow(empty_project)
    qtbot.addWidget(win)
    win.show()
    store = win.store
    events = []
    store.signals.changed.connect(events.append)
    dlg = ImportDialog(store, win, path=gbk_shapefile(str(tmp_path), n=6))
    qtbot.addWidget(dlg)
    try:
        assert dlg.run(dry_run=True)
        job = dlg.job
        assert not job.inline and not dlg.import_button.isEnabled()
        assert job.wait(60000) and "预检" in dlg.notes.toPlainText() and store.count("parcels") == 0

        assert dlg.run(dry_run=False)
        job = dlg.job
        assert not job.inline and job.running
        assert job.wait(60000) and job.error is None
        assert store.count("parcels") == 6 and dlg.import_button.isEnabled()
        assert "导入 6 个" in dlg.notes.toPlainText()
        inserted = [e for e in events if e.layer == "parcels" and e.op == "insert"]
        assert len(inserted) == 1 and sorted(inserted[0].fids) == sorted(dlg.report.fids) and not inserted[0].external
        win.table.set_layer("parcels")
        qtbot.waitUntil(lambda: win.table.model.rowCount() == 6, timeout=10000)
        assert win.session.stack.count() == 1 and "导入 6 个要素" in win.session.stack.undoText()
        assert store.poll_external_changes() == []  # the window took the worker's rows as its own
        win.session.undo()
        assert store.count("parcels") == 0
        qtbot.waitUntil(lambda: win.table.model.rowCount() == 0, timeout=10000)

        # cancelled while the worker is still checking: nothing is written, nothing delivered
        gate = threading.Event()
        real = import_dialog.import_source

        def held(*a, **kw):
            gate.wait(30)
            return real(*a, **kw)

        monkeypatch.setattr(import_dialog, "import_source", held)
        stack_before = win.session.stack.index()  # 0: the import above was undone
        assert dlg.run(dry_run=False)
        job = dlg.job
        job.cancel()
        gate.set()
        assert jobs.runner().wait_all(60000)
        assert not job.running and job.result is None
        assert store.count("parcels") == 0 and win.session.stack.index() == stack_before
        assert "取消" in dlg.notes.toPlainText() and dlg.import_button.isEnabled()

        # once the one transaction starts, a cancel is refused: the import completes and is
        # delivered (never written but forgotten)
        writing, go = threading.Event(), threading.Event()

        def at_write(*a, **kw):
            step = kw["progress"]

            def held_step(done, total):
                step(done, total)
                if done == 6 and total == 7:
                    writing.set()
                    go.wait(30)

            kw["progress"] = held_step
            return real(*a, **kw)

        monkeypatch.setattr(import_dialog, "import_source", at_write)
        assert dlg.run(dry_run=False)
        job = dlg.job
        qtbot.waitUntil(writing.is_set, timeout=60000)
        job.cancel()
        assert job.running and not job.cancelled()
        go.set()
        assert job.wait(60000) and store.count("parcels") == 6
        assert win.session.stack.index() == stack_before + 1 and "导入 6 个要素" in win.session.stack.undoText()
    finally:
        for ev in ("go", "gate"):
            if locals().get(ev) is not None:
                locals()[ev].set()
        jobs.runner().cancel_all()
        assert jobs.runner().wait_all(60000)
