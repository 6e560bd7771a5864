"""The main window's own commands and panels: 文件, 编辑, 视图, 选择, 帮助, the map and
editing tools, the layer list, feature info, project summary, attribute table, edit history
and the topology check."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from ui.actions import ActionSpec, PanelSpec, WidgetSpec, register_action, register_panel, register_widget

A, P = register_action, register_panel


def _has_selection(w) -> bool:
    layer = w.map.layer(w.canvas.active_layer) if w.canvas.active_layer else None
    return bool(layer is not None and getattr(layer, "selection", None))


def _any_selection(w) -> bool:
    return any(layer.selection for layer in w.map.vector_layers())


# ---- 文件
A(ActionSpec("open_project", ("打开工程…", "Open project…"), lambda w: w.open_project_dialog(), menu="file",
             shortcut=QKeySequence.StandardKey.Open, order=10))
A(ActionSpec("connect_database", ("连接数据库…", "Connect to a database…"), lambda w: w.connect_database_dialog(),
             menu="file", order=15))
A(ActionSpec("import_data", ("导入数据…", "Import data…"), lambda w: w.import_data(), menu="file",
             shortcut="Ctrl+I", section=1, order=10, editing=True))
A(ActionSpec("export_layer", ("导出图层…", "Export layer…"), lambda w: w.export_layer(), menu="file",
             shortcut="Ctrl+Shift+E", section=1, order=20))
A(ActionSpec("export_png", ("导出地图图片(PNG)…", "Export map as PNG…"), lambda w: w.export_png(), menu="file",
             section=2, order=10))
A(ActionSpec("export_pdf", ("导出地图(PDF)…", "Export map as PDF…"), lambda w: w.export_pdf(), menu="file",
             section=2, order=20))
A(ActionSpec("quit", ("退出", "Quit"), lambda w: w.close(), menu="file", shortcut=QKeySequence.StandardKey.Quit,
             section=9))

# ---- 编辑: undo/redo come from the undo stack (their text says what they undo)


def _undo_action(w):
    act = w.session.stack.createUndoAction(w, "")
    return _short_on_toolbar(w, act, w.session.stack.undoTextChanged, w.session.stack.undoText, "undo")


def _redo_action(w):
    act = w.session.stack.createRedoAction(w, "")
    return _short_on_toolbar(w, act, w.session.stack.redoTextChanged, w.session.stack.redoText, "redo")


def _short_on_toolbar(w, act, changed, current, which):
    """The menu says 撤销 新增地块 X; the toolbar button keeps its short text (the others would
    jump about) and says what it undoes in its tooltip."""
    from ui.i18n import tr

    base = tr("撤销", "Undo") if which == "undo" else tr("重做", "Redo")

    import shiboken6

    def update(t: str) -> None:
        if not shiboken6.isValid(act):  # rebuilt after a language switch
            _disconnect(changed, update)
            return
        act.setText(f"{base} {t}".strip())
        act.setIconText(base)
        act.setToolTip(f"{base} {t}".strip())

    changed.connect(update)
    update(current())
    return act


def _disconnect(signal, slot) -> None:
    try:
        signal.disconnect(slot)
    except (RuntimeError, TypeError, ValueError):
        pass


A(ActionSpec("undo", ("撤销", "Undo"), None, menu="edit", toolbar="edit", factory=_undo_action,
             shortcut=QKeySequence.StandardKey.Undo, order=10, icon_text=("撤销", "Undo")))
A(ActionSpec("redo", ("重做", "Redo"), None, menu="edit", toolbar="edit", factory=_redo_action,
             shortcut=("Ctrl+Y", "Ctrl+Shift+Z"), order=20, icon_text=("重做", "Redo")))

_EDIT_TOOLS = [("add_parcel", ("新增地块", "Add parcel"), "Ctrl+N", None),
               ("add_building", ("新增建筑", "Add building"), None, None),
               ("vertex", ("节点工具", "Vertex tool"), "V", None),
               ("reshape", ("重塑", "Reshape"), None, None),
               ("split", ("分割", "Split"), None,
                ("分割:画一条线穿过所选(或线穿过的)地块或建筑,随当前图层",
                 "Split: draw a line across the selected (or crossed) parcels or buildings, on the active layer")),
               ("move", ("移动所选", "Move selection"), "M", None)]
for _i, (_key, _text, _sc, _tip) in enumerate(_EDIT_TOOLS):
    A(ActionSpec(f"tool:{_key}", _text, lambda w, k=_key: w.set_tool(k), menu="edit", toolbar="edit",
                 shortcut=_sc, tip=_tip, section=1, order=_i, checkable=True, group="map_tools", editing=True,
                 checked=lambda w, k=_key: w.canvas.tool is w.tools.get(k)))

for _i, (_id, _text, _short, _slot, _cond) in enumerate([
        ("merge", ("合并所选地块或建筑", "Merge the selected parcels or buildings"), ("合并", "Merge"),
         lambda w: w.merge_selected(), None),
        ("delete", ("删除所选要素", "Delete selected features"), ("删除", "Delete"), lambda w: w.delete_selected(), None),
        ("attributes", ("编辑所选要素属性…", "Edit attributes of the selection…"), ("属性", "Attributes"),
         lambda w: w.edit_selected(), None),
        ("coordinates", ("输入坐标点…", "Enter a point by coordinates…"), ("输入坐标", "Coordinates"),
         lambda w: w.enter_coordinates(), None)]):
    A(ActionSpec(_id, _text, _slot, menu="edit", toolbar="edit", icon_text=_short, tip=(_text[0].rstrip("…"),
                 _text[1].rstrip("…")), section=2, order=_i, editing=True, enabled_when=_cond,
                 context=("map",) if _id in ("delete", "attributes") else ()))

A(ActionSpec("snapping", ("捕捉", "Snapping"), lambda w, on: w.set_snapping(enabled=on), menu="edit",
             toolbar="edit", section=3, order=10, checkable=True, checked=lambda w: w.snapping.enabled))
A(ActionSpec("avoid_overlaps", ("避免重叠", "Avoid overlaps"), lambda w, on: w.set_snapping(avoid=on),
             menu="edit", toolbar="edit", section=3, order=30, checkable=True,
             checked=lambda w: w.session.avoid_overlaps))
A(ActionSpec("check_topology", ("拓扑检查", "Check topology"), lambda w: w.check_topology(), menu="edit",
             section=4, order=10))


def _snap_tolerance(w):
    from PySide6.QtWidgets import QDoubleSpinBox

    from ui.i18n import tr

    box = QDoubleSpinBox(w)
    box.setRange(1, 50)
    box.setDecimals(0)  # whole pixels: "10 像素", not "10.00 像素"
    box.setValue(w.snapping.tolerance_px)
    box.setSuffix(tr(" 像素", " px"))
    box.setToolTip(tr("捕捉容差", "Snapping tolerance"))
    box.valueChanged.connect(lambda v: w.set_snapping(tolerance=v))
    w.snap_tolerance = box
    return box


register_widget(WidgetSpec("snap_tolerance", "edit", _snap_tolerance, section=3, order=20))

# ---- map tools and 视图
for _i, (_key, _text, _sc) in enumerate([("pan", ("漫游", "Pan"), "P"), ("zoom_box", ("拉框放大", "Zoom box"), "Z"),
                                         ("identify", ("识别", "Identify"), "I")]):
    A(ActionSpec(f"tool:{_key}", _text, lambda w, k=_key: w.set_tool(k), menu="view", toolbar="map",
                 shortcut=_sc, order=_i, checkable=True, group="map_tools",
                 checked=lambda w, k=_key: w.canvas.tool is w.tools.get(k)))
A(ActionSpec("tool:select", ("选择", "Select"), lambda w: w.set_tool("select"), menu="select", toolbar="map",
             shortcut="S", order=3, checkable=True, group="map_tools",
             checked=lambda w: w.canvas.tool is w.tools.get("select")))
for _i, (_id, _text, _slot, _sc, _menu, _cond) in enumerate([
        ("zoom_full", ("全图", "Full extent"), lambda w: w.canvas.zoom_full(), "Home", "view", None),
        ("zoom_layer", ("缩放至当前图层", "Zoom to layer"), lambda w: w.zoom_to_current_layer(), None, "view", None),
        ("zoom_selection", ("缩放至所选", "Zoom to selection"), lambda w: w.zoom_to_selection(), "Ctrl+J", "view",
         _any_selection),
        ("zoom_in", ("放大", "Zoom in"), lambda w: w.canvas.zoom_by(1.5), QKeySequence.StandardKey.ZoomIn, "view", None),
        ("zoom_out", ("缩小", "Zoom out"), lambda w: w.canvas.zoom_by(1 / 1.5), QKeySequence.StandardKey.ZoomOut,
         "view", None),
        ("clear_selection", ("清除选择", "Clear selection"), lambda w: w.clear_selection(), "Ctrl+Shift+A", "select",
         _any_selection)]):
    A(ActionSpec(_id, _text, _slot, menu=_menu, toolbar="map", shortcut=_sc, section=1, order=_i, enabled_when=_cond,
                 context=("map",) if _id in ("zoom_full", "zoom_selection", "clear_selection") else ()))
A(ActionSpec("tianditu_key", ("天地图密钥…", "Tianditu key…"), lambda w: w.ask_tianditu_key(), menu="view",
             section=2))
A(ActionSpec("restore_layout", ("恢复默认布局", "Restore default layout"), lambda w: w.restore_default_layout(),
             menu="view", section=5, order=30))
for _code, _name in (("zh", "简体中文"), ("en", "English")):
    A(ActionSpec(f"language:{_code}", (_name, _name), lambda w, c=_code: w.switch_language(c), menu="view.language",
                 checkable=True, group="language", order=0 if _code == "zh" else 1,
                 checked=lambda w, c=_code: w.language() == c))


def _search_box(w):
    return w.make_search_box()


register_widget(WidgetSpec("search", "map", _search_box, section=9))

# ---- 帮助
A(ActionSpec("about", ("关于 landapp", "About landapp"), lambda w: w.about(), menu="help"))


# ---- panels
def _layers(w):
    from ui.panels import LayerPanel

    w.layer_panel = LayerPanel(w.map, w)
    w.layer_panel.active_layer_changed.connect(w._on_active_layer)
    return w.layer_panel


def _info(w):
    from ui.panels import InfoPanel

    w.info = InfoPanel(w.store, w)
    w.info.feature_link.connect(w._show_linked)
    return w.info


def _summary(w):
    from PySide6.QtWidgets import QTextBrowser

    w.summary_view = QTextBrowser(w)
    w._summary_dirty = True
    return w.summary_view


def _table(w):
    from ui.attribute_table import AttributeTable

    old = getattr(w, "table", None)
    layer = getattr(old, "layer", None) if old is not None else None
    w.table = AttributeTable(w.store, w.canvas, w, defer=old is None)  # rows read after the first frame
    w.table.layer_changed.connect(lambda lid: w.layer_panel.show_layer(lid))
    if isinstance(layer, str):
        w.table.set_layer(layer)
    return w.table


def _history(w):
    from PySide6.QtWidgets import QUndoView

    from ui.i18n import tr

    w.history = QUndoView(w.session.stack)
    w.history.setEmptyLabel(tr("<打开工程>", "<project opened>"))
    return w.history


def _topology(w):
    from ui.topology_panel import TopologyPanel

    w.topology = TopologyPanel(w.session, w.canvas, w)
    return w.topology


P(PanelSpec("layers", ("图层", "Layers"), _layers, area="left", at_start=True, order=0, scroll=False))
P(PanelSpec("info", ("属性信息", "Feature info"), _info, area="right", at_start=True, order=1, scroll=False))
P(PanelSpec("summary", ("工程概况", "Project summary"), _summary, area="right", at_start=True, order=2,
            tab_with="info", scroll=False))
# beside the attribute table: under the layer panel it squeezed the layer list and legend
P(PanelSpec("table", ("属性表", "Attribute table"), _table, area="bottom", at_start=True, order=3, scroll=False))
P(PanelSpec("history", ("编辑历史", "Edit history"), _history, area="bottom", at_start=True, order=4,
            tab_with="table", scroll=False))
P(PanelSpec("topology", ("拓扑检查", "Topology check"), _topology, area="right", order=5, tab_with="info", scroll=False))

_ = Qt  # the module is imported for its registrations
