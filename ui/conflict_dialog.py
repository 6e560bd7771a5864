"""No lost update: an edit is written only if the row is still the version the planner read
(row_version), or, when someone wrote it since, if they changed other fields than mine
(the store compares, landapp.store.geopackage.plan_update). Where both changed a field
differently, the conflict view shows, field by field, the value the edit started from,
theirs and mine, and both shapes on a small map when the shape is one of them; the planner
keeps theirs, takes mine, or combines (ticks the fields where mine wins). Nothing is
overwritten without asking; edits to different fields both land."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from landapp.errors import LandappError
from landapp.schema import spec, value_label
from landapp.units import to_mu
from ui.i18n import tr

# ask(conflicts) -> the fields where mine wins ({} = keep theirs, None = cancel)
Ask = Callable[[list[dict]], "set[str] | None"]


def _shown(v: Any) -> str:
    if v is None:
        return ""
    if hasattr(v, "geom_type"):
        return tr(f"{to_mu(v.area):,.2f} 亩({v.area:,.1f} ㎡)", f"{to_mu(v.area):,.2f} mu ({v.area:,.1f} m²)")
    if isinstance(v, bool):
        return tr("是", "yes") if v else tr("否", "no")
    return value_label(v) if isinstance(v, str) else f"{v:g}" if isinstance(v, float) else str(v)


class ShapePreview(QWidget):
    """Their shape and mine over the neighbouring features (layers.shape_compare)."""

    def __init__(self, theirs, mine, seen=None, neighbours=(), parent=None):
        super().__init__(parent)
        self.theirs, self.mine, self.seen, self.neighbours = theirs, mine, seen, list(neighbours)
        self.setMinimumSize(360, 240)
        self.setToolTip(tr("蓝色:他人的图形;橙色:我的图形;虚线:修改前;灰色:相邻要素",
                           "Blue: theirs; orange: mine; dashed: before; grey: neighbours"))

    def paintEvent(self, event) -> None:
        from PySide6.QtCore import QRectF
        from PySide6.QtGui import QPainter

        from layers.shape_compare import paint_shape_conflict

        p = QPainter(self)
        try:
            paint_shape_conflict(p, QRectF(self.rect()), self.theirs, self.mine, seen=self.seen,
                                 neighbours=self.neighbours)
        finally:
            p.end()


class ConflictDialog(QDialog):
    def __init__(self, layer: str, label: str, conflicts: list[dict], parent=None, neighbours=()):
        super().__init__(parent)
        self.setWindowTitle(tr("编辑冲突", "Edit conflict"))
        s = spec(layer)
        lay = QVBoxLayout(self)
        intro = QLabel(tr(
            f"{s.title_zh} {label} 在您编辑期间已被他人修改。请逐项选择保留他人的值还是用您的值:",
            f"{s.title_en} {label} was changed by someone else while you edited it. Choose, field by "
            "field, their value or yours:"))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.preview: ShapePreview | None = None
        shape = next((c for c in conflicts if c["field"] == "geometry"), None)
        if shape is not None:  # the shape conflicts: both drawn, over the neighbours
            self.preview = ShapePreview(shape["theirs"], _as_shape(shape["mine"]), _as_shape(shape["seen"]),
                                        neighbours, self)
            lay.addWidget(self.preview, 1)
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
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for col in (1, 2, 3):  # the values share the dialog's width (long names need it)
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(60 + 32 * len(conflicts))
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
        self.resize(640, 140 + 32 * len(conflicts) + (360 if self.preview is not None else 0))

    def ticked(self) -> set[str]:
        return {f for r, f in enumerate(self.fields)
                if self.table.item(r, 4).checkState() == Qt.CheckState.Checked}

    def _done(self, mine: set[str]) -> None:
        self.mine_wins = mine
        self.accept()


def _as_shape(v: Any) -> Any:
    return v if v is None or hasattr(v, "geom_type") else None


def _neighbours(store, layer: str, fid: int, conflicts: list[dict]) -> list:
    shape = next((c for c in conflicts if c["field"] == "geometry"), None)
    if shape is None or not spec(layer).spatial:
        return []
    from layers.shape_compare import compare_extent, neighbour_shapes

    box = compare_extent(*(_as_shape(shape[k]) for k in ("theirs", "mine", "seen")))
    return neighbour_shapes(store, layer, fid, box) if box is not None else []


def apply_checked(session, layer: str, fid: int, seen: dict, changes: dict, parent=None,
                  ask: Ask | None = None) -> bool:
    """Run an UpdateAttributes of `changes` made from the record `seen` (its row_version and
    the values of the fields changed); the store checks it (see the module text) and a
    conflict brings up the view. True when something was written."""
    from landapp.editing import UpdateAttributes
    from landapp.errors import ConflictError
    from landapp.schema import ROW_VERSION

    store = session.store

    def edit(ch: dict, base: dict, version) -> UpdateAttributes:
        e = UpdateAttributes(layer, fid, dict(ch), session.avoid_overlaps,
                             old={k: base[k] for k in ch if k in base}, version=version)
        if set(ch) == {"geometry"}:
            e.text_zh, e.text_en = "修改图形", "Edit shape"
        return e

    first = edit(changes, seen, seen.get(ROW_VERSION))

    def resolve(err: ConflictError) -> UpdateAttributes | None:
        nonlocal ask
        current = err.conflicts
        if ask is None:
            def ask(cs):
                try:
                    rec = store.get(layer, fid)
                    label = str(rec.get("code") or rec.get("name") or fid)
                except LandappError:
                    label = str(fid)
                dlg = ConflictDialog(layer, label, cs, parent, neighbours=_neighbours(store, layer, fid, cs))
                return dlg.mine_wins if dlg.exec() else None
        mine_wins = ask(current)
        if mine_wins is None:
            return None
        theirs = {c["field"]: c["theirs"] for c in current}
        last = pending[-1]
        ch = {k: v for k, v in last.changes.items() if k not in theirs or k in mine_wins}
        if not ch:
            return None  # theirs kept everywhere: nothing of mine left to write
        # made from what the planner has just been shown: theirs where they conflicted
        base = {**last.old, **theirs}
        pending.append(edit(ch, base, err.version))
        return pending[-1]

    pending = [first]
    return session.run(first, on_conflict=resolve)
