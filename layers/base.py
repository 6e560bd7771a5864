"""MapLayer: a data source plus a style, able to draw itself with a QPainter, answer what
is under a point or inside a box, and describe itself in a legend."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Callable

from PySide6.QtGui import QColor, QPainter

from landapp.i18n import tr
from layers.view import MapView

Cancel = Callable[[], bool] | None


@dataclass(frozen=True)
class LegendEntry:
    label: str
    fill: QColor | None
    outline: QColor | None = None
    kind: str = "polygon"  # polygon | line | point | raster
    width: float | None = None  # outline width in px when it tells classes apart (towers' heavy outline)


class MapLayer(abc.ABC):
    """Base of every layer. Subclasses implement draw(); vector layers also identify."""

    kind = "layer"

    def __init__(self, layer_id: str, title_zh: str, title_en: str):
        self.id = layer_id
        self.title_zh = title_zh
        self.title_en = title_en
        self.visible = True
        self.opacity = 1.0
        self.selection: set[int] = set()
        self._listeners: list[Callable[[MapLayer], None]] = []

    @property
    def title(self) -> str:
        return tr(self.title_zh, self.title_en)

    # change notification (plain callbacks; the Qt side turns them into repaints)
    def on_changed(self, callback: Callable[["MapLayer"], None]) -> None:
        self._listeners.append(callback)

    def changed(self) -> None:
        for cb in list(self._listeners):
            cb(self)

    def extent(self) -> tuple[float, float, float, float] | None:
        return None

    @abc.abstractmethod
    def draw(self, painter: QPainter, view: MapView, cancel: Cancel = None) -> None: ...

    def draw_labels(self, painter: QPainter, view: MapView, placed: "LabelGrid",
                    cancel: Cancel = None) -> None:
        """Labels go on top of every layer's features, avoiding each other."""

    def legend(self) -> list[LegendEntry]:
        return []

    def features_at(self, x: float, y: float, tolerance: float) -> list[int]:
        return []

    def features_in(self, bbox: tuple[float, float, float, float]) -> list[int]:
        return []


class LabelGrid:
    """Placed label rectangles in a coarse grid, for collision tests in O(1) per label."""

    def __init__(self, cell: float = 64.0, bounds=None):
        self.cell = cell
        self.cells: dict[tuple[int, int], list] = {}
        self.count = 0
        # labels only wholly inside this rectangle (the visible frame): a label cut by the
        # frame would stay in a PDF as hidden, copyable text
        self.bounds = bounds

    def _keys(self, r):
        c = self.cell
        for i in range(int(r.left() // c), int(r.right() // c) + 1):
            for j in range(int(r.top() // c), int(r.bottom() // c) + 1):
                yield i, j

    def free(self, r) -> bool:
        if self.bounds is not None and not self.bounds.contains(r):
            return False
        return not any(o.intersects(r) for k in self._keys(r) for o in self.cells.get(k, ()))

    def add(self, r) -> None:
        for k in self._keys(r):
            self.cells.setdefault(k, []).append(r)
        self.count += 1

    def try_add(self, r) -> bool:
        if self.free(r):
            self.add(r)
            return True
        return False
