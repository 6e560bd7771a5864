"""Per-mu evaluation panel (亩均论英雄): results per enterprise or parcel for a year, the
class counts, low-efficiency filter, and the evaluation scheme (indicators, weights,
benchmarks, caps, classes, low-efficiency rule) edited in a form (or as JSON) with validation,
or reset to a preset."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from landapp import evaluation as ev
from landapp.errors import LandappError
from landapp.evaluation_scope import scope_text
from landapp.i18n import tr
from landapp.space_edits import run_recorded
from ui.following import FollowsStore
from ui.forms import error_and_buttons

CLASS_BG = ["#C8E6C9", "#DCEDC8", "#FFE0B2", "#FFCDD2", "#E1BEE7"]


BENCH_KINDS = [("fixed", "固定基准值", "Fixed value"), ("mean", "参评对象均值", "Mean of those evaluated"),
               ("median", "参评对象中位数", "Median of those evaluated")]


class SchemeDialog(QDialog):
    """Edit the evaluation scheme in a form: which indicators count and their weight,
    benchmark (a fixed value, or the mean/median of those evaluated) and cap; the class
    method (score cut-offs or shares of the ranking) with each class's code, name and
    threshold; the low-efficiency rule. Presets load Sichuan's A/B/C or the Zhejiang-style
    A/B/C/D; the JSON tab shows the same scheme as text. OK validates before storing."""

    def __init__(self, store, parent=None, push=None):
        super().__init__(parent)
        self.store, self.push = store, push
        self.setWindowTitle(tr("亩均评价方案", "Per-mu evaluation scheme"))
        self.resize(880, 860)
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        for key, zh, en in (("sichuan", "四川 A/B/C", "Sichuan A/B/C"), ("zhejiang", "浙江式 A/B/C/D", "Zhejiang-style")):
            b = QPushButton(tr(f"载入预设:{zh}", f"Load preset: {en}"))
            b.clicked.connect(lambda _=False, k=key: self.load(ev.PRESETS[k]))
            bar.addWidget(b)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        form_page = QWidget()
        fl = QVBoxLayout(form_page)
        top = QFormLayout()
        self.name = QLineEdit()
        self.method = QComboBox()
        self.method.addItem(tr("按得分分档(各类最低分)", "By score (each class's minimum score)"), "score")
        self.method.addItem(tr("按排名比例(各类累计比例)", "By rank (cumulative share of the ranking)"), "percentile")
        top.addRow(tr("方案名称", "Scheme name"), self.name)
        top.addRow(tr("分类方法", "Classes by"), self.method)
        fl.addLayout(top)
        fl.addWidget(QLabel(tr("指标(得分 = Σ 权重 × min(指标值 / 基准值, 封顶倍数))",
                               "Indicators (score = Σ weight × min(value / benchmark, cap))")))
        self.ind_table = QTableWidget(len(ev.INDICATORS), 6)
        self.ind_table.setHorizontalHeaderLabels([tr("指标", "Indicator"), tr("单位", "Unit"), tr("权重", "Weight"),
                                                  tr("基准", "Benchmark"), tr("基准值", "Value"),
                                                  tr("封顶倍数", "Cap")])
        self.ind_table.verticalHeader().setVisible(False)
        self.ind_rows: dict[str, tuple] = {}
        for i, (key, d) in enumerate(ev.INDICATORS.items()):
            use = QTableWidgetItem(tr(d[3], d[4]))
            use.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            use.setCheckState(Qt.CheckState.Unchecked)
            use.setToolTip(key)
            self.ind_table.setItem(i, 0, use)
            unit = QTableWidgetItem(d[5])
            unit.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.ind_table.setItem(i, 1, unit)
            weight = QDoubleSpinBox(maximum=1000, decimals=1)
            kind = QComboBox()
            for k, zh, en in BENCH_KINDS:
                kind.addItem(tr(zh, en), k)
            value = QDoubleSpinBox(maximum=1e9, decimals=2)
            cap = QDoubleSpinBox(maximum=100, decimals=2)
            cap.setSpecialValueText(tr("不封顶", "none"))
            kind.currentIndexChanged.connect(lambda _i, k=kind, v=value: v.setEnabled(k.currentData() == "fixed"))
            weight.valueChanged.connect(self._update_sum)
            for j, w in enumerate((weight, kind, value, cap), start=2):
                self.ind_table.setCellWidget(i, j, w)
            self.ind_rows[key] = (use, weight, kind, value, cap)
        self.ind_table.itemChanged.connect(lambda _it: self._update_sum())
        hh = self.ind_table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 96), (2, 80), (3, 150), (4, 110), (5, 96)):
            self.ind_table.setColumnWidth(col, width)
        self.ind_table.resizeRowsToContents()
        rows_h = sum(self.ind_table.rowHeight(i) for i in range(self.ind_table.rowCount()))
        self.ind_table.setMinimumHeight(rows_h + hh.sizeHint().height() + 6)  # every indicator in sight
        fl.addWidget(self.ind_table, 1)
        self.weight_sum = QLabel()
        fl.addWidget(self.weight_sum)
        cls_bar = QHBoxLayout()
        cls_bar.addWidget(QLabel(tr("类别(从高到低;最后一类不设门槛)", "Classes (best first; the last has no threshold)")))
        cls_bar.addStretch(1)
        self.add_cls = QPushButton(tr("增加类别", "Add class"))
        self.del_cls = QPushButton(tr("删除所选类别", "Remove class"))
        cls_bar.addWidget(self.add_cls)
        cls_bar.addWidget(self.del_cls)
        fl.addLayout(cls_bar)
        self.cls_table = QTableWidget(0, 3)
        self.cls_table.verticalHeader().setVisible(False)
        self.cls_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.cls_table.setMaximumHeight(150)
        fl.addWidget(self.cls_table)
        low = QFormLayout()
        self.low_classes = QLineEdit()
        self.low_classes.setPlaceholderText(tr("如 C 或 C,D", "e.g. C or C,D"))
        self.low_tax = QDoubleSpinBox(maximum=1e6, decimals=1, suffix=tr(" 万元/亩", " (10k CNY)/mu"))
        self.low_tax.setSpecialValueText(tr("不设", "none"))
        low.addRow(tr("低效:属于这些类别", "Low efficiency: in classes"), self.low_classes)
        low.addRow(tr("或亩均税收低于", "or tax per mu below"), self.low_tax)
        # who and what is evaluated (landapp.evaluation_scope)
        self.scope_uses = QLineEdit()
        self.scope_uses.setPlaceholderText(tr("如 1001 或 1001,1101", "e.g. 1001 or 1001,1101"))
        self.scope_above = QCheckBox(tr("只评价规上企业", "Above-scale enterprises only"))
        self.scope_min = QDoubleSpinBox(maximum=1e6, decimals=1, suffix=tr(" 亩", " mu"))
        self.scope_min.setSpecialValueText(tr("不限", "any"))
        low.addRow(tr("评价用地分类(含下级代码)", "Evaluated land uses (with sub-codes)"), self.scope_uses)
        low.addRow(tr("参评企业", "Enterprises"), self.scope_above)
        low.addRow(tr("规下企业最少评价用地", "Minimum evaluated land below scale"), self.scope_min)
        fl.addLayout(low)
        self.tabs.addTab(form_page, tr("方案", "Scheme"))
        self.text = QPlainTextEdit()
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(mono)
        self.tabs.addTab(self.text, "JSON")
        self.error = error_and_buttons(self, lay.addWidget)
        self.method.currentIndexChanged.connect(lambda _i: self._class_headers())
        self.add_cls.clicked.connect(lambda: self._add_class_row({"code": "", "name": ""}))
        self.del_cls.clicked.connect(self._remove_class_row)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.load(ev.load_config(store))

    # ---- form <-> configuration
    def load(self, cfg: dict) -> None:
        """Show a configuration in the form and the JSON tab."""
        self.error.clear()
        self.name.setText(cfg.get("name", ""))
        self.method.setCurrentIndex(max(0, self.method.findData(cfg.get("method", "score"))))
        by_key = {i["key"]: i for i in cfg.get("indicators", [])}
        for key, (use, weight, kind, value, cap) in self.ind_rows.items():
            ind = by_key.get(key)
            use.setCheckState(Qt.CheckState.Checked if ind else Qt.CheckState.Unchecked)
            b = (ind or {}).get("benchmark", 1.0)
            weight.setValue(float((ind or {}).get("weight", 0)))
            kind.setCurrentIndex(kind.findData(b if isinstance(b, str) else "fixed"))
            value.setValue(float(b) if not isinstance(b, str) else 0.0)
            value.setEnabled(not isinstance(b, str))
            cap.setValue(float((ind or {}).get("cap") or 0))
        self.cls_table.setRowCount(0)
        for c in cfg.get("classes", []):
            self._add_class_row(c)
        self._class_headers()
        low = cfg.get("low_efficiency") or {}
        self.low_classes.setText(",".join(low.get("classes") or []))
        self.low_tax.setValue(float(low.get("min_tax_per_mu") or 0))
        scope = cfg.get("scope") or {}
        self.scope_uses.setText(",".join(scope.get("land_uses") or ["1001"]))
        self.scope_above.setChecked(bool(scope.get("above_scale_only")))
        self.scope_min.setValue(float(scope.get("min_land_mu") or 0))
        self.text.setPlainText(json.dumps(cfg, ensure_ascii=False, indent=2))
        self._update_sum()

    def _add_class_row(self, c: dict) -> None:
        i = self.cls_table.rowCount()
        self.cls_table.insertRow(i)
        self.cls_table.setItem(i, 0, QTableWidgetItem(str(c.get("code", ""))))
        self.cls_table.setItem(i, 1, QTableWidgetItem(str(c.get("name", ""))))
        t = c.get("min_score") if "min_score" in c else c.get("top_pct")
        self.cls_table.setItem(i, 2, QTableWidgetItem("" if t is None else f"{float(t):g}"))

    def _remove_class_row(self) -> None:
        rows = sorted({i.row() for i in self.cls_table.selectedItems()}, reverse=True)
        for r in rows or [self.cls_table.rowCount() - 1]:
            if self.cls_table.rowCount() > 1:
                self.cls_table.removeRow(r)

    def _class_headers(self) -> None:
        third = (tr("最低得分", "Minimum score") if self.method.currentData() == "score"
                 else tr("累计排名比例(%)", "Cumulative share of ranking (%)"))
        self.cls_table.setHorizontalHeaderLabels([tr("代码", "Code"), tr("名称", "Name"), third])

    def _update_sum(self) -> None:
        total = sum(w.value() for use, w, *_ in self.ind_rows.values() if use.checkState() == Qt.CheckState.Checked)
        self.weight_sum.setText(tr(f"已选指标权重合计 {total:g}(合计 100 时满分即 100 × 封顶倍数)",
                                   f"Weights of the chosen indicators add up to {total:g}"))

    def form_config(self) -> dict:
        """The configuration the form shows (validated by landapp.evaluation on save)."""
        inds = []
        for key, (use, weight, kind, value, cap) in self.ind_rows.items():
            if use.checkState() != Qt.CheckState.Checked:
                continue
            b = value.value() if kind.currentData() == "fixed" else kind.currentData()
            inds.append({"key": key, "weight": weight.value(), "benchmark": b,
                         "cap": cap.value() or None})
        method = self.method.currentData()
        classes = []
        for i in range(self.cls_table.rowCount()):
            code = (self.cls_table.item(i, 0).text() if self.cls_table.item(i, 0) else "").strip()
            name = (self.cls_table.item(i, 1).text() if self.cls_table.item(i, 1) else "").strip()
            raw = (self.cls_table.item(i, 2).text() if self.cls_table.item(i, 2) else "").strip()
            if not code:
                raise LandappError(tr(f"第 {i + 1} 个类别没有代码。", f"Class {i + 1} has no code."))
            try:
                t = float(raw) if raw else None
            except ValueError:
                raise LandappError(tr(f"类别 {code} 的门槛“{raw}”不是数字。",
                                      f"The threshold '{raw}' of class {code} is not a number.")) from None
            c = {"code": code, "name": name}
            if method == "score":
                c["min_score"] = None if i == self.cls_table.rowCount() - 1 else t
            else:
                c["top_pct"] = 100.0 if i == self.cls_table.rowCount() - 1 else t
            classes.append(c)
        low_codes = [c.strip() for c in self.low_classes.text().replace(",", ",").split(",") if c.strip()]
        uses = [c.strip() for c in self.scope_uses.text().replace(",", ",").split(",") if c.strip()]
        return {"name": self.name.text().strip(), "indicators": inds, "method": method, "classes": classes,
                "low_efficiency": {"classes": low_codes, "min_tax_per_mu": self.low_tax.value() or None},
                "scope": {"land_uses": uses, "above_scale_only": self.scope_above.isChecked(),
                          "min_land_mu": self.scope_min.value()}}

    def _tab_changed(self, index: int) -> None:
        try:
            if index == 1:  # form -> JSON
                self.text.setPlainText(json.dumps(self.form_config(), ensure_ascii=False, indent=2))
            else:           # JSON -> form
                self.load(ev.validate_config(json.loads(self.text.toPlainText())))
        except (LandappError, json.JSONDecodeError) as e:
            self.error.setText(str(e) if isinstance(e, LandappError) else tr("JSON 有误:", "Bad JSON: ") + str(e))

    def save(self) -> None:
        try:
            cfg = self.text.toPlainText() if self.tabs.currentIndex() == 1 else self.form_config()
            run_recorded(self.store, self.push, "修改亩均评价方案", "Change evaluation scheme",
                         lambda st: ev.save_config(st, cfg))
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
        self.show_excluded = QCheckBox(tr("未参评名单", "Left out"))
        self.excluded: list[dict] = []
        self.scheme_btn = QPushButton(tr("评价方案…", "Scheme…"))
        self.import_btn = QPushButton(tr("导入企业数据…", "Import figures…"))
        self.export_btn = QPushButton(tr("导出 CSV…", "Export CSV…"))
        for w in (QLabel(tr("年度", "Year")), self.year, self.level, self.low_only, self.show_excluded,
                  self.scheme_btn, self.import_btn):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.export_btn)
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
        self.show_excluded.toggled.connect(lambda _on: self.refresh())
        self.scheme_btn.clicked.connect(self.edit_scheme)
        self.import_btn.clicked.connect(lambda: self.import_figures())
        self.export_btn.clicked.connect(lambda: self.export_csv())
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

    def refresh(self):
        """Evaluate in the background (the map keeps answering), then show the results."""
        from ui import jobs

        year_wanted, level = self.year.currentData(), self.level.currentData()

        def work(job):
            cfg = ev.load_config(job.store)
            excluded: list = []
            return cfg, excluded, ev.evaluate(job.store, year_wanted, level=level, cfg=cfg, excluded=excluded)

        self.job = jobs.start(work, title=tr("亩均评价", "Per-mu evaluation"), store=self.store,
                              key=("evaluation", id(self)), busy=self.table, on_done=self._show,
                              on_error=self._failed)
        if self.job.running:
            self.summary.setText(tr("正在计算…", "Computing…"))
        return self.job

    def _failed(self, message: str) -> None:
        self.results = []
        self.excluded = []
        self.summary.setText(message)
        self.table.setRowCount(0)

    def _show(self, out) -> None:
        cfg, self.excluded, (year, results) = out
        self.table.setSortingEnabled(False)
        self.results = results
        counts = ev.class_counts(results)
        low = sum(r.low_efficiency for r in results)
        self.summary.setText(tr(
            f"{year} 年 · {cfg.get('name', '')}:" + ",".join(f"{c} 类 {v['count']}" for c, v in counts.items())
            + f";低效 {low};未参评 {len(self.excluded)}({scope_text(cfg['scope'])})",
            f"{year} · {cfg.get('name', '')}: " + ", ".join(f"{c}: {v['count']}" for c, v in counts.items())
            + f"; low efficiency {low}; left out {len(self.excluded)} ({scope_text(cfg['scope'])})"))
        if self.show_excluded.isChecked():
            self._show_excluded()
            return
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

    def _show_excluded(self) -> None:
        """The enterprises or parcels the scheme leaves out, with the reason."""
        self.table.clear()
        self.table.setColumnCount(2)
        self.table.setHorizontalHeaderLabels([tr("企业", "Enterprise") if self.level.currentData() == "enterprise"
                                              else tr("地块", "Parcel"), tr("未参评原因", "Reason left out")])
        self.table.setRowCount(len(self.excluded))
        for i, e in enumerate(self.excluded):
            self.table.setItem(i, 0, QTableWidgetItem(str(e["name"])))
            self.table.setItem(i, 1, QTableWidgetItem(e["reason"]))
        self.table.setSortingEnabled(True)

    def export_csv(self, path: str | None = None) -> str | None:
        """The results as shown (sorted and filtered as on screen)."""
        from ui.table_export import export_table

        return export_table(self, self.table, tr(f"亩均评价_{self.year.currentText()}_{self.level.currentText()}",
                                                 f"per_mu_{self.year.currentText()}_{self.level.currentData()}"), path)

    def edit_scheme(self) -> bool:
        return SchemeDialog(self.store, self, push=self.push).exec() == QDialog.DialogCode.Accepted

    def import_figures(self, path: str | None = None) -> int | None:
        if path is None:
            from ui.exported import ask_open_path

            path = ask_open_path(self, tr("导入企业年度数据", "Import yearly figures"), "CSV (*.csv)")
            if not path:
                return None
        try:
            return run_recorded(self.store, self.push, "导入企业数据", "Import yearly figures",
                                lambda st: ev.import_metrics(st, path))
        except (LandappError, OSError) as e:
            QMessageBox.warning(self, tr("导入失败", "Import failed"), str(e))
            return None
