"""Publishing from the window: the opportunity-list dialog (filters, preview, XLSX/CSV/PDF),
the HTML map export, and parcel sheets (PDF atlas with progress and cancel, print preview,
printing to a real printer)."""

from __future__ import annotations

import numbers

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPainter, QStandardItem, QStandardItemModel
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
)

from landapp.errors import LandappError
from landapp.opportunities import KINDS, Filters, headers, opportunity_list
from landapp.publish import format_cell
from landapp.schema import PARCEL_STATUSES, value_label
from ui.i18n import tr
from ui.exported import ask_save_path, confirm_written


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
        # statuses: several may be listed at once (e.g. 待供 and 储备); the menu stays a menu
        self.status = QToolButton()
        self.status.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.status.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        menu = QMenu(self.status)
        self.status_actions = {}
        for st in PARCEL_STATUSES:
            act = menu.addAction(value_label(st))
            act.setCheckable(True)
            act.setChecked(st == "待供")
            act.toggled.connect(lambda _b: self.refresh())
            self.status_actions[st] = act
        self.status.setMenu(menu)
        self.btype = QComboBox()
        self.btype.addItem(tr("标准厂房和楼宇", "Factories and office towers"), None)
        for bt in ("标准厂房", "楼宇"):
            self.btype.addItem(value_label(bt), bt)
        self.min_area, self.max_area = QDoubleSpinBox(), QDoubleSpinBox()
        for w in (self.min_area, self.max_area):
            w.setRange(0, 1e7)
            w.setDecimals(1)
            w.setSpecialValueText(tr("不限", "any"))
        self.use_dates = QCheckBox()
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
        form.addRow(tr("载体类型", "Carrier type"), self.btype)
        row = QHBoxLayout()
        row.addWidget(self.min_area)
        row.addWidget(QLabel("–"))
        row.addWidget(self.max_area)
        self.area_label = QLabel()
        form.addRow(self.area_label, row)
        drow = QHBoxLayout()
        drow.addWidget(self.use_dates)
        drow.addWidget(self.date_from)
        drow.addWidget(self.date_to)
        form.addRow(tr("时间", "Dates"), drow)
        form.addRow("", self.selected_only)
        self.form = form
        self.count = QLabel()
        self.table = QTableView()
        self.model = QStandardItemModel(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()  # the list has its own 序号 column
        self.table.horizontalHeader().setMaximumSectionSize(320)
        buttons = QHBoxLayout()
        self.export_buttons = []
        for text, ext in ((tr("导出 Excel…", "Export Excel…"), "xlsx"), (tr("导出 CSV…", "Export CSV…"), "csv"),
                          (tr("导出 PDF…", "Export PDF…"), "pdf")):
            b = QPushButton(text)
            b.clicked.connect(lambda _c=False, e=ext: self.export(e))
            buttons.addWidget(b)
            self.export_buttons.append(b)
        b = QPushButton(tr("导出招商地图(HTML)…", "Export investor map (HTML)…"))
        b.setToolTip(tr("只发布本清单筛选出的地块或载体", "publishes only what this list's filters choose"))
        b.clicked.connect(lambda _c=False: self.export_map())
        buttons.addWidget(b)
        self.export_buttons.append(b)
        buttons.addStretch(1)
        close = QPushButton(tr("关闭", "Close"))
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.count)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        for w in (self.zone, self.btype):
            w.currentIndexChanged.connect(lambda _i: self.refresh())
        for w in (self.min_area, self.max_area):
            w.valueChanged.connect(lambda _v: self.refresh())
        for w in (self.date_from, self.date_to):
            w.dateChanged.connect(lambda _d: self.refresh())
        self.use_dates.toggled.connect(lambda _b: self.refresh())
        self.selected_only.toggled.connect(lambda _b: self.refresh())
        self.land_use.editingFinished.connect(self.refresh)
        self.resize(1100, 700)
        self.df = None
        self._kind_changed()

    def statuses(self) -> list[str]:
        return [st for st, act in self.status_actions.items() if act.isChecked()]

    def _kind_changed(self) -> None:
        """Land is asked for in 亩 by status and expected supply date; carriers in m² by type,
        and a date means 'available by then'."""
        land = self.kind.currentData() == "land"
        for w in (self.land_use, self.status):
            w.setEnabled(land)
            self.form.labelForField(w).setEnabled(land)
        self.btype.setEnabled(not land)
        self.form.labelForField(self.btype).setEnabled(not land)
        self.area_label.setText(tr("地块面积", "Parcel area") if land else tr("可租售面积", "Available area"))
        for w in (self.min_area, self.max_area):
            w.blockSignals(True)
            w.setValue(0)
            w.setSuffix(tr(" 亩", " mu") if land else " ㎡")
            w.setDecimals(2 if land else 0)
            w.blockSignals(False)
        self.use_dates.setText(tr("按预计供地时间", "By expected supply date") if land
                               else tr("截至该日可租售(含到期租约)", "Available by (incl. leases ending)"))
        self.date_from.setEnabled(land)
        self.refresh()

    def filters(self) -> Filters:
        kind = self.kind.currentData()
        land = kind == "land"
        fids = []
        if self.selected_only.isChecked() and self.canvas is not None:
            fids = sorted(self.canvas.map.layer("parcels" if land else "buildings").selection)
        lo, hi = self.min_area.value() or None, self.max_area.value() or None
        dates = self.use_dates.isChecked()
        return Filters(zones=[self.zone.currentData()] if self.zone.currentData() else [],
                       land_use=[c.strip() for c in self.land_use.text().replace(",", " ").split() if c.strip()]
                       if land else [],
                       statuses=self.statuses(), fids=fids,
                       min_area_mu=lo if land else None, max_area_mu=hi if land else None,
                       min_area_m2=None if land else lo, max_area_m2=None if land else hi,
                       date_from=self.date_from.date().toPython() if dates and land else None,
                       date_to=self.date_to.date().toPython() if dates else None,
                       building_types=[self.btype.currentData()] if not land and self.btype.currentData() else [])

    def refresh(self) -> None:
        kind = self.kind.currentData()
        statuses = self.statuses()
        self.status.setText("、".join(value_label(st) for st in statuses) or tr("(未选择)", "(none chosen)"))
        if kind == "land" and not statuses and not self.selected_only.isChecked():
            self._failed(tr("请至少选择一种地块状态。", "Choose at least one parcel status."))
            return
        from ui import jobs  # the list is built in the background on a large park

        filters = self.filters()
        for b in self.export_buttons:
            b.setEnabled(False)  # nothing stale to export while the new list is built
        self.job = jobs.start(lambda job: opportunity_list(job.store, kind, filters),
                              title=tr("生成机会清单", "Building the opportunity list"), store=self.store,
                              key=("opportunities", id(self)), busy=self.table,
                              on_done=lambda df: self._show(kind, df), on_error=self._failed)
        if self.job.running:
            self.count.setText(tr("正在生成…", "Building…"))

    def _failed(self, message: str) -> None:
        self.df = None  # nothing stale to export
        self.model.clear()
        self.count.setText(message)
        for b in self.export_buttons:
            b.setEnabled(False)

    def _show(self, kind: str, df) -> None:
        self.df = df
        for b in self.export_buttons:
            b.setEnabled(True)
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
        if self.df is None:
            return None
        if path is None:
            path = ask_save_path(self, tr("导出机会清单", "Export the list"), f"{KINDS[kind][0]}.{ext}", f"*.{ext}")
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
        confirm_written(self, [path], tr("机会清单", "the list"))
        return path

    def export_map(self, path: str | None = None) -> str | None:
        """The public investor map of exactly what the list dialog's filters choose."""
        from layers.htmlmap import write_map

        kind = self.kind.currentData()
        if self.df is None:
            return None
        if path is None:
            path = ask_save_path(self, tr("导出招商地图", "Export investor map"), "map.html", "HTML (*.html)")
            if not path:
                return None
        f = self.filters()
        try:
            write_map(self.store, path, kinds=(kind,), land_filters=f if kind == "land" else None,
                      carrier_filters=f if kind == "carriers" else None)
        except LandappError as e:
            QMessageBox.warning(self, tr("导出失败", "Export failed"), str(e))
            return None
        confirm_written(self, [path], tr("招商地图", "the investor map"))
        return path


