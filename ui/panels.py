"""Side panels: the layer panel (visibility, order, opacity, thematic style, legend) and the
info panel that identify fills (attributes with Chinese titles, area in m² and 亩, the
buildings on a parcel and their vacancy)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QSlider, QTextBrowser, QVBoxLayout, QWidget)

from landapp.schema import spec, value_label
from landapp.units import to_mu
from layers.themes import themes_for
from layers.vector import short_code
from ui.i18n import tr
from landapp.store.filters import F, current


def _by_operation(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r.get("operation") or "", []).append(r)
    return out


def _swatch(fill: QColor | None, outline: QColor | None, kind: str = "polygon",
            width: float | None = None) -> QIcon:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPen

    pm = QPixmap(20, 14)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    if kind == "line":
        p.setPen(QPen(outline or QColor("black"), 2, Qt.PenStyle.DashLine))
        p.drawLine(0, 7, 20, 7)
    elif kind == "raster":
        p.setPen(QColor(120, 120, 120))
        p.setBrush(Qt.BrushStyle.Dense5Pattern)
        p.drawRect(1, 1, 17, 11)
    else:
        w = width or 1.0
        p.setPen(QPen(outline or QColor(110, 110, 110), w))
        p.setBrush(fill if fill is not None else Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(1 + w / 2, 1 + w / 2, 18 - w, 12 - w))
    p.end()
    return QIcon(pm)


class LayerPanel(QWidget):
    """Layers top to bottom as drawn; check to show, up/down to reorder, opacity, style."""

    active_layer_changed = Signal(str)
    _map_changed = Signal()

    def __init__(self, park_map, parent=None):
        super().__init__(parent)
        self.map = park_map
        self.list = QListWidget(self)
        self.up = QPushButton("▲", self)
        self.down = QPushButton("▼", self)
        self.up.setToolTip(tr("上移图层", "Move layer up"))
        self.down.setToolTip(tr("下移图层", "Move layer down"))
        self.opacity = QSlider(Qt.Orientation.Horizontal, self)
        self.opacity.setRange(0, 100)
        self.theme = QComboBox(self)
        self.legend = QListWidget(self)
        self.legend.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.legend.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.legend.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.up)
        row.addWidget(self.down)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.list)
        lay.addLayout(row)
        self.opacity_label = QLabel(tr("不透明度", "Opacity"), self)
        lay.addWidget(self.opacity_label)
        lay.addWidget(self.opacity)
        self.theme_label = QLabel(tr("专题样式", "Thematic style"), self)
        lay.addWidget(self.theme_label)
        lay.addWidget(self.theme)
        lay.addWidget(QLabel(tr("图例", "Legend"), self))
        lay.addWidget(self.legend, 1)
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.currentRowChanged.connect(lambda _r: self._show_current())
        self.up.clicked.connect(lambda: self._move(+1))
        self.down.clicked.connect(lambda: self._move(-1))
        self.opacity.valueChanged.connect(self._on_opacity)
        self.theme.activated.connect(self._on_theme)
        # the map changes from worker threads too (tiles arriving): rebuild the legend in the
        # GUI thread, once per burst
        from PySide6.QtCore import QTimer

        self._legend_timer = QTimer(self)
        self._legend_timer.setSingleShot(True)
        self._legend_timer.setInterval(0)
        self._legend_timer.timeout.connect(self._refresh_legend)
        self._map_changed.connect(self._legend_timer.start, Qt.ConnectionType.QueuedConnection)
        park_map.on_changed(self._map_changed.emit)
        self.populate()

    def populate(self, current: str | None = None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for layer in reversed(self.map.layers):  # top of the drawing order first
            item = QListWidgetItem(layer.title)
            item.setData(Qt.ItemDataRole.UserRole, layer.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        # tall enough to show every layer without scrolling; the legend takes the rest
        rows = max(self.list.count(), 1)
        self.list.setFixedHeight(min(rows, 12) * max(self.list.sizeHintForRow(0), 18) + 2 * self.list.frameWidth() + 4)
        ids = [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]
        self.list.setCurrentRow(ids.index(current) if current in ids else ids.index("parcels") if "parcels" in ids else 0)
        self._show_current()

    def show_layer(self, layer_id: str) -> None:
        """Make layer_id the current row (the table switched layer): the panel then names
        the layer the editing tools act on."""
        item = self.item_for(layer_id)
        if item is not None and item is not self.list.currentItem():
            self.list.setCurrentItem(item)

    def current_layer(self):
        item = self.list.currentItem()
        return self.map.layer(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def item_for(self, layer_id: str) -> QListWidgetItem | None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == layer_id:
                return self.list.item(i)
        return None

    def set_visible(self, layer_id: str, visible: bool) -> None:
        self.item_for(layer_id).setCheckState(Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        layer = self.map.layer(item.data(Qt.ItemDataRole.UserRole))
        layer.visible = item.checkState() == Qt.CheckState.Checked
        self.map.changed()
        self._refresh_legend()

    def _move(self, delta: int) -> None:
        layer = self.current_layer()
        if layer is None:
            return
        self.map.move(layer.id, delta)
        self.populate(layer.id)

    def _show_opacity(self, value: int) -> None:
        self.opacity_label.setText(tr(f"不透明度 {value}%", f"Opacity {value}%"))

    def _on_opacity(self, value: int) -> None:
        self._show_opacity(value)
        layer = self.current_layer()
        if layer is not None and abs(layer.opacity - value / 100) > 1e-9:
            layer.opacity = value / 100
            self.map.changed()

    def _on_theme(self, _index: int) -> None:
        layer = self.current_layer()
        key = self.theme.currentData()
        if layer is not None and layer.kind == "tiles":
            layer.set_provider(key)
            self.map.store.set_setting("basemap_provider", key)
        elif layer is not None and key and getattr(layer, "theme_key", None) != key:
            layer.set_theme(key)
        self._refresh_legend()

    def _show_current(self) -> None:
        layer = self.current_layer()
        if layer is None:
            return
        self.opacity.blockSignals(True)
        self.opacity.setValue(round(layer.opacity * 100))
        self._show_opacity(round(layer.opacity * 100))
        self.opacity.blockSignals(False)
        self.theme.blockSignals(True)
        self.theme.clear()
        if layer.kind == "tiles":  # for the online basemap the choice is the provider
            for p in layer.providers.values():
                self.theme.addItem(p.title, p.key)
            self.theme.setCurrentIndex(max(0, self.theme.findData(layer.provider.key)))
        for t in themes_for(getattr(layer, "layer", "")):
            self.theme.addItem(t.title, t.key)
        if self.theme.count() and layer.kind == "vector":
            self.theme.setCurrentIndex(max(0, self.theme.findData(layer.theme_key)))
        self.theme.setEnabled(self.theme.count() > 1)
        self.theme.blockSignals(False)
        if layer.kind == "vector":
            self.active_layer_changed.emit(layer.id)
        self._refresh_legend()

    def _refresh_legend(self) -> None:
        """Every visible layer's legend, in drawing order from the top like the layer list;
        the current layer's classes come first so its theme is seen without scrolling."""
        self.legend.clear()
        current = self.current_layer()
        shown = [layer for layer in reversed(self.map.layers) if layer.visible]
        if current is not None and current in shown:
            shown.remove(current)
            shown.insert(0, current)
        bold = self.legend.font()
        bold.setBold(True)
        for layer in shown:
            entries = layer.legend()
            if not entries:
                continue
            if len(entries) == 1 and entries[0].label == layer.title:  # one row: the layer itself
                e = entries[0]
                self.legend.addItem(QListWidgetItem(_swatch(e.fill, e.outline, e.kind, e.width), e.label))
                continue
            head = QListWidgetItem(layer.title)
            head.setFont(bold)
            self.legend.addItem(head)
            for e in entries:
                self.legend.addItem(QListWidgetItem(_swatch(e.fill, e.outline, e.kind, e.width), e.label))


