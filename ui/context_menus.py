"""Right-click menus: on the map (identify, zoom to, select, edit attributes, stacking plan of
a building, measure, copy the coordinates, bookmark), on the layer list (zoom to layer,
style, labels, opacity) and on the attribute table (zoom to, select, copy). Each menu is
built by a plain function from where the click was, so tests can read its actions."""

from __future__ import annotations

import shapely
from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu

from layers import labels
from layers.themes import themes_for
from ui.canvas import IDENTIFY_ORDER, IDENTIFY_PX
from ui.i18n import tr

NAVIGATION_TOOLS = ("pan", "zoom_box", "identify", "select")
OPACITIES = (100, 75, 50, 25)


def feature_at(canvas, x: float, y: float) -> tuple[str, str, int] | None:
    """(map layer id, store layer, fid) of the top visible feature at a map point."""
    tol = IDENTIFY_PX * canvas.view.scale
    for lid in IDENTIFY_ORDER:
        try:
            layer = canvas.map.layer(lid)
        except KeyError:
            continue
        if layer.visible:
            hits = layer.features_at(x, y, tol)
            if hits:
                return lid, getattr(layer, "layer", lid), int(hits[0])
    return None


def _describe(window, store_layer: str, fid: int) -> str:
    from landapp.schema import spec
    from layers.vector import short_code

    try:
        rec = window.store.get(store_layer, fid)
    except Exception:
        return f"{spec(store_layer).title} #{fid}"
    code = rec.get("code")
    bits = [short_code(code) if store_layer == "parcels" and code else code, rec.get("name")]
    text = "  ".join(str(b) for b in bits if b)
    return f"{spec(store_layer).title}  {text or '#' + str(fid)}"


def zoom_to_feature(window, map_layer: str, fid: int) -> None:
    geom = window.map.layer(map_layer).geometry(fid)
    x0, y0, x1, y1 = shapely.bounds(geom)
    pad = max(x1 - x0, y1 - y0, 40.0) * 0.6
    window.canvas.zoom_to((x0 - pad, y0 - pad, x1 + pad, y1 + pad), margin=0.0)


def edit_attributes(window, map_layer: str, fid: int) -> None:
    window.canvas.active_layer = map_layer
    window.canvas.set_selection(map_layer, [fid])
    window.edit_selected()


def map_menu(window, x: float, y: float) -> QMenu:
    """The map's menu for a right click at map point (x, y)."""
    canvas = window.canvas
    menu = QMenu(window)
    hit = feature_at(canvas, x, y)
    if hit is not None:
        lid, layer, fid = hit
        head = menu.addAction(_describe(window, layer, fid))
        head.setEnabled(False)
        menu.addAction(tr("识别", "Identify"), lambda: canvas.identify_at(x, y))
        menu.addAction(tr("缩放至要素", "Zoom to feature"), lambda: zoom_to_feature(window, lid, fid))
        menu.addAction(tr("选择此要素", "Select this feature"),
                       lambda: (setattr(canvas, "active_layer", lid), canvas.set_selection(lid, [fid])))
        if lid in ("parcels", "buildings", "zones", "roads") and hasattr(window, "edit_selected"):
            menu.addAction(tr("编辑属性…", "Edit attributes…"), lambda: edit_attributes(window, lid, fid))
        if layer == "buildings" and hasattr(window, "open_stacking"):
            menu.addAction(tr("打开楼宇分层图", "Open stacking plan"), lambda: window.open_stacking(fid))
        menu.addSeparator()
    for key in ("measure_distance", "measure_area"):
        act = getattr(window, "tool_actions", {}).get(key)
        if act is not None:
            menu.addAction(act.text(), lambda k=key: window.set_tool(k))
    # Gauss-Krüger order, as on the status bar and the parcel sheets: X northing, Y easting
    coords = f"X {y:.2f}, Y {x:.2f}"
    menu.addAction(tr(f"复制坐标 ({coords})", f"Copy coordinates ({coords})"),
                   lambda: QGuiApplication.clipboard().setText(f"{y:.3f}, {x:.3f}"))
    if hasattr(window, "bookmarks_menu"):
        menu.addAction(tr("添加空间书签…", "Add bookmark…"), lambda: window.bookmarks_menu.add())
    if hasattr(window, "select_by_attribute_action"):
        menu.addAction(window.select_by_attribute_action)
    menu.addAction(tr("全图", "Full extent"), canvas.zoom_full)
    return menu


class _MapMenuFilter(QObject):
    """Opens the map menu on a right click when a navigation tool is active (the drawing and
    measuring tools use the right click to finish)."""

    def __init__(self, window):
        super().__init__(window)
        self.window_ = window

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.ContextMenu:
            canvas = self.window_.canvas
            if getattr(canvas.tool, "name", "") not in NAVIGATION_TOOLS:
                return True
            pos = event.pos()
            x, y = canvas.view.to_map(pos.x(), pos.y())
            map_menu(self.window_, float(x), float(y)).popup(event.globalPos())
            return True
        return False