class HtmlMapDialog(QDialog):
    """What the HTML map carries: the public investor map (the default: the opportunity lists'
    parcels and carriers, chosen by zone, carrier type and the land's status, and nothing
    internal) or the full internal map (marked 内部资料, with the parcel style); an online
    basemap (Amap puts the data in GCJ-02), and whether Leaflet is inlined (works offline,
    the default) or linked."""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("导出 HTML 地图", "Export HTML map"))
        self.audience = QComboBox()
        self.audience.addItem(tr("对外招商版(只含机会清单,默认)", "Public investor map (the lists only, default)"), False)
        self.audience.addItem(tr("内部完整版(含状态、使用权人、空置率,标注“内部资料”)",
                                 "Internal map (statuses, land users, vacancy; marked 内部资料)"), True)
        self.kinds = QComboBox()
        for key, zh, en in [("both", "供地地块和招商载体", "Land on offer and carriers"),
                            ("land", "仅供地地块", "Land on offer only"), ("carriers", "仅招商载体", "Carriers only")]:
            self.kinds.addItem(tr(zh, en), key)
        self.zone = QComboBox()
        self.zone.addItem(tr("全部片区", "All zones"), None)
        for z in sorted(store.read_layer("zones", columns=["name"])["name"].dropna()):
            self.zone.addItem(z, z)
        self.btype = QComboBox()
        self.btype.addItem(tr("标准厂房和楼宇", "Factories and office towers"), None)
        for bt in ("标准厂房", "楼宇"):
            self.btype.addItem(value_label(bt), bt)
        self.status = QComboBox()  # the land list's statuses: on offer, or the reserve too
        self.status.addItem(value_label("待供"), ["待供"])
        self.status.addItem(tr("待供和储备", "On offer and reserve"), ["待供", "储备"])
        self.style = QComboBox()
        self.style.addItem(tr("按地块状态着色", "Parcels by status"), "status")
        self.style.addItem(tr("按用地性质着色", "Parcels by land use"), "landuse")
        self.basemap = QComboBox()
        for key, zh, en in [("none", "无底图(离线可用)", "None (works offline)"),
                            ("osm", "OpenStreetMap(WGS84)", "OpenStreetMap (WGS84)"),
                            ("amap", "高德地图(坐标转为 GCJ-02)", "Amap (data in GCJ-02)"),
                            ("tianditu", "天地图(需要密钥)", "Tianditu (needs a key)")]:
            self.basemap.addItem(tr(zh, en), key)
        provider = store.get_setting("basemap_provider")
        i = self.basemap.findData(provider)
        if i >= 0:
            self.basemap.setCurrentIndex(i)
        self.cdn = QCheckBox(tr("从 CDN 加载 Leaflet(文件更小,但需要联网)",
                                "Link Leaflet from a CDN (smaller file, needs the internet)"))
        form = QFormLayout(self)
        self.form = form
        form.addRow(tr("版本", "Audience"), self.audience)
        form.addRow(tr("发布内容", "Publish"), self.kinds)
        form.addRow(tr("片区", "Zone"), self.zone)
        form.addRow(tr("地块状态", "Parcel status"), self.status)
        form.addRow(tr("载体类型", "Carrier type"), self.btype)
        form.addRow(tr("样式", "Style"), self.style)
        form.addRow(tr("底图", "Basemap"), self.basemap)
        form.addRow("", self.cdn)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.audience.currentIndexChanged.connect(lambda _i: self._audience_changed())
        self._audience_changed()

    def _audience_changed(self) -> None:
        internal = bool(self.audience.currentData())
        for w in (self.kinds, self.zone, self.status, self.btype):
            w.setEnabled(not internal)
            self.form.labelForField(w).setEnabled(not internal)
        self.style.setEnabled(internal)  # the public map draws the other parcels plainly
        self.form.labelForField(self.style).setEnabled(internal)

    def options(self) -> dict:
        common = {"basemap": self.basemap.currentData(), "cdn": self.cdn.isChecked()}
        if self.audience.currentData():
            return {**common, "internal": True, "theme": self.style.currentData()}
        zones = [self.zone.currentData()] if self.zone.currentData() else []
        kind = self.kinds.currentData()
        return {**common, "internal": False, "theme": self.style.currentData(),
                "kinds": ("land", "carriers") if kind == "both" else (kind,),
                "land_filters": Filters(zones=zones, statuses=list(self.status.currentData())),
                "carrier_filters": Filters(zones=zones, building_types=[self.btype.currentData()]
                                           if self.btype.currentData() else [])}


