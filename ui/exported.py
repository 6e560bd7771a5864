"""Every export says where it wrote, with a button that opens the folder."""

from __future__ import annotations

import os

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from ui.i18n import tr

# tests replace this to see the message without a modal dialog: fn(parent, title, text, folder)
show_hook = None


def open_folder(folder: str) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(folder))


def confirm_written(parent, paths: list[str], what: str = "") -> None:
    """'已导出 … 到 FOLDER' with 打开文件夹 / 确定, and the same line in the status bar."""
    paths = [os.path.abspath(p) for p in paths if p]
    if not paths:
        return
    folder = os.path.dirname(paths[0])
    names = "\n".join(os.path.basename(p) for p in paths[:8]) + ("\n…" if len(paths) > 8 else "")
    title = tr("导出完成", "Export finished")
    text = tr(f"已导出{what}:\n{names}\n\n位置:{folder}", f"Exported {what}:\n{names}\n\nFolder: {folder}")
    bar = getattr(parent, "statusBar", None)
    if callable(bar):
        bar().showMessage(tr(f"已导出 {paths[0]}", f"Exported {paths[0]}"), 8000)
    if show_hook is not None:
        show_hook(parent, title, text, folder)
        return
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
    opener = box.addButton(tr("打开文件夹", "Open folder"), QMessageBox.ButtonRole.ActionRole)
    box.exec()
    if box.clickedButton() is opener:
        open_folder(folder)
