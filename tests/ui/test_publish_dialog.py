"""Publishing from the window: list dialog with filters and preview, sheet atlas with
progress, printing to a PDF printer."""

from __future__ import annotations

import re

import openpyxl
import pytest

from landapp.store.filters import F

pytestmark = pytest.mark.gui


def test_opportunity_dialog_filters_previews_and_exports(qtbot, demo_project, tmp_path):
    from ui.publish_dialog import OpportunityDialog

    dlg = OpportunityDialog(demo_project)
    qtbot.addWidget(dlg)
    n_all = dlg.model.rowCount()
    assert n_all == demo_project.count("parcels", (F("status") == "待供") & (F("retired") == 0))
    assert dlg.model.horizontalHeaderItem(4).text() == "位置/四至"
    # the preview shows numbers as the spreadsheet does: m² with one decimal, 亩 with two
    assert all(re.fullmatch(r"[\d,]+\.\d", dlg.model.item(r, 5).text()) for r in range(n_all))
    assert all(re.fullmatch(r"[\d,]+\.\d\d", dlg.model.item(r, 6).text()) for r in range(n_all))
    dlg.zone.setCurrentIndex(1)
    assert 0 < dlg.model.rowCount() <= n_all
    dlg.min_area.setValue(80)
    assert all(float(dlg.model.item(r, 6).text().replace(",", "")) >= 80 for r in range(dlg.model.rowCount()))
    path = dlg.export("xlsx", str(tmp_path / "l.xlsx"))
    ws = openpyxl.load_workbook(path).active
    assert ws.max_row == dlg.model.rowCount() + 2
    dlg.min_area.setValue(0)
    dlg.zone.setCurrentIndex(0)
    # several statuses at once: land on offer and the reserve
    dlg.status_actions["储备"].setChecked(True)
    want = demo_project.count("parcels", F("status").in_(("待供", "储备")) & (F("retired") == 0))
    assert dlg.model.rowCount() == want > n_all and set(dlg.status.text().split("、")) == {"待供", "储备"}
    for act in dlg.status_actions.values():
        act.setChecked(False)
    assert dlg.model.rowCount() == 0 and not dlg.export_buttons[0].isEnabled()  # nothing stale to export
    assert dlg.export("xlsx", str(tmp_path / "none.xlsx")) is None
    dlg.status_actions["待供"].setChecked(True)
    # carriers: by type, area in m², and available by a date
    dlg.kind.setCurrentIndex(1)
    assert dlg.model.horizontalHeaderItem(1).text() == "载体名称" and dlg.model.rowCount() > 0
    assert not dlg.status.isEnabled() and dlg.btype.isEnabled() and dlg.min_area.suffix() == " ㎡"
    n_carriers = dlg.model.rowCount()
    dlg.btype.setCurrentIndex(dlg.btype.findData("标准厂房"))
    assert 0 < dlg.model.rowCount() < n_carriers
    assert {dlg.model.item(r, 4).text() for r in range(dlg.model.rowCount())} == {"标准厂房"}
    dlg.min_area.setValue(2000)
    assert all(float(dlg.model.item(r, 6).text().replace(",", "")) >= 2000 for r in range(dlg.model.rowCount()))
    dlg.min_area.setValue(0)
    dlg.btype.setCurrentIndex(0)
    dlg.use_dates.setChecked(True)
    assert dlg.model.rowCount() >= n_carriers
    assert dlg.export("pdf", str(tmp_path / "c.pdf")) and (tmp_path / "c.pdf").read_bytes()[:4] == b"%PDF"
    # the investor map of exactly these carriers
    import json

    assert dlg.export_map(str(tmp_path / "m.html"))
    text = (tmp_path / "m.html").read_text(encoding="utf-8")
    data = json.loads(text.split('id="landapp-data">')[1].split("</script>")[0].replace("<\\/", "</"))
    names = {f["properties"]["t"] for f in data["buildings"] if "t" in f["properties"]}
    assert names == set(dlg.df["name"]) and not any("t" in f["properties"] for f in data["parcels"])
    dlg.use_dates.setChecked(False)
    dlg.land_use.setText("Z9")
    dlg.kind.setCurrentIndex(0)
    dlg.refresh()
    assert "不存在" in dlg.count.text()

