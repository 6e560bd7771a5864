"""The renderer, checked on the pixels it paints."""

from __future__ import annotations

import os

import pytest
from PySide6.QtGui import QColor, QImage
from shapely.geometry import box

from layers.render import render_image
from layers.view import MapView, nice_length

X0, Y0 = 430000.0, 3384000.0


def close(c: QColor, hex_colour: str, tol: int = 12) -> bool:
    w = QColor(hex_colour)
    return abs(c.red() - w.red()) + abs(c.green() - w.green()) + abs(c.blue() - w.blue()) <= tol


@pytest.fixture
def small_park(empty_project):
    s = empty_project
    s.insert_many("parcels", [
        {"code": "A", "status": "闲置", "land_use": "100101", "geometry": box(X0, Y0, X0 + 200, Y0 + 200)},
        {"code": "B", "status": "待供", "land_use": "0901", "geometry": box(X0 + 300, Y0, X0 + 500, Y0 + 200)},
    ])
    b = s.insert("buildings", {"name": "1号楼", "btype": "楼宇", "parcel_code": "B",
                               "geometry": box(X0 + 350, Y0 + 50, X0 + 450, Y0 + 150)})
    s.insert("units", {"building_id": b, "area": 100, "status": "空置"})
    s.insert("units", {"building_id": b, "area": 100, "status": "已租"})
    return s


def test_view_transform_round_trip():
    v = MapView.fit((X0, Y0, X0 + 1000, Y0 + 500), 800, 400, margin=0)
    sx, sy = v.to_screen(X0, Y0 + 500)
    assert abs(sx) < 1e-6 and abs(sy) < 1e-6  # north-west corner at the top-left
    assert v.to_map(*v.to_screen(X0 + 123, Y0 + 45)) == pytest.approx((X0 + 123, Y0 + 45))
    z = v.zoomed(2, (100, 50))
    assert z.to_map(100, 50) == pytest.approx(v.to_map(100, 50))  # the point under the cursor stays
    p = v.panned(10, 0)
    assert p.center_x == pytest.approx(v.center_x - 10 * v.scale)
    assert nice_length(173) == 100 and nice_length(0.9) == 0.5 and nice_length(4999) == 2000
    assert v.with_scale_denominator(1000).scale_denominator() == pytest.approx(1000)


def test_parcels_are_painted_in_their_status_colour(small_park):
    from layers.map import ParkMap
    from layers.styles import STATUS_COLOURS

    m = ParkMap(small_park)
    view = MapView.fit((X0 - 50, Y0 - 50, X0 + 550, Y0 + 250), 600, 300, margin=0)
    img = render_image(m.layers, view, labels=False, decorations=False)
    a = img.pixelColor(*map(int, view.to_screen(X0 + 20, Y0 + 20)))
    assert close(a, STATUS_COLOURS["闲置"])
    # the building is filled by its vacancy class (50% -> ≥ 50% class)
    c = img.pixelColor(*map(int, view.to_screen(X0 + 400, Y0 + 100)))
    assert close(c, "#D73027")
    m.layer("parcels").set_theme("landuse")
    img = render_image(m.layers, view, labels=False, decorations=False)
    assert close(img.pixelColor(*map(int, view.to_screen(X0 + 20, Y0 + 20))), "#C8AA8C")  # 一类工业


def test_hidden_layer_leaves_no_pixels(small_park):
    from layers.map import ParkMap
    from layers.render import BACKGROUND

    m = ParkMap(small_park)
    view = MapView.fit((X0 - 50, Y0 - 50, X0 + 550, Y0 + 250), 600, 300, margin=0)
    m.layer("parcels").visible = False
    m.layer("buildings").visible = False
    img = render_image(m.layers, view, labels=False, decorations=False)
    for x, y in [(X0 + 20, Y0 + 20), (X0 + 400, Y0 + 100), (X0 + 310, Y0 + 190)]:
        assert img.pixelColor(*map(int, view.to_screen(x, y))) == BACKGROUND


