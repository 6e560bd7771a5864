"""Opening a project from the desktop app: one clear sentence when it cannot be opened."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.store import is_database_target, open_project


def open_or_explain(path: str, parent=None):
    """Open a project; on failure show one clear sentence and return None."""
    try:
        if is_database_target(path):  # a shared park: the password from .pgpass or a prompt
            from ui.connect_dialog import ask_password

            return open_project(path, password_prompt=lambda t: ask_password(t, parent))
        return open_project(path)
    except LandappError as e:
        QMessageBox.critical(parent, tr("无法打开工程", "Cannot open the project"), str(e))
        return None
