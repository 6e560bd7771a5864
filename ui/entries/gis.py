"""GIS tools in the registry: measure tools, spatial bookmarks, select by attribute and the
selection statistics panel, and the right-click entries of the map, the layer list and the
attribute table (their slots are in ui/context_menus.py)."""

from __future__ import annotations

from ui import context_menus as cm
from ui.actions import ActionSpec, PanelSpec, register_action, register_panel

A = register_action


# ---- measure (工具 menu, the map toolbar, the map's right-click menu)
def _measure(key: str):
    return lambda w: w.set_tool(key)


A(ActionSpec("tool:measure_distance", ("测量距离", "Measure distance"), _measure("measure_distance"), menu="tools",
             toolbar="map", icon_text=("测量", "Measure"), shortcut="Ctrl+Shift+M", section=0, order=10,
             checkable=True, group="map_tools", context=("map",),
             tip=("单击逐点测量距离,双击或右键结束(捕捉节点与边)", "Click points to measure a distance; a double or "
                  "right click ends it (snaps to vertices and edges)"),
             checked=lambda w: w.canvas.tool is w.tools.get("measure_distance")))
A(ActionSpec("tool:measure_area", ("测量面积", "Measure area"), _measure("measure_area"), menu="tools",
             section=0, order=11, checkable=True, group="map_tools", context=("map",),
             tip=("单击逐点围成多边形,显示 ㎡ 与 亩", "Click points round an area, shown in m² and mu"),
             checked=lambda w: w.canvas.tool is w.tools.get("measure_area")))


# ---- spatial bookmarks (视图 → 空间书签)
def _bookmarks_menu(w):
    from ui.map_extras import BookmarksMenu

    return BookmarksMenu(w).menuAction()


A(ActionSpec("bookmarks", ("空间书签", "Spatial bookmarks"), None, menu="view", section=2, order=20,
             factory=_bookmarks_menu))
def _add_bookmark(w):
    from ui.map_extras import add_bookmark

    return add_bookmark(w)


A(ActionSpec("add_bookmark", ("添加空间书签…", "Add spatial bookmark…"), _add_bookmark,
             shortcut="Ctrl+Shift+B", context=("map",), section=6, order=20))


# ---- select by attribute and statistics (选择 menu)
def _select_by_attribute(w):
    from ui.query_dialog import open_select_by_attribute

    t = getattr(w, "context_target", None)
    layer = t.layer if t is not None and t.context == "layers" else None
    open_select_by_attribute(w, layer if layer in ("parcels", "buildings", "zones", "roads") else None)


A(ActionSpec("select_by_attribute", ("按属性选择…", "Select by attribute…"), _select_by_attribute, menu="select",
             shortcut="Ctrl+F3", section=2, order=10, context=("layers",)))


def _statistics(w):
    from ui.query_dialog import StatisticsPanel

    return StatisticsPanel(w)


register_panel(PanelSpec("statistics", ("选择统计", "Selection statistics"), _statistics, area="right",
                         menu="select", menu_text=("所选要素统计", "Statistics of the selection"), section=2,
                         order=20, tab_with="info"))


# ---- the map's right-click menu: the feature clicked first
A(ActionSpec("ctx:what", ("要素", "Feature"), None, context=("map",), section=-2, enabled_when=cm.describe_target))
A(ActionSpec("ctx:identify", ("识别", "Identify"), cm.identify_target, context=("map",), section=-1, order=0,
             enabled_when=cm.has_feature))
A(ActionSpec("ctx:zoom_feature", ("缩放至要素", "Zoom to feature"), cm.zoom_target, context=("map", "table"),
             section=-1, order=1, enabled_when=cm.has_feature))
A(ActionSpec("ctx:select_feature", ("只选择此要素", "Select only this feature"), cm.select_target,
             context=("map", "table"), section=-1, order=2, enabled_when=cm.has_feature))
A(ActionSpec("ctx:edit_feature", ("编辑此要素属性…", "Edit this feature's attributes…"), cm.edit_target,
             context=("map", "table"), section=-1, order=3, enabled_when=cm.editable_feature, editing=True))
A(ActionSpec("ctx:copy_coordinates", ("复制坐标", "Copy coordinates"), cm.copy_coordinates, context=("map",),
             section=6, order=10))

# ---- the layer list's right-click menu
A(ActionSpec("ctx:zoom_layer", ("缩放至图层", "Zoom to layer"), cm.zoom_to_target_layer, context=("layers",),
             section=0, order=0, enabled_when=cm.target_layer_is_vector))
A(ActionSpec("ctx:style", ("样式", "Style"), None, context=("layers",), section=0, order=1,
             factory=cm.styles_submenu))
A(ActionSpec("ctx:labels", ("标注", "Labels"), None, context=("layers",), section=0, order=2,
             factory=cm.labels_submenu))
A(ActionSpec("ctx:opacity", ("不透明度", "Opacity"), None, context=("layers",), section=0, order=3,
             factory=cm.opacity_submenu))

# ---- the table's right-click menu (zoom to / select / edit above, registered for both)
A(ActionSpec("ctx:copy_cell", ("复制单元格", "Copy cell"), cm.copy_cell, context=("table",), section=3, order=0))
A(ActionSpec("ctx:copy_rows", ("复制所选行(含表头)", "Copy the selected rows (with header)"), cm.copy_rows,
             context=("table",), section=3, order=1))
