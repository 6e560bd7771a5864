"""Measure tool: click points for a distance (a polyline) or an area (a polygon) on the map,
snapping to vertices and edges as the editing tools do. The running value follows the
cursor; a double click, Enter or a right click ends the measurement (it stays drawn until
the next click), Backspace drops the last point, Escape clears. Areas in ㎡ and 亩."""

from __future__ import annotations

import math
from typing import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPen, QPolygonF

from landapp.units import to_mu
from ui.i18n import tr
from ui.tools.base import MapEvent, MapTool

MEASURE_COLOUR = QColor(156, 39, 176)  # purple: apart from sketches (red) and selection (cyan)


def path_length(points: list[tuple[float, float]]) -> float:
    return sum(math.hypot(x1 - x0, y1 - y0) for (x0, y0), (x1, y1) in zip(points, points[1:]))


def polygon_area(points: list[tuple[float, float]]) -> float:
    """Shoelace area of the closed ring (absolute, in map units²)."""
    if len(points) < 3:
        return 0.0
    s = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        s += x0 * y1 - x1 * y0
    return abs(s) / 2


def format_length(m: float) -> str:
    return f"{m / 1000:,.3f} km" if m >= 10000 else f"{m:,.2f} m"


def format_area(m2: float) -> str:
    return tr(f"{m2:,.1f} ㎡ = {to_mu(m2):,.2f} 亩", f"{m2:,.1f} m² = {to_mu(m2):,.2f} mu")


class MeasureTool(MapTool):
    """mode 'distance' or 'area'. `on_result(text)` hears the value as it changes."""

    cursor = Qt.CursorShape.CrossCursor

    def __init__(self, snapping, mode: str = "distance", on_result: Callable[[str], None] | None = None):
        super().__init__()
        if mode not in ("distance", "area"):
            raise ValueError(mode)
        self.name = f"measure_{mode}"
        self.mode = mode
        self.snapping = snapping
        self.on_result = on_result
        self.points: list[tuple[float, float]] = []
        self.hover: tuple[float, float] | None = None
        self.finished = False
        self._after_double = False

    # ---- values
    def _live(self) -> list[tuple[float, float]]:
        pts = list(self.points)
        if self.hover is not None and not self.finished and pts:
            pts.append(self.hover)
        return pts

    @property
    def length_m(self) -> float:
        """The polyline's length (distance mode) or the ring's perimeter (area mode)."""
        pts = self._live()
        if self.mode == "area" and len(pts) >= 3:
            return path_length(pts + pts[:1])
        return path_length(pts)

    @property
    def area_m2(self) -> float:
        return polygon_area(self._live()) if self.mode == "area" else 0.0

    @property
    def area_mu(self) -> float:
        return to_mu(self.area_m2)

    def text(self) -> str:
        if self.mode == "distance":
            pts = self._live()
            seg = path_length(pts[-2:]) if len(pts) >= 2 else 0.0
            return tr(f"距离 {format_length(self.length_m)}(末段 {format_length(seg)})",
                      f"Distance {format_length(self.length_m)} (last segment {format_length(seg)})")
        return tr(f"面积 {format_area(self.area_m2)},周长 {format_length(self.length_m)}",
                  f"Area {format_area(self.area_m2)}, perimeter {format_length(self.length_m)}")

    def _report(self) -> None:
        if self.on_result is not None and self.points:
            self.on_result(self.text())
        if self.canvas is not None:
            self.canvas.update_overlay()

    # ---- events
    def _snapped(self, ev: MapEvent) -> tuple[float, float]:
        if self.snapping is None or self.canvas is None:
            return (ev.x, ev.y)
        s = self.snapping.snap(ev.x, ev.y, self.canvas.view.scale)
        return (s.x, s.y) if s else (ev.x, ev.y)

    def add_point(self, x: float, y: float) -> None:
        if self.finished:
            self.reset()
        self.points.append((float(x), float(y)))
        self._report()

    def reset(self) -> None:
        self.points.clear()
        self.finished = False
        self.hover = None
        if self.canvas is not None:
            self.canvas.update_overlay()

    def finish(self) -> None:
        if self.points:
            self.finished = True
            self.hover = None
            self._report()

    def event(self, ev: MapEvent) -> bool:
        if ev.kind == "move":
            self.hover = self._snapped(ev)
            if self.points and not self.finished:
                self._report()
            return False  # the canvas still reports the cursor position
        if ev.kind == "press":
            self._after_double = False
            return ev.button in ("left", "right")
        if ev.kind == "release" and ev.button == "left":
            if self._after_double:  # the release that ends a finishing double click
                self._after_double = False
                return True
            self.add_point(*self._snapped(ev))
            return True
        if ev.kind == "double":
            self._after_double = True  # its first click already added the point
            self.finish()
            return True
        if ev.kind == "release" and ev.button == "right":
            self.finish()
            return True
        if ev.kind == "key":
            if ev.key == "Escape":
                self.reset()
            elif ev.key == "Backspace" and self.points and not self.finished:
                self.points.pop()
                self._report()
            elif ev.key == "Return":
                self.finish()
            else:
                return False
            return True
        return False

    def deactivate(self) -> None:
        self.reset()
        super().deactivate()

    # ---- drawing
    def paint(self, painter, view) -> None:
        pts = self._live()
        if not pts:
            return
        screen = [view.point_to_screen(x, y) for x, y in pts]
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        pen = QPen(MEASURE_COLOUR, 2)
        painter.setPen(pen)
        if self.mode == "area" and len(screen) >= 3:
            fill = QColor(MEASURE_COLOUR)
            fill.setAlpha(50)
            painter.setBrush(fill)
            painter.drawPolygon(QPolygonF(screen))
        else:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(QPolygonF(screen))
        painter.setBrush(QColor("white"))
        for p in screen[:len(self.points)]:
            painter.drawEllipse(p, 3.5, 3.5)
        text = self.text()
        fm = QFontMetricsF(painter.font())
        w, h = fm.horizontalAdvance(text) + 10, fm.height() + 6
        anchor = screen[-1]
        r = QRectF(anchor.x() + 12, anchor.y() - h - 4, w, h)
        if r.right() > view.width:
            r.moveRight(anchor.x() - 12)
        if r.top() < 0:
            r.moveTop(anchor.y() + 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 230))
        painter.drawRoundedRect(r, 3, 3)
        painter.setPen(QColor(60, 20, 70))
        painter.drawText(r.adjusted(5, 0, -5, 0), int(Qt.AlignmentFlag.AlignVCenter), text)