def test_sheets_from_the_window_and_printing(qtbot, demo_project, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from ui.main_window import MainWindow
    from ui.publish_dialog import SheetOptionsDialog, _printer, export_sheets, paint_sheets_on

    win = MainWindow(demo_project)
    qtbot.addWidget(win)
    fids = list(demo_project.read_layer("parcels", columns=["code"]).index[:4])
    win.canvas.set_selection("parcels", fids)
    # the options dialog: names typed once are kept as the project's drafter and checker
    dlg = SheetOptionsDialog(demo_project, 4, True, win)
    qtbot.addWidget(dlg)
    dlg.drafter.setText("张工")
    dlg.checker.setText("李工")
    options = dlg.options()
    assert demo_project.get_setting("drafter") == "张工" and demo_project.get_setting("checker") == "李工"
    assert SheetOptionsDialog(demo_project, 4, True, win).drafter.text() == "张工"
    assert export_sheets(win, str(tmp_path / "s.pdf"), options) == 4
    assert "4 宗地块" in win.statusBar().currentMessage()
    printer = _printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    # the many-point park runs on to a continuation page on the printer too
    import shapely

    parcels = demo_project.read_layer("parcels")
    many = int(parcels.index[int(shapely.get_num_coordinates(parcels.geometry.values).argmax())])
    assert paint_sheets_on(printer, demo_project, [fids[0], many], options) >= 3
    assert (tmp_path / "printed.pdf").stat().st_size > 10_000
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "printed.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        import unicodedata

        text = unicodedata.normalize("NFKC", text)  # poppler maps some CJK glyphs to radicals
        assert "制图:张工" in text and "审核:李工" in text
    menus = [a.text() for a in win.menuBar().actions()]
    assert "发布(&P)" in menus
    win.detach()


def test_html_map_dialog_choices_reach_the_file(qtbot, demo_project, tmp_path):
    import json

    from ui.main_window import MainWindow
    from ui.publish_dialog import HtmlMapDialog, export_html_map

    win = MainWindow(demo_project)
    qtbot.addWidget(win)
    dlg = HtmlMapDialog(demo_project, win)
    qtbot.addWidget(dlg)
    assert dlg.options()["theme"] == "status" and dlg.options()["cdn"] is False  # offline by default
    assert dlg.options()["internal"] is False and not dlg.style.isEnabled()  # the investor map by default

    def first_lon(path):
        text = path.read_text(encoding="utf-8")
        data = json.loads(text.split('id="landapp-data">')[1].split("</script>")[0].replace("<\\/", "</"))
        return data["parcels"][0]["geometry"]["coordinates"][0][0][0][0]

    dlg.basemap.setCurrentIndex(dlg.basemap.findData("none"))
    assert export_html_map(win, str(tmp_path / "w.html"), dlg.options())
    assert "可离线打开" in win.statusBar().currentMessage()
    dlg.basemap.setCurrentIndex(dlg.basemap.findData("amap"))
    dlg.style.setCurrentIndex(dlg.style.findData("landuse"))
    assert export_html_map(win, str(tmp_path / "g.html"), dlg.options())
    assert first_lon(tmp_path / "g.html") - first_lon(tmp_path / "w.html") > 0.001  # GCJ-02 for Amap
    assert "autonavi" in (tmp_path / "g.html").read_text(encoding="utf-8")
    assert "内部资料" not in (tmp_path / "g.html").read_text(encoding="utf-8")
    # a zone chosen: only its listed parcels and carriers are published
    zone = dlg.zone.itemData(1)
    dlg.zone.setCurrentIndex(1)
    assert export_html_map(win, str(tmp_path / "z.html"), dlg.options())
    text = (tmp_path / "z.html").read_text(encoding="utf-8")
    data = json.loads(text.split('id="landapp-data">')[1].split("</script>")[0].replace("<\\/", "</"))
    listed = [f["properties"] for f in data["parcels"] + data["buildings"] if "t" in f["properties"]]
    assert listed and {dict(p["r"])["所在片区"] for p in listed} == {zone}
    # the internal map on request, marked
    dlg.audience.setCurrentIndex(1)
    assert dlg.style.isEnabled() and not dlg.zone.isEnabled()
    assert export_html_map(win, str(tmp_path / "i.html"), dlg.options())
    assert "内部资料" in (tmp_path / "i.html").read_text(encoding="utf-8")
    assert "内部完整版" in win.statusBar().currentMessage()
    win.detach()
