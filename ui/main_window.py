"""The main window: the park map in the central document area (big views open as tabs
beside it), the layer list, feature info, attribute table and the other panels around it,
tools, a search box, and the cursor position and scale in the status bar.

What the window offers (menus, toolbars, right-click menus, panels) comes from the registry
in ui/actions.py (entries in ui/entries/), built by ui/workspace.py. What it remembers
between runs is in ui/settings.py."""

from __future__ import annotations

import json
import os

from PySide6.QtCore import QTimer, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox

from landapp.coords import to_lonlat
from landapp.errors import LandappError
from landapp.store.base import ProjectStore
from layers.map import ParkMap
from ui import settings as saved
from ui.canvas import MapCanvas
from ui.edit_commands import EditCommands
from ui.exported import confirm_written
from ui.i18n import set_ui_language, tr
from ui.gis_tools import install_gis_tools
from ui.search import SearchBox, SearchIndex
from ui.tools.edit_tools import AddFeatureTool, MoveTool, ReshapeTool, Snapping, SplitTool, VertexTool
from ui.tools.navigation import IdentifyTool, PanTool, SelectTool, ZoomBoxTool
from ui.undo import EditSession
from ui.workspace import Workspace

DEFAULT_SIZE = (1440, 900)


def project_read_only(store) -> bool:
    """A project the user cannot save to: the store says so, or the file (or its folder,
    where SQLite writes its journal) is not writable."""
    if getattr(store, "read_only", False):  # a store that says so (a viewer of a shared park)
        return True
    path = getattr(store, "path", None)
    if not path or not os.path.exists(path):
        return False
    folder = os.path.dirname(os.path.abspath(path)) or "."
    # the mode bits too: root may write anything, but a file marked read-only is meant to stay so
    marked = not (os.stat(path).st_mode & 0o222)
    return marked or not (os.access(path, os.W_OK) and os.access(folder, os.W_OK))


