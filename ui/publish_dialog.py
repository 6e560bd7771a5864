"""Publishing from the window: the opportunity-list dialog (filters, preview, XLSX/CSV/PDF),
the HTML map export, and parcel sheets (PDF atlas with progress and cancel, print preview,
printing to a real printer)."""

from __future__ import annotations

import numbers

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPainter, QStandardItem, QStandardItemModel
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from landapp.errors import LandappError
from landapp.opportunities import KINDS, Filters, headers, opportunity_list
from landapp.publish import format_cell
from landapp.schema import PARCEL_STATUSES, value_label
from ui.i18n import tr


class OpportunityDialog(QDialog):
    def __init__(self, store, canvas=None, parent=None):
        super().__init__(parent)
        self.store = store
        self.canvas = canvas
        self.setWindowTitle(tr("机会清单", "Opportunity lists"))
        self.kind = QComboBox()
        for key, (zh, en, _) in KINDS.items():
            self.kind.addItem(tr(zh, en), key)
        self.zone = QComboBox()
        self.zone.addItem(tr("全部片区", "All zones"), None)
        for z in sorted(store.read_layer("zones", columns=["name"])["name"]):
            self.zone.addItem(z, z)
        self.land_use = QLineEdit()
        self.land_use.setPlaceholderText(tr("用地代码前缀,如 1001 或 M1;空为全部", "land-use code prefix, e.g. 1001 or M1"))
        self.status = QComboBox()
        for s in PARCEL_STATUSES:
            self.status.addItem(value_label(s), s)
        self.status.setCurrentIndex(PARCEL_STATUSES.index("待供"))
        self.min_mu, self.max_mu = QDoubleSpinBox(), QDoubleSpinBox()
        for w in (self.min_mu, self.max_mu):
            w.setRange(0, 1e6)
            w.setSuffix(tr(" 亩", " mu"))
            w.setSpecialValueText(tr("不限", "any"))
        self.use_dates = QCheckBox(tr("按预计供地时间", "By expected supply date"))
        self.date_from, self.date_to = QDateEdit(QDate.currentDate()), QDateEdit(QDate.currentDate().addYears(1))
        for w in (self.date_from, self.date_to):
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
        self.selected_only = QCheckBox(tr("仅地图上所选", "Only the map selection"))
        form = QFormLayout()
        form.addRow(tr("清单", "List"), self.kind)
        form.addRow(tr("片区", "Zone"), self.zone)
        form.addRow(tr("用地性质", "Land use"), self.land_use)
        form.addRow(tr("地块状态", "Parcel status"), self.status)
        row = QHBoxLayout()
        row.addWidget(self.min_mu)
        row.addWidget(QLabel("–"))
        row.addWidget(self.max_mu)
        form.addRow(tr("面积", "Area"), row)
        drow = QHBoxLayout()
        drow.addWidget(self.use_dates)
        drow.addWidget(self.date_from)
        drow.addWidget(self.date_to)
        form.addRow(tr("时间", "Dates"), drow)
        form.addRow("", self.selected_only)
        self.count = QLabel()
        self.table = QTableView()
        self.model = QStandardItemModel(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()  # the list has its own 序号 column
        self.table.horizontalHeader().setMaximumSectionSize(320)
        buttons = QHBoxLayout()
        for text, ext in ((tr("导出 Excel…", "Export Excel…"), "xlsx"), (tr("导出 CSV…", "Export CSV…"), "csv"),
                          (tr("导出 PDF…", "Export PDF…"), "pdf")):
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, e=ext: self.export(e))
            buttons.addWidget(b)
        buttons.addStretch(1)
        close = QPushButton(tr("关闭", "Close"))
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.count)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        for w in (self.kind, self.zone, self.status):
            w.currentIndexChanged.connect(lambda _i: self.refresh())
        for w in (self.min_mu, self.max_mu):
            w.valueChanged.connect(lambda _v: self.refresh())
        for w in (self.date_from, self.date_to):
            w.dateChanged.connect(lambda _d: self.refresh())
        self.use_dates.toggled.connect(lambda _b: self.refresh())
        self.selected_only.toggled.connect(lambda _b: self.refresh())
        self.land_use.editingFinished.connect(self.refresh)
        self.resize(1100, 700)
        self.df = None
        self.refresh()

    def filters(self) -> Filters:
        kind = self.kind.currentData()
        fids = []
        if self.selected_only.isChecked() and self.canvas is not None:
            fids = sorted(self.canvas.map.layer("parcels" if kind == "land" else "buildings").selection)
        return Filters(zones=[self.zone.currentData()] if self.zone.currentData() else [],
                       land_use=[c.strip() for c in self.land_use.text().replace(",", " ").split() if c.strip()],
                       statuses=[self.status.currentData()], fids=fids,
                       min_area_mu=self.min_mu.value() or None, max_area_mu=self.max_mu.value() or None,
                       date_from=self.date_from.date().toPython() if self.use_dates.isChecked() else None,
                       date_to=self.date_to.date().toPython() if self.use_dates.isChecked() else None)

    def refresh(self) -> None:
        kind = self.kind.currentData()
        self.status.setEnabled(kind == "land")
        try:
            self.df = opportunity_list(self.store, kind, self.filters())
        except LandappError as e:
            self.count.setText(str(e))
            return
        cols = KINDS[kind][2]
        self.model.clear()
        self.model.setHorizontalHeaderLabels(headers(kind))
        for _, r in self.df.iterrows():
            items = []
            for key, _zh, _en, fmt in cols:
                v = r[key]
                item = QStandardItem(format_cell(v, fmt))
                item.setEditable(False)
                if len(item.text()) > 24:
                    item.setToolTip(item.text())  # long 四至 texts are elided in the column
                if isinstance(v, numbers.Real) and not isinstance(v, bool):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                items.append(item)
            self.model.appendRow(items)
        self.table.resizeColumnsToContents()
        self.count.setText(tr(f"共 {len(self.df)} 项", f"{len(self.df)} items"))

    def export(self, ext: str, path: str | None = None) -> str | None:
        from landapp.publish import write_csv, write_xlsx

        kind = self.kind.currentData()
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, tr("导出机会清单", "Export the list"),
                                                  f"{KINDS[kind][0]}.{ext}", f"*.{ext}")
            if not path:
                return None
        try:
            if ext == "xlsx":
                write_xlsx(self.df, path, kind, park=self.store.name)
            elif ext == "csv":
                write_csv(self.df, path, kind)
            else:
                from layers.listpdf import write_list_pdf

                write_list_pdf(self.store, self.df, kind, path)
        except LandappError as e:
            QMessageBox.warning(self, tr("导出失败", "Export failed"), str(e))
            return None
        return path


