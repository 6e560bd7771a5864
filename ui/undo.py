"""Undo/redo: every edit (landapp.editing) goes through an EditSession that applies it in
its own store transaction and pushes a thin QUndoCommand (QUndoStack is in QtGui in Qt 6).
"Modified" is derived from the stack's clean state."""

from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from landapp.editing import Edit
from landapp.errors import LandappError


class EditCommand(QUndoCommand):
    def __init__(self, session: "EditSession", edit: Edit):
        super().__init__(edit.text)
        self.session = session
        self.edit = edit
        self._skip_first_redo = True  # the session applied it already

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
            return
        self.session._guard(lambda: self.edit.apply(self.session.store))

    def undo(self) -> None:
        self.session._guard(lambda: self.edit.revert(self.session.store))


class EditSession:
    def __init__(self, store, parent=None, on_error: Callable[[str], None] | None = None):
        self.store = store
        self.stack = QUndoStack(parent)
        self.on_error = on_error or (lambda msg: None)
        self.avoid_overlaps = False

    def run(self, edit: Edit) -> bool:
        """Apply an edit now and make it undoable. A LandappError (bad value, overlap, lock)
        leaves the store unchanged and is reported through on_error."""
        try:
            edit.apply(self.store)
        except LandappError as e:
            self.on_error(str(e))
            return False
        self.stack.push(EditCommand(self, edit))
        return True

    def _guard(self, fn) -> None:
        try:
            fn()
        except LandappError as e:
            self.on_error(str(e))

    def undo(self) -> None:
        self.stack.undo()

    def redo(self) -> None:
        self.stack.redo()
