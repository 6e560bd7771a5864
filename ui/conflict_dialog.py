"""No lost update from the attribute form: an edit is written only if the fields it changes
still hold what the form showed. When a colleague (or another program) changed one of them
meanwhile, the conflict view shows, field by field, the value the form started from, theirs
and mine; the planner keeps theirs, takes mine, or combines (ticks the fields where mine
wins). Fields only one side changed need no question: edits to different fields both land."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from landapp.i18n import tr
from landapp.schema import spec, value_label

# ask(conflicts) -> the fields where mine wins ({} = keep theirs, None = cancel)
Ask = Callable[[list[dict]], "set[str] | None"]


def _same(a: Any, b: Any) -> bool:
    from landapp.store.geopackage import _same as same

    return same(a, b)


def _shown(v: Any) -> str:
    if v is None:
        return ""
    if hasattr(v, "geom_type"):
        return tr(f"图形 {v.area:,.1f} ㎡", f"shape {v.area:,.1f} m²")
    if isinstance(v, bool):
        return tr("是", "yes") if v else tr("否", "no")
    return value_label(v) if isinstance(v, str) else f"{v:g}" if isinstance(v, float) else str(v)


class ConflictDialog(QDialog):
    def __init__(self, layer: str, label: str, conflicts: list[dict], parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("编辑冲突", "Edit conflict"))
        s = spec(layer)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(tr(
            f"{s.title_zh} {label} 在您编辑期间已被他人修改。请逐项选择保留他人的值还是用您的值:",
            f"{s.title_en} {label} was changed by someone else while you edited it. Choose, field by "
            "field, their value or yours:")))
        self.table = QTableWidget(len(conflicts), 5)
        self.table.setHorizontalHeaderLabels([tr("字段", "Field"), tr("原值", "Was"), tr("他人的值", "Theirs"),
                                              tr("我的值", "Mine"), tr("用我的", "Use mine")])
        self.fields = [c["field"] for c in conflicts]
        for r, c in enumerate(conflicts):
            f = c["field"]
            title = tr("图形", "Shape") if f == "geometry" else s.field(f).title
            for col, text in enumerate([title, _shown(c["seen"]), _shown(c["theirs"]), _shown(c["mine"])]):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, col, item)
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Unchecked)
            self.table.setItem(r, 4, check)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        lay.addWidget(self.table)
        buttons = QDialogButtonBox()
        self.keep_theirs = QPushButton(tr("保留他人的", "Keep theirs"))
        self.take_mine = QPushButton(tr("全部用我的", "Take mine"))
        self.combine = QPushButton(tr("按勾选合并", "Combine as ticked"))
        for b in (self.keep_theirs, self.take_mine, self.combine):
            buttons.addButton(b, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.keep_theirs.clicked.connect(lambda: self._done(set()))
        self.take_mine.clicked.connect(lambda: self._done(set(self.fields)))
        self.combine.clicked.connect(lambda: self._done(self.ticked()))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.mine_wins: set[str] | None = None
        self.resize(640, 120 + 32 * len(conflicts))

    def ticked(self) -> set[str]:
        return {f for r, f in enumerate(self.fields)
                if self.table.item(r, 4).checkState() == Qt.CheckState.Checked}

    def _done(self, mine: set[str]) -> None:
        self.mine_wins = mine
        self.accept()


def find_conflicts(current: dict, seen: dict, changes: dict) -> list[dict]:
    """The fields I changed that someone else changed too, since `seen` was read."""
    out = []
    for k, mine in changes.items():
        if k in seen and not _same(current.get(k), seen.get(k)) and not _same(current.get(k), mine):
            out.append({"field": k, "seen": seen.get(k), "theirs": current.get(k), "mine": mine})
    return out


def apply_checked(session, layer: str, fid: int, seen: dict, changes: dict, parent=None,
                  ask: Ask | None = None) -> bool:
    """Run an UpdateAttributes of `changes` made from the record `seen`, checked against
    what the store holds now (see the module text). True when something was written."""
    from landapp.editing import UpdateAttributes

    store = session.store
    current = store.get(layer, fid)
    conflicts = find_conflicts(current, seen, changes)
    changes = dict(changes)
    if conflicts:
        if ask is None:
            def ask(cs):
                dlg = ConflictDialog(layer, str(current.get("code") or current.get("name") or fid), cs, parent)
                return dlg.mine_wins if dlg.exec() else None
        mine_wins = ask(conflicts)
        if mine_wins is None:
            return False
        for c in conflicts:
            if c["field"] not in mine_wins:
                changes.pop(c["field"])
    # fields only I changed: the store checks they still hold what I saw; conflicting fields
    # resolved for mine: what I have just been shown (theirs)
    expected = {k: current.get(k) for k in changes}
    if not changes:
        return False
    return session.run(UpdateAttributes(layer, fid, changes, session.avoid_overlaps, old=expected))
