"""Vector layers over the project store (zones, roads, parcels, buildings), painted with
QPainter. Speed (design.md, pitfalls): features are culled by a scan of their bounds
(layers/snapshot.py: WKB kept as bytes, rings read with numpy); features
smaller than ~1.5 px are drawn as points in one call per class; the others as QPolygonF
built once per feature (bulk numpy copy through shiboken6.VoidPtr) and drawn through the
view's transform; antialiasing only when few features are visible. The layer keeps a
read-only snapshot that a background render can use while the GUI thread loads a new one."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (QBrush, QColor, QFont, QFontMetricsF, QGlyphRun, QImage, QPainter, QPainterPath,
                           QPen, QPixmap, QPolygonF, QTextLayout, QTransform)

from landapp.schema import spec
from layers import fonts
from layers.base import Cancel, LabelGrid, LegendEntry, MapLayer
from layers.snapshot import Snapshot
from layers.themes import THEMES, Theme
from layers.view import MapView
from landapp.store.base import attrs_frame
from landapp.store.filters import F

if TYPE_CHECKING:  # pandas is imported where a DataFrame is made (edits), not for the first frame
    import pandas as pd

POINT_PX = 1.5  # features smaller than this on screen are drawn as points
# When more than RASTER_POINTS features are smaller than SPLAT_PX on screen, they are
# splatted into an image with numpy as blocks of their size (a 3-px parcel shows no shape
# anyway): 100k parcels at full extent in ~25 ms instead of ~450 ms for their first frame.
SPLAT_PX = 4.0
RASTER_POINTS = 20_000
AA_LIMIT = 20_000  # antialias when at most this many polygons are drawn
LABEL_ALL_AT_ONCE = 20_000  # features: a layer this small has all its labels made at once
LABEL_LIMIT = 4_000
# Latin first: Qt writes the Noto CJK digits into PDFs without a usable text mapping (a
# parcel code copied from a sheet lost its digits), DejaVu's come out right. Chinese falls
# back to the SC family, named explicitly so Qt does not pick Japanese glyph shapes.
CJK_FAMILIES = ["DejaVu Sans", *fonts.CJK_FAMILIES]  # layers/fonts.py: the PDF text layer
SELECTION_COLOUR = QColor(0, 200, 255)


_FONTS: dict[tuple[float, bool], QFont] = {}


def label_font(point_size: float = 9.0, bold: bool = False) -> QFont:
    """Map text sized in pixels of a 96-dpi screen (point_size × 96/72), so the same picture
    comes out on screen, in a PNG and on a PDF page painted in 96-dpi units. A copy of a
    font made once per size (parcel sheets ask tens of thousands of times)."""
    f = _FONTS.get((point_size, bold))
    if f is None:
        f = QFont()
        f.setFamilies(CJK_FAMILIES)
        f.setPixelSize(max(1, round(point_size * 96 / 72)))
        f.setBold(bold)
        _FONTS[(point_size, bold)] = f
    return QFont(f)


def polygon_from_xy(xy: np.ndarray) -> QPolygonF:
    """numpy (n, 2) float64 -> QPolygonF without a Python loop over points."""
    n = len(xy)
    poly = QPolygonF()
    poly.resize(n)
    if n:
        buf = shiboken6.VoidPtr(poly.data(), n * 16, True)
        np.frombuffer(buf, dtype=np.float64).reshape(n, 2)[:] = xy
    return poly


def point_image(sx: np.ndarray, sy: np.ndarray, cls: np.ndarray, colours: list[QColor],
                width: int, height: int, block: np.ndarray | None = None) -> QImage:
    """Features as dots of colour colours[cls] centred on (sx, sy), splatted into a
    transparent width × height image with numpy. `block` (n, 2) is each dot's width and
    height in whole pixels (1–SPLAT_PX; default 2 × 2, what drawPoints with a 1.5 px pen
    paints)."""
    w, h = max(int(width), 1), max(int(height), 1)
    pad = int(SPLAT_PX) + 1
    lut = np.array([c.rgba() for c in colours], dtype=np.uint32)  # ARGB32, unpremultiplied
    buf = np.zeros((h + 2 * pad, w + 2 * pad), dtype=np.uint32)
    if block is None:
        code = np.full(len(sx), 2 * pad + 2, dtype=np.int64)
    else:
        code = block[:, 0].astype(np.int64) * pad + block[:, 1].astype(np.int64)
    present = np.flatnonzero(np.bincount(code))
    for c in present.tolist():
        kx, ky = divmod(c, pad)
        m = slice(None) if len(present) == 1 else code == c
        ix = np.floor(sx[m] - kx / 2 + 0.5).astype(np.int64)
        iy = np.floor(sy[m] - ky / 2 + 0.5).astype(np.int64)
        keep = (ix > -kx) & (ix < w) & (iy > -ky) & (iy < h)
        ix, iy, px = ix[keep] + pad, iy[keep] + pad, lut[cls[m][keep]]
        for dy in range(ky):
            for dx in range(kx):
                buf[iy + dy, ix + dx] = px
    img = QImage(buf[pad:pad + h, pad:pad + w].copy().data, w, h, w * 4, QImage.Format.Format_ARGB32)
    return img.copy()  # own the pixels before the numpy buffer goes


@dataclass
class _Snapshot(Snapshot):
    """The layer's data (layers/snapshot.py) with what painting needs from Qt."""

    def shape(self, i: int):
        s = self.shapes[i]
        if s is None:
            if self.simple[i]:
                s = polygon_from_xy(self.ring(i))
            else:
                s = QPainterPath()
                s.setFillRule(Qt.FillRule.OddEvenFill)
                for part in shapely.get_parts(self.geoms[i]):
                    for ring in [part.exterior, *part.interiors]:
                        s.addPolygon(polygon_from_xy(np.asarray(ring.coords)))
                        s.closeSubpath()
            self.shapes[i] = s
        return s

    def all_bounds(self) -> tuple:
        """Bounds of the live features (of all when none lives), computed once."""
        if self.bounds is None:
            b = self.bbox if self.alive.all() else self.bbox[self.alive] if self.alive.any() else self.bbox
            self.bounds = (float(np.nanmin(b[:, 0])), float(np.nanmin(b[:, 1])),
                           float(np.nanmax(b[:, 2])), float(np.nanmax(b[:, 3]))) if len(b) else (0, 0, 0, 0)
        return self.bounds

    def visible(self, view: MapView) -> np.ndarray:
        if not len(self.fids):
            return np.empty(0, dtype=np.int64)
        x0, y0, x1, y1 = view.extent
        bx0, by0, bx1, by1 = self.all_bounds()
        if x0 <= bx0 and y0 <= by0 and x1 >= bx1 and y1 >= by1:  # all in view: no scan
            return np.flatnonzero(self.alive)
        return self.in_box(x0, y0, x1, y1)