def export_html_map(window, path: str | None = None, basemap: str = "none") -> str | None:
    from layers.htmlmap import write_map

    if path is None:
        path, _ = QFileDialog.getSaveFileName(window, tr("导出 HTML 地图", "Export HTML map"), "map.html", "HTML (*.html)")
        if not path:
            return None
    try:
        size = write_map(window.store, path, basemap=basemap)
    except LandappError as e:
        QMessageBox.warning(window, tr("导出失败", "Export failed"), str(e))
        return None
    window.statusBar().showMessage(tr(f"已导出 {path}({size / 1e6:.1f} MB),可离线打开",
                                      f"Exported {path} ({size / 1e6:.1f} MB); it opens offline"), 8000)
    return path


def sheet_fids(window) -> list[int]:
    """The selected parcels, or every active parcel when nothing is selected."""
    sel = sorted(window.map.layer("parcels").selection)
    if sel:
        return sel
    from layers.sheets import select_parcels

    return select_parcels(window.store)


def export_sheets(window, path: str | None = None) -> int:
    from layers.sheets import write_sheets

    fids = sheet_fids(window)
    if path is None:
        path, _ = QFileDialog.getSaveFileName(window, tr("导出宗地图", "Export parcel sheets"), "宗地图.pdf", "PDF (*.pdf)")
        if not path:
            return 0
    progress = QProgressDialog(tr("正在生成宗地图…", "Making parcel sheets…"), tr("取消", "Cancel"), 0, len(fids), window)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)

    def step(done, total):
        progress.setValue(done)
        from PySide6.QtCore import QCoreApplication

        QCoreApplication.processEvents()

    try:
        n = write_sheets(window.store, path, fids, progress=step, cancel=progress.wasCanceled)
    except LandappError as e:
        QMessageBox.warning(window, tr("导出失败", "Export failed"), str(e))
        return 0
    finally:
        progress.close()
    window.statusBar().showMessage(tr(f"已导出 {n} 页宗地图到 {path}", f"Wrote {n} parcel sheets to {path}")
                                   if n else tr("已取消。", "Cancelled."), 8000)
    return n


def paint_sheets_on(printer: QPrinter, store, fids) -> None:
    """Draw the sheets on a printer (print preview or a real printer)."""
    from layers.sheets import SheetPainter

    sp = SheetPainter(store)
    p = QPainter()
    if not p.begin(printer):
        return
    try:
        k = printer.resolution() / 96.0
        p.scale(k, k)
        for i, fid in enumerate(fids):
            if i:
                printer.newPage()
            sp.paint(p, fid, i + 1, len(fids))
    finally:
        p.end()


def _printer() -> QPrinter:
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    printer.setFullPage(True)
    return printer


def preview_sheets(window) -> None:
    fids = sheet_fids(window)[:50]  # a preview of at most 50 pages stays quick
    printer = _printer()
    dlg = QPrintPreviewDialog(printer, window)
    dlg.setWindowTitle(tr("宗地图打印预览", "Parcel sheets — print preview"))
    dlg.paintRequested.connect(lambda pr: paint_sheets_on(pr, window.store, fids))
    dlg.exec()


def print_sheets(window) -> None:
    printer = _printer()
    dlg = QPrintDialog(printer, window)
    if dlg.exec() == QDialog.DialogCode.Accepted:
        paint_sheets_on(printer, window.store, sheet_fids(window))


def install_publish_menu(window) -> None:
    from PySide6.QtGui import QAction

    menu = window.menuBar().addMenu(tr("发布(&P)", "&Publish"))
    for text, slot in [
        (tr("机会清单…", "Opportunity lists…"), lambda: OpportunityDialog(window.store, window.canvas, window).exec()),
        (tr("导出 HTML 地图…", "Export HTML map…"), lambda: export_html_map(window)),
        (tr("宗地图 PDF(所选或全部)…", "Parcel sheets PDF (selection or all)…"), lambda: export_sheets(window)),
        (tr("宗地图打印预览…", "Parcel sheets print preview…"), lambda: preview_sheets(window)),
        (tr("打印宗地图…", "Print parcel sheets…"), lambda: print_sheets(window)),
    ]:
        act = QAction(text, window)
        act.triggered.connect(slot)
        menu.addAction(act)
