"""Stacking plan view: pick a building, colour by status or years to lease expiry, click a
unit to edit its status, area and current lease; export PNG or PDF. Drawing is in
layers/stacking.py; every edit goes through the store (one transaction per dialog)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.schema import UNIT_STATUSES, value_label
from landapp.space_edits import run_recorded
from landapp.vacancy import default_as_of, load_space
from layers.stacking import StackingPlan, StackUnit, export_pdf, export_png, stacking_data
from ui.following import FollowsStore


def _qdate(d: dt.date | str | None) -> QDate:
    if not d:
        return QDate.currentDate()
    d = dt.date.fromisoformat(str(d)[:10]) if not isinstance(d, dt.date) else d
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> str:
    return dt.date(q.year(), q.month(), q.day()).isoformat()


class StackingCanvas(QWidget):
    """Paints a StackingPlan and reports the unit clicked."""

    unit_clicked = Signal(object)  # StackUnit

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plan: StackingPlan | None = None
        self.selected: int | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_plan(self, plan: StackingPlan | None) -> None:
        self.plan = plan
        self.setMinimumHeight(int(plan.preferred_height(30.0)) if plan else 100)
        self.updateGeometry()
        if plan is not None:  # lay out now so clicks work before the first paint
            plan.layout(QRectF(self.rect()))
        self.update()

    def resizeEvent(self, event) -> None:
        if self.plan is not None:
            self.plan.layout(QRectF(self.rect()))
        super().resizeEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(900, int(self.plan.preferred_height(30.0)) if self.plan else 100)

    def paintEvent(self, _event) -> None:
        if self.plan is None:
            return
        p = QPainter(self)
        self.plan.paint(p, QRectF(self.rect()), self.selected)
        p.end()

    def mouseMoveEvent(self, event) -> None:
        u = self.plan.unit_at(QPointF(event.position())) if self.plan else None
        if u is None:
            self.setToolTip("")
            return
        tenant = "、".join(u.tenants) or "-"
        end = f"{u.lease_end}" if u.lease_end else "-"
        self.setToolTip(tr(f"单元 {u.code}\n面积 {u.area:,.1f} ㎡\n状态 {u.status}\n租户 {tenant}\n到期 {end}",
                           f"Unit {u.code}\nArea {u.area:,.1f} m²\nStatus {value_label(u.status)}\n"
                           f"Tenant {tenant}\nEnds {end}"))

    def mousePressEvent(self, event) -> None:
        if self.plan is None or event.button() != Qt.MouseButton.LeftButton:
            return
        u = self.plan.unit_at(QPointF(event.position()))
        if u is not None:
            self.selected = u.fid
            self.update()
            self.unit_clicked.emit(u)


class UnitDialog(QDialog):
    """Edit a unit (code, area, status) and its lease in force (tenant, dates, area, rent),
    or sign a new lease for a vacant unit."""

    def __init__(self, store, unit_fid: int, as_of: dt.date, parent=None, push=None):
        super().__init__(parent)
        self.store, self.unit_fid, self.as_of, self.push = store, unit_fid, as_of, push
        self.unit = store.get("units", unit_fid)
        self.lease = self._current_lease()
        self.setWindowTitle(tr(f"编辑单元 {self.unit.get('code') or unit_fid}", f"Edit unit {self.unit.get('code') or unit_fid}"))
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.code = QLineEdit(self.unit.get("code") or "")
        self.area = QDoubleSpinBox(maximum=1e7, decimals=1, suffix=" ㎡")
        self.area.setValue(float(self.unit.get("area") or 0))
        self.status = QComboBox()
        for s in UNIT_STATUSES:
            self.status.addItem(value_label(s), s)
        self.status.setCurrentIndex(max(0, UNIT_STATUSES.index(self.unit["status"]) if self.unit.get("status") in UNIT_STATUSES else 0))
        form.addRow(tr("单元编号", "Unit code"), self.code)
        form.addRow(tr("面积", "Area"), self.area)
        form.addRow(tr("状态", "Status"), self.status)
        lay.addLayout(form)
        box = QGroupBox(tr("当前租约" if self.lease else "新租约(状态为已租/装修中时填写)",
                           "Current lease" if self.lease else "New lease (for a leased or fitting-out unit)"))
        lf = QFormLayout(box)
        le = self.lease or {}
        self.tenant = QLineEdit(le.get("tenant") or "")
        self.start = QDateEdit(_qdate(le.get("start_date") or as_of), calendarPopup=True)
        self.end = QDateEdit(_qdate(le.get("end_date") or as_of.replace(year=as_of.year + 3)), calendarPopup=True)
        for w in (self.start, self.end):
            w.setDisplayFormat("yyyy-MM-dd")
        self.lease_area = QDoubleSpinBox(maximum=1e7, decimals=1, suffix=" ㎡")
        self.lease_area.setValue(float(le.get("area") or self.unit.get("area") or 0))
        self.rent = QDoubleSpinBox(maximum=10000, decimals=1, suffix=tr(" 元/㎡·月", " CNY/m²·month"))
        self.rent.setValue(float(le.get("rent") or self.unit.get("asking_rent") or 0))
        lf.addRow(tr("承租企业", "Tenant"), self.tenant)
        lf.addRow(tr("起租日期", "Start"), self.start)
        lf.addRow(tr("到期日期", "End"), self.end)
        lf.addRow(tr("租赁面积", "Leased area"), self.lease_area)
        lf.addRow(tr("租金", "Rent"), self.rent)
        self.end_lease = QPushButton(tr("退租(今日终止租约)", "End lease today"))
        self.end_lease.setEnabled(self.lease is not None)
        self.end_lease.clicked.connect(self._end_lease)
        lf.addRow(self.end_lease)
        lay.addWidget(box)
        self.error = QLabel()
        self.error.setStyleSheet("color: #C62828")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _current_lease(self) -> dict | None:
        d = self.as_of.isoformat()
        rows = self.store.rows("leases", "unit_id = ? AND start_date <= ? AND end_date >= ?",
                               (self.unit_fid, d, d), order_by="end_date DESC")
        return rows[0] if rows else None

    def _end_lease(self) -> None:
        """Terminate the lease on the reference date and make the unit vacant."""
        def end(st):
            st.update("leases", self.lease["fid"], {"end_date": self.as_of.isoformat(), "status": "已终止"})
            st.update("units", self.unit_fid, {"status": "空置"})

        try:
            run_recorded(self.store, self.push, "退租", "End lease", end)
        except LandappError as e:
            self.error.setText(str(e))
            return
        self.accept()

    def save(self) -> None:
        status = self.status.currentData()
        tenant = self.tenant.text().strip()
        lease = {"tenant": tenant, "start_date": _pydate(self.start.date()),
                 "end_date": _pydate(self.end.date()), "area": self.lease_area.value(),
                 "rent": self.rent.value() or None}

        def write(st):
            st.update("units", self.unit_fid, {"code": self.code.text(), "area": self.area.value(), "status": status})
            if self.lease is not None:
                st.update("leases", self.lease["fid"], lease)
            elif tenant and status in ("已租", "装修中"):
                ent = st.rows("enterprises", "name = ?", (tenant,))
                st.insert("leases", {**lease, "unit_id": self.unit_fid, "building_id": self.unit["building_id"],
                                     "status": "有效", "enterprise_id": ent[0]["fid"] if ent else None})
            elif status == "已租" and not tenant:
                raise LandappError(tr("状态为已租时请填写承租企业。", "Enter the tenant of a leased unit."))

        try:
            run_recorded(self.store, self.push, "编辑单元", "Edit unit", write)
        except LandappError as e:
            self.error.setText(str(e))  # the transaction rolled back: nothing half-saved
            return
        self.accept()


class AddUnitDialog(QDialog):
    """Add a unit on a floor of the building (a new floor above the top one if needed)."""

    def __init__(self, store, building_id: int, parent=None, push=None):
        super().__init__(parent)
        self.store, self.building_id, self.push = store, int(building_id), push
        self.unit_fid: int | None = None
        self.setWindowTitle(tr("新增单元", "Add unit"))
        form = QFormLayout(self)
        self.floor = QComboBox()
        floors = store.rows("floors", "building_id = ?", (self.building_id,), order_by="level DESC")
        top = max((f["level"] for f in floors), default=0)
        self.floor.addItem(tr(f"新增 {top + 1}F", f"New floor {top + 1}F"), ("new", top + 1))
        for f in floors:
            self.floor.addItem(f.get("name") or f"{f['level']}F", ("floor", f["fid"]))
        if floors:
            self.floor.setCurrentIndex(1)
        self.code = QLineEdit()
        self.area = QDoubleSpinBox(minimum=0.1, maximum=1e7, decimals=1, suffix=" ㎡")
        self.area.setValue(100.0)
        self.status = QComboBox()
        for s in UNIT_STATUSES:
            self.status.addItem(value_label(s), s)
        form.addRow(tr("楼层", "Floor"), self.floor)
        form.addRow(tr("单元编号", "Unit code"), self.code)
        form.addRow(tr("面积", "Area"), self.area)
        form.addRow(tr("状态", "Status"), self.status)
        self.error = QLabel()
        self.error.setStyleSheet("color: #C62828")
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        kind, value = self.floor.currentData()
        rec = {"building_id": self.building_id, "code": self.code.text().strip() or None,
               "area": self.area.value(), "status": self.status.currentData()}

        def write(st):
            floor_id = value
            if kind == "new":
                floor_id = st.insert("floors", {"building_id": self.building_id, "level": value, "name": f"{value}F"})
            return st.insert("units", {**rec, "floor_id": floor_id})

        try:
            self.unit_fid = run_recorded(self.store, self.push, "新增单元", "Add unit", write)
        except LandappError as e:
            self.error.setText(str(e))
            return
        self.accept()


def delete_unit(store, unit_fid: int, push=None) -> None:
    """Delete a unit that has no lease (leases are history and must not be orphaned)."""
    n = store.count("leases", "unit_id = ?", (int(unit_fid),))
    if n:
        raise LandappError(tr(f"该单元有 {n} 份租约(含历史租约),不能删除;可改为其他状态或调整面积。",
                              f"The unit has {n} leases (history included) and cannot be deleted."))
    run_recorded(store, push, "删除单元", "Delete unit", lambda st: st.delete("units", int(unit_fid)))


class StackingView(FollowsStore, QWidget):
    """Building chooser, colour mode, export buttons and the plan."""

    def __init__(self, store, building_id: int | None = None, parent=None, push=None):
        super().__init__(parent)
        self.store, self.push = store, push
        self.as_of = default_as_of(store)
        self.setWindowTitle(tr("楼宇分层图", "Stacking plan"))
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.building = QComboBox()
        self.building.setMinimumWidth(260)
        self.building.setEditable(True)
        self.building.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.colour = QComboBox()
        self.colour.addItem(tr("按状态", "By status"), "status")
        self.colour.addItem(tr("按租约剩余年限", "By years to expiry"), "expiry")
        self.date = QDateEdit(_qdate(self.as_of), calendarPopup=True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.add_btn = QPushButton(tr("新增单元…", "Add unit…"))
        self.del_btn = QPushButton(tr("删除单元", "Delete unit"))
        self.png = QPushButton(tr("导出 PNG…", "Export PNG…"))
        self.pdf = QPushButton(tr("导出 PDF…", "Export PDF…"))
        for w in (QLabel(tr("建筑", "Building")), self.building, QLabel(tr("着色", "Colour")), self.colour,
                  QLabel(tr("统计日", "As of")), self.date):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.add_btn)
        bar.addWidget(self.del_btn)
        bar.addWidget(self.png)
        bar.addWidget(self.pdf)
        lay.addLayout(bar)
        self.canvas = StackingCanvas()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.canvas)
        lay.addWidget(scroll, 1)
        self._fill_buildings()
        self.building.currentIndexChanged.connect(lambda _i: self.refresh())
        self.colour.currentIndexChanged.connect(lambda _i: self.refresh())
        self.date.dateChanged.connect(self._date_changed)
        self.canvas.unit_clicked.connect(self.edit_unit)
        self.add_btn.clicked.connect(lambda: self.add_unit())
        self.del_btn.clicked.connect(lambda: self.delete_selected())
        self.png.clicked.connect(lambda: self.export("png"))
        self.pdf.clicked.connect(lambda: self.export("pdf"))
        store.signals.changed.connect(self._on_store_changed)
        if building_id is not None:
            self.show_building(building_id)
        else:
            self.refresh()

    def _fill_buildings(self) -> None:
        self.building.blockSignals(True)
        self.building.clear()
        for b in self.store.rows("buildings", "(retired = 0 OR retired IS NULL) AND fid IN "
                                 "(SELECT DISTINCT building_id FROM units)", order_by="name"):
            self.building.addItem(f"{b['name']} · {value_label(b.get('btype'))}", b["fid"])
        self.building.blockSignals(False)

    def show_building(self, fid: int) -> None:
        i = self.building.findData(int(fid))
        if i >= 0:
            self.building.setCurrentIndex(i)
        self.refresh()

    def _date_changed(self, q: QDate) -> None:
        self.as_of = dt.date(q.year(), q.month(), q.day())
        self.refresh()

    def _on_store_changed(self, event) -> None:
        if event.layer in ("units", "leases", "floors", "buildings"):
            self.refresh()

    def refresh(self) -> None:
        fid = self.building.currentData()
        if fid is None:
            self.canvas.set_plan(None)
            return
        data = stacking_data(self.store, fid, self.as_of, load_space(self.store))
        self.canvas.set_plan(StackingPlan(data, self.colour.currentData()))

    def edit_unit(self, unit: StackUnit) -> bool:
        dlg = UnitDialog(self.store, unit.fid, self.as_of, self, push=self.push)
        return dlg.exec() == QDialog.DialogCode.Accepted

    def add_unit(self) -> int | None:
        fid = self.building.currentData()
        if fid is None:
            return None
        dlg = AddUnitDialog(self.store, fid, self, push=self.push)
        return dlg.unit_fid if dlg.exec() == QDialog.DialogCode.Accepted else None

    def delete_selected(self) -> bool:
        if self.canvas.selected is None:
            return False
        try:
            delete_unit(self.store, self.canvas.selected, self.push)
        except LandappError as e:
            QMessageBox.warning(self, tr("不能删除", "Cannot delete"), str(e))
            return False
        self.canvas.selected = None
        return True

    def export(self, kind: str, path: str | None = None) -> str | None:
        plan = self.canvas.plan
        if plan is None:
            return None
        if path is None:
            name = f"{plan.data.building.get('name') or 'stacking'}.{kind}"
            path, _ = QFileDialog.getSaveFileName(self, tr("导出分层图", "Export stacking plan"), name,
                                                  "PNG (*.png)" if kind == "png" else "PDF (*.pdf)")
            if not path:
                return None
        try:
            (export_png if kind == "png" else export_pdf)(plan, path)
        except (LandappError, OSError) as e:
            QMessageBox.warning(self, tr("导出失败", "Export failed"), str(e))
            return None
        return path
