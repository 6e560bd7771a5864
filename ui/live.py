"""Live sharing: edits that other programs and other planners commit show up in this window.
Every second the window asks the store; a PostGIS store answers from LISTEN/NOTIFY without a
round trip to the server, a GeoPackage from PRAGMA data_version, so a quiet park costs
nothing. A lost connection is one sentence in the status bar; the window stays open."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QTimer

from landapp.errors import LandappError
from landapp.store.base import ChangeEvent

INTERVAL_MS = 1000


class LiveChanges(QObject):
    def __init__(self, store, parent=None, on_error: Callable[[str], None] | None = None,
                 interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.store = store
        self.on_error = on_error or (lambda msg: None)
        self._failing = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> list[ChangeEvent]:
        """Pick up committed edits of others now (also called by tests)."""
        store = self.store
        if getattr(store, "closed", False) or getattr(store, "in_transaction", False):
            return []
        try:
            announced = getattr(store, "has_notifications", None)
            if announced is not None and not announced():
                return []
            events = store.poll_external_changes()
        except LandappError as e:
            if not self._failing:  # say it once, not every second
                self.on_error(str(e))
            self._failing = True
            return []
        except Exception:  # a view could not patch itself: let every view re-read instead
            events = []
            for layer in ("parcels", "buildings", "zones", "roads"):
                store.signals.changed.emit(ChangeEvent(layer, "reload", external=True))
        self._failing = False
        return events

    def stop(self) -> None:
        self.timer.stop()
