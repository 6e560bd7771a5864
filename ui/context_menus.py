"""Right-click menus on the map, the layer list and the attribute table. What they list comes
from the registry (ui/actions.py: actions with `context=("map",)` …, many in
ui/entries/gis.py); this module finds what was clicked, sets window.context_target, and has
the slots of the GIS entries: identify / zoom to / select / edit the clicked feature, copy
its coordinates; zoom to a layer, its style, labels, opacity; zoom to, select, copy rows."""

from __future__ import annotations

import shapely
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu

from layers import labels
from layers.themes import themes_for
from ui.actions import ContextTarget
from ui.canvas import IDENTIFY_ORDER, IDENTIFY_PX
from ui.i18n import tr

NAVIGATION_TOOLS = ("pan", "zoom_box", "identify", "select")
OPACITIES = (100, 75, 50, 25)


# ---- what was clicked -----------------------------------------------------------------------

def feature_at(canvas, x: float, y: float) -> tuple[str, int] | None:
    """(map layer id, fid) of the top visible feature at a map point."""
    tol = IDENTIFY_PX * canvas.view.scale
    for lid in IDENTIFY_ORDER:
        try:
            layer = canvas.map.layer(lid)
        except KeyError:
            continue
        if layer.visible:
            hits = layer.features_at(x, y, tol)
            if hits:
                return lid, int(hits[0])
    return None


def map_target(window, x: float, y: float) -> ContextTarget:
    hit = feature_at(window.canvas, x, y)
    if hit is None:
        return ContextTarget("map", point=(x, y))
    return ContextTarget("map", layer=hit[0], fids=[hit[1]], point=(x, y))


def map_menu(window, x: float, y: float, parent=None) -> QMenu:
    return window.workspace.context_menu("map", map_target(window, x, y), parent)


def layer_menu(window, layer_id: str, parent=None) -> QMenu:
    return window.workspace.context_menu("layers", ContextTarget("layers", layer=layer_id), parent)


def table_menu(window, row: int, column: int, parent=None) -> QMenu:
    table = window.table
    fid = table.model.fid_at(row)
    selected = table.selected_fids()
    fids = selected if fid in selected else [fid]
    fids = [fid] + [f for f in fids if f != fid]  # the clicked row first
    window.context_cell = (row, column)
    return window.workspace.context_menu("table", ContextTarget("table", layer=table.model.layer, fids=fids), parent)


def _inside(widget, ancestor) -> bool:
    while widget is not None:
        if widget is ancestor:
            return True
        widget = widget.parentWidget()
    return False


class ContextMenuRouter(QObject):
    """Right clicks reach the main window when the widget under the cursor does not handle
    them; this finds whether that was the map, the layer list or the table (which the
    registry may have re-made after a language switch) and opens their menu."""

    def __init__(self, window):
        super().__init__(window)
        self.window_ = window

    def eventFilter(self, obj, event) -> bool:
        if event.type() != QEvent.Type.ContextMenu or obj is not self.window_:
            return False
        return self.open_at(event.globalPos())

    def open_at(self, global_pos) -> bool:
        w = self.window_
        under = QApplication.widgetAt(global_pos)
        menu = None
        canvas = w.canvas
        if _inside(under, canvas):
            if getattr(canvas.tool, "name", "") not in NAVIGATION_TOOLS:
                return True  # drawing and measuring tools finish with the right click
            pos = canvas.mapFromGlobal(global_pos)
            x, y = canvas.view.to_map(pos.x(), pos.y())
            menu = map_menu(w, float(x), float(y))
        elif getattr(w, "layer_panel", None) is not None and _inside(under, w.layer_panel.list):
            lst = w.layer_panel.list
            item = lst.itemAt(lst.viewport().mapFromGlobal(global_pos))
            if item is not None:
                lst.setCurrentItem(item)
                menu = layer_menu(w, item.data(Qt.ItemDataRole.UserRole))
        elif getattr(w, "table", None) is not None and _inside(under, w.table.view):
            view = w.table.view
            idx = view.indexAt(view.viewport().mapFromGlobal(global_pos))
            if idx.isValid():
                menu = table_menu(w, idx.row(), idx.column())
        if menu is None:
            return False
        menu.popup(global_pos)
        return True


def install_context_menus(window) -> ContextMenuRouter:
    router = ContextMenuRouter(window)
    window.installEventFilter(router)
    window.context_router = router
    return router


# ---- slots of the registry's entries --------------------------------------------------------

def _target(w, context: str | None = None) -> ContextTarget | None:
    t = getattr(w, "context_target", None)
    return t if t is not None and (context is None or t.context == context) else None


def describe_target(w) -> bool:
    """The map menu's first, greyed line names what was clicked ("地块 002-00003 汽车城…"). The
    registry asks this when the menu opens: it sets the text and keeps the line disabled."""
    from landapp.schema import spec
    from layers.vector import short_code

    act = getattr(getattr(w, "workspace", None), "actions", {}).get("ctx:what")
    t = _target(w, "map")
    if act is None or t is None:
        return False
    if not (t.fids and t.layer):
        act.setText(tr("(此处没有要素)", "(no feature here)"))
        return False
    layer = getattr(w.map.layer(t.layer), "layer", t.layer)
    try:
        rec = w.store.get(layer, t.fids[0])
    except Exception:
        rec = {}
    code = rec.get("code")
    bits = [short_code(code) if layer == "parcels" and code else code, rec.get("name")]
    act.setText("  ".join([spec(layer).title] + [str(b) for b in bits if b]))
    return False


def has_feature(w) -> bool:
    t = _target(w)
    return bool(t is not None and t.fids and t.layer)


def editable_feature(w) -> bool:
    t = _target(w)
    return bool(has_feature(w) and t.layer in ("parcels", "buildings", "zones", "roads")
                and not getattr(w, "read_only", False))


