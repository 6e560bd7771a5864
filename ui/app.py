"""Starting the desktop app: the QApplication with CJK fonts, the demo park's per-user copy,
and opening a project with a clear message when it cannot be opened."""

from __future__ import annotations

import os
import shutil
import sys

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.store import open_project
from layers import fonts

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "data", "demo_park.gpkg")
# Ask for a Simplified Chinese family explicitly: Qt's fallback otherwise picks Japanese
# glyph shapes from the Noto CJK collection (design.md, pitfalls).
CJK_FAMILIES = fonts.CJK_FAMILIES


def make_app(argv: list[str], lang: str = "zh") -> QApplication:
    from ui.i18n import set_ui_language

    app = QApplication.instance() or QApplication(argv)
    set_ui_language(lang)
    app.setApplicationName("landapp")
    app.setOrganizationName("landapp")
    fonts.register_fonts()
    font = QFont(app.font())
    font.setFamilies([*CJK_FAMILIES, *QFont(app.font()).families()])
    app.setFont(font)
    return app


def cjk_font_available() -> bool:
    return any(f in QFontDatabase.families() for f in CJK_FAMILIES)


def demo_copy() -> str:
    """The demo park lives in the repository; the app edits a per-user copy of it (made on
    first run, and again when the repository's demo is newer) so the repository stays clean."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    os.makedirs(folder, exist_ok=True)
    dst = os.path.join(folder, os.path.basename(DEMO))
    if not os.path.exists(dst) or os.path.getmtime(dst) < os.path.getmtime(DEMO):
        stem = os.path.splitext(DEMO)[0]
        for src in [DEMO] + [p for p in (stem + "_map.png", stem + "_map.pgw", stem + "_map.png.aux.xml")
                             if os.path.exists(p)]:
            shutil.copy2(src, os.path.join(folder, os.path.basename(src)))
    return dst


def open_or_explain(path: str, parent=None):
    """Open a project; on failure show one clear sentence and return None."""
    try:
        return open_project(path)
    except LandappError as e:
        QMessageBox.critical(parent, tr("无法打开工程", "Cannot open the project"), str(e))
        return None


def run(project: str | None, lang: str = "zh") -> int:
    from ui.main_window import MainWindow

    app = make_app(sys.argv[:1], lang)
    path = project or demo_copy()
    store = open_or_explain(path)
    if store is None:
        return 2
    win = MainWindow(store, is_demo=project is None)
    win.show()
    rc = app.exec()
    store.close()
    return rc
