"""Editing tools on the map canvas: add a feature by clicking vertices (snapping, typed
coordinates), the vertex tool (move / add / delete; shared vertices move in every
neighbour), reshape, split by a line, move; each works on the active layer (parcels,
buildings; zones except split). Each finished action becomes one undoable edit
run through the window's EditSession."""

from __future__ import annotations

import abc

import numpy as np
import shapely
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPen, QPolygonF
from shapely.geometry import LineString, Polygon

from landapp import editing as ed
from landapp.errors import LandappError
from landapp.snapping import Snap, Snapper
from ui.i18n import tr
from ui.tools.base import MapEvent, MapTool

SKETCH = QColor(230, 60, 20)


class Snapping:
    """Snap settings shared by the tools: on/off and the tolerance in screen pixels."""

    def __init__(self, park_map, tolerance_px: float = 10.0):
        self.map = park_map
        self.tolerance_px = tolerance_px
        self.snapper = Snapper()
        self._versions: dict[str, int] = {}

    @property
    def enabled(self) -> bool:
        return self.snapper.enabled

    @enabled.setter
    def enabled(self, on: bool) -> None:
        self.snapper.enabled = on

    def _sync(self) -> None:
        """Use the map layers' current geometries and spatial indexes (no copy)."""
        for name in ("parcels", "zones", "buildings"):
            try:
                layer = self.map.layer(name)
            except KeyError:
                continue
            d = layer.data
            if d is not None and self._versions.get(name) != id(d):
                # the layer's own index (an edited snapshot's two trees, dead rows skipped):
                # no copy and no re-indexing, so the first snap after an edit on a
                # million parcels is as quick as any other
                self.snapper.set_source(name, d.geoms, query=d.query)
                self._versions[name] = id(d)

    def snap(self, x: float, y: float, scale: float, exclude_point=None) -> Snap | None:
        self._sync()
        s = self.snapper.snap(x, y, self.tolerance_px * scale)
        if s is not None and exclude_point is not None and np.hypot(s.x - exclude_point[0], s.y - exclude_point[1]) < 1e-6:
            return None
        return s


