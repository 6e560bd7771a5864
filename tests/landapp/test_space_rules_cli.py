"""`landapp vacancy / idle / evaluate / cases` on a copy of the demo park."""

import csv
import io
import json

import pytest

from landapp.cli import main
from landapp.store.filters import F


@pytest.fixture
def demo_path(demo_project):
    path = demo_project.path
    demo_project.close()
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_vacancy_table_json_csv(capsys, demo_path):
    code, out, _ = run(capsys, "vacancy", demo_path, "--by", "type")
    assert code == 0 and "空置率" in out and "标准厂房" in out and "楼宇" in out
    code, out, _ = run(capsys, "vacancy", demo_path, "--by", "zone", "--format", "json", "--as-of", "2026-11-01")
    data = json.loads(out)
    assert data["as_of"] == "2026-11-01" and len(data["rows"]) >= 3
    r = data["rows"][0]
    assert r["vacancy_rate"] == pytest.approx(r["vacant_m2"] / r["leasable_m2"], rel=1e-4)
    code, out, _ = run(capsys, "vacancy", demo_path, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert rows[0][0] == "范围" and len(rows) == 2
    code, out, _ = run(capsys, "vacancy", demo_path, "--expiry", "--format", "json")
    assert json.loads(out)["rows"][0]["year"] == "2026"
    code, out, _ = run(capsys, "vacancy", demo_path, "--absorption-since", "2026-01-01")
    assert code == 0 and "净吸纳" in out


def test_vacancy_bad_date_is_one_sentence(capsys, demo_path):
    code, _out, err = run(capsys, "vacancy", demo_path, "--as-of", "2026-13-01")
    assert code == 2 and "不是有效日期" in err and "Traceback" not in err


def test_idle_lists(capsys, demo_path):
    code, out, _ = run(capsys, "idle", demo_path, "--format", "json")
    data = json.loads(out)
    assert data["summary"]["idle_count"] == len([r for r in data["rows"] if r["status_label"] in ("疑似闲置", "可无偿收回")])
    assert data["summary"]["idle_count"] >= 20
    code, out, _ = run(capsys, "idle", demo_path, "--list", "unsupplied")
    assert code == 0 and "批而未供" in out
    code, out, _ = run(capsys, "idle", demo_path, "--list", "unused", "--as-of", "2026-11-01")
    assert code == 0 and "供而未用" in out


def test_evaluate_needs_metrics_then_works(capsys, demo_path, tmp_path):
    code, _, err = run(capsys, "evaluate", demo_path)
    if code == 2:  # the committed demo park has no figures yet: fill them
        assert "enterprise_metrics" in err
        from landapp.evaluation import fill_demo_metrics
        from landapp.store import open_project
        with open_project(demo_path) as s:
            fill_demo_metrics(s)
    code, out, _ = run(capsys, "evaluate", demo_path, "--format", "json")
    data = json.loads(out)
    assert code == 0 and set(data["classes"]) == {"A", "B", "C"}
    code, out, _ = run(capsys, "evaluate", demo_path, "--preset", "zhejiang", "--save-config")
    assert code == 0 and "D 类" in out
    code, out, _ = run(capsys, "evaluate", demo_path, "--show-config")
    assert json.loads(out)["method"] == "percentile"
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    code, _, err = run(capsys, "evaluate", demo_path, "--config", str(bad))
    assert code == 2 and "JSON" in err
    code, out, _ = run(capsys, "evaluate", demo_path, "--level", "parcel", "--low-only", "--format", "json")
    assert all(r["low_efficiency"] for r in json.loads(out)["rows"])


def test_cases_cli(capsys, demo_path):
    from landapp.store import open_project
    with open_project(demo_path) as s:
        code_ = s.rows("parcels", F("status") == "闲置")[0]["code"]
    code, out, _ = run(capsys, "cases", "open", demo_path, "--parcel", code_, "--measure", "收回/回购",
                       "--responsible", "王五", "--target-date", "2027-06-30")
    assert code == 0
    cid = int("".join(ch for ch in out if ch.isdigit()))
    code, _, err = run(capsys, "cases", "advance", demo_path, str(cid), "已盘活")
    assert code == 2 and "不能改为" in err
    for st in ("方案", "实施中", "已盘活"):
        assert run(capsys, "cases", "advance", demo_path, str(cid), st)[0] == 0
    code, out, _ = run(capsys, "cases", "progress", demo_path, "--year", "2026", "--target", "150000",
                       "--format", "json")
    p = json.loads(out)
    assert p["target_m2"] == 150000 and p["revitalised_count"] >= 1
    code, out, _ = run(capsys, "cases", "list", demo_path, "--state", "已盘活")
    assert code_ in out
    code, _, err = run(capsys, "cases", "open", demo_path, "--parcel", "NOPE")
    assert code == 2 and "NOPE" in err
    code, out, _ = run(capsys, "cases", "history", demo_path, str(cid), "--format", "json")
    assert [h["state"] for h in json.loads(out)["rows"]] == ["识别", "方案", "实施中", "已盘活"]
    assert run(capsys, "cases", "edit", demo_path, str(cid), "--responsible", "赵六", "--target-date", "")[0] == 0
    with open_project(demo_path) as s:
        c = s.get("revitalisation_cases", cid)
    assert c["responsible"] == "赵六" and c["target_date"] is None
    code, _, err = run(capsys, "cases", "edit", demo_path, str(cid), "--target-date", "2001-01-01")
    assert code == 2 and "早于立案" in err
    code, _, err = run(capsys, "cases", "edit", demo_path, str(cid))
    assert code == 2 and "没有要修改" in err


def test_idle_exemption_from_the_command_line(capsys, demo_path):
    from landapp.store import open_project
    with open_project(demo_path) as s:
        code_ = s.rows("parcels", F("status") == "闲置")[0]["code"]
    code, out, _ = run(capsys, "idle", demo_path, "--exempt", code_, "--reason", "土地利用总体规划、城乡规划依法修改")
    assert code == 0 and "豁免" in out
    code, out, _ = run(capsys, "idle", demo_path, "--format", "json")
    row = next(r for r in json.loads(out)["rows"] if r["code"] == code_)
    assert row["status_label"] == "豁免" and row["would_be"] in ("疑似闲置", "可无偿收回")
    code, out, _ = run(capsys, "idle", demo_path, "--exempt", code_, "--reason", "")
    assert code == 0 and "豁免" not in out
    code, _, err = run(capsys, "idle", demo_path, "--exempt", code_)
    assert code == 2 and "--reason" in err


def test_evaluate_imports_metrics(capsys, demo_path, tmp_path):
    from landapp.store import open_project
    with open_project(demo_path) as s:
        users = [u for (u,) in s.values("parcels", ["land_user_id"]) if u is not None]
        name = s.rows("enterprises", F("fid").in_(users), limit=1)[0]["name"]
    p = tmp_path / "m.csv"
    p.write_text(f"企业名称,营业收入(万元),实缴税收(万元)\n{name},123456,7890\n", encoding="utf-8")
    code, out, err = run(capsys, "evaluate", demo_path, "--import-metrics", str(p), "--year", "2030",
                         "--format", "json")
    assert code == 0 and "已导入 1 条" in err
    data = json.loads(out)
    assert data["year"] == 2030 and [r["name"] for r in data["rows"]] == [name]
    code, _, err = run(capsys, "evaluate", demo_path, "--demo-metrics", "--year", "2025")
    assert code == 0 and "模拟" in err
