"""Topology and geometry checker panel: run the checks, list what they find, zoom to an
item, apply its quick fix (an undoable edit)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from landapp.errors import LandappError
from landapp.topology import check_topology, fix
from ui.i18n import tr

KIND_TITLES = {"overlap": ("重叠", "Overlap"), "gap": ("空隙", "Gap"), "invalid": ("无效图形", "Invalid"),
               "sliver": ("碎片", "Sliver"), "duplicate_code": ("编号重复", "Duplicate code")}


class TopologyPanel(QWidget):
    def __init__(self, session, canvas, parent=None):
        super().__init__(parent)
        self.session = session
        self.canvas = canvas
        self.issues = []
        self.run_button = QPushButton(tr("检查", "Check"), self)
        self.fix_button = QPushButton(tr("修复所选", "Fix selected"), self)
        self.summary = QLabel(self)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels([tr("问题", "Problem"), tr("面积(㎡)", "Area (m²)"), tr("说明", "Details")])
        self.tree.setRootIsDecorated(False)
        from PySide6.QtWidgets import QHeaderView

        for col in (0, 1):
            self.tree.header().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        row = QHBoxLayout()
        row.addWidget(self.run_button)
        row.addWidget(self.fix_button)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.summary)
        lay.addWidget(self.tree)
        self.run_button.clicked.connect(self.run)
        self.fix_button.clicked.connect(self.fix_selected)
        # a click on a problem shows it on the map (and selects the parcels concerned)
        self.tree.itemClicked.connect(lambda item, _c: self.zoom_to(self.tree.indexOfTopLevelItem(item)))
        self.tree.itemActivated.connect(lambda item, _c: self.zoom_to(self.tree.indexOfTopLevelItem(item)))
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    def run(self):
        """Check in the background (the map keeps panning); the list fills when done."""
        from ui import jobs

        self.summary.setText(tr("正在检查…", "Checking…"))
        self.run_button.setEnabled(False)
        self.job = jobs.start(
            lambda job: check_topology(job.store, progress=job.progress, cancel=job.cancelled),
            title=tr("拓扑检查", "Topology check"), store=self.session.store, key=("topology", id(self)),
            busy=[self.tree, self.summary], on_done=self.show_issues, on_error=self._failed)
        self.job.changed.connect(self._job_changed)
        self._job_changed()
        return self.job

    def _job_changed(self) -> None:
        job = self.job
        self.run_button.setEnabled(not job.running)
        if job.running and job.text:
            self.summary.setText(tr(f"正在检查:{job.text}…", f"Checking: {job.text}…"))
        elif not job.running and job.result is None and job.error is None:
            self.summary.setText(tr("检查已取消。", "Check cancelled."))

    def _failed(self, message: str) -> None:
        self.run_button.setEnabled(True)
        self.summary.setText(message)

    def show_issues(self, issues) -> None:
        self.run_button.setEnabled(True)
        self.issues = issues
        self.tree.clear()
        for issue in self.issues:
            zh, en = KIND_TITLES[issue.kind]
            item = QTreeWidgetItem([tr(zh, en), f"{issue.area_m2:,.1f}" if issue.area_m2 else "", issue.message])
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            for col in range(3):  # the panel is narrow: the whole sentence on hover
                item.setToolTip(col, issue.message)
            self.tree.addTopLevelItem(item)
        self.summary.setText(tr(f"发现 {len(self.issues)} 个问题。", f"{len(self.issues)} problems found.")
                             if self.issues else tr("未发现问题。", "No problems found."))
        self._update_buttons()

    def current(self):
        i = self.tree.indexOfTopLevelItem(self.tree.currentItem()) if self.tree.currentItem() else -1
        return self.issues[i] if 0 <= i < len(self.issues) else None

    def _update_buttons(self) -> None:
        issue = self.current()
        self.fix_button.setEnabled(bool(issue and issue.fixable))

    def zoom_to(self, index: int) -> None:
        issue = self.issues[index]
        x, y = issue.location
        r = max(60.0, issue.area_m2 ** 0.5 * 3)
        self.canvas.zoom_to((x - r, y - r, x + r, y + r))
        if issue.fids:
            self.canvas.set_selection("parcels", issue.fids)

    def fix_selected(self) -> None:
        issue = self.current()
        if issue is None:
            return
        try:
            edit = fix(self.session.store, issue)
        except LandappError as e:
            self.session.on_error(str(e))
            return
        if self.session.run(edit):
            self.run()
