"""Per-mu evaluation panel (亩均论英雄): results per enterprise or parcel for a year, the
class counts, low-efficiency filter, and the evaluation scheme (indicators, weights,
benchmarks, caps, classes) edited as JSON with validation or reset to a preset."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from landapp import evaluation as ev
from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.space_edits import run_recorded
from ui.following import FollowsStore

CLASS_BG = ["#C8E6C9", "#DCEDC8", "#FFE0B2", "#FFCDD2", "#E1BEE7"]


class SchemeDialog(QDialog):
    """Edit the evaluation scheme as JSON; OK validates before storing."""

    def __init__(self, store, parent=None, push=None):
        super().__init__(parent)
        self.store, self.push = store, push
        self.setWindowTitle(tr("亩均评价方案", "Per-mu evaluation scheme"))
        self.resize(640, 560)
        lay = QVBoxLayout(self)
        help_text = tr("指标可用:", "Indicators: ") + "、".join(
            f"{k}({ev.indicator_title(k)})" for k in ev.INDICATORS)
        hint = QLabel(help_text)
        hint.setWordWrap(True)
        lay.addWidget(hint)
        bar = QHBoxLayout()
        for key, zh, en in (("sichuan", "四川 A/B/C", "Sichuan A/B/C"), ("zhejiang", "浙江式 A/B/C/D", "Zhejiang-style")):
            b = QPushButton(tr(f"载入预设:{zh}", f"Load preset: {en}"))
            b.clicked.connect(lambda _=False, k=key: self.text.setPlainText(
                json.dumps(ev.PRESETS[k], ensure_ascii=False, indent=2)))
            bar.addWidget(b)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.text = QPlainTextEdit(json.dumps(ev.load_config(store), ensure_ascii=False, indent=2))
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(mono)
        lay.addWidget(self.text, 1)
        self.error = QLabel()
        self.error.setStyleSheet("color: #C62828")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def save(self) -> None:
        text = self.text.toPlainText()
        try:
            run_recorded(self.store, self.push, "修改亩均评价方案", "Change evaluation scheme",
                         lambda st: ev.save_config(st, text))
        except LandappError as e:
            self.error.setText(str(e))
            return
        self.accept()


class EvaluationPanel(FollowsStore, QWidget):
    def __init__(self, store, parent=None, push=None):
        super().__init__(parent)
        self.store, self.push = store, push
        self.results: list[ev.Result] = []
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.year = QComboBox()
        self.level = QComboBox()
        self.level.addItem(tr("按企业", "Enterprises"), "enterprise")
        self.level.addItem(tr("按地块", "Parcels"), "parcel")
        self.low_only = QCheckBox(tr("只看低效", "Low efficiency only"))
        self.scheme_btn = QPushButton(tr("评价方案…", "Scheme…"))
        self.import_btn = QPushButton(tr("导入企业数据…", "Import figures…"))
        for w in (QLabel(tr("年度", "Year")), self.year, self.level, self.low_only, self.scheme_btn, self.import_btn):
            bar.addWidget(w)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSortingEnabled(True)
        lay.addWidget(self.table, 1)
        self._fill_years()
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        self.level.currentIndexChanged.connect(lambda _i: self.refresh())
        self.low_only.toggled.connect(lambda _on: self.refresh())
        self.scheme_btn.clicked.connect(self.edit_scheme)
        self.import_btn.clicked.connect(lambda: self.import_figures())
        store.signals.changed.connect(self._on_store_changed)
        self.refresh()

    def _fill_years(self) -> None:
        cur = self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        for y in reversed(ev.metrics_years(self.store)):
            self.year.addItem(str(y), y)
        i = self.year.findData(cur)
        self.year.setCurrentIndex(max(i, 0))
        self.year.blockSignals(False)

    def _on_store_changed(self, event) -> None:
        if event.layer == "enterprise_metrics":
            self._fill_years()
        if event.layer in ("enterprise_metrics", "project_settings", "leases", "parcels"):
            self.refresh()

    def refresh(self) -> None:
        self.table.setSortingEnabled(False)
        try:
            cfg = ev.load_config(self.store)
            year, results = ev.evaluate(self.store, self.year.currentData(), level=self.level.currentData(), cfg=cfg)
        except LandappError as e:
            self.results = []
            self.summary.setText(str(e))
            self.table.setRowCount(0)
            return
        self.results = results
        counts = ev.class_counts(results)
        low = sum(r.low_efficiency for r in results)
        self.summary.setText(tr(
            f"{year} 年 · {cfg.get('name', '')}:" + ",".join(f"{c} 类 {v['count']}" for c, v in counts.items())
            + f";低效 {low}",
            f"{year} · {cfg.get('name', '')}: " + ", ".join(f"{c}: {v['count']}" for c, v in counts.items())
            + f"; low efficiency {low}"))
        keys = [i["key"] for i in cfg["indicators"]]
        cols = ([tr("排名", "Rank"), tr("企业", "Enterprise") if self.level.currentData() == "enterprise"
                 else tr("地块", "Parcel"), tr("用地(亩)", "Land (mu)")]
                + [f"{ev.indicator_title(k)}({ev.INDICATORS[k][5]})" for k in keys]
                + [tr("得分", "Score"), tr("类别", "Class"),
                                                           tr("低效标记", "Flags")])
        shown = [r for r in results if r.low_efficiency or not self.low_only.isChecked()]
        codes = [c["code"] for c in cfg["classes"]]
        self.table.clear()
        self.table.setColumnCount(len(cols))
        self.table.setHorizontalHeaderLabels(cols)
        self.table.setRowCount(len(shown))
        for i, r in enumerate(shown):
            d = r.as_dict()
            vals = [r.rank, r.name, d["land_mu"], *[None if d[k] is None else round(d[k], 2) for k in keys],
                    round(r.score, 2),
                    f"{r.cls} {r.class_name}".strip(), "、".join(r.flags)]
            for j, v in enumerate(vals):
                item = QTableWidgetItem()
                if isinstance(v, (int, float)):
                    item.setData(Qt.ItemDataRole.DisplayRole, v)
                else:
                    item.setText("" if v is None else str(v))
                if r.cls in codes:
                    item.setBackground(QColor(CLASS_BG[codes.index(r.cls) % len(CLASS_BG)]))
                self.table.setItem(i, j, item)
        self.table.setSortingEnabled(True)

    def edit_scheme(self) -> bool:
        return SchemeDialog(self.store, self, push=self.push).exec() == QDialog.DialogCode.Accepted

    def import_figures(self, path: str | None = None) -> int | None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, tr("导入企业年度数据", "Import yearly figures"), "",
                                                  "CSV (*.csv)")
            if not path:
                return None
        try:
            return run_recorded(self.store, self.push, "导入企业数据", "Import yearly figures",
                                lambda st: ev.import_metrics(st, path))
        except (LandappError, OSError) as e:
            QMessageBox.warning(self, tr("导入失败", "Import failed"), str(e))
            return None