class VectorLayer(MapLayer):
    """One spatial layer of the store with a thematic style and labels."""

    kind = "vector"
    fill_alpha = 255
    selection_alpha = 70  # fill of selected features (raised where the selection is the point)
    label_opacity: float | None = None  # None: labels fade with the layer
    label_exclude: frozenset = frozenset()  # fids labelled elsewhere (the parcel of a sheet)
    label_column: str | None = None
    label_mode: str | None = None  # a layers.labels mode chosen by the user; None: the layer's own

    def __init__(self, store, layer: str, *, theme: str | None = None, title_zh: str | None = None,
                 title_en: str | None = None, auto_reload: bool = True, load: bool = True):
        s = spec(layer)
        super().__init__(layer, title_zh or s.title_zh, title_en or s.title_en)
        self.store = store
        self.layer = layer
        self.theme_key = theme or (next(iter(THEMES.get(layer, {})), None))
        self._lock = threading.Lock()
        self.data: _Snapshot | None = None
        if load:  # else the owner calls install(layer.snapshot()) (ParkMap: layers read side by side)
            self.reload()
        if auto_reload:
            store.signals.changed.connect(self._on_store_changed)

    # ---- data
    @property
    def theme(self) -> Theme | None:
        return THEMES.get(self.layer, {}).get(self.theme_key) if self.theme_key else None

    def columns(self) -> list[str]:
        """The columns read with the geometries: what the theme colours by. Label columns
        are looked up for the features a frame labels (label_texts_at): at full extent of
        1M parcels none is, and their codes were a fifth of the read."""
        return sorted(set(self.theme.columns) if self.theme else set())

    def label_columns(self) -> list[str]:
        cols = set(self.extra_columns())
        if self.label_mode:
            from layers.labels import columns as label_columns

            cols |= set(label_columns(self.label_mode))
        return sorted(cols)

    def extra_columns(self) -> list[str]:
        return [self.label_column] if self.label_column else []

    def read(self):
        """(attributes as an Arrow table, "fid" first; WKB buffer; offsets): see ProjectStore.read_wkb."""
        return self.store.read_wkb(self.layer, columns=self.columns(), arrow=True)

    def label_texts_at(self, d: _Snapshot, idx: np.ndarray) -> dict:
        """Label text (or None) of the features at positions idx, kept in d.labels. Their
        columns are not read with the geometries (none shows at full extent of 1M parcels):
        the few features a frame labels are looked up in the store (table_cells, under the
        store's lock: a GDAL read from the render thread could meet an edit's transaction)."""
        if d.labels is None:
            d.labels = {}
        cache = d.labels
        if len(d.fids) <= LABEL_ALL_AT_ONCE and len(cache) < len(d.fids):
            # a small layer (a park, a sheet's map) is labelled whole on its first frame: one
            # read instead of one per frame (the atlas draws 453 maps over the same layers)
            todo = [i for i in range(len(d.fids)) if i not in cache]
        else:
            todo = [i for i in idx.tolist() if i not in cache]
        if todo:
            cols = self.label_columns()
            if all(c in d.columns for c in cols):
                attrs = d.label_rows(todo)
            else:
                from layers.labels import Rows

                fids = [int(f) for f in d.fids[todo]]
                try:
                    cells = self.store.table_cells(self.layer, sorted(set(fids)), cols) if cols else {}
                except Exception:  # the store closed under a late frame (the project was closed):
                    return cache  # no labels on that frame, nothing wrong kept
                rows = [cells.get(f, (None,) * len(cols)) for f in fids]
                attrs = Rows(len(fids), {c: np.array([r[k] for r in rows] + [None], dtype=object)[:-1]
                                         for k, c in enumerate(cols)})
            if self.label_mode:
                from layers.labels import texts

                got = texts(self.label_mode, attrs)
            else:
                got = self.label_texts(attrs)
            cache.update(zip(todo, got))
        return cache

    def reload(self) -> None:
        self.install(self.snapshot())

    def snapshot(self) -> _Snapshot:
        """The layer's data read from the store (any thread: no Qt object is touched)."""
        attrs, data, offsets = self.read()
        theme = self.theme
        classes = None
        if theme is not None:  # a theme that takes the Arrow table classifies it without pandas
            classes = theme.classify(attrs if theme.arrow or not hasattr(attrs, "column_names")
                                     else attrs_frame(attrs), self.store)
        return _Snapshot.build(attrs, data, offsets, classes)

    def install(self, snap: _Snapshot) -> None:
        with self._lock:
            self.data = snap
            self.selection = {f for f in self.selection if f in snap.fid_index}
        self.changed()

    def set_theme(self, key: str) -> None:
        if key not in THEMES.get(self.layer, {}):
            raise KeyError(key)
        self.theme_key = key
        self.reload()

    def _on_store_changed(self, event) -> None:
        deps = (self.layer,) + (self.theme.depends_on if self.theme else ())
        if event.layer not in deps:
            return
        if event.layer == self.layer and 0 < len(event.fids) <= 200 and self._patch(event):
            return
        self.reload()

    def includes(self, rec: dict) -> bool:
        """Whether a record belongs in this layer's view (active features)."""
        return not rec.get("retired")

    def _patch(self, event) -> bool:
        """Apply a small edit to the snapshot: O(edit) work plus a copy of the fid index, so
        edits stay interactive on a million parcels. False when a full re-read is needed."""
        from dataclasses import replace

        d = self.data
        if d is None or d.dead > 5000:
            return False
        fids = [int(f) for f in event.fids]
        recs = [] if event.op == "delete" else [self.store.get(self.layer, f) for f in fids]
        recs = [r for r in recs if self.includes(r)]
        alive = d.alive.copy()
        for f in fids:
            i = d.fid_index.get(f)
            if i is not None:
                alive[i] = False
        if not recs:
            snap = replace(d, alive=alive, _fid_index=None, bounds=None)
        else:
            import pandas as pd

            cols = list(d.attrs.columns)
            new_attrs = pd.DataFrame([{c: r.get(c) for c in cols} for r in recs], columns=cols,
                                     index=pd.Index([r["fid"] for r in recs], name="fid"))
            classes = d.classes
            if self.theme is not None and classes is not None:
                cls_new = self.theme.classify(new_attrs, self.store)
                where = {lab: k for k, lab in enumerate(classes.labels)}
                mapped = [where.get(cls_new.labels[c]) for c in cls_new.class_of]
                if any(m is None for m in mapped):
                    return False  # a class the legend does not have yet: re-read
                classes = replace(classes, class_of=np.concatenate([classes.class_of, np.array(mapped, dtype=np.int32)]))
            geoms_new = np.asarray([r["geometry"] for r in recs], dtype=object)
            b = shapely.bounds(geoms_new)
            n0 = len(d.fids)
            attrs = pd.concat([d.attrs, new_attrs.set_axis(range(n0, n0 + len(recs)))]) \
                if isinstance(d.attrs.index, pd.RangeIndex) else pd.concat([d.attrs, new_attrs])
            snap = replace(
                d, fids=np.concatenate([d.fids, np.array([r["fid"] for r in recs], dtype=np.int64)]),
                geoms=d.geoms.append(geoms_new), bbox=np.vstack([d.bbox, b]),
                sizes=np.concatenate([d.sizes, np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1])]),
                centroids=np.vstack([d.centroids, np.column_stack([(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2])]),
                frame=attrs, classes=classes,
                simple=np.concatenate([d.simple, np.zeros(len(recs), dtype=bool)]),  # shapes from the geometry
                ring_at=np.concatenate([d.ring_at, np.full(len(recs), -1, dtype=np.int64)]),
                ring_count=np.concatenate([d.ring_count, np.zeros(len(recs), dtype=np.int64)]),
                shapes=d.shapes + [None] * len(recs), _fid_index=None,
                alive=np.concatenate([alive, np.ones(len(recs), dtype=bool)]), labels=None, bounds=None)
        with self._lock:
            self.data = snap
            self.selection = {f for f in self.selection if f in snap.fid_index}
        self.changed()
        return True

    def extent(self):
        d = self.data
        if d is None or not len(d.fids):
            return None
        if d.alive.all():  # the cached bounds (1M features: no copy and scan per call)
            box = d.all_bounds()
            if not any(math.isnan(v) for v in box):
                return box
        b = d.bbox[d.alive]
        if not len(b) or np.isnan(b).all():
            return None
        return (float(np.nanmin(b[:, 0])), float(np.nanmin(b[:, 1])), float(np.nanmax(b[:, 2])), float(np.nanmax(b[:, 3])))

    # ---- hit tests (identify ≤ 5 ms: one bounds scan, exact tests on the candidates)
    def features_at(self, x: float, y: float, tolerance: float) -> list[int]:
        d = self.data
        if d is None or not len(d.fids):
            return []
        pt = shapely.Point(x, y)
        hits = d.query(pt, predicate="intersects")
        if not len(hits) and tolerance > 0:
            hits = d.query(pt.buffer(tolerance, 8), predicate="intersects")
        # smallest first: a building on a parcel, a parcel in a zone
        hits = sorted(hits, key=lambda i: d.sizes[i])
        return [int(d.fids[i]) for i in hits]

    def features_in(self, bbox) -> list[int]:
        d = self.data
        if d is None or not len(d.fids):
            return []
        return [int(d.fids[i]) for i in d.query(shapely.box(*bbox), predicate="intersects")]

    def geometry(self, fid: int):
        d = self.data
        return d.geoms[d.fid_index[int(fid)]]

    # ---- painting
    def _style(self, d: _Snapshot):
        if d.classes is None:
            n = len(d.fids)
            return np.zeros(n, dtype=np.int32), [QColor("#CCCCCC")], None, None
        c = d.classes
        return c.class_of, c.fills, c.outlines, c.widths

    def outline_pen(self) -> QPen:
        # opaque: an antialiased translucent pen made Qt blend every stroke, ten times
        # slower (a zoomed frame of big parcels: 36 ms of outlines against 3 ms)
        pen = QPen(QColor(100, 100, 100), 0)
        pen.setCosmetic(True)
        return pen

    def draw(self, painter: QPainter, view: MapView, cancel: Cancel = None) -> None:
        d = self.data
        if d is None or not len(d.fids):
            return
        idx = d.visible(view)
        if not len(idx):
            return
        class_of, fills, outlines, widths = self._style(d)
        px = d.sizes[idx] / view.scale
        splat = int(np.count_nonzero(px < SPLAT_PX)) > RASTER_POINTS
        limit = SPLAT_PX if splat else POINT_PX
        small, big = idx[px < limit], idx[px >= limit]
        painter.save()
        painter.setOpacity(painter.opacity() * self.opacity)
        # small features: one drawPoints call per class, in screen coordinates, or, when
        # there are many, splatted into an image (1M points: ~15 ms against ~175 ms)
        if len(small):
            # every feature small (full extent of a big park): whole columns, no gathers
            pick = slice(None) if len(small) == len(d.fids) else small
            sx, sy = view.to_screen(d.centroids[pick, 0], d.centroids[pick, 1])
            cls = class_of[pick]
            colours = [self._point_colour(fills[c], outlines, c) for c in range(len(fills))]
            if splat:
                # whole pixels rounded up: neighbours overlap rather than leave gaps
                # (in place: 1M features' temporaries were ~60 MB of the process's peak)
                block = np.empty((len(small), 2))
                np.subtract(d.bbox[pick, 2], d.bbox[pick, 0], out=block[:, 0])
                np.subtract(d.bbox[pick, 3], d.bbox[pick, 1], out=block[:, 1])
                block /= view.scale
                np.ceil(block, out=block)
                np.clip(block, 2, SPLAT_PX, out=block)
                painter.drawImage(QRectF(0, 0, view.width, view.height),
                                  point_image(sx, sy, cls, colours, view.width, view.height, block))
            else:
                for c in np.unique(cls):
                    m = cls == c
                    painter.setPen(QPen(colours[c], 1.5))
                    painter.drawPoints(polygon_from_xy(np.column_stack([sx[m], sy[m]])))
        if len(big):
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, len(big) <= AA_LIMIT)
            painter.setTransform(view.transform(), True)
            # outlines only where features are big enough to show them (faster, and a
            # mesh of 1-px outlines over 5-px parcels hides their colours anyway)
            outline = bool(np.median(d.sizes[big]) / view.scale >= 6)
            cls = class_of[big]
            order = np.argsort(cls, kind="stable")
            big, cls = big[order], cls[order]
            bounds = np.flatnonzero(np.diff(cls)) + 1
            for group in np.split(np.arange(len(big)), bounds):
                if not len(group):
                    continue
                c = int(cls[group[0]])
                fill = QColor(fills[c])
                if self.fill_alpha < 255 and fill.alpha() == 255:
                    fill.setAlpha(self.fill_alpha)
                painter.setBrush(QBrush(fill) if fill.alpha() else Qt.BrushStyle.NoBrush)
                if outlines is not None:
                    pen = QPen(outlines[c], widths[c] if widths else 1.0)
                    pen.setCosmetic(True)
                else:
                    pen = self.outline_pen()
                painter.setPen(pen if outline else Qt.PenStyle.NoPen)
                for k, i in enumerate(big[group].tolist()):
                    if cancel is not None and k % 4096 == 0 and cancel():
                        painter.restore()
                        return
                    s = d.shape(i)
                    if isinstance(s, QPolygonF):
                        painter.drawPolygon(s)
                    else:
                        painter.drawPath(s)
        painter.restore()
        self._draw_selection(painter, view, d)

    def draw_outlines(self, painter: QPainter, view: MapView, pen: QPen, brush) -> None:
        """Every visible feature with one pen and brush (zones, history), antialiased."""
        d = self.data
        if d is None or not len(d.fids):
            return
        painter.save()
        painter.setOpacity(painter.opacity() * self.opacity)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setTransform(view.transform(), True)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(brush)
        for i in d.visible(view).tolist():
            s = d.shape(i)
            painter.drawPolygon(s) if isinstance(s, QPolygonF) else painter.drawPath(s)
        painter.restore()

    def _point_colour(self, fill: QColor, outlines, c) -> QColor:
        return fill if fill.alpha() else (outlines[c] if outlines else QColor("#555555"))

    def _draw_selection(self, painter: QPainter, view: MapView, d: _Snapshot) -> None:
        if not self.selection:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setTransform(view.transform(), True)
        pen = QPen(SELECTION_COLOUR, 2.5)
        pen.setCosmetic(True)
        painter.setPen(pen)
        fill = QColor(SELECTION_COLOUR)
        fill.setAlpha(self.selection_alpha)
        painter.setBrush(fill)
        x0, y0, x1, y1 = view.extent
        for fid in self.selection:
            i = d.fid_index.get(fid)
            if i is None:
                continue
            bx = d.centroids[i]
            if not (x0 - d.sizes[i] <= bx[0] <= x1 + d.sizes[i] and y0 - d.sizes[i] <= bx[1] <= y1 + d.sizes[i]):
                continue
            if d.sizes[i] / view.scale < 4:  # too small to see: a ring around it
                painter.save()
                painter.resetTransform()
                p = view.point_to_screen(*bx)
                painter.drawEllipse(p, 5, 5)
                painter.restore()
                continue
            s = d.shape(i)
            if isinstance(s, QPolygonF):
                painter.drawPolygon(s)
            else:
                painter.drawPath(s)
        painter.restore()

    # ---- labels
    def label_texts(self, attrs: pd.DataFrame) -> list:
        if not self.label_column or self.label_column not in attrs:
            return [None] * len(attrs)
        return [v if isinstance(v, str) and v else None for v in attrs[self.label_column].tolist()]

    def label_min_px(self) -> float:
        return 40.0

    def draw_labels(self, painter: QPainter, view: MapView, placed: LabelGrid, cancel: Cancel = None) -> None:
        d = self.data
        if d is None or not self.label_column or not len(d.fids):
            return
        idx = d.visible(view)
        idx = idx[d.sizes[idx] / view.scale >= self.label_min_px()]
        if not len(idx):
            return
        # biggest first: they matter most and have room
        idx = idx[np.argsort(-d.sizes[idx])][:LABEL_LIMIT]
        if self.label_exclude:
            idx = np.array([i for i in idx if int(d.fids[i]) not in self.label_exclude], dtype=np.int64)
        painter.save()
        painter.setOpacity(painter.opacity() * (self.opacity if self.label_opacity is None else self.label_opacity))
        painter.setFont(self.font())
        fm = QFontMetricsF(painter.font())
        labels = self.label_texts_at(d, idx)
        idx = np.array([i for i in idx.tolist() if labels.get(i)], dtype=np.int64)
        anchors = self.label_anchors(d, idx, view)
        for k, i in enumerate(idx.tolist()):
            if cancel is not None and k % 512 == 0 and cancel():
                break
            anchor = anchors[k]
            if anchor is None:
                continue
            p = view.point_to_screen(anchor[0], anchor[1])
            self.paint_label(painter, fm, p, labels[i], placed, d.sizes[i] / view.scale)
        painter.restore()

    def font(self) -> QFont:
        return label_font(9)

    def label_anchors(self, d: _Snapshot, idx: np.ndarray, view: MapView) -> list:
        """label_anchor (as x, y, or None) for each feature of idx; the common case (the
        bbox centre lies inside) is tested for all of them in one call."""
        if type(self).label_anchor is not VectorLayer.label_anchor:  # a layer's own rule
            return [None if a is None else (a.x, a.y) for a in (self.label_anchor(d, i, view) for i in idx.tolist())]
        c = d.centroids[idx]
        inside = d.simple[idx] & shapely.contains_xy(d.geoms[idx], c[:, 0], c[:, 1]) if len(idx) else []
        out = []
        for k, i in enumerate(idx.tolist()):
            if inside[k]:
                out.append((float(c[k, 0]), float(c[k, 1])))
            else:
                a = self._anchor_on_surface(d, i, view)
                out.append(None if a is None else (a.x, a.y))
        return out

    def label_anchor(self, d: _Snapshot, i: int, view: MapView):
        """Where the label goes: the bbox centre when it lies inside, else a point on the
        surface of the part in view."""
        c = shapely.Point(*d.centroids[i])
        if d.simple[i] and shapely.contains(d.geoms[i], c):
            return c
        return self._anchor_on_surface(d, i, view)

    def _anchor_on_surface(self, d: _Snapshot, i: int, view: MapView):
        geom = d.geoms[i]
        if d.sizes[i] / view.scale > max(view.width, view.height):  # mostly off screen
            geom = shapely.intersection(geom, shapely.box(*view.extent))
            if geom.is_empty:
                return None
        return shapely.point_on_surface(geom)

    def paint_label(self, painter: QPainter, fm: QFontMetricsF, p: QPointF, text: str,
                    placed: LabelGrid, feature_px: float) -> None:
        w, h = fm.horizontalAdvance(text) + 4, fm.height()
        if w > feature_px * 1.1:
            return
        r = QRectF(p.x() - w / 2, p.y() - h / 2, w, h)
        if not placed.try_add(r):
            return
        _halo_text(painter, r, text)

    def legend(self) -> list[LegendEntry]:
        d = self.data
        if d is None or d.classes is None:
            return []
        c = d.classes
        if c.legend_items is not None:
            return [LegendEntry(lab, f, o, width=item[3] if len(item) > 3 else None)
                    for item in c.legend_items for lab, f, o in [item[:3]]]
        present = set(np.unique(c.class_of).tolist())
        return [LegendEntry(lab, c.fills[i], c.outlines[i] if c.outlines else None,
                            width=c.widths[i] if c.widths and c.outlines else None)
                for i, lab in enumerate(c.labels) if i in present]


