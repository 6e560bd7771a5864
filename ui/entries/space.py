"""载体与盘活: the dashboard and the stacking plan open as tabs beside the map (they need
room); the idle-land, case and per-mu lists in the side area, where double-clicking a row
shows it on the map next to them."""

from __future__ import annotations

import layers.themes_rules  # noqa: F401  (the idle / per-mu / availability map themes)
from ui.actions import ActionSpec, PanelSpec, register_action, register_panel


def undo_pusher(window):
    """A callable that puts an applied edit on the window's undo stack (`window.session`, an
    ui.undo.EditSession), or None when the window has none (edits then simply apply)."""
    session = getattr(window, "session", None)
    if session is None or not hasattr(session, "stack"):
        return None
    from ui.undo import EditCommand

    return lambda edit: session.stack.push(EditCommand(session, edit))


def _dashboard(w):
    from ui.dashboard import Dashboard

    return Dashboard(w.store)


def _stacking(w):
    from ui.stacking_view import StackingView

    return StackingView(w.store, push=undo_pusher(w))


def _cases(w):
    from ui.cases_panel import CasesPanel

    return CasesPanel(w.store, push=undo_pusher(w))


def _idle(w):
    from ui.idle_panel import IdleLandPanel

    panel = IdleLandPanel(w.store, push=undo_pusher(w))
    panel.parcel_activated.connect(w.show_parcel)
    return panel


def _evaluation(w):
    from ui.evaluation_panel import EvaluationPanel

    return EvaluationPanel(w.store, push=undo_pusher(w))


register_panel(PanelSpec("dashboard", ("运营看板", "Dashboard"), _dashboard, area="document", menu="space",
                         order=10, section=1))
register_panel(PanelSpec("stacking", ("楼宇分层图", "Stacking plan"), _stacking, area="document", order=20,
                         section=1))
register_panel(PanelSpec("cases", ("盘活案件", "Revitalisation cases"), _cases, area="right", menu="space",
                         order=30, section=1))
register_panel(PanelSpec("idle", ("闲置土地", "Idle land"), _idle, area="right", menu="space",
                         menu_text=("闲置土地与批而未供", "Idle and unsupplied land"), order=40, section=1))
register_panel(PanelSpec("evaluation", ("亩均评价", "Per-mu evaluation"), _evaluation, area="right", menu="space",
                         menu_text=("亩均论英雄评价", "Per-mu evaluation"), order=50, section=1))


def _is_building_target(w) -> bool:
    t = getattr(w, "context_target", None)
    return bool(t is not None and t.layer == "buildings" and t.fids)


# the menu entry opens the building identified or selected on the map; the map's right-click
# entry the building clicked
register_action(ActionSpec("open_stacking", ("楼宇分层图", "Stacking plan"), lambda w: w.open_stacking(),
                           menu="space", order=20,
                           tip=("打开地图上识别或选中的建筑的分层图", "Opens the building identified or selected on the map")))
register_action(ActionSpec("open_stacking_here", ("打开楼宇分层图", "Open the stacking plan"),
                           lambda w: w.open_stacking(w.context_target.fids[0]), context=("map",), section=5,
                           enabled_when=_is_building_target))