def test_selection_is_highlighted(small_park):
    from layers.map import ParkMap
    from layers.vector import SELECTION_COLOUR

    m = ParkMap(small_park)
    view = MapView.fit((X0 - 50, Y0 - 50, X0 + 550, Y0 + 250), 600, 300, margin=0)
    before = render_image(m.layers, view, labels=False, decorations=False)
    parcels = m.layer("parcels")
    parcels.selection = {parcels.features_at(X0 + 10, Y0 + 10, 0)[0]}
    after = render_image(m.layers, view, labels=False, decorations=False)
    edge = tuple(map(int, view.to_screen(X0, Y0 + 100)))
    assert after.pixelColor(*edge) != before.pixelColor(*edge)
    assert close(after.pixelColor(*edge), SELECTION_COLOUR.name(), tol=60)


def test_identify_and_rectangle_selection(small_park):
    from layers.map import ParkMap

    m = ParkMap(small_park)
    parcels, buildings = m.layer("parcels"), m.layer("buildings")
    a = parcels.features_at(X0 + 10, Y0 + 10, 0)
    assert [small_park.get("parcels", f)["code"] for f in a] == ["A"]
    assert parcels.features_at(X0 + 250, Y0 + 100, 0) == []
    assert parcels.features_at(X0 + 250, Y0 + 100, 60) != []  # within tolerance of an edge
    assert len(buildings.features_at(X0 + 400, Y0 + 100, 0)) == 1
    assert sorted(small_park.get("parcels", f)["code"] for f in parcels.features_in(
        (X0 + 150, Y0 + 150, X0 + 320, Y0 + 160))) == ["A", "B"]


def test_labels_never_overlap(demo_project):
    from layers.base import LabelGrid
    from layers.map import ParkMap

    m = ParkMap(demo_project)
    view = MapView.fit(m.extent(), 1600, 1000).zoomed(3)
    grid = LabelGrid()
    from PySide6.QtGui import QPainter
    img = QImage(view.width, view.height, QImage.Format.Format_ARGB32)
    p = QPainter(img)
    for layer in reversed(m.layers):
        if layer.visible:
            layer.draw_labels(p, view, grid)
    p.end()
    rects = [r for cell in grid.cells.values() for r in cell]
    uniq = list({(r.x(), r.y(), r.width(), r.height()): r for r in rects}.values())
    assert grid.count == len(uniq) > 20
    for i, r in enumerate(uniq):
        for o in uniq[i + 1:]:
            assert not r.intersects(o)


def test_labels_keep_clear_of_the_scale_bar_and_north_arrow(demo_project, monkeypatch):
    import layers.render as render_mod
    from layers.base import LabelGrid
    from layers.decorations import decoration_rects
    from layers.map import ParkMap

    placed = []

    class Recording(LabelGrid):
        def try_add(self, r):
            ok = super().try_add(r)
            if ok:
                placed.append(r)
            return ok

    monkeypatch.setattr(render_mod, "LabelGrid", Recording)
    m = ParkMap(demo_project)
    # (zoom 3: labels lie where the decorations go; only labels wholly in the view are drawn)
    view = MapView.fit(m.extent(), 1200, 800).zoomed(3)
    boxes = decoration_rects(view)

    def under_decorations(**kw):
        placed.clear()
        render_image(m.layers, view, **kw)
        assert len(placed) > 20
        return [r for r in placed if any(r.intersects(b) for b in boxes)]

    assert under_decorations(decorations=False)  # nothing reserved: labels run under them
    assert not under_decorations(decorations=True)
    assert not under_decorations(decorations=False, keep_clear=boxes)  # the canvas's way


def test_short_parcel_code_for_labels():
    from layers.vector import short_code

    assert short_code("510112001001GB00001") == "001-00001"
    assert short_code("5101120010020000017") == "002-00017"  # digits in the tenure field
    assert short_code("P-17") == "P-17" and short_code("510112001001G100001") == "510112001001G100001"
    # children of a split and a merge keep their suffix, so they are labelled too
    assert short_code("510112001001GB00002-1") == "001-00002-1"
    assert short_code("510112001001GB00002-2-H") == "001-00002-2-H"
    assert short_code("510112001001GB00002-x") == "510112001001GB00002-x"