_HALO_OFFSETS = ((-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1))


def _halo_text(painter: QPainter, rect: QRectF, text: str, colour: QColor = QColor(30, 30, 30)) -> None:
    """Text with a white halo so it reads over any fill. drawText uses Qt's glyph cache,
    so eight offset copies are far cheaper than stroking a text path. On an image (the
    screen's frames) each label is painted once into a small cached image and then copied:
    nine drawText calls per label were a third of a zoomed frame."""
    fm = QFontMetricsF(painter.font())
    x = rect.center().x() - fm.horizontalAdvance(text) / 2
    y = rect.center().y() + (fm.ascent() - fm.descent()) / 2
    dev = painter.device()
    if CACHE_LABELS and isinstance(dev, QImage) and painter.transform().type().value <= QTransform.TransformationType.TxTranslate.value:
        img, ox, oy = _halo_image(painter.font(), text, colour, dev.devicePixelRatio())
        painter.drawImage(QPointF(round(x) - ox, round(y) - oy), img)
        return
    _paint_halo(painter, x, y, text, colour)


def _paint_halo(painter: QPainter, x: float, y: float, text: str, colour: QColor) -> None:
    if not isinstance(painter.device(), (QImage, QPixmap)):  # a PDF page, a printer
        _paint_halo_runs(painter, x, y, text, colour)
        return
    painter.setPen(QColor(255, 255, 255, 235))
    for dx, dy in _HALO_OFFSETS:
        painter.drawText(QPointF(x + dx, y + dy), text)
    painter.setPen(colour)
    painter.drawText(QPointF(x, y), text)


