"""发布 → 工作月报: month and zone, then the Word report (layers.report.write_report)."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QFileDialog, QFormLayout, QMessageBox

from landapp.errors import LandappError
from landapp.vacancy import default_as_of
from ui.forms import error_and_buttons
from ui.i18n import tr


class ReportDialog(QDialog):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.path: str | None = None
        self.setWindowTitle(tr("工作月报", "Monthly report"))
        d = default_as_of(store)
        self.month = QDateEdit(QDate(d.year, d.month, 1))
        self.month.setDisplayFormat("yyyy-MM")
        self.month.setCalendarPopup(True)
        self.zone = QComboBox()
        self.zone.addItem(tr("全园区", "Whole park"), None)
        zones = store.read_layer("zones", columns=["name"], geometry=False)["name"].dropna()
        for z in sorted(set(zones)):
            self.zone.addItem(z, z)
        form = QFormLayout(self)
        form.addRow(tr("月份", "Month"), self.month)
        form.addRow(tr("范围", "Scope"), self.zone)
        self.error = error_and_buttons(self, form.addRow)

    def month_tuple(self) -> tuple[int, int]:
        q = self.month.date()
        return q.year(), q.month()

    def save(self, path: str | None = None) -> None:
        from layers.report import write_report

        y, m = self.month_tuple()
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, tr("保存工作月报", "Save the monthly report"),
                                                  f"{y}年{m}月工作月报.docx", "Word (*.docx)")
            if not path:
                return
        if not path.lower().endswith(".docx"):
            path += ".docx"
        try:
            write_report(self.store, path, month=(y, m), zone=self.zone.currentData())
        except LandappError as e:
            self.error.setText(str(e))
            return
        self.path = path
        self.accept()


def open_report_dialog(window) -> str | None:
    dlg = ReportDialog(window.store, window)
    if dlg.exec() and dlg.path:
        QMessageBox.information(window, tr("工作月报", "Monthly report"),
                                tr(f"已输出 {dlg.path}", f"Wrote {dlg.path}"))
    return dlg.path


def install_interop_menus(window) -> None:
    """文件 → 从表格更新属性… and 发布 → 工作月报… (one place, so the menu layout can move them).
    Where the action registry (ui.actions) builds the menus, ui/entries/interop.py adds them
    and this does nothing."""
    try:
        from ui.actions import ACTIONS  # noqa: F401  (ui.entries.interop registers ours)
        return
    except ImportError:
        pass
    from PySide6.QtGui import QAction

    from ui.sheet_update_dialog import SheetUpdateDialog

    menus = {a.menu().title().replace("&", ""): a.menu() for a in window.menuBar().actions() if a.menu()}

    def menu(prefix_zh: str, title: str):
        for t, m in menus.items():
            if t.startswith(prefix_zh) or t.lower().startswith(title.lower()):
                return m
        return window.menuBar().addMenu(title)

    upd = QAction(tr("从表格更新属性…", "Update attributes from a spreadsheet…"), window)
    upd.triggered.connect(lambda: SheetUpdateDialog(window.store, window).exec())
    file_menu = menu("文件", "File")
    acts = file_menu.actions()
    before = acts[3] if len(acts) > 3 else None  # after 打开、导入、导出图层
    qgis = QAction(tr("写入 QGIS 样式和工程", "Write QGIS styles and project"), window)
    qgis.setToolTip(tr("把地图专题、标注和中文字段名写入工程文件,QGIS 打开时与 landapp 一致",
                       "Put the map themes, labels and Chinese field names into the project file for QGIS"))
    qgis.triggered.connect(lambda: write_qgis_now(window))
    file_menu.insertAction(before, upd)
    file_menu.insertAction(before, qgis)
    rep = QAction(tr("工作月报(Word)…", "Monthly report (Word)…"), window)
    rep.triggered.connect(lambda: open_report_dialog(window))
    menu("发布", "Publish").addAction(rep)
    window.interop_actions = {"sheet_update": upd, "qgis": qgis, "report": rep}


def write_qgis_now(window) -> None:
    from layers.qgis_styles import write_qgis

    try:
        res = write_qgis(window.store)
    except LandappError as e:
        QMessageBox.warning(window, tr("QGIS 样式", "QGIS styles"), str(e))
        return
    msg = (tr(f"已写入 {res['styles']} 个 QGIS 样式和 QGIS 工程“{res['project']}”。",
              f"Wrote {res['styles']} QGIS styles and the QGIS project '{res['project']}'.")
           if res["project"] else tr(f"已写入 {res['styles']} 个 QGIS 样式。", f"Wrote {res['styles']} QGIS styles."))
    show = getattr(window, "show_notice", None)
    show(msg) if show else QMessageBox.information(window, tr("QGIS 样式", "QGIS styles"), msg)
