"""QGIS opens the park as landapp draws it: styles in `layer_styles` and a project in
`qgis_projects`, checked by Debian's QGIS itself (/usr/bin/python3 with python3-qgis, run as a
subprocess: tests/layers/qgis_probe.py)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess

import numpy as np
import pytest

from landapp.cli import main
from landapp.qgis_tables import read_project, read_styles
from landapp.store import open_project
from landapp.store.filters import F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qgis_probe.py")
SYSTEM_PYTHON = "/usr/bin/python3"


def _qgis_missing() -> str | None:
    if not os.path.exists(SYSTEM_PYTHON):
        return f"{SYSTEM_PYTHON} does not exist"
    r = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, check=False, text=True)
    if r.returncode:
        return (f"{SYSTEM_PYTHON} cannot import qgis.core (install Debian's python3-qgis: "
                f"scripts/install-system-deps.sh --test): {r.stderr.strip().splitlines()[-1:]}")
    return None


@pytest.fixture(scope="module")
def park(tmp_path_factory):
    d = tmp_path_factory.mktemp("qgis")
    for name in os.listdir(os.path.join(ROOT, "data")):
        if name.startswith("demo_park"):
            shutil.copy(os.path.join(ROOT, "data", name), d / name)
    path = str(d / "demo_park.gpkg")
    with open_project(path) as store:  # a code that looks like markup stays text in QGIS's labels
        rec = store.rows("parcels", F("retired") == 0, limit=1)[0]
        store.update("parcels", rec["fid"], {"code": "<i>X</i>&1"})
    assert main(["qgis", path]) == 0
    return path


@pytest.fixture(scope="module")
def qgis_view(park):
    why = _qgis_missing()
    if why:
        pytest.skip(why)
    png = os.path.join(os.path.dirname(park), "qgis.png")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    r = subprocess.run([SYSTEM_PYTHON, PROBE, park, png], capture_output=True, check=False, text=True, env=env,
                       timeout=600, cwd="/")  # another folder: relative paths must resolve
    assert r.returncode == 0, r.stderr[-2000:]
    report = json.loads(r.stdout.strip().splitlines()[-1])
    report["png"] = png
    return report


def landapp_fills(store, layer: str) -> dict[str, dict[str, str]]:
    """Per theme title, the fill colour landapp paints each feature with."""
    import layers.themes_rules  # noqa: F401
    from layers.themes import THEMES

    out = {}
    for theme in THEMES[layer].values():
        df = store.read_layer(layer, columns=list(theme.columns), geometry=False)
        cls = theme.classify(df, store)
        out[theme.title_zh] = {str(int(f)): cls.fills[int(c)].name().upper()
                               for f, c in zip(df.index, cls.class_of)}
    return out


def test_styles_and_project_are_in_the_file(park):
    with open_project(park) as store:
        styles = read_styles(store)
        qgs = read_project(store, "landapp")
    by_table = {}
    for s in styles:
        by_table.setdefault(s["f_table_name"], []).append(s)
    assert [s["styleName"] for s in by_table["parcels"] if s["useAsDefault"]] == ["按状态"]
    assert {s["styleName"] for s in by_table["parcels"]} >= {"按状态", "按用地性质", "按闲置土地认定", "按亩均评价类别"}
    assert {s["styleName"] for s in by_table["buildings"]} >= {"按空置率", "按类型", "按一年内可招商比例"}
    assert 'name="地块编号"' in by_table["parcels"][0]["styleQML"]
    assert "./demo_park.gpkg|layername=parcels" in qgs and "./demo_park_map.png" in qgs
    # written again, ours are replaced, not added
    assert main(["qgis", park]) == 0
    with open_project(park) as store:
        assert len(read_styles(store)) == len(styles)


def test_written_when_a_project_is_created(tmp_path):
    import layers  # noqa: F401  (registers the hook, as every landapp command does)
    from landapp.store import create_project

    with create_project(tmp_path / "new.gpkg", "新园区") as store:
        names = {s["styleName"] for s in read_styles(store) if s["f_table_name"] == "parcels"}
        assert "按状态" in names
        assert read_project(store, "landapp") is not None


def test_qgis_reads_categories_colours_and_aliases(park, qgis_view):
    from layers.styles import STATUS_COLOURS

    p = qgis_view["layers"]["parcels"]
    assert p["valid"] and p["crs"] == "EPSG:4544" and p["count"] > 100
    assert p["renderer"] == "categorizedSymbol" and p["attr"] == "status"
    cats = {c["value"]: c["fill"] for c in p["categories"] if c["value"] not in ("", None)}
    assert cats == {k: v.upper() for k, v in STATUS_COLOURS.items()}
    assert p["aliases"]["code"] == "地块编号" and p["aliases"]["land_use"] == "用地性质"
    assert qgis_view["layers"]["buildings"]["aliases"]["btype"] == "类型"
    assert qgis_view["layers"]["units"]["aliases"]["area"] == "面积(㎡)"
    assert p["styles_in_db"][0] == "按状态" and len(p["styles_in_db"]) >= 4


@pytest.mark.parametrize("layer", ["parcels", "buildings"])
def test_every_theme_colours_every_feature_as_landapp(park, qgis_view, layer):
    with open_project(park) as store:
        expected = landapp_fills(store, layer)
    got = qgis_view["layers"][layer]["fills_by_style"]
    assert set(expected) <= set(got)
    for title, fills in expected.items():
        wrong = {f: (c, got[title].get(f)) for f, c in fills.items() if got[title].get(f) != c}
        assert not wrong, f"{layer} / {title}: {list(wrong.items())[:5]}"


def test_parcel_labels_are_landapps(park, qgis_view):
    from layers.vector import ParcelLayer

    with open_project(park) as store:
        attrs = store.read_layer("parcels", columns=["code", "land_use"], geometry=False)
        ours = ParcelLayer.label_texts(None, attrs)
    # QGIS gets the fraction as HTML: <p><u>code</u></p><p>land use</p>, the data escaped
    raw = qgis_view["layers"]["parcels"]["label_texts"]
    assert "<p><u>&lt;i&gt;X&lt;/i&gt;&amp;1</u></p>" in " ".join(str(t) for t in raw.values())
    got = {f: html.unescape(re.sub(r"<[^>]+>", "", str(t).replace("</p><p>", "\n"))) for f, t in raw.items()}
    ours = {str(int(f)): t for f, t in zip(attrs.index, ours)}
    assert len(ours) > 100 and ours == {f: t for f, t in got.items() if f in ours}


def test_project_opens_with_every_layer_and_renders(park, qgis_view):
    assert qgis_view["project_read"] and qgis_view["project_crs"] == "EPSG:4544"
    layers = qgis_view["project_layers"]
    assert {"地块", "建筑", "片区", "道路", "园区底图", "单元", "企业", "租约"} <= set(layers)
    assert all(v["valid"] for v in layers.values())
    assert layers["园区底图"]["visible"] is False  # hidden, as in landapp
    assert layers["地块"]["renderer"] == "categorizedSymbol"
    from PIL import Image

    rgb = np.asarray(Image.open(qgis_view["png"]).convert("RGB")).reshape(-1, 3).astype(np.uint32)
    # the status colours are there, not one random colour
    present = {f"#{int(v):06X}" for v in np.unique((rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2])}
    assert {"#6FCF97", "#4F9BE8", "#F2994A"} <= present
