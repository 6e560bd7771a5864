"""A failed write from the window is one sentence in a message box; the old file stays."""

from __future__ import annotations

import errno
import os

import pytest

from tests.conftest import GOOD_OLD

pytestmark = pytest.mark.gui


@pytest.fixture
def warnings_shown(monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a, **k: shown.append(text)))
    return shown


def _no_space(monkeypatch):
    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)


def test_panel_csv_and_list_exports_say_the_disk_is_full(qtbot, demo_project, tmp_path, monkeypatch, warnings_shown):
    from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

    from ui.publish_dialog import OpportunityDialog
    from ui.table_export import export_table

    table = QTableWidget(1, 2)
    qtbot.addWidget(table)
    table.setItem(0, 0, QTableWidgetItem("=1+1"))
    table.setItem(0, 1, QTableWidgetItem("-12.5"))
    dlg = OpportunityDialog(demo_project)
    qtbot.addWidget(dlg)
    for name in ("t.csv", "l.xlsx", "l.csv", "l.pdf"):
        (tmp_path / name).write_bytes(GOOD_OLD)
    _no_space(monkeypatch)
    assert export_table(None, table, "t", str(tmp_path / "t.csv")) is None
    for ext in ("xlsx", "csv", "pdf"):
        assert dlg.export(ext, str(tmp_path / f"l.{ext}")) is None
    monkeypatch.undo()
    assert len(warnings_shown) == 4 and all("磁盘空间不足" in t and "\n" not in t for t in warnings_shown)
    for name in ("t.csv", "l.xlsx", "l.csv", "l.pdf"):
        assert (tmp_path / name).read_bytes() == GOOD_OLD
    assert sorted(n for n in os.listdir(tmp_path) if not n.startswith("demo_park")) == ["l.csv", "l.pdf", "l.xlsx", "t.csv"]
    # and on a healthy disk the panel's CSV keeps numbers as numbers, formulas as text
    assert export_table(None, table, "t", str(tmp_path / "t.csv")) == str(tmp_path / "t.csv")
    import csv

    rows = list(csv.reader((tmp_path / "t.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1] == ["'=1+1", "-12.5"]


def test_dashboard_png_says_the_disk_is_full(qtbot, demo_project, tmp_path, monkeypatch, warnings_shown):
    from ui.dashboard import Dashboard

    dash = Dashboard(demo_project)
    qtbot.addWidget(dash)
    (tmp_path / "d.png").write_bytes(GOOD_OLD)
    _no_space(monkeypatch)
    assert dash.save_png(str(tmp_path / "d.png")) is None
    monkeypatch.undo()
    assert len(warnings_shown) == 1 and "磁盘空间不足" in warnings_shown[0]
    assert (tmp_path / "d.png").read_bytes() == GOOD_OLD
    assert dash.save_png(str(tmp_path / "d.png")) == str(tmp_path / "d.png")
    assert (tmp_path / "d.png").read_bytes()[:4] == b"\x89PNG"