def layer_menu(window, layer_id: str) -> QMenu:
    """The layer list's menu for one layer."""
    layer = window.map.layer(layer_id)
    panel = window.layer_panel
    menu = QMenu(window)
    if layer.kind == "vector":
        menu.addAction(tr("缩放至图层", "Zoom to layer"), lambda: window.canvas.zoom_to_layer(layer_id))
    vis = menu.addAction(tr("显示", "Visible"))
    vis.setCheckable(True)
    vis.setChecked(layer.visible)
    vis.toggled.connect(lambda on: panel.set_visible(layer_id, on))
    themes = themes_for(getattr(layer, "layer", "")) if layer.kind == "vector" else []
    if len(themes) > 1 and layer_id != "retired_parcels":
        style = menu.addMenu(tr("样式", "Style"))
        for t in themes:
            act = style.addAction(t.title, lambda k=t.key: set_theme(window, layer_id, k))
            act.setCheckable(True)
            act.setChecked(getattr(layer, "theme_key", None) == t.key)
    if layer_id in labels.LAYER_MODES:
        lab = menu.addMenu(tr("标注", "Labels"))
        current = labels.current_mode(layer)
        for mode in labels.LAYER_MODES[layer_id]:
            act = lab.addAction(labels.mode_title(mode), lambda m=mode: set_labels(window, layer_id, m))
            act.setCheckable(True)
            act.setChecked(mode == current)
    opacity = menu.addMenu(tr("不透明度", "Opacity"))
    for pct in OPACITIES:
        act = opacity.addAction(f"{pct}%", lambda p=pct: set_opacity(window, layer_id, p))
        act.setCheckable(True)
        act.setChecked(round(layer.opacity * 100) == pct)
    if layer.kind == "vector" and layer_id != "retired_parcels" and hasattr(window, "select_by_attribute_action"):
        from ui.query_dialog import open_select_by_attribute

        menu.addSeparator()
        menu.addAction(tr("按属性选择…", "Select by attribute…"),
                       lambda: open_select_by_attribute(window, getattr(layer, "layer", layer_id)))
    return menu


def set_theme(window, layer_id: str, key: str) -> None:
    window.map.layer(layer_id).set_theme(key)
    panel = window.layer_panel
    panel.show_layer(layer_id)
    panel._show_current()  # the style box and legend follow


def set_labels(window, layer_id: str, mode: str) -> None:
    labels.set_label_mode(window.map.layer(layer_id), mode)
    labels.save_mode(window.store, layer_id, mode)


def set_opacity(window, layer_id: str, pct: int) -> None:
    layer = window.map.layer(layer_id)
    layer.opacity = pct / 100
    window.map.changed()
    if window.layer_panel.current_layer() is layer:
        window.layer_panel._show_current()


def table_menu(window, row: int, column: int) -> QMenu:
    """The attribute table's menu for a right click on a cell."""
    table = window.table
    model = table.model
    fid = model.fid_at(row)
    layer = model.layer
    selected = table.selected_fids()
    if fid not in selected:
        selected = [fid]
    menu = QMenu(window)
    menu.addAction(tr("缩放至此要素", "Zoom to this feature"), lambda: zoom_to_feature(window, layer, fid))
    if len(selected) > 1:
        menu.addAction(tr(f"缩放至所选 {len(selected)} 个要素", f"Zoom to the {len(selected)} selected"),
                       window.canvas.zoom_to_selection)
    menu.addAction(tr("只选择此要素", "Select only this feature"), lambda: window.canvas.set_selection(layer, [fid]))
    menu.addSeparator()
    idx = model.index(row, column)
    cell = model.data(idx, Qt.ItemDataRole.DisplayRole)
    menu.addAction(tr("复制单元格", "Copy cell"),
                   lambda: QGuiApplication.clipboard().setText("" if cell is None else str(cell)))
    menu.addAction(tr(f"复制所选行({len(selected)} 行,含表头)", f"Copy selected rows ({len(selected)}, with header)"),
                   lambda: QGuiApplication.clipboard().setText(rows_as_text(model, selected)))
    if hasattr(window, "edit_selected"):
        menu.addSeparator()
        menu.addAction(tr("编辑属性…", "Edit attributes…"), lambda: edit_attributes(window, layer, fid))
    return menu


def rows_as_text(model, fids) -> str:
    """Tab-separated rows as shown (header first), for pasting into WPS or Excel. Text that
    a spreadsheet would take as a formula is kept as text (a leading apostrophe)."""
    from PySide6.QtCore import Qt as _Qt

    cols = range(model.columnCount())
    head = [str(model.headerData(c, _Qt.Orientation.Horizontal, _Qt.ItemDataRole.DisplayRole) or "") for c in cols]
    lines = ["\t".join(head)]
    wanted = set(int(f) for f in fids)
    rows = model.rows_of(wanted).tolist() if hasattr(model, "rows_of") else \
        [r for r in range(model.rowCount()) if model.fid_at(r) in wanted]
    for r in rows:
        vals = []
        for c in cols:
            v = model.data(model.index(r, c), _Qt.ItemDataRole.DisplayRole)
            t = "" if v is None else str(v).replace("\t", " ").replace("\n", " ")
            if t[:1] in ("=", "+", "-", "@") and not _is_number(t):
                t = "'" + t
            vals.append(t)
        lines.append("\t".join(vals))
    return "\n".join(lines)


def _is_number(t: str) -> bool:
    try:
        float(t.replace(",", ""))
        return True
    except ValueError:
        return False


def install_context_menus(window) -> None:
    """Right-click menus on the map, the layer list and the attribute table."""
    f = _MapMenuFilter(window)
    window.canvas.installEventFilter(f)
    window._map_menu_filter = f

    lst = window.layer_panel.list
    lst.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def on_layer(pos: QPoint) -> None:
        item = lst.itemAt(pos)
        if item is not None:
            lst.setCurrentItem(item)
            layer_menu(window, item.data(Qt.ItemDataRole.UserRole)).popup(lst.viewport().mapToGlobal(pos))

    lst.customContextMenuRequested.connect(on_layer)
    view = window.table.view
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def on_table(pos: QPoint) -> None:
        idx = view.indexAt(pos)
        if idx.isValid():
            table_menu(window, idx.row(), idx.column()).popup(view.viewport().mapToGlobal(pos))

    view.customContextMenuRequested.connect(on_table)