def zoom_to_feature(w, map_layer: str, fid: int) -> None:
    geom = w.map.layer(map_layer).geometry(fid)
    x0, y0, x1, y1 = shapely.bounds(geom)
    pad = max(x1 - x0, y1 - y0, 40.0) * 0.6
    w.canvas.zoom_to((x0 - pad, y0 - pad, x1 + pad, y1 + pad), margin=0.0)


def identify_target(w) -> None:
    t = _target(w)
    x, y = t.point
    w.canvas.identify_at(x, y)


def zoom_target(w) -> None:
    t = _target(w)
    if t.context == "table" and len(t.fids) > 1:
        w.canvas.set_selection(t.layer, t.fids)
        w.canvas.zoom_to_selection()
    else:
        zoom_to_feature(w, t.layer, t.fids[0])


def select_target(w) -> None:
    t = _target(w)
    w.canvas.active_layer = t.layer
    w.canvas.set_selection(t.layer, t.fids[:1])


def edit_target(w) -> None:
    t = _target(w)
    w.canvas.active_layer = t.layer
    w.canvas.set_selection(t.layer, t.fids[:1])
    w.edit_selected()


def copy_coordinates(w) -> str:
    x, y = _target(w).point
    text = f"{y:.3f}, {x:.3f}"  # Gauss-Krüger order, as on the sheets: X northing, Y easting
    QGuiApplication.clipboard().setText(text)
    w.statusBar().showMessage(tr(f"已复制坐标 X, Y = {text}", f"Copied X, Y = {text}"), 5000)
    return text


def zoom_to_target_layer(w) -> None:
    w.canvas.zoom_to_layer(_target(w).layer)


def set_theme(w, layer_id: str, key: str) -> None:
    w.map.layer(layer_id).set_theme(key)
    panel = w.layer_panel
    panel.show_layer(layer_id)
    panel._show_current()  # the style box and legend follow


def set_labels(w, layer_id: str, mode: str) -> None:
    labels.set_label_mode(w.map.layer(layer_id), mode)
    labels.save_mode(w.store, layer_id, mode)


def set_opacity(w, layer_id: str, pct: int) -> None:
    layer = w.map.layer(layer_id)
    layer.opacity = pct / 100
    w.map.changed()
    if w.layer_panel.current_layer() is layer:
        w.layer_panel._show_current()


def _layer_submenu(w, fill) -> object:
    """A submenu action for the layer list's menu, filled for the clicked layer on opening."""
    menu = QMenu(w)

    def rebuild() -> None:
        menu.clear()
        t = _target(w, "layers")
        if t is not None and t.layer:
            fill(menu, w, w.map.layer(t.layer))

    menu.aboutToShow.connect(rebuild)
    return menu.menuAction()


def _nothing(menu: QMenu) -> None:
    menu.addAction(tr("(此图层没有)", "(none for this layer)")).setEnabled(False)


def _fill_styles(menu: QMenu, w, layer) -> None:
    themes = themes_for(getattr(layer, "layer", "")) if layer.kind == "vector" and layer.id != "retired_parcels" else []
    if len(themes) < 2:
        _nothing(menu)
    for t in themes if len(themes) > 1 else []:
        act = menu.addAction(t.title, lambda k=t.key, lid=layer.id: set_theme(w, lid, k))
        act.setCheckable(True)
        act.setChecked(getattr(layer, "theme_key", None) == t.key)


def _fill_labels(menu: QMenu, w, layer) -> None:
    current = labels.current_mode(layer)
    if layer.id not in labels.LAYER_MODES:
        _nothing(menu)
    for mode in labels.LAYER_MODES.get(layer.id, ()):
        act = menu.addAction(labels.mode_title(mode), lambda m=mode, lid=layer.id: set_labels(w, lid, m))
        act.setCheckable(True)
        act.setChecked(mode == current)


def _fill_opacity(menu: QMenu, w, layer) -> None:
    for pct in OPACITIES:
        act = menu.addAction(f"{pct}%", lambda p=pct, lid=layer.id: set_opacity(w, lid, p))
        act.setCheckable(True)
        act.setChecked(round(layer.opacity * 100) == pct)


def styles_submenu(w):
    return _layer_submenu(w, _fill_styles)


def labels_submenu(w):
    return _layer_submenu(w, _fill_labels)


def opacity_submenu(w):
    return _layer_submenu(w, _fill_opacity)


def target_layer_is_vector(w) -> bool:
    t = _target(w, "layers")
    try:
        return bool(t and t.layer and w.map.layer(t.layer).kind == "vector")
    except KeyError:
        return False


def copy_cell(w) -> str:
    row, col = getattr(w, "context_cell", (0, 0))
    model = w.table.model
    v = model.data(model.index(row, col), Qt.ItemDataRole.DisplayRole)
    text = "" if v is None else str(v)
    QGuiApplication.clipboard().setText(text)
    return text


def copy_rows(w) -> str:
    text = rows_as_text(w.table.model, _target(w).fids)
    QGuiApplication.clipboard().setText(text)
    return text


def rows_as_text(model, fids) -> str:
    """Tab-separated rows as shown (header first), for pasting into WPS or Excel. Text a
    spreadsheet would take as a formula is kept as text (a leading apostrophe)."""
    cols = range(model.columnCount())
    head = [str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "") for c in cols]
    lines = ["\t".join(head)]
    wanted = [int(f) for f in fids]
    rows = model.rows_of(wanted).tolist() if hasattr(model, "rows_of") else \
        [r for r in range(model.rowCount()) if model.fid_at(r) in set(wanted)]
    for r in rows:
        vals = []
        for c in cols:
            v = model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole)
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
