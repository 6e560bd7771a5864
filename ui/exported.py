"""Every export says where it wrote, with a button that opens the folder."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from ui.i18n import tr

# tests replace this to see the message without a modal dialog: fn(parent, title, text, folder)
show_hook = None


def open_folder(folder: str) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(folder))


def confirm_written(parent, paths: list[str], what: str = ""):
    """'已导出 … 位置:FOLDER' with 打开文件夹 / 确定, shown without blocking the caller."""
    paths = [os.path.abspath(p) for p in paths if p]
    if not paths:
        return
    folder = os.path.dirname(paths[0])
    names = "\n".join(os.path.basename(p) for p in paths[:8]) + ("\n…" if len(paths) > 8 else "")
    title = tr("导出完成", "Export finished")
    text = tr(f"已导出{what}:\n{names}\n\n位置:{folder}", f"Exported {what}:\n{names}\n\nFolder: {folder}")
    if show_hook is not None:
        show_hook(parent, title, text, folder)
        return
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
    opener = box.addButton(tr("打开文件夹", "Open folder"), QMessageBox.ButtonRole.ActionRole)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # shown without a nested event loop (the caller goes on; the user reads it when done)
    box.buttonClicked.connect(lambda b: open_folder(folder) if b is opener else None)
    box.open()
    return box


def project_path_of(widget) -> str | None:
    """The project file behind a widget (its own store, or its window's)."""
    for obj in (widget, widget.window() if widget is not None and hasattr(widget, "window") else None):
        path = getattr(getattr(obj, "store", None), "path", None)
        if isinstance(path, str) and path:
            return path
    return None


def ask_save_path(parent, title: str, name: str, filters: str, kind: str = "export") -> str:
    """A save dialog that starts in the folder last used for `kind`, else the project's folder
    (never the process's working folder); remembers the folder chosen."""
    from PySide6.QtWidgets import QFileDialog

    from ui import settings

    folder = settings.last_folder(kind, project_path_of(parent))
    path, _ = QFileDialog.getSaveFileName(parent, title, os.path.join(folder, os.path.basename(name)), filters)
    if path:
        settings.remember_folder(kind, path)
    return path


def ask_open_path(parent, title: str, filters: str, kind: str = "import") -> str:
    """An open dialog that starts in the folder last used for `kind`, else the project's."""
    from PySide6.QtWidgets import QFileDialog

    from ui import settings

    folder = settings.last_folder(kind, project_path_of(parent))
    path, _ = QFileDialog.getOpenFileName(parent, title, folder, filters)
    if path:
        settings.remember_folder(kind, path)
    return path
