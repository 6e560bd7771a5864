"""Builds the main window's menus, toolbars, right-click menus and panels from the registry
(ui/actions.py), and hosts the panels: a document area whose first tab is the map (big
views such as 运营看板 open as tabs beside it), and dock areas around it (the tabbed side
area on the right for lists that drive the map, the layer list on the left, the attribute
table at the bottom). Any panel can be floated or moved to another area; the window
remembers where (ui/settings.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QTabWidget, QToolBar, QWidget

from ui import actions as reg
from ui.i18n import tr

DOCK_AREAS = {"right": Qt.DockWidgetArea.RightDockWidgetArea, "left": Qt.DockWidgetArea.LeftDockWidgetArea,
              "bottom": Qt.DockWidgetArea.BottomDockWidgetArea}


def _t(pair) -> str:
    return tr(*pair) if pair else ""


def release(widget) -> None:
    """Stop a panel's widget following the store before it goes."""
    if widget is None:
        return
    if hasattr(widget, "detach"):
        try:
            widget.detach()
        except (RuntimeError, TypeError, ValueError):
            pass
    store = getattr(widget, "store", None)
    for owner in (widget, getattr(widget, "model", None)):
        for name in ("_on_change", "_on_store_changed"):
            fn = getattr(owner, name, None)
            if store is not None and fn is not None:
                try:
                    store.signals.changed.disconnect(fn)
                except (RuntimeError, TypeError, ValueError):
                    pass


def make_host(spec, widget: QWidget) -> QWidget:
    """The widget itself, or a scroll area around it (spec.scroll): a panel's minimum size
    then never widens the window past the screen; it scrolls instead."""
    if not spec.scroll:
        return widget
    from PySide6.QtWidgets import QFrame, QScrollArea

    host = QScrollArea()
    host.setWidgetResizable(True)
    host.setFrameShape(QFrame.Shape.NoFrame)
    host.setWidget(widget)
    host.setProperty("panel_id", spec.id)
    return host


class PanelDock(QDockWidget):
    """A panel's dock; closing it (its × button) gives the side area's width back too."""

    def __init__(self, title: str, parent, on_close):
        super().__init__(title, parent)
        self._on_close = on_close

    def closeEvent(self, event) -> None:
        super().closeEvent(event)
        if event.isAccepted():
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, self._on_close)


