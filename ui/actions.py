"""The one place that says what the main window offers: actions (menu items, toolbar
buttons, right-click entries) and panels, as plain specs in a registry.

The menus, 视图 → 面板, the toolbars and the right-click menus of the map, the layer list
and the table are all built from this registry by `ui.workspace.Workspace`; a new panel or
command is one `register_panel(...)` / `register_action(...)` call in a module of
`ui/entries/` (every module there is imported when the first window is built), not edits
in three files. Texts are (中文, English) pairs, translated when the window is built or
retranslated, so a language switch needs no rebuild of the window.

    from ui.actions import ActionSpec, PanelSpec, register_action, register_panel

    register_panel(PanelSpec("measure_results", ("测量结果", "Measurements"),
                             factory=lambda w: MeasurePanel(w.canvas), area="right"))
    register_action(ActionSpec("measure", ("测量", "Measure"), lambda w: w.set_tool("measure"),
                               menu="view", toolbar="map", shortcut="Ctrl+Shift+M",
                               context=("map",)))

Slots and conditions receive the main window. Right-click menus set `window.context_target`
(a `ContextTarget`) before they show, so a context action knows what was clicked.
See HACKING.md ("Actions and panels") for the menus and areas that exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

Text = tuple[str, str]  # (中文, English)

# Top-level menus in the order they appear: 文件 编辑 视图 … 帮助 last.
# (id, parent id or None, (中文, English), order). Submenus use a dotted id by convention.
MENUS: dict[str, tuple[str | None, Text, int, int]] = {}  # id -> (parent, title, order, section)

# Toolbars in the order they appear; `break_before` starts a new row.
TOOLBARS: dict[str, tuple[Text, int, bool]] = {}

ACTIONS: dict[str, "ActionSpec"] = {}
PANELS: dict[str, "PanelSpec"] = {}
WIDGETS: dict[str, "WidgetSpec"] = {}

# Where a panel lives by default (the user can move or float it, and the window remembers):
AREAS = ("document",  # a tab beside the map tab in the central document area (big views)
         "right",     # the tabbed side area on the right (lists that drive the map)
         "left",      # under the layer list
         "bottom")    # beside the attribute table

# Where a right-click menu is opened.
CONTEXTS = ("map", "layers", "table")


@dataclass
class ActionSpec:
    """One command. `slot(window)` runs it. `menu` is a menu id from MENUS, `toolbar` a
    toolbar id from TOOLBARS, `context` the right-click menus that list it. Items of a menu
    or toolbar are sorted by (`section`, `order`) with a separator between sections.

    `enabled_when(window) -> bool` is asked when a menu opens, when the selection or the
    project changes; `checked(window) -> bool` gives a checkable action's state. `editing`
    actions are disabled in a read-only project. `group` makes checkable actions of one
    group exclusive (the map tools). `factory(window) -> QAction` builds the action itself
    (undo/redo from the undo stack); the registry then adds text, shortcut and placement."""
    id: str
    text: Text
    slot: Callable[[Any], Any] | None = None
    menu: str | None = None
    toolbar: str | None = None
    context: tuple[str, ...] = ()
    shortcut: str | tuple[str, ...] | Any = None
    tip: Text | None = None
    icon_text: Text | None = None  # short text for the toolbar button
    section: int = 0
    order: int = 100
    checkable: bool = False
    checked: Callable[[Any], bool] | None = None
    enabled_when: Callable[[Any], bool] | None = None
    editing: bool = False
    group: str | None = None
    factory: Callable[[Any], Any] | None = None


@dataclass
class PanelSpec:
    """One panel. `factory(window) -> QWidget` makes its widget (again after a language
    switch, so the widget must take its state from the store or the window). `area` is one
    of AREAS. Every panel can be shown or hidden from 视图 → 面板; `menu` adds an "open"
    entry to another menu too (e.g. 载体与盘活). `at_start` panels are made with the window;
    the others when first opened. `tab_with` puts it in the same tab group as that panel."""
    id: str
    title: Text
    factory: Callable[[Any], Any]
    area: str = "right"
    menu: str | None = None
    menu_text: Text | None = None
    shortcut: str | None = None
    section: int = 0
    order: int = 100
    at_start: bool = False
    tab_with: str | None = None
    closable: bool = True
    tip: Text | None = None
    scroll: bool = True  # shown in a scroll area: its minimum size never widens the window


@dataclass
class WidgetSpec:
    """A widget on a toolbar (the search box, the snapping tolerance); `factory(window)`."""
    id: str
    toolbar: str
    factory: Callable[[Any], Any]
    section: int = 0
    order: int = 100


@dataclass
class ContextTarget:
    """What a right-click menu was opened on: the map (with the map point and the feature
    under the cursor, if any), the layer list (`layer`) or the table (`layer`, `fids`)."""
    context: str
    layer: str | None = None
    fids: list[int] = field(default_factory=list)
    point: tuple[float, float] | None = None


def register_menu(menu_id: str, title: Text, order: int, parent: str | None = None, section: int = 0) -> None:
    """A top-level menu (sorted by `order`) or a submenu of `parent` (placed among the
    parent's actions by (`section`, `order`))."""
    MENUS[menu_id] = (parent, title, order, section)


def register_toolbar(toolbar_id: str, title: Text, order: int, break_before: bool = False) -> None:
    TOOLBARS[toolbar_id] = (title, order, break_before)


def register_action(spec: ActionSpec) -> ActionSpec:
    """Add (or replace, by id) an action. Returns the spec."""
    if spec.menu is not None and spec.menu not in MENUS:
        raise KeyError(f"unknown menu {spec.menu!r}; menus: {sorted(MENUS)}")
    if spec.toolbar is not None and spec.toolbar not in TOOLBARS:
        raise KeyError(f"unknown toolbar {spec.toolbar!r}; toolbars: {sorted(TOOLBARS)}")
    bad = [c for c in spec.context if c not in CONTEXTS]
    if bad:
        raise KeyError(f"unknown context {bad}; contexts: {CONTEXTS}")
    ACTIONS[spec.id] = spec
    return spec


def register_panel(spec: PanelSpec) -> PanelSpec:
    """Add (or replace, by id) a panel. Returns the spec."""
    if spec.area not in AREAS:
        raise KeyError(f"unknown area {spec.area!r}; areas: {AREAS}")
    if spec.menu is not None and spec.menu not in MENUS:
        raise KeyError(f"unknown menu {spec.menu!r}; menus: {sorted(MENUS)}")
    PANELS[spec.id] = spec
    return spec


def register_widget(spec: WidgetSpec) -> WidgetSpec:
    if spec.toolbar not in TOOLBARS:
        raise KeyError(f"unknown toolbar {spec.toolbar!r}; toolbars: {sorted(TOOLBARS)}")
    WIDGETS[spec.id] = spec
    return spec


def unregister(item_id: str) -> None:
    """Remove an action, panel or toolbar widget (tests that add their own)."""
    for reg in (ACTIONS, PANELS, WIDGETS):
        reg.pop(item_id, None)


def sorted_specs(specs):
    return sorted(specs, key=lambda s: (s.section, s.order))


_loaded = False


def load_entries() -> None:
    """Import every module of ui/entries/ once: each registers its actions and panels."""
    global _loaded
    if _loaded:
        return
    import importlib
    import pkgutil

    import ui.entries

    _loaded = True
    names = sorted(m.name for m in pkgutil.iter_modules(ui.entries.__path__))
    # the core entries first: they declare the menus and toolbars the others use
    for name in sorted(names, key=lambda n: n != "core"):
        importlib.import_module(f"ui.entries.{name}")


# The menus and toolbars every window has (entries may add more with register_menu).
register_menu("file", ("文件(&F)", "&File"), 10)
register_menu("file.recent", ("最近打开", "Recent projects"), 20, parent="file")
register_menu("edit", ("编辑(&E)", "&Edit"), 20)
register_menu("view", ("视图(&V)", "&View"), 30)
register_menu("view.panels", ("面板", "Panels"), 10, parent="view", section=5)
register_menu("view.toolbars", ("工具栏", "Toolbars"), 20, parent="view", section=5)
register_menu("view.language", ("界面语言", "Language"), 10, parent="view", section=8)
register_menu("select", ("选择(&S)", "&Selection"), 40)
register_menu("space", ("载体与盘活(&R)", "&Space && revitalisation"), 50)
register_menu("publish", ("发布(&P)", "&Publish"), 60)
register_menu("tools", ("工具(&T)", "&Tools"), 70)
register_menu("help", ("帮助(&H)", "&Help"), 1000)
register_toolbar("map", ("地图工具", "Map tools"), 10)
register_toolbar("edit", ("编辑工具", "Editing tools"), 20, break_before=True)
