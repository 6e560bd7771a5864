"""Publishing from the window: list dialog with filters and preview, sheet atlas with
progress, printing to a PDF printer."""

from __future__ import annotations

import re

import openpyxl
import pytest

pytestmark = pytest.mark.gui


def test_opportunity_dialog_filters_previews_and_exports(qtbot, demo_project, tmp_path):
    from ui.publish_dialog import OpportunityDialog

    dlg = OpportunityDialog(demo_project)
    qtbot.addWidget(dlg)
    n_all = dlg.model.rowCount()
    assert n_all == demo_project.count("parcels", "status = '待供' AND retired = 0")
    assert dlg.model.horizontalHeaderItem(4).text() == "位置/四至"
    # the preview shows numbers as the spreadsheet does: m² with one decimal, 亩 with two
    assert all(re.fullmatch(r"[\d,]+\.\d", dlg.model.item(r, 5).text()) for r in range(n_all))
    assert all(re.fullmatch(r"[\d,]+\.\d\d", dlg.model.item(r, 6).text()) for r in range(n_all))
    dlg.zone.setCurrentIndex(1)
    assert 0 < dlg.model.rowCount() <= n_all
    dlg.min_mu.setValue(80)
    assert all(float(dlg.model.item(r, 6).text().replace(",", "")) >= 80 for r in range(dlg.model.rowCount()))
    path = dlg.export("xlsx", str(tmp_path / "l.xlsx"))
    ws = openpyxl.load_workbook(path).active
    assert ws.max_row == dlg.model.rowCount() + 2
    dlg.min_mu.setValue(0)
    dlg.zone.setCurrentIndex(0)
    dlg.kind.setCurrentIndex(1)
    assert dlg.model.horizontalHeaderItem(1).text() == "载体名称" and dlg.model.rowCount() > 0
    assert dlg.export("pdf", str(tmp_path / "c.pdf")) and (tmp_path / "c.pdf").read_bytes()[:4] == b"%PDF"
    dlg.land_use.setText("Z9")
    dlg.kind.setCurrentIndex(0)
    dlg.refresh()
    assert "不存在" in dlg.count.text()


def test_sheets_from_the_window_and_printing(qtbot, demo_project, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from ui.main_window import MainWindow
    from ui.publish_dialog import _printer, export_sheets, paint_sheets_on

    win = MainWindow(demo_project)
    qtbot.addWidget(win)
    fids = list(demo_project.read_layer("parcels", columns=["code"]).index[:4])
    win.canvas.set_selection("parcels", fids)
    assert export_sheets(win, str(tmp_path / "s.pdf")) == 4
    printer = _printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    paint_sheets_on(printer, demo_project, fids[:2])
    assert (tmp_path / "printed.pdf").stat().st_size > 10_000
    menus = [a.text() for a in win.menuBar().actions()]
    assert "发布(&P)" in menus
    win.detach()
