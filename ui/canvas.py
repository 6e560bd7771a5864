"""The map canvas. Renders in a background thread into a QImage with the one renderer
(layers.render) and never blocks input: while a new frame renders, the last one is shown
moved and scaled to the current view at once. Qt events become MapEvents for the active
tool (ui.tools)."""

from __future__ import annotations

import itertools
import threading

import numpy as np
import shapely
from PySide6.QtCore import QObject, QPointF, QRectF, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QWidget

from layers.decorations import (decoration_rects, draw_north_arrow, draw_scale_bar, north_arrow_centre,
                                scale_bar_anchor)
from layers.map import ParkMap
from layers.render import BACKGROUND, render
from layers.view import MapView
from ui.tools.base import MapEvent, MapTool
from ui.tools.navigation import PanTool

IDENTIFY_PX = 3  # click tolerance for identify and select
HIGHLIGHT_COLOUR = QColor(255, 87, 34)  # orange-red: apart from the cyan selection and every theme
# the history layer (off by default) comes before the parcels: switched on, it is what is looked at
IDENTIFY_ORDER = ("buildings", "retired_parcels", "parcels", "roads", "zones")


class _Signals(QObject):
    done = Signal(int, QImage, object)  # job id, image, view


class _RenderJob(QRunnable):
    def __init__(self, job_id: int, layers, view: MapView, dpr: float, cancelled: threading.Event):
        super().__init__()
        self.job_id = job_id
        self.layers = layers
        self.view = view
        self.dpr = dpr
        self.cancelled = cancelled
        self.signals = _Signals()

    def run(self) -> None:
        if self.cancelled.is_set():
            return
        img = QImage(max(1, int(self.view.width * self.dpr)), max(1, int(self.view.height * self.dpr)),
                     QImage.Format.Format_ARGB32_Premultiplied)
        img.setDevicePixelRatio(self.dpr)
        img.fill(BACKGROUND)
        p = QPainter(img)
        try:
            ok = render(p, self.view, self.layers, cancel=self.cancelled.is_set, decorations=False,
                        keep_clear=decoration_rects(self.view))  # the canvas draws them over the frame
        finally:
            p.end()
        if ok and not self.cancelled.is_set():
            try:
                self.signals.done.emit(self.job_id, img, self.view)
            except RuntimeError:  # the window closed while this frame was drawn
                pass