def test_small_features_are_drawn_as_points_and_labels_hide(demo_project):
    from layers.base import LabelGrid
    from layers.map import ParkMap

    m = ParkMap(demo_project)
    far = MapView.fit(m.extent(), 120, 80)
    grid = LabelGrid()
    img = QImage(120, 80, QImage.Format.Format_ARGB32)
    from PySide6.QtGui import QPainter
    p = QPainter(img)
    m.layer("parcels").draw(p, far)
    m.layer("parcels").draw_labels(p, far, grid)
    p.end()
    assert grid.count == 0  # parcels a few pixels wide get no label


def test_raster_is_placed_by_its_world_file(tmp_path, empty_project):
    from layers.raster import RasterLayer

    img = QImage(100, 50, QImage.Format.Format_RGB32)
    img.fill(QColor("#0000FF"))
    for x in range(50):
        for y in range(50):
            img.setPixelColor(x, y, QColor("#FF0000"))  # west half red
    path = str(tmp_path / "map.png")
    img.save(path)
    with open(tmp_path / "map.pgw", "w") as fh:  # 2 m pixels, upper-left pixel centre
        fh.write(f"2.0\n0.0\n0.0\n-2.0\n{X0 + 1}\n{Y0 + 99}\n")
    layer = RasterLayer(path)
    assert layer.extent() == pytest.approx((X0, Y0, X0 + 200, Y0 + 100))
    view = MapView.fit((X0 - 100, Y0 - 50, X0 + 300, Y0 + 150), 400, 200, margin=0)
    out = render_image([layer], view, labels=False, decorations=False)
    assert close(out.pixelColor(*map(int, view.to_screen(X0 + 50, Y0 + 50))), "#FF0000")
    assert close(out.pixelColor(*map(int, view.to_screen(X0 + 150, Y0 + 50))), "#0000FF")
    assert not close(out.pixelColor(*map(int, view.to_screen(X0 - 20, Y0 + 50))), "#FF0000")


def test_raster_without_world_file_is_a_clear_error(tmp_path):
    from landapp.errors import LandappError
    from layers.raster import RasterLayer

    img = QImage(10, 10, QImage.Format.Format_RGB32)
    img.save(str(tmp_path / "a.png"))
    with pytest.raises(LandappError) as e:
        RasterLayer(str(tmp_path / "a.png"))
    assert "坐标文件" in str(e.value)


def test_theme_registry_adds_a_style(small_park):
    from layers.map import ParkMap
    from layers.themes import THEMES, categorical, register_theme

    register_theme("parcels", "test_code", "按编号", "By code",
                   lambda df, store: categorical(df["code"], ["A", "B"], {"A": "#112233", "B": "#445566"}),
                   columns=("code",))
    try:
        m = ParkMap(small_park, parcel_theme="test_code")
        view = MapView.fit((X0 - 50, Y0 - 50, X0 + 550, Y0 + 250), 600, 300, margin=0)
        img = render_image(m.layers, view, labels=False, decorations=False)
        assert close(img.pixelColor(*map(int, view.to_screen(X0 + 20, Y0 + 20))), "#112233")
        assert [e.label for e in m.layer("parcels").legend()] == ["A", "B"]
    finally:
        del THEMES["parcels"]["test_code"]


def test_legend_and_decorations_are_drawn(demo_project, tmp_path):
    from layers.map import ParkMap

    m = ParkMap(demo_project)
    view = MapView.fit(m.extent(), 800, 600)
    plain = render_image(m.layers, view, decorations=False)
    full = render_image(m.layers, view, decorations=True, legend=True)
    # the legend box at the top right and the scale bar at the bottom left changed pixels
    assert plain.pixelColor(view.width - 120, 200) != full.pixelColor(view.width - 120, 200)
    assert plain.pixelColor(40, view.height - 20) != full.pixelColor(40, view.height - 20)
    legend = m.layer("parcels").legend()
    assert {e.label for e in legend} <= {"储备", "待供", "已供未开工", "在建", "已建成投产", "闲置", "低效",
                                         "盘活中", "已盘活", "其他/未填"}


