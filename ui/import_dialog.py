"""The import dialog: choose a file (and its layer), see its first rows with the text decoded
(so mojibake shows before anything is written), map its fields to ours and its land-use
values to national codes (both remembered for that kind of file), confirm the coordinate
system among the candidates judged from the digits, check, then import with a progress bar
and cancel. The import is one transaction and one step on the undo stack."""

from __future__ import annotations

import math
import os

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from landapp import landuse
from landapp.dataio.crs import in_degrees, is_legacy, propose
from landapp.dataio.importer import (
    ImportCancelled,
    ImportedFeatures,
    auto_mapping,
    import_source,
    land_use_values,
    remember_mapping,
    remembered_land_use_map,
    remembered_mapping,
)
from landapp.dataio.readers import read_source, source_layers
from landapp.errors import LandappError
from landapp.i18n import language
from landapp.schema import spec
from ui.i18n import tr

FILTER = "GIS (*.shp *.zip *.geojson *.json *.kml *.kmz *.gpkg *.dxf *.csv *.txt *.dat)"
ENCODINGS = [(None, "自动识别"), ("utf-8", "UTF-8"), ("gbk", "GBK"), ("gb18030", "GB18030"), ("big5", "Big5")]
LAYERED = (".gpkg", ".dxf", ".kml", ".geojson", ".json")
WARN_STYLE = "color: #a15c00;"


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def _ro(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class ImportDialog(QDialog):
    def __init__(self, store, parent=None, path: str | None = None, session=None):
        super().__init__(parent)
        self.store = store
        self.session = session if session is not None else getattr(parent, "session", None)
        self.source = None
        self.report = None
        self.setWindowTitle(tr("导入数据", "Import data"))
        self.path = QLineEdit()
        self.path.returnPressed.connect(self.load)
        browse = QPushButton(tr("选择文件…", "Choose file…"))
        browse.clicked.connect(self.choose)
        self.target = QComboBox()
        for lid in ("parcels", "buildings", "zones", "roads"):
            self.target.addItem(spec(lid).title, lid)
        self.encoding = QComboBox()
        for code, label in ENCODINGS:
            self.encoding.addItem(tr(label, "Detect") if code is None else label, code)
        self.layer = QComboBox()
        self.crs = QComboBox()
        self.crs.setEditable(True)
        self.crs.setToolTip(tr("可直接输入,如 EPSG:4545", "You may type one, e.g. EPSG:4545"))
        self.crs_note = QLabel()
        self.crs_note.setWordWrap(True)
        self.crs_note.setStyleSheet(WARN_STYLE)
        self.gcj02 = QCheckBox(tr("数据取自高德等 GCJ-02 地图,先纠偏为 WGS84", "Data traced from a GCJ-02 map (Amap): correct it"))
        self.repair = QCheckBox(tr("自动修复无效多边形", "Repair invalid polygons"))
        self.repair.setChecked(True)
        self.skip = QCheckBox(tr("跳过属性不合规的要素", "Skip features with invalid values"))
        self.skip_duplicates = QCheckBox(tr("跳过编号已存在的要素", "Skip features whose code exists already"))
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(tr("文件", "File"), row)
        form.addRow(tr("导入到", "Into"), self.target)
        form.addRow(tr("文字编码", "Text encoding"), self.encoding)
        form.addRow(tr("源图层", "Source layer"), self.layer)
        form.addRow(tr("源坐标系", "Source CRS"), self.crs)
        form.addRow("", self.crs_note)
        options = QHBoxLayout()
        for box in (self.gcj02, self.repair, self.skip, self.skip_duplicates):
            options.addWidget(box)
        options.addStretch(1)
        form.addRow("", options)
        self.preview = QTableView()
        self.preview_model = QStandardItemModel(self)
        self.preview.setModel(self.preview_model)
        self.preview.verticalHeader().setDefaultSectionSize(22)
        self.mapping = QTableWidget(0, 2)
        self.mapping.setHorizontalHeaderLabels([tr("源字段", "Source field"), tr("导入为", "Import as")])
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping.verticalHeader().hide()
        self.land_use = QTableWidget(0, 3)
        self.land_use.setHorizontalHeaderLabels([tr("源用地性质", "Source land use"), tr("个数", "Count"),
                                                 tr("导入为(新分类)", "Import as (national code)")])
        self.land_use.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.land_use.verticalHeader().hide()
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setMaximumBlockCount(5000)
        buttons = QHBoxLayout()
        self.check_button = QPushButton(tr("预检", "Check"))
        self.check_button.setToolTip(tr("检查全部要素,不写入工程", "Check every feature; write nothing"))
        self.import_button = QPushButton(tr("导入", "Import"))
        self.import_button.setDefault(True)
        close = QPushButton(tr("关闭", "Close"))
        for b in (self.check_button, self.import_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        close.clicked.connect(self.reject)

        def titled(title: str, widget) -> QWidget:
            w = QWidget()
            v = QVBoxLayout(w)
            v.setContentsMargins(0, 4, 0, 0)
            v.addWidget(QLabel(title))
            v.addWidget(widget)
            return w

        maps = QSplitter(Qt.Orientation.Horizontal)
        maps.addWidget(titled(tr("字段对应(记住同类文件的设置)", "Field mapping (remembered for this kind of file)"), self.mapping))
        maps.addWidget(titled(tr("用地性质对照(旧代码、名称 → 国土空间用地分类)", "Land-use values (old codes, names → national codes)"),
                              self.land_use))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(titled(tr("前 20 行预览(请核对中文是否正常)", "First 20 rows (check the Chinese text)"), self.preview))
        split.addWidget(maps)
        split.addWidget(titled(tr("检查与导入报告", "Check and import report"), self.notes))
        split.setSizes([230, 300, 180])
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(split, 1)
        lay.addLayout(buttons)
        self.encoding.currentIndexChanged.connect(lambda _i: self.load())
        self.layer.currentIndexChanged.connect(lambda _i: self.load())
        self.target.currentIndexChanged.connect(lambda _i: self.fill_mapping())
        self.resize(1100, 900)
        self._set_ready(False)
        if path:
            self.path.setText(path)
            self.load()

    # ---- reading -----------------------------------------------------------------------
    def choose(self) -> None:
        from ui.exported import ask_open_path

        path = ask_open_path(self, tr("选择要导入的文件", "Choose a file to import"), FILTER)
        if path:
            self.path.setText(path)
            self.load()

    def _set_ready(self, ok: bool) -> None:
        self.import_button.setEnabled(ok)
        self.check_button.setEnabled(ok)

    def _fill_layers(self, path: str) -> None:
        """The file's layers: a GeoPackage's tables, a DXF's layers, a KML's folders."""
        if self.layer.property("path") == path:
            return
        self.layer.blockSignals(True)
        self.layer.clear()
        names = source_layers(path) if path.lower().endswith(LAYERED) else []
        if names:
            self.layer.addItem(tr("全部图层", "All layers") if not path.lower().endswith(".gpkg")
                               else tr("自动(第一个面图层)", "Automatic (first polygon layer)"), None)
            for name in names:
                self.layer.addItem(name, name)
        self.layer.setEnabled(len(names) > 1 or path.lower().endswith(".dxf"))
        self.layer.setProperty("path", path)
        self.layer.blockSignals(False)

    def load(self) -> None:
        path = self.path.text().strip()
        if not path:
            return
        self._fill_layers(path)
        chosen = self.layer.currentData()
        is_dxf = path.lower().endswith(".dxf")
        try:
            self.source = read_source(path, encoding=self.encoding.currentData(),
                                      layer=None if is_dxf else chosen,
                                      dxf_layers_filter=[chosen] if is_dxf and chosen else None)
        except LandappError as e:
            self.source = None
            self.preview_model.clear()
            self.mapping.setRowCount(0)
            self.land_use.setRowCount(0)
            self.notes.setPlainText(str(e))
            self._set_ready(False)
            return
        self.preview_model.clear()
        fields = self.source.fields
        self.preview_model.setHorizontalHeaderLabels([*fields, tr("几何", "Geometry")])
        # the first rows only: a shapefile's table stays Arrow (no GeoDataFrame of it all)
        columns = self.source.values(fields, 0, min(20, len(self.source)))
        for row, g in enumerate(self.source.geometry_slice(0, 20).tolist()):
            cells = [QStandardItem(_text(columns[c][row])) for c in fields]
            # type and size: data in the wrong CRS show absurd areas (degrees give none)
            size = f" {g.area:.1f}" if g is not None and not g.is_empty and abs(g.bounds[0]) > 360 else ""
            cells.append(QStandardItem("" if g is None else g.geom_type + size))
            self.preview_model.appendRow(cells)
        self.preview.resizeColumnsToContents()
        self._fill_crs()
        lines = [*self.source.warnings, tr(f"读取 {len(self.source)} 个要素。", f"Read {len(self.source)} features.")]
        if self.crs_note.property("refused"):
            lines.insert(0, self.crs_note.text())
        self.notes.setPlainText("\n".join(lines))
        self._set_ready(self.crs_note.property("refused") is not True)
        self.fill_mapping()

    def _fill_crs(self) -> None:
        self.crs.clear()
        self.crs_note.setProperty("refused", False)
        src = self.source
        bounds = src.total_bounds()
        declared = src.crs
        if declared is not None and declared.is_geographic and not in_degrees(bounds):
            declared = None  # a GeoJSON's implied WGS84 over metres: judge from the digits
        if declared is not None:
            if is_legacy(src.crs):
                self.crs.addItem(tr(f"文件自带:{src.crs.name}", f"From the file: {src.crs.name}"), None)
                self.crs_note.setText(tr(
                    f"文件使用 {src.crs.name}(北京 1954 / 西安 1980),转为 CGCS2000 需要当地的转换参数,"
                    "landapp 不做无参数的平移。请先用测绘部门提供的参数转换后再导入。",
                    f"The file uses {src.crs.name} (Beijing 1954 / Xi'an 1980); converting it to CGCS2000 needs "
                    "local parameters and landapp will not shift it without them. Convert it first."))
                self.crs_note.setProperty("refused", True)
                return
            self.crs.addItem(tr(f"文件自带:{src.crs.name}", f"From the file: {src.crs.name}"), None)
            self.crs_note.setText("")
        cands = propose(bounds, self.store.srs_id)
        for c in cands:
            self.crs.addItem(c.label, f"EPSG:{c.epsg}" + (":swap" if c.swap_xy else ""))
        if declared is None:
            self.crs_note.setText(
                tr("文件没有坐标系信息。下列候选是按坐标数值推测的(首选最可能的),请确认后再导入。",
                   "The file has no CRS. The candidates below are judged from the coordinates (most likely "
                   "first); confirm before importing.") if cands else
                tr("文件没有坐标系信息,坐标也看不出属于哪个坐标系;请输入,如 EPSG:4544。",
                   "The file has no CRS and its coordinates do not reveal one; type one, e.g. EPSG:4544."))

    # ---- mapping ---------------------------------------------------------------------------
    def fill_mapping(self) -> None:
        if self.source is None:
            return
        layer = self.target.currentData()
        s = spec(layer)
        mapping = remembered_mapping(self.store, self.source, layer) or auto_mapping(self.source.fields, layer)
        self.mapping.setRowCount(len(self.source.fields))
        for r, f in enumerate(self.source.fields):
            self.mapping.setItem(r, 0, _ro(f))
            combo = QComboBox()
            combo.addItem(tr("(不导入)", "(skip)"), None)
            for fld in s.fields:
                if not fld.computed:
                    combo.addItem(f"{fld.title}({fld.name})", fld.name)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(f))))
            combo.currentIndexChanged.connect(lambda _i: self.fill_land_use())
            self.mapping.setCellWidget(r, 1, combo)
        self.mapping.resizeRowsToContents()
        self.fill_land_use()

    def current_mapping(self) -> dict[str, str]:
        out = {}
        for r in range(self.mapping.rowCount()):
            target = self.mapping.cellWidget(r, 1).currentData()
            if target:
                out[self.mapping.item(r, 0).text()] = target
        return out

    def fill_land_use(self) -> None:
        """Distinct values of the field mapped to 用地性质, each with the code it will get:
        remembered for this kind of file, else read as a code, an old code or a class name."""
        layer = self.target.currentData()
        if self.source is None or not spec(layer).has("land_use"):
            self.land_use.setRowCount(0)
            return
        values = land_use_values(self.source, self.current_mapping(),
                                 remembered_land_use_map(self.store, self.source, layer))
        self.land_use.setRowCount(len(values))
        for r, (value, count, code) in enumerate(values):
            self.land_use.setItem(r, 0, _ro(value))
            self.land_use.setItem(r, 1, _ro(str(count)))
            combo = QComboBox()
            combo.addItem(tr("(无法识别,留空)", "(unknown, leave empty)"), "")
            for c in sorted(landuse.CLASSES):
                combo.addItem(f"{c} {landuse.name(c, language())}", c)
            combo.setCurrentIndex(max(0, combo.findData(code or "")))
            combo.setProperty("proposed", code or "")
            self.land_use.setCellWidget(r, 2, combo)
        self.land_use.resizeColumnsToContents()
        self.land_use.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def current_land_use_map(self) -> dict[str, str]:
        """Values with a code, and values the user deliberately emptied; a value left
        unknown stays out, so the report still lists it as not recognised."""
        out = {}
        for r in range(self.land_use.rowCount()):
            combo = self.land_use.cellWidget(r, 2)
            if combo.currentData() or combo.property("proposed"):
                out[self.land_use.item(r, 0).text()] = combo.currentData()
        return out

    # ---- importing ---------------------------------------------------------------------------
    def _chosen_crs(self) -> tuple[str | None, bool | None]:
        data = self.crs.currentData()
        text = self.crs.currentText().strip()
        if data and self.crs.findText(text) == self.crs.currentIndex():
            return data.replace(":swap", ""), data.endswith(":swap")
        if text.upper().startswith("EPSG:") and self.crs.findText(text) < 0:  # typed by the user
            return text.split()[0], None
        return None, None

    def run(self, dry_run: bool) -> bool:
        """Check or import. A big file (or a big park) is read, checked and written in a
        worker (ui/jobs.py) with its own connection, while the window keeps answering; a
        small one inline, as before. True when it was done (or started in the background)."""
        running = getattr(self, "job", None)
        if self.source is None or (running is not None and running.running):
            return False  # one import at a time from this dialog
        src_crs, swap = self._chosen_crs()
        layer = self.target.currentData()
        mapping = self.current_mapping()
        land_use_map = self.current_land_use_map()
        n = len(self.source)
        from ui import jobs

        if n >= jobs.INLINE_PARCELS or not jobs.is_small(self.store):
            self.job = self._run_in_background(dry_run, {
                "mapping": mapping, "src_crs": src_crs, "swap_xy": swap, "gcj02": self.gcj02.isChecked(),
                "land_use_map": land_use_map, "repair": self.repair.isChecked(),
                "skip_invalid": self.skip.isChecked(), "skip_duplicates": self.skip_duplicates.isChecked(),
                "dry_run": dry_run})
            return True
        progress = QProgressDialog(tr("正在检查…", "Checking…") if dry_run else tr("正在导入…", "Importing…"),
                                   tr("取消", "Cancel"), 0, n + 1, self)
        progress.setWindowTitle(self.windowTitle())
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)
        progress.setAutoClose(False)
        bar = QProgressBar(progress)
        progress.setBar(bar)

        def step(done, total):
            if n <= done < total and not dry_run:  # checked; the one transaction cannot stop midway
                progress.setLabelText(tr("正在写入工程…", "Writing to the project…"))
                progress.setCancelButton(None)
                bar.setTextVisible(False)  # a busy bar, not a '100 %' that is not done yet
                progress.setRange(0, 0)
            else:
                progress.setMaximum(total)
                progress.setValue(done)
            QCoreApplication.processEvents()

        try:
            self.report = import_source(self.store, self.source, layer, mapping=mapping, src_crs=src_crs,
                                        swap_xy=swap, gcj02=self.gcj02.isChecked(), land_use_map=land_use_map,
                                        repair=self.repair.isChecked(), skip_invalid=self.skip.isChecked(),
                                        skip_duplicates=self.skip_duplicates.isChecked(), dry_run=dry_run,
                                        progress=step, cancel=progress.wasCanceled)
        except ImportCancelled as e:
            self.notes.setPlainText(str(e))
            return False
        except LandappError as e:
            self.notes.setPlainText(str(e))
            QMessageBox.warning(self, tr("无法导入", "Cannot import"), str(e))
            return False
        finally:
            progress.close()
        rep = self.report
        if not dry_run:
            remember_mapping(self.store, self.source, layer, mapping, land_use_map)
            _after_import(self.session, self.parent(), layer, rep, self.source.path)
        self._show_report(rep, dry_run)
        return True

    def _show_report(self, rep, dry_run: bool) -> None:
        lines = [(tr("预检(未写入):", "Check (nothing written): ") if dry_run else "") + rep.summary()]
        lines += rep.warnings + [p.message for p in rep.problems]
        self.notes.setPlainText("\n".join(lines))

    def _run_in_background(self, dry_run: bool, options: dict):
        """The worker checks with the job's reader and writes through a connection of its
        own (never the window's store from another thread), in one transaction as inline.
        Cancel works until the write starts; from then on it is refused (the transaction
        cannot stop midway), so a cancelled import leaves the file as it was. After the
        commit, the window's store learns of the new features on the GUI thread: its
        markers move past the worker's edit-log rows and it emits the insert event the
        edit would have emitted, and the import becomes one step on the undo stack."""
        from ui import jobs

        store, source, session, window = self.store, self.source, self.session, self.parent()
        layer = self.target.currentData()
        n = len(source)
        mapping, land_use_map = options["mapping"], options["land_use_map"]
        checking = tr("检查导入数据", "Checking the import") if dry_run else tr("导入数据", "Importing data")

        def work(job):
            writer = None
            target = job.store
            if not dry_run and not job.inline:
                writer = _open_writer(store)
                target = writer

            def step(done, total):
                if not dry_run and n <= done < total:  # checked; now the one transaction
                    job.point_of_no_return()
                    job.progress(done, total, tr("写入工程", "Writing to the project"))
                else:
                    job.progress(done, total, checking)

            try:
                return import_source(target, source, layer, progress=step, cancel=job.cancelled, **options)
            finally:
                if writer is not None:
                    writer.close()

        def done(rep):
            if not dry_run:
                _learn_import(store, layer, rep)
                _after_import(session, window, layer, rep, source.path)
                try:
                    remember_mapping(store, source, layer, mapping, land_use_map)
                except LandappError:
                    pass
            self.report = rep
            self._set_ready(True)
            self._show_report(rep, dry_run)

        def failed(message: str):
            self._set_ready(True)
            self.notes.setPlainText(message)
            if not dry_run:
                QMessageBox.warning(self, tr("无法导入", "Cannot import"), message)

        self._set_ready(False)
        self.notes.setPlainText(tr("正在检查…", "Checking…") if dry_run else tr("正在导入…", "Importing…"))
        job = jobs.start(work, title=checking, store=store, on_done=done, on_error=failed,
                         busy=self, inline=False)

        def ended():
            if not job.running and job.result is None and job.error is None and job._cancel.is_set():
                try:
                    self._set_ready(True)
                    self.notes.setPlainText(tr("已取消,工程未作任何修改。", "Cancelled; the project is unchanged."))
                except RuntimeError:
                    pass

        job.changed.connect(ended)
        return job


