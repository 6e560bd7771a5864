"""Attribute table as a view over the store: the model keeps only the fids of the rows it
shows, in their order (one int64 a row), and reads the cells of the rows on screen a page at
a time (`ProjectStore.table_cells`); sort and filter run in the store (`table_fids`, SQL in
the GeoPackage), so opening a table over a million parcels does no work per cell and keeps
no Python object per cell. Edits in the store change their rows in place (scroll and
selection stay); selection is synchronised both ways with the map."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from PySide6.QtCore import (QAbstractTableModel, QEvent, QItemSelection, QItemSelectionModel, QModelIndex, Qt,
                            QTimer, Signal)
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QStyle, QStyleOptionHeader, QStyleOptionHeaderV2, QTableView,
                               QVBoxLayout, QWidget)

from landapp.schema import spec, value_label
from landapp.store.base import TableQuery
from ui.i18n import tr

HIDDEN = {"created", "modified", "retired", "retired_date"}
PAGE = 32  # rows read from the store at a time: about a screenful (a jump of the scroll bar reads one)
PAGES_KEPT = 256  # pages cached (8k rows): scrolling back is free, memory stays flat
EVENT_ROWS = 200  # change events about more features than this re-read the fid list


def _could_hold(kind: str, text: str) -> bool:
    """Whether a number, date or yes/no column could show this text (searching all fields
    for 汽车 then skips them: a third of the time of a filter over a million rows)."""
    if kind in ("int", "real"):
        return all(c.isdigit() or c in ".-+e" for c in text.lower())
    if kind in ("date", "datetime"):
        return all(c.isdigit() or c in "-: t" for c in text.lower())
    if kind == "bool":
        return text.lower() in "true" or text.lower() in "false"
    return True


class FeatureTableModel(QAbstractTableModel):
    def __init__(self, store, layer: str, parent=None, *, load: bool = True):
        super().__init__(parent)
        self.store = store
        self.layer = layer
        self.spec = spec(layer)
        self.columns = [f for f in self.spec.fields if f.name not in HIDDEN]
        self._names = [f.name for f in self.columns]
        self.fids = np.empty(0, dtype=np.int64)  # view row -> fid
        self._all: np.ndarray | None = None  # while filtered: every shown fid, sorted
        self.sort_column: int | None = None
        self.sort_order = Qt.SortOrder.AscendingOrder
        self.filter_text = ""
        self.filter_field: str | None = None
        self._pages: OrderedDict[int, list[tuple | None]] = OrderedDict()
        self._by_fid: tuple[np.ndarray, np.ndarray] | None = None  # sorted fids, their rows
        self.loaded = False
        if load:
            self.load()
        store.signals.changed.connect(self._on_store_changed)

    # ---- reading
    def query(self, only=None) -> TableQuery:
        text = self.filter_text.strip()
        order = None if self.sort_column is None else self._names[self.sort_column]
        desc = self.sort_order == Qt.SortOrder.DescendingOrder
        if not text:
            return TableQuery(order_by=order, descending=desc, only=only)
        fields = [self.spec.field(self.filter_field)] if self.filter_field else [
            f for f in self.columns if _could_hold(f.kind, text)]
        low = text.lower()
        also = tuple((f.name, tuple(v for v in f.choices if low in value_label(v).lower()))
                     for f in fields if f.choices)
        also += tuple((f.name, tuple(v for v, word in ((1, "true"), (0, "false")) if low in word))
                      for f in fields if f.kind == "bool")  # shown as True/False, stored 1/0
        return TableQuery(text=text, search=tuple(f.name for f in fields),
                          also=tuple(a for a in also if a[1]), order_by=order, descending=desc, only=only)

    def load(self) -> None:
        if self.store.closed:  # a late first frame of a window whose project has closed
            return
        self.beginResetModel()
        self._all = None
        self._reread()
        self.loaded = True
        self.endResetModel()

    def _reread(self) -> None:
        q = self.query()
        self.fids = self.store.table_fids(self.layer, q)
        if not q.filtered:
            self._all = None
        elif self._all is None:
            self._all = self.store.table_fids(self.layer)  # in fid order
        self._changed_rows()

    def _changed_rows(self) -> None:
        self._pages.clear()
        self._by_fid = None

    def _cell_row(self, row: int) -> tuple | None:
        """The stored values of a view row, from its page (read on first sight)."""
        p = row // PAGE
        page = self._pages.get(p)
        if page is None and self.store.closed:  # a window painting while its project closes
            return None
        if page is None:
            fids = self.fids[p * PAGE:(p + 1) * PAGE].tolist()
            got = self.store.table_cells(self.layer, fids, self._names)
            page = [got.get(f) for f in fids]
            self._pages[p] = page
            if len(self._pages) > PAGES_KEPT:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(p)
        return page[row - p * PAGE] if row - p * PAGE < len(page) else None

    def _on_store_changed(self, event) -> None:
        if event.layer != self.layer or not self.loaded:  # not read yet: the read will see it
            return
        if not 0 < len(event.fids) <= EVENT_ROWS or event.op == "reload":
            self.load()
            return
        fids = [int(f) for f in event.fids]
        present = {f for f in fids if self.row_of(f) is not None}
        if event.op == "delete":
            shown: set[int] = set()
            passing: set[int] = set()
        else:  # shown: still there and not retired; passing: and through the filter
            shown = set(self.store.table_fids(self.layer, TableQuery(only=tuple(fids))).tolist())
            passing = shown if self._all is None else set(
                self.store.table_fids(self.layer, self.query(only=tuple(shown))).tolist())
        if self._all is not None:
            keep = self._all[~np.isin(self._all, fids)]
            self._all = np.union1d(keep, np.asarray(sorted(shown), dtype=np.int64))
        self._remove([f for f in present if f not in passing])
        for f in fids:
            if f in present and f in passing:
                self._refresh_row(f)
        self._append([f for f in fids if f in passing and f not in present])

    @property
    def total(self) -> int:
        """Features of the layer (not retired), whether the filter shows them or not."""
        return len(self.fids) if self._all is None else len(self._all)

    def _refresh_row(self, fid: int) -> None:
        """One edited feature: its row changes in place, keeping scroll and selection."""
        row = self.row_of(fid)
        if row is None:
            return
        self._pages.pop(row // PAGE, None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def _append(self, fids: list[int]) -> None:
        """New features (or ones restored by undo) go at the end, without re-reading."""
        if not fids:
            return
        first = len(self.fids)
        self.beginInsertRows(QModelIndex(), first, first + len(fids) - 1)
        self.fids = np.append(self.fids, np.asarray(fids, dtype=np.int64))
        self._pages.pop(first // PAGE, None)  # a short last page
        self._by_fid = None
        self.endInsertRows()

    def _remove(self, fids: list[int]) -> None:
        for fid in fids:
            row = self.row_of(fid)
            if row is None:
                continue
            self.beginRemoveRows(QModelIndex(), row, row)
            self.fids = np.delete(self.fids, row)
            self._changed_rows()
            self.endRemoveRows()

    def set_filter(self, text: str, field: str | None = None) -> None:
        self.beginResetModel()
        self.filter_text = text
        self.filter_field = field
        self._reread()
        self.endResetModel()

    # ---- Qt model
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.fids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        f = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            values = self._cell_row(index.row())
            v = None if values is None else values[index.column()]
            if v is None or (isinstance(v, float) and np.isnan(v)):
                return ""
            if f.kind == "real":
                return f"{v:,.2f}" if f.name.startswith("area") or f.unit in ("㎡", "万元") else f"{v:g}"
            if f.kind == "int" and isinstance(v, float) and v.is_integer():
                return str(int(v))  # 层数 3, not 3.0
            if f.kind == "bool":
                return str(bool(v))
            if f.kind in ("date", "datetime"):
                if hasattr(v, "strftime"):
                    return v.strftime("%Y-%m-%d") if f.kind == "date" else v.strftime("%Y-%m-%d %H:%M")
                return str(v)[:10] if f.kind == "date" else str(v)[:16].replace("T", " ")
            if f.choices:
                return value_label(v)
            return str(v)
        if role == Qt.ItemDataRole.TextAlignmentRole and f.kind in ("int", "real"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return str(section + 1)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.sort_column, self.sort_order = column, order
        if self.loaded:
            self._reread()
        self.layoutChanged.emit()

    # ---- fids <-> rows
    def fid_at(self, row: int) -> int:
        return int(self.fids[row])

    def fids_at(self, rows) -> np.ndarray:
        return self.fids[np.asarray(rows, dtype=np.int64)]

    def _lookup(self) -> tuple[np.ndarray, np.ndarray]:
        """The fids sorted, with their view rows: finding the rows of 50k selected parcels
        is one searchsorted, not 50k scans (rebuilt after the rows change)."""
        if self._by_fid is None:
            order = np.argsort(self.fids, kind="stable")
            self._by_fid = (self.fids[order], order)
        return self._by_fid

    def rows_of(self, fids) -> np.ndarray:
        """The view rows (sorted) of the features shown among fids."""
        want = np.fromiter((int(f) for f in fids), dtype=np.int64)
        keys, rows = self._lookup()
        if not len(keys) or not len(want):
            return np.empty(0, dtype=np.int64)
        pos = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
        hit = keys[pos] == want
        return np.sort(rows[pos[hit]])

    def row_of(self, fid: int) -> int | None:
        rows = self.rows_of([fid])
        return int(rows[0]) if len(rows) else None


class ColumnHeader(QHeaderView):
    """The table's column header, painted without the 'section selected' state: to know it,
    Qt asks whether every row of a column is selected, a few million model calls (~3 s) once
    the selection covers all 100k parcels (a box over the whole park, Ctrl+A). The selected
    rows show the selection anyway."""

    def __init__(self, parent=None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)
        self.setSortIndicatorShown(True)
        self.setHighlightSections(False)

    def paintSection(self, painter, rect, logical: int) -> None:
        if not rect.isValid() or self.model() is None:
            return
        opt = QStyleOptionHeaderV2()
        opt.initFrom(self)
        opt.state |= QStyle.StateFlag.State_Horizontal | QStyle.StateFlag.State_Raised
        opt.rect = rect
        opt.section = logical
        opt.orientation = Qt.Orientation.Horizontal
        opt.textAlignment = self.defaultAlignment()
        opt.textElideMode = Qt.TextElideMode.ElideRight
        opt.text = str(self.model().headerData(logical, Qt.Orientation.Horizontal) or "")
        if self.isSortIndicatorShown() and self.sortIndicatorSection() == logical:
            opt.sortIndicator = (QStyleOptionHeader.SortIndicator.SortDown
                                 if self.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
                                 else QStyleOptionHeader.SortIndicator.SortUp)
        pos = QStyleOptionHeader.SectionPosition
        visual, n = self.visualIndex(logical), self.count()
        opt.position = (pos.OnlyOneSection if n == 1 else pos.Beginning if visual == 0
                        else pos.End if visual == n - 1 else pos.Middle)
        self.style().drawControl(QStyle.ControlElement.CE_Header, opt, painter, self)


class AttributeTable(QWidget):
    """The dock's content: a layer chooser, a filter box and the table."""

    layer_changed = Signal(str)  # the table (and so the active layer the tools edit) changed layer

    def __init__(self, store, canvas, parent=None, *, defer: bool = False):
        """defer: read the rows once the map has painted its first frame (the fids of 1M
        parcels take ~0.3 s that the first frame need not wait for); until then the row count
        says 读取中…"""
        super().__init__(parent)
        self.store = store
        self.canvas = canvas
        self.layer_box = QComboBox(self)
        for lid in ("parcels", "buildings", "zones", "roads"):
            self.layer_box.addItem(spec(lid).title, lid)
        self.field_box = QComboBox(self)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(tr("筛选(输入文字)", "Filter (type text)"))
        self.filter_edit.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.view = QTableView(self)
        self.view.setHorizontalHeader(ColumnHeader(self.view))  # before sorting is switched on
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSortingEnabled(True)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.doubleClicked.connect(self._zoom_to_row)
        top = QHBoxLayout()
        top.addWidget(self.layer_box)
        top.addWidget(self.field_box)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(top)
        lay.addWidget(self.view)
        self._syncing = False
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(250)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._filter_timer.start())
        self.field_box.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.layer_box.currentIndexChanged.connect(lambda _i: self.set_layer(self.layer_box.currentData()))
        canvas.selection_changed.connect(self.on_map_selection)
        self.model: FeatureTableModel | None = None
        self.set_layer("parcels", defer=defer)
        if defer:
            canvas.frame_ready.connect(self._load_deferred)

    def _load_deferred(self) -> None:
        """The first frame has arrived: read the rows once it is on screen. The canvas paints
        it on its next update (a low-priority event that a queued call would overtake), so
        wait for that paint; a window that is not shown (tests, scripts) reads at once."""
        self.canvas.frame_ready.disconnect(self._load_deferred)
        if self.canvas.isVisible():
            self.canvas.installEventFilter(self)
        else:
            self.ensure_loaded()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.canvas and event.type() == QEvent.Type.Paint:
            self.canvas.removeEventFilter(self)
            QTimer.singleShot(0, self, self._load_after_paint)  # not after this table is gone
        return False

    def _load_after_paint(self) -> None:
        if self.model is not None and not self.model.store.closed:
            self.ensure_loaded()

    def ensure_loaded(self) -> None:
        if not self.model.loaded:
            self.model.load()
            self._fit_columns()

    def set_layer(self, layer: str, defer: bool = False) -> None:
        if self.model is not None and self.model.layer == layer:
            self.ensure_loaded()
            return
        if self.model is not None:
            self.store.signals.changed.disconnect(self.model._on_store_changed)
        self.model = FeatureTableModel(self.store, layer, self, load=not defer)
        self.view.setModel(self.model)
        self.view.selectionModel().selectionChanged.connect(self._on_table_selection)
        self.model.modelReset.connect(self._after_reset)
        self.model.layoutChanged.connect(self._after_reset)
        self.model.rowsInserted.connect(lambda *_: self._after_reset())
        self.model.rowsRemoved.connect(lambda *_: self._after_reset())
        i = self.layer_box.findData(layer)
        if i >= 0 and i != self.layer_box.currentIndex():
            self.layer_box.setCurrentIndex(i)
        self.field_box.blockSignals(True)
        self.field_box.clear()
        self.field_box.addItem(tr("全部字段", "All fields"), None)
        for f in self.model.columns:
            self.field_box.addItem(f.title, f.name)
        self.field_box.blockSignals(False)
        self.canvas.active_layer = layer
        self._fit_columns()
        self._after_reset()
        self.layer_changed.emit(layer)

    def _fit_columns(self, sample_rows: int = 60, max_px: int = 280) -> None:
        """Columns as wide as their title and the first rows' values (a 19-character parcel
        code whole), capped so one long address does not push the rest off screen; reading
        a sample keeps it instant at 100k rows."""
        header = self.view.horizontalHeader()
        header.setResizeContentsPrecision(sample_rows)
        self.view.resizeColumnsToContents()
        fm = header.fontMetrics()
        for c in range(self.model.columnCount()):
            title = str(self.model.headerData(c, Qt.Orientation.Horizontal))
            want = max(header.sectionSize(c), fm.horizontalAdvance(title) + 28)  # + sort arrow
            header.resizeSection(c, min(want, max_px))

    def _apply_filter(self) -> None:
        self.model.set_filter(self.filter_edit.text(), self.field_box.currentData())

    def _after_reset(self) -> None:
        if not self.model.loaded:  # rows are read after the map's first frame
            self.count_label.setText(tr("读取中…", "Loading…"))
            return
        shown, total = self.model.rowCount(), self.model.total
        self.count_label.setText(tr(f"{shown:,} / {total:,} 条", f"{shown:,} / {total:,} rows"))
        self.on_map_selection(self.model.layer)

    def selected_fids(self) -> list[int]:
        """From the selection's row ranges (Ctrl+A over 100k rows is one range, not 100k
        indexes)."""
        ranges = [np.arange(r.top(), r.bottom() + 1) for r in self.view.selectionModel().selection()]
        if not ranges:
            return []
        rows = np.unique(np.concatenate(ranges))
        return self.model.fids_at(rows).tolist()

    def _on_table_selection(self, *_a) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            self.canvas.set_selection(self.model.layer, self.selected_fids())
        finally:
            self._syncing = False

    def on_map_selection(self, layer_id: str) -> None:
        if self._syncing or self.model is None or layer_id != self.model.layer:
            return
        if not self.model.loaded:  # a selection before the deferred read: read now (its reset selects)
            self.ensure_loaded()
            return
        fids = self.canvas.map.layer(layer_id).selection
        self._syncing = True
        try:
            # one range per run of consecutive rows: a box over 50k parcels selects in
            # ~0.1 s instead of blocking the window for seconds
            rows = self.model.rows_of(fids)
            sel = QItemSelection()
            last = self.model.columnCount() - 1
            if len(rows):
                cut = np.flatnonzero(np.diff(rows) != 1) + 1
                for a, b in zip(rows[np.r_[0, cut]].tolist(), rows[np.r_[cut - 1, len(rows) - 1]].tolist()):
                    sel.select(self.model.index(a, 0), self.model.index(b, last))
            sm = self.view.selectionModel()
            sm.select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            if len(rows):
                self.view.scrollTo(self.model.index(int(rows[0]), 0))
        finally:
            self._syncing = False

    def _zoom_to_row(self, index) -> None:
        fid = self.model.fid_at(index.row())
        self.canvas.set_selection(self.model.layer, [fid])
        self.canvas.zoom_to_selection()
