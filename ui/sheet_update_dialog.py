"""文件 → 从表格更新属性: pick a spreadsheet, the layer and the key; check the column mapping
(as for imports); see every change (row, key, field, old → new), the unmatched and duplicate
keys, the invalid values and the unit conversions; apply as one transaction and one step on
the undo stack (landapp.sheet_update)."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from landapp.errors import LandappError
from landapp.schema import spec
from landapp.sheet_update import LAYERS, SheetUpdate, plan_update
from ui.i18n import tr

DEFAULT_KEYS = {"parcels": "code", "buildings": "name", "units": "code", "enterprises": "name"}


def _ro(text) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class SheetUpdateDialog(QDialog):
    def __init__(self, store, parent=None, path: str | None = None, session=None):
        super().__init__(parent)
        self.store = store
        self.session = session if session is not None else getattr(parent, "session", None)
        self.plan = None
        self.setWindowTitle(tr("从表格更新属性", "Update attributes from a spreadsheet"))
        self.path = QLineEdit()
        self.path.returnPressed.connect(self.check)
        browse = QPushButton(tr("选择文件…", "Choose file…"))
        browse.clicked.connect(self.choose)
        self.layer = QComboBox()
        for lid in LAYERS:
            self.layer.addItem(spec(lid).title, lid)
        self.key = QComboBox()
        self.layer.currentIndexChanged.connect(lambda _i: self._fill_keys())
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow(tr("表格文件", "Spreadsheet"), row)
        form.addRow(tr("更新图层", "Layer"), self.layer)
        form.addRow(tr("按字段匹配", "Match by"), self.key)
        self.mapping = QTableWidget(0, 2)
        self.mapping.setHorizontalHeaderLabels([tr("表格列", "Column"), tr("对应字段", "Field")])
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping.verticalHeader().hide()
        self.changes = QTableWidget(0, 5)
        self.changes.setHorizontalHeaderLabels([tr("行", "Row"), tr("编号", "Key"), tr("字段", "Field"),
                                                tr("原值", "Old"), tr("新值", "New")])
        self.changes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for col in (0, 1):  # the row number and the key in full
            self.changes.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.changes.verticalHeader().hide()
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.check_button = QPushButton(tr("检查", "Check"))
        self.apply_button = QPushButton(tr("更新", "Update"))
        self.apply_button.setDefault(True)
        self.apply_button.setEnabled(False)
        close = QPushButton(tr("关闭", "Close"))
        self.check_button.clicked.connect(self.check)
        self.apply_button.clicked.connect(self.apply)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.apply_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        def titled(title: str, widget) -> QWidget:
            w = QWidget()
            v = QVBoxLayout(w)
            v.setContentsMargins(0, 4, 0, 0)
            v.addWidget(QLabel(title))
            v.addWidget(widget)
            return w

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(titled(tr("列与字段对应", "Columns and fields"), self.mapping))
        top.addWidget(titled(tr("改动(原值 → 新值)", "Changes (old → new)"), self.changes))
        top.setSizes([330, 670])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(titled(tr("找不到、重复、错误与换算", "Unmatched, duplicates, errors and conversions"),
                               self.report))
        split.setSizes([420, 200])
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(split, 1)
        lay.addLayout(buttons)
        self.resize(1000, 720)
        self._fill_keys()
        if path:
            self.path.setText(path)
            self.check()

    def _fill_keys(self) -> None:
        layer = self.layer.currentData()
        self.key.clear()
        for f in spec(layer).fields:
            if f.kind == "text" and not f.computed:
                self.key.addItem(f"{f.title}({f.name})", f.name)
        self.key.setCurrentIndex(max(0, self.key.findData(DEFAULT_KEYS[layer])))
        self.mapping.setRowCount(0)

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("选择表格", "Choose a spreadsheet"), "",
                                              tr("表格 (*.xlsx *.csv)", "Spreadsheets (*.xlsx *.csv)"))
        if path:
            self.path.setText(path)
            self.mapping.setRowCount(0)
            self.check()

    def current_mapping(self) -> dict[str, str]:
        out = {}
        for r in range(self.mapping.rowCount()):
            combo = self.mapping.cellWidget(r, 1)
            out[self.mapping.item(r, 0).text()] = combo.currentData() or ""
        return out

    def _fill_mapping(self, plan) -> None:
        layer = self.layer.currentData()
        cols = [c for c in plan.columns if c.header]
        self.mapping.setRowCount(len(cols))
        for r, c in enumerate(cols):
            self.mapping.setItem(r, 0, _ro(c.header))
            combo = QComboBox()
            combo.addItem(tr("(不更新)", "(ignore)"), "")
            for f in spec(layer).fields:
                if not f.computed:
                    combo.addItem(f"{f.title}({f.name})", f.name)
            if c.field == "far":
                combo.addItem(tr("容积率 下限–上限", "FAR min–max"), "far")
            combo.setCurrentIndex(max(0, combo.findData(c.field or "")))
            self.mapping.setCellWidget(r, 1, combo)

    def check(self) -> bool:
        path = self.path.text().strip()
        layer, key = self.layer.currentData(), self.key.currentData()
        self.apply_button.setEnabled(False)
        if not path:
            return False
        mapping = self.current_mapping() if self.mapping.rowCount() else None
        try:
            plan = plan_update(self.store, path, layer, key, mapping=mapping)
        except LandappError as e:
            self.report.setPlainText(str(e))
            self.changes.setRowCount(0)
            return False
        self.plan = plan
        if not self.mapping.rowCount():
            self._fill_mapping(plan)
        s = spec(layer)
        self.changes.setRowCount(len(plan.changes))
        for r, c in enumerate(plan.changes):
            for k, v in enumerate((c.row, c.key, s.field(c.field).title, c.old, c.new)):
                self.changes.setItem(r, k, _ro(v))
        lines = [plan.summary(), tr(f"表头在第 {plan.header_row} 行。", f"Header in row {plan.header_row}.")]
        lines += [tr("说明:", "Note: ") + n for n in plan.notes]
        lines += [tr(f"第 {row} 行:找不到 {k}", f"row {row}: {k} not found") for row, k in plan.unmatched]
        lines += [tr(f"{k} 在第 {'、'.join(map(str, rows))} 行重复,未更新", f"{k} repeats in rows "
                     f"{', '.join(map(str, rows))}; not updated") for k, rows in plan.duplicates]
        lines += [tr(f"工程中有多条记录的编号为 {k},未更新", f"several records share the key {k}; not updated")
                  for k in plan.ambiguous]
        lines += [tr(f"第 {row} 行“{col}”的值 {v!r} 不合规则:{rule}", f"row {row} '{col}': {v!r}: {rule}")
                  for row, col, v, rule in plan.problems]
        if plan.ignored:
            lines.append(tr("未更新的列:", "Columns not updated: ") + "、".join(plan.ignored))
        self.report.setPlainText("\n".join(lines))
        self.apply_button.setEnabled(bool(plan.changes) and not plan.problems)
        if plan.problems:
            self.apply_button.setToolTip(tr("请先改正表格中的错误值", "Correct the invalid values first"))
        return True

    def apply(self) -> None:
        if self.plan is None or not self.check() or self.plan.problems or not self.plan.changes:
            return
        edit = SheetUpdate(self.plan)
        if self.session is not None:
            ok = self.session.run(edit)  # one transaction, one undo step
        else:
            try:
                edit.apply(self.store)
                ok = True
            except LandappError as e:
                self.report.appendPlainText(str(e))
                ok = False
        if ok:
            n = len(self.plan.by_fid())
            self.report.appendPlainText(tr(f"已更新 {n} 条记录({os.path.basename(self.plan.path)})。",
                                           f"Updated {n} records ({os.path.basename(self.plan.path)})."))
            self.apply_button.setEnabled(False)
