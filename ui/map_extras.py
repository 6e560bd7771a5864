"""Status-bar scale box (type 1:2000 or pick a preset) and spatial bookmarks saved in the
project (视图 → 空间书签), plus the measure tools' actions."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QComboBox, QInputDialog, QMenu

from landapp import bookmarks as bm
from landapp.errors import LandappError
from ui.i18n import tr

PRESET_SCALES = (500, 1000, 2000, 5000, 10000, 25000, 50000)
MIN_SCALE, MAX_SCALE = 50, 5_000_000
STATUS_WIDGET_HEIGHT = 18  # as tall as the status bar's text: the bar stays 23 px


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
        self.setMaximumHeight(STATUS_WIDGET_HEIGHT)  # the status bar keeps its height (the map its room)
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
    """视图 → 空间书签: add the current extent, jump to one, delete one (built on opening,
    from the project)."""

    def __init__(self, window):
        super().__init__(tr("空间书签", "Spatial bookmarks"), window)
        self.window_ = window
        self.aboutToShow.connect(self.rebuild)

    def rebuild(self) -> None:
        self.clear()
        w = self.window_
        add = self.addAction(tr("添加书签…", "Add bookmark…"), lambda: add_bookmark(w))
        add.setShortcut("Ctrl+Shift+B")
        items = bm.bookmarks(w.store)
        if items:
            self.addSeparator()
            for b in items:
                self.addAction(b["name"], lambda _c=False, e=b["extent"]: go_to_bookmark(w, e))
            self.addSeparator()
            delete = self.addMenu(tr("删除书签", "Delete bookmark"))
            for b in items:
                delete.addAction(b["name"], lambda _c=False, n=b["name"]: bm.remove_bookmark(w.store, n))
        else:
            self.addAction(tr("(还没有书签)", "(no bookmarks yet)")).setEnabled(False)


def go_to_bookmark(window, extent) -> None:
    docs = getattr(getattr(window, "workspace", None), "documents", None)
    if docs is not None:
        docs.setCurrentIndex(0)  # the map tab
    window.canvas.zoom_to(tuple(extent), margin=0.0)


def add_bookmark(window, name: str | None = None) -> dict | None:
    """Keep the map's current extent in the project under a name (asked if not given)."""
    if name is None:
        n = len(bm.bookmarks(window.store)) + 1
        name, ok = QInputDialog.getText(window, tr("添加空间书签", "Add spatial bookmark"),
                                        tr("书签名称(保存在工程中):", "Bookmark name (kept in the project):"),
                                        text=tr(f"书签 {n}", f"Bookmark {n}"))
        if not ok:
            return None
    try:
        entry = bm.add_bookmark(window.store, name, window.canvas.view.extent)
    except LandappError as e:
        window.statusBar().showMessage(str(e), 8000)
        return None
    window.statusBar().showMessage(tr(f"已添加书签“{entry['name']}”。", f"Bookmark '{entry['name']}' added."), 5000)
    return entry


def install_map_extras(window) -> None:
    """The job indicator and the scale box in the status bar; the measure tools."""
    from ui.jobs import install_job_indicator
    from ui.tools.measure import MeasureTool

    install_job_indicator(window)
    old = getattr(window, "scale_label", None)
    box = ScaleBox(window.canvas, window, on_error=lambda m: window.statusBar().showMessage(m, 8000))
    if old is not None:
        old.hide()  # the box shows the scale and sets it
    window.statusBar().addPermanentWidget(box)
    window.scale_box = box
    snapping = getattr(window, "snapping", None)
    report = lambda text: window.statusBar().showMessage(text)  # noqa: E731
    window.tools["measure_distance"] = MeasureTool(snapping, "distance", report)
    window.tools["measure_area"] = MeasureTool(snapping, "area", report)