class DocumentArea(QTabWidget):
    """The central area: the map is the first tab (never closed); big views open as tabs
    beside it. A tab's right-click menu floats it or moves it to the side area."""

    def __init__(self, workspace: "Workspace", map_widget: QWidget, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.setObjectName("documents")
        self.setDocumentMode(True)
        self.setTabsClosable(True)
        self.setMovable(True)
        self.map_widget = map_widget
        self.addTab(map_widget, "")
        self._hide_close_button(0)
        self.tabCloseRequested.connect(self._close_tab)
        self.tabBar().setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tabBar().customContextMenuRequested.connect(self._tab_menu)
        self.tabBar().tabBarDoubleClicked.connect(self._float_tab)
        self._update_bar()

    def _hide_close_button(self, index: int) -> None:
        from PySide6.QtWidgets import QTabBar

        for side in (QTabBar.ButtonPosition.RightSide, QTabBar.ButtonPosition.LeftSide):
            btn = self.tabBar().tabButton(index, side)
            if btn is not None:
                btn.resize(0, 0)
                btn.hide()

    def _update_bar(self) -> None:
        # with the map alone the tab bar is only in the way
        self.tabBar().setVisible(self.count() > 1)

    def panel_at(self, index: int) -> str | None:
        w = self.widget(index)
        return None if w is self.map_widget else w.property("panel_id")

    def add_panel(self, panel_id: str, widget: QWidget, title: str) -> None:
        widget.setProperty("panel_id", panel_id)
        i = self.indexOf(widget)
        if i < 0:
            i = self.addTab(widget, title)
        self.setCurrentIndex(i)
        self._update_bar()

    def take_panel(self, widget: QWidget) -> None:
        i = self.indexOf(widget)
        if i >= 0:
            self.removeTab(i)
        self._update_bar()

    def _close_tab(self, index: int) -> None:
        pid = self.panel_at(index)
        if pid is not None:
            self.workspace.close_panel(pid)

    def _float_tab(self, index: int) -> None:
        pid = self.panel_at(index)
        if pid is not None:
            self.workspace.move_panel(pid, "float")

    def _tab_menu(self, pos) -> None:
        index = self.tabBar().tabAt(pos)
        pid = self.panel_at(index) if index >= 0 else None
        if pid is None:
            return
        menu = QMenu(self)
        self.workspace.fill_move_menu(menu, pid)
        menu.addSeparator()
        menu.addAction(tr("关闭", "Close"), lambda: self.workspace.close_panel(pid))
        menu.exec(self.tabBar().mapToGlobal(pos))


class Workspace:
    """Everything the window shows that comes from the registry."""

    def __init__(self, window, map_widget: QWidget):
        reg.load_entries()
        self.window = window
        self.documents = DocumentArea(self, map_widget, window)
        window.setCentralWidget(self.documents)
        window.setDockNestingEnabled(False)
        window.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)
        self.actions: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        self.toolbars: dict[str, QToolBar] = {}
        self.widgets: dict[str, QWidget] = {}
        self.panels: dict[str, QWidget] = {}      # panel id -> its widget (made)
        self.hosts: dict[str, QWidget] = {}       # panel id -> the widget or its scroll area
        self.docks: dict[str, QDockWidget] = {}   # panel id -> its dock (docked or floating panels)
        self.where: dict[str, str] = {}           # panel id -> "document" or a dock area / "float"
        self._groups: dict[str, QActionGroup] = {}
        self._side_before: int | None = None  # the side area's width before a list widened it

    # ---- menus, toolbars, actions
    def build(self) -> None:
        """Make (or remake, after a language switch) the menus, toolbars and actions."""
        w = self.window
        old = list(self.actions.values())
        w.menuBar().clear()
        for m in self.menus.values():
            m.deleteLater()
        self.menus.clear()
        self.actions.clear()
        self._groups.clear()
        for tb in self.toolbars.values():
            tb.clear()
        for wid in self.widgets.values():
            wid.deleteLater()
        self.widgets.clear()
        first = not self.toolbars
        for tid, (title, _order, brk) in sorted(reg.TOOLBARS.items(), key=lambda kv: kv[1][1]):
            tb = self.toolbars.get(tid)
            if tb is None:
                tb = QToolBar(w)
                tb.setObjectName(f"toolbar_{tid}")
                if brk and first:
                    w.addToolBarBreak()
                w.addToolBar(tb)
                self.toolbars[tid] = tb
            tb.setWindowTitle(_t(title))
        for spec in reg.sorted_specs(reg.ACTIONS.values()):
            self.actions[spec.id] = self._make_action(spec)
        for spec in reg.sorted_specs(reg.PANELS.values()):
            self.actions[f"panel:{spec.id}"] = self._panel_action(spec)
        self._fill_menus()
        self._fill_toolbars()
        import shiboken6

        for a in old:
            if shiboken6.isValid(a):
                a.deleteLater()
        self.update_enabled()

    def _make_action(self, spec: reg.ActionSpec) -> QAction:
        w = self.window
        act = spec.factory(w) if spec.factory is not None else QAction(w)
        act.setText(_t(spec.text))
        act.setObjectName(spec.id)
        if spec.icon_text:
            act.setIconText(_t(spec.icon_text))
        if spec.tip:
            act.setToolTip(_t(spec.tip))
        if spec.shortcut is not None:
            keys = spec.shortcut if isinstance(spec.shortcut, (tuple, list)) else (spec.shortcut,)
            act.setShortcuts([k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys])
        if spec.checkable:
            act.setCheckable(True)
            if spec.checked is not None:
                act.setChecked(bool(spec.checked(w)))
        if spec.group:
            group = self._groups.get(spec.group)
            if group is None:
                group = self._groups[spec.group] = QActionGroup(w)
            group.addAction(act)
        if spec.slot is not None:
            slot = spec.slot
            if spec.checkable:
                act.triggered.connect(lambda on, s=slot: s(w, on) if _takes_two(s) else s(w))
            else:
                act.triggered.connect(lambda _c=False, s=slot: s(w))
        return act

    def _panel_action(self, spec: reg.PanelSpec) -> QAction:
        act = QAction(_t(spec.title), self.window)
        act.setObjectName(f"panel:{spec.id}")
        act.setCheckable(True)
        act.setChecked(self.is_open(spec.id))
        if spec.shortcut:
            act.setShortcut(QKeySequence(spec.shortcut))
        if spec.tip:
            act.setToolTip(_t(spec.tip))
        act.triggered.connect(lambda on, pid=spec.id: self.open_panel(pid) if on else self.close_panel(pid))
        return act

    def _fill_menus(self) -> None:
        w = self.window
        for mid, (parent, title, _order, _section) in reg.MENUS.items():
            m = QMenu(_t(title), w)
            m.setObjectName(f"menu_{mid}")
            m.aboutToShow.connect(self.update_enabled)
            self.menus[mid] = m
        items: dict[str, list] = {mid: [] for mid in reg.MENUS}
        for mid, (parent, _t2, order, section) in reg.MENUS.items():
            if parent is not None:
                items[parent].append((section, order, self.menus[mid].menuAction()))
        for spec in reg.ACTIONS.values():
            if spec.menu:
                items[spec.menu].append((spec.section, spec.order, self.actions[spec.id]))
        for spec in reg.PANELS.values():
            act = self.actions[f"panel:{spec.id}"]
            items["view.panels"].append((spec.section, spec.order, act))
            if spec.menu:
                opener = QAction(_t(spec.menu_text or spec.title), w)
                opener.setObjectName(f"open:{spec.id}")
                if spec.tip:
                    opener.setToolTip(_t(spec.tip))
                opener.triggered.connect(lambda _c=False, pid=spec.id: self.open_panel(pid))
                self.actions[f"open:{spec.id}"] = opener
                items[spec.menu].append((spec.section, spec.order, opener))
        for tid in self.toolbars:
            items["view.toolbars"].append((0, 0, self.toolbars[tid].toggleViewAction()))
        for mid, entries in items.items():
            m = self.menus[mid]
            last = None
            for section, _order, act in sorted(entries, key=lambda e: (e[0], e[1])):
                if last is not None and section != last:
                    m.addSeparator()
                last = section
                m.addAction(act)
        for mid, (parent, _title, _order, _s) in sorted(reg.MENUS.items(), key=lambda kv: kv[1][2]):
            if parent is None and self._has_entries(mid):
                w.menuBar().addMenu(self.menus[mid])
        self.menus["view.panels"].setToolTipsVisible(True)

    def _has_entries(self, mid: str) -> bool:
        return any(not a.isSeparator() for a in self.menus[mid].actions())

    def _fill_toolbars(self) -> None:
        entries: dict[str, list] = {tid: [] for tid in self.toolbars}
        for spec in reg.ACTIONS.values():
            if spec.toolbar:
                entries[spec.toolbar].append((spec.section, spec.order, "a", spec.id))
        for spec in reg.WIDGETS.values():
            entries[spec.toolbar].append((spec.section, spec.order, "w", spec.id))
        for tid, items in entries.items():
            tb = self.toolbars[tid]
            last = None
            for section, _o, kind, item_id in sorted(items, key=lambda e: (e[0], e[1])):
                if last is not None and section != last:
                    tb.addSeparator()
                last = section
                if kind == "a":
                    tb.addAction(self.actions[item_id])
                else:
                    wid = reg.WIDGETS[item_id].factory(self.window)
                    self.widgets[item_id] = wid
                    tb.addWidget(wid)

    def update_enabled(self) -> None:
        """Ask every action's enabled_when (and checked) again; editing actions are off in a
        read-only project."""
        w = self.window
        read_only = getattr(w, "read_only", False)
        for spec in reg.ACTIONS.values():
            act = self.actions.get(spec.id)
            if act is None:
                continue
            on = True
            if spec.editing and read_only:
                on = False
            elif spec.enabled_when is not None:
                try:
                    on = bool(spec.enabled_when(w))
                except Exception:  # a condition must never break the menu
                    on = False
            if spec.factory is None or not on:
                act.setEnabled(on)
            if spec.checkable and spec.checked is not None:
                act.blockSignals(True)
                act.setChecked(bool(spec.checked(w)))
                act.blockSignals(False)
        for pid in reg.PANELS:
            act = self.actions.get(f"panel:{pid}")
            if act is not None:
                act.blockSignals(True)
                act.setChecked(self.is_open(pid))
                act.blockSignals(False)

    def context_menu(self, context: str, target: reg.ContextTarget | None = None, parent=None) -> QMenu:
        """A right-click menu for `context` ('map', 'layers', 'table') listing the actions
        registered for it; `target` is kept as window.context_target for their slots."""
        w = self.window
        w.context_target = target or reg.ContextTarget(context)
        self.update_enabled()
        menu = QMenu(parent or w)
        last = None
        for spec in reg.sorted_specs(s for s in reg.ACTIONS.values() if context in s.context):
            if last is not None and spec.section != last:
                menu.addSeparator()
            last = spec.section
            menu.addAction(self.actions[spec.id])
        return menu

    # ---- panels
    def is_open(self, pid: str) -> bool:
        widget = self.panels.get(pid)
        if widget is None:
            return False
        if self.where.get(pid) == "document":
            return self.documents.indexOf(self.hosts[pid]) >= 0
        dock = self.docks.get(pid)
        return dock is not None and not dock.isHidden()

    def panel(self, pid: str):
        return self.panels.get(pid)

    def host(self, pid: str):
        """What sits in the tab or dock: the panel, or the scroll area around it."""
        return self.hosts.get(pid)

    def make_at_start(self, tabify: tuple[str, ...] = reg.AREAS) -> None:
        """The panels that open with the window (layers, info, table …), each in its area,
        tabbed with their mates in the `tabify` areas."""
        for spec in reg.sorted_specs(reg.PANELS.values()):
            if spec.at_start:
                self.open_panel(spec.id, raise_=False)
        self.tabify_start_groups(tabify)

    def tabify_start_groups(self, areas: tuple[str, ...] = reg.AREAS) -> None:
        """Put each start panel in the tab group of its `tab_with` mate when both are docked
        in one area; the first of each group in front."""
        w = self.window
        fronts = []
        for spec in reg.sorted_specs(reg.PANELS.values()):
            mate = self.docks.get(spec.tab_with or "")
            dock = self.docks.get(spec.id)
            if (spec.at_start and self.where.get(spec.id) in areas and mate is not None and dock is not None and not dock.isFloating()
                    and not mate.isFloating() and w.dockWidgetArea(dock) == w.dockWidgetArea(mate)):
                w.tabifyDockWidget(mate, dock)
                fronts.append(mate)
        for mate in fronts:
            mate.raise_()

    def open_panel(self, pid: str, *, raise_: bool = True, area: str | None = None):
        """Show panel `pid` (made on first use) in its area; returns its widget."""
        spec = reg.PANELS[pid]
        widget = self.panels.get(pid)
        if widget is None:
            widget = spec.factory(self.window)
            widget.setProperty("panel_id", pid)
            self.panels[pid] = widget
            self.hosts[pid] = make_host(spec, widget)
            self._place(pid, area or self._saved_area(pid) or spec.area)
        elif self.where.get(pid) == "document":
            self.documents.add_panel(pid, self.hosts[pid], _t(spec.title))
        else:
            self.docks[pid].show()
        if raise_:
            if self.where.get(pid) == "document":
                self.documents.setCurrentWidget(self.hosts[pid])
            else:
                self.docks[pid].raise_()
        self.update_enabled()
        return widget

    def _saved_area(self, pid: str) -> str | None:
        areas = getattr(self.window, "saved_panel_areas", None) or {}
        a = areas.get(pid)
        return a if a in (*reg.AREAS, "float") else None

    def _place(self, pid: str, area: str) -> None:
        spec = reg.PANELS[pid]
        widget = self.hosts[pid]
        w = self.window
        if area == "document":
            dock = self.docks.pop(pid, None)
            if dock is not None:
                dock.setWidget(None)
                w.removeDockWidget(dock)
                dock.deleteLater()
                w.docks.pop(pid, None)
            self.where[pid] = "document"
            self.documents.add_panel(pid, widget, _t(spec.title))
            return
        if self.where.get(pid) == "document":
            self.documents.take_panel(widget)
        dock = self.docks.get(pid)
        if dock is None:
            dock = PanelDock(_t(spec.title), w, lambda: (self._give_side_back(), self.update_enabled()))
            dock.setObjectName(pid)
            dock.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            dock.customContextMenuRequested.connect(lambda pos, p=pid, d=dock: self._dock_menu(p, d, pos))
            dock.visibilityChanged.connect(lambda _v: self.update_enabled())
            if not spec.closable:
                dock.setFeatures(dock.features() & ~QDockWidget.DockWidgetFeature.DockWidgetClosable)
            self.docks[pid] = dock
            w.docks[pid] = dock
        dock.setWidget(widget)
        restored = area != "float" and self.where.get(pid) is None and w.restoreDockWidget(dock)
        if not restored:
            dock_area = DOCK_AREAS.get(area, DOCK_AREAS["right"])
            w.addDockWidget(dock_area, dock)
            if area == "float":
                dock.setFloating(True)
                dock.resize(max(640, widget.sizeHint().width()), max(480, widget.sizeHint().height()))
            else:
                self._tab_into_area(pid, dock_area)
        self.where[pid] = area
        dock.show()

    def _tab_into_area(self, pid: str, dock_area) -> None:
        """A new panel joins the tab group of its area (the side area never splits into ever
        narrower strips, the issue's 890 → 200 px map)."""
        w = self.window
        spec = reg.PANELS[pid]
        others = [d for p, d in self.docks.items() if p != pid and not d.isHidden() and not d.isFloating()
                  and w.dockWidgetArea(d) == dock_area]
        mate = self.docks.get(spec.tab_with) if spec.tab_with else None
        if mate is None and others:
            mate = others[0]
        if dock_area == DOCK_AREAS["right"] and not spec.at_start and others and self._side_before is None:
            self._side_before = others[0].width()  # given back when the last list closes
        # the start panels are tabbed by tabify_start_groups (the bottom group only once the
        # window is shown: Qt 6.11 leaves a stray tab bar when two groups form before that)
        if mate is not None and mate is not self.docks[pid] and not (spec.at_start and not w.isVisible()):
            w.tabifyDockWidget(mate, self.docks[pid])
        if dock_area == DOCK_AREAS["right"] and getattr(w, "isVisible", lambda: False)():
            w.fit_side_area()

    def _tabify(self, first: str, second: str) -> None:
        self.window.tabifyDockWidget(self.docks[first], self.docks[second])
        self.docks[first].raise_()

    def close_panel(self, pid: str) -> None:
        widget = self.panels.get(pid)
        if widget is None:
            return
        if self.where.get(pid) == "document":
            self.documents.take_panel(self.hosts[pid])
        elif pid in self.docks:
            self.docks[pid].hide()
            self._give_side_back()
        self.update_enabled()

    def _give_side_back(self) -> None:
        """The last list closed in the side area: it goes back to the width it had."""
        w = self.window
        right = [(p, d) for p, d in self.docks.items() if not d.isHidden() and not d.isFloating()
                 and w.dockWidgetArea(d) == DOCK_AREAS["right"]]
        if self._side_before is not None and right and all(reg.PANELS[p].at_start for p, _ in right):
            w.resizeDocks([right[0][1]], [self._side_before], Qt.Orientation.Horizontal)
            self._side_before = None

    def move_panel(self, pid: str, area: str) -> None:
        """Move an open panel to another area ('document', 'right', 'left', 'bottom') or
        float it ('float'); remembered for the next time it opens."""
        if pid not in self.panels:
            self.open_panel(pid)
        if self.where.get(pid) == area:
            return
        if area == "float" and pid in self.docks:
            self.docks[pid].setFloating(True)
            self.where[pid] = "float"
        else:
            self._place(pid, area)
        if area != "document":
            dock = self.docks[pid]
            dock.show()
            dock.raise_()
        areas = getattr(self.window, "saved_panel_areas", None)
        if areas is not None:
            areas[pid] = area
        self.update_enabled()

    def area_of(self, pid: str) -> str | None:
        if self.where.get(pid) == "document":
            return "document"
        dock = self.docks.get(pid)
        if dock is None:
            return None
        if dock.isFloating():
            return "float"
        for name, a in DOCK_AREAS.items():
            if self.window.dockWidgetArea(dock) == a:
                return name
        return None

    def fill_move_menu(self, menu: QMenu, pid: str) -> None:
        here = self.area_of(pid)
        for area, text in (("document", tr("作为标签页显示在地图旁", "As a tab beside the map")),
                           ("right", tr("移到右侧栏", "Move to the right side area")),
                           ("bottom", tr("移到底部", "Move to the bottom")),
                           ("left", tr("移到左侧栏", "Move to the left side area")),
                           ("float", tr("浮动窗口", "Float in its own window"))):
            act = menu.addAction(text, lambda a=area: self.move_panel(pid, a))
            act.setEnabled(area != here)

    def _dock_menu(self, pid: str, dock: QDockWidget, pos) -> None:
        menu = QMenu(dock)
        self.fill_move_menu(menu, pid)
        menu.exec(dock.mapToGlobal(pos))

    def retranslate(self) -> None:
        """After a language switch: menus, toolbars and actions again, panel titles, and
        each panel's widget made again in the new language (its state lives in the store and
        the window, so nothing the user did is lost)."""
        self.build()
        for pid, spec in reg.PANELS.items():
            old = self.panels.get(pid)
            if old is None:
                continue
            title = _t(spec.title)
            old_host = self.hosts[pid]
            was_current = self.documents.currentWidget() is old_host
            new = spec.factory(self.window)
            new.setProperty("panel_id", pid)
            self.panels[pid] = new
            new_host = self.hosts[pid] = make_host(spec, new)
            if self.where.get(pid) == "document":
                i = self.documents.indexOf(old_host)
                new_host.setProperty("panel_id", pid)
                if i >= 0:
                    self.documents.removeTab(i)
                    self.documents.insertTab(i, new_host, title)
                    if was_current:
                        self.documents.setCurrentIndex(i)
            else:
                dock = self.docks[pid]
                dock.setWindowTitle(title)
                dock.setWidget(new_host)
            release(old)
            old_host.setParent(None)
            old_host.deleteLater()
        self.documents.setTabText(0, tr("地图", "Map"))
        self.update_enabled()

    def detach(self) -> None:
        for widget in self.panels.values():
            release(widget)


def _takes_two(fn) -> bool:
    import inspect

    try:
        return len(inspect.signature(fn).parameters) >= 2
    except (TypeError, ValueError):
        return False