def _paint_halo_runs(painter: QPainter, x: float, y: float, text: str, colour: QColor) -> None:
    """The same halo and text as drawText would paint, from glyph runs shaped once per text:
    the eight white copies go out as one run per font (a PDF page gets one text object for
    them instead of eight, and nothing is shaped again)."""
    origin = QPointF(x, y)
    painter.setPen(QColor(255, 255, 255, 235))
    for run in text_runs(painter, text, _HALO_OFFSETS):
        painter.drawGlyphRun(origin, run)
    painter.setPen(colour)
    for run in text_runs(painter, text):
        painter.drawGlyphRun(origin, run)


_RUN_CACHE: dict = {}  # read without the lock: a dict's get is atomic
_RUN_CACHE_SIZE = 8000


def text_runs(painter: QPainter, text: str, offsets: tuple = ((0, 0),)) -> list[QGlyphRun]:
    """text shaped in the painter's font as glyph runs (one per font face), positioned from
    the baseline origin: drawGlyphRun(origin, run) puts every glyph where drawText(origin,
    text) does, and the PDF keeps it as text. With several offsets, a copy of the text at each
    offset. Cached per font, device resolution and text."""
    font = painter.font()
    dev = painter.device()
    key = (font.key(), tuple(font.families()), dev.logicalDpiX(), dev.logicalDpiY(), text, offsets)
    hit = _RUN_CACHE.get(key)
    if hit is not None:
        return hit
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    layout.endLayout()
    asc = line.ascent()
    # one run per stretch of text in one face, in reading order (a layout's own runs are one
    # per face: "厂房1号" would come out as 厂房号 then 1, and read so from the PDF)
    segments: list[tuple[object, list, list]] = []
    at = 0
    for ch in text:
        n = 2 if ord(ch) > 0xFFFF else 1  # Qt counts UTF-16 units
        for run in layout.glyphRuns(at, n):
            raw = run.rawFont()
            glyphs = run.glyphIndexes()
            pos = [(q.x(), q.y() - asc) for q in run.positions()]
            if segments and segments[-1][0] == raw:
                segments[-1][1].extend(glyphs)
                segments[-1][2].extend(pos)
            else:
                segments.append((raw, list(glyphs), pos))
        at += n
    # copy after copy, each in reading order, as drawText at each offset would paint them (a
    # PDF reader then takes the copies for one text): one run when the text is in one face
    runs = []
    for offset in (offsets if len(segments) > 1 else [None]):
        for raw, glyphs, pos in segments:
            out = QGlyphRun()
            out.setRawFont(raw)
            if offset is None:
                out.setGlyphIndexes(glyphs * len(offsets))
                out.setPositions([QPointF(px + ox, py + oy) for ox, oy in offsets for px, py in pos])
            else:
                dx, dy = offset
                out.setGlyphIndexes(glyphs)
                out.setPositions([QPointF(px + dx, py + dy) for px, py in pos])
            runs.append(out)
    with _HALO_LOCK:
        if len(_RUN_CACHE) >= _RUN_CACHE_SIZE:
            _RUN_CACHE.clear()
        _RUN_CACHE[key] = runs
    return runs


