"""Idle-land panel: the parcels judged by 《闲置土地处置办法》 (idle, exempt, not yet due),
批而未供 and 供而未用 lists, recording an exemption reason (Art. 8) and opening a
revitalisation case for a parcel."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
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
           idle.WITHIN_GRACE: "#FFF9C4"}
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
        self.export_btn = QPushButton(tr("导出 CSV…", "Export CSV…"))
        for w in (self.kind, QLabel(tr("统计日", "As of")), self.date, QLabel(tr("豁免原因", "Exemption")),
                  self.reason, self.exempt_btn, self.case_btn):
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
                    ("fee_wan", "闲置费(万元)", "Fee (10k CNY)"), ("exemption", "豁免原因", "Exemption"),
                    ("reason", "依据", "Grounds")]
            summary = (tr(
                f"闲置 {s['idle_count']} 宗,{s['idle_area_m2'] / MU_M2:,.1f} 亩,应征闲置费 {s['fee_wan']:,.1f} 万元"
                f"(统计日 {as_of})",
                f"{s['idle_count']} idle parcels, {s['idle_area_m2'] / MU_M2:,.1f} mu, fees {s['fee_wan']:,.1f} on {as_of}"))
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

    def open_case(self) -> int | None:
        from ui.cases_panel import OpenCaseDialog

        r = self.selected()
        if r is None:
            return None
        dlg = OpenCaseDialog(self.store, self, target_layer="parcels", code=r["code"] or "", push=self.push)
        return dlg.case_id if dlg.exec() == OpenCaseDialog.DialogCode.Accepted else None
