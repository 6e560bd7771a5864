"""发布: opportunity lists, the HTML map, parcel sheets (PDF, preview, print)."""

from __future__ import annotations

from ui.actions import ActionSpec, register_action


def _opportunities(w):
    from ui.publish_dialog import OpportunityDialog

    OpportunityDialog(w.store, w.canvas, w).exec()


def _call(name):
    def run(w):
        from ui import publish_dialog

        getattr(publish_dialog, name)(w)
    return run


for _i, (_id, _text, _slot) in enumerate([
        ("opportunities", ("机会清单…", "Opportunity lists…"), _opportunities),
        ("export_html", ("导出 HTML 地图…", "Export HTML map…"), _call("export_html_map")),
        ("export_sheets", ("宗地图 PDF(所选或全部)…", "Parcel sheets PDF (selection or all)…"), _call("export_sheets")),
        ("preview_sheets", ("宗地图打印预览…", "Parcel sheets print preview…"), _call("preview_sheets")),
        ("print_sheets", ("打印宗地图…", "Print parcel sheets…"), _call("print_sheets"))]):
    register_action(ActionSpec(_id, _text, _slot, menu="publish", order=_i))
