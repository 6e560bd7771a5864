import pytest


@pytest.fixture(scope="session", autouse=True)
def _qt_application(qapp):
    """One QApplication for the whole run: layers tests paint with QtGui, and the UI tests
    that may run in the same process need QApplication, not just QGuiApplication."""
    return qapp
