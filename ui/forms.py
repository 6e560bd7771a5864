"""Attribute forms built from the schema: a widget fit for each field (land-use codes from
the class tree with Chinese names, value lists, dates with a calendar, numbers with units),
validation errors shown beside the field, areas computed and read-only."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox,
                               QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QScrollArea,
                               QSpinBox, QVBoxLayout, QWidget)

from landapp import landuse
from landapp.errors import ValidationError
from landapp.schema import spec, validate_record, value_label
from landapp.units import to_mu
from ui.i18n import tr

NO_DATE = QDate(1900, 1, 1)  # shown as blank: the field is empty


def _land_use_items() -> list[tuple[str, str]]:
    out = [("", "")]

    def walk(nodes, depth):
        for node, children in nodes:
            out.append(("　" * depth + f"{node.code} {node.name_zh}", node.code))
            walk(children, depth + 1)

    walk(landuse.tree(), 0)
    return out


class FeatureForm(QDialog):
    """Edit one record of `layer`. `values()` gives the stored values after `accept`."""

    def __init__(self, layer: str, record: dict | None = None, parent=None, geometry=None):
        super().__init__(parent)
        self.layer = layer
        self.spec = spec(layer)
        self.record = dict(record or {})
        self.setWindowTitle(tr(f"{self.spec.title_zh}属性", f"{self.spec.title_en} attributes"))
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        geom = geometry if geometry is not None else self.record.get("geometry")
        if geom is not None:
            a = geom.area
            form.addRow(tr("面积", "Area"), QLabel(f"{a:,.1f} ㎡ = {to_mu(a):,.2f} {tr('亩', 'mu')}"))
        for f in self.spec.fields:
            if f.computed or f.name in ("retired",):
                continue
            w = self._widget(f)
            self.widgets[f.name] = w
            err = QLabel("")
            err.setStyleSheet("color: #C62828")
            err.setWordWrap(True)
            err.hide()
            self.errors[f.name] = err
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(w)
            lay.addWidget(err)
            label = f.title + (" *" if f.required else "")
            form.addRow(label, box)
            self._set(f, w, self.record.get(f.name))
        inner = QWidget()
        inner.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(scroll)
        lay.addWidget(buttons)
        self.resize(520, 640)
        self._values: dict = {}

    def _widget(self, f) -> QWidget:
        if f.name == "land_use":
            w = QComboBox()
            for text, code in _land_use_items():
                w.addItem(text, code)
            return w
        if f.choices:
            w = QComboBox()
            w.addItem("", None)
            for c in f.choices:
                w.addItem(value_label(c), c)
            return w
        if f.kind == "bool":
            return QCheckBox()
        if f.kind == "date":
            w = QDateEdit()
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
            w.setMinimumDate(NO_DATE)
            w.setSpecialValueText(tr("(未填)", "(empty)"))
            return w
        if f.kind == "int":
            w = QSpinBox()
            w.setRange(int(f.min) - 1 if f.min is not None else -1_000_000, int(f.max) if f.max is not None else 1_000_000_000)
            w.setSpecialValueText(tr("(未填)", "(empty)"))
            if f.unit:
                w.setSuffix(f" {f.unit}")
            return w
        if f.kind == "real":
            w = QDoubleSpinBox()
            w.setDecimals(2)
            lo = (f.min if f.min is not None else -1e12) - 1
            w.setRange(lo, f.max if f.max is not None else 1e12)
            w.setSpecialValueText(tr("(未填)", "(empty)"))
            if f.unit:
                w.setSuffix(f" {f.unit}")
            return w
        return QLineEdit()

    def _set(self, f, w, v) -> None:
        if isinstance(w, QComboBox):
            i = w.findData(landuse.normalize_code(v) if f.name == "land_use" and v and landuse.is_known(v) else v)
            w.setCurrentIndex(max(0, i))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(v))
        elif isinstance(w, QDateEdit):
            w.setDate(QDate.fromString(str(v)[:10], "yyyy-MM-dd") if v else NO_DATE)
        elif isinstance(w, (QSpinBox, QDoubleSpinBox)):
            w.setValue(w.minimum() if v is None else v)
        else:
            w.setText("" if v is None else str(v))

    def _get(self, f, w):
        if isinstance(w, QComboBox):
            return w.currentData() or None
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QDateEdit):
            return None if w.date() == NO_DATE else w.date().toString("yyyy-MM-dd")
        if isinstance(w, (QSpinBox, QDoubleSpinBox)):
            return None if w.value() == w.minimum() else w.value()
        return w.text().strip() or None

    def raw_values(self) -> dict:
        return {name: self._get(self.spec.field(name), w) for name, w in self.widgets.items()}

    def values(self) -> dict:
        return self._values

    def accept(self) -> None:
        for e in self.errors.values():
            e.hide()
        try:
            self._values = validate_record(self.layer, self.raw_values())
        except ValidationError as e:
            label = self.errors.get(e.field)
            if label is not None:
                label.setText(e.rule)
                label.show()
                self.widgets[e.field].setFocus()
            return
        super().accept()

    def changes(self) -> dict:
        """Only the fields that differ from the record the form was opened with."""
        out = {}
        for k, v in self._values.items():
            old = self.record.get(k)
            if isinstance(old, (dt.date, dt.datetime)):
                old = old.isoformat()[:10]
            if old != v and not (old in (None, "") and v in (None, "")):
                out[k] = v
        return out
