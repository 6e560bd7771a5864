"""Idle-land panel: the parcels judged by 《闲置土地处置办法》 (idle, exempt, not yet due, dates
missing), 批而未供 and 供而未用 lists, recording an exemption reason (Art. 8), the disposal
record (stage, 决定书 number and date, fee due and paid) and opening a revitalisation case."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from landapp import idle
from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.space_edits import run_recorded
from landapp.units import MU_M2
from landapp.vacancy import default_as_of
from ui.following import FollowsStore

COLOURS = {idle.RECLAIMABLE: "#FFCDD2", idle.SUSPECTED: "#FFE0B2", idle.EXEMPT: "#BBDEFB",
           idle.WITHIN_GRACE: "#FFF9C4", idle.INCOMPLETE: "#E1BEE7"}
STAGE_FIELDS = ["idle_stage", "idle_doc_no", "idle_doc_date", "idle_fee_due", "idle_fee_paid"]
LISTS = [("idle", "闲置认定", "Idle land"), ("unsupplied", "批而未供", "Approved, not supplied"),
         ("unused", "供而未用", "Supplied, not used")]


class IdleLandPanel(FollowsStore, QWidget):
    parcel_activated = Signal(int)  # parcel fid (double-click), e.g. to zoom the map to it

    def __init__(self, store, parent=None, push=None):
        super().__init__(parent)
        self.store, self.push = store, push
        self.rows: list[dict] = []
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.kind = QComboBox()
        for key, zh, en in LISTS:
            self.kind.addItem(tr(zh, en), key)
        d = default_as_of(store)
        self.date = QDateEdit(QDate(d.year, d.month, d.day), calendarPopup=True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItem("")
        self.reason.addItems(list(idle.EXEMPTION_REASONS))
        self.reason.setMinimumWidth(240)
        self.exempt_btn = QPushButton(tr("登记豁免", "Record exemption"))
        self.case_btn = QPushButton(tr("立盘活案件…", "Open case…"))
        self.stage_btn = QPushButton(tr("登记处置…", "Record disposal…"))
        self.export_btn = QPushButton(tr("导出 CSV…", "Export CSV…"))
        for w in (self.kind, QLabel(tr("统计日", "As of")), self.date, QLabel(tr("豁免原因", "Exemption")),
                  self.reason, self.exempt_btn, self.stage_btn, self.case_btn):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.export_btn)
        lay.addLayout(bar)
        self.summary = QLabel()
        lay.addWidget(self.summary)
        self.table = QTableWidget()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.table, 1)
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.date.dateChanged.connect(lambda _d: self.refresh())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.cellDoubleClicked.connect(lambda r, _c: self.parcel_activated.emit(self.rows[r]["fid"]))
        self.table.setToolTip(tr("双击一行在地图上定位该地块", "Double-click a row to show the parcel on the map"))
        self.exempt_btn.clicked.connect(self.record_exemption)
        self.case_btn.clicked.connect(self.open_case)
        self.stage_btn.clicked.connect(lambda: self.record_stage())
        self.export_btn.clicked.connect(lambda: self.export_csv())
        store.signals.changed.connect(self._on_store_changed)
        self.refresh()

    def as_of(self) -> dt.date:
        q = self.date.date()
        return dt.date(q.year(), q.month(), q.day())

    def _on_store_changed(self, event) -> None:
        if event.layer in ("parcels", "project_settings"):
            self.refresh()

    def refresh(self):
        """The list is computed in the background (3 s on a 100k park), then shown."""
        from ui import jobs

        kind, as_of = self.kind.currentData(), self.as_of()
        self.job = jobs.start(lambda job: self._compute(idle.load_parcels(job.store), kind, as_of),
                              title=tr("计算闲置土地", "Computing idle land"), store=self.store,
                              key=("idle", id(self)), busy=self.table, on_done=self._show,
                              on_error=self.summary.setText)
        if self.job.running:
            self.summary.setText(tr("正在计算…", "Computing…"))
        return self.job

    @staticmethod
    def _compute(parcels, kind, as_of):
        """(rows, columns, summary) of one list; no Qt (runs in a worker thread)."""
        if kind == "unsupplied":
            rows = idle.approved_not_supplied(parcels)
            cols = [("code", "地块编号", "Parcel"), ("name", "名称", "Name"), ("zone", "片区", "Zone"),
                    ("area_mu", "面积(亩)", "Area (mu)"), ("kind", "类别", "Kind"),
                    ("expected_supply_date", "预计供地", "Expected supply")]
            summary = (tr(f"批而未供 {len(rows)} 宗,{sum(r['area_m2'] or 0 for r in rows) / MU_M2:,.1f} 亩",
                                    f"{len(rows)} parcels approved, not supplied"))
        elif kind == "unused":
            rows = idle.supplied_not_used(parcels, as_of)
            for r in rows:
                r["status"] = r["idle_status"]
            cols = [("code", "地块编号", "Parcel"), ("land_user", "使用权人", "Land user"), ("zone", "片区", "Zone"),
                    ("area_mu", "面积(亩)", "Area (mu)"), ("agreed_start", "约定开工", "Agreed start"),
                    ("kind", "情形", "Situation"), ("status_label", "闲置认定", "Idle status")]
            summary = (tr(f"供而未用 {len(rows)} 宗", f"{len(rows)} parcels supplied, not used"))
        else:
            rows = idle.idle_report(parcels, as_of)
            s = idle.idle_summary(rows)
            rows = [r for r in rows if r["status"] != idle.NORMAL]
            cols = [("code", "地块编号", "Parcel"), ("land_user", "使用权人", "Land user"), ("zone", "片区", "Zone"),
                    ("area_mu", "面积(亩)", "Area (mu)"), ("status_label", "认定", "Status"),
                    ("since", "闲置起算", "Idle since"), ("reclaim_from", "可收回日期", "Reclaimable from"),
                    ("stage_label", "处置阶段", "Stage"), ("decision_no", "决定书文号", "Decision no."),
                    ("decision_date", "决定书日期", "Decision date"),
                    ("fee_due", "应缴闲置费(万元)", "Fee due (10k CNY)"), ("fee_paid", "已缴(万元)", "Paid (10k CNY)"),
                    ("exemption", "豁免原因", "Exemption"), ("reason", "依据", "Grounds")]
            summary = (tr(
                f"闲置 {s['idle_count']} 宗,{s['idle_area_m2'] / MU_M2:,.1f} 亩;征缴闲置费 {s['fee_count']} 宗,"
                f"应缴 {s['fee_wan']:,.1f} 万元,已缴 {s['fee_paid_wan']:,.1f} 万元;资料不全 {s['incomplete_count']} 宗"
                f"(统计日 {as_of})",
                f"{s['idle_count']} idle parcels, {s['idle_area_m2'] / MU_M2:,.1f} mu; fee levied on {s['fee_count']}: "
                f"due {s['fee_wan']:,.1f}, paid {s['fee_paid_wan']:,.1f}; dates missing: {s['incomplete_count']} "
                f"(on {as_of})"))
        for r in rows:
            if "status" in r:
                r["status_label"] = idle.status_label(r["status"])
        return rows, cols, summary

    def _show(self, out) -> None:
        rows, cols, summary = out
        self.summary.setText(summary)
        self.rows = rows
        self.table.clear()
        self.table.setColumnCount(len(cols))
        self.table.setHorizontalHeaderLabels([tr(zh, en) for _, zh, en in cols])
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            colour = COLOURS.get(r.get("status"))
            for j, (k, _, _) in enumerate(cols):
                v = r.get(k)
                item = QTableWidgetItem("" if v is None else (f"{v:,.2f}" if isinstance(v, float) else str(v)))
                if colour:
                    item.setBackground(QColor(colour))
                self.table.setItem(i, j, item)
        self._selection_changed()

    def export_csv(self, path: str | None = None) -> str | None:
        """The list as shown, e.g. 批而未供_2026-11-01.csv."""
        from ui.table_export import export_table

        return export_table(self, self.table, f"{self.kind.currentText()}_{self.as_of()}", path)

    def selected(self) -> dict | None:
        rows = {i.row() for i in self.table.selectedItems()}
        return self.rows[rows.pop()] if rows else None

    def select_code(self, code: str) -> bool:
        for i, r in enumerate(self.rows):
            if r.get("code") == code:
                self.table.selectRow(i)
                return True
        return False

    def _selection_changed(self) -> None:
        r = self.selected()
        parcel_list = self.kind.currentData() != "unsupplied"
        self.exempt_btn.setEnabled(r is not None and parcel_list)
        self.stage_btn.setEnabled(r is not None and parcel_list)
        self.case_btn.setEnabled(r is not None)
        if r is not None and parcel_list:
            self.reason.setCurrentText(self.store.get("parcels", r["fid"]).get("idle_exemption") or "")

    def record_exemption(self) -> None:
        r = self.selected()
        if r is None:
            return
        try:
            reason = self.reason.currentText()
            run_recorded(self.store, self.push, f"闲置豁免 {r['code']}", f"Idle exemption {r['code']}",
                         lambda st: idle.set_exemption(st, r["fid"], reason))
        except LandappError as e:
            QMessageBox.warning(self, tr("无法保存", "Cannot save"), str(e))
            return
        self.select_code(r["code"])

    def record_stage(self, values: dict | None = None) -> bool:
        """Edit the selected parcel's disposal record in a small form (or write `values`
        directly, for scripts and tests). Returns True when saved."""
        r = self.selected()
        if r is None:
            return False
        if values is None:
            dlg = IdleStageDialog(self.store.get("parcels", r["fid"]), self)
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return False
            values = dlg.values
        try:
            run_recorded(self.store, self.push, f"闲置处置 {r['code']}", f"Idle-land disposal {r['code']}",
                         lambda st: st.update("parcels", r["fid"], values))
        except LandappError as e:
            QMessageBox.warning(self, tr("无法保存", "Cannot save"), str(e))
            return False
        self.select_code(r["code"])
        return True

    def open_case(self) -> int | None:
        from ui.cases_panel import OpenCaseDialog

        r = self.selected()
        if r is None:
            return None
        dlg = OpenCaseDialog(self.store, self, target_layer="parcels", code=r["code"] or "", push=self.push)
        return dlg.case_id if dlg.exec() == OpenCaseDialog.DialogCode.Accepted else None


class IdleStageDialog(QDialog):
    """The disposal record of one parcel: stage, 决定书 number and date, fee due and paid
    (numbers checked by the schema: no NaN, not negative)."""

    def __init__(self, parcel: dict, parent=None):
        from ui.forms import FieldEditor, error_and_buttons

        super().__init__(parent)
        self.setWindowTitle(tr(f"闲置土地处置 {parcel.get('code') or ''}", f"Idle-land disposal {parcel.get('code') or ''}"))
        self.values: dict = {}
        self.parcel = parcel
        lay = QVBoxLayout(self)
        self.editor = FieldEditor("parcels", parcel, fields=STAGE_FIELDS)
        lay.addWidget(self.editor)
        self.error = error_and_buttons(self, lay.addWidget)

    def save(self) -> None:
        # the parcel's required fields, so the record is checked whole (dates, numbers, choices)
        values = self.editor.check(extra={k: self.parcel.get(k) for k in ("code", "status")})
        if values is None:
            return
        self.values = {k: values.get(k) for k in STAGE_FIELDS}
        self.accept()
