"""Undoable edits for the space and revitalisation functions (unit and lease edits, case
moves, idle-land exemptions, campaign targets).

Those functions write several rows (a case move updates the case, may update the parcel and
adds a history row). Rather than a hand-written inverse for each, `RecordedEdit` runs the
function against a `RecordingStore` that passes every call to the real store and notes each
insert, update and delete with what it needs to undo and redo it. Undo replays the inverses
in reverse order, redo the same writes again (same fids), each in one transaction. It is a
landapp.editing.Edit, so the UI's undo stack takes it like any other edit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from landapp.editing import Edit


class RecordingStore:
    """A store proxy that records writes; reads and everything else go straight through."""

    def __init__(self, store):
        self._store = store
        self.ops: list[tuple[str, str, int, dict, dict]] = []  # (op, layer, fid, forward, backward)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def insert(self, layer: str, record: dict, *, fid: int | None = None) -> int:
        fid = self._store.insert(layer, record, fid=fid)
        self.ops.append(("insert", layer, fid, self._store.get(layer, fid), {}))
        return fid

    def insert_many(self, layer: str, records, **kw) -> list[int]:
        return [self.insert(layer, r) for r in records]

    def update(self, layer: str, fid: int, changes: dict, **kw) -> dict:
        old = self._store.update(layer, fid, changes, **kw)
        self.ops.append(("update", layer, int(fid), dict(changes), old))
        return old

    def delete(self, layer: str, fid: int) -> dict:
        rec = self._store.delete(layer, fid)
        self.ops.append(("delete", layer, int(fid), {}, rec))
        return rec

    def set_setting(self, key: str, value: str | None) -> None:
        old = self._store.get_setting(key)
        self._store.set_setting(key, value)
        self.ops.append(("setting", key, 0, {"value": value}, {"value": old}))


@dataclass
class RecordedEdit(Edit):
    """An undoable edit made by running `fn(store)` once; `result` is what fn returned."""

    label_zh: str
    label_en: str
    fn: Callable[[Any], Any]
    ops: list = field(default_factory=list)
    result: Any = None
    _done: bool = False

    @property
    def text(self) -> str:
        from landapp.i18n import tr
        return tr(self.label_zh, self.label_en)

    def apply(self, store) -> None:
        if not self._done:
            rec = RecordingStore(store)
            with store.transaction():
                self.result = self.fn(rec)
            self.ops = rec.ops
            self._done = True
            return
        with store.transaction():  # redo: the same writes again, same fids
            for op, layer, fid, fwd, _back in self.ops:
                if op == "insert":
                    store.insert(layer, fwd, fid=fid)
                elif op == "update":
                    store.update(layer, fid, fwd)
                elif op == "delete":
                    store.delete(layer, fid)
                else:
                    store.set_setting(layer, fwd["value"])

    def revert(self, store) -> None:
        with store.transaction():
            for op, layer, fid, _fwd, back in reversed(self.ops):
                if op == "insert":
                    store.delete(layer, fid)
                elif op == "update":
                    if back:
                        store.update(layer, fid, back)
                elif op == "delete":
                    store.insert(layer, back, fid=fid)
                else:
                    store.set_setting(layer, back["value"])


def run_recorded(store, session, label_zh: str, label_en: str, fn: Callable[[Any], Any]) -> Any:
    """Run `fn(store)` as one undoable step. With an edit session (anything with a `push`
    callable taking the edit, see ui.space_undo) the step goes on its undo stack; without
    one it simply runs. A LandappError propagates and leaves the store unchanged."""
    edit = RecordedEdit(label_zh, label_en, fn)
    edit.apply(store)
    if session is not None:
        session(edit)
    return edit.result