class MapCanvas(QWidget):
    view_changed = Signal()
    cursor_moved = Signal(float, float)  # map x (easting), y (northing)
    identified = Signal(str, int)  # layer id, fid (-1: nothing there)
    selection_changed = Signal(str)  # layer id
    frame_ready = Signal()
    _refresh_requested = Signal()  # emitted from any thread (tiles arrive in workers)

    def __init__(self, park_map: ParkMap, parent=None):
        super().__init__(parent)
        self.map = park_map
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(200, 150)
        self.view = MapView.fit(park_map.extent() or (0, 0, 1000, 1000), 800, 600)
        self._fitted = False
        self.frame: QImage | None = None
        self.frame_view: MapView | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._jobs = itertools.count(1)
        self._latest = 0
        self._shown = 0  # the job whose frame is on screen
        self._cancel = threading.Event()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._start_render)
        self.active_layer = "parcels"
        self.highlight: tuple[str, int] | None = None  # (map layer id, fid) identify found, outlined
        self.tool: MapTool | None = None
        self._previous_tool: MapTool | None = None
        self.set_tool(PanTool())
        self._refresh_requested.connect(self.refresh, Qt.ConnectionType.QueuedConnection)
        park_map.on_changed(self._refresh_requested.emit)

    # ---- rendering
    def refresh(self) -> None:
        """Render the current view in the background (coalesced)."""
        self._timer.start()

    def _start_render(self) -> None:
        self._cancel.set()  # the frame in flight is stale
        self._cancel = threading.Event()
        job_id = next(self._jobs)
        self._latest = job_id
        job = _RenderJob(job_id, list(self.map.layers), self.view, self.devicePixelRatioF(), self._cancel)
        job.signals.done.connect(self._on_rendered, Qt.ConnectionType.QueuedConnection)
        self._job = job
        self._pool.start(job)

    def _on_rendered(self, job_id: int, image: QImage, view: MapView) -> None:
        if job_id != self._latest:
            return
        self.frame, self.frame_view = image, view
        self._shown = job_id
        self.update()
        self.frame_ready.emit()

    def wait_for_frame(self, timeout_ms: int = 10000) -> bool:
        """Block until the current view is rendered (tests, exports)."""
        from PySide6.QtCore import QCoreApplication, QElapsedTimer

        t = QElapsedTimer()
        t.start()
        while t.elapsed() < timeout_ms:
            QCoreApplication.processEvents()
            # a job can have finished with its frame still queued for delivery: wait for the
            # latest job's frame to be on screen, not merely for the pool to be idle
            if (self.frame_view == self.view and not self._timer.isActive() and self._shown == self._latest
                    and self._pool.activeThreadCount() == 0):
                return True
            self._pool.waitForDone(20)
        return False

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), BACKGROUND)
        if self.frame is not None and self.frame_view is not None:
            fv, v = self.frame_view, self.view
            # where the old frame's corners fall in the current view
            x0, _, _, y1 = fv.extent
            sx, sy = v.to_screen(x0, y1)
            k = float(fv.scale / v.scale)
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, bool(k != 1.0))
            p.drawImage(QRectF(float(sx), float(sy), fv.width * k, fv.height * k), self.frame)
        self._paint_highlight(p)
        draw_scale_bar(p, self.view, scale_bar_anchor(self.view))
        draw_north_arrow(p, north_arrow_centre(self.view))
        if self.tool is not None:
            p.save()
            self.tool.paint(p, self.view)
            p.restore()
        p.end()

    def _paint_highlight(self, p: QPainter) -> None:
        """The identified feature, outlined at once over the last frame (no re-render)."""
        if self.highlight is None:
            return
        lid, fid = self.highlight
        try:
            layer = self.map.layer(lid)
            geom = layer.geometry(fid)
        except (KeyError, IndexError):
            return
        if not layer.visible:
            return
        from PySide6.QtGui import QPainterPath, QPen

        from layers.vector import polygon_from_xy

        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen = QPen(HIGHLIGHT_COLOUR, 3)
        pen.setCosmetic(True)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        x0, y0, x1, y1 = shapely.bounds(geom)
        if max(x1 - x0, y1 - y0) / self.view.scale < 6:  # too small to outline: a ring
            p.drawEllipse(self.view.point_to_screen((x0 + x1) / 2, (y0 + y1) / 2), 8, 8)
        else:
            path = QPainterPath()
            for part in shapely.get_parts(geom):
                for ring in [part.exterior, *part.interiors]:
                    path.addPolygon(polygon_from_xy(np.asarray(ring.coords)))
                    path.closeSubpath()
            p.setTransform(self.view.transform(), True)
            p.drawPath(path)
        p.restore()

    def update_overlay(self) -> None:
        self.update()

    def resizeEvent(self, event) -> None:
        if not self._fitted and self.map.extent() is not None:
            self.view = MapView.fit(self.map.extent(), self.width(), self.height())
            self._fitted = True
        else:
            self.view = self.view.resized(self.width(), self.height())
        self.view_changed.emit()
        self.refresh()

    # ---- navigation
    def set_view(self, view: MapView) -> None:
        self.view = view
        self.update()  # last frame moved/scaled at once
        self.view_changed.emit()
        self.refresh()

    def pixel_size(self) -> float:
        return self.view.scale

    def pan_pixels(self, dx: float, dy: float) -> None:
        self.set_view(self.view.panned(dx, dy))

    def zoom_by(self, factor: float, around: tuple[float, float] | None = None) -> None:
        self.set_view(self.view.zoomed(factor, around))

    def zoom_to(self, bbox, margin: float = 0.05) -> None:
        x0, y0, x1, y1 = bbox
        if x1 - x0 < 1e-6 and y1 - y0 < 1e-6:  # a point: keep a sensible scale
            x0, y0, x1, y1 = x0 - 50, y0 - 50, x1 + 50, y1 + 50
        self.set_view(MapView.fit((x0, y0, x1, y1), self.width(), self.height(), margin))

    def zoom_full(self) -> None:
        if self.map.extent():
            self.zoom_to(self.map.extent(), margin=0.03)

    def zoom_to_layer(self, layer_id: str) -> None:
        ext = self.map.layer(layer_id).extent()
        if ext:
            self.zoom_to(ext)

    def zoom_to_selection(self) -> bool:
        boxes = []
        for layer in self.map.vector_layers():
            for fid in layer.selection:
                boxes.append(shapely.bounds(layer.geometry(fid)))
        if not boxes:
            return False
        b = np.array(boxes)
        self.zoom_to((b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()), margin=0.25)
        return True

    # ---- identify and selection
    def identify_at(self, x: float, y: float) -> tuple[str, int] | None:
        tol = IDENTIFY_PX * self.view.scale
        for lid in IDENTIFY_ORDER:
            try:
                layer = self.map.layer(lid)
            except KeyError:
                continue
            if not layer.visible:
                continue
            hits = layer.features_at(x, y, tol)
            if hits:
                self.highlight = (lid, hits[0])
                self.update()
                name = getattr(layer, "layer", lid)  # the store's layer (history is parcels)
                self.identified.emit(name, hits[0])
                return name, hits[0]
        self.highlight = None
        self.update()
        self.identified.emit("", -1)
        return None

    def set_selection(self, layer_id: str, fids, *, emit: bool = True) -> None:
        layer = self.map.layer(layer_id)
        new = set(int(f) for f in fids)
        if new == layer.selection:
            return
        layer.selection = new
        self.refresh()
        if emit:
            self.selection_changed.emit(layer_id)

    def select_at(self, x: float, y: float, add: bool = False) -> None:
        layer = self.map.layer(self.active_layer)
        hits = layer.features_at(x, y, IDENTIFY_PX * self.view.scale)
        fids = set(layer.selection) if add else set()
        if hits:
            f = hits[0]
            if add and f in fids:
                fids.discard(f)
            else:
                fids.add(f)
        self.set_selection(self.active_layer, fids)

    def select_in(self, bbox, add: bool = False) -> None:
        layer = self.map.layer(self.active_layer)
        fids = set(layer.selection) if add else set()
        fids |= set(layer.features_in(bbox))
        self.set_selection(self.active_layer, fids)

    # ---- tools
    def set_tool(self, tool: MapTool) -> None:
        if self.tool is not None:
            self.tool.deactivate()
        self.tool = tool
        tool.activate(self)
        self.setCursor(tool.cursor)
        self.update()

    def _event(self, kind: str, e, button=None, key=None, delta=0.0) -> MapEvent:
        pos = e.position() if hasattr(e, "position") else QPointF(self.mapFromGlobal(self.cursor().pos()))
        x, y = self.view.to_map(pos.x(), pos.y())
        mods = set()
        m = e.modifiers()
        if m & Qt.KeyboardModifier.ShiftModifier:
            mods.add("shift")
        if m & Qt.KeyboardModifier.ControlModifier:
            mods.add("ctrl")
        if m & Qt.KeyboardModifier.AltModifier:
            mods.add("alt")
        return MapEvent(kind, float(x), float(y), pos.x(), pos.y(), button, frozenset(mods), key, delta)

    @staticmethod
    def _button(b) -> str | None:
        return {Qt.MouseButton.LeftButton: "left", Qt.MouseButton.RightButton: "right",
                Qt.MouseButton.MiddleButton: "middle"}.get(b)

    def dispatch(self, ev: MapEvent) -> bool:
        """Give an event to the active tool (tests call this directly)."""
        return bool(self.tool and self.tool.event(ev))

    def mousePressEvent(self, e) -> None:
        if e.button() == Qt.MouseButton.MiddleButton:  # middle drag pans with any tool
            self._previous_tool, pan = self.tool, PanTool()
            self.set_tool(pan)
            self.dispatch(self._event("press", e, "left"))
            return
        self.dispatch(self._event("press", e, self._button(e.button())))

    def mouseMoveEvent(self, e) -> None:
        ev = self._event("move", e, self._button(e.buttons() & Qt.MouseButton.LeftButton and
                                                   Qt.MouseButton.LeftButton or Qt.MouseButton.NoButton))
        self.cursor_moved.emit(ev.x, ev.y)
        self.dispatch(ev)

    def mouseReleaseEvent(self, e) -> None:
        if e.button() == Qt.MouseButton.MiddleButton and self._previous_tool is not None:
            self.dispatch(self._event("release", e, "left"))
            self.set_tool(self._previous_tool)
            self._previous_tool = None
            return
        self.dispatch(self._event("release", e, self._button(e.button())))

    def mouseDoubleClickEvent(self, e) -> None:
        self.dispatch(self._event("double", e, self._button(e.button())))

    def wheelEvent(self, e) -> None:
        steps = e.angleDelta().y() / 120.0
        if not steps:
            return
        pos = e.position()
        ev = MapEvent("wheel", *map(float, self.view.to_map(pos.x(), pos.y())), pos.x(), pos.y(),
                      delta=steps)
        if not self.dispatch(ev):
            self.zoom_by(1.25 ** steps, (pos.x(), pos.y()))

    def keyPressEvent(self, e) -> None:
        k = e.key()
        step_x, step_y = self.width() / 4, self.height() / 4
        moves = {Qt.Key.Key_Left: (step_x, 0), Qt.Key.Key_Right: (-step_x, 0),
                 Qt.Key.Key_Up: (0, step_y), Qt.Key.Key_Down: (0, -step_y)}
        names = {Qt.Key.Key_Escape: "Escape", Qt.Key.Key_Return: "Return", Qt.Key.Key_Enter: "Return",
                 Qt.Key.Key_Backspace: "Backspace", Qt.Key.Key_Delete: "Delete"}
        if k in names and self.dispatch(self._event("key", e, key=names[k])):
            return
        if k in moves:
            self.pan_pixels(*moves[k])
        elif k in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1.5)
        elif k == Qt.Key.Key_Minus:
            self.zoom_by(1 / 1.5)
        else:
            super().keyPressEvent(e)

    def leaveEvent(self, _e) -> None:
        self.update()

    def background(self) -> QColor:
        return BACKGROUND
