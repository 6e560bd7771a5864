import os
import tempfile

import pytest

# child processes the tests start (main.py, the crash test) keep their settings here too
os.environ.setdefault("LANDAPP_SETTINGS_DIR", tempfile.mkdtemp(prefix="landapp-settings-"))


@pytest.fixture(scope="session", autouse=True)
def _qt_application(qapp):
    """One QApplication for the whole run: layers tests paint with QtGui, and the UI tests
    that may run in the same process need QApplication, not just QGuiApplication."""
    return qapp


@pytest.fixture(autouse=True)
def settings_folder(tmp_path_factory):
    """Every UI test keeps QSettings in a temporary folder of its own, never the user's, and
    export confirmations go to a list instead of a dialog (set directly, not with
    monkeypatch: tests call monkeypatch.undo() for their own patches)."""
    from ui import exported, settings

    folder = tmp_path_factory.mktemp("settings")
    settings.use_folder(str(folder))
    shown = []
    exported.show_hook = lambda parent, title, text, folder: shown.append((title, text, folder))
    yield folder
    exported.show_hook = None
