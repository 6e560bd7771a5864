"""The import dialog: choose a file, see its first rows with the text decoded (so mojibake
shows before anything is written), map its fields to ours, confirm the coordinate system,
then import with a progress bar and cancel. The import is one transaction."""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QMessageBox, QProgressDialog, QPushButton,
                               QTableView, QTableWidget, QVBoxLayout)

from landapp.dataio.crs import propose
from landapp.dataio.importer import (ImportCancelled, auto_mapping, import_source, remember_mapping,
                                     remembered_mapping)
from landapp.dataio.readers import dxf_layers, read_source
from landapp.errors import LandappError
from landapp.schema import spec
from ui.i18n import tr

FILTER = "GIS (*.shp *.zip *.geojson *.json *.kml *.kmz *.gpkg *.dxf *.csv *.txt *.dat)"
ENCODINGS = [(None, "自动识别"), ("utf-8", "UTF-8"), ("gbk", "GBK"), ("gb18030", "GB18030")]


class ImportDialog(QDialog):
    def __init__(self, store, parent=None, path: str | None = None):
        super().__init__(parent)
        self.store = store
        self.source = None
        self.report = None
        self.setWindowTitle(tr("导入数据", "Import data"))
        self.path = QLineEdit()
        browse = QPushButton(tr("选择文件…", "Choose file…"))
        browse.clicked.connect(self.choose)
        self.target = QComboBox()
        for lid in ("parcels", "buildings", "zones", "roads"):
            self.target.addItem(spec(lid).title, lid)
        self.encoding = QComboBox()
        for code, label in ENCODINGS:
            self.encoding.addItem(tr(label, "Detect") if code is None else label, code)
        self.dxf_layer = QComboBox()
        self.crs = QComboBox()
        self.crs.setEditable(True)
        self.gcj02 = QCheckBox(tr("数据取自高德等 GCJ-02 地图,先纠偏", "Data traced from a GCJ-02 map (Amap): correct it"))
        self.repair = QCheckBox(tr("自动修复无效多边形", "Repair invalid polygons"))
        self.repair.setChecked(True)
        self.skip = QCheckBox(tr("跳过属性不合规的要素", "Skip features with invalid values"))
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(tr("文件", "File"), row)
        form.addRow(tr("导入到", "Into"), self.target)
        form.addRow(tr("文字编码", "Text encoding"), self.encoding)
        form.addRow(tr("DXF 图层", "DXF layer"), self.dxf_layer)
        form.addRow(tr("源坐标系", "Source CRS"), self.crs)
        form.addRow("", self.gcj02)
        form.addRow("", self.repair)
        form.addRow("", self.skip)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.preview = QTableView()
        self.preview_model = QStandardItemModel(self)
        self.preview.setModel(self.preview_model)
        self.mapping = QTableWidget(0, 2)
        self.mapping.setHorizontalHeaderLabels([tr("源字段", "Source field"), tr("导入为", "Import as")])
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        buttons = QHBoxLayout()
        self.check_button = QPushButton(tr("预检", "Check"))
        self.import_button = QPushButton(tr("导入", "Import"))
        close = QPushButton(tr("关闭", "Close"))
        for b in (self.check_button, self.import_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button.clicked.connect(lambda: self.run(dry_run=False))
        close.clicked.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(QLabel(tr("前 20 行预览(请核对中文是否正常)", "First 20 rows (check the Chinese text)")))
        lay.addWidget(self.preview, 2)
        lay.addWidget(QLabel(tr("字段对应", "Field mapping")))
        lay.addWidget(self.mapping, 2)
        lay.addWidget(self.notes)
        lay.addLayout(buttons)
        self.encoding.currentIndexChanged.connect(lambda _i: self.load())
        self.dxf_layer.currentIndexChanged.connect(lambda _i: self.load())
        self.target.currentIndexChanged.connect(lambda _i: self.fill_mapping())
        self.resize(900, 760)
        if path:
            self.path.setText(path)
            self.load()

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("选择要导入的文件", "Choose a file to import"), "", FILTER)
        if path:
            self.path.setText(path)
            self.load()

    def load(self) -> None:
        path = self.path.text().strip()
        if not path:
            return
        is_dxf = path.lower().endswith(".dxf")
        if is_dxf and self.dxf_layer.count() == 0:
            self.dxf_layer.blockSignals(True)
            self.dxf_layer.addItem(tr("全部图层", "All layers"), None)
            try:
                for name in dxf_layers(path):
                    self.dxf_layer.addItem(name, name)
            except Exception:
                pass
            self.dxf_layer.blockSignals(False)
        self.dxf_layer.setEnabled(is_dxf)
        try:
            self.source = read_source(path, encoding=self.encoding.currentData(),
                                      dxf_layers_filter=[self.dxf_layer.currentData()] if is_dxf and self.dxf_layer.currentData() else None)
        except LandappError as e:
            self.source = None
            self.notes.setText(str(e))
            self.import_button.setEnabled(False)
            return
        self.import_button.setEnabled(True)
        gdf = self.source.gdf
        self.preview_model.clear()
        self.preview_model.setHorizontalHeaderLabels(self.source.fields)
        for _, r in gdf.head(20).iterrows():
            self.preview_model.appendRow([QStandardItem("" if r[c] is None else str(r[c])) for c in self.source.fields])
        self.crs.clear()
        if self.source.crs is not None:
            self.crs.addItem(tr(f"文件自带:{self.source.crs.name}", f"From the file: {self.source.crs.name}"), None)
        import shapely

        for c in propose(tuple(shapely.total_bounds(gdf.geometry.values)), self.store.srs_id):
            self.crs.addItem(c.label, f"EPSG:{c.epsg}" + (":swap" if c.swap_xy else ""))
        self.notes.setText("\n".join(self.source.warnings) or tr(f"读取 {len(gdf)} 个要素。", f"Read {len(gdf)} features."))
        self.fill_mapping()

    def fill_mapping(self) -> None:
        if self.source is None:
            return
        layer = self.target.currentData()
        s = spec(layer)
        mapping = remembered_mapping(self.store, self.source, layer) or auto_mapping(self.source.fields, layer)
        self.mapping.setRowCount(len(self.source.fields))
        for r, f in enumerate(self.source.fields):
            self.mapping.setItem(r, 0, QTableWidgetItemRO(f))
            combo = QComboBox()
            combo.addItem(tr("(不导入)", "(skip)"), None)
            for fld in s.fields:
                if not fld.computed:
                    combo.addItem(f"{fld.title}({fld.name})", fld.name)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(f))))
            self.mapping.setCellWidget(r, 1, combo)

    def current_mapping(self) -> dict[str, str]:
        out = {}
        for r in range(self.mapping.rowCount()):
            target = self.mapping.cellWidget(r, 1).currentData()
            if target:
                out[self.mapping.item(r, 0).text()] = target
        return out

    def run(self, dry_run: bool) -> bool:
        if self.source is None:
            return False
        data = self.crs.currentData()
        src_crs = None
        if data:
            src_crs = data.replace(":swap", "")
            if data.endswith(":swap"):  # swapped axes: flip the coordinates of the preview source
                import shapely

                self.source.gdf = self.source.gdf.set_geometry(
                    shapely.transform(self.source.gdf.geometry.values, lambda xy: xy[:, ::-1]))
                self.crs.setItemData(self.crs.currentIndex(), src_crs)
        elif self.crs.currentText().upper().startswith("EPSG:") and self.source.crs is None:
            src_crs = self.crs.currentText().split()[0]
        layer = self.target.currentData()
        mapping = self.current_mapping()
        progress = QProgressDialog(tr("正在导入…", "Importing…"), tr("取消", "Cancel"), 0, len(self.source.gdf), self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)

        def step(done, total):
            progress.setValue(done)
            QCoreApplication.processEvents()

        try:
            self.report = import_source(self.store, self.source, layer, mapping=mapping, src_crs=src_crs,
                                        gcj02=self.gcj02.isChecked(), repair=self.repair.isChecked(),
                                        skip_invalid=self.skip.isChecked(), dry_run=dry_run,
                                        progress=step, cancel=progress.wasCanceled)
        except ImportCancelled as e:
            self.notes.setText(str(e))
            return False
        except LandappError as e:
            self.notes.setText(str(e))
            QMessageBox.warning(self, tr("无法导入", "Cannot import"), str(e))
            return False
        finally:
            progress.close()
        if not dry_run:
            remember_mapping(self.store, self.source, layer, mapping)
        lines = [(tr("预检:", "Check: ") if dry_run else "") + self.report.summary()]
        lines += self.report.warnings[:10] + [p.message for p in self.report.problems[:10]]
        self.notes.setText("\n".join(lines))
        return True


