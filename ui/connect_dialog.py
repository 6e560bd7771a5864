"""文件 → 连接数据库: connect to a PostgreSQL/PostGIS database the way PostgreSQL users do
(a connection URI or a service from pg_service.conf), list the parks in it and pick one.
The password is asked for only when ~/.pgpass has none, and is never stored."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QInputDialog, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QHBoxLayout, QVBoxLayout)

from landapp.errors import LandappError
from landapp.i18n import tr


def ask_password(target, parent=None) -> str | None:
    """The password prompt for a database target (never echoed, never kept)."""
    pw, ok = QInputDialog.getText(parent, tr("数据库密码", "Database password"),
                                  tr(f"{target.display} 的密码:", f"Password for {target.display}:"),
                                  QLineEdit.EchoMode.Password)
    return pw if ok and pw else None


class ConnectDialog(QDialog):
    def __init__(self, parent=None, target: str = ""):
        super().__init__(parent)
        self.setWindowTitle(tr("连接数据库", "Connect to a database"))
        self.target: str | None = None
        self.edit = QLineEdit(target)
        self.edit.setPlaceholderText("postgresql://user@host:5432/db  |  service=NAME")
        self.edit.returnPressed.connect(self.list_parks)
        self.list_button = QPushButton(tr("列出园区", "List parks"))
        self.list_button.clicked.connect(self.list_parks)
        self.parks = QListWidget()
        self.parks.itemDoubleClicked.connect(lambda _i: self.accept())
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.parks.currentItemChanged.connect(
            lambda cur, _prev: self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(cur is not None))
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(self.list_button)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(tr("数据库连接(URI 或 service=名称;密码取自 .pgpass 或在此询问):",
                                "Database (URI or service=NAME; the password comes from .pgpass or is asked for):")))
        lay.addLayout(row)
        lay.addWidget(QLabel(tr("数据库中的园区:", "Parks in the database:")))
        lay.addWidget(self.parks, 1)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.resize(560, 380)

    def list_parks(self) -> bool:
        from landapp.store.postgis import list_parks
        from landapp.store.target import is_database_target, parse_target

        self.parks.clear()
        self.error.clear()
        text = self.edit.text().strip()
        try:
            if not is_database_target(text):
                raise LandappError(tr("请输入 postgresql:// 开头的连接或 service=名称。",
                                      "Enter a postgresql:// URI or service=NAME."))
            target = parse_target(text)
            parks = list_parks(target, password_prompt=lambda t: ask_password(t, self))
        except LandappError as e:
            self.error.setText(str(e))
            return False
        if not parks:
            self.error.setText(tr("该数据库中还没有园区;可用 landapp db push 上传。",
                                  "This database has no park yet; upload one with landapp db push."))
        for p in parks:
            item = QListWidgetItem(f"{p['name']}  ({p['schema']})")
            item.setData(Qt.ItemDataRole.UserRole, target.with_schema(p["schema"]).display)
            self.parks.addItem(item)
        if parks:
            self.parks.setCurrentRow(0)
        return bool(parks)

    def accept(self) -> None:
        item = self.parks.currentItem()
        if item is None:
            return
        self.target = item.data(Qt.ItemDataRole.UserRole)
        super().accept()