def export_html_map(window, path: str | None = None, options: dict | None = None) -> str | None:
    from layers.htmlmap import write_map

    if options is None:
        dlg = HtmlMapDialog(window.store, window)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        options = dlg.options()
    if path is None:
        path = ask_save_path(window, tr("导出 HTML 地图", "Export HTML map"), "map.html", "HTML (*.html)")
        if not path:
            return None
    try:
        size = write_map(window.store, path, **options)
    except LandappError as e:
        QMessageBox.warning(window, tr("导出失败", "Export failed"), str(e))
        return None
    offline = not options.get("cdn") and options.get("basemap", "none") == "none"
    what = tr("内部完整版", "internal map") if options.get("internal") else tr("对外招商版", "public investor map")
    window.statusBar().showMessage(
        tr(f"已导出 {path}({what},{size / 1e6:.1f} MB)" + (",可离线打开" if offline else ""),
           f"Exported {path} ({what}, {size / 1e6:.1f} MB)" + ("; it opens offline" if offline else "")), 8000)
    confirm_written(window, [path], tr("HTML 地图", "the HTML map"))
    return path


def sheet_fids(window) -> list[int]:
    """The selected parcels, or every active parcel when nothing is selected."""
    sel = sorted(window.map.layer("parcels").selection)
    if sel:
        return sel
    from layers.sheets import select_parcels

    return select_parcels(window.store)