CACHE_LABELS = True  # False: always paint label text (as on PDF pages and printers)
_HALO_CACHE: OrderedDict = OrderedDict()
_HALO_LOCK = threading.Lock()
_HALO_CACHE_SIZE = 4000


def _halo_image(font: QFont, text: str, colour: QColor, dpr: float) -> tuple[QImage, int, int]:
    """The haloed label as a transparent image, and the offset of its baseline origin."""
    key = (font.key(), text, colour.rgba(), dpr)
    with _HALO_LOCK:
        hit = _HALO_CACHE.get(key)
        if hit is not None:
            _HALO_CACHE.move_to_end(key)
            return hit
    fm = QFontMetricsF(font)
    ox, oy = 2, int(math.ceil(fm.ascent())) + 2
    w = int(math.ceil(fm.horizontalAdvance(text))) + 5
    h = oy + int(math.ceil(fm.descent())) + 3
    img = QImage(max(1, int(math.ceil(w * dpr))), max(1, int(math.ceil(h * dpr))),
                 QImage.Format.Format_ARGB32_Premultiplied)
    img.setDevicePixelRatio(dpr)
    img.fill(0)
    p = QPainter(img)
    p.setFont(font)
    _paint_halo(p, ox, oy, text, colour)
    p.end()
    entry = (img, ox, oy)
    with _HALO_LOCK:
        _HALO_CACHE[key] = entry
        while len(_HALO_CACHE) > _HALO_CACHE_SIZE:
            _HALO_CACHE.popitem(last=False)
    return entry


