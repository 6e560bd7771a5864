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


def error_and_buttons(dialog: QDialog, add) -> QLabel:
    """The foot of a dialog: a red, wrapping line for the error of a failed save, then OK
    (calls dialog.save) and Cancel. `add` puts a widget in the dialog's layout (a form's
    addRow or a box's addWidget). Returns the error label."""
    error = QLabel()
    error.setStyleSheet("color: #C62828")
    error.setWordWrap(True)
    add(error)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.save)
    buttons.rejected.connect(dialog.reject)
    add(buttons)
    return error


def _land_use_items() -> list[tuple[str, str]]:
    out = [("", "")]

    def walk(nodes, depth):
        for node, children in nodes:
            out.append(("　" * depth + f"{node.code} {node.name_zh}", node.code))
            walk(children, depth + 1)

    walk(landuse.tree(), 0)
    return out


def field_errors(layer: str, record: dict) -> dict[str, str]:
    """Every rule the record breaks, by field (a form shows them all at once, each beside
    its field): each value on its own first, then the whole record (required fields,
    rules across fields such as FAR min <= max)."""
    errors: dict[str, str] = {}
    for k, v in record.items():
        try:
            values = validate_record(layer, {k: v}, partial=True)
        except ValidationError as e:
            errors[e.field] = e.rule
            continue
        f = spec(layer).field(k) if spec(layer).has(k) else None
        if f is not None and f.required and values.get(k) is None:
            errors[k] = tr("必填", "is required")
    if not errors:
        try:
            validate_record(layer, record)
        except ValidationError as e:
            errors[e.field] = e.rule
    return errors


class FieldEditor(QWidget):
    """Rows of widgets for some fields of a layer, each with its error label beneath.
    `options` turns a text or id field into a list: [str, ...] are suggestions (the field
    stays editable, e.g. zone names), [(label, value), ...] a fixed choice (a unit's floor)."""

    def __init__(self, layer: str, record: dict | None = None, fields: list[str] | None = None,
                 options: dict[str, list] | None = None, parent=None):
        super().__init__(parent)
        self.layer = layer
        self.spec = spec(layer)
        self.options = options or {}
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        wanted = [self.spec.field(n) for n in fields] if fields else [
            f for f in self.spec.fields if not f.computed and f.name not in ("retired",)]
        for f in wanted:
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
            self.form.addRow(f.title + (" *" if f.required else ""), box)
        self.set_values(record or {})

    def set_values(self, record: dict) -> None:
        for name, w in self.widgets.items():
            self._set(self.spec.field(name), w, record.get(name))

    def raw_values(self) -> dict:
        return {name: self._get(self.spec.field(name), w) for name, w in self.widgets.items()}

    def clear_errors(self) -> None:
        for e in self.errors.values():
            e.hide()

    def show_error(self, field: str, rule: str) -> bool:
        """Show a rule beside its field (False if this editor has no such field)."""
        label = self.errors.get(field)
        if label is None:
            return False
        label.setText(rule)
        label.show()
        return True

    def check(self, extra: dict | None = None) -> dict | None:
        """Validate; show every error beside its field and focus the first. Returns the
        stored values, or None when something is wrong."""
        self.clear_errors()
        raw = {**(extra or {}), **self.raw_values()}
        errors = field_errors(self.layer, raw)
        shown = [f for f, rule in errors.items() if self.show_error(f, rule)]
        if errors:
            if shown:
                self.widgets[shown[0]].setFocus()
            return None
        values = validate_record(self.layer, raw)
        return {k: v for k, v in values.items() if k in self.widgets or k == "land_use_source"}

    def _widget(self, f) -> QWidget:
        opts = self.options.get(f.name)
        if opts is not None:
            w = QComboBox()
            if opts and isinstance(opts[0], tuple):  # a fixed choice with stored values
                if not f.required:
                    w.addItem("", None)
                for label, value in opts:
                    w.addItem(label, value)
            else:  # suggestions: type anything, or pick one
                w.setEditable(True)
                w.addItems([""] + [str(o) for o in opts])
            return w
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
        if isinstance(w, QComboBox) and w.isEditable():
            w.setEditText("" if v is None else str(v))
        elif isinstance(w, QComboBox):
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
        if isinstance(w, QComboBox) and w.isEditable():
            return w.currentText().strip() or None
        if isinstance(w, QComboBox):
            v = w.currentData()
            return None if v in (None, "") else v
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QDateEdit):
            return None if w.date() == NO_DATE else w.date().toString("yyyy-MM-dd")
        if isinstance(w, (QSpinBox, QDoubleSpinBox)):
            return None if w.value() == w.minimum() else w.value()
        return w.text().strip() or None



class FeatureForm(QDialog):
    """Edit one record of `layer`. `values()` gives the stored values after `accept`;
    `changes()` only those that differ from the record it was opened with."""

    def __init__(self, layer: str, record: dict | None = None, parent=None, geometry=None,
                 options: dict[str, list] | None = None):
        super().__init__(parent)
        self.layer = layer
        self.spec = spec(layer)
        self.record = dict(record or {})
        self.setWindowTitle(tr(f"{self.spec.title_zh}属性", f"{self.spec.title_en} attributes"))
        self.editor = FieldEditor(layer, self.record, options=options)
        self.widgets, self.errors = self.editor.widgets, self.editor.errors
        geom = geometry if geometry is not None else self.record.get("geometry")
        if geom is not None:  # computed, never typed
            a = geom.area
            text = (f"{a:,.1f} ㎡ = {to_mu(a):,.2f} {tr('亩', 'mu')}" if self.spec.has("area_m2")
                    else f"{a:,.1f} ㎡")
            title = tr("占地面积", "Footprint") if self.spec.has("footprint_m2") else tr("面积", "Area")
            self.editor.form.insertRow(0, title, QLabel(text))
        scroll = QScrollArea()
        scroll.setWidget(self.editor)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(scroll)
        lay.addWidget(buttons)
        self.resize(520, 640)
        self._values: dict = {}

    def raw_values(self) -> dict:
        return self.editor.raw_values()

    def values(self) -> dict:
        return self._values

    def accept(self) -> None:
        values = self.editor.check()
        if values is None:
            return
        self._values = values
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


def form_options(store, layer: str, geometry=None) -> dict[str, list]:
    """Suggestions for a form's free-text fields: the project's zone names, and for a
    building the codes of the parcels under it (largest overlap first)."""
    opts: dict[str, list] = {}
    s = spec(layer)
    if s.has("zone") and layer != "zones":
        names = store.read_layer("zones", columns=["name"])["name"].dropna().tolist()
        opts["zone"] = sorted(set(names))
    if layer == "buildings" and geometry is not None:
        from landapp.editing import neighbours

        under = [(r["geometry"].intersection(geometry).area, r["code"])
                 for r in neighbours(store, "parcels", geometry) if r.get("code")]
        opts["parcel_code"] = [c for a, c in sorted(under, reverse=True) if a > 0]
    return opts
