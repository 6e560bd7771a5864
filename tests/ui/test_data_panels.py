"""The idle panel shows and records the disposal (stage, 决定书, fee due and paid); the
evaluation panel shows who is left out and edits the scope; forms reject NaN."""

from __future__ import annotations

import math

import pytest
from PySide6.QtWidgets import QDialog

pytestmark = pytest.mark.gui


def headers(table):
    return [table.horizontalHeaderItem(i).text() for i in range(table.columnCount())]


def test_idle_panel_shows_and_records_the_disposal(qtbot, demo_project):
    from ui.idle_panel import IdleLandPanel, IdleStageDialog

    panel = IdleLandPanel(demo_project)
    qtbot.addWidget(panel)
    assert {"处置阶段", "决定书文号", "决定书日期", "应缴闲置费(万元)", "已缴(万元)"} <= set(headers(panel.table))
    assert "征缴闲置费" in panel.summary.text() and "资料不全" in panel.summary.text()
    row = next(r for r in panel.rows if r.get("stage") != "征缴闲置费" and r["status"] in ("疑似闲置", "可无偿收回"))
    assert panel.select_code(row["code"]) and panel.stage_btn.isEnabled()
    before = panel.summary.text()
    assert panel.record_stage({"idle_stage": "征缴闲置费", "idle_doc_no": "测试〔2026〕9号",
                               "idle_doc_date": "2026-10-01", "idle_fee_due": 12.5, "idle_fee_paid": None})
    shown = next(r for r in panel.rows if r["code"] == row["code"])
    assert shown["stage"] == "征缴闲置费" and shown["decision_no"] == "测试〔2026〕9号" and shown["fee_due"] == 12.5
    assert panel.summary.text() != before
    # the form refuses NaN and negative fees, naming the field
    dlg = IdleStageDialog(demo_project.get("parcels", row["fid"]), panel)
    qtbot.addWidget(dlg)
    errors = dlg.editor
    from ui.forms import field_errors

    assert "idle_fee_due" in field_errors("parcels", {"idle_fee_due": math.nan})
    errors.widgets["idle_fee_paid"].setValue(errors.widgets["idle_fee_paid"].minimum())  # empty
    dlg.save()
    assert dlg.result() == int(QDialog.DialogCode.Accepted.value) and dlg.values["idle_stage"] == "征缴闲置费"


def test_evaluation_panel_lists_the_left_out_and_edits_the_scope(qtbot, demo_project):
    from ui.evaluation_panel import EvaluationPanel, SchemeDialog

    panel = EvaluationPanel(demo_project)
    qtbot.addWidget(panel)
    assert "未参评" in panel.summary.text() and "1001" in panel.summary.text()
    panel.show_excluded.setChecked(True)
    assert headers(panel.table)[1] == "未参评原因" and panel.table.rowCount() == len(panel.excluded) > 0
    panel.show_excluded.setChecked(False)
    dlg = SchemeDialog(demo_project, panel)
    qtbot.addWidget(dlg)
    assert dlg.scope_uses.text() == "1001"
    dlg.scope_uses.setText("1001,1101")
    dlg.scope_above.setChecked(True)
    cfg = dlg.form_config()
    assert cfg["scope"] == {"land_uses": ["1001", "1101"], "above_scale_only": True, "min_land_mu": 0.0}
    dlg.save()
    from landapp.evaluation import load_config

    assert load_config(demo_project)["scope"]["above_scale_only"] is True
    panel.refresh()
    ents = {e["fid"]: e for e in demo_project.rows("enterprises")}
    assert panel.results and all(ents[r.id]["above_scale"] for r in panel.results)
    dlg = SchemeDialog(demo_project, panel)
    qtbot.addWidget(dlg)
    dlg.scope_uses.setText("XX9")
    dlg.save()
    assert "XX9" in dlg.error.text() and dlg.result() != int(QDialog.DialogCode.Accepted.value)
