"""Attribute table over the store: a QAbstractTableModel reading a column-oriented frame that
the store gives (re-read on change events; the store stays the only source of truth, the
model keeps no editable copy), with sort and filter as a row-index array, so 100k rows
scroll smoothly; selection is synchronised both ways with the map."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import (QAbstractTableModel, QItemSelection, QItemSelectionModel, QModelIndex, Qt, QTimer,
                            Signal)
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QStyle, QStyleOptionHeader, QStyleOptionHeaderV2, QTableView,
                               QVBoxLayout, QWidget)

from landapp.schema import spec, value_label
from ui.i18n import tr

HIDDEN = {"created", "modified", "retired", "retired_date"}


class FeatureTableModel(QAbstractTableModel):
    def __init__(self, store, layer: str, parent=None, *, load: bool = True):
        super().__init__(parent)
        self.store = store
        self.layer = layer
        self.spec = spec(layer)
        self.columns = [f for f in self.spec.fields if f.name not in HIDDEN]
        self.frame = pd.DataFrame()
        self.values: dict[str, np.ndarray] = {}
        self.fids = np.empty(0, dtype=np.int64)
        self.rows = np.empty(0, dtype=np.int64)  # view row -> frame position
        self.sort_column: int | None = None
        self.sort_order = Qt.SortOrder.AscendingOrder
        self.filter_text = ""
        self.filter_field: str | None = None
        self.position: dict[int, int] = {}
        self._search_cache: dict[str, np.ndarray] = {}
        self.loaded = False
        if load:
            self.load()
        store.signals.changed.connect(self._on_store_changed)

    # ---- data
    def load(self) -> None:
        self.beginResetModel()
        df = self.store.read_layer(self.layer, columns=[f.name for f in self.columns], geometry=False)
        self.frame = df
        self.fids = df.index.to_numpy(dtype=np.int64)
        # own arrays (Arrow-backed columns give read-only views; single rows are patched in place)
        self.values = {f.name: np.array(df[f.name].to_numpy(dtype=object), dtype=object) if f.name in df else
                       np.full(len(df), None, dtype=object) for f in self.columns}
        self.position = {int(f): i for i, f in enumerate(self.fids)}
        self._search_cache = {}
        self.loaded = True
        self._apply()
        self.endResetModel()

    def _on_store_changed(self, event) -> None:
        if event.layer != self.layer or not self.loaded:  # not read yet: the read will see it
            return
        if not 0 < len(event.fids) <= 200:
            self.load()
            return
        for fid in event.fids:
            rec = None if event.op == "delete" else self.store.get(self.layer, fid)
            shown = rec is not None and not rec.get("retired")
            if fid in self.position and not shown:
                self._remove(fid)
            elif fid in self.position:
                self._refresh_row(fid, rec)
            elif shown:
                self._append(rec)

    def _refresh_row(self, fid: int, rec: dict) -> None:
        """One edited feature: its row changes in place, keeping scroll and selection."""
        i = self.position[fid]
        for f in self.columns:
            self.values[f.name][i] = rec.get(f.name)
        self._search_cache.clear()
        hit = np.flatnonzero(self.rows == i)
        if len(hit):
            row = int(hit[0])
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def _append(self, rec: dict) -> None:
        """A new feature (or one restored by undo) goes at the end, without re-reading."""
        i = len(self.fids)
        for f in self.columns:
            self.values[f.name] = np.append(self.values[f.name], np.array([rec.get(f.name)], dtype=object))
        self.fids = np.append(self.fids, np.int64(rec["fid"]))
        self._search_cache.clear()
        self.position[int(rec["fid"])] = i
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows = np.append(self.rows, i)
        self._inv = None
        self.endInsertRows()

    def _remove(self, fid: int) -> None:
        i = self.position.pop(fid)
        hit = np.flatnonzero(self.rows == i)
        if len(hit):
            row = int(hit[0])
            self.beginRemoveRows(QModelIndex(), row, row)
            self.rows = np.delete(self.rows, row)
            self._inv = None
            self.endRemoveRows()

    def _apply(self) -> None:
        n = len(self.fids)
        keep = np.zeros(n, dtype=bool)  # features deleted since the last read stay out
        keep[np.fromiter(self.position.values(), dtype=np.int64, count=len(self.position))] = True
        text = self.filter_text.strip().lower()
        if text:
            cols = [self.filter_field] if self.filter_field else [f.name for f in self.columns]
            hit = np.zeros(n, dtype=bool)
            for c in cols:
                hit |= pd.Series(self._search_text(c)).str.contains(text, regex=False).to_numpy()
            keep &= hit
        rows = np.flatnonzero(keep)
        if self.sort_column is not None:
            col = self.values[self.columns[self.sort_column].name][rows]
            key = pd.Series(col)
            order = np.argsort(key.fillna("" if key.dtype == object else np.nan).astype(str)
                               if self.columns[self.sort_column].kind in ("text", "date", "datetime")
                               else pd.to_numeric(key, errors="coerce").to_numpy(dtype=float), kind="stable")
            if self.sort_order == Qt.SortOrder.DescendingOrder:
                order = order[::-1]
            rows = rows[order]
        self.rows = rows
        self._inv = None

    def _search_text(self, name: str) -> np.ndarray:
        """A column as lower-case text for the filter, kept until the data change (the
        conversion is most of a filter over 100k rows). A coded column also matches its
        label in the UI language: 'idle' finds 闲置 in English."""
        text = self._search_cache.get(name)
        if text is None:
            raw = pd.Series(self.values[name], dtype=object)
            text = raw.where(raw.notna(), "").astype(str)
            if self.spec.field(name).choices:
                labels = {v: value_label(v) for v in raw.dropna().unique().tolist()}
                text = text + "\x00" + raw.map(labels).fillna("").astype(str)
            text = text.str.lower().to_numpy(dtype=object)
            self._search_cache[name] = text
        return text

    def set_filter(self, text: str, field: str | None = None) -> None:
        self.beginResetModel()
        self.filter_text = text
        self.filter_field = field
        self._apply()
        self.endResetModel()

    # ---- Qt model
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        f = self.columns[index.column()]
        v = self.values[f.name][self.rows[index.row()]]
        if role == Qt.ItemDataRole.DisplayRole:
            if v is None or (isinstance(v, float) and np.isnan(v)):
                return ""
            if f.kind == "real":
                return f"{v:,.2f}" if f.name.startswith("area") or f.unit in ("㎡", "万元") else f"{v:g}"
            if f.kind == "int" and isinstance(v, float) and v.is_integer():
                return str(int(v))  # a column with an empty cell is read as floats: 层数 3, not 3.0
            if f.kind in ("date", "datetime") and hasattr(v, "strftime"):
                return v.strftime("%Y-%m-%d") if f.kind == "date" else v.strftime("%Y-%m-%d %H:%M")
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
        self._apply()
        self.layoutChanged.emit()

    # ---- fids <-> rows
    def fid_at(self, row: int) -> int:
        return int(self.fids[self.rows[row]])

    def _inverse(self) -> np.ndarray:
        """Frame position -> view row (-1 when filtered out), rebuilt after rows change, so
        finding the rows of 50k selected parcels is one array lookup, not 50k scans."""
        inv = getattr(self, "_inv", None)
        if inv is None or len(inv) != len(self.fids):
            inv = np.full(len(self.fids), -1, dtype=np.int64)
            inv[self.rows] = np.arange(len(self.rows))
            self._inv = inv
        return inv

    def row_of(self, fid: int) -> int | None:
        i = self.position.get(int(fid))
        if i is None:
            return None
        row = int(self._inverse()[i])
        return row if row >= 0 else None

    def rows_of(self, fids) -> np.ndarray:
        """The view rows (sorted) of the features shown among fids."""
        get = self.position.get
        pos = np.fromiter((get(int(f), -1) for f in fids), dtype=np.int64)
        rows = self._inverse()[pos[pos >= 0]]
        return np.sort(rows[rows >= 0])


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
        """defer: read the rows once the map has shown its first frame (100k parcels take
        ~0.3 s that the first frame need not wait for)."""
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
        self.canvas.frame_ready.disconnect(self._load_deferred)
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
        shown, total = self.model.rowCount(), len(self.model.position)
        self.count_label.setText(tr(f"{shown:,} / {total:,} 条", f"{shown:,} / {total:,} rows"))
        self.on_map_selection(self.model.layer)

    def selected_fids(self) -> list[int]:
        """From the selection's row ranges (Ctrl+A over 100k rows is one range, not 100k
        indexes)."""
        ranges = [np.arange(r.top(), r.bottom() + 1) for r in self.view.selectionModel().selection()]
        if not ranges:
            return []
        rows = np.unique(np.concatenate(ranges))
        return self.model.fids[self.model.rows[rows]].tolist()

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