# ---- the four layers of a park ---------------------------------------------------------

def short_code(code: str) -> str:
    """The readable part of a 19-character national parcel code (sub-district-serial):
    6-digit county, 3-digit cadastral district, 3-digit sub-district, 2-letter tenure type
    (some registers write digits there), 5-digit serial. The suffix a split (-1, -2) or a
    merge (-H) gave a parcel stays on: 510112001001GB00002-1 -> 002-00002-1."""
    if not isinstance(code, str):
        return code
    base, dash, rest = code.partition("-")
    if dash and not all(p.isdigit() or p == "H" for p in rest.split("-")):
        return code
    if (len(base) == 19 and base[:12].isdigit() and base[14:].isdigit()
            and (base[12:14].isalpha() or base[12:14].isdigit())):
        return f"{base[9:12]}-{base[14:]}" + (f"-{rest}" if dash else "")
    return code


class ParcelLayer(VectorLayer):
    """Parcels; labelled with the fraction convention: parcel number over land-use code."""

    label_column = "code"

    def extra_columns(self) -> list[str]:
        return ["code", "land_use"]

    def label_min_px(self) -> float:
        return 46.0

    def paint_label(self, painter, fm, p, text, placed, feature_px) -> None:
        row_code, use = text.split("\n") if "\n" in text else (text, "")
        w = max(fm.horizontalAdvance(row_code), fm.horizontalAdvance(use)) + 6
        h = fm.height() * (2 if use else 1) + 2
        if w > feature_px * 1.05:
            return
        r = QRectF(p.x() - w / 2, p.y() - h / 2, w, h)
        if not placed.try_add(r):
            return
        if not use:
            _halo_text(painter, r, row_code)
            return
        top = QRectF(r.left(), r.top(), w, h / 2 - 1)
        bottom = QRectF(r.left(), r.center().y() + 1, w, h / 2 - 1)
        _halo_text(painter, top, row_code)
        _halo_text(painter, bottom, use)
        painter.save()
        painter.setPen(QPen(QColor(30, 30, 30), 1))
        painter.drawLine(QPointF(r.left() + 2, r.center().y()), QPointF(r.right() - 2, r.center().y()))
        painter.restore()

    def label_texts(self, attrs: pd.DataFrame) -> list:
        out = []
        for code, use in zip(attrs["code"].tolist(), attrs["land_use"].tolist()):
            if not isinstance(code, str):
                out.append(None)
            else:
                out.append(f"{short_code(code)}\n{use}" if isinstance(use, str) else short_code(code))
        return out


