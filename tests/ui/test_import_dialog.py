"""The import dialog: preview with decoded text, mapping, CRS choice, import, and a bad file."""

from __future__ import annotations

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import box

pytestmark = pytest.mark.gui

X0, Y0 = 430000.0, 3384000.0


def test_import_dialog_previews_maps_and_imports(qtbot, empty_project, tmp_path):
    from ui.import_dialog import ImportDialog

    gdf = gpd.GeoDataFrame({"DKBH": ["D1", "D2"], "地块名称": ["一号地", "二号地"], "YDXZ": ["M1", "W2"]},
                           geometry=[box(X0, Y0, X0 + 50, Y0 + 50), box(X0 + 60, Y0, X0 + 110, Y0 + 50)])
    path = tmp_path / "nocrs.shp"
    pyogrio.write_dataframe(gdf, path, encoding="CP936")
    (tmp_path / "nocrs.cpg").unlink(missing_ok=True)
    dlg = ImportDialog(empty_project, path=str(path))
    qtbot.addWidget(dlg)
    assert dlg.preview_model.item(0, 1).text() == "一号地"  # decoded GBK, no mojibake
    assert "EPSG:4544" in dlg.crs.currentText()  # proposed from the digits
    assert dlg.current_mapping() == {"DKBH": "code", "地块名称": "name", "YDXZ": "land_use"}
    assert dlg.run(dry_run=True) and empty_project.count("parcels") == 0
    assert dlg.run(dry_run=False)
    assert sorted(r["code"] for r in empty_project.rows("parcels")) == ["D1", "D2"]
    assert "导入 2 个" in dlg.notes.text()


def test_import_dialog_reports_a_bad_file(qtbot, empty_project, tmp_path):
    from ui.import_dialog import ImportDialog

    bad = tmp_path / "bad.geojson"
    bad.write_text("{ this is not json", encoding="utf-8")
    dlg = ImportDialog(empty_project, path=str(bad))
    qtbot.addWidget(dlg)
    assert dlg.source is None and not dlg.import_button.isEnabled()
    assert "无法读取" in dlg.notes.text()
