"""文件 → 从表格更新属性 / 写入 QGIS 样式和工程, 发布 → 工作月报 in the action registry
(ui.actions, ui.workspace). Until that registry is on this branch nothing imports this module
and ui.report_dialog.install_interop_menus adds the same three items instead."""

from __future__ import annotations

from ui.actions import ActionSpec, register_action


def _sheet_update(w):
    from ui.sheet_update_dialog import SheetUpdateDialog

    SheetUpdateDialog(w.store, w).exec()


def _qgis(w):
    from ui.report_dialog import write_qgis_now

    write_qgis_now(w)


def _report(w):
    from ui.report_dialog import open_report_dialog

    open_report_dialog(w)


register_action(ActionSpec("sheet_update", ("从表格更新属性…", "Update attributes from a spreadsheet…"), _sheet_update,
                           menu="file", section=1, order=30, editing=True))
register_action(ActionSpec("qgis_styles", ("写入 QGIS 样式和工程", "Write QGIS styles and project"), _qgis,
                           menu="file", section=1, order=40, editing=True))
register_action(ActionSpec("monthly_report", ("工作月报(Word)…", "Monthly report (Word)…"), _report,
                           menu="publish", order=10))
