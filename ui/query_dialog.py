"""按属性选择 (select by attribute): a query builder of rows field / operator / value joined
by 并且 / 或者, with a count before selecting; and the 选择统计 panel: count and area (㎡, 亩)
of the selection, by status, land use or another field."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (QComboBox, QDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QRadioButton, QTextBrowser, QVBoxLayout, QWidget)

from landapp import query as q
from landapp.errors import LandappError
from landapp.schema import spec, value_label
from ui.i18n import tr

LAYERS = ("parcels", "buildings", "zones", "roads")
HIDDEN = {"retired", "land_user_id", "created", "modified", "geom"}
MAX_ROWS = 4


def _fields(layer: str):
    return [f for f in spec(layer).fields if f.name not in HIDDEN]


class _ConditionRow:
    def __init__(self, dialog: "SelectByAttributeDialog", grid: QGridLayout, row: int):
        self.dialog = dialog
        self.join = QComboBox()
        self.join.addItem(tr("并且", "AND"), "AND")
        self.join.addItem(tr("或者", "OR"), "OR")
        self.field = QComboBox()
        self.op = QComboBox()
        self.value = QComboBox()
        self.value.setEditable(True)
        self.value.setMinimumContentsLength(12)
        for col, w in enumerate((self.join, self.field, self.op, self.value)):
            grid.addWidget(w, row, col)
        if row == 0:
            self.join.setEnabled(False)
            self.join.setItemText(0, tr("条件", "Where"))
        self.field.currentIndexChanged.connect(lambda _i: self._field_changed())
        self.op.currentIndexChanged.connect(lambda _i: self._op_changed())
        for w in (self.join, self.field, self.op):
            w.currentIndexChanged.connect(lambda _i: dialog.clear_count())
        self.value.editTextChanged.connect(lambda _t: dialog.clear_count())

    def fill_fields(self, layer: str) -> None:
        self.field.blockSignals(True)
        self.field.clear()
        self.field.addItem(tr("(不用)", "(unused)"), None)
        for f in _fields(layer):
            self.field.addItem(f.title, f.name)
        self.field.blockSignals(False)
        self._field_changed()

    def _field_changed(self) -> None:
        layer = self.dialog.layer()
        name = self.field.currentData()
        f = next((f for f in spec(layer).fields if f.name == name), None)
        self.op.blockSignals(True)
        self.op.clear()
        ops = q.NUMERIC_OPS if f is not None and f.kind in ("int", "real", "date") else tuple(q.OPERATORS)
        for op in ops:
            self.op.addItem(q.operator_title(op), op)
        self.op.blockSignals(False)
        self.value.clear()
        if f is not None and f.choices:  # the stored value behind the shown label
            for c in f.choices:
                self.value.addItem(value_label(c), c)
        elif f is not None and f.kind == "bool":
            self.value.addItem(tr("是", "yes"), "1")
            self.value.addItem(tr("否", "no"), "0")
        self.value.setCurrentIndex(-1 if self.value.count() == 0 else 0)
        for w in (self.op, self.value):
            w.setEnabled(f is not None)
        self._op_changed()

    def _op_changed(self) -> None:
        needs, _, _ = q.OPERATORS.get(self.op.currentData() or "=", q.OPERATORS["="])
        self.value.setEnabled(needs and self.field.currentData() is not None)

    def condition(self) -> q.Condition | None:
        name = self.field.currentData()
        if name is None:
            return None
        i = self.value.currentIndex()
        text = self.value.currentText()
        # a picked choice gives its stored value; typed text is taken as typed
        value = self.value.itemData(i) if i >= 0 and self.value.itemText(i) == text else text
        return q.Condition(name, self.op.currentData(), value, self.join.currentData())


class SelectByAttributeDialog(QDialog):
    """Field / operator / value rows; 计数 says how many match; 选择 selects them."""

    def __init__(self, window, layer: str | None = None):
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle(tr("按属性选择", "Select by attribute"))
        self.layer_box = QComboBox()
        for lid in LAYERS:
            self.layer_box.addItem(spec(lid).title, lid)
        start = layer or getattr(getattr(window, "canvas", None), "active_layer", "parcels")
        self.layer_box.setCurrentIndex(max(0, self.layer_box.findData(start)))
        grid = QGridLayout()
        self.rows = [_ConditionRow(self, grid, r) for r in range(MAX_ROWS)]
        self.mode_new = QRadioButton(tr("新选择", "New selection"))
        self.mode_add = QRadioButton(tr("加入当前选择", "Add to selection"))
        self.mode_within = QRadioButton(tr("在当前选择中筛选", "Within the selection"))
        self.mode_new.setChecked(True)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.count_button = QPushButton(tr("计数", "Count"))
        self.select_button = QPushButton(tr("选择", "Select"))
        self.select_button.setDefault(True)
        close = QPushButton(tr("关闭", "Close"))
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("图层:", "Layer:")))
        top.addWidget(self.layer_box, 1)
        modes = QHBoxLayout()
        for w in (self.mode_new, self.mode_add, self.mode_within):
            modes.addWidget(w)
        buttons = QHBoxLayout()
        buttons.addWidget(self.result, 1)
        for b in (self.count_button, self.select_button, close):
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(grid)
        lay.addLayout(modes)
        lay.addLayout(buttons)
        self.layer_box.currentIndexChanged.connect(lambda _i: self._layer_changed())
        self.count_button.clicked.connect(self.count)
        self.select_button.clicked.connect(self.select)
        close.clicked.connect(self.reject)
        self._layer_changed()

    def layer(self) -> str:
        return self.layer_box.currentData()

    def _layer_changed(self) -> None:
        for r in self.rows:
            r.fill_fields(self.layer())
        if self.rows:
            self.rows[0].field.setCurrentIndex(1)
        self.clear_count()

    def clear_count(self) -> None:
        self.result.setText("")

    def conditions(self) -> list[q.Condition]:
        return [c for c in (r.condition() for r in self.rows) if c is not None]

    def set_row(self, i: int, field: str, op: str, value=None, join: str = "AND") -> None:
        """Fill condition row i (tests and scripts)."""
        r = self.rows[i]
        r.field.setCurrentIndex(r.field.findData(field))
        r.op.setCurrentIndex(r.op.findData(op))
        r.join.setCurrentIndex(r.join.findData(join))
        if value is not None:
            k = r.value.findData(value)
            if k >= 0:
                r.value.setCurrentIndex(k)
            else:
                r.value.setEditText(str(value))

    def count(self) -> int | None:
        try:
            n = q.count(self.window_.store, self.layer(), self.conditions())
        except LandappError as e:
            self.result.setText(f"<span style='color:#C62828'>{html.escape(str(e))}</span>")
            return None
        self.result.setText(tr(f"符合条件:<b>{n:,}</b> 个要素", f"<b>{n:,}</b> features match"))
        return n

    def select(self) -> list[int] | None:
        w, layer = self.window_, self.layer()
        try:
            fids = q.select_fids(w.store, layer, self.conditions())
        except LandappError as e:
            self.result.setText(f"<span style='color:#C62828'>{html.escape(str(e))}</span>")
            return None
        current = set(w.map.layer(layer).selection)
        if self.mode_add.isChecked():
            chosen = current | set(fids)
        elif self.mode_within.isChecked():
            chosen = current & set(fids)
        else:
            chosen = set(fids)
        w.canvas.active_layer = layer
        if hasattr(w, "layer_panel"):
            w.layer_panel.show_layer(layer)
        w.canvas.set_selection(layer, chosen)
        self.result.setText(tr(f"已选择 {len(chosen):,} 个要素", f"{len(chosen):,} features selected"))
        return sorted(chosen)


GROUP_FIELDS = {"parcels": ("status", "land_use", "zone", "supply_method"), "buildings": ("btype", "zone", "structure"),
                "zones": ("kind",), "roads": ("grade",)}


class StatisticsPanel(QWidget):
    """Count and area of the selection on the active layer, grouped by a field."""

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window_ = window
        self.by = QComboBox()
        self.view = QTextBrowser()
        self.stats: dict = {}
        self.layer = "parcels"
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("分组", "Group by")))
        top.addWidget(self.by, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)
        self.by.activated.connect(lambda _i: self.refresh())
        window.canvas.selection_changed.connect(self._selection_changed)
        self._fill_by("parcels")
        self.refresh()

    def _fill_by(self, layer: str) -> None:
        current = self.by.currentData() if self.by.count() else "status"  # by status at first
        self.by.clear()
        s = spec(layer)
        for name in GROUP_FIELDS.get(layer, ()):
            if s.has(name):
                self.by.addItem(next(f.title for f in s.fields if f.name == name), name)
        self.by.addItem(tr("(不分组)", "(none)"), None)
        k = self.by.findData(current)
        self.by.setCurrentIndex(k if k >= 0 else 0)

    def _selection_changed(self, layer: str) -> None:
        if layer in GROUP_FIELDS and (self.window_.map.layer(layer).selection or layer == self.layer):
            if layer != self.layer:
                self.layer = layer
                self._fill_by(layer)
            self.refresh()

    def refresh(self):
        from ui import jobs

        w = self.window_
        layer, by = self.layer, self.by.currentData()
        fids = sorted(w.map.layer(layer).selection)
        self.job = jobs.start(lambda job: q.statistics(job.store, layer, fids, by),
                              title=tr("统计所选", "Selection statistics"), store=w.store,
                              key=("statistics", id(self)), busy=self.view,
                              on_done=lambda st: self.show_stats(layer, by, st),
                              on_error=lambda m: self.view.setPlainText(m))
        return self.job

    def show_stats(self, layer: str, by: str | None, st: dict) -> None:
        self.stats = st
        s = spec(layer)
        out = [f"<b>{html.escape(s.title)}</b> · {tr('所选', 'selected')} <b>{st['count']:,}</b>"]
        if not st["count"]:
            out.append(f"<p style='color:#757575'>{tr('在地图或属性表中选择要素,这里显示其数量与面积。', 'Select features on the map or in the table to see their count and area here.')}</p>")
            self.view.setHtml("".join(out))
            return
        if layer in q.AREA_FIELD:
            name = tr("占地面积", "Footprint") if layer == "buildings" else tr("面积", "Area")
            out.append(f"<p>{name}<br><b>{st['area_m2']:,.1f} ㎡</b> = <b>{st['area_mu']:,.2f} {tr('亩', 'mu')}</b>")
            if "floor_area_m2" in st:
                out.append(f"<br>{tr('建筑面积', 'Floor area')} <b>{st['floor_area_m2']:,.0f} ㎡</b>")
            out.append("</p>")
        if by and st["groups"]:
            title = next(f.title for f in s.fields if f.name == by)
            out.append(f"<table cellspacing='0' cellpadding='3'><tr><th align='left'>{html.escape(title)}</th>"
                       f"<th align='right'>{tr('数量', 'Count')}</th>")
            if layer in q.AREA_FIELD:
                out.append(f"<th align='right'>㎡</th><th align='right'>{tr('亩', 'mu')}</th>")
            out.append("</tr>")
            for key, n, a, mu in st["groups"]:
                label = value_label(key) if key is not None else tr("(空)", "(empty)")
                out.append(f"<tr><td>{html.escape(str(label))}</td><td align='right'>{n:,}</td>")
                if layer in q.AREA_FIELD:
                    out.append(f"<td align='right'>{a:,.1f}</td><td align='right'>{mu:,.2f}</td>")
                out.append("</tr>")
            out.append("</table>")
        self.view.setHtml("".join(out))


def open_select_by_attribute(window, layer: str | None = None) -> SelectByAttributeDialog:
    dlg = getattr(window, "_select_dialog", None)
    if dlg is None:
        dlg = SelectByAttributeDialog(window, layer)
        window._select_dialog = dlg
    elif layer:
        dlg.layer_box.setCurrentIndex(dlg.layer_box.findData(layer))
    dlg.show()
    dlg.raise_()
    return dlg
