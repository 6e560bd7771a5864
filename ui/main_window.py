"""The main window: the park drawn by lifecycle status, a summary of the project (counts,
areas in m² and 亩, vacancy), the legend, and the cursor position in the status bar."""

from __future__ import annotations

import os

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QLabel, QMainWindow, QTextBrowser,
                               QVBoxLayout, QWidget)

from landapp.check import summary
from landapp.coords import to_lonlat
from landapp.i18n import tr
from landapp.schema import PARCEL_STATUSES, value_label
from landapp.store.base import ProjectStore
from layers.styles import status_colour

MAX_POLYGONS = 50_000  # beyond this the overview draws parcels as points


class ParkOverview(QWidget):
    """The whole park fitted to the widget, parcels filled by status."""

    cursor_moved = Signal(float, float)  # map x (easting), y (northing)

    def __init__(self, store: ProjectStore, parent=None):
        super().__init__(parent)
        self.store = store
        self.setMouseTracking(True)
        self.setMinimumSize(480, 360)
        self.reload()
        store.signals.changed.connect(self._on_change)

    def _on_change(self, event) -> None:
        if event.layer in ("zones", "parcels", "buildings"):
            self.reload()
            self.update()

    def reload(self) -> None:
        self.zones = self.store.read_layer("zones", columns=["name"])
        self.parcels = self.store.read_layer("parcels", columns=["status"])
        self.buildings = self.store.read_layer("buildings", columns=["btype"])
        bounds = [df.total_bounds for df in (self.zones, self.parcels) if len(df)]
        if bounds:
            b = np.array(bounds)
            self.extent = (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
        else:
            self.extent = None

    def _transform(self):
        x0, y0, x1, y1 = self.extent
        margin = 12
        sx = (self.width() - 2 * margin) / max(x1 - x0, 1e-9)
        sy = (self.height() - 2 * margin) / max(y1 - y0, 1e-9)
        s = min(sx, sy)
        ox = margin + (self.width() - 2 * margin - s * (x1 - x0)) / 2
        oy = margin + (self.height() - 2 * margin - s * (y1 - y0)) / 2
        return s, ox, oy, x0, y1

    def to_map(self, px: float, py: float) -> tuple[float, float]:
        s, ox, oy, x0, y1 = self._transform()
        return x0 + (px - ox) / s, y1 - (py - oy) / s

    def _path(self, geom, s, ox, oy, x0, y1) -> QPainterPath:
        path = QPainterPath()
        for poly in shapely.get_parts(geom):
            for ring in [poly.exterior, *poly.interiors]:
                xy = np.asarray(ring.coords)
                pts = [QPointF(ox + (x - x0) * s, oy + (y1 - y) * s) for x, y in xy]
                path.addPolygon(QPolygonF(pts))
                path.closeSubpath()
        return path

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#F6F3E8"))
        if self.extent is None:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, tr("工程中还没有地块。", "No parcels yet."))
            return
        t = self._transform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, len(self.parcels) < 5000)
        if len(self.parcels) <= MAX_POLYGONS:
            p.setPen(QPen(QColor("#7A7A7A"), 0))
            for geom, status in zip(self.parcels.geometry, self.parcels["status"]):
                p.setBrush(QColor(status_colour(status)))
                p.drawPath(self._path(geom, *t))
            p.setBrush(QColor("#4D4D4D"))
            p.setPen(Qt.PenStyle.NoPen)
            for geom in self.buildings.geometry:
                p.drawPath(self._path(geom, *t))
        else:
            s, ox, oy, x0, y1 = t
            c = shapely.centroid(self.parcels.geometry.values)
            xs, ys = ox + (shapely.get_x(c) - x0) * s, oy + (y1 - shapely.get_y(c)) * s
            for status in PARCEL_STATUSES:
                mask = (self.parcels["status"] == status).to_numpy()
                p.setPen(QPen(QColor(status_colour(status)), 1))
                p.drawPoints(QPolygonF([QPointF(x, y) for x, y in zip(xs[mask], ys[mask])]))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor("#C62828"), 2, Qt.PenStyle.DashLine))
        for geom in self.zones.geometry:
            p.drawPath(self._path(geom, *t))
        p.setPen(QColor("#8E1B1B"))
        font = p.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        p.setFont(font)
        for geom, name in zip(self.zones.geometry, self.zones["name"]):
            path = self._path(geom.representative_point().buffer(1), *t)
            c = path.boundingRect().center()
            p.drawText(QRectF(c.x() - 100, c.y() - 14, 200, 28), Qt.AlignmentFlag.AlignCenter, name)
        p.end()

    def mouseMoveEvent(self, event) -> None:
        if self.extent is not None:
            self.cursor_moved.emit(*self.to_map(event.position().x(), event.position().y()))