def _open_writer(store):
    """A connection of the worker's own that writes as the window's session and user, so
    the window's store reads the rows it logs as its own edits, not someone else's."""
    from landapp.store import open_project

    writer = open_project(store.path)
    for attr in ("session", "user"):
        if hasattr(store, attr):
            setattr(writer, attr, getattr(store, attr))
    return writer


def _learn_import(store, layer: str, rep) -> None:
    """On the GUI thread after the worker committed: the window's store moves past what the
    worker logged (and reports what other programs changed meanwhile), then emits the same
    insert event an import in this store emits, so the map, the table and the panels update."""
    from landapp.store.base import ChangeEvent
    from ui import jobs

    try:
        store.poll_external_changes()
    except LandappError:
        pass
    jobs._park_sizes.pop(store, None)  # the park may be big now
    if rep.fids:
        store.signals.changed.emit(ChangeEvent(layer, "insert", tuple(rep.fids)))


def _after_import(session, window, layer: str, rep, source_path: str) -> None:
    """One undo step for the whole import; the map shows and selects what came in."""
    if session is not None and rep.fids:
        from ui.undo import EditCommand

        session.stack.push(EditCommand(session, ImportedFeatures(layer, rep.fids, os.path.basename(source_path))))
    canvas = getattr(window, "canvas", None)
    if canvas is not None and rep.extent is not None:
        if len(rep.fids) <= 10000:
            canvas.set_selection(layer, rep.fids)
        canvas.zoom_to(rep.extent, margin=0.1)


# 文件 → 导入数据… and 导出图层… are registered in ui/entries/core.py (ui/actions.py).
