"""Undo/redo: every edit (landapp.editing) goes through an EditSession that applies it in
its own store transaction and pushes a thin QUndoCommand (QUndoStack is in QtGui in Qt 6).
"Modified" is derived from the stack's clean state."""

from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from landapp.editing import Edit, overlap_report
from landapp.errors import ConflictError, LandappError
from ui.i18n import tr


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
        self._run(lambda: self.edit.apply(self.session.store))

    def undo(self) -> None:
        self._run(lambda: self.edit.revert(self.session.store))

    def _run(self, fn) -> None:
        """A failed undo/redo (someone else changed the feature, the file is locked) rolls
        back its transaction; the command then leaves the stack (Qt drops obsolete
        commands), so the history never claims a state the file is not in."""
        if not self.session._guard(fn):
            self.setObsolete(True)


class EditSession:
    def __init__(self, store, parent=None, on_error: Callable[[str], None] | None = None,
                 on_notice: Callable[[str], None] | None = None):
        self.store = store
        self.stack = QUndoStack(parent)
        self.on_error = on_error or (lambda msg: None)
        self.on_notice = on_notice or (lambda msg: None)
        self.avoid_overlaps = False
        self.last_overlaps: list[dict] = []

    def run(self, edit: Edit, on_conflict: Callable[[ConflictError], Edit | None] | None = None) -> bool:
        """Apply an edit now and make it undoable. A LandappError (bad value, overlap, lock)
        leaves the store unchanged and is reported through on_error. A ConflictError with
        fields both sides changed goes to `on_conflict` when given (the conflict view), which
        returns the edit to run instead (theirs kept where the planner chose) or None. With
        'avoid overlaps' off, overlaps the edit made with neighbours are reported through
        on_notice."""
        try:
            edit.apply(self.store)
        except ConflictError as e:
            if on_conflict is None or not e.conflicts:
                self.on_error(str(e))
                return False
            instead = on_conflict(e)
            return False if instead is None else self.run(instead, on_conflict)
        except LandappError as e:
            self.on_error(str(e))
            return False
        self.stack.push(EditCommand(self, edit))
        self.last_overlaps = [] if self.avoid_overlaps else overlap_report(self.store, edit.geometry_targets())
        if self.last_overlaps:
            self.on_notice(overlap_message(self.last_overlaps))
        return True

    def _guard(self, fn) -> bool:
        try:
            fn()
        except LandappError as e:
            self.on_error(str(e))
            return False
        return True

    def undo(self) -> None:
        self.stack.undo()

    def redo(self) -> None:
        self.stack.redo()


def overlap_message(overlaps: list[dict]) -> str:
    pairs = "、".join(f"{o['code']}/{o['other_code']} {o['area_m2']:,.1f} ㎡" for o in overlaps[:4])
    more = tr(f" 等 {len(overlaps)} 处", f" and {len(overlaps) - 4} more") if len(overlaps) > 4 else ""
    return tr(f"注意:与相邻要素重叠({pairs}{more})。可撤销,打开“避免重叠”后再做一次,或用“拓扑检查”修复。",
              f"Note: it overlaps its neighbours ({pairs}{more}). Undo it, switch on 'Avoid overlaps' and "
              "do it again, or fix it in the topology check.")
