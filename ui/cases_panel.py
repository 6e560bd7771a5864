"""Revitalisation cases panel: the case list with the campaign progress, a case's dated
history, and dialogs to open a case and move it on (only the moves the state machine in
landapp.revitalisation allows are offered; errors from the core are shown, nothing is lost)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from landapp import revitalisation as rv
from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.schema import CASE_MEASURES, value_label
from landapp.space_edits import run_recorded
from landapp.store.filters import F, current
from landapp.vacancy import default_as_of
from ui.following import FollowsStore
from ui.forms import error_and_buttons

COLUMNS = [("fid", "编号", "Id"), ("target", "对象", "Target"), ("target_code", "地块/建筑", "Parcel/building"),
           ("target_name", "名称", "Name"), ("zone", "片区", "Zone"),
           ("measure", "盘活方式", "Measure"), ("responsible", "责任人", "Responsible"), ("state", "状态", "State"),
           ("area_m2", "面积(㎡)", "Area (m²)"), ("opened_date", "立案日期", "Opened"),
           ("target_date", "目标日期", "Target date"), ("last_step", "最近进展", "Last step"),
           ("note", "备注", "Note")]
STATE_COLOURS = {"识别": "#FFF59D", "方案": "#FFE0B2", "实施中": "#BBDEFB", "已盘活": "#C8E6C9", "终止": "#E0E0E0"}


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _iso(q: QDate) -> str:
    return dt.date(q.year(), q.month(), q.day()).isoformat()


class OpenCaseDialog(QDialog):
    def __init__(self, store, parent=None, *, target_layer: str = "parcels", code: str = "", push=None):
        super().__init__(parent)
        self.store, self.push = store, push
        self.case_id: int | None = None
        self.setWindowTitle(tr("新建盘活案件", "New revitalisation case"))
        today = default_as_of(store)
        form = QFormLayout(self)
        self.layer = QComboBox()
        self.layer.addItem(tr("地块", "Parcel"), "parcels")
        self.layer.addItem(tr("建筑", "Building"), "buildings")
        self.layer.setCurrentIndex(0 if target_layer == "parcels" else 1)
        self.code = QLineEdit(code)
        self.code.setPlaceholderText(tr("地块编号或建筑编号/名称", "parcel code, or building code/name"))
        self.measure = QComboBox()
        for m in CASE_MEASURES:
            self.measure.addItem(value_label(m), m)
        self.responsible = QLineEdit()
        self.target = QDateEdit(_qdate(today.replace(year=today.year + 1)), calendarPopup=True)
        self.opened = QDateEdit(_qdate(today), calendarPopup=True)
        for w in (self.target, self.opened):
            w.setDisplayFormat("yyyy-MM-dd")
        self.area = QDoubleSpinBox(maximum=1e8, decimals=1, suffix=" ㎡")
        self.area.setSpecialValueText(tr("取地块/建筑面积", "parcel/building area"))
        self.note = QLineEdit()
        for label, w in ((tr("对象", "Target"), self.layer), (tr("编号", "Code"), self.code),
                         (tr("盘活方式", "Measure"), self.measure), (tr("责任人", "Responsible"), self.responsible),
                         (tr("立案日期", "Opened"), self.opened), (tr("目标日期", "Target date"), self.target),
                         (tr("盘活面积", "Area"), self.area), (tr("说明", "Note"), self.note)):
            form.addRow(label, w)
        self.error = error_and_buttons(self, form.addRow)

    def _target_fid(self) -> int:
        layer, ref = self.layer.currentData(), self.code.text().strip()
        if layer == "parcels":
            rows = self.store.rows("parcels", (F("code") == ref) & current())
        else:
            rows = self.store.rows("buildings", ((F("code") == ref) | (F("name") == ref)) & current())
        if not rows:
            raise LandappError(tr(f"找不到编号为“{ref}”的{'地块' if layer == 'parcels' else '建筑'}。",
                                  f"No {'parcel' if layer == 'parcels' else 'building'} has the code '{ref}'."))
        return rows[0]["fid"]

    def save(self) -> None:
        try:
            fid, layer = self._target_fid(), self.layer.currentData()
            kw = {"measure": self.measure.currentData(), "responsible": self.responsible.text().strip() or None,
                  "target_date": _iso(self.target.date()), "area_m2": self.area.value() or None,
                  "note": self.note.text().strip() or None, "opened": _iso(self.opened.date())}
            self.case_id = run_recorded(self.store, self.push, "新建盘活案件", "Open revitalisation case",
                                        lambda st: rv.open_case(st, layer, fid, **kw))
        except LandappError as e:
            self.error.setText(str(e))
            return
        self.accept()


class AdvanceDialog(QDialog):
    def __init__(self, store, case: dict, parent=None, push=None):
        super().__init__(parent)
        self.store, self.case, self.push = store, case, push
        self.setWindowTitle(tr(f"推进案件 {case['fid']}", f"Move case {case['fid']} on"))
        form = QFormLayout(self)
        self.state = QComboBox()
        for s in rv.allowed_transitions(case["state"]):
            self.state.addItem(value_label(s), s)
        self.date = QDateEdit(_qdate(default_as_of(store)), calendarPopup=True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.note = QLineEdit()
        self.user = QLineEdit(case.get("responsible") or "")
        form.addRow(tr("当前状态", "Current state"), QLabel(value_label(case["state"])))
        form.addRow(tr("改为", "Move to"), self.state)
        form.addRow(tr("日期", "Date"), self.date)
        form.addRow(tr("说明", "Note"), self.note)
        form.addRow(tr("记录人", "Recorded by"), self.user)
        self.error = error_and_buttons(self, form.addRow)

    def save(self) -> None:
        state, date = self.state.currentData(), _iso(self.date.date())
        note, user = self.note.text().strip() or None, self.user.text().strip() or None
        try:
            run_recorded(self.store, self.push, f"盘活案件 {self.case['fid']} → {state}",
                         f"Case {self.case['fid']} -> {value_label(state)}",
                         lambda st: rv.advance_case(st, self.case["fid"], state, date=date, note=note, user=user))
        except LandappError as e:
            self.error.setText(str(e))
            return
        self.accept()


class EditCaseDialog(QDialog):
    """Change a case's measure, responsible person, target date, area and note."""

    def __init__(self, store, case: dict, parent=None, push=None):
        super().__init__(parent)
        self.store, self.case, self.push = store, case, push
        self.setWindowTitle(tr(f"编辑案件 {case['fid']}", f"Edit case {case['fid']}"))
        form = QFormLayout(self)
        self.measure = QComboBox()
        self.measure.addItem(tr("(未定)", "(not decided)"), None)
        for m in CASE_MEASURES:
            self.measure.addItem(value_label(m), m)
        self.measure.setCurrentIndex(max(0, self.measure.findData(case.get("measure"))))
        self.responsible = QLineEdit(case.get("responsible") or "")
        td = _opt(case.get("target_date"))
        self.has_target = QCheckBox(tr("有目标日期", "Has a target date"))
        self.has_target.setChecked(td is not None)
        self.target = QDateEdit(_qdate(td or default_as_of(store)), calendarPopup=True)
        self.target.setDisplayFormat("yyyy-MM-dd")
        self.target.setEnabled(td is not None)
        self.has_target.toggled.connect(self.target.setEnabled)
        self.area = QDoubleSpinBox(maximum=1e8, decimals=1, suffix=" ㎡")
        self.area.setValue(float(case.get("area_m2") or 0))
        self.note = QLineEdit(case.get("note") or "")
        form.addRow(tr("对象", "Target"), QLabel(f"{case.get('target_code') or ''}"))
        form.addRow(tr("状态", "State"), QLabel(value_label(case["state"])))
        form.addRow(tr("盘活方式", "Measure"), self.measure)
        form.addRow(tr("责任人", "Responsible"), self.responsible)
        row = QHBoxLayout()
        row.addWidget(self.has_target)
        row.addWidget(self.target, 1)
        form.addRow(tr("目标日期", "Target date"), row)
        form.addRow(tr("盘活面积", "Area"), self.area)
        form.addRow(tr("备注", "Note"), self.note)
        self.error = error_and_buttons(self, form.addRow)

    def save(self) -> None:
        changes = {"measure": self.measure.currentData(), "responsible": self.responsible.text().strip() or None,
                   "target_date": _iso(self.target.date()) if self.has_target.isChecked() else None,
                   "area_m2": self.area.value() or None, "note": self.note.text().strip() or None}
        try:
            run_recorded(self.store, self.push, f"编辑盘活案件 {self.case['fid']}", f"Edit case {self.case['fid']}",
                         lambda st: rv.update_case(st, self.case["fid"], changes))
        except LandappError as e:
            self.error.setText(str(e))
            return
        self.accept()