class SheetOptionsDialog(QDialog):
    """Who drew and who checked the sheets, and their date; the names can be kept as the
    project's defaults (project settings drafter / checker)."""

    def __init__(self, store, count: int, selected: bool, parent=None):
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(tr("宗地图", "Parcel sheets"))
        self.drafter = QLineEdit(store.get_setting("drafter") or "")
        self.checker = QLineEdit(store.get_setting("checker") or "")
        for w in (self.drafter, self.checker):
            w.setPlaceholderText(tr("留空则打印签名横线", "blank: a line to sign on"))
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.remember = QCheckBox(tr("保存为本工程的默认制图、审核人", "Keep as this project's drafter and checker"))
        self.remember.setChecked(True)
        form = QFormLayout(self)
        form.addRow(QLabel(tr(f"所选的 {count} 宗地块", f"The {count} selected parcels") if selected
                           else tr(f"全部 {count} 宗地块(地图上未选择地块)", f"All {count} parcels (none selected on the map)")))
        form.addRow(tr("制图", "Drafter"), self.drafter)
        form.addRow(tr("审核", "Checker"), self.checker)
        form.addRow(tr("日期", "Date"), self.date)
        form.addRow("", self.remember)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def options(self) -> dict:
        drafter, checker = self.drafter.text().strip(), self.checker.text().strip()
        if self.remember.isChecked():
            for key, value in (("drafter", drafter), ("checker", checker)):
                if (self.store.get_setting(key) or "") != value:
                    self.store.set_setting(key, value or None)
        return {"drafter": drafter, "checker": checker, "date": self.date.date().toPython()}


def _sheet_options(window, fids) -> dict | None:
    dlg = SheetOptionsDialog(window.store, len(fids), bool(window.map.layer("parcels").selection), window)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    return dlg.options()


