"""文件 → 导出图层: a layer (or its selection) to Shapefile (GBK or UTF-8, with .cpg), GeoJSON
(WGS84), KML for Google Earth / 奥维 (WGS84 or GCJ-02), DXF for CAD users, or GeoPackage."""

from __future__ import annotations

import os

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from landapp.dataio.exporter import export_layer
from landapp.schema import spec
from ui.i18n import tr

LAYERS = ("parcels", "buildings", "zones", "roads")


def formats() -> list[tuple[str, str, str]]:
    """(extension, label, what it is for)."""
    return [
        (".shp", "Shapefile", tr("ArcGIS、QGIS 及各类国土软件", "ArcGIS, QGIS and land-administration software")),
        (".geojson", "GeoJSON", tr("WGS84 经纬度,网页地图与开发者", "WGS84 degrees, for web maps and developers")),
        (".kml", tr("KML(谷歌地球、奥维)", "KML (Google Earth, 奥维)"), tr("经纬度;奥维/高德底图请勾选 GCJ-02",
                                                                  "degrees; tick GCJ-02 for 奥维 / Amap basemaps")),
        (".dxf", tr("DXF(CAD)", "DXF (CAD)"), tr("工程坐标系,边界与编号注记分图层", "project CRS, outlines and labels on their own layers")),
        (".gpkg", "GeoPackage", tr("QGIS、GDAL 直接打开", "opens in QGIS and GDAL")),
    ]


class ExportLayerDialog(QDialog):
    def __init__(self, window, path: str | None = None):
        super().__init__(window)
        self.window = window
        self.setWindowTitle(tr("导出图层", "Export layer"))
        self.layer = QComboBox()
        active = getattr(window.canvas, "active_layer", None)
        for lid in LAYERS:
            self.layer.addItem(spec(lid).title, lid)
        self.layer.setCurrentIndex(max(0, self.layer.findData(active)))
        self.selected_only = QCheckBox()
        self.format = QComboBox()
        for ext, label, _ in formats():
            self.format.addItem(label, ext)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.encoding = QComboBox()
        self.encoding.addItem(tr("GBK(ArcGIS 及多数国产软件)", "GBK (ArcGIS and most Chinese software)"), "gbk")
        self.encoding.addItem(tr("UTF-8(QGIS,可存任何汉字)", "UTF-8 (QGIS, holds every character)"), "utf-8")
        self.gcj02 = QCheckBox(tr("坐标转为 GCJ-02(奥维、高德底图)", "Coordinates in GCJ-02 (奥维, Amap basemaps)"))
        self.path = QLineEdit(path or "")
        browse = QPushButton(tr("浏览…", "Browse…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(tr("要导出的图层", "Layer to export"), self.layer)
        form.addRow("", self.selected_only)
        form.addRow(tr("格式", "Format"), self.format)
        form.addRow("", self.hint)
        form.addRow(tr("文字编码", "Text encoding"), self.encoding)
        form.addRow("", self.gcj02)
        form.addRow(tr("保存到", "Save to"), row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("导出", "Export"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消", "Cancel"))
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.buttons)
        self.layer.currentIndexChanged.connect(lambda _i: self.update_state())
        self.format.currentIndexChanged.connect(lambda _i: self.update_state(new_format=True))
        self.exported = 0
        self.notes: list[str] = []
        if path:
            self.format.setCurrentIndex(max(0, self.format.findData(os.path.splitext(path)[1].lower())))
        self.update_state()
        self.resize(620, 0)

    def selection(self) -> list[int]:
        return sorted(self.window.map.layer(self.layer.currentData()).selection)

    def update_state(self, new_format: bool = False) -> None:
        ext = self.format.currentData()
        n = len(self.selection())
        self.selected_only.setText(tr(f"只导出所选的 {n} 个要素", f"Only the {n} selected features"))
        self.selected_only.setEnabled(n > 0)
        self.selected_only.setChecked(n > 0)
        self.hint.setText(next(h for e, _, h in formats() if e == ext))
        self.encoding.setEnabled(ext == ".shp")
        self.gcj02.setEnabled(ext == ".kml")
        if ext != ".kml":
            self.gcj02.setChecked(False)
        current = self.path.text().strip()
        if not current or new_format:
            stem = os.path.splitext(current)[0] if current else os.path.join(
                os.path.dirname(getattr(self.window.store, "path", "") or "."), self.layer.currentData())
            self.path.setText(stem + ext)

    def browse(self) -> None:
        ext = self.format.currentData()
        label = self.format.currentText()
        path, _ = QFileDialog.getSaveFileName(self, tr("导出图层", "Export layer"), self.path.text(), f"{label} (*{ext})")
        if path:
            if not path.lower().endswith(ext):
                path += ext
            self.path.setText(path)

    def export(self) -> None:
        path = self.path.text().strip()
        if not path:
            return
        layer = self.layer.currentData()
        fids = self.selection() if self.selected_only.isChecked() else None
        self.notes = []
        notes, encoding, gcj02 = self.notes, self.encoding.currentData(), self.gcj02.isChecked()
        from ui import jobs  # written in the background: a 100k-parcel layer takes seconds

        self.setEnabled(False)
        self.job = jobs.start(
            lambda job: export_layer(job.store, layer, path, fids=fids, encoding=encoding, gcj02=gcj02, notes=notes),
            title=tr("导出图层", "Exporting a layer"), store=self.window.store, busy=self,
            cancellable=False, on_done=lambda n: self._exported(n, path), on_error=self._failed)

    def _failed(self, message: str) -> None:
        self.setEnabled(True)
        QMessageBox.warning(self, tr("导出失败", "Export failed"), message)

    def _exported(self, n: int, path: str) -> None:
        self.setEnabled(True)
        self.exported = n
        msg = tr(f"已导出 {self.exported} 个要素到 {os.path.basename(path)}",
                 f"Exported {self.exported} features to {os.path.basename(path)}")
        self.window.statusBar().showMessage(msg, 8000)
        from ui.exported import confirm_written

        written = [path] if os.path.exists(path) else []
        confirm_written(self.window, written, "\n".join([tr(f" {self.exported} 个要素", f" {self.exported} features"),
                                                         *self.notes]))
        self.accept()
