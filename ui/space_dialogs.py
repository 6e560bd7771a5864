"""Dialogs that edit a building's space from its stacking plan: a unit and its lease (with
the unit's lease history, renewal and move-out), adding a unit, a floor, and letting the
whole building to one tenant. The rules (a lease fits its unit, no double letting, history
kept) are in landapp.leasing; every dialog writes through `run_recorded`, so each save is
one undoable step and a refused save leaves nothing half-written."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from landapp import leasing
from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.schema import UNIT_STATUSES, value_label
from landapp.space_edits import run_recorded
from landapp.store.filters import F

PHASE_COLOURS = {"当前": "#E8F5E9", "未来": "#E3F2FD", "历史": "#F5F5F5"}
PHASE_EN = {"当前": "current", "未来": "future", "历史": "past"}


def qdate(d: dt.date | str | None) -> QDate:
    if not d:
        return QDate.currentDate()
    d = dt.date.fromisoformat(str(d)[:10]) if not isinstance(d, dt.date) else d
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


def _date_edit(d) -> QDateEdit:
    w = QDateEdit(qdate(d), calendarPopup=True)
    w.setDisplayFormat("yyyy-MM-dd")
    return w


def _error_label() -> QLabel:
    e = QLabel()
    e.setStyleSheet("color: #C62828")
    e.setWordWrap(True)
    return e


def _ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.save)
    buttons.rejected.connect(dialog.reject)
    return buttons


UNIT_FIELDS = ["code", "floor_id", "area", "status", "asking_rent", "note"]


class UnitDialog(QDialog):
    """Edit a unit (code, floor, area, status, asking rent, note) and the lease in force on
    the plan's date (tenant, dates, area, rent); sign a new lease for a vacant unit, renew
    the current one or end it; the unit's leases, past and future, are listed below."""

    def __init__(self, store, unit_fid: int, as_of: dt.date, parent=None, push=None):
        super().__init__(parent)
        self.store, self.unit_fid, self.as_of, self.push = store, unit_fid, as_of, push
        self.unit = store.get("units", unit_fid)
        self.lease = leasing.current_lease(store, unit_fid, as_of)
        self.renewing = False
        self.setWindowTitle(tr(f"编辑单元 {self.unit.get('code') or unit_fid}", f"Edit unit {self.unit.get('code') or unit_fid}"))
        self.setMinimumWidth(560)
        lay = QVBoxLayout(self)
        # the unit's own fields come from the schema (ui.forms): a widget fit for each, the
        # floor picked from the building's floors, a broken rule shown beside its field
        from ui.forms import FieldEditor

        floors = store.rows("floors", F("building_id") == self.unit["building_id"], order_by=F("level").desc())
        self.unit_editor = FieldEditor("units", self.unit, UNIT_FIELDS, options={
            "floor_id": [(f.get("name") or f"{f['level']}F", f["fid"]) for f in floors]})
        w = self.unit_editor.widgets
        self.code, self.floor, self.area, self.status = w["code"], w["floor_id"], w["area"], w["status"]
        lay.addWidget(self.unit_editor)
        self.box = QGroupBox()
        lf = QFormLayout(self.box)
        le = self.lease or {}
        self.tenant = QLineEdit(le.get("tenant") or "")
        self.tenant.setPlaceholderText(tr("填写承租企业即登记新租约", "a tenant's name signs a new lease"))
        start = leasing.parse_date(le["start_date"]) if le else as_of
        self.start = _date_edit(start)
        self.end = _date_edit(le.get("end_date") or leasing.default_end(start))
        self.lease_area = QDoubleSpinBox(maximum=1e7, decimals=1, suffix=" ㎡")
        self.lease_area.setValue(float(le.get("area") or self.unit.get("area") or 0))
        self.rent = QDoubleSpinBox(maximum=10000, decimals=1, suffix=tr(" 元/㎡·月", " CNY/m²·month"))
        self.rent.setValue(float(le.get("rent") or self.unit.get("asking_rent") or 0))
        lf.addRow(tr("承租企业", "Tenant"), self.tenant)
        lf.addRow(tr("起租日期", "Start"), self.start)
        lf.addRow(tr("到期日期", "End"), self.end)
        lf.addRow(tr("租赁面积", "Leased area"), self.lease_area)
        lf.addRow(tr("租金", "Rent"), self.rent)
        row = QHBoxLayout()
        self.renew_btn = QPushButton(tr("续签…", "Renew…"))
        self.renew_btn.setToolTip(tr("从到期次日起登记一份新租约(原租约保留)", "A new lease from the day after this one ends"))
        self.move_out = _date_edit(as_of)
        self.end_lease = QPushButton(tr("退租", "End lease"))
        self.end_lease.setToolTip(tr("租约终止并留作历史,单元自所选日期起空置",
                                     "The lease ends and stays as history; the unit is vacant from the chosen day"))
        row.addWidget(self.renew_btn)
        row.addStretch(1)
        row.addWidget(QLabel(tr("退租日期", "Vacant from")))
        row.addWidget(self.move_out)
        row.addWidget(self.end_lease)
        lf.addRow(row)
        for w in (self.renew_btn, self.end_lease, self.move_out):
            w.setEnabled(self.lease is not None)
        self.renew_btn.clicked.connect(self.start_renewal)
        self.end_lease.clicked.connect(self._end_lease)
        self.tenant.textEdited.connect(self._tenant_typed)
        lay.addWidget(self.box)
        self._title_box()
        lay.addWidget(QLabel(tr("租约记录(含历史)", "Leases (with history)")))
        self.history = QTableWidget(0, 6)
        self.history.setHorizontalHeaderLabels([tr("阶段", "Phase"), tr("承租企业", "Tenant"), tr("起租", "Start"),
                                                tr("到期", "End"), tr("面积(㎡)", "Area (m²)"), tr("状态", "Status")])
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().setVisible(False)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.history.setMaximumHeight(150)
        lay.addWidget(self.history)
        self._fill_history()
        self.error = _error_label()
        lay.addWidget(self.error)
        lay.addWidget(_ok_cancel(self))

    def _title_box(self) -> None:
        if self.renewing:
            t = tr("续签租约(新租约)", "Renewal (a new lease)")
        elif self.lease and self.lease.get("whole"):
            t = tr("整栋租约(整栋一份合同,修改对全部单元有效)", "Whole-building lease (one contract for every unit)")
        elif self.lease:
            t = tr("当前租约", "Current lease")
        else:
            t = tr("新租约(填写承租企业即登记)", "New lease (enter a tenant to sign one)")
        self.box.setTitle(t)

    def _fill_history(self) -> None:
        rows = leasing.lease_history(self.store, self.unit_fid, self.as_of)
        self.history.setRowCount(len(rows))
        for i, r in enumerate(rows):
            phase = tr(r["phase"], PHASE_EN[r["phase"]]) + (tr("·整栋", " · whole") if r["whole"] else "")
            vals = (phase, r.get("tenant") or "", r.get("start_date") or "", r.get("end_date") or "",
                    f"{float(r.get('area') or 0):,.1f}", value_label(r.get("status")))
            for j, v in enumerate(vals):
                item = QTableWidgetItem(v)
                item.setBackground(QColor(PHASE_COLOURS[r["phase"]]))
                self.history.setItem(i, j, item)

    def _tenant_typed(self, text: str) -> None:
        """Typing a tenant for a vacant unit means letting it."""
        if text.strip() and self.lease is None and self.status.currentData() == "空置":
            self.status.setCurrentIndex(self.status.findData("已租"))

    def start_renewal(self) -> None:
        """Turn the lease form into a new lease from the day after the current one ends."""
        if self.lease is None:
            return
        s, e = leasing.renewal_dates(self.lease)
        self.renewing = True
        self.start.setDate(qdate(s))
        self.end.setDate(qdate(e))
        for w in (self.renew_btn, self.end_lease, self.move_out):
            w.setEnabled(False)
        self._title_box()

    def _end_lease(self) -> None:
        """Terminate the lease: vacant from the chosen day, kept as history."""
        day = pydate(self.move_out.date())
        try:
            run_recorded(self.store, self.push, "退租", "End lease",
                         lambda st: leasing.end_lease(st, self.lease["fid"], day))
        except LandappError as e:
            self.error.setText(str(e))
            return
        self.accept()

    def save(self) -> None:
        self.error.setText("")
        unit = self.unit_editor.check({"building_id": self.unit["building_id"]})
        if unit is None:
            return
        status = unit["status"]
        tenant = self.tenant.text().strip()
        start, end = pydate(self.start.date()), pydate(self.end.date())
        values = {"tenant": tenant, "start_date": start.isoformat(), "end_date": end.isoformat(),
                  "area": self.lease_area.value(), "rent": self.rent.value() or None}

        def write(st):
            st.update("units", self.unit_fid, unit)
            if self.lease is not None and not self.renewing:
                leasing.update_lease(st, self.lease["fid"], values)
            elif tenant:
                leasing.sign_lease(st, self.unit_fid, tenant, start, end, values["area"], values["rent"])
            elif status == "已租" and self.lease is None:
                raise LandappError(tr("状态为已租时请填写承租企业。", "Enter the tenant of a leased unit."))

        try:
            run_recorded(self.store, self.push, "编辑单元", "Edit unit", write)
        except LandappError as e:
            # the transaction rolled back: nothing half-saved; a unit rule goes beside its field
            if not (getattr(e, "layer", None) == "units" and self.unit_editor.show_error(e.field, e.rule)):
                self.error.setText(str(e))
            return
        self.accept()