class _SketchTool(MapTool, abc.ABC):
    """Collects clicked (snapped) points; Backspace drops the last, Escape cancels,
    Enter or a double click finishes."""

    min_points = 2
    cursor = Qt.CursorShape.CrossCursor

    def __init__(self, session, snapping: Snapping):
        super().__init__()
        self.session = session
        self.snapping = snapping
        self.points: list[tuple[float, float]] = []
        self.hover: tuple[float, float] | None = None
        self.hover_snap: Snap | None = None
        self._after_double = False

    def _snapped(self, ev: MapEvent) -> tuple[float, float]:
        s = self.snapping.snap(ev.x, ev.y, self.canvas.view.scale)
        self.hover_snap = s
        return (s.x, s.y) if s else (ev.x, ev.y)

    def add_point(self, x: float, y: float) -> None:
        """Add a vertex at exact coordinates (typed X/Y in the project CRS)."""
        self.points.append((float(x), float(y)))
        if self.canvas is not None:
            self.canvas.update_overlay()

    def event(self, ev: MapEvent) -> bool:
        if ev.kind == "move":
            self.hover = self._snapped(ev)
            self.canvas.update_overlay()
            return False  # let the canvas report the cursor position
        if ev.kind == "press":
            self._after_double = False
        if ev.kind == "release" and ev.button == "left":
            if self._after_double:
                # Qt sends press, release, press, double-click, release: this release ends
                # the double click that finished the sketch and must not start a new one
                self._after_double = False
                return True
            self.add_point(*self._snapped(ev))
            return True
        if ev.kind == "double":
            self._after_double = True
            self.finish()
            return True
        if ev.kind == "release" and ev.button == "right":
            self.finish()
            return True
        if ev.kind == "key":
            if ev.key == "Escape":
                self.reset()
            elif ev.key == "Backspace" and self.points:
                self.points.pop()
            elif ev.key == "Return":
                self.finish()
            else:
                return False
            self.canvas.update_overlay()
            return True
        return ev.kind == "press"

    def reset(self) -> None:
        self.points.clear()
        if self.canvas is not None:
            self.canvas.update_overlay()

    def finish(self) -> None:
        pts = _dedupe(self.points)
        if len(pts) < self.min_points:
            return
        try:
            self.complete(pts)
        finally:
            self.reset()

    @abc.abstractmethod
    def complete(self, pts: list[tuple[float, float]]) -> None:
        """Act on the finished sketch (points in map coordinates)."""

    closed = False

    def paint(self, painter, view) -> None:
        pts = list(self.points) + ([self.hover] if self.hover and self.points else [])
        if pts:
            poly = QPolygonF([view.point_to_screen(x, y) for x, y in pts])
            painter.setRenderHint(painter.RenderHint.Antialiasing, True)
            painter.setPen(QPen(SKETCH, 2))
            if self.closed and len(pts) >= 3:
                fill = QColor(SKETCH)
                fill.setAlpha(50)
                painter.setBrush(fill)
                painter.drawPolygon(poly)
            else:
                painter.drawPolyline(poly)
            painter.setBrush(QColor("white"))
            for p in poly:
                painter.drawEllipse(p, 3.5, 3.5)
        if self.hover_snap is not None:
            p = view.point_to_screen(self.hover_snap.x, self.hover_snap.y)
            painter.setPen(QPen(QColor(255, 0, 255), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            if self.hover_snap.kind == "vertex":
                painter.drawRect(p.x() - 6, p.y() - 6, 12, 12)
            else:
                painter.drawLine(QPointF(p.x() - 6, p.y() - 6), QPointF(p.x() + 6, p.y() + 6))
                painter.drawLine(QPointF(p.x() - 6, p.y() + 6), QPointF(p.x() + 6, p.y() - 6))


def _dedupe(pts):
    out = []
    for p in pts:
        if not out or np.hypot(p[0] - out[-1][0], p[1] - out[-1][1]) > 1e-6:
            out.append(p)
    return out


class AddFeatureTool(_SketchTool):
    """Click the vertices of a new parcel or building; finishing asks for its attributes
    (`ask_attributes(layer, geometry) -> dict | None`) and adds it as one undoable edit."""

    name = "add_feature"
    min_points = 3
    closed = True

    def __init__(self, session, snapping, layer: str = "parcels", ask_attributes=None):
        super().__init__(session, snapping)
        self.layer = layer
        self.ask_attributes = ask_attributes or (lambda layer, geom: {})

    def complete(self, pts) -> None:
        geom = Polygon(pts)
        if not geom.is_valid:
            self.session.on_error(tr("所画多边形自相交,请重画。", "The polygon crosses itself; draw it again."))
            return
        attrs = self.ask_attributes(self.layer, geom)
        if attrs is None:  # cancelled in the form
            return
        edit = ed.AddFeature(self.layer, {**attrs, "geometry": geom}, avoid_overlaps=self.session.avoid_overlaps)
        if self.session.run(edit) and self.canvas is not None:
            # the new feature is the selection: outlined on top (seen even where it overlaps
            # parcels painted after it) and ready for its attributes, a move or a merge
            self.canvas.set_selection(self.layer, [edit.fid])


class _ActiveLayerSketchTool(_SketchTool):
    """A sketch tool that edits its own layer if given, else the canvas's active layer."""

    def __init__(self, session, snapping, layer: str | None = None):
        super().__init__(session, snapping)
        self.fixed_layer = layer

    @property
    def layer(self) -> str:
        return _active(self)


class SplitTool(_ActiveLayerSketchTool):
    """Draw a line across parcels or buildings (the active layer): the selected one (or
    every one it cuts) is split."""

    name = "split"

    def complete(self, pts) -> None:
        if self.layer not in ed.SPLITTABLE:
            self.session.on_error(tr("分割只适用于地块和建筑图层,请先在图层面板中选择其一。",
                                     "Split works on parcels and buildings; make one of them the active layer first."))
            return
        line = LineString(pts)
        layer = self.canvas.map.layer(self.layer)
        targets = sorted(layer.selection) or [
            f for f in layer.features_in(line.bounds)
            if len(ed.split_pieces(layer.geometry(f), line)) > 1]
        if not targets:
            self.session.on_error(tr("分割线没有完整穿过任何地块。", "The line does not cross any parcel completely.")
                                  if self.layer == "parcels" else
                                  tr("分割线没有完整穿过任何建筑。", "The line does not cross any building completely."))
            return
        edits = [ed.SplitFeature(self.layer, f, line) for f in targets]
        many = tr("拆分地块", "Split parcels") if self.layer == "parcels" else tr("拆分建筑", "Split buildings")
        self.session.run(edits[0] if len(edits) == 1 else _Composite(edits, many))


class ReshapeTool(_ActiveLayerSketchTool):
    """Draw a line from the boundary across or out and back: the parcel takes its shape."""

    name = "reshape"

    def complete(self, pts) -> None:
        line = LineString(pts)
        layer = self.canvas.map.layer(self.layer)
        fids = sorted(layer.selection) or [f for f in layer.features_in(line.bounds)
                                           if layer.geometry(f).intersects(line)][:1]
        if len(fids) != 1:
            self.session.on_error(tr("请先选中一个要重塑的要素。", "Select the one feature to reshape first."))
            return
        seen = layer.geometry(fids[0])
        try:
            geom = ed.reshape(seen, line)
        except LandappError as e:
            self.session.on_error(str(e))
            return
        # made from the shape the map shows: if someone reshaped it meanwhile, the conflict
        # view shows both shapes (no lost update, issue 16)
        from ui.conflict_dialog import apply_checked

        apply_checked(self.session, self.layer, fids[0], {"geometry": seen}, {"geometry": geom},
                      self.canvas.window())


class VertexTool(MapTool):
    """Drag a vertex to move it (in every feature sharing it); double-click an edge to add
    a vertex; Delete (or right-click) on a vertex removes it."""

    name = "vertex"
    cursor = Qt.CursorShape.PointingHandCursor
    pick_px = 8.0

    def __init__(self, session, snapping: Snapping, layer: str | None = None):
        super().__init__()
        self.session = session
        self.snapping = snapping
        self.fixed_layer = layer
        self.dragging: tuple[float, float] | None = None
        self.target: tuple[float, float] | None = None
        self.hover: tuple[float, float] | None = None
        self.anchors: list[tuple[float, float]] = []  # the dragged vertex's neighbours, in every feature

    @property
    def layer(self) -> str:
        return _active(self)

    def _anchors(self, xy: tuple[float, float]) -> list[tuple[float, float]]:
        """The vertices before and after xy in each ring of each feature that shares it:
        the rubber band shows every edge the drag will change, in all neighbours."""
        tol = ed.VERTEX_TOLERANCE
        layer = self.canvas.map.layer(self.layer)
        out = []
        for fid in layer.features_in((xy[0] - tol, xy[1] - tol, xy[0] + tol, xy[1] + tol)):
            for part in shapely.get_parts(layer.geometry(fid)):
                for ring in (part.exterior, *part.interiors):
                    c = np.asarray(ring.coords)[:-1]
                    for k in np.flatnonzero(np.hypot(c[:, 0] - xy[0], c[:, 1] - xy[1]) <= tol):
                        out += [tuple(c[k - 1]), tuple(c[(k + 1) % len(c)])]
        return out

    def _vertex_near(self, x: float, y: float):
        tol = self.pick_px * self.canvas.view.scale
        layer = self.canvas.map.layer(self.layer)
        best = None
        for fid in layer.features_in((x - tol, y - tol, x + tol, y + tol)):
            c = shapely.get_coordinates(layer.geometry(fid))
            d = np.hypot(c[:, 0] - x, c[:, 1] - y)
            k = int(np.argmin(d))
            if d[k] <= tol and (best is None or d[k] < best[2]):
                best = (fid, (float(c[k, 0]), float(c[k, 1])), float(d[k]))
        return best

    def event(self, ev: MapEvent) -> bool:
        if ev.kind == "press" and ev.button == "left":
            hit = self._vertex_near(ev.x, ev.y)
            if hit:
                self.dragging = hit[1]
                self.target = hit[1]
                self.anchors = self._anchors(hit[1])
                return True
            return False
        if ev.kind == "move":
            if self.dragging is not None:
                s = self.snapping.snap(ev.x, ev.y, self.canvas.view.scale, exclude_point=self.dragging)
                self.target = (s.x, s.y) if s else (ev.x, ev.y)
            else:
                hit = self._vertex_near(ev.x, ev.y)
                self.hover = hit[1] if hit else None
            self.canvas.update_overlay()
            return False
        if ev.kind == "release" and ev.button == "left" and self.dragging is not None:
            old, new = self.dragging, self.target
            self.dragging = self.target = self.hover = None
            self.anchors = []
            if new is not None and np.hypot(new[0] - old[0], new[1] - old[1]) > 1e-6:
                try:
                    self.session.run(ed.MoveVertex(self.session.store, self.layer, old, new,
                                                   avoid_overlaps=self.session.avoid_overlaps))
                except LandappError as e:
                    self.session.on_error(str(e))
            self.canvas.update_overlay()
            return True
        if ev.kind == "double" and ev.button == "left":
            if self._vertex_near(ev.x, ev.y):  # on a vertex already: nothing to add
                return True
            layer = self.canvas.map.layer(self.layer)
            hits = layer.features_at(ev.x, ev.y, self.pick_px * self.canvas.view.scale)
            if hits:  # the vertex goes into every neighbour sharing that edge too
                try:
                    self.session.run(ed.AddVertex(self.session.store, self.layer, hits[0], (ev.x, ev.y)))
                except LandappError as e:
                    self.session.on_error(str(e))
            return True
        if (ev.kind == "key" and ev.key == "Delete") or (ev.kind == "release" and ev.button == "right"):
            hit = self._vertex_near(ev.x, ev.y) if ev.kind != "key" or self.hover is None else \
                self._vertex_near(*self.hover)
            if hit:  # a shared vertex goes from every feature that has it
                try:
                    self.session.run(ed.RemoveVertex(self.session.store, self.layer, hit[1]))
                except LandappError as e:
                    self.session.on_error(str(e))
                self.hover = None
                self.canvas.update_overlay()
            return True
        return False

    def paint(self, painter, view) -> None:
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        if self.dragging is not None and self.target is not None:
            a, b = view.point_to_screen(*self.dragging), view.point_to_screen(*self.target)
            painter.setPen(QPen(SKETCH, 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(a, b)
            painter.setPen(QPen(SKETCH, 2))
            for xy in self.anchors:  # the edges as they will be, in every feature sharing it
                painter.drawLine(view.point_to_screen(*xy), b)
            painter.setBrush(SKETCH)
            painter.drawEllipse(b, 5, 5)
        elif self.hover is not None:
            painter.setPen(QPen(SKETCH, 2))
            painter.setBrush(QColor("white"))
            painter.drawEllipse(view.point_to_screen(*self.hover), 5, 5)


class MoveTool(MapTool):
    """Drag the selected features of the active layer."""

    name = "move"
    cursor = Qt.CursorShape.SizeAllCursor

    def __init__(self, session, layer: str | None = None):
        super().__init__()
        self.session = session
        self.fixed_layer = layer
        self.start: MapEvent | None = None
        self.current: MapEvent | None = None

    @property
    def layer(self) -> str:
        return _active(self)

    def event(self, ev: MapEvent) -> bool:
        layer = self.canvas.map.layer(self.layer)
        if ev.kind == "press" and ev.button == "left" and layer.selection:
            self.start = self.current = ev
            return True
        if ev.kind == "move" and self.start is not None:
            self.current = ev
            self.canvas.update_overlay()
            return True
        if ev.kind == "release" and self.start is not None:
            dx, dy = ev.x - self.start.x, ev.y - self.start.y
            self.start = self.current = None
            if abs(dx) + abs(dy) > 0:
                self.session.run(ed.MoveFeatures(self.session.store, self.layer, sorted(layer.selection), dx, dy,
                                                 avoid_overlaps=self.session.avoid_overlaps))
            self.canvas.update_overlay()
            return True
        return False

    def paint(self, painter, view) -> None:
        if self.start is None or self.current is None:
            return
        layer = self.canvas.map.layer(self.layer)
        dx, dy = self.current.sx - self.start.sx, self.current.sy - self.start.sy
        painter.setPen(QPen(SKETCH, 1.5, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for fid in list(layer.selection)[:200]:
            for part in shapely.get_parts(layer.geometry(fid)):
                xs, ys = view.to_screen(*np.asarray(part.exterior.coords).T)
                painter.drawPolygon(QPolygonF([QPointF(x + dx, y + dy) for x, y in zip(xs, ys)]))


EDITABLE = ("parcels", "buildings", "zones")


def _active(tool) -> str:
    """The layer a tool edits: its own if fixed, else the canvas's active layer."""
    if tool.fixed_layer:
        return tool.fixed_layer
    a = getattr(tool.canvas, "active_layer", "parcels")
    return a if a in EDITABLE else "parcels"


class _Composite(ed.Edit):
    def __init__(self, edits, text: str):
        self.edits = edits
        self._text = text

    @property
    def text(self) -> str:
        return self._text

    def apply(self, store):
        with store.transaction():
            for e in self.edits:
                e.apply(store)

    def revert(self, store):
        with store.transaction():
            for e in reversed(self.edits):
                e.revert(store)