def test_legend_box_gives_a_one_row_layer_one_row():
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QPainter

    from layers.base import LegendEntry
    from layers.decorations import draw_legend

    img = QImage(400, 400, QImage.Format.Format_ARGB32)
    p = QPainter(img)
    zones = ("片区", [LegendEntry("片区", None, QColor("#C62828"), "line")])
    parcels = ("地块", [LegendEntry("待供", QColor("#4F9BE8")), LegendEntry("闲置", QColor("#EB5757"))])
    one = draw_legend(p, [zones], QPointF(0, 0)).height()
    three = draw_legend(p, [parcels], QPointF(0, 0)).height()  # heading + two classes
    both = draw_legend(p, [zones, parcels], QPointF(0, 0)).height()
    p.end()
    row = (three - one) / 2
    assert row > 0 and abs(both - (one + 3 * row)) < 0.01  # no '片区' heading over '片区'


def test_render_cli_png_and_pdf(demo_project, tmp_path):
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {**os.environ, "PYTHONPATH": root, "QT_QPA_PLATFORM": "offscreen"}
    png = tmp_path / "m.png"
    r = subprocess.run([sys.executable, "-m", "landapp", "render", demo_project.path, "-o", str(png),
                        "--size", "640x400", "--style", "landuse"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    img = QImage(str(png))
    assert (img.width(), img.height()) == (640, 400)
    pdf = tmp_path / "m.pdf"
    r = subprocess.run([sys.executable, "-m", "landapp", "render", demo_project.path, "-o", str(pdf)],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert pdf.read_bytes()[:4] == b"%PDF"
    import shutil
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        assert "CJK" in fonts and " yes " in fonts  # Chinese font embedded
    r = subprocess.run([sys.executable, "-m", "landapp", "render", demo_project.path, "-o", str(png),
                        "--bbox", "1,2,3"], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and "--bbox" in r.stderr and "Traceback" not in r.stderr


def test_edits_patch_the_layer_like_a_full_reload(demo_project):
    """After edits the patched layer draws, identifies and selects exactly like a layer read
    afresh from the file."""
    from shapely import affinity

    from landapp import editing as ed
    from layers.map import ParkMap

    m = ParkMap(demo_project, with_tiles=False, with_raster=False)
    parcels = m.layer("parcels")
    fids = list(demo_project.read_layer("parcels").index[:6])
    g = demo_project.get("parcels", fids[0])["geometry"]
    demo_project.update("parcels", fids[0], {"geometry": affinity.translate(g, 3, 2), "status": "闲置"})
    demo_project.update("parcels", fids[1], {"status": "在建"})
    demo_project.delete("parcels", fids[2])
    demo_project.insert("parcels", {"code": "PATCH-1", "status": "待供", "land_use": "0901",
                                    "geometry": affinity.translate(g, 5000, 0)})
    ed.SplitFeature("parcels", fids[3], _cut(demo_project.get("parcels", fids[3])["geometry"])).apply(demo_project)
    assert parcels.data.dead >= 4  # patched, not re-read
    fresh = ParkMap(demo_project, with_tiles=False, with_raster=False)
    assert set(parcels.data.fid_index) == set(fresh.layer("parcels").data.fid_index)
    view = MapView.fit(m.extent(), 900, 600)
    a = render_image(m.layers, view, decorations=False)
    b = render_image(fresh.layers, view, decorations=False)
    assert a == b
    x, y = demo_project.get("parcels", fids[0])["geometry"].representative_point().coords[0]
    assert parcels.features_at(x, y, 0) == fresh.layer("parcels").features_at(x, y, 0) == [fids[0]]
    assert sorted(parcels.features_in(m.extent())) == sorted(fresh.layer("parcels").features_in(m.extent()))
    assert m.layer("retired_parcels").data.fid_index.keys() == fresh.layer("retired_parcels").data.fid_index.keys()


def _cut(geom):
    from shapely.geometry import LineString

    c = geom.centroid
    x0, y0, x1, y1 = geom.bounds
    return LineString([(c.x, y0 - 10), (c.x + 1, y1 + 10)])


def test_many_small_parcels_are_splatted_like_their_polygons(empty_project, monkeypatch):
    """Past RASTER_POINTS features under SPLAT_PX, parcels are painted as blocks of their
    size with numpy instead of one polygon each: the picture must stay the polygons' one
    (colours in place, no gaps between neighbours, nothing painted outside the park)."""
    import numpy as np

    import layers.vector as vector
    from layers.map import ParkMap
    from layers.render import BACKGROUND
    from layers.styles import STATUS_COLOURS

    s = empty_project
    recs = []
    for i in range(60):
        for j in range(40):  # 60 × 40 parcels of 20 m × 30 m, 闲置 in the west, 待供 in the east
            x, y = X0 + i * 20, Y0 + j * 30
            recs.append({"code": f"P{i}-{j}", "status": "闲置" if i < 30 else "待供",
                         "geometry": box(x, y, x + 20, y + 30)})
    s.insert_many("parcels", recs)
    m = ParkMap(s, with_raster=False, with_tiles=False)
    park = (X0, Y0, X0 + 1200, Y0 + 1200)
    view = MapView(X0 + 600, Y0 + 600, 8.0, 560, 420)  # 20 × 30 m: 2.5 × 3.75 px

    def picture():
        img = render_image(m.layers, view, labels=False, decorations=False).convertToFormat(
            QImage.Format.Format_RGB32)
        return np.frombuffer(img.constBits(), dtype=np.uint32).reshape(img.height(), img.width()).copy()

    monkeypatch.setattr(vector, "RASTER_POINTS", 10 ** 9)
    polygons = picture()
    monkeypatch.setattr(vector, "RASTER_POINTS", 1000)
    splatted = picture()
    (sx0, sx1), (sy1, sy0) = [np.array(a) for a in view.to_screen([park[0], park[2]], [park[1], park[3]])]
    inner = splatted[int(sy0) + 2:int(sy1) - 2, int(sx0) + 2:int(sx1) - 2]
    bg = QColor(BACKGROUND).rgb() & 0xFFFFFFFF
    assert not np.any(inner == bg)  # no gaps between neighbouring blocks
    assert np.mean(splatted == polygons) > 0.9
    west = QColor(int(splatted[int((sy0 + sy1) / 2), int(sx0 + (sx1 - sx0) / 4)]) | 0xFF000000)
    east = QColor(int(splatted[int((sy0 + sy1) / 2), int(sx0 + 3 * (sx1 - sx0) / 4)]) | 0xFF000000)
    assert close(west, STATUS_COLOURS["闲置"]) and close(east, STATUS_COLOURS["待供"])
    assert splatted[5, 5] == bg and splatted[-5, -5] == bg  # outside the park


def test_labels_on_images_are_cached_and_look_as_painted(demo_project, monkeypatch):
    """Screen frames copy each haloed label from a cache instead of nine drawText calls:
    the second frame paints no new label, and the picture is the painted one."""
    import numpy as np

    import layers.vector as vector
    from layers.map import ParkMap

    m = ParkMap(demo_project, with_tiles=False, with_raster=False)
    view = MapView(430100, 3384600, 1.2, 900, 600)

    def picture():
        img = render_image(m.layers, view, decorations=False).convertToFormat(QImage.Format.Format_RGB32)
        return np.frombuffer(img.constBits(), dtype=np.uint32).reshape(img.height(), img.width()).copy()

    vector._HALO_CACHE.clear()
    cached = picture()
    n = len(vector._HALO_CACHE)
    assert n > 5  # labels were drawn, through the cache
    assert np.array_equal(picture(), cached) and len(vector._HALO_CACHE) == n
    monkeypatch.setattr(vector, "CACHE_LABELS", False)
    painted = picture()
    differ = cached != painted
    # only the glyphs' edges differ (the cached label is placed on whole pixels): ~2.4 % here
    assert differ.mean() < 0.05