class BuildingLayer(VectorLayer):
    label_column = "name"

    def label_min_px(self) -> float:
        return 60.0

    def font(self) -> QFont:
        return label_font(8)


class ZoneLayer(VectorLayer):
    """Zone boundaries: a dashed red line and the name, no fill."""

    label_column = "name"

    def draw(self, painter, view, cancel=None) -> None:
        self.draw_outlines(painter, view, QPen(QColor("#C62828"), 2.2, Qt.PenStyle.DashLine), Qt.BrushStyle.NoBrush)
        if self.data is not None:
            self._draw_selection(painter, view, self.data)

    def label_min_px(self) -> float:
        return 80.0

    def font(self) -> QFont:
        return label_font(14, bold=True)

    def paint_label(self, painter, fm, p, text, placed, feature_px) -> None:
        w, h = fm.horizontalAdvance(text) + 6, fm.height()
        r = QRectF(p.x() - w / 2, p.y() - h / 2, w, h)
        if placed.try_add(r):
            _halo_text(painter, r, text, QColor("#8E1B1B"))

    def legend(self) -> list[LegendEntry]:
        return [LegendEntry(self.title, None, QColor("#C62828"), "line")]


class RoadLayer(VectorLayer):
    label_column = "name"

    def __init__(self, store, layer: str = "roads", **kw):
        super().__init__(store, layer, **kw)

    def _style(self, d):
        return (np.zeros(len(d.fids), dtype=np.int32), [QColor("#FFFFFF")], [QColor("#A0A0A0")], [1.0])

    def label_min_px(self) -> float:
        return 150.0

    def draw_labels(self, painter, view, placed, cancel=None) -> None:
        if view.scale > 4.0:  # roads are hairlines at this scale: names would only clutter
            return
        super().draw_labels(painter, view, placed, cancel)

    def label_anchor(self, d, i, view):
        # the middle of the stretch of road in view, so every visible road gets its name
        geom = shapely.intersection(d.geoms[i], shapely.box(*view.extent))
        return None if geom.is_empty else shapely.point_on_surface(geom)

    def label_anchors(self, d, idx, view) -> list:
        """label_anchor of each of idx, in two vectorised calls."""
        if not len(idx):
            return []
        parts = shapely.intersection(d.geoms[idx], shapely.box(*view.extent))
        empty = shapely.is_empty(parts)
        pts = np.empty(len(idx), dtype=object)
        pts[~empty] = shapely.point_on_surface(parts[~empty])
        return [None if e else (p.x, p.y) for e, p in zip(empty.tolist(), pts)]

    def font(self) -> QFont:
        return label_font(8.5)

    def legend(self) -> list[LegendEntry]:
        return [LegendEntry(self.title, QColor("#FFFFFF"), QColor("#A0A0A0"))]


