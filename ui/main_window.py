"""The main window: the park map canvas, the layer panel, the attribute table, the info
panel, a search box, tools, and the cursor position and scale in the status bar."""

from __future__ import annotations

import os

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (QCompleter, QDockWidget, QFileDialog, QLabel, QLineEdit, QMainWindow,
                               QMessageBox, QTextBrowser, QToolBar)

from landapp.check import summary
from landapp.coords import to_lonlat
from landapp.errors import LandappError
from landapp.schema import value_label
from landapp.store.base import ProjectStore
from layers.map import ParkMap
from ui.attribute_table import AttributeTable
from ui.canvas import MapCanvas
from ui.i18n import set_ui_language, tr
from ui.panels import InfoPanel, LayerPanel
from ui.dashboard import install_space_menu
from ui.gis_tools import install_gis_tools
from ui.import_dialog import install_import_menu
from ui.publish_dialog import install_publish_menu
from ui.tools.edit_tools import AddFeatureTool, MoveTool, ReshapeTool, Snapping, SplitTool, VertexTool
from ui.tools.navigation import IdentifyTool, PanTool, SelectTool, ZoomBoxTool
from ui.undo import EditSession


class MainWindow(QMainWindow):
    def __init__(self, store: ProjectStore, *, is_demo: bool = False):
        super().__init__()
        self.store = store
        self.is_demo = is_demo
        self.map = ParkMap(store)
        self.canvas = MapCanvas(self.map, self)
        self.setCentralWidget(self.canvas)
        self.layer_panel = LayerPanel(self.map, self)
        self.info = InfoPanel(store, self)
        self.summary_view = QTextBrowser(self)
        self.table = AttributeTable(store, self.canvas, self, defer=True)  # rows read after the first frame
        self.docks = {}
        self._dock("layers", tr("图层", "Layers"), self.layer_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock("info", tr("属性信息", "Feature info"), self.info, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock("summary", tr("工程概况", "Project summary"), self.summary_view,
                   Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.docks["info"], self.docks["summary"])
        self.docks["info"].raise_()
        self._dock("table", tr("属性表", "Attribute table"), self.table, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.coords_label = QLabel(self)
        self.scale_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.coords_label)
        self.statusBar().addPermanentWidget(self.scale_label)
        self.session = EditSession(store, self, on_error=self.show_error, on_notice=self.show_notice)
        self.ask_merge_source = True  # tests switch the question off
        self.snapping = Snapping(self.map)
        self._actions()
        self._edit_actions()
        self._search()
        install_space_menu(self)
        install_publish_menu(self)
        install_import_menu(self)
        install_gis_tools(self)
        self.canvas.cursor_moved.connect(self.show_position)
        self.canvas.view_changed.connect(self.show_scale)
        self.canvas.identified.connect(self._on_identified)
        self.canvas.frame_ready.connect(self._check_basemap)
        self._basemap_note: str | None = None
        self.info.feature_link.connect(self._show_linked)
        self.layer_panel.active_layer_changed.connect(self._on_active_layer)
        self.table.layer_changed.connect(self.layer_panel.show_layer)
        store.signals.changed.connect(self._on_store_changed)
        # the summary reads whole tables: refresh it once per burst of edits, and only when seen
        from PySide6.QtCore import QTimer

        self._summary_dirty = False
        self._summary_timer = QTimer(self)
        self._summary_timer.setSingleShot(True)
        self._summary_timer.setInterval(400)
        self._summary_timer.timeout.connect(self._refresh_summary_if_visible)
        self.docks["summary"].visibilityChanged.connect(lambda vis: vis and self._refresh_summary_if_visible())
        # the summary reads whole tables (~0.8 s at 100k parcels): it waits until its tab is seen
        self._summary_dirty = True
        self._show_title()
        if self.map.raster_error:
            self.statusBar().showMessage(self.map.raster_error, 8000)
        self.resize(1440, 900)

    # ---- building the window
    def _dock(self, name: str, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[name] = dock
        return dock

    def _action(self, text: str, slot, shortcut=None, checkable=False, tip: str | None = None) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(shortcut)
        act.setCheckable(checkable)
        if tip:
            act.setToolTip(tip)
        act.triggered.connect(slot)
        return act

    def _actions(self) -> None:
        mb = self.menuBar()
        file_menu = mb.addMenu(tr("文件(&F)", "&File"))
        file_menu.addAction(self._action(tr("打开工程…", "Open project…"), self.open_project_dialog,
                                         QKeySequence.StandardKey.Open))
        file_menu.addAction(self._action(tr("导出地图图片(PNG)…", "Export map as PNG…"), self.export_png))
        file_menu.addAction(self._action(tr("导出地图(PDF)…", "Export map as PDF…"), self.export_pdf))
        file_menu.addSeparator()
        file_menu.addAction(self._action(tr("退出", "Quit"), self.close, QKeySequence.StandardKey.Quit))

        self.tools = {"pan": PanTool(), "zoom_box": ZoomBoxTool(), "identify": IdentifyTool(),
                      "select": SelectTool()}
        tb = QToolBar(tr("地图工具", "Map tools"), self)
        tb.setObjectName("map_tools")
        self.addToolBar(tb)
        group = QActionGroup(self)
        self.tool_actions = {}
        labels = {"pan": (tr("漫游", "Pan"), "P"), "zoom_box": (tr("拉框放大", "Zoom box"), "Z"),
                  "identify": (tr("识别", "Identify"), "I"), "select": (tr("选择", "Select"), "S")}
        for key, (text, sc) in labels.items():
            act = self._action(text, lambda _c=False, k=key: self.set_tool(k), sc, checkable=True)
            if key == "split":  # on the active layer, as the other tools
                act.setToolTip(tr("分割:画一条线穿过所选(或线穿过的)地块或建筑,随当前图层",
                                  "Split: draw a line across the selected (or crossed) parcels or "
                                  "buildings, on the active layer"))
            group.addAction(act)
            tb.addAction(act)
            self.tool_actions[key] = act
        self.tool_actions["pan"].setChecked(True)
        tb.addSeparator()
        view_menu = mb.addMenu(tr("视图(&V)", "&View"))
        for text, slot, sc in [
            (tr("全图", "Full extent"), self.canvas.zoom_full, "Home"),
            (tr("缩放至当前图层", "Zoom to layer"), self.zoom_to_current_layer, None),
            (tr("缩放至所选", "Zoom to selection"), self.zoom_to_selection, "Ctrl+J"),
            (tr("放大", "Zoom in"), lambda: self.canvas.zoom_by(1.5), QKeySequence.StandardKey.ZoomIn),
            (tr("缩小", "Zoom out"), lambda: self.canvas.zoom_by(1 / 1.5), QKeySequence.StandardKey.ZoomOut),
            (tr("清除选择", "Clear selection"), self.clear_selection, "Ctrl+Shift+A"),
        ]:
            act = self._action(text, slot, sc)
            view_menu.addAction(act)
            tb.addAction(act)
        view_menu.addAction(self._action(tr("天地图密钥…", "Tianditu key…"), self.ask_tianditu_key))
        view_menu.addSeparator()
        for name, dock in self.docks.items():
            view_menu.addAction(dock.toggleViewAction())
        lang_menu = mb.addMenu(tr("语言(&L)", "&Language"))
        lang_group = QActionGroup(self)
        for code, text in (("zh", "简体中文"), ("en", "English")):
            act = self._action(text, lambda _c=False, c=code: self.switch_language(c), checkable=True)
            from landapp.i18n import language

            act.setChecked(language() == code)
            lang_group.addAction(act)
            lang_menu.addAction(act)
        help_menu = mb.addMenu(tr("帮助(&H)", "&Help"))
        help_menu.addAction(self._action(tr("关于 landapp", "About landapp"), self.about))
        self.toolbar = tb

    def _search(self) -> None:
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(tr("搜索地块编号、名称、企业…", "Search parcel code, name, enterprise…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(280)
        self.search.setMaximumWidth(420)
        self._search_model = QStringListModel(self)
        completer = QCompleter(self._search_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(15)
        completer.activated.connect(self.search_for)
        self.search.setCompleter(completer)
        self.search.returnPressed.connect(lambda: self.search_for(self.search.text()))
        self.search.installEventFilter(self)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self.search)
        # built when the search box is first used and again after edits (a renamed parcel
        # is found by its new name), not while the project opens
        self._search_dirty = True
        self._search_items: list[tuple[str, str, int]] = []
        self._search_lookup: dict[str, tuple[str, int]] = {}

    def eventFilter(self, obj, event) -> bool:
        from PySide6.QtCore import QEvent

        if obj is getattr(self, "search", None) and event.type() == QEvent.Type.FocusIn:
            self._index_search()
        return super().eventFilter(obj, event)

    def _index_search(self, force: bool = False) -> None:
        """Parcel code, name and land user; building name and operator; and the tenants
        (承租企业) of each building, so an enterprise renting space finds its building."""
        if not (self._search_dirty or force):
            return
        self._search_dirty = False
        p = self.store.read_layer("parcels", columns=["code", "name", "land_user"], geometry=False)
        b = self.store.read_layer("buildings", columns=["name", "operator"], geometry=False)
        items: list[tuple[str, str, int]] = []
        for fid, code, name, user in zip(p.index.tolist(), p["code"].tolist(), p["name"].tolist(),
                                         p["land_user"].tolist()):
            text = "  ".join(v for v in (code, name, user) if isinstance(v, str) and v)
            items.append((text, "parcels", fid))
        names = {}
        for fid, name, op in zip(b.index.tolist(), b["name"].tolist(), b["operator"].tolist()):
            text = "  ".join(v for v in (name, op) if isinstance(v, str) and v)
            names[fid] = name if isinstance(name, str) else f"#{fid}"
            items.append((text, "buildings", fid))
        seen = set()
        for r in self.store.rows("leases", order_by="end_date DESC"):  # latest lease first
            key = (r["tenant"], r["building_id"])
            if r["tenant"] and r["building_id"] in names and key not in seen:
                seen.add(key)
                items.append((f"{r['tenant']}  → {names[r['building_id']]}", "buildings", r["building_id"]))
        self._search_items = items
        self._search_lookup = {t: (lid, fid) for t, lid, fid in items}
        self._search_model.setStringList([t for t, _, _ in items])

    def _on_store_changed(self, event) -> None:
        self._summary_dirty = True
        self._summary_timer.start()
        if event.layer in ("parcels", "buildings", "leases"):
            self._search_dirty = True
            if self.search.hasFocus():
                self._index_search()

    def detach(self) -> None:
        """Stop listening to the store (the window is being replaced or closed)."""
        for dock in getattr(self, "space_docks", {}).values():
            w = dock.widget()
            if w is not None and hasattr(w, "detach"):
                w.detach()
        self.store.signals.changed.disconnect(self._on_store_changed)
        self.store.signals.changed.disconnect(self.info._on_change)
        self.store.signals.changed.disconnect(self.table.model._on_store_changed)
        for layer in self.map.vector_layers():
            self.store.signals.changed.disconnect(layer._on_store_changed)

    def _edit_actions(self) -> None:
        """编辑: drawing tools, undo/redo with a history panel, merge/delete/attributes of
        the selection, snapping and avoid-overlaps options, the topology checker."""
        from PySide6.QtWidgets import QDoubleSpinBox
        from PySide6.QtWidgets import QUndoView

        from landapp import editing as ed
        from ui.topology_panel import TopologyPanel

        menu = self.menuBar().addMenu(tr("编辑(&E)", "&Edit"))
        undo = self.session.stack.createUndoAction(self, tr("撤销", "Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.session.stack.createRedoAction(self, tr("重做", "Redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        menu.addAction(undo)
        menu.addAction(redo)
        menu.addSeparator()
        tb = QToolBar(tr("编辑工具", "Editing tools"), self)
        tb.setObjectName("edit_tools")
        # a row of its own: beside the map tools it runs off a 1440-px window (in English even
        # at 1920) and Qt hides the rest behind a » button
        self.addToolBarBreak()
        self.addToolBar(tb)
        # on the toolbar the buttons keep their short text (the menu's "撤销 新增地块 X" would
        # make every button after them jump); what they undo is in the tooltip
        stack = self.session.stack
        for text, slot, can, changed, enabled, current in [
                (tr("撤销", "Undo"), stack.undo, stack.canUndoChanged, stack.undoTextChanged,
                 stack.canUndo, stack.undoText),
                (tr("重做", "Redo"), stack.redo, stack.canRedoChanged, stack.redoTextChanged,
                 stack.canRedo, stack.redoText)]:
            act = self._action(text, slot)
            act.setEnabled(enabled())
            act.setToolTip(f"{text} {current()}".strip())
            can.connect(act.setEnabled)
            changed.connect(lambda t, a=act, base=text: a.setToolTip(f"{base} {t}".strip()))
            tb.addAction(act)
        group = self.tool_actions["pan"].actionGroup()
        self.tools.update({
            "add_parcel": AddFeatureTool(self.session, self.snapping, "parcels", self.ask_attributes),
            "add_building": AddFeatureTool(self.session, self.snapping, "buildings", self.ask_attributes),
            "vertex": VertexTool(self.session, self.snapping),
            "reshape": ReshapeTool(self.session, self.snapping),
            "split": SplitTool(self.session, self.snapping),
            "move": MoveTool(self.session),
        })
        for key, text, sc in [("add_parcel", tr("新增地块", "Add parcel"), "Ctrl+N"),
                              ("add_building", tr("新增建筑", "Add building"), None),
                              ("vertex", tr("节点工具", "Vertex tool"), "V"),
                              ("reshape", tr("重塑", "Reshape"), None),
                              ("split", tr("分割", "Split"), None),
                              ("move", tr("移动所选", "Move selection"), "M")]:
            act = self._action(text, lambda _c=False, k=key: self.set_tool(k), sc, checkable=True)
            if key == "split":  # on the active layer, as the other tools
                act.setToolTip(tr("分割:画一条线穿过所选(或线穿过的)地块或建筑,随当前图层",
                                  "Split: draw a line across the selected (or crossed) parcels or "
                                  "buildings, on the active layer"))
            group.addAction(act)
            menu.addAction(act)
            tb.addAction(act)
            self.tool_actions[key] = act
        menu.addSeparator()
        # the toolbar shows a short text (iconText), the menu and the tooltip the whole one
        for text, short, slot in [
                (tr("合并所选地块或建筑", "Merge the selected parcels or buildings"), tr("合并", "Merge"),
                 self.merge_selected),
                (tr("删除所选要素", "Delete selected features"), tr("删除", "Delete"), self.delete_selected),
                (tr("编辑所选要素属性…", "Edit attributes of the selection…"), tr("属性", "Attributes"),
                 self.edit_selected),
                (tr("输入坐标点…", "Enter a point by coordinates…"), tr("输入坐标", "Coordinates"),
                 self.enter_coordinates)]:
            act = self._action(text, slot, tip=text.rstrip("…"))
            act.setIconText(short)
            menu.addAction(act)
            tb.addAction(act)
        menu.addSeparator()
        self.snap_action = self._action(tr("捕捉", "Snapping"), lambda on: setattr(self.snapping, "enabled", on),
                                        checkable=True)
        self.snap_action.setChecked(True)
        self.avoid_action = self._action(tr("避免重叠", "Avoid overlaps"),
                                         lambda on: setattr(self.session, "avoid_overlaps", on), checkable=True)
        menu.addAction(self.snap_action)
        menu.addAction(self.avoid_action)
        tb.addAction(self.snap_action)
        self.snap_tolerance = QDoubleSpinBox(self)
        self.snap_tolerance.setRange(1, 50)
        self.snap_tolerance.setDecimals(0)  # whole pixels: "10 像素", not "10.00 像素"
        self.snap_tolerance.setValue(self.snapping.tolerance_px)
        self.snap_tolerance.setSuffix(tr(" 像素", " px"))
        self.snap_tolerance.setToolTip(tr("捕捉容差", "Snapping tolerance"))
        self.snap_tolerance.valueChanged.connect(lambda v: setattr(self.snapping, "tolerance_px", v))
        tb.addWidget(self.snap_tolerance)
        tb.addAction(self.avoid_action)
        self.history = QUndoView(self.session.stack)
        self.history.setEmptyLabel(tr("<打开工程>", "<project opened>"))
        # a tab beside the attribute table: under the layer panel it squeezed the layer list
        # and legend, and a fourth tab on the right widened that dock at the map's expense
        self._dock("history", tr("编辑历史", "Edit history"), self.history, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._history_tabbed = False  # tabified with the table in showEvent
        self.topology = TopologyPanel(self.session, self.canvas, self)
        self._dock("topology", tr("拓扑检查", "Topology check"), self.topology, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.docks["info"], self.docks["topology"])
        self.docks["info"].raise_()
        menu.addAction(self._action(tr("拓扑检查", "Check topology"),
                                    lambda: (self.docks["topology"].show(), self.docks["topology"].raise_(),
                                             self.topology.run())))
        self._ed = ed

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._history_tabbed:
            # Qt 6.11 leaves a stray copy of the first tab bar over the docks when two tab
            # groups are made before the window is first shown: make the second one now
            self._history_tabbed = True
            self.tabifyDockWidget(self.docks["table"], self.docks["history"])
            self.docks["table"].raise_()
            # the map gets the room: the table starts at about a quarter of the window's
            # height (six rows at 900 px)
            self.resizeDocks([self.docks["table"]], [max(190, self.height() * 6 // 25)], Qt.Orientation.Vertical)

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, tr("无法完成", "Cannot do that"), message)

    def show_notice(self, message: str) -> None:
        """Something the planner should know after an edit that did go through (an overlap
        with a neighbour): in the status bar, long enough to read, no dialog to click away."""
        self.statusBar().showMessage(message, 20000)

    def ask_attributes(self, layer: str, geometry) -> dict | None:
        """The attribute form for a new feature, pre-filled with sensible defaults."""
        from ui.forms import FeatureForm, form_options

        defaults = {"parcels": {"status": "储备"}, "buildings": {"btype": "标准厂房"}}.get(layer, {})
        zones = self.store.read_layer("zones", columns=["name"])
        inside = zones[zones.geometry.contains(geometry.representative_point())] if len(zones) else zones
        if len(inside):
            defaults["zone"] = inside["name"].iloc[0]
        options = form_options(self.store, layer, geometry)
        if options.get("parcel_code"):  # a new building stands on the parcel it overlaps most
            defaults["parcel_code"] = options["parcel_code"][0]
        form = FeatureForm(layer, defaults, self, geometry=geometry, options=options)
        if form.exec() != form.DialogCode.Accepted:
            return None
        return form.values()

    def _selected(self) -> tuple[str, list[int]]:
        layer = self.canvas.active_layer
        return layer, sorted(self.map.layer(layer).selection)

    def merge_selected(self) -> None:
        """合并所选: the selected parcels, or buildings when that is the active layer."""
        layer, fids = self._selected()
        if layer not in self._ed.SPLITTABLE or len(fids) < 2:
            self.show_error(tr("请先在地块或建筑图层选择两个以上相邻的要素。",
                               "Select two or more adjacent parcels or buildings first."))
            return
        # whose attributes the merged feature keeps: the largest by default, or the one chosen
        recs = sorted((self.store.get(layer, f) for f in fids), key=lambda r: -r["geometry"].area)
        keep = recs[0]["fid"]
        if self.ask_merge_source:
            from PySide6.QtWidgets import QInputDialog

            items = [f"{r.get('code') or ''}  {r.get('name') or ''}  ({r['geometry'].area:,.0f} ㎡)".strip()
                     for r in recs]
            if layer == "parcels":
                title = tr("合并地块", "Merge parcels")
                question = tr("合并后的地块沿用哪宗地块的属性?", "Keep the attributes of which parcel?")
            else:
                title = tr("合并建筑", "Merge buildings")
                question = tr("合并后的建筑沿用哪栋建筑的属性?", "Keep the attributes of which building?")
            choice, ok = QInputDialog.getItem(self, title, question, items, 0, False)
            if not ok:
                return
            keep = recs[items.index(choice)]["fid"]
        self.session.run(self._ed.MergeFeatures(layer, fids, keep=keep))

    def delete_selected(self) -> None:
        layer, fids = self._selected()
        if not fids:
            self.show_error(tr("没有选中的要素。", "Nothing is selected."))
            return
        question = tr(f"删除所选 {len(fids)} 个要素?(可撤销)", f"Delete the {len(fids)} selected features? (undoable)")
        if layer == "buildings":
            marks = ", ".join("?" for _ in fids)
            n_units = self.store.count("units", f"building_id IN ({marks})", tuple(fids))
            if n_units:
                question = tr(f"删除所选 {len(fids)} 栋建筑及其楼层、{n_units} 个单元和租约?(可撤销)",
                              f"Delete the {len(fids)} selected buildings with their floors, {n_units} units "
                              "and leases? (undoable)")
        if QMessageBox.question(self, tr("删除", "Delete"), question) != QMessageBox.StandardButton.Yes:
            return
        self.session.run(self._ed.DeleteFeatures(layer, fids))

    def edit_selected(self) -> None:
        from ui.forms import FeatureForm, form_options

        layer, fids = self._selected()
        if not fids:
            self.show_error(tr("没有选中的要素。", "Nothing is selected."))
            return
        rec = self.store.get(layer, fids[0])
        form = FeatureForm(layer, rec, self, options=form_options(self.store, layer, rec.get("geometry")))
        if form.exec() == form.DialogCode.Accepted and form.changes():
            self.session.run(self._ed.UpdateAttributes(layer, fids[0], form.changes(), self.session.avoid_overlaps))

    def enter_coordinates(self, text: str | None = None) -> None:
        """Add vertices to the sketch of the active drawing tool from typed or pasted
        coordinates, one point a line: X (northing), Y (easting), or a boundary-point table
        row "J1, X, Y". Enter (or a double click) then finishes the sketch as usual."""
        from PySide6.QtWidgets import QInputDialog

        tool = self.canvas.tool
        if not hasattr(tool, "add_point"):
            self.set_tool("add_parcel")
            tool = self.canvas.tool
        if text is None:
            text, ok = QInputDialog.getMultiLineText(
                self, tr("输入坐标", "Enter coordinates"),
                tr("每行一个点:X(北坐标), Y(东坐标),如 3384637.61, 429977.28;\n"
                   "可从界址点坐标表粘贴(J1, X, Y)。按回车键完成图形。",
                   "One point a line: X (northing), Y (easting), e.g. 3384637.61, 429977.28;\n"
                   "rows of a boundary-point table (J1, X, Y) can be pasted. Press Enter to finish the shape."))
            if not ok:
                return
        try:
            from landapp.coords import parse_typed_points

            pts = parse_typed_points(text, self.store.srs_id)
        except LandappError as e:
            self.session.on_error(str(e))
            return
        for x, y in pts:
            tool.add_point(x, y)
        if pts:
            x0, y0 = min(p[0] for p in pts), min(p[1] for p in pts)
            x1, y1 = max(p[0] for p in pts), max(p[1] for p in pts)
            vx0, vy0, vx1, vy1 = self.canvas.view.extent
            if not (vx0 <= x0 and vy0 <= y0 and x1 <= vx1 and y1 <= vy1):  # show where they went
                self.canvas.zoom_to((x0, y0, x1, y1), margin=0.3)

    # ---- actions
    def set_tool(self, key: str) -> None:
        self.canvas.set_tool(self.tools[key])
        self.tool_actions[key].setChecked(True)

    def search_for(self, text: str) -> bool:
        """Select and zoom to the first feature whose code, name or enterprise contains text."""
        text = text.strip()
        if not text:
            return False
        self._index_search()
        hit = self._search_lookup.get(text)
        if hit is None:
            needle = text.lower()
            hit = next(((lid, fid) for t, lid, fid in self._search_items if needle in t.lower()), None)
        if hit is None:
            self.statusBar().showMessage(tr(f"没有找到“{text}”。", f"Nothing matches '{text}'."), 5000)
            return False
        lid, fid = hit
        self.canvas.active_layer = lid
        self.table.set_layer(lid)
        self.canvas.set_selection(lid, [fid])
        self.canvas.zoom_to_selection()
        self.info.show_feature(lid, fid)
        self.docks["info"].raise_()
        return True

    def ask_tianditu_key(self) -> None:
        """天地图 tiles need the user's own key (tk); it is kept in the project settings."""
        from PySide6.QtWidgets import QInputDialog

        tiles = next((layer for layer in self.map.layers if layer.kind == "tiles"), None)
        current = self.store.get_setting("tianditu_key") or ""
        key, ok = QInputDialog.getText(self, tr("天地图密钥", "Tianditu key"),
                                       tr("请输入在天地图网站申请的密钥(tk):", "Your Tianditu key (tk):"),
                                       text=current)
        if ok:
            self.store.set_setting("tianditu_key", key.strip() or None)
            if tiles is not None:
                tiles.api_key = key.strip() or None
                tiles.changed()

    def zoom_to_current_layer(self) -> None:
        layer = self.layer_panel.current_layer()
        if layer is not None:
            self.canvas.zoom_to_layer(layer.id)

    def zoom_to_selection(self) -> None:
        if not self.canvas.zoom_to_selection():
            self.statusBar().showMessage(tr("没有选中的要素。", "Nothing is selected."), 4000)

    def clear_selection(self) -> None:
        for layer in self.map.vector_layers():
            if layer.selection:
                self.canvas.set_selection(layer.id, [])

    def _show_linked(self, layer: str, fid: int) -> None:
        """A parent or child parcel clicked in the info panel's lineage: zoom to it; a
        retired one is on the history layer, which is switched on to show it."""
        rec = self.store.get(layer, fid)
        if rec.get("retired") and layer == "parcels":
            self.layer_panel.set_visible("retired_parcels", True)
        elif not rec.get("retired"):
            self.canvas.set_selection(layer, [fid])
        geom = rec.get("geometry")
        if geom is not None:
            self.canvas.zoom_to(geom.buffer(max(20.0, geom.length / 8)).bounds)

    def _check_basemap(self) -> None:
        """The online basemap fails quietly (no dialog, the map keeps working), but says once
        in the status bar why it shows nothing: 天地图 without a key, or no connection."""
        tiles = next((layer for layer in self.map.layers if layer.kind == "tiles"), None)
        note = None
        if tiles is not None and tiles.visible and tiles.opacity > 0:
            if tiles.provider.needs_key and not tiles.api_key:
                note = tr("天地图需要密钥:请在“视图 → 天地图密钥…”中填写。",
                          "Tianditu needs a key: enter it under View → Tianditu key….")
            elif tiles.offline:
                note = tr("在线底图无法连接,只显示已缓存的图块。",
                          "The online basemap cannot be reached; only cached tiles are shown.")
        if note and note != self._basemap_note:
            self.statusBar().showMessage(note, 10000)
        self._basemap_note = note

    def _on_identified(self, layer: str, fid: int) -> None:
        if fid < 0:
            self.info.show_nothing()
            return
        self.info.show_feature(layer, fid)
        self.docks["info"].raise_()

    def _on_active_layer(self, layer_id: str) -> None:
        self.canvas.active_layer = layer_id
        if layer_id in ("parcels", "buildings", "zones", "roads"):
            self.table.set_layer(layer_id)

    def switch_language(self, lang: str) -> "MainWindow":
        """Rebuild the window in the other language, keeping the project and the view."""
        set_ui_language(lang)
        win = MainWindow(self.store, is_demo=self.is_demo)
        win.resize(self.size())
        win.canvas.view = self.canvas.view
        win.canvas._fitted = True
        win.show()
        self._replacement = win
        self.detach()
        self.hide()
        self.deleteLater()
        return win

    def export_png(self) -> None:
        from layers.render import render_png

        path, _ = QFileDialog.getSaveFileName(self, tr("导出地图图片", "Export map image"), "map.png", "PNG (*.png)")
        if path:
            try:
                view = self.canvas.view.resized(self.canvas.width() * 2, self.canvas.height() * 2).zoomed(2)
                render_png(path, self.map.layers, view, legend=True)
                self.statusBar().showMessage(tr(f"已导出 {path}", f"Exported {path}"), 5000)
            except LandappError as e:
                QMessageBox.warning(self, tr("导出失败", "Export failed"), str(e))

    def export_pdf(self) -> None:
        from layers.render import render_pdf

        path, _ = QFileDialog.getSaveFileName(self, tr("导出地图 PDF", "Export map PDF"), "map.pdf", "PDF (*.pdf)")
        if path:
            try:
                render_pdf(path, self.map.layers, self.canvas.view.extent, title=self.store.name)
                self.statusBar().showMessage(tr(f"已导出 {path}", f"Exported {path}"), 5000)
            except LandappError as e:
                QMessageBox.warning(self, tr("导出失败", "Export failed"), str(e))

    def open_project_dialog(self) -> None:
        from ui.app import open_or_explain

        path, _ = QFileDialog.getOpenFileName(self, tr("打开工程", "Open project"), "",
                                              tr("GeoPackage 工程 (*.gpkg)", "GeoPackage project (*.gpkg)"))
        if not path:
            return
        store = open_or_explain(path, self)
        if store is not None:
            win = MainWindow(store)
            win.show()
            self._other = win

    def about(self) -> None:
        QMessageBox.about(self, tr("关于 landapp", "About landapp"),
                          tr("landapp:园区土地与载体管理。\n一个园区一个 GeoPackage 文件,QGIS 与 GDAL 也能打开。",
                             "landapp: land and carrier inventory for industrial parks.\n"
                             "One park is one GeoPackage file that QGIS and GDAL open too."))

    # ---- status
    def show_position(self, x: float, y: float) -> None:
        lon, lat = to_lonlat(x, y, self.store.srs_id)
        # Gauss-Krüger convention: X is northing, Y is easting
        self.coords_label.setText(f"X {y:,.2f}  Y {x:,.2f}  |  {lon:.6f}°E {lat:.6f}°N")

    def show_scale(self) -> None:
        self.scale_label.setText(f"{tr('比例尺', 'Scale')} 1:{self.canvas.view.scale_denominator():,.0f}")

    def _refresh_summary_if_visible(self) -> None:
        if self._summary_dirty and not self.docks["summary"].visibleRegion().isEmpty():
            self.refresh_summary()

    def _show_title(self, status: bool = True) -> None:
        demo = tr("(示例园区副本)", " (demo park copy)") if self.is_demo else ""
        self.setWindowTitle(f"{self.store.name}{demo} — landapp")
        if status:
            self.statusBar().showMessage(f"{os.path.basename(self.store.path)}  ·  EPSG:{self.store.srs_id}")

    def refresh_summary(self) -> None:
        self._summary_dirty = False
        s = summary(self.store)
        self._show_title(status=False)  # the project's name may have changed
        c = s["counts"]
        rows = [(tr("片区", "Zones"), c["zones"]), (tr("地块", "Parcels"), c["parcels"]),
                (tr("建筑", "Buildings"), c["buildings"]), (tr("单元", "Units"), c["units"]),
                (tr("企业", "Enterprises"), c["enterprises"]), (tr("租约", "Leases"), c["leases"])]
        import html

        from landapp.schema import BUILDING_TYPES

        table = "<table cellspacing='0' cellpadding='3'>"
        out = [f"<h3>{html.escape(str(s['name']))}</h3>{table}"]
        out += [f"<tr><td>{k}</td><td align='right'>{v:,}</td></tr>" for k, v in rows]
        out.append("</table>")
        out.append(f"<p>{tr('地块总面积', 'Parcel area')}<br><b>{s['parcel_area_m2']:,.1f} ㎡</b>"
                   f" = <b>{s['parcel_area_mu']:,.2f} {tr('亩', 'mu')}</b></p>")
        out.append(f"{table}<tr><th align='left'>{tr('状态', 'Status')}</th><th align='right'>{tr('宗数', 'Count')}</th>"
                   f"<th align='right'>{tr('面积(亩)', 'Area (mu)')}</th></tr>")
        for r in s["parcels_by_status"]:
            out.append(f"<tr><td>{value_label(r['status'])}</td><td align='right'>{r['count']:,}</td>"
                       f"<td align='right'>{r['area_mu']:,.1f}</td></tr>")
        out.append("</table>")
        v = s["vacancy"]
        if v["unit_area_m2"]:
            out.append(f"<p>{tr('载体空置率', 'Vacancy')}: <b>{v['vacancy_rate']:.1%}</b></p>{table}"
                       f"<tr><th align='left'>{tr('类型', 'Type')}</th><th align='right'>{tr('空置(㎡)', 'Vacant (m²)')}</th>"
                       f"<th align='right'>{tr('可租(㎡)', 'Leasable (m²)')}</th><th align='right'>{tr('空置率', 'Rate')}</th></tr>")
            order = {t: i for i, t in enumerate(BUILDING_TYPES)}  # factories, towers, then others
            for r in sorted(v["by_type"], key=lambda r: order.get(r["type"], len(order))):
                rate = f"{r['vacancy_rate']:.1%}" if r["vacancy_rate"] is not None else "-"
                out.append(f"<tr><td>{value_label(r['type'])}</td><td align='right'>{r['vacant_m2']:,.0f}</td>"
                           f"<td align='right'>{r['unit_area_m2']:,.0f}</td><td align='right'>{rate}</td></tr>")
            out.append("</table>")
        self.summary_view.setHtml("".join(out))