class AddUnitDialog(QDialog):
    """Add a unit on a floor of the building, on a new floor above the top one, or over the
    whole building (整栋, on no floor)."""

    def __init__(self, store, building_id: int, parent=None, push=None):
        super().__init__(parent)
        self.store, self.building_id, self.push = store, int(building_id), push
        self.unit_fid: int | None = None
        self.setWindowTitle(tr("新增单元", "Add unit"))
        form = QFormLayout(self)
        self.floor = QComboBox()
        floors = store.rows("floors", F("building_id") == self.building_id, order_by=F("level").desc())
        top = max((f["level"] for f in floors), default=0)
        self.floor.addItem(tr(f"新增 {top + 1}F", f"New floor {top + 1}F"), ("new", top + 1))
        for f in floors:
            self.floor.addItem(f.get("name") or f"{f['level']}F", ("floor", f["fid"]))
        self.floor.addItem(tr("整栋(跨全部楼层)", "Whole building (every floor)"), ("whole", None))
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
        self.error = _error_label()
        form.addRow(self.error)
        form.addRow(_ok_cancel(self))

    def save(self) -> None:
        kind, value = self.floor.currentData()
        rec = {"building_id": self.building_id, "code": self.code.text().strip() or None,
               "area": self.area.value(), "status": self.status.currentData()}

        def write(st):
            floor_id = value
            if kind == "new":
                floor_id = leasing.save_floor(st, self.building_id, {"level": value})
            return st.insert("units", {**rec, "floor_id": floor_id})

        try:
            self.unit_fid = run_recorded(self.store, self.push, "新增单元", "Add unit", write)
        except LandappError as e:
            self.error.setText(str(e))
            return
        self.accept()


