"""Searchable, copyable PDFs: pdftotext on every kind of PDF the project writes gives the
source strings (汽车城, not 汽⻋城: no CJK radical code point U+2E80–U+2FDF unless the
source had one), with the fonts embedded. The derived font of layers/fonts.py makes it so."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")

RADICALS = re.compile("[\u2e80-\u2fdf]")


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def assert_searchable(path, *words):
    text = pdf_text(path)
    assert not RADICALS.findall(text), f"radical code points in {path}: {''.join(RADICALS.findall(text))[:40]}"
    flat = re.sub(r"\s+", "", text)
    missing = [w for w in words if w not in flat]
    assert not missing, f"{missing} not found in the text of {path}"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in line for line in rows)  # every font embedded
    return text


def _need_noto():
    from layers.fonts import find_source

    if find_source("Regular") is None:
        pytest.skip("Noto Sans CJK SC (fonts-noto-cjk) or fontTools is missing")


def test_canonical_code_point_of_shared_glyphs():
    from layers.fonts import canonical

    assert canonical([0x2ECB, 0x8F66]) == 0x8F66  # ⻋ / 车 -> 车
    assert canonical([0x2F5A, 0x7247]) == 0x7247  # ⽚ / 片 -> 片
    assert canonical([0x2F12, 0x529B, 0xF98A]) == 0x529B  # radical, unified, compatibility -> unified
    assert canonical([0x2012, 0x2013]) == 0x2013  # the en dash of "1–2", not the figure dash
    assert canonical([0x301C, 0xFF5E]) == 0xFF5E  # ～ as Chinese text writes it
    assert canonical([0x20, 0xA0]) == 0x20


def test_derived_font_drops_only_the_shadowing_code_points(tmp_path):
    _need_noto()
    from fontTools.ttLib import TTFont

    from layers.fonts import DERIVED_FAMILY, build_derived, find_source

    src, index = find_source("Regular")
    out = tmp_path / "derived.otf"
    build_derived(src, index, str(out))
    a, b = TTFont(src, fontNumber=index, lazy=True), TTFont(str(out), lazy=True)
    ca, cb = a["cmap"].getBestCmap(), b["cmap"].getBestCmap()
    assert ca[0x2ECB] == ca[0x8F66]  # the source shares one glyph between ⻋ and 车 …
    assert 0x2ECB not in cb and cb[0x8F66] == ca[0x8F66]  # … the copy keeps 车 only
    assert 0x2F5A not in cb and 0x7247 in cb and 0x9F99 in cb and 0x571F in cb  # 片 龙 土 stay
    assert len(cb) > len(ca) - 1000  # nothing else lost
    assert a.reader["CFF "] == b.reader["CFF "]  # outlines copied byte for byte
    assert b["name"].getDebugName(1) == DERIVED_FAMILY


def test_every_pdf_kind_is_searchable(demo_project, tmp_path, capfd):
    """Sheets, both opportunity lists, stacking plans and the map PDF, as the CLI writes them."""
    _need_noto()
    from landapp.cli import main
    from layers.sheets import write_sheets

    parcels = demo_project.read_layer("parcels", columns=["code", "name", "zone", "location"])
    car_city = parcels[parcels["zone"] == "汽车城"].index[0]
    longquan = parcels[parcels["location"].fillna("").str.contains("龙泉")].index[0]
    write_sheets(demo_project, str(tmp_path / "sheets.pdf"), [int(car_city), int(longquan)])
    assert_searchable(tmp_path / "sheets.pdf", "汽车城", "龙泉", "所在片区", "用地性质", "土地使用权人",
                      parcels.loc[car_city, "name"], parcels.loc[car_city, "code"])
    p = demo_project.path
    for argv, out, words in [
        (["export", "opportunities", p], "land.pdf", ["土地供给机会清单", "用地", "片区"]),
        (["export", "opportunities", p, "--kind", "carriers"], "carriers.pdf", ["汽车城", "龙泉驿", "片区"]),
        (["export", "stacking", p], "stacking.pdf", ["汽车城", "龙泉驿", "楼宇分层图", "1F", "2F"]),  # floor labels keep their digits
        (["render", p, "--title", "龙泉驿区汽车城 土地利用现状"], "map.pdf", ["龙泉驿区汽车城土地利用现状", "片区"]),
    ]:
        assert main([*argv, "-o", str(tmp_path / out)]) == 0, capfd.readouterr().err
        assert_searchable(tmp_path / out, *words)


def test_a_radical_in_the_source_stays_a_radical(tmp_path):
    _need_noto()
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter

    from layers.render import pdf_writer
    from layers.stacking import font as stacking_font
    from layers.vector import label_font

    out = tmp_path / "r.pdf"
    with pdf_writer(str(out)) as w:
        p = QPainter(w)
        for i, bold in enumerate((False, True)):
            p.setFont(label_font(12, bold))
            p.drawText(QRectF(20, 20 + 40 * i, 900, 30), 0, "汽车城 片区 部首⻋⽚ 1–2 5～9")
            p.setFont(stacking_font(14, bold))  # Noto first, no DejaVu: a Latin run's digits
            p.drawText(QRectF(20, 100 + 40 * i, 900, 30), 0, "26F 028-89562550")
        p.end()
    text = pdf_text(out)
    assert text.count("汽车城 片区 部首⻋⽚ 1–2 5～9") == 2, text
    assert text.count("26F 028-89562550") == 2, text


def test_print_to_pdf_from_the_dialogs_is_searchable(demo_project, tmp_path):
    """The printer path (QPrinter writing a PDF) uses the same fonts."""
    _need_noto()
    from PySide6.QtGui import QPageSize, QPainter
    from PySide6.QtPrintSupport import QPrinter

    from layers.sheets import SheetPainter, paint_atlas

    parcels = demo_project.read_layer("parcels", columns=["code", "zone"])
    fid = int(parcels[parcels["zone"] == "汽车城"].index[0])
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    p = QPainter(printer)
    k = printer.resolution() / 96.0
    p.scale(k, k)
    paint_atlas(SheetPainter(demo_project), p, [fid], printer.newPage)
    p.end()
    assert_searchable(tmp_path / "printed.pdf", "汽车城", "所在片区", "用地性质")
