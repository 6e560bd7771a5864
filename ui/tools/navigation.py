"""Pan, zoom box, identify and select: the canvas's own tools."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPen

from ui.tools.base import MapEvent, MapTool

CLICK_PX = 4  # a press and release closer than this is a click, not a drag


class _DragTool(MapTool):
    """Press, drag a box, release: `clicked(ev)` for a click, `boxed(rect, ev)` for a box."""

    def __init__(self) -> None:
        super().__init__()
        self.start: MapEvent | None = None
        self.current: MapEvent | None = None

    def _rect(self) -> QRectF | None:
        if self.start is None or self.current is None:
            return None
        return QRectF(self.start.sx, self.start.sy, self.current.sx - self.start.sx,
                      self.current.sy - self.start.sy).normalized()

    def _is_click(self, ev: MapEvent) -> bool:
        return (self.start is not None and abs(ev.sx - self.start.sx) < CLICK_PX
                and abs(ev.sy - self.start.sy) < CLICK_PX)

    def event(self, ev: MapEvent) -> bool:
        if ev.kind == "press" and ev.button == "left":
            self.start = self.current = ev
            return True
        if ev.kind == "move" and self.start is not None:
            self.current = ev
            self.canvas.update_overlay()
            return True
        if ev.kind == "release" and self.start is not None:
            if self._is_click(ev):
                self.clicked(ev)
            else:
                self.boxed(self._rect(), ev)
            self.start = self.current = None
            self.canvas.update_overlay()
            return True
        return False

    def clicked(self, ev: MapEvent) -> None:
        """A press and release on the same spot."""

    def boxed(self, rect: QRectF, ev: MapEvent) -> None:
        """A rectangle dragged on the screen."""

    def paint(self, painter, view) -> None:
        r = self._rect()
        if r is None or r.width() < CLICK_PX:
            return
        painter.setPen(QPen(QColor(0, 120, 215), 1, Qt.PenStyle.DashLine))
        painter.setBrush(QColor(0, 120, 215, 40))
        painter.drawRect(r)


class PanTool(MapTool):
    """Drag to move the map; the canvas shows the last frame moved at once."""

    name = "pan"
    cursor = Qt.CursorShape.OpenHandCursor

    def __init__(self) -> None:
        super().__init__()
        self.last: MapEvent | None = None

    def event(self, ev: MapEvent) -> bool:
        if ev.kind == "press" and ev.button == "left":
            self.last = ev
            return True
        if ev.kind == "move" and self.last is not None:
            self.canvas.pan_pixels(ev.sx - self.last.sx, ev.sy - self.last.sy)
            self.last = ev
            return True
        if ev.kind == "release" and self.last is not None:
            self.last = None
            self.canvas.refresh()
            return True
        return False


class ZoomBoxTool(_DragTool):
    """Drag a box to zoom into it; a click zooms in 2× around the point (shift: out)."""

    name = "zoom_box"
    cursor = Qt.CursorShape.CrossCursor

    def clicked(self, ev: MapEvent) -> None:
        self.canvas.zoom_by(0.5 if "shift" in ev.modifiers else 2.0, (ev.sx, ev.sy))

    def boxed(self, rect: QRectF, ev: MapEvent) -> None:
        self.canvas.zoom_to(self.canvas.view.rect_to_map(rect), margin=0.0)


class IdentifyTool(MapTool):
    """Click a feature to show its attributes in the info panel."""

    name = "identify"
    cursor = Qt.CursorShape.WhatsThisCursor

    def event(self, ev: MapEvent) -> bool:
        if ev.kind == "release" and ev.button == "left":
            self.canvas.identify_at(ev.x, ev.y)
            return True
        return ev.kind == "press" and ev.button == "left"


class SelectTool(_DragTool):
    """Click to select one feature, drag a rectangle to select many; ctrl/shift adds."""

    name = "select"
    cursor = Qt.CursorShape.ArrowCursor

    def clicked(self, ev: MapEvent) -> None:
        self.canvas.select_at(ev.x, ev.y, add=bool({"ctrl", "shift"} & ev.modifiers))

    def boxed(self, rect: QRectF, ev: MapEvent) -> None:
        self.canvas.select_in(self.canvas.view.rect_to_map(rect), add=bool({"ctrl", "shift"} & ev.modifiers))