class FloorDialog(QDialog):
    """Add (floor_fid None) or edit a floor: level, name, area, height, load; delete an
    empty floor."""

    def __init__(self, store, building_id: int, floor_fid: int | None = None, parent=None, push=None):
        super().__init__(parent)
        self.store, self.building_id, self.floor_fid, self.push = store, int(building_id), floor_fid, push
        self.deleted = False
        f = store.get("floors", int(floor_fid)) if floor_fid is not None else {}
        if floor_fid is None:
            top = max((r["level"] for r in store.rows("floors", F("building_id") == self.building_id)), default=0)
            f = {"level": top + 1}
        self.setWindowTitle(tr(f"楼层 {f.get('name') or f.get('level')}", f"Floor {f.get('name') or f.get('level')}")
                            if floor_fid is not None else tr("新增楼层", "Add floor"))
        form = QFormLayout(self)
        self.level = QSpinBox(minimum=-10, maximum=200)
        self.level.setValue(int(f.get("level") or 1))
        self.level.setToolTip(tr("地下层用负数:-1 即 B1", "Basements are negative: -1 is B1"))
        self.name = QLineEdit(f.get("name") or "")
        self.name.setPlaceholderText(tr("缺省为 1F、B1 …", "default 1F, B1 …"))
        self.area = QDoubleSpinBox(maximum=1e7, decimals=1, suffix=" ㎡")
        self.area.setValue(float(f.get("area") or 0))
        self.height = QDoubleSpinBox(maximum=60, decimals=1, suffix=" m")
        self.height.setValue(float(f.get("height") or 0))
        self.load = QDoubleSpinBox(maximum=20, decimals=2, suffix=" t/㎡")
        self.load.setValue(float(f.get("floor_load") or 0))
        form.addRow(tr("楼层号", "Level"), self.level)
        form.addRow(tr("楼层名称", "Name"), self.name)
        form.addRow(tr("建筑面积", "Floor area"), self.area)
        form.addRow(tr("层高", "Height"), self.height)
        form.addRow(tr("楼面荷载", "Floor load"), self.load)
        self.delete_btn = QPushButton(tr("删除此楼层", "Delete this floor"))
        self.delete_btn.setEnabled(floor_fid is not None)
        self.delete_btn.clicked.connect(self.delete)
        form.addRow(self.delete_btn)
        self.error = _error_label()
        form.addRow(self.error)
        form.addRow(_ok_cancel(self))

    def save(self) -> None:
        values = {"level": self.level.value(), "name": self.name.text().strip() or None,
                  "area": self.area.value() or None, "height": self.height.value() or None,
                  "floor_load": self.load.value() or None}
        try:
            self.floor_fid = run_recorded(self.store, self.push, "编辑楼层", "Edit floor",
                                          lambda st: leasing.save_floor(st, self.building_id, values, self.floor_fid))
        except LandappError as e:
            self.error.setText(str(e))
            return
        self.accept()

    def delete(self) -> None:
        try:
            run_recorded(self.store, self.push, "删除楼层", "Delete floor",
                         lambda st: leasing.delete_floor(st, self.floor_fid))
        except LandappError as e:
            self.error.setText(str(e))
            return
        self.deleted = True
        self.accept()