def QTableWidgetItemRO(text: str):
    from PySide6.QtWidgets import QTableWidgetItem

    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def install_import_menu(window) -> None:
    """文件 → 导入数据… and 导出图层…"""
    from PySide6.QtGui import QAction

    file_menu = window.menuBar().actions()[0].menu()
    act = QAction(tr("导入数据…", "Import data…"), window)
    act.triggered.connect(lambda: ImportDialog(window.store, window).exec())
    file_menu.insertAction(file_menu.actions()[1], act)
    exp = QAction(tr("导出图层…", "Export layer…"), window)
    exp.triggered.connect(lambda: export_layer_dialog(window))
    file_menu.insertAction(file_menu.actions()[2], exp)


def export_layer_dialog(window, path: str | None = None) -> int:
    from landapp.dataio.exporter import export_layer

    layer = window.canvas.active_layer if window.canvas.active_layer in ("parcels", "buildings", "zones", "roads") else "parcels"
    fids = sorted(window.map.layer(layer).selection)
    if path is None:
        path, _ = QFileDialog.getSaveFileName(
            window, tr("导出图层", "Export layer"), f"{layer}.shp",
            "Shapefile (*.shp);;GeoJSON (*.geojson);;KML (*.kml);;DXF (*.dxf);;GeoPackage (*.gpkg)")
        if not path:
            return 0
    try:
        n = export_layer(window.store, layer, path, fids=fids or None, encoding="gbk")
    except LandappError as e:
        QMessageBox.warning(window, tr("导出失败", "Export failed"), str(e))
        return 0
    window.statusBar().showMessage(tr(f"已导出 {n} 个要素到 {os.path.basename(path)}", f"Exported {n} features"), 6000)
    return n
