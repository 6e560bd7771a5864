"""文件 → 从表格更新属性 (one undo step), 发布 → 工作月报, 文件 → 写入 QGIS 样式和工程."""

from __future__ import annotations

import openpyxl
import pytest

from landapp.store.filters import F

pytestmark = pytest.mark.gui


def test_sheet_update_dialog_shows_changes_and_is_one_undo_step(qtbot, demo_project, tmp_path):
    from ui.sheet_update_dialog import SheetUpdateDialog
    from ui.undo import EditSession

    store = demo_project
    rows = store.rows("parcels", F("retired") == 0, geometry=False, limit=2, order_by="fid")
    path = str(tmp_path / "u.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["更新表"])
    ws.append(["地块编号", "地块名称", "限高(m)"])
    ws.append([rows[0]["code"], "新名称甲", "４５"])
    ws.append([rows[1]["code"] + " ", "新名称乙", None])
    ws.append(["NOPE", "x", 1])
    wb.save(path)
    session = EditSession(store)
    dlg = SheetUpdateDialog(store, path=path, session=session)
    qtbot.addWidget(dlg)
    assert dlg.changes.rowCount() == 3  # two names and one height
    cells = {(dlg.changes.item(r, 1).text(), dlg.changes.item(r, 4).text()) for r in range(3)}
    assert (rows[0]["code"], "45.0") in cells and (rows[1]["code"], "新名称乙") in cells
    assert "NOPE" in dlg.report.toPlainText()
    assert dlg.apply_button.isEnabled()
    dlg.apply()
    assert store.get("parcels", rows[0]["fid"])["name"] == "新名称甲"
    assert session.stack.count() == 1 and "从表格更新属性" in session.stack.undoText()
    session.undo()
    assert store.get("parcels", rows[0]["fid"])["name"] == rows[0]["name"]
    assert store.get("parcels", rows[1]["fid"])["name"] == rows[1]["name"]


def test_invalid_values_keep_update_disabled(qtbot, demo_project, tmp_path):
    from ui.sheet_update_dialog import SheetUpdateDialog

    code = demo_project.rows("parcels", F("retired") == 0, geometry=False, limit=1)[0]["code"]
    path = tmp_path / "bad.csv"
    path.write_text(f"地块编号,状态\n{code},不存在的状态\n", encoding="utf-8")
    dlg = SheetUpdateDialog(demo_project, path=str(path))
    qtbot.addWidget(dlg)
    assert not dlg.apply_button.isEnabled() and "不合规则" in dlg.report.toPlainText()


def test_menus_and_report_dialog(qtbot, demo_project, tmp_path):
    import docx

    from landapp.qgis_tables import read_styles
    from ui.main_window import MainWindow
    from ui.report_dialog import ReportDialog, write_qgis_now

    w = MainWindow(demo_project)
    qtbot.addWidget(w)
    # the registry (ui/entries/interop.py) puts them in 文件 and 发布
    file_items = {a.objectName() for a in w.workspace.menus["file"].actions()}
    assert {"sheet_update", "qgis_styles"} <= file_items
    assert "monthly_report" in {a.objectName() for a in w.workspace.menus["publish"].actions()}
    write_qgis_now(w)
    assert any(s["styleName"] == "按状态" for s in read_styles(demo_project))
    dlg = ReportDialog(demo_project, w)
    qtbot.addWidget(dlg)
    out = str(tmp_path / "r.docx")
    dlg.save(out)
    assert dlg.path == out and "工作月报" in docx.Document(out).paragraphs[0].text