class MainWindow(QMainWindow):
    def __init__(self, store: ProjectStore, *, is_demo: bool = False):
        super().__init__()
        self.store = store
        self.is_demo = is_demo
        self.overview = ParkOverview(store, self)
        self.setCentralWidget(self.overview)
        self.summary_view = QTextBrowser(self)
        dock = QDockWidget(tr("工程概况", "Project summary"), self)
        dock.setObjectName("summary")
        box = QWidget(dock)
        lay = QVBoxLayout(box)
        lay.addWidget(self.summary_view)
        self.legend = QLabel(box)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.legend)
        dock.setWidget(box)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.coords_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.coords_label)
        self.overview.cursor_moved.connect(self.show_position)
        self._menus()
        self.refresh()
        store.signals.changed.connect(lambda _e: self.refresh())
        self.resize(1280, 800)

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(tr("文件(&F)", "&File"))
        act = QAction(tr("打开工程…", "Open project…"), self)
        act.setShortcut(QKeySequence.StandardKey.Open)
        act.triggered.connect(self.open_project_dialog)
        file_menu.addAction(act)
        act = QAction(tr("退出", "Quit"), self)
        act.setShortcut(QKeySequence.StandardKey.Quit)
        act.triggered.connect(self.close)
        file_menu.addAction(act)

    def open_project_dialog(self) -> None:
        from ui.app import open_or_explain

        path, _ = QFileDialog.getOpenFileName(self, tr("打开工程", "Open project"), "",
                                              tr("GeoPackage 工程 (*.gpkg)", "GeoPackage project (*.gpkg)"))
        if not path:
            return
        store = open_or_explain(path, self)
        if store is None:
            return
        win = MainWindow(store)
        win.show()
        self._other = win

    def refresh(self) -> None:
        s = summary(self.store)
        demo = tr("(示例园区副本)", " (demo park copy)") if self.is_demo else ""
        self.setWindowTitle(f"{s['name']}{demo} — landapp")
        self.statusBar().showMessage(f"{os.path.basename(self.store.path)}  ·  {s['crs']}")
        c = s["counts"]
        rows = [
            (tr("片区", "Zones"), c["zones"]), (tr("地块", "Parcels"), c["parcels"]),
            (tr("建筑", "Buildings"), c["buildings"]), (tr("单元", "Units"), c["units"]),
            (tr("企业", "Enterprises"), c["enterprises"]), (tr("租约", "Leases"), c["leases"]),
        ]
        html = [f"<h3>{s['name']}</h3><table>"]
        html += [f"<tr><td>{k}</td><td align='right'>{v:,}</td></tr>" for k, v in rows]
        html.append("</table>")
        html.append(f"<p>{tr('地块总面积', 'Parcel area')}<br><b>{s['parcel_area_m2']:,.1f} ㎡</b>"
                    f" = <b>{s['parcel_area_mu']:,.2f} {tr('亩', 'mu')}</b></p>")
        html.append(f"<table><tr><th align='left'>{tr('状态', 'Status')}</th><th>{tr('宗数', 'Count')}</th>"
                    f"<th>{tr('面积(亩)', 'Area (mu)')}</th></tr>")
        for r in s["parcels_by_status"]:
            html.append(f"<tr><td>{value_label(r['status'])}</td><td align='right'>{r['count']}</td>"
                        f"<td align='right'>{r['area_mu']:,.1f}</td></tr>")
        html.append("</table>")
        v = s["vacancy"]
        if v["unit_area_m2"]:
            html.append(f"<p>{tr('载体空置率', 'Vacancy')}: <b>{v['vacancy_rate']:.1%}</b><br>")
            for r in v["by_type"]:
                rate = f"{r['vacancy_rate']:.1%}" if r["vacancy_rate"] is not None else "-"
                html.append(f"{value_label(r['type'])}: {r['vacant_m2']:,.0f} / {r['unit_area_m2']:,.0f} ㎡ ({rate})<br>")
            html.append("</p>")
        self.summary_view.setHtml("".join(html))
        swatches = "".join(
            f"<span style='background:{status_colour(st)}'>&nbsp;&nbsp;&nbsp;&nbsp;</span> {value_label(st)}&nbsp; "
            for st in PARCEL_STATUSES)
        self.legend.setText(f"<b>{tr('图例(地块状态)', 'Legend (parcel status)')}</b><br>{swatches}")
        self.legend.setWordWrap(True)

    def show_position(self, x: float, y: float) -> None:
        lon, lat = to_lonlat(x, y, self.store.srs_id)
        self.coords_label.setText(f"X {y:,.2f}  Y {x:,.2f}  |  {lon:.6f}°E {lat:.6f}°N")
