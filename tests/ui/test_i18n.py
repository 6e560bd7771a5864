"""The UI's Qt translation file: complete, compiled, and used in English mode."""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))


def test_translation_file_is_up_to_date():
    import xml.etree.ElementTree as ET

    from make_translations import OUT, pairs

    ts = ET.parse(OUT).getroot()
    in_file = {(m.findtext("source"), m.findtext("comment") or ""): m.findtext("translation")
               for m in ts.iter("message")}
    assert in_file == pairs(), "run: python scripts/make_translations.py"
    assert os.path.getmtime(OUT[:-3] + ".qm") >= os.path.getmtime(OUT) - 1


def test_english_comes_from_the_qm_file(qtbot):
    from ui.i18n import set_ui_language, tr

    try:
        assert set_ui_language("en")
        assert tr("图层") == "Layers"  # no English given here: it must come from the .qm
        assert tr("属性表") == "Attribute table"
    finally:
        set_ui_language("zh")
    assert tr("图层", "Layers") == "图层"


def test_one_chinese_text_keeps_each_of_its_english_texts(qtbot):
    from ui.i18n import set_ui_language, tr

    try:
        assert set_ui_language("en")
        # the same Chinese, different English in different places of the UI
        assert tr("删除", "Delete") == "Delete" and tr("删除", "deleted") == "deleted"
        assert tr("状态", "Status") == "Status" and tr("状态", "State") == "State"
        assert tr("片区", "Zones") == "Zones" and tr("片区", "Zone") == "Zone"
    finally:
        set_ui_language("zh")


def test_chinese_ui_font_is_simplified_chinese(qtbot):
    from PySide6.QtGui import QFontDatabase

    from ui.app import CJK_FAMILIES, cjk_font_available

    if not cjk_font_available():
        pytest.skip("no CJK font installed (scripts/install-system-deps.sh installs Noto CJK)")
    assert any(f in QFontDatabase.families() for f in CJK_FAMILIES[:1] + CJK_FAMILIES[1:])