class RetiredParcelLayer(VectorLayer):
    """Retired parcels (split, merged, withdrawn): history shown as dashed outlines."""

    label_column = "code"

    def __init__(self, store, **kw):
        super().__init__(store, "parcels", title_zh="历史地块(已注销)", title_en="Retired parcels (history)", **kw)
        self.id = "retired_parcels"
        self.visible = False

    def label_texts(self, attrs: pd.DataFrame) -> list:
        return [short_code(v) if isinstance(v, str) and v else None for v in attrs["code"].tolist()]

    @property
    def theme(self):
        return None

    def extra_columns(self) -> list[str]:
        return ["code", "retired_date"]

    def read(self):
        return self.store.read_wkb("parcels", columns=self.columns(), where=F("retired") == 1, include_retired=True,
                                   arrow=True)

    def includes(self, rec: dict) -> bool:
        return bool(rec.get("retired"))

    def draw(self, painter, view, cancel=None) -> None:
        self.draw_outlines(painter, view, QPen(QColor("#5D4037"), 1.6, Qt.PenStyle.DashDotLine),
                           QBrush(QColor(93, 64, 55, 60), Qt.BrushStyle.BDiagPattern))

    def legend(self) -> list[LegendEntry]:
        return [LegendEntry(self.title, QColor(93, 64, 55, 60), QColor("#5D4037"))]
