"""Status-bar scale box (type 1:2000 or pick a preset) and spatial bookmarks saved in the
project (视图 → 空间书签), plus the measure tools' actions."""

from __future__ import annotations

import re

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QInputDialog, QMenu

from landapp import bookmarks as bm
from landapp.errors import LandappError
from ui.i18n import tr

PRESET_SCALES = (500, 1000, 2000, 5000, 10000, 25000, 50000)
MIN_SCALE, MAX_SCALE = 50, 5_000_000


def parse_scale(text: str) -> int:
    """'1:2000', '1:2,000', '2000', '1：2000' (full-width colon) -> 2000."""
    t = text.strip().replace("：", ":").replace(",", "").replace(" ", "")
    m = re.fullmatch(r"(?:1:)?(\d+(?:\.\d+)?)", t)
    if not m:
        raise LandappError(tr(f"“{text}”不是比例尺,请输入如 1:2000。", f"'{text}' is not a scale; type e.g. 1:2000."))
    n = float(m.group(1))
    if not MIN_SCALE <= n <= MAX_SCALE:
        raise LandappError(tr(f"比例尺须在 1:{MIN_SCALE} 与 1:{MAX_SCALE:,} 之间。",
                              f"The scale must be between 1:{MIN_SCALE} and 1:{MAX_SCALE:,}."))
    return int(round(n))


class ScaleBox(QComboBox):
    """Editable 1:N box that follows the map and sets it."""

    def __init__(self, canvas, parent=None, on_error=None):
        super().__init__(parent)
        self.canvas = canvas
        self.on_error = on_error
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setToolTip(tr("比例尺:输入如 1:2000 后按回车,或选择常用比例尺", "Scale: type e.g. 1:2000 and press "
                           "Enter, or pick a preset"))
        for n in PRESET_SCALES:
            self.addItem(f"1:{n:,}", n)
        self.setMinimumContentsLength(9)
        self.lineEdit().returnPressed.connect(self.apply_text)
        self.activated.connect(lambda i: self.set_scale(self.itemData(i)))
        canvas.view_changed.connect(self.show_scale)
        self.show_scale()

    def show_scale(self) -> None:
        if self.lineEdit().hasFocus():
            return  # not while the user types
        self.lineEdit().setText(f"1:{self.canvas.view.scale_denominator():,.0f}")

    def apply_text(self) -> bool:
        try:
            n = parse_scale(self.lineEdit().text())
        except LandappError as e:
            if self.on_error:
                self.on_error(str(e))
            self.lineEdit().clearFocus()
            self.show_scale()
            return False
        self.set_scale(n)
        return True

    def set_scale(self, denominator) -> None:
        if denominator is None:
            return
        c = self.canvas
        c.set_view(c.view.with_scale_denominator(float(denominator)))
        self.lineEdit().clearFocus()
        self.show_scale()


def find_menu(window, *titles: str) -> QMenu | None:
    """A top-level menu whose title (without the & shortcut) starts with one of titles."""
    for act in window.menuBar().actions():
        m = act.menu()
        if m is not None and any(m.title().replace("&", "").startswith(t) for t in titles):
            return m
    return None


class BookmarksMenu(QMenu):
    """视图 → 空间书签: add the current extent, jump to one, delete one."""

    def __init__(self, window):
        super().__init__(tr("空间书签", "Spatial bookmarks"), window)
        self.window_ = window
        self.aboutToShow.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        self.clear()
        w = self.window_
        self.addAction(tr("添加书签…", "Add bookmark…"), lambda: self.add()).setShortcut("Ctrl+Shift+B")
        items = bm.bookmarks(w.store)
        if items:
            self.addSeparator()
            for b in items:
                self.addAction(b["name"], lambda _c=False, e=b["extent"]: w.canvas.zoom_to(e, margin=0.0))
            self.addSeparator()
            delete = self.addMenu(tr("删除书签", "Delete bookmark"))
            for b in items:
                delete.addAction(b["name"], lambda _c=False, n=b["name"]: bm.remove_bookmark(w.store, n))
        else:
            none = self.addAction(tr("(还没有书签)", "(no bookmarks yet)"))
            none.setEnabled(False)

    def add(self, name: str | None = None) -> dict | None:
        w = self.window_
        if name is None:
            name, ok = QInputDialog.getText(w, tr("添加空间书签", "Add spatial bookmark"),
                                            tr("书签名称(保存在工程中):", "Bookmark name (kept in the project):"),
                                            text=tr(f"书签 {len(bm.bookmarks(w.store)) + 1}",
                                                    f"Bookmark {len(bm.bookmarks(w.store)) + 1}"))
            if not ok:
                return None
        try:
            entry = bm.add_bookmark(w.store, name, w.canvas.view.extent)
        except LandappError as e:
            w.statusBar().showMessage(str(e), 8000)
            return None
        w.statusBar().showMessage(tr(f"已添加书签“{entry['name']}”。", f"Bookmark '{entry['name']}' added."), 5000)
        return entry


def install_map_extras(window) -> None:
    """Scale box in the status bar, 空间书签 and 测量 in 视图, the job indicator."""
    from ui.jobs import install_job_indicator
    from ui.tools.measure import MeasureTool

    install_job_indicator(window)
    old = getattr(window, "scale_label", None)
    box = ScaleBox(window.canvas, window, on_error=lambda m: window.statusBar().showMessage(m, 8000))
    if old is not None:
        old.hide()  # the box shows the scale and sets it
    window.statusBar().addPermanentWidget(box)
    window.scale_box = box
    view_menu = find_menu(window, "视图", "View")
    window.bookmarks_menu = BookmarksMenu(window)
    snapping = getattr(window, "snapping", None)
    report = lambda text: window.statusBar().showMessage(text)  # noqa: E731
    tools = {"measure_distance": MeasureTool(snapping, "distance", report),
             "measure_area": MeasureTool(snapping, "area", report)}
    window.tools.update(tools)
    group = window.tool_actions["pan"].actionGroup()
    measure_menu = QMenu(tr("测量", "Measure"), window)
    for key, text, tip, sc in [
            ("measure_distance", tr("测量距离", "Measure distance"),
             tr("单击逐点测量距离,双击或右键结束(可捕捉节点)", "Click points to measure a distance; double or "
                "right click ends it (snaps to vertices)"), "Ctrl+Shift+M"),
            ("measure_area", tr("测量面积", "Measure area"),
             tr("单击逐点围成多边形,显示 ㎡ 与 亩", "Click points round an area, shown in m² and mu"), None)]:
        act = QAction(text, window)
        act.setCheckable(True)
        act.setToolTip(tip)
        if sc:
            act.setShortcut(sc)
        act.triggered.connect(lambda _c=False, k=key: window.set_tool(k))
        group.addAction(act)
        window.tool_actions[key] = act
        measure_menu.addAction(act)
    # one button (distance; its arrow offers area) keeps the map toolbar inside a 1366-px window
    from PySide6.QtWidgets import QToolButton

    window.tool_actions["measure_distance"].setIconText(tr("测量", "Measure"))
    window.tool_actions["measure_area"].setIconText(tr("测面积", "Area"))
    button = QToolButton(window)
    button.setDefaultAction(window.tool_actions["measure_distance"])
    button.setMenu(measure_menu)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
    button.setToolButtonStyle(window.toolbar.toolButtonStyle())
    window.toolbar.addSeparator()
    window.toolbar.addWidget(button)
    window.measure_button = button
    if view_menu is not None:
        view_menu.addSeparator()
        view_menu.addMenu(window.bookmarks_menu)
        view_menu.addMenu(measure_menu)
    window.measure_menu = measure_menu