def export_sheets(window, path: str | None = None, options: dict | None = None) -> int:
    """The selection's (or all) parcel sheets as one PDF, with progress and cancel in the
    status bar. Returns the number of sheets written (0 if cancelled, or if they are still
    being written in the background: the status bar says when they are done)."""
    import time

    from layers.sheets import write_sheets

    fids = sheet_fids(window)
    if options is None:
        options = _sheet_options(window, fids)
        if options is None:
            return 0
    if path is None:
        path = ask_save_path(window, tr("导出宗地图", "Export parcel sheets"), "宗地图.pdf", "PDF (*.pdf)")
        if not path:
            return 0
    from ui import jobs  # a park's atlas takes minutes: written in the background, the map stays usable

    stats: dict = {}
    t = time.perf_counter()

    def work(job):
        def step(done, total):
            job.progress(done, total, tr(f"生成宗地图 {done} / {total}", f"Making parcel sheets {done} / {total}"))

        return write_sheets(job.store, path, fids, progress=step, cancel=job.cancelled, stats=stats, **options)

    def done(n: int) -> None:
        rate = n / max(time.perf_counter() - t, 1e-9)
        pages = stats.get("pages", n)
        window.statusBar().showMessage(
            tr(f"已导出 {n} 宗地块的宗地图({pages} 页)到 {path},{rate:.0f} 张/秒",
               f"Wrote {n} parcel sheets ({pages} pages) to {path}, {rate:.0f} sheets/s")
            if n else tr("已取消,未写文件。", "Cancelled; no file written."), 10000)
        if n:
            confirm_written(window, [path], tr(f" {n} 宗地块的宗地图", f" {n} parcel sheets"))

    job = jobs.start(work, title=tr("生成宗地图", "Making parcel sheets"), store=window.store, on_done=done,
                     on_error=lambda m: QMessageBox.warning(window, tr("导出失败", "Export failed"), m),
                     inline=len(fids) <= SHEETS_INLINE)
    window.sheets_job = job
    return job.result or 0 if not job.running else 0


SHEETS_INLINE = 10  # a few sheets are written at once; more in the background (0 returned at once)


def paint_sheets_on(printer: QPrinter, store, fids, options: dict | None = None) -> int:
    """Draw the sheets on a printer (print preview or a real printer); returns the pages."""
    from layers.sheets import SheetPainter, paint_atlas

    sp = SheetPainter(store, **(options or {}))
    p = QPainter()
    if not p.begin(printer):
        return 0
    try:
        k = printer.resolution() / 96.0
        p.scale(k, k)
        return paint_atlas(sp, p, fids, printer.newPage) or 0
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


PREVIEW_LIMIT = 50  # a preview of at most this many parcels stays quick


def preview_sheets(window) -> None:
    fids = sheet_fids(window)
    options = _sheet_options(window, fids)
    if options is None:
        return
    if len(fids) > PREVIEW_LIMIT:
        window.statusBar().showMessage(tr(f"预览前 {PREVIEW_LIMIT} 宗(共 {len(fids)} 宗);打印和导出 PDF 包含全部。",
                                          f"Previewing the first {PREVIEW_LIMIT} of {len(fids)}; printing and "
                                          "the PDF include them all."), 10000)
    printer = _printer()
    dlg = QPrintPreviewDialog(printer, window)
    dlg.setWindowTitle(tr("宗地图打印预览", "Parcel sheets — print preview"))
    dlg.paintRequested.connect(lambda pr: paint_sheets_on(pr, window.store, fids[:PREVIEW_LIMIT], options))
    dlg.resize(1000, 900)
    dlg.exec()


def print_sheets(window) -> None:
    fids = sheet_fids(window)
    options = _sheet_options(window, fids)
    if options is None:
        return
    printer = _printer()
    dlg = QPrintDialog(printer, window)
    if dlg.exec() == QDialog.DialogCode.Accepted:
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
            # "print to file": our PDF writer, whole or not at all (Qt's own never reports a full disk)
            export_sheets(window, printer.outputFileName(), options)
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            pages = paint_sheets_on(printer, window.store, fids, options)
        finally:
            QApplication.restoreOverrideCursor()
        window.statusBar().showMessage(tr(f"已发送 {pages} 页到打印机", f"Sent {pages} pages to the printer"), 8000)


# The 发布 menu's entries are registered in ui/entries/publish.py (ui/actions.py).
