"""Save what a list panel shows (idle land, 批而未供/供而未用, per-mu results, cases) as a CSV
file Excel opens with the Chinese intact (UTF-8 with BOM), headers and cells as displayed."""

from __future__ import annotations

import csv

from PySide6.QtWidgets import QMessageBox, QTableWidget, QWidget

from landapp.errors import LandappError
from landapp.files import atomic_output
from landapp.i18n import tr
from landapp.spreadsheet import csv_row


def table_rows(table: QTableWidget) -> list[list[str]]:
    """Header and rows of a table as shown (in its current sort order)."""
    cols = [c for c in range(table.columnCount()) if not table.isColumnHidden(c)]
    head = [table.horizontalHeaderItem(c).text() if table.horizontalHeaderItem(c) else "" for c in cols]
    rows = []
    for r in range(table.rowCount()):
        if table.isRowHidden(r):
            continue
        rows.append([table.item(r, c).text() if table.item(r, c) else "" for c in cols])
    return [head, *rows]


def save_table_csv(table: QTableWidget, path: str) -> int:
    """Write the table to `path`; returns the number of rows written."""
    data = table_rows(table)
    with atomic_output(path) as tmp:  # whole or not at all (landapp/files.py)
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            # cells are shown text: "-12.5" stays a number, "=1+1" is quoted (OWASP)
            csv.writer(fh).writerows(csv_row(row) for row in data)
    return len(data) - 1


def export_table(parent: QWidget, table: QTableWidget, name: str, path: str | None = None) -> str | None:
    """Ask for a file name (unless given) and save the table; a failure is one sentence."""
    if path is None:
        from ui.exported import ask_save_path

        path = ask_save_path(parent, tr("导出表格", "Export table"), f"{name}.csv", "CSV (*.csv)")
        if not path:
            return None
    try:
        save_table_csv(table, path)
    except LandappError as e:
        QMessageBox.warning(parent, tr("导出失败", "Export failed"), str(e))
        return None
    from ui.exported import confirm_written

    confirm_written(parent, [path], tr("表格", "the table"))
    return path
