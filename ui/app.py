"""Starting the desktop app: the QApplication (organisation and application names for
QSettings, CJK fonts, the language remembered from the last run), the demo park's per-user
copy, and the first window. Imports the main window; the main window never imports this."""

from __future__ import annotations

import os
import shutil
import sys
import threading

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from layers import fonts
from ui.opening import open_or_explain  # noqa: F401  (older callers import it from here)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "data", "demo_park.gpkg")
# Ask for a Simplified Chinese family explicitly: Qt's fallback otherwise picks Japanese
# glyph shapes from the Noto CJK collection (design.md, pitfalls).
CJK_FAMILIES = fonts.CJK_FAMILIES


def make_app(argv: list[str], lang: str | None = "zh") -> QApplication:
    """The application; `lang` None takes the language chosen in the last run."""
    from ui import settings
    from ui.i18n import set_ui_language

    app = QApplication.instance() or QApplication(argv)
    if os.environ.get("LANDAPP_SETTINGS_DIR"):  # a portable install; tests' child processes
        settings.use_folder(os.environ["LANDAPP_SETTINGS_DIR"])
    # set once, before any QSettings is made: every QSettings() of the app then shares them
    app.setOrganizationName(settings.ORGANISATION)
    app.setApplicationName(settings.APPLICATION)
    set_ui_language(lang or settings.language())
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


def read_map_early(store):
    """A Future of the park's vector layers, read on a thread of its own (with the saved
    themes) while the main thread imports the window's modules: SQLite scans the layers
    outside the GIL (100k parcels: the first frame ~0.1 s sooner)."""
    from concurrent.futures import Future

    from ui import settings

    future: Future = Future()

    def work() -> None:
        try:
            from layers.map import read_vectors

            future.set_result(read_vectors(store, threads=2, **settings.start_themes(store)))
        except BaseException as e:  # noqa: BLE001  (raised again where the window takes it)
            future.set_exception(e)

    threading.Thread(target=work, name="map-read", daemon=True).start()
    return future


def run(project: str | None, lang: str | None = None) -> int:
    from ui import settings

    app = make_app(sys.argv[:1], lang)
    path = project or demo_copy()
    store = open_or_explain(path)
    if store is None:
        return 2
    reading = read_map_early(store)
    from ui.main_window import MainWindow

    if project is not None:
        settings.add_recent(path)
    win = MainWindow(store, is_demo=project is None, map_reading=reading)
    win.show()
    rc = app.exec()
    store.close()
    return rc
