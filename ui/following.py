"""Panels that follow the store's change events stop following when they go."""

from __future__ import annotations


class FollowsStore:
    """Mixin (before the Qt base class) for widgets with `store` and `_on_store_changed`."""

    def detach(self) -> None:
        """Stop following the store (the main window calls this before it goes)."""
        try:
            self.store.signals.changed.disconnect(self._on_store_changed)
        except (TypeError, ValueError, RuntimeError):
            pass  # already disconnected

    def closeEvent(self, event) -> None:
        self.detach()
        super().closeEvent(event)
