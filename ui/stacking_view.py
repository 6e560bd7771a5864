"""Stacking plan view: pick a building, colour by status or years to lease expiry, pick the
date; click a unit to edit it and its lease (history, renewal, move-out), click a floor's
label to edit the floor; add units and floors, let the whole building to one tenant;
export PNG or PDF. Drawing is in layers/stacking.py, the dialogs in ui/space_dialogs.py;
every edit goes through the store as one undoable step."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.schema import value_label
from landapp.store.filters import F, current
from landapp.vacancy import default_as_of, load_space
from layers.stacking import (
    StackFloor,
    StackingPlan,
    StackUnit,
    export_pdf,
    export_png,
    stacking_data,
)
from ui.following import FollowsStore
from ui.space_dialogs import (
    AddUnitDialog,
    FloorDialog,
    LetWholeDialog,
    UnitDialog,
    delete_unit,
    qdate,
)


class StackingCanvas(QWidget):
    """Paints a StackingPlan and reports the unit, or the floor label, clicked."""

    unit_clicked = Signal(object)   # StackUnit
    floor_clicked = Signal(object)  # StackFloor

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
        pos = QPointF(event.position())
        u = self.plan.unit_at(pos) if self.plan else None
        if u is None:
            f = self.plan.floor_at(pos) if self.plan else None
            self.setCursor(Qt.CursorShape.PointingHandCursor if f is not None else Qt.CursorShape.ArrowCursor)
            self.setToolTip(tr(f"{f.name}:点击编辑楼层", f"{f.name}: click to edit the floor") if f else "")
            return
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        tenant = "、".join(u.tenants) or "-"
        end = f"{u.lease_end}" if u.lease_end else "-"
        whole = tr("(整栋,跨全部楼层)", " (whole building)") if u.whole else ""
        note = tr("(装修中)", " (fitting out)") if u.fitting_out and u.status == "已租" else ""
        self.setToolTip(tr(f"单元 {u.code}{whole}\n面积 {u.area:,.1f} ㎡\n状态 {u.status}{note}\n租户 {tenant}\n到期 {end}",
                           f"Unit {u.code}{whole}\nArea {u.area:,.1f} m²\nStatus {value_label(u.status)}{note}\n"
                           f"Tenant {tenant}\nEnds {end}"))

    def mousePressEvent(self, event) -> None:
        if self.plan is None or event.button() != Qt.MouseButton.LeftButton:
            return
        pos = QPointF(event.position())
        u = self.plan.unit_at(pos)
        if u is not None:
            self.selected = u.fid
            self.update()
            self.unit_clicked.emit(u)
            return
        f = self.plan.floor_at(pos)
        if f is not None and f.fid is not None:
            self.floor_clicked.emit(f)


class StackingView(FollowsStore, QWidget):
    """Building chooser, colour mode, date, edit and export buttons, and the plan."""

    def __init__(self, store, building_id: int | None = None, parent=None, push=None):
        super().__init__(parent)
        self.store, self.push = store, push
        self.as_of = default_as_of(store)
        self.setWindowTitle(tr("楼宇分层图", "Stacking plan"))
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.building = QComboBox()
        self.building.setMinimumWidth(280)
        self.building.setEditable(True)  # type to find a building by name
        self.building.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.colour = QComboBox()
        self.colour.addItem(tr("按状态", "By status"), "status")
        self.colour.addItem(tr("按租约剩余年限", "By years to expiry"), "expiry")
        self.date = QDateEdit(qdate(self.as_of), calendarPopup=True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.add_btn = QPushButton(tr("新增单元…", "Add unit…"))
        self.floor_btn = QPushButton(tr("新增楼层…", "Add floor…"))
        self.whole_btn = QPushButton(tr("整栋出租…", "Let whole…"))
        self.whole_btn.setToolTip(tr("整栋一份租约(如标准厂房整栋租给一家企业)",
                                     "One lease for the whole building (e.g. a factory let to one firm)"))
        self.del_btn = QPushButton(tr("删除单元", "Delete unit"))
        self.png = QPushButton(tr("导出 PNG…", "Export PNG…"))
        self.pdf = QPushButton(tr("导出 PDF…", "Export PDF…"))
        for w in (QLabel(tr("建筑", "Building")), self.building, QLabel(tr("着色", "Colour")), self.colour,
                  QLabel(tr("统计日", "As of")), self.date):
            bar.addWidget(w)
        bar.addStretch(1)
        lay.addLayout(bar)
        # the buttons on a row of their own, beside the hint (which wraps): the view fits a tab
        # beside the map on a 1366-px laptop without scrolling sideways
        buttons = QHBoxLayout()
        hint = QLabel(tr("点击单元编辑单元与租约,点击左侧楼层号编辑楼层。",
                         "Click a unit to edit it and its lease; click a floor's name to edit the floor."))
        hint.setStyleSheet("color: #757575")
        # shrinks (clipped) rather than wraps: a wrapping label makes a scroll area around the
        # view lay it out at its preferred height
        hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        hint.setToolTip(hint.text())
        buttons.addWidget(hint, 1)
        for w in (self.add_btn, self.floor_btn, self.whole_btn, self.del_btn, self.png, self.pdf):
            buttons.addWidget(w)
        lay.addLayout(buttons)
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
        self.canvas.floor_clicked.connect(self.edit_floor)
        self.add_btn.clicked.connect(lambda: self.add_unit())
        self.floor_btn.clicked.connect(lambda: self.add_floor())
        self.whole_btn.clicked.connect(lambda: self.let_whole())
        self.del_btn.clicked.connect(lambda: self.delete_selected())
        self.png.clicked.connect(lambda: self.export("png"))
        self.pdf.clicked.connect(lambda: self.export("pdf"))
        store.signals.changed.connect(self._on_store_changed)
        if building_id is not None:
            self.show_building(building_id)
        else:
            self.refresh()

    def _fill_buildings(self) -> None:
        """Every current building (one without units yet can get them here), standard
        factories and office towers first."""
        cur = self.building.currentData()
        self.building.blockSignals(True)
        self.building.clear()
        rank = {"楼宇": 0, "标准厂房": 1}
        rows = self.store.rows("buildings", current(), geometry=False)
        for b in sorted(rows, key=lambda r: (rank.get(r.get("btype"), 2), r.get("name") or "")):
            self.building.addItem(f"{b['name']} · {value_label(b.get('btype'))}", b["fid"])
        i = self.building.findData(cur)
        if i < 0 and cur is not None:  # merged into a new building (or that merge undone)
            nxt = self._successor()
            i = self.building.findData(nxt) if nxt is not None else -1
        if i >= 0:
            self.building.setCurrentIndex(i)
        self.building.blockSignals(False)

    def _is_current(self, fid) -> bool:
        return bool(self.store.count("buildings", (F("fid") == int(fid)) & current()))

    def _successor(self) -> int | None:
        """The building the plan's units (or floors) now hang on, when the one shown has
        gone: a merge moved them to the new building, its undo back to the old one."""
        plan = self.canvas.plan
        if plan is None:
            return None
        data = plan.data
        for table, fids in (("units", [u.fid for f in data.floors for u in f.units] + [u.fid for u in data.whole]),
                            ("floors", [f.fid for f in data.floors if f.fid is not None])):
            for fid in fids[:1]:
                rows = self.store.rows(table, F("fid") == int(fid), geometry=False)
                if rows and self._is_current(rows[0]["building_id"]):
                    return int(rows[0]["building_id"])
        return None

    def show_building(self, fid: int) -> None:
        i = self.building.findData(int(fid))
        if i >= 0:
            self.building.setCurrentIndex(i)
        self.refresh()

    def _date_changed(self, q: QDate) -> None:
        self.as_of = dt.date(q.year(), q.month(), q.day())
        self.refresh()

    def _on_store_changed(self, event) -> None:
        if event.layer == "buildings" and (event.op != "update" or not event.fields
                                           or {"name", "btype", "retired"} & set(event.fields)):
            self._fill_buildings()
        if event.layer in ("units", "leases", "floors", "buildings", "project_settings"):
            self.refresh()

    def refresh(self) -> None:
        fid = self.building.currentData()
        if fid is not None and not self._is_current(fid):
            # it went in the same change as its units (a merge, an undo), whose event may
            # come first: follow the units, or show another building
            self._fill_buildings()
            fid = self.building.currentData()
        for w in (self.add_btn, self.floor_btn, self.whole_btn, self.png, self.pdf):
            w.setEnabled(fid is not None)
        if fid is None:
            self.canvas.set_plan(None)
            return
        data = stacking_data(self.store, fid, self.as_of, load_space(self.store))
        self.canvas.set_plan(StackingPlan(data, self.colour.currentData()))

    def edit_unit(self, unit: StackUnit) -> bool:
        dlg = UnitDialog(self.store, unit.fid, self.as_of, self, push=self.push)
        return dlg.exec() == QDialog.DialogCode.Accepted

    def edit_floor(self, floor: StackFloor) -> bool:
        fid = self.building.currentData()
        dlg = FloorDialog(self.store, fid, floor.fid, self, push=self.push)
        return dlg.exec() == QDialog.DialogCode.Accepted

    def add_floor(self) -> int | None:
        fid = self.building.currentData()
        if fid is None:
            return None
        dlg = FloorDialog(self.store, fid, None, self, push=self.push)
        return dlg.floor_fid if dlg.exec() == QDialog.DialogCode.Accepted else None

    def add_unit(self) -> int | None:
        fid = self.building.currentData()
        if fid is None:
            return None
        dlg = AddUnitDialog(self.store, fid, self, push=self.push)
        return dlg.unit_fid if dlg.exec() == QDialog.DialogCode.Accepted else None

    def let_whole(self) -> int | None:
        fid = self.building.currentData()
        if fid is None:
            return None
        dlg = LetWholeDialog(self.store, fid, self.as_of, self, push=self.push)
        return dlg.lease_fid if dlg.exec() == QDialog.DialogCode.Accepted else None

    def delete_selected(self) -> bool:
        if self.canvas.selected is None:
            QMessageBox.information(self, tr("删除单元", "Delete unit"),
                                    tr("请先在分层图上点选要删除的单元。", "Click the unit to delete on the plan first."))
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
            name = f"{plan.data.building.get('name') or 'stacking'}_{self.as_of}.{kind}"
            from ui.exported import ask_save_path

            path = ask_save_path(self, tr("导出分层图", "Export stacking plan"), name,
                                 "PNG (*.png)" if kind == "png" else "PDF (*.pdf)")
            if not path:
                return None
        try:
            (export_png if kind == "png" else export_pdf)(plan, path)
        except (LandappError, OSError) as e:
            QMessageBox.warning(self, tr("导出失败", "Export failed"), str(e))
            return None
        from ui.exported import confirm_written

        confirm_written(self, [path], tr("分层图", "the stacking plan"))
        return path
