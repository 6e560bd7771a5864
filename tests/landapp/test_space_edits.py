"""Space and case edits as undoable steps: do -> undo -> redo, checking the store."""

import pytest

from landapp import idle
from landapp import revitalisation as rv
from landapp.errors import LandappError
from landapp.space_edits import RecordedEdit, run_recorded
from landapp.store.filters import F


def test_case_open_and_advance_undo_redo(demo_project):
    s = demo_project
    parcel = s.rows("parcels", F("status") == "闲置", limit=1)[0]
    n_cases, n_hist = s.count("revitalisation_cases"), s.count("case_history")
    pushed = []
    cid = run_recorded(s, pushed.append, "立案", "Open case",
                       lambda st: rv.open_case(st, "parcels", parcel["fid"], opened="2026-10-01"))
    assert s.count("revitalisation_cases") == n_cases + 1 and len(pushed) == 1
    adv = RecordedEdit("推进", "Advance", lambda st: [rv.advance_case(st, cid, x, date="2026-10-02")
                                                     for x in ("方案", "实施中")])
    adv.apply(s)
    assert s.get("parcels", parcel["fid"])["status"] == "盘活中"
    adv.revert(s)
    assert s.get("parcels", parcel["fid"])["status"] == "闲置"
    assert s.get("revitalisation_cases", cid)["state"] == "识别"
    assert s.count("case_history") == n_hist + 1
    adv.apply(s)  # redo
    assert s.get("revitalisation_cases", cid)["state"] == "实施中"
    assert s.count("case_history") == n_hist + 3
    adv.revert(s)
    pushed[0].revert(s)  # undo the opening too
    assert s.count("revitalisation_cases") == n_cases and s.count("case_history") == n_hist
    pushed[0].apply(s)
    assert s.get("revitalisation_cases", cid)["state"] == "识别"  # same id again


def test_failed_step_changes_nothing(demo_project):
    s = demo_project
    parcel = s.rows("parcels", F("status") == "闲置", limit=1)[0]
    n = s.count("case_history")

    def bad(st):
        cid = rv.open_case(st, "parcels", parcel["fid"], opened="2026-10-01")
        rv.advance_case(st, cid, "已盘活")  # illegal: the whole step rolls back

    with pytest.raises(LandappError):
        run_recorded(s, None, "x", "x", bad)
    assert s.count("case_history") == n


def test_exemption_and_target_undo(demo_project):
    s = demo_project
    p = s.rows("parcels", F("status") == "闲置", limit=1)[0]
    targets = rv.get_targets(s)  # the demo's own (2026: 40万㎡)
    e1 = RecordedEdit("豁免", "Exempt", lambda st: idle.set_exemption(st, p["fid"], "不可抗力"))
    e1.apply(s)
    e2 = RecordedEdit("目标", "Target", lambda st: rv.set_target(st, 2026, 150000))
    e2.apply(s)
    assert s.get("parcels", p["fid"])["idle_exemption"] == "不可抗力" and rv.get_targets(s) == {2026: 150000.0}
    e2.revert(s)
    e1.revert(s)
    assert s.get("parcels", p["fid"])["idle_exemption"] is None and rv.get_targets(s) == targets
