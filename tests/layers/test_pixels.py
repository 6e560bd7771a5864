"""The demo park drawn at three scales (whole park, a zone, a few parcels with labels) is
pixel for pixel what the reference images show: they were drawn by the code before the
map's data moved to WKB buffers and bounds scans (issue 14), so a change in how layers are
stored and culled cannot change a pixel. Regenerate (only when the picture is meant to
change): `python tests/layers/test_pixels.py --write` (uses the code on PYTHONPATH)."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "reference")
ROOT = os.path.dirname(os.path.dirname(HERE))
W, H = 960, 640
SCALES = {"park": 1.0, "zone": 0.25, "parcels": 0.04}  # share of the park's extent shown


def views(extent):
    from layers.view import MapView

    x0, y0, x1, y1 = extent
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    out = {}
    for name, k in SCALES.items():
        hw, hh = (x1 - x0) * k / 2, (y1 - y0) * k / 2
        out[name] = MapView.fit((cx - hw, cy - hh, cx + hw, cy + hh), W, H)
    return out


def demo_digest() -> str:
    import hashlib

    with open(os.path.join(ROOT, "data", "demo_park.gpkg"), "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def font_family() -> str:
    from PySide6.QtGui import QFontInfo

    from layers.vector import label_font

    return QFontInfo(label_font(9)).family()


def draw_all(path: str) -> dict:
    from landapp.store import open_project
    from layers.map import ParkMap
    from layers.render import render_image

    with open_project(path) as store:
        m = ParkMap(store, with_tiles=False, with_raster=False)
        return {name: render_image(m.layers, v) for name, v in views(m.extent()).items()}


@pytest.fixture
def demo_readonly(tmp_path):
    path = tmp_path / "demo.gpkg"
    shutil.copy(os.path.join(ROOT, "data", "demo_park.gpkg"), path)
    return str(path)


@pytest.mark.parametrize("name", list(SCALES))
def test_demo_looks_as_before(qapp, demo_readonly, name):
    from PySide6.QtGui import QImage

    with open(os.path.join(REF, "meta.json")) as fh:
        meta = json.load(fh)
    if font_family() != meta["font"]:
        pytest.skip(f"label font here is {font_family()}, the references used {meta['font']}")
    if demo_digest() != meta.get("demo_sha256"):
        pytest.skip("the demo park was rebuilt since the references were drawn: redraw them with the "
                    "code before your change (python tests/layers/test_pixels.py --write)")
    got = draw_all(demo_readonly)[name]
    want = QImage(os.path.join(REF, f"demo_{name}.png")).convertToFormat(got.format())
    assert got.size() == want.size()
    if got != want:
        got.save(os.path.join(str(os.path.dirname(demo_readonly)), f"got_{name}.png"))
        raise AssertionError(f"the {name} view changed (saved beside the test's copy of the demo)")


if __name__ == "__main__" and "--write" in sys.argv:
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    import tempfile

    tmp = os.path.join(tempfile.mkdtemp(), "demo.gpkg")
    shutil.copy(os.path.join(ROOT, "data", "demo_park.gpkg"), tmp)
    os.makedirs(REF, exist_ok=True)
    for name, img in draw_all(tmp).items():
        img.save(os.path.join(REF, f"demo_{name}.png"))
    with open(os.path.join(REF, "meta.json"), "w") as fh:
        json.dump({"font": font_family(), "size": [W, H], "demo_sha256": demo_digest()}, fh)
    print("written", REF)