# computed or internal: areas are shown once at the top, ids are keys, not facts
HIDDEN_FIELDS = {"area_m2", "area_mu", "footprint_m2", "retired", "land_user_id"}


class InfoPanel(QTextBrowser):
    """What identify found: every attribute with its Chinese title, the parcel's lineage
    (parents and children, linked) and the feature's edit history (who, when, what)."""

    feature_link = Signal(str, int)  # layer, fid of a linked feature (a parent or child parcel)

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.current: tuple[str, int] | None = None
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._on_link)
        self.show_nothing()
        store.signals.changed.connect(self._on_change)

    def _on_link(self, url) -> None:
        layer, _, fid = url.toString().partition(":")
        if fid.isdigit():
            self.show_feature(layer, int(fid))
            self.feature_link.emit(layer, int(fid))

    def _on_change(self, event) -> None:
        if self.current and event.layer in (self.current[0], "units", "buildings"):
            try:
                self.show_feature(*self.current)
            except KeyError:
                self.show_nothing()

    def show_nothing(self) -> None:
        self.current = None
        self.setHtml(f"<p style='color:#666'>{tr('用“识别”工具点击地图上的地块或建筑,在此查看其属性。', 'Click a parcel or building with the Identify tool to see its attributes here.')}</p>")

    def show_feature(self, layer: str, fid: int) -> None:
        if fid < 0:
            self.show_nothing()
            return
        rec = self.store.get(layer, fid)
        self.current = (layer, fid)
        s = spec(layer)
        e = html.escape
        title = rec.get("name") or rec.get("code") or f"#{fid}"
        kind = {"parcels": tr("地块", "Parcel"), "buildings": tr("建筑", "Building"), "zones": tr("片区", "Zone"),
                "roads": tr("道路", "Road")}.get(layer, s.title)
        out = [f"<h3>{e(kind)}{tr(':', ': ')}{e(str(title))}</h3>"]
        if rec.get("retired"):
            out.append(f"<p style='color:#5D4037'><b>{tr('已注销(历史)', 'Retired (history)')}</b> "
                       f"{e(str(rec.get('retired_date') or ''))}</p>")
        geom = rec.get("geometry")
        if geom is not None:
            a = geom.area
            what = tr("占地面积", "Footprint") if layer == "buildings" else tr("面积", "Area")
            out.append(f"<p><b>{what}</b> {a:,.1f} ㎡ = {to_mu(a):,.2f} {tr('亩', 'mu')}</p>")
        if layer == "parcels" and not rec.get("retired"):
            out.append(self._idle_line(rec))
        out.append("<table cellspacing='0' cellpadding='2'>")
        for f in s.fields:
            v = rec.get(f.name)
            if v is None or f.name in HIDDEN_FIELDS or v == "":
                continue
            if f.name == "code" and layer == "parcels" and short_code(v) != v:
                v = f"{v}\n({short_code(v)})"
            elif f.kind == "datetime" and isinstance(v, str):
                v = v[:16].replace("T", " ")  # ISO 8601 from the store: minutes are enough here
            elif f.choices:
                v = value_label(v)
            elif f.name == "land_use":
                from landapp import landuse

                v = landuse.label(v) if landuse.is_known(v) else v
            elif isinstance(v, float):
                v = f"{v:,.2f}".rstrip("0").rstrip(".")
            out.append(f"<tr><td style='color:#555'>{e(f.title)}</td><td>{e(str(v)).replace(chr(10), '<br>')}</td></tr>")
        out.append("</table>")
        if layer == "parcels":
            out.append(self._lineage(fid))
            out.append(self._buildings_on(rec))
        if layer == "buildings":
            out.append(self._units_of(fid))
        out.append(self._history(layer, fid))
        self.setHtml("".join(out))

    def _lineage(self, fid: int) -> str:
        """沿革: the parcels this one was split from or merged out of, and what it became."""
        from landapp.history import lineage

        lin = lineage(self.store, fid)
        if not lin["parents"] and not lin["children"]:
            return ""
        e = html.escape

        def links(rows, id_key, code_key):
            return "、".join(f"<a href='parcels:{r[id_key]}'>{e(str(r[code_key] or r[id_key]))}</a>" for r in rows)

        def when(rows):
            r = rows[0]
            return e(" ".join(str(v) for v in (r.get("date"), r.get("user")) if v))

        out = [f"<h4>{tr('地块沿革', 'Lineage')}</h4><p>"]
        for op, rows in _by_operation(lin["parents"]).items():
            verb = tr("由 {} 拆分而来", "split from {}") if op == "拆分" else tr("由 {} 合并而成", "merged from {}")
            out.append(verb.format(links(rows, "parent_id", "parent_code")) + f"({when(rows)})<br>")
        for op, rows in _by_operation(lin["children"]).items():
            verb = tr("已拆分为 {}", "split into {}") if op == "拆分" else tr("已并入 {}", "merged into {}")
            out.append(verb.format(links(rows, "child_id", "child_code")) + f"({when(rows)})<br>")
        out.append("</p>")
        return "".join(out)

    def _history(self, layer: str, fid: int) -> str:
        """The last edits of the feature from the edit log: when, who, field old → new."""
        from landapp.history import feature_history

        rows = feature_history(self.store, layer, fid, limit=10)
        if not rows:
            return ""
        e = html.escape
        ops = {"insert": tr("新增", "added"), "update": tr("修改", "changed"), "delete": tr("删除", "deleted")}

        def show(v):
            if isinstance(v, str) and v.startswith("<") and "m²>" in v:
                return tr("(图形)", "(shape)")
            if isinstance(v, bool):
                return tr("是", "yes") if v else tr("否", "no")
            if isinstance(v, float):
                return f"{v:,.2f}".rstrip("0").rstrip(".")
            return value_label(v) if isinstance(v, str) else ("" if v is None else str(v))

        out = [f"<h4>{tr('修改记录', 'Edit history')}</h4><table cellpadding='1'>"]
        for r in rows:
            out.append(f"<tr><td style='color:#555' valign='top'>{e(str(r['ts']).replace('T', ' '))}</td>"
                       f"<td valign='top'>{e(str(r['user']))}</td><td valign='top'>{ops.get(r['operation'], '')}</td></tr>")
            if r["operation"] == "update":
                for title, old, new in r["changes"]:
                    out.append(f"<tr><td></td><td colspan='2'>{e(title)}:{e(show(old)) or '—'} → "
                               f"{e(show(new)) or '—'}</td></tr>")
        out.append("</table>")
        return "".join(out)

    def _idle_line(self, rec: dict) -> str:
        """The parcel's standing under 《闲置土地处置办法》, in the colour of the idle theme."""
        from landapp import idle
        from landapp.vacancy import default_as_of
        from layers.themes_rules import IDLE_COLOURS

        st = idle.idle_land_status(rec, default_as_of(self.store))
        colour = "#B71C1C" if st.idle else "#555"
        swatch = f"<span style='background:{IDLE_COLOURS.get(st.status, '#E0E0E0')}'>&nbsp;&nbsp;&nbsp;</span>"
        label = idle.status_label(st.status)
        reason = (f"<br><span style='color:#555'>{html.escape(st.reason)}</span>"
                  if st.reason and st.reason.lower() != label.lower() else "")
        return (f"<p>{swatch} <b>{tr('闲置认定', 'Idle land')}</b> "
                f"<span style='color:{colour}'>{html.escape(label)}</span>{reason}</p>")

    def _figures(self, bfid: int):
        from landapp.vacancy import building_figures, default_as_of, load_space

        return building_figures(load_space(self.store), bfid, default_as_of(self.store))

    def _buildings_on(self, parcel: dict) -> str:
        code = parcel.get("code")
        b = self.store.rows("buildings", (F("parcel_code") == code) & current())
        if not b:
            return f"<p>{tr('地块上没有登记建筑。', 'No buildings on this parcel.')}</p>"
        from landapp.vacancy import building_figures, default_as_of, load_space

        space, as_of = load_space(self.store), default_as_of(self.store)
        rows = [f"<h4>{tr('地块上的建筑', 'Buildings on the parcel')}({len(b)})</h4><table cellpadding='2'>",
                f"<tr><th align='left'>{tr('名称', 'Name')}</th><th>{tr('类型', 'Type')}</th>"
                f"<th>{tr('层数', 'Storeys')}</th><th>{tr('空置率', 'Vacancy')}</th></tr>"]
        for r in b:
            rate = building_figures(space, r["fid"], as_of).vacancy_rate
            rows.append(f"<tr><td>{html.escape(r['name'] or '')}</td><td>{value_label(r['btype'])}</td>"
                        f"<td align='right'>{r.get('storeys') or ''}</td>"
                        f"<td align='right'>{'-' if rate is None else f'{rate:.0%}'}</td></tr>")
        rows.append("</table>")
        return "".join(rows)

    def _units_of(self, fid: int) -> str:
        f = self._figures(fid)
        if not f.leasable:
            return f"<p>{tr('没有单元数据。', 'No unit data.')}</p>"
        parts = ", ".join(f"{label} {v:,.0f} ㎡" for label, v in [
            (tr("已租", "leased"), f.leased), (tr("已售", "sold"), f.sold),
            (tr("预留/装修", "withheld"), f.withheld), (tr("空置", "vacant"), f.vacant)] if v)
        return (f"<p><b>{tr('空置率', 'Vacancy')}</b> {f.vacancy_rate:.1%}"
                f"({f.vacant:,.0f} / {f.leasable:,.0f} ㎡)<br>{parts}</p>")