def _opt(v) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(v)[:10]) if v else None
    except ValueError:
        return None


class CasesPanel(FollowsStore, QWidget):
    def __init__(self, store, parent=None, push=None):
        super().__init__(parent)
        self.store, self.push = store, push
        self.setWindowTitle(tr("盘活案件", "Revitalisation cases"))
        lay = QVBoxLayout(self)
        self.progress = QLabel()
        self.progress.setWordWrap(True)
        lay.addWidget(self.progress)
        bar = QHBoxLayout()
        self.filter = QComboBox()
        self.filter.addItem(tr("全部状态", "All states"), None)
        self.filter.addItem(tr("在办", "Open"), "open")
        for s in rv.TRANSITIONS:
            self.filter.addItem(value_label(s), s)
        self.new_btn = QPushButton(tr("新建案件…", "New case…"))
        self.advance_btn = QPushButton(tr("推进…", "Move on…"))
        self.edit_btn = QPushButton(tr("编辑…", "Edit…"))
        self.target_btn = QPushButton(tr("设年度目标…", "Set target…"))
        self.export_btn = QPushButton(tr("导出 CSV…", "Export CSV…"))
        for w in (self.filter, self.new_btn, self.advance_btn, self.edit_btn, self.target_btn):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.export_btn)
        lay.addLayout(bar)
        split = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(zh, en) for _, zh, en in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history = QTableWidget(0, 4)
        self.history.setHorizontalHeaderLabels([tr("日期", "Date"), tr("状态", "State"), tr("说明", "Note"),
                                                tr("记录人", "Recorded by")])
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setStretchLastSection(True)  # the note takes the room left
        for t in (self.table, self.history):
            t.verticalHeader().setVisible(False)
        split.addWidget(self.table)
        split.addWidget(self.history)
        lay.addWidget(split, 1)
        self.filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.itemSelectionChanged.connect(self._show_history)
        self.new_btn.clicked.connect(lambda: self.new_case())
        self.advance_btn.clicked.connect(lambda: self.advance_selected())
        self.edit_btn.clicked.connect(lambda: self.edit_selected())
        self.export_btn.clicked.connect(lambda: self.export_csv())
        self.table.cellDoubleClicked.connect(lambda _r, _c: self.edit_selected())
        self.target_btn.clicked.connect(self.set_target)
        store.signals.changed.connect(self._on_store_changed)
        self.refresh()

    def _on_store_changed(self, event) -> None:
        if event.layer in ("revitalisation_cases", "case_history", "project_settings"):
            self.refresh()

    def cases(self) -> list[dict]:
        f = self.filter.currentData()
        rows = self.store.rows("revitalisation_cases")
        if f == "open":
            rows = [r for r in rows if r["state"] in rv.OPEN_STATES]
        elif f:
            rows = [r for r in rows if r["state"] == f]
        return rows

    def refresh(self) -> None:
        year = default_as_of(self.store).year
        try:
            p = rv.campaign_progress(self.store, year)
            target = f"{p['target_m2']:,.0f} ㎡" if p["target_m2"] else tr("未设", "not set")
            pct = f"{p['progress']:.1%}" if p["progress"] is not None else "-"
            self.progress.setText(tr(
                f"{year} 年已盘活 {p['revitalised_count']} 宗,{p['revitalised_m2']:,.0f} ㎡;目标 {target},完成 {pct};"
                f"在办 {p['open_count']} 件。",
                f"{year}: {p['revitalised_count']} revitalised, {p['revitalised_m2']:,.0f} m²; target {target}, "
                f"{pct}; {p['open_count']} open."))
        except LandappError as e:
            self.progress.setText(str(e))
        selected = self.selected_case_id()
        rows = self.cases()
        overdue = {c["fid"] for c in rv.overdue(self.store, default_as_of(self.store))}
        self.table.setRowCount(len(rows))
        targets = {layer: {t["fid"]: t for t in self.store.rows(layer, geometry=False)}
                   for layer in ("parcels", "buildings")}
        last = {}
        for h in self.store.rows("case_history", order_by=("date", "fid")):
            last[h["case_id"]] = h["date"]
        for i, r in enumerate(rows):
            t = targets.get(r["target_layer"], {}).get(r["target_id"], {})
            vals = {**r, "target": tr("地块", "Parcel") if r["target_layer"] == "parcels" else tr("建筑", "Building"),
                    "measure": value_label(r.get("measure")), "state": value_label(r["state"]),
                    "target_name": t.get("name"), "zone": t.get("zone"), "last_step": last.get(r["fid"])}
            for j, (k, _, _) in enumerate(COLUMNS):
                v = vals.get(k)
                item = QTableWidgetItem("" if v is None else (f"{v:,.0f}" if isinstance(v, float) else str(v)))
                item.setData(Qt.ItemDataRole.UserRole, r["fid"])
                if k == "state":
                    item.setBackground(QColor(STATE_COLOURS.get(r["state"], "#FFFFFF")))
                if k == "target_date" and r["fid"] in overdue:
                    item.setBackground(QColor("#FFCDD2"))
                    item.setToolTip(tr("已超过目标日期", "Past its target date"))
                self.table.setItem(i, j, item)
            if r["fid"] == selected:
                self.table.selectRow(i)
        self._show_history()

    def selected_case_id(self) -> int | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def select_case(self, case_id: int) -> None:
        for i in range(self.table.rowCount()):
            if self.table.item(i, 0).data(Qt.ItemDataRole.UserRole) == case_id:
                self.table.selectRow(i)
                return

    def _show_history(self) -> None:
        cid = self.selected_case_id()
        rows = rv.history(self.store, cid) if cid is not None else []
        self.history.setRowCount(len(rows))
        for i, h in enumerate(rows):
            for j, v in enumerate((h["date"], value_label(h["state"]), h.get("note"), h.get("user"))):
                self.history.setItem(i, j, QTableWidgetItem(v or ""))
        case = self.store.get("revitalisation_cases", cid) if cid is not None else None
        self.advance_btn.setEnabled(bool(case and rv.allowed_transitions(case["state"])))
        self.edit_btn.setEnabled(case is not None)

    def new_case(self, **kw) -> int | None:
        dlg = OpenCaseDialog(self.store, self, push=self.push, **kw)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.select_case(dlg.case_id)
            return dlg.case_id
        return None

    def advance_selected(self) -> bool:
        cid = self.selected_case_id()
        if cid is None:
            return False
        dlg = AdvanceDialog(self.store, self.store.get("revitalisation_cases", cid), self, push=self.push)
        return dlg.exec() == QDialog.DialogCode.Accepted

    def export_csv(self, path: str | None = None) -> str | None:
        from ui.table_export import export_table

        return export_table(self, self.table, tr(f"盘活案件_{default_as_of(self.store)}",
                                                 f"cases_{default_as_of(self.store)}"), path)

    def edit_selected(self) -> bool:
        cid = self.selected_case_id()
        if cid is None:
            return False
        dlg = EditCaseDialog(self.store, self.store.get("revitalisation_cases", cid), self, push=self.push)
        return dlg.exec() == QDialog.DialogCode.Accepted

    def set_target(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        year = default_as_of(self.store).year
        current = rv.get_targets(self.store).get(year, 150000.0)
        value, ok = QInputDialog.getDouble(self, tr("年度盘活目标", "Campaign target"),
                                           tr(f"{year} 年盘活目标面积(㎡)", f"Target area for {year} (m²)"),
                                           current, 0, 1e9, 0)
        if ok:
            try:
                run_recorded(self.store, self.push, "设年度盘活目标", "Set campaign target",
                             lambda st: rv.set_target(st, year, value))
            except LandappError as e:
                QMessageBox.warning(self, tr("无法保存", "Cannot save"), str(e))
