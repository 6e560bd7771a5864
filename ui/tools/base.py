"""The map-tool interface. The canvas translates Qt events into MapEvent and passes them to
the active tool; tools draw their rubber bands in `paint` over the map."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter

from layers.view import MapView


@dataclass(frozen=True)
class MapEvent:
    kind: str  # 'press' | 'move' | 'release' | 'double' | 'key' | 'wheel'
    x: float  # map coordinates (project CRS)
    y: float
    sx: float  # screen pixels
    sy: float
    button: str | None = None  # 'left' | 'right' | 'middle' | None
    modifiers: frozenset[str] = field(default_factory=frozenset)  # {'shift', 'ctrl', 'alt'}
    key: str | None = None  # for 'key' events, e.g. 'Escape', 'Return', 'Backspace'
    delta: float = 0.0  # wheel steps (positive = away from the user)


class MapTool:
    name = "tool"
    cursor = Qt.CursorShape.ArrowCursor

    def __init__(self) -> None:
        self.canvas = None

    def activate(self, canvas) -> None:
        self.canvas = canvas

    def deactivate(self) -> None:
        self.canvas = None

    def event(self, ev: MapEvent) -> bool:
        return False

    def paint(self, painter: QPainter, view: MapView) -> None:
        """Overlay in screen coordinates, drawn over the map."""