class LetWholeDialog(QDialog):
    """Let the whole building (a standard factory) to one tenant by one contract."""

    def __init__(self, store, building_id: int, as_of: dt.date, parent=None, push=None):
        super().__init__(parent)
        self.store, self.building_id, self.as_of, self.push = store, int(building_id), as_of, push
        self.lease_fid: int | None = None
        b = store.get("buildings", self.building_id)
        units = [u for u in store.rows("units", F("building_id") == self.building_id) if u.get("status") != "已售"]
        area = sum(float(u.get("area") or 0) for u in units) or float(b.get("floor_area") or 0)
        self.setWindowTitle(tr(f"整栋出租:{b.get('name') or ''}", f"Let whole: {b.get('name') or ''}"))
        form = QFormLayout(self)
        form.addRow(QLabel(tr(f"整栋 {len(units)} 个单元(已售单元除外),共 {area:,.1f} ㎡,签一份租约。",
                              f"All {len(units)} units (sold ones excepted), {area:,.1f} m², on one lease.")))
        self.tenant = QLineEdit()
        self.start = _date_edit(as_of)
        self.end = _date_edit(leasing.default_end(as_of, 5))
        self.rent = QDoubleSpinBox(maximum=10000, decimals=1, suffix=tr(" 元/㎡·月", " CNY/m²·month"))
        self.rent.setValue(float(b.get("asking_rent") or 0))
        form.addRow(tr("承租企业", "Tenant"), self.tenant)
        form.addRow(tr("起租日期", "Start"), self.start)
        form.addRow(tr("到期日期", "End"), self.end)
        form.addRow(tr("租金", "Rent"), self.rent)
        self.error = _error_label()
        form.addRow(self.error)
        form.addRow(_ok_cancel(self))

    def save(self) -> None:
        tenant, start, end = self.tenant.text(), pydate(self.start.date()), pydate(self.end.date())
        rent = self.rent.value() or None
        try:
            self.lease_fid = run_recorded(
                self.store, self.push, "整栋出租", "Let whole building",
                lambda st: leasing.let_whole(st, self.building_id, tenant, start, end, rent, as_of=self.as_of))
        except LandappError as e:
            self.error.setText(str(e))
            return
        self.accept()


def delete_unit(store, unit_fid: int, push=None) -> None:
    """Delete a unit that has no lease (leases are history and must not be orphaned)."""
    n = store.count("leases", F("unit_id") == int(unit_fid))
    if n:
        raise LandappError(tr(f"该单元有 {n} 份租约(含历史租约),不能删除;可改为其他状态或调整面积。",
                              f"The unit has {n} leases (history included) and cannot be deleted."))
    run_recorded(store, push, "删除单元", "Delete unit", lambda st: st.delete("units", int(unit_fid)))
