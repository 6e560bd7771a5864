"""The monthly Word report: its figures equal what `vacancy`, `idle`, `evaluate` and `cases
progress` print for the same date; it reopens in python-docx with East Asian fonts, A4
margins and page numbers, and LibreOffice turns it into a PDF."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from landapp.cli import main

MONTH, AS_OF = "2026-11", "2026-11-30"


def _demo(tmp_path_factory):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    d = tmp_path_factory.mktemp("report")
    shutil.copy(os.path.join(root, "data", "demo_park.gpkg"), d / "park.gpkg")
    return str(d / "park.gpkg")


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory):
    park = _demo(tmp_path_factory)
    out = os.path.join(os.path.dirname(park), "月报.docx")
    assert main(["export", "report", park, "-o", out, "--month", MONTH]) == 0
    return park, out


def _cli_json(capsys, *argv) -> dict:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def _text(path: str) -> str:
    import docx

    d = docx.Document(path)
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_figures_equal_the_command_line(docx_path, capsys):
    park, out = docx_path
    text = _text(out)
    vac = _cli_json(capsys, "vacancy", park, "--as-of", AS_OF, "--by", "type", "--format", "json")
    by_type = {r["key"]: r for r in vac["rows"]}
    for key in ("标准厂房", "楼宇"):
        r = by_type[key]
        assert f"{r['vacancy_rate']:.1%}" in text
        assert f"{key} | {r['buildings']} | {r['leasable_m2']:,.1f} | {r['leased_m2']:,.1f} | {r['vacant_m2']:,.1f}" in text
    park_v = _cli_json(capsys, "vacancy", park, "--as-of", AS_OF, "--format", "json")["rows"][0]
    assert f"空置率 {park_v['vacancy_rate']:.1%}" in text
    idle = _cli_json(capsys, "idle", park, "--as-of", AS_OF, "--format", "json")
    s = idle["summary"]
    assert f"认定闲置(疑似及可收回) {s['idle_count']} 宗、{s['idle_area_m2']:,.1f} ㎡" in text
    assert f"应征闲置费 {s['fee_wan']:,.1f} 万元" in text
    for r in idle["rows"]:  # every idle parcel in the table, with its fee
        if r["status"] in ("疑似闲置", "可无偿收回"):
            assert r["code"] in text
    unsupplied = _cli_json(capsys, "idle", park, "--list", "unsupplied", "--format", "json")["rows"]
    unused = _cli_json(capsys, "idle", park, "--list", "unused", "--as-of", AS_OF, "--format", "json")["rows"]
    mu = 10000 / 15
    assert f"批而未供 {len(unsupplied)} 宗、{sum(r['area_m2'] for r in unsupplied) / mu:,.2f} 亩" in text
    assert f"供而未用 {len(unused)} 宗、{sum(r['area_m2'] for r in unused) / mu:,.2f} 亩" in text
    ev = _cli_json(capsys, "evaluate", park, "--year", "2025", "--format", "json")
    classes = "、".join(f"{k} 类 {v['count']} 家" for k, v in ev["classes"].items())
    assert f"2025 年评价,{classes}" in text
    cp = _cli_json(capsys, "cases", "progress", park, "--year", "2026", "--format", "json")
    assert f"已盘活 {cp['revitalised_count']} 宗/栋、{cp['revitalised_m2']:,.1f} ㎡" in text
    assert f"在办案件 {cp['open_count']} 件" in text


def test_document_form(docx_path):
    import docx
    from docx.oxml.ns import qn

    _, out = docx_path
    d = docx.Document(out)
    sec = d.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.page_height.mm) == 297
    assert (round(sec.top_margin.mm), round(sec.bottom_margin.mm), round(sec.left_margin.mm),
            round(sec.right_margin.mm)) == (37, 35, 28, 26)
    footer = sec.footer._element.xml
    assert "PAGE" in footer and "fldChar" in footer
    assert "工作月报" in d.paragraphs[0].text
    runs = [r for p in d.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for t in d.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
             if r.text.strip()]
    fonts = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in runs}
    assert None not in fonts and {"方正小标宋简体", "黑体", "仿宋", "宋体"} <= fonts
    assert len(d.inline_shapes) >= 6  # the charts and the overview map


def test_bad_month_is_one_sentence(docx_path, capsys):
    park, out = docx_path
    assert main(["export", "report", park, "-o", out, "--month", "2026-13"]) == 2
    err = capsys.readouterr().err
    assert "--month" in err and "Traceback" not in err


@pytest.mark.slow
def test_libreoffice_makes_a_pdf_of_it(docx_path, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: scripts/install-system-deps.sh --test")
    _, out = docx_path
    r = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                        "pdf", "--outdir", str(tmp_path), out], capture_output=True, check=False, text=True, timeout=300)
    pdf = tmp_path / "月报.pdf"
    assert pdf.exists(), r.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=False, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    assert pages >= 4
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=False, text=True).stdout
    assert "工作月报" in text and "一、主要指标" in text
    assert re.search(r"—\s*2\s*—", text)  # the page numbers of the PAGE field


def test_zone_report_matches_vacancy_for_the_zone(docx_path, capsys, tmp_path):
    park, _ = docx_path
    out = str(tmp_path / "zone.docx")
    assert main(["export", "report", park, "-o", out, "--month", MONTH, "--zone", "汽车城"]) == 0
    text = _text(out)
    v = _cli_json(capsys, "vacancy", park, "--as-of", AS_OF, "--zone", "汽车城", "--format", "json")["rows"][0]
    assert f"空置率 {v['vacancy_rate']:.1%}" in text and "范围:汽车城" in text
    assert main(["export", "report", park, "-o", out, "--zone", "没有这个片区"]) == 2