class MainWindow(EditCommands, QMainWindow):
    def __init__(self, store: ProjectStore, *, is_demo: bool = False, map_reading=None):
        """map_reading: a Future of the map's vector layers, read with settings.start_themes(store)
        (ui.app starts it before this module is imported), else they are read here."""
        super().__init__()
        self.store = store
        self.is_demo = is_demo
        self.read_only = project_read_only(store)
        self._detached = False
        # the layers are read once, with the themes this project was left in (not read with
        # the default theme and again with the saved one: 1.5 s twice at a million parcels)
        self.map = ParkMap(store, read_threads=2, **saved.start_themes(store),
                           vectors=map_reading.result() if map_reading is not None else None)
        self._apply_saved_themes()
        self.canvas = MapCanvas(self.map, self)
        self.session = EditSession(store, self, on_error=self.show_error, on_notice=self.show_notice)
        from ui.live import LiveChanges  # others' committed edits appear here (issue 16)

        self.live = LiveChanges(store, self, on_error=lambda m: self.statusBar().showMessage(m, 30000))
        self.ask_merge_source = True  # tests switch the question off
        self.snapping = Snapping(self.map)
        self.snapping.enabled = saved.get("snapping/enabled", True, bool)
        self.snapping.tolerance_px = saved.get("snapping/tolerance_px", self.snapping.tolerance_px, float)
        self.session.avoid_overlaps = saved.get("snapping/avoid_overlaps", self.session.avoid_overlaps, bool)
        self.tools = {"pan": PanTool(), "zoom_box": ZoomBoxTool(), "identify": IdentifyTool(), "select": SelectTool(),
                      "add_parcel": AddFeatureTool(self.session, self.snapping, "parcels", self.ask_attributes),
                      "add_building": AddFeatureTool(self.session, self.snapping, "buildings", self.ask_attributes),
                      "vertex": VertexTool(self.session, self.snapping),
                      "reshape": ReshapeTool(self.session, self.snapping),
                      "split": SplitTool(self.session, self.snapping),
                      "move": MoveTool(self.session)}
        self.canvas.set_tool(self.tools["pan"])
        self.search_index = SearchIndex(store, self)
        self.context_target = None
        self.docks = {}  # panel id -> QDockWidget, for the docked panels
        geometry, state, areas = saved.window_layout()
        self.saved_panel_areas = dict(areas)
        self.coords_label = QLabel(self)
        self.scale_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.coords_label)
        self.statusBar().addPermanentWidget(self.scale_label)
        self.workspace = Workspace(self, self.canvas)
        self.workspace.build()
        # Qt 6.11 leaves a stray copy of the first tab bar over the docks when two tab groups
        # are made before the window is first shown: the side area's now, the bottom's later
        self.workspace.make_at_start(tabify=("right", "left"))
        self.workspace.documents.setTabText(0, tr("地图", "Map"))
        self.workspace.menus["file.recent"].aboutToShow.connect(self.fill_recent_menu)
        install_gis_tools(self)  # status-bar scale box and jobs, right-click menus, bookmarks
        self._default_state = self.saveState(saved.LAYOUT_VERSION)
        self.canvas.cursor_moved.connect(self.show_position)
        self.canvas.view_changed.connect(self.show_scale)
        self.canvas.identified.connect(self._on_identified)
        self.canvas.frame_ready.connect(self._check_basemap)
        self.canvas.selection_changed.connect(lambda _l: self.workspace.update_enabled())
        self._basemap_note: str | None = None
        store.signals.changed.connect(self._on_store_changed)
        # the summary reads whole tables (~0.8 s at 100k parcels): once per burst of edits,
        # and only when its tab is seen
        self._summary_dirty = True
        self._summary_after_frame = False
        self._summary_timer = QTimer(self)
        self._summary_timer.setSingleShot(True)
        self._summary_timer.setInterval(400)
        self._summary_timer.timeout.connect(self._refresh_summary_if_visible)
        self.docks["summary"].visibilityChanged.connect(lambda vis: vis and self._refresh_summary_if_visible())
        self._show_title()
        if self.map.raster_error:
            self.statusBar().showMessage(self.map.raster_error, 8000)
        self._first_show = True
        self.fit_to_screen()
        self._restored = False
        if state is not None:
            self._restored = self.restoreState(state, saved.LAYOUT_VERSION)
        if geometry is not None:
            self.restoreGeometry(geometry)
            self.fit_to_screen(keep_size=True)
        extent = saved.project_extent(store.path) if getattr(store, "path", None) else None
        if extent is not None:
            self._saved_extent = extent

    # ---- the window's shape
    def available_geometry(self):
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else None

    def fit_to_screen(self, keep_size: bool = False) -> None:
        """The first window fits the screen it opens on: 1440×900 where there is room,
        else the available geometry (a 1366×768 laptop's, less its task bar)."""
        avail = self.available_geometry()
        w, h = (self.width(), self.height()) if keep_size else DEFAULT_SIZE
        if avail is None:
            self.resize(w, h)
            return
        # the frame (title bar, borders) comes on top of the size we set
        frame_w = max(0, self.frameGeometry().width() - self.geometry().width()) if self.isVisible() else 0
        frame_h = max(0, self.frameGeometry().height() - self.geometry().height()) if self.isVisible() else 0
        w = min(w, avail.width() - frame_w)
        h = min(h, avail.height() - frame_h)
        self.resize(w, h)
        x = min(max(self.x(), avail.left()), avail.right() - w - frame_w + 1)
        y = min(max(self.y(), avail.top()), avail.bottom() - h - frame_h + 1)
        if not keep_size:
            x = avail.left() + (avail.width() - w - frame_w) // 2
            y = avail.top() + (avail.height() - h - frame_h) // 2
        self.move(x, y)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._first_show:
            self._first_show = False
            if not self._restored:
                self.workspace.tabify_start_groups(("bottom",))
                self.apply_default_sizes()
            # the docks settled, the map fills its final size: the whole park, or where the
            # planner left this project last time
            self.layout().activate()
            extent = getattr(self, "_saved_extent", None) or self.map.extent()
            if extent is not None:
                from layers.view import MapView

                self.canvas._fitted = True
                self.canvas.set_view(MapView.fit(extent, max(1, self.canvas.width()), max(1, self.canvas.height()),
                                                 0.0 if extent is getattr(self, "_saved_extent", None) else 0.04))

    def apply_default_sizes(self) -> None:
        """The map gets the room: the table a quarter of the height (six rows at 900 px, a
        fifth on a laptop), the layer list a seventh of the width."""
        docks = self.docks
        if "table" in docks:
            h = self.height()
            table_h = h * 6 // 25 if h >= 900 else max(150, h // 5)  # a laptop keeps ~4 rows
            self.resizeDocks([docks["table"]], [table_h], Qt.Orientation.Vertical)
        side = [docks[k] for k in ("layers",) if k in docks]
        if side:
            self.resizeDocks(side, [max(190, self.width() // 7)], Qt.Orientation.Horizontal)
        self.fit_side_area()

    def fit_side_area(self) -> None:
        """The right side area takes what the map can spare: at most ~40 % of the width,
        keeping the map at least 57 % of the window (the side lists scroll)."""
        right = [d for d in self.docks.values() if not d.isHidden() and not d.isFloating()
                 and self.dockWidgetArea(d) == Qt.DockWidgetArea.RightDockWidgetArea]
        if not right:
            return
        left = sum(d.width() for d in self.docks.values() if not d.isHidden() and not d.isFloating()
                   and self.dockWidgetArea(d) == Qt.DockWidgetArea.LeftDockWidgetArea)
        room = int(self.width() * 0.42) - left // 3
        want = max(260, min(room, self.width() - left - int(self.width() * 0.57) - 16))
        self.resizeDocks([right[0]], [want], Qt.Orientation.Horizontal)

    def restore_default_layout(self) -> None:
        """恢复默认布局: every panel back in its own area, the default sizes, nothing floating;
        the remembered layout is forgotten."""
        from ui import actions as reg

        self.saved_panel_areas.clear()
        saved.forget_window_layout()
        for pid in list(self.workspace.panels):
            spec = reg.PANELS[pid]
            if self.workspace.area_of(pid) != spec.area:
                self.workspace.move_panel(pid, spec.area)
            if not spec.at_start:
                self.workspace.close_panel(pid)
        self.saved_panel_areas.clear()
        self.restoreState(self._default_state, saved.LAYOUT_VERSION)
        for pid, spec in reg.PANELS.items():
            dock = self.docks.get(pid)
            if dock is not None:
                dock.setFloating(False)
                dock.setVisible(spec.at_start)
        for tb in self.workspace.toolbars.values():
            tb.setVisible(True)
        self.workspace.tabify_start_groups()
        self.fit_to_screen(keep_size=True)
        self.apply_default_sizes()
        self.workspace.update_enabled()

    def closeEvent(self, event) -> None:
        self.remember()
        super().closeEvent(event)

    def remember(self) -> None:
        """Save the layout, and this project's extent and themes."""
        areas = dict(self.saved_panel_areas)
        for pid in self.workspace.panels:
            a = self.workspace.area_of(pid)
            if a is not None:
                areas[pid] = a
        saved.save_window_layout(self.saveGeometry().data(), self.saveState(saved.LAYOUT_VERSION).data(), areas)
        path = getattr(self.store, "path", None)
        if path:
            saved.project_put(path, "extent", json.dumps(list(self.canvas.view.extent)))
            themes = {layer.id: layer.theme_key for layer in self.map.vector_layers()
                      if isinstance(getattr(layer, "theme_key", None), str)}
            saved.project_put(path, "themes", json.dumps(themes))

    def _apply_saved_themes(self) -> None:
        """The saved themes ParkMap was not built with (other layers')."""
        path = getattr(self.store, "path", None)
        if not path:
            return
        from layers.themes import THEMES

        for layer_id, theme in saved.project_themes(path).items():
            try:
                layer = self.map.layer(layer_id)
            except (KeyError, LandappError):
                continue
            if getattr(layer, "theme_key", None) == theme:  # built with it
                continue
            if theme in THEMES.get(getattr(layer, "layer", layer_id), {}) and hasattr(layer, "set_theme"):
                layer.set_theme(theme)

    def set_snapping(self, enabled: bool | None = None, tolerance: float | None = None,
                     avoid: bool | None = None) -> None:
        if enabled is not None:
            self.snapping.enabled = bool(enabled)
            saved.put("snapping/enabled", bool(enabled))
        if tolerance is not None:
            self.snapping.tolerance_px = float(tolerance)
            saved.put("snapping/tolerance_px", float(tolerance))
        if avoid is not None:
            self.session.avoid_overlaps = bool(avoid)
            saved.put("snapping/avoid_overlaps", bool(avoid))

    # ---- registry shortcuts (tests and older callers)
    @property
    def tool_actions(self) -> dict:
        return {k.split(":", 1)[1]: a for k, a in self.workspace.actions.items() if k.startswith("tool:")}

    @property
    def snap_action(self):
        return self.workspace.actions["snapping"]

    @property
    def avoid_action(self):
        return self.workspace.actions["avoid_overlaps"]

    @property
    def toolbar(self):
        return self.workspace.toolbars["map"]

    def action(self, action_id: str):
        return self.workspace.actions[action_id]

    def open_panel(self, pid: str):
        return self.workspace.open_panel(pid)

    def panel(self, pid: str):
        return self.workspace.panel(pid)

    def open_stacking(self, building_id: int | None = None):
        """The stacking plan on `building_id`, else on the building identified or alone
        selected on the map."""
        if building_id is None:
            building_id = self.identified_building()
        view = self.open_panel("stacking")
        if building_id is not None:
            view.show_building(int(building_id))
        return view

    def identified_building(self) -> int | None:
        cur = getattr(getattr(self, "info", None), "current", None)
        if cur and cur[0] == "buildings":
            return int(cur[1])
        sel = list(self.map.layer("buildings").selection or [])
        return int(sel[0]) if len(sel) == 1 else None

    def show_parcel(self, fid: int) -> None:
        """Zoom the map to a parcel picked in a list, select it and bring the map forward."""
        try:
            geom = self.store.get("parcels", int(fid))["geometry"]
        except LandappError:
            return
        self.workspace.documents.setCurrentIndex(0)
        self.layout().activate()  # the map at its final size before it is fitted to the parcel
        self.canvas.set_selection("parcels", [int(fid)])
        x0, y0, x1, y1 = geom.bounds
        pad = max(x1 - x0, y1 - y0) * 1.5
        self.canvas.zoom_to((x0 - pad, y0 - pad, x1 + pad, y1 + pad))

    def check_topology(self) -> None:
        panel = self.open_panel("topology")
        panel.run()

    def language(self) -> str:
        from landapp.i18n import language

        return language()

    # ---- search
    def make_search_box(self) -> SearchBox:
        self.search = SearchBox(self.search_index, self.search_for, self)
        return self.search

    def _index_search(self, force: bool = False) -> None:
        self.search_index.build(force)

    def search_for(self, text: str) -> bool:
        """Select and zoom to the first feature whose code (or label code), name or
        enterprise matches text."""
        text = text.strip()
        if not text:
            return False
        hit = self.search_index.find(text)
        if hit is None:
            self.statusBar().showMessage(tr(f"没有找到“{text}”。", f"Nothing matches '{text}'."), 5000)
            return False
        lid, fid = hit
        self.workspace.documents.setCurrentIndex(0)
        self.canvas.active_layer = lid
        self.table.set_layer(lid)
        self.canvas.set_selection(lid, [fid])
        self.canvas.zoom_to_selection()
        self.info.show_feature(lid, fid)
        self.docks["info"].raise_()
        return True

    def _on_store_changed(self, event) -> None:
        self._summary_dirty = True
        self._summary_timer.start()
        if event.layer in ("parcels", "buildings", "leases"):
            self.search_index.dirty = True
            search = getattr(self, "search", None)
            if search is not None and search.hasFocus():
                self.search_index.build()

    def detach(self) -> None:
        """Stop listening to the store (the window is being replaced or closed)."""
        if self._detached:
            return
        self._detached = True
        self.live.stop()
        self.workspace.detach()
        for signal_slot in [(self.store.signals.changed, self._on_store_changed)]:
            try:
                signal_slot[0].disconnect(signal_slot[1])
            except (RuntimeError, TypeError, ValueError):
                pass
        for layer in self.map.vector_layers():
            try:
                self.store.signals.changed.disconnect(layer._on_store_changed)
            except (RuntimeError, TypeError, ValueError):
                pass

    # ---- navigation and panels
    def set_tool(self, key: str) -> None:
        self.canvas.set_tool(self.tools[key])
        act = self.workspace.actions.get(f"tool:{key}")
        if act is not None:
            act.setChecked(True)

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
        """Retranslate this window in place: menus, toolbars and panels in the other language;
        the undo history, the selection, the themes and the map extent stay as they are."""
        set_ui_language(lang)
        saved.set_language(lang)
        shown = getattr(self.info, "current", None)
        self.workspace.retranslate()
        if shown:
            self.info.show_feature(*shown)
        self.workspace.documents.setTabText(0, tr("地图", "Map"))
        self.workspace.menus["file.recent"].aboutToShow.connect(self.fill_recent_menu)
        self.history.setEmptyLabel(tr("<打开工程>", "<project opened>"))
        self._show_title()
        self.show_scale()
        for layer in self.map.vector_layers():  # legend classes carry translated value titles
            if getattr(layer, "theme_key", None) and hasattr(layer, "reload"):
                layer.reload()
        self.canvas.refresh()
        return self

    # ---- files
    def ask_save_path(self, title: str, name: str, filters: str, kind: str = "export") -> str:
        """A save dialog that starts in the folder last used for `kind`, else the project's."""
        folder = saved.last_folder(kind, getattr(self.store, "path", None))
        path, _ = QFileDialog.getSaveFileName(self, title, os.path.join(folder, name), filters)
        if path:
            saved.remember_folder(kind, path)
        return path

    def import_data(self) -> None:
        from ui.import_dialog import ImportDialog

        # not modal: a big import runs in the background and the map keeps answering
        dlg = ImportDialog(self.store, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._import_dialog = dlg
        dlg.show()

    def export_layer(self) -> None:
        from ui.export_dialog import ExportLayerDialog

        ExportLayerDialog(self).exec()

    def export_png(self, path: str | None = None) -> str | None:
        """The map as it is on screen (the map tab's size, never the panels'), twice the
        pixels, with a legend."""
        from layers.render import render_png

        path = path or self.ask_save_path(tr("导出地图图片", "Export map image"), "map.png", "PNG (*.png)")
        if not path:
            return None
        try:
            view = self.canvas.view.resized(self.canvas.width() * 2, self.canvas.height() * 2).zoomed(2)
            render_png(path, self.map.layers, view, legend=True)
        except LandappError as e:
            QMessageBox.warning(self, tr("导出失败", "Export failed"), str(e))
            return None
        self.statusBar().showMessage(tr(f"已导出 {path}", f"Exported {path}"), 8000)
        confirm_written(self, [path], tr("地图图片", "map image"))
        return path

    def export_pdf(self, path: str | None = None) -> str | None:
        from layers.render import render_pdf

        path = path or self.ask_save_path(tr("导出地图 PDF", "Export map PDF"), "map.pdf", "PDF (*.pdf)")
        if not path:
            return None
        try:
            render_pdf(path, self.map.layers, self.canvas.view.extent, title=self.store.name)
        except LandappError as e:
            QMessageBox.warning(self, tr("导出失败", "Export failed"), str(e))
            return None
        self.statusBar().showMessage(tr(f"已导出 {path}", f"Exported {path}"), 8000)
        confirm_written(self, [path], tr("地图 PDF", "map PDF"))
        return path

    def open_project_dialog(self) -> None:
        folder = saved.last_folder("project", getattr(self.store, "path", None))
        path, _ = QFileDialog.getOpenFileName(self, tr("打开工程", "Open project"), folder,
                                              tr("GeoPackage 工程 (*.gpkg)", "GeoPackage project (*.gpkg)"))
        if path:
            saved.remember_folder("project", path)
            self.open_project(path)

    def open_project(self, path: str):
        """Open another project in a new window (this one stays); None when it cannot."""
        from ui.opening import open_or_explain

        if not saved.is_database(path) and not os.path.isfile(path):
            saved.remove_recent(path)
            QMessageBox.information(self, tr("工程不存在", "Project not found"),
                                    tr(f"找不到工程文件 {path},已从最近打开列表中移除。",
                                       f"The project file {path} no longer exists; it was removed from the recent list."))
            return None
        store = open_or_explain(path, self)
        if store is None:
            return None
        saved.add_recent(path)
        win = MainWindow(store)
        win.show()
        self._other = win
        return win

    def connect_database_dialog(self) -> None:
        """文件 → 连接数据库: pick a park in a PostgreSQL/PostGIS database (issue 16)."""
        from ui.connect_dialog import ConnectDialog
        from ui.opening import open_or_explain

        dlg = ConnectDialog(self)
        if dlg.exec() and dlg.target:
            store = open_or_explain(dlg.target, self)
            if store is not None:
                saved.add_recent(dlg.target)
                win = MainWindow(store)
                win.show()
                self._other = win

    def fill_recent_menu(self) -> list[str]:
        """文件 → 最近打开: the last projects, those whose file is gone dropped with a note."""
        menu = self.workspace.menus["file.recent"]
        menu.clear()
        kept, dropped = saved.prune_recent()
        for path in kept:
            label = saved.recent_label(path)
            act = menu.addAction(label, lambda p=path: self.open_project(p))
            act.setToolTip(path)
            act.setStatusTip(path)
        if not kept:
            menu.addAction(tr("(无)", "(none)")).setEnabled(False)
        if dropped:
            names = "、".join(os.path.basename(p) for p in dropped)
            self.statusBar().showMessage(tr(f"已从最近打开列表中移除不存在的工程:{names}",
                                            f"Removed missing projects from the recent list: {names}"), 10000)
        return kept

    # ---- status
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
        # a layout that opens with the summary in front: its job (whole tables, seconds at a
        # million parcels) waits for the map's first frame instead of competing with it
        if self.canvas.frame is None:
            self._summary_computing_note()
            if not self._summary_after_frame:
                self._summary_after_frame = True
                self.canvas.frame_ready.connect(self._summary_after_first_frame)
            return
        if self._summary_dirty and not self.docks["summary"].visibleRegion().isEmpty():
            self.refresh_summary()

    def _summary_computing_note(self) -> None:
        """An empty summary says it is being computed (figures already shown stay until the
        new ones come)."""
        if not self.summary_view.toPlainText().strip():
            self.summary_view.setPlainText(tr("计算中…", "Computing…"))

    def _summary_after_first_frame(self) -> None:
        self.canvas.frame_ready.disconnect(self._summary_after_first_frame)
        QTimer.singleShot(0, self._refresh_summary_if_visible)

    def _show_title(self, status: bool = True) -> None:
        demo = tr("(示例园区副本)", " (demo park copy)") if self.is_demo else ""
        ro = tr(" [只读]", " [read-only]") if self.read_only else ""
        self.setWindowTitle(f"{self.store.name}{demo}{ro} — landapp")
        if status:
            self.statusBar().showMessage(f"{os.path.basename(self.store.path)}  ·  EPSG:{self.store.srs_id}")

    def refresh_summary(self) -> None:
        """工程概况 reads whole tables (~0.8 s at 100k parcels): in the background (ui.jobs)."""
        from landapp.check import summary
        from ui import jobs

        self._summary_dirty = False
        self._summary_computing_note()
        jobs.start(lambda job: summary(job.store), title=tr("统计工程概况", "Summarising the project"),
                   store=self.store, key=("summary", id(self)), busy=self.summary_view,
                   on_done=self._show_summary, on_error=self.summary_view.setPlainText)

    def _show_summary(self, s: dict) -> None:
        from ui.summary_page import summary_html

        self._show_title(status=False)  # the project's name may have changed
        self.summary_view.setHtml(summary_html(s))
