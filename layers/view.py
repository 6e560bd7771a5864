"""MapView: what part of the map a picture shows, and the map <-> screen transform.

Map coordinates are the project CRS (EPSG:4544 and friends: x = easting, y = northing);
screen coordinates are pixels with y down. The view is immutable; panning and zooming
return a new one, so a background render keeps the view it started with."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTransform

INCH_M = 0.0254


@dataclass(frozen=True)
class MapView:
    center_x: float
    center_y: float
    scale: float  # map units (m) per pixel
    width: int
    height: int

    # ---- construction
    @classmethod
    def fit(cls, bbox: tuple[float, float, float, float], width: int, height: int,
            margin: float = 0.04) -> "MapView":
        """The view that shows bbox whole in a width × height picture."""
        x0, y0, x1, y1 = bbox
        w = max(x1 - x0, 1e-6) * (1 + 2 * margin)
        h = max(y1 - y0, 1e-6) * (1 + 2 * margin)
        scale = max(w / max(width, 1), h / max(height, 1))
        return cls((x0 + x1) / 2, (y0 + y1) / 2, scale, int(width), int(height))

    # ---- geometry
    @property
    def extent(self) -> tuple[float, float, float, float]:
        hw, hh = self.width * self.scale / 2, self.height * self.scale / 2
        return (self.center_x - hw, self.center_y - hh, self.center_x + hw, self.center_y + hh)

    def transform(self) -> QTransform:
        """Map -> screen as a QTransform (for painters)."""
        x0, _, _, y1 = self.extent
        s = 1.0 / self.scale
        return QTransform(s, 0.0, 0.0, -s, -x0 * s, y1 * s)

    def to_screen(self, x, y):
        """Map -> screen pixels; scalars or numpy arrays."""
        x0, _, _, y1 = self.extent
        return (np.asarray(x) - x0) / self.scale, (y1 - np.asarray(y)) / self.scale

    def to_map(self, sx, sy):
        x0, _, _, y1 = self.extent
        return x0 + np.asarray(sx) * self.scale, y1 - np.asarray(sy) * self.scale

    def point_to_screen(self, x: float, y: float) -> QPointF:
        sx, sy = self.to_screen(x, y)
        return QPointF(float(sx), float(sy))

    def rect_to_map(self, rect: QRectF) -> tuple[float, float, float, float]:
        ax, ay = self.to_map(rect.left(), rect.bottom())
        bx, by = self.to_map(rect.right(), rect.top())
        return (float(min(ax, bx)), float(min(ay, by)), float(max(ax, bx)), float(max(ay, by)))

    # ---- navigation
    def resized(self, width: int, height: int) -> "MapView":
        return replace(self, width=int(width), height=int(height))

    def panned(self, dx_px: float, dy_px: float) -> "MapView":
        """Move the map by (dx, dy) screen pixels (dragging right moves the map right)."""
        return replace(self, center_x=self.center_x - dx_px * self.scale,
                       center_y=self.center_y + dy_px * self.scale)

    def zoomed(self, factor: float, around: tuple[float, float] | None = None) -> "MapView":
        """Zoom in by `factor` (>1 in, <1 out), keeping the screen point `around` fixed."""
        scale = self.scale / factor
        if around is None:
            return replace(self, scale=scale)
        mx, my = self.to_map(*around)
        sx, sy = around
        cx = float(mx) - (sx - self.width / 2) * scale
        cy = float(my) + (sy - self.height / 2) * scale
        return replace(self, center_x=cx, center_y=cy, scale=scale)

    def with_scale_denominator(self, denominator: float, dpi: float = 96.0) -> "MapView":
        return replace(self, scale=denominator * INCH_M / dpi)

    def scale_denominator(self, dpi: float = 96.0) -> float:
        """The N of 1:N on a screen of `dpi`."""
        return self.scale * dpi / INCH_M


def nice_length(max_len: float) -> float:
    """The largest 1-2-5 × 10^k not above max_len (for scale bars)."""
    if max_len <= 0:
        return 0.0
    exp = math.floor(math.log10(max_len))
    for m in (5, 2, 1):
        v = m * 10**exp
        if v <= max_len:
            return float(v)
    return float(10**exp)
