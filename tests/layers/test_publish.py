"""Publishing checked with the users' tools: the HTML map in headless Chromium with no
network, PDFs through pdftoppm and pdffonts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from landapp.store.filters import F
from layers.htmlmap import write_map
from layers.sheets import boundary_points, select_parcels, sheet_scale, write_sheets

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
EVIL = '<img src=x onerror="document.body.setAttribute(\'data-pwned\',\'1\')">'


def dump_dom(path, tmp_path) -> str:
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'chromium'}", "--virtual-time-budget=5000", "--dump-dom",
            f"file://{path}"]
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False).stdout


def test_html_map_is_self_contained_and_escapes_project_values(demo_project, tmp_path):
    fid = int(demo_project.read_layer("parcels").index[0])
    demo_project.update("parcels", fid, {"name": EVIL, "land_user": "</script><script>document.body.setAttribute('data-pwned','2')</script>"})
    # every layer's text goes out: a zone name (a permanent label), a road name, a carrier's
    # industry and contact (in the popup of a carrier with vacant space), the park's own name
    demo_project.update("zones", int(demo_project.read_layer("zones").index[0]), {"name": EVIL})
    demo_project.update("roads", int(demo_project.read_layer("roads").index[0]), {"name": "</script><b>路"})
    from landapp.opportunities import opportunity_list

    carrier = int(opportunity_list(demo_project, "carriers").index[0])
    demo_project.update("buildings", carrier, {"industry": "</script><script>document.body.setAttribute('data-pwned','3')</script>",
                                               "contact": EVIL})
    demo_project.set_setting("name", "成都经开区</title><script>document.body.setAttribute('data-pwned','4')</script>")
    out = tmp_path / "map.html"
    size = write_map(demo_project, str(out), internal=True)  # the full map: every parcel's name goes out
    text = out.read_text(encoding="utf-8")
    # nothing is loaded from the network
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', text)
    assert "L.map(" in text or "L.map (" in text
    # the payload is data, not markup: no raw tag survives outside the JSON block
    assert EVIL not in text.replace("<\\/", "</").split('id="landapp-data">')[0]
    assert "</script><script>document.body" not in text
    assert size < 2_000_000
    if CHROMIUM is None:
        pytest.skip("Chromium not installed (scripts/install-system-deps.sh --test installs it)")
    dom = dump_dom(out, tmp_path)
    n_parcels = demo_project.count("parcels", F("retired") == 0)
    assert f'data-landapp-parcels="{n_parcels}"' in dom  # the map drew every parcel
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert "data-pwned" not in body  # the injected scripts never ran
    assert "<img" not in dom.split('id="landapp-data"')[0]  # and no element came out of the data
    assert "leaflet-container" in dom and "地块" in dom
    assert f'data-landapp-roads="{demo_project.count("roads")}"' in body
    zone_labels = re.findall(r'class="[^"]*la-zone[^"]*"[^>]*><span>([^<]*)</span>', dom)
    assert len(zone_labels) == demo_project.count("zones") and "&lt;img src=x onerror=" in "".join(zone_labels)


def test_html_map_with_cdn_links_leaflet_instead_of_inlining_it(demo_project, tmp_path):
    inline, linked = tmp_path / "i.html", tmp_path / "c.html"
    write_map(demo_project, str(inline))
    write_map(demo_project, str(linked), cdn=True)
    text = linked.read_text(encoding="utf-8")
    assert re.search(r'<script[^>]+src="https://[^"]+leaflet[^"]*\.js"', text)
    assert re.search(r'<link[^>]+href="https://[^"]+leaflet[^"]*\.css"', text)
    assert inline.stat().st_size - linked.stat().st_size > 100_000  # Leaflet is no longer inside
    assert 'id="landapp-data"' in text  # the data still travel inside the page


def test_html_map_in_gcj02_is_shifted(demo_project, tmp_path):
    import json

    def first_coord(path):
        text = path.read_text(encoding="utf-8")
        data = json.loads(text.split('id="landapp-data">')[1].split("</script>")[0].replace("<\\/", "</"))
        return data["parcels"][0]["geometry"]["coordinates"][0][0][0]

    a, b = tmp_path / "w.html", tmp_path / "g.html"
    write_map(demo_project, str(a))
    write_map(demo_project, str(b), basemap="amap")
    (lon1, lat1), (lon2, lat2) = first_coord(a), first_coord(b)
    assert 0.001 < abs(lon2 - lon1) < 0.01 and 0.0005 < abs(lat2 - lat1) < 0.01  # the GCJ-02 offset
    assert 104 < lon1 < 105 and 30 < lat1 < 31
    assert len(str(lon1).split(".")[1]) <= 6  # coordinates trimmed


@pytest.mark.slow
def test_10k_parcel_map_stays_small(tmp_path):
    from landapp.demo import build_synthetic_park
    from landapp.store import open_project

    path = tmp_path / "p.gpkg"
    build_synthetic_park(path, 10_000, seed=4)
    with open_project(path) as s:
        size = write_map(s, str(tmp_path / "big.html"))
    assert size < 5_000_000
    if CHROMIUM:
        assert 'data-landapp-parcels="10000"' in dump_dom(tmp_path / "big.html", tmp_path)


def test_boundary_points_start_north_west_and_run_clockwise():
    from shapely.geometry import Polygon

    # a parcel drawn counter-clockwise starting in the south-east
    poly = Polygon([(10, 0), (10, 8), (0, 10), (0, 0)])
    pts = boundary_points(poly)
    assert pts[0] == (0.0, 10.0)  # J1: the north-west corner
    assert pts[1] == (10.0, 8.0)  # then east along the north side: clockwise
    assert pts[2] == (10.0, 0.0) and pts[3] == (0.0, 0.0)



def test_boundary_rings_start_at_a_real_corner_and_number_holes_on():
    import math

    from shapely.geometry import Polygon, box

    from layers.sheets import boundary_rings

    # a parcel whose north-west side is an arc densified into 30 points: J1 is a corner, not
    # the arc point that happens to lie nearest the bounding box's north-west corner
    arc = [(100 - 100 * math.cos(t), 100 * math.sin(t)) for t in [i * math.pi / 2 / 30 for i in range(31)]]
    pts = boundary_points(Polygon(arc + [(100, 0)]))
    assert min(math.dist(pts[0], c) for c in [(0, 0), (100, 100)]) < 1e-9
    assert len(pts) == 32
    # a hole is a further ring: clockwise from its own north-west corner
    rings = boundary_rings(box(0, 0, 100, 100).difference(box(40, 40, 60, 60)))
    assert [len(r) for r in rings] == [4, 4]
    assert rings[0][:2] == [(0.0, 100.0), (100.0, 100.0)]
    assert rings[1][:2] == [(40.0, 60.0), (60.0, 60.0)]


def test_fraction_label_keeps_clear_of_the_buildings(empty_project):
    """The parcel number / land-use label goes where it fits inside the parcel without covering
    a building (the demo's first sheet had its only building under the label)."""
    from shapely.geometry import box

    from layers.sheets import SheetPainter, sheet_scale
    from layers.view import MapView

    s = empty_project
    x, y = 430000.0, 3384000.0
    parcel = box(x, y, x + 300, y + 100)
    building = box(x + 140, y + 40, x + 160, y + 60)  # small, right in the middle
    fid = s.insert("parcels", {"code": "510112001001GB00001", "land_use": "100101", "status": "待供", "geometry": parcel})
    s.insert("buildings", {"name": "厂房", "btype": "标准厂房", "parcel_code": "510112001001GB00001",
                           "geometry": building})
    sp = SheetPainter(s)
    view = MapView(x + 150, y + 50, 1.0, 600, 400)  # 1 m per pixel
    w_px, h_px = 160.0, 20.0  # a long code: the label is much wider than it is tall
    cx, cy = sp._label_spot(s.get("parcels", fid)["geometry"], view, w_px, h_px)
    label = box(cx - w_px / 2, cy - h_px / 2, cx + w_px / 2, cy + h_px / 2)
    assert parcel.contains(label) and not label.intersects(building)
    assert sheet_scale(box(0, 0, 8, 12)) == 200  # a tiny parcel (a substation) is drawn large

def test_sheet_scale_is_round_and_fits():
    from shapely.geometry import box

    from layers.sheets import FRAME, MAP_MARGIN, MAP_PAD, SCALES
    from layers.view import INCH_M

    for w, h in [(100, 60), (300, 200), (3000, 2000), (40, 400)]:
        denom = sheet_scale(box(0, 0, w, h))
        assert denom in SCALES
        m_per_px = denom * INCH_M / 96
        assert w * MAP_MARGIN + MAP_PAD <= FRAME.width() * m_per_px and h * MAP_MARGIN + MAP_PAD <= FRAME.height() * m_per_px
        smaller = SCALES[SCALES.index(denom) - 1] if SCALES.index(denom) else None
        if smaller:  # the largest scale that fits: the next one up does not
            m = smaller * INCH_M / 96
            assert w * MAP_MARGIN + MAP_PAD > FRAME.width() * m or h * MAP_MARGIN + MAP_PAD > FRAME.height() * m
    assert sheet_scale(box(0, 0, 100, 60)) == 1000


def test_parcel_sheets_pdf(demo_project, tmp_path):
    codes = list(demo_project.read_layer("parcels", columns=["code"])["code"][:3])
    fids = select_parcels(demo_project, codes=codes)
    out = tmp_path / "sheets.pdf"
    seen = []
    assert write_sheets(demo_project, str(out), fids, drafter="张工", checker="李工",
                        progress=lambda d, t: seen.append(d)) == 3
    assert seen == [1, 2, 3]
    if not shutil.which("pdfinfo"):
        pytest.skip("poppler-utils not installed")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+3", info) and "A4" in info
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "SansCJKsc" in fonts and all(" yes " in line for line in fonts.splitlines()[2:])  # embedded
    import unicodedata

    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    text = unicodedata.normalize("NFKC", text).replace(" ", "")  # poppler maps some CJK glyphs to radicals
    assert "宗地图" in text and codes[0] in text and "J1" in text and "东至" in text and "制图:张工" in text
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(out), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    from PySide6.QtGui import QImage
    img = QImage(str(png))
    reds = sum(1 for x in range(0, img.width(), 2) for y in range(0, img.height(), 2)
               if img.pixelColor(x, y).red() > 180 and img.pixelColor(x, y).green() < 80)
    assert reds > 20  # the red parcel boundary was drawn


def test_sheets_cancel_leaves_no_file(demo_project, tmp_path):
    out = tmp_path / "c.pdf"
    fids = select_parcels(demo_project)[:5]
    assert write_sheets(demo_project, str(out), fids, cancel=lambda: True) == 0
    assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_export_cli(demo_project, tmp_path):
    import sys

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {**os.environ, "PYTHONPATH": root, "QT_QPA_PLATFORM": "offscreen"}

    def run(*a):
        return subprocess.run([sys.executable, "-m", "landapp", *map(str, a)], capture_output=True, text=True,
                              env=env, timeout=120, check=False)

    r = run("export", "opportunities", demo_project.path, "-o", tmp_path / "o.pdf", "--kind", "carriers")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "o.pdf").read_bytes()[:4] == b"%PDF"
    r = run("export", "sheets", demo_project.path, "-o", tmp_path / "s.pdf", "--parcel", "NOPE")
    assert r.returncode == 2 and "NOPE" in r.stderr and "Traceback" not in r.stderr
    r = run("export", "map", demo_project.path, "-o", tmp_path / "m.html", "--basemap", "tianditu")
    assert r.returncode == 2 and "密钥" in r.stderr
    r = run("export", "opportunities", demo_project.path, "-o", tmp_path / "o.doc")
    assert r.returncode == 2
    # filters: carriers by type and available m², land by several statuses, zone and dates
    r = run("export", "opportunities", demo_project.path, "-o", tmp_path / "c.csv", "--kind", "carriers",
            "--type", "楼宇", "--min-m2", "5000")
    assert r.returncode == 0, r.stderr
    import csv

    rows = list(csv.DictReader((tmp_path / "c.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows and all(float(x["可租售面积(㎡)"]) >= 5000 and x["类型"] == "楼宇" for x in rows)
    r = run("export", "opportunities", demo_project.path, "-o", tmp_path / "l.csv", "--status", "待供",
            "--status", "储备", "--from", "2027-01-01", "--to", "2027-12-31")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader((tmp_path / "l.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows and all("2027-01-01" <= x["预计供地时间"] <= "2027-12-31" for x in rows)
    r = run("export", "opportunities", demo_project.path, "-o", tmp_path / "x.csv", "--status", "待售")
    assert r.returncode == 2 and "待供" in r.stderr and "Traceback" not in r.stderr


def test_popup_tooltip_and_search_show_injected_markup_as_text(demo_project, tmp_path):
    """Open the payload parcel's popup and tooltip and search for it, in the browser: the markup
    appears as text, no element comes out of it and its handler never runs."""
    if CHROMIUM is None:
        pytest.skip("Chromium not installed (scripts/install-system-deps.sh --test installs it)")
    fid = int(demo_project.read_layer("parcels").index[0])
    demo_project.update("parcels", fid, {"name": EVIL})
    from landapp.opportunities import opportunity_list

    carrier = int(opportunity_list(demo_project, "carriers").index[0])
    demo_project.update("buildings", carrier, {"contact": EVIL, "industry": EVIL})
    out = tmp_path / "map.html"
    write_map(demo_project, str(out), internal=True)
    # test harness only: a script appended after the map opens what a user would click on
    harness = """<script>
    setTimeout(function () {
      var m = window.landappMap, opened = 'missing';
      m.parcels.eachLayer(function (l) {
        if ((l.feature.properties.t || '').indexOf('onerror') >= 0) {
          l.openPopup(); l.openTooltip();
          var pop = l.getPopup().getElement(), tip = l.getTooltip().getElement();
          opened = (pop.textContent.indexOf('onerror') >= 0 && tip.textContent.indexOf('onerror') >= 0
                    && !pop.querySelector('img') && !tip.querySelector('img')) ? 'text' : 'markup';
        }
      });
      var carrier = 'missing';
      m.buildings.eachLayer(function (l) {
        if (JSON.stringify(l.feature.properties.r || []).indexOf('onerror') >= 0) {
          l.openPopup();
          var pop = l.getPopup().getElement();
          carrier = (pop.textContent.split('onerror').length === 3 && !pop.querySelector('img')) ? 'text' : 'markup';
        }
      });
      document.body.setAttribute('data-carrier', carrier);
      var input = document.querySelector('.la-search input');
      input.value = 'onerror'; input.dispatchEvent(new Event('input'));
      var hits = document.querySelectorAll('.la-hit');
      document.body.setAttribute('data-opened', opened);
      document.body.setAttribute('data-hits', String(hits.length));
    }, 200);
    </script></body>"""
    text = out.read_text(encoding="utf-8")
    out.write_text(text[: text.rindex("</body>")] + harness + text[text.rindex("</body>") + 7:], encoding="utf-8")
    dom = dump_dom(out, tmp_path)
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert 'data-opened="text"' in body  # the popup and tooltip opened and show the markup as text
    assert 'data-carrier="text"' in body  # the carrier's contact and industry too
    assert 'data-hits="1"' in body  # the search found the parcel by its name
    assert "data-pwned" not in body  # the onerror handler never ran
    assert "<img" not in dom.split('id="landapp-data"')[0] and "<img" not in dom.split("</script>")[-1]


def test_sheet_of_a_many_point_parcel_lists_every_point_above_the_footer(demo_project, tmp_path):
    """The demo's curved park (100+ boundary points): the first page takes the rows that fit,
    the table runs on to a continuation page, every point J1…Jn is listed once, the pages
    are numbered through, and nothing is printed over the footer line (制图/审核/日期)."""
    import shapely

    parcels = demo_project.read_layer("parcels")
    parcels = parcels[parcels["retired"] == 0]
    n = shapely.get_num_coordinates(parcels.geometry.values)
    code = parcels.iloc[int(n.argmax())]["code"]
    n_points = int(n.max()) - 1
    assert n_points > 60
    out = tmp_path / "one.pdf"
    stats: dict = {}
    assert write_sheets(demo_project, str(out), select_parcels(demo_project, codes=[code]), drafter="张工",
                        stats=stats) == 1
    assert stats["pages"] >= 2
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    listed = []
    for page in range(1, stats["pages"] + 1):
        bbox = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(out), "-"],
                              capture_output=True, text=True, check=True).stdout
        words = [(float(m[1]), float(m[2]), m[3]) for m in
                 re.finditer(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', bbox)]
        footer_top = min(y0 for y0, _y1, w in words if w.startswith("制图"))
        assert all(y1 <= footer_top + 0.5 for y0, y1, w in words if y0 < footer_top - 1)  # nothing runs into it
        below = [w for y0, _y1, w in words if y0 >= footer_top - 1]
        assert not [w for w in below if re.search(r"容积率|规划|地上|界址|^J\d|另有|\d{7}\.\d{3}", w)], below
        assert f"{page}" in below and f"{stats['pages']}" in below  # "page / pages"
        # table rows: a point number followed by its northing (7 digits) on the same line
        rows = {}
        for y0, _y1, w in words:
            rows.setdefault(round(y0), []).append(w)
        listed += [ws[i] for ws in rows.values() for i in range(len(ws) - 1)
                   if re.fullmatch(r"J\d+", ws[i]) and re.fullmatch(r"\d{7}\.\d{3}", ws[i + 1])]
    assert sorted(listed, key=lambda j: int(j[1:])) == [f"J{i}" for i in range(1, n_points + 1)]
    text = re.sub(r"\s", "", subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                                            check=True).stdout)
    assert f"共{n_points}个界址点" in text and "界址点坐标表(续)" in text


def test_list_pdf_has_the_map_then_every_row_in_full(demo_project, tmp_path):
    """The carrier list PDF: an overview page, then every row with its phone number whole
    (not clipped by a narrow column) and floor areas formatted like the spreadsheet."""
    from landapp.opportunities import opportunity_list
    from landapp.publish import format_cell
    from layers.listpdf import write_list_pdf

    df = opportunity_list(demo_project, "carriers")
    out = tmp_path / "c.pdf"
    pages = write_list_pdf(demo_project, df, "carriers", str(out))
    assert pages >= 2
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    text = subprocess.run(["pdftotext", "-f", "2", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    words = set(text.split())
    assert all(ph in words for ph in df["phone"].dropna())  # each phone number on one line, whole
    assert all(format_cell(v, "#,##0") in words for v in df["floor_area"].dropna())
    # the overview map numbers every listed carrier with its 序号; every page says where it is
    first = subprocess.run(["pdftotext", "-l", "1", str(out), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert {str(n) for n in df["no"]} <= set(first.split())
    for page in range(1, pages + 1):
        one = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(out), "-"], capture_output=True,
                             text=True, check=True).stdout
        one = re.sub(r"\s", "", one)  # poppler maps some CJK glyphs to radicals (⻚ for 页): match any
        assert len(re.findall(f"第{page}.,共{pages}.", one)) == 1


def test_land_list_pdf_fits_twenty_columns_without_breaking_numbers(demo_project, tmp_path):
    """The land list's twenty columns on A4 landscape: areas, prices, dates and phones stay
    whole; a parcel code breaks only after its 12-digit prefix."""
    from landapp.opportunities import opportunity_list
    from landapp.publish import format_cell
    from layers.listpdf import write_list_pdf

    df = opportunity_list(demo_project, "land")
    out = tmp_path / "l.pdf"
    write_list_pdf(demo_project, df, "land", str(out))
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    words = set(subprocess.run(["pdftotext", "-f", "2", str(out), "-"], capture_output=True, text=True,
                               check=True).stdout.split())
    for _, r in df.iterrows():
        assert format_cell(r["area_m2"], "#,##0.0") in words and format_cell(r["area_mu"], "#,##0.00") in words
        assert r["expected_supply_date"].isoformat() in words and r["phone"] in words
        assert format_cell(r["start_price"], "#,##0.0") in words
        assert r["code"][:12] in words and r["code"][12:] in words


def test_cells_follow_the_spreadsheet_number_formats():
    import datetime as dt

    import numpy as np

    from landapp.publish import format_cell

    assert format_cell(29014.0, "#,##0.0") == "29,014.0"
    assert format_cell(np.float64(72.5), "#,##0.00") == "72.50"
    assert format_cell(np.int64(3), "0") == "3"
    assert format_cell(40.0, "0.#") == "40" and format_cell(0.5, "0.0#") == "0.5"
    assert format_cell(dt.date(2027, 1, 2), "yyyy-mm-dd") == "2027-01-02"
    assert format_cell(float("nan"), "0") == "" and format_cell(None, "@") == ""


def _payload(path) -> dict:
    import json

    text = path.read_text(encoding="utf-8")
    return json.loads(text.split('id="landapp-data">')[1].split("</script>")[0].replace("<\\/", "</"))


def _internal_strings(store) -> set[str]:
    """Texts that must never reach an investor: land users, enterprises, tenants, parcel
    statuses an investor should not see, metric and vacancy labels."""
    out = set(store.read_layer("parcels", columns=["land_user"])["land_user"].dropna())
    out |= {r["name"] for r in store.rows("enterprises") if r.get("name")}
    out |= {r["tenant"] for r in store.rows("leases") if r.get("tenant")}
    return {s for s in out if isinstance(s, str) and len(s) >= 3}


def test_public_map_publishes_only_the_lists(demo_project, tmp_path):
    """The default map (for investors) holds the land-supply parcels and carriers of the
    opportunity lists with the lists' columns; every other parcel and building is a bare
    shape: no land user, enterprise, tenant, status (闲置/低效), vacancy or metric anywhere
    in the file, not even in the data block."""
    from landapp.opportunities import CARRIER_COLUMNS, LAND_COLUMNS, Filters, opportunity_list
    from layers.htmlmap import PLAIN_BUILDING, PLAIN_FILL

    metrics = demo_project.rows("enterprise_metrics")
    assert metrics and _internal_strings(demo_project)
    out = tmp_path / "public.html"
    write_map(demo_project, str(out))
    text = out.read_text(encoding="utf-8")
    leaked = [s for s in _internal_strings(demo_project) if s in text]
    assert not leaked, leaked[:5]
    for word in ("闲置", "低效", "已建成投产", "在建", "盘活", "使用权人", "空置率", "实缴税收", "营业收入", "内部资料"):
        assert word not in text, word
    data = _payload(out)
    land = opportunity_list(demo_project, "land")
    carriers = opportunity_list(demo_project, "carriers")
    heads_land = {zh for key, zh, _en, _f in LAND_COLUMNS if key != "no"}
    heads_carrier = {zh for key, zh, _en, _f in CARRIER_COLUMNS if key not in ("no", "name")}
    listed = [f["properties"] for f in data["parcels"] if "t" in f["properties"]]
    bare = [f["properties"] for f in data["parcels"] if "t" not in f["properties"]]
    assert len(listed) == len(land) and len(bare) == len(data["parcels"]) - len(land) > 0
    assert all(p == {"f": PLAIN_FILL} for p in bare)  # nothing of theirs but the shape
    assert all({r[0] for r in p["r"]} <= heads_land for p in listed)
    assert any(r[0] == "面积(亩)" for r in listed[0]["r"]) and any(r[0] == "位置/四至" for r in listed[0]["r"])
    b_listed = [f["properties"] for f in data["buildings"] if "t" in f["properties"]]
    assert len(b_listed) == len(carriers)
    assert all({r[0] for r in p["r"]} <= heads_carrier for p in b_listed)
    assert all(f["properties"] == {"f": PLAIN_BUILDING, "o": "#90A4AE", "w": 0.5}
               for f in data["buildings"] if "t" not in f["properties"])
    assert data["mark"] is None and data["contact"] and "招商地图" in data["title"]
    # the same filters as the lists choose what is published
    zone = land.iloc[0]["zone"]
    one = tmp_path / "zone.html"
    write_map(demo_project, str(one), land_filters=Filters(zones=[zone]), carrier_filters=Filters(zones=[zone]))
    d1 = _payload(one)
    zones = [dict(f["properties"]["r"])["所在片区"] for f in d1["parcels"] + d1["buildings"] if "t" in f["properties"]]
    assert zones and set(zones) == {zone}
    assert len([z for z in zones]) == len(opportunity_list(demo_project, "land", Filters(zones=[zone]))) + len(
        opportunity_list(demo_project, "carriers", Filters(zones=[zone])))


def test_public_map_in_chromium_searches_carriers_and_internal_map_is_marked(demo_project, tmp_path):
    if CHROMIUM is None:
        pytest.skip("Chromium not installed (scripts/install-system-deps.sh --test installs it)")
    from landapp.opportunities import opportunity_list

    carrier = opportunity_list(demo_project, "carriers").iloc[0]
    parcel = opportunity_list(demo_project, "land").iloc[0]
    out = tmp_path / "public.html"
    write_map(demo_project, str(out))
    harness = """<script>
    setTimeout(function () {
      function search(q) {
        var input = document.querySelector('.la-search input');
        input.value = q; input.dispatchEvent(new Event('input'));
        return document.querySelectorAll('.la-hit');
      }
      var hits = search(%s);
      document.body.setAttribute('data-carrier-hits', String(hits.length));
      if (hits.length) { hits[0].click(); var pop = document.querySelector('.leaflet-popup-content');
        document.body.setAttribute('data-popup', pop ? pop.textContent : 'none'); }
      document.body.setAttribute('data-parcel-hits', String(search(%s).length));
    }, 300);
    </script></body>""" % (repr(carrier["name"]), repr(parcel["code"]))
    text = out.read_text(encoding="utf-8")
    out.write_text(text[: text.rindex("</body>")] + harness + text[text.rindex("</body>") + 7:], encoding="utf-8")
    dom = dump_dom(out, tmp_path)
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert 'data-carrier-hits="1"' in body and 'data-parcel-hits="1"' in body
    popup = re.search(r'data-popup="([^"]*)"', body).group(1)
    assert carrier["name"] in popup and "可租售面积" in popup and "层高" in popup and "租金" in popup
    leaked = [s for s in _internal_strings(demo_project) if s in dom]
    assert not leaked and "闲置" not in dom and "低效" not in dom and "内部资料" not in dom
    assert "招商地图" in dom and (demo_project.get_setting("phone") or "") in dom
    inner = tmp_path / "internal.html"
    write_map(demo_project, str(inner), internal=True)
    dom = dump_dom(inner, tmp_path)
    assert re.search(r'class="la-mark">内部资料<', dom) and "<title>内部资料" in dom


def test_overview_map_highlights_only_the_listed_towers_and_keeps_furniture_off_the_park(demo_project, tmp_path):
    """The carrier list filtered to 大面东洪's towers: the overview shows those towers
    highlighted (nothing in the selection's cyan), each number on or beside its tower (with a
    leader when moved), no two numbers overlapping, and the legend, north arrow, scale bar and
    title outside the map frame, so no number or listed feature lies under them; no parcel
    status or vacancy word on the page."""
    from PySide6.QtGui import QImage

    from landapp.opportunities import Filters, opportunity_list
    from layers.listpdf import write_list_pdf

    df = opportunity_list(demo_project, "carriers", Filters(zones=["大面东洪"], building_types=["楼宇"]))
    assert len(df) >= 3
    layout: dict = {}
    out = tmp_path / "towers.pdf"
    write_list_pdf(demo_project, df, "carriers", str(out), layout=layout)
    frame, markers, features = layout["frame"], layout["markers"], layout["features"]
    furniture = layout["panel"] + layout["title"]
    assert len(markers) == len(features) == len(df)
    assert sorted(m.no for m in markers) == sorted(df["no"])
    for m in markers:
        assert frame.contains(m.box)
        assert not any(m.box.intersects(r) for r in furniture)
        if m.leader:  # moved: beside its feature, a short leader back to it
            assert math_dist(m.centre, m.anchor) < 60
        else:
            assert m.centre == m.anchor
    for f in features:
        assert frame.intersects(f) and not any(f.intersects(r) for r in furniture)
    for i, a in enumerate(markers):
        assert not any(a.box.intersects(b.box) for b in markers[i + 1:])
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils not installed")
    subprocess.run(["pdftoppm", "-r", "96", "-f", "1", "-l", "1", "-png", str(out), str(tmp_path / "o")], check=True)
    img = QImage(str(next(tmp_path.glob("o*.png"))))

    def blue_near(rect) -> bool:
        # anywhere on the tower: a numbered marker may sit on its centre when it fits there
        for x in range(int(rect.left()), int(rect.right()) + 1, 2):
            for y in range(int(rect.top()), int(rect.bottom()) + 1, 2):
                px = img.pixelColor(x, y)
                if px.blue() > 150 and px.red() < 120 and px.blue() - px.red() > 80:
                    return True
        return False

    assert all(blue_near(f) for f in features)  # every listed tower is highlighted
    cyan = sum(1 for x in range(0, img.width(), 2) for y in range(0, img.height(), 2)
               if img.pixelColor(x, y).red() < 90 and img.pixelColor(x, y).green() > 170
               and img.pixelColor(x, y).blue() > 200)
    assert cyan == 0
    text = subprocess.run(["pdftotext", "-l", "1", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for word in ("闲置", "低效", "在建", "已建成", "空置率", "储备"):
        assert word not in text, word


def test_land_overview_is_plain_and_numbers_stay_on_their_parcels(demo_project, tmp_path):
    from landapp.opportunities import opportunity_list
    from layers.listpdf import write_list_pdf

    df = opportunity_list(demo_project, "land")
    layout: dict = {}
    write_list_pdf(demo_project, df, "land", str(tmp_path / "l.pdf"), layout=layout)
    markers, furniture = layout["markers"], layout["panel"] + layout["title"]
    assert len(markers) == len(df)
    for i, a in enumerate(markers):
        assert layout["frame"].contains(a.box) and not any(a.box.intersects(r) for r in furniture)
        assert not any(a.box.intersects(b.box) for b in markers[i + 1:])
        assert not a.leader or math_dist(a.centre, a.anchor) < 60
    assert any(not m.leader for m in markers)  # big parcels keep their number on them
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-l", "1", str(tmp_path / "l.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "闲置" not in text and "低效" not in text and "已建成" not in text


def math_dist(a, b) -> float:
    import math

    return math.hypot(a.x() - b.x(), a.y() - b.y())


def _arc_parcel(store):
    """A parcel whose north-west side is a quarter circle of 100 points 2.4 m apart (103
    boundary points), with a neighbour."""
    import math

    from shapely.geometry import Polygon, box

    x, y, r = 430000.0, 3384000.0, 150.0
    arc = [(x + r - r * math.cos(t), y + r * math.sin(t)) for t in [i * math.pi / 2 / 99 for i in range(100)]]
    poly = Polygon(arc + [(x + r, y), (x + r + 40, y - 30), (x - 10, y - 30)])
    assert len(poly.exterior.coords) - 1 == 103
    fid = store.insert("parcels", {"code": "510112001001GB00103", "land_use": "100101", "status": "待供",
                                   "geometry": poly})
    store.insert("parcels", {"code": "510112001001GB00104", "land_use": "0901", "status": "储备",
                             "geometry": box(x + r + 45, y - 30, x + r + 200, y + 150)})
    return fid


def test_dense_boundary_points_are_all_numbered_without_overlaps(empty_project, tmp_path):
    """103 points, 100 of them 2.4 m apart on an arc: at the sheet's 1:2,500 they are too
    dense to number side by side, so the sheet says so and numbers them in enlarged details;
    every point J1…J103 is numbered on the sheet or in a detail, and no two numbers overlap
    in any frame, each wholly inside it."""
    from PySide6.QtCore import QRectF

    from layers.render import pdf_document
    from layers.sheet_points import DETAIL_H, DETAIL_W
    from layers.sheets import FRAME, SheetPainter, paint_atlas

    fid = _arc_parcel(empty_project)
    sp = SheetPainter(empty_project)
    plan = sp.plan(fid)
    assert plan.details and plan.dense.sum() >= 90
    out = tmp_path / "arc.pdf"
    with pdf_document(str(out), title="t") as doc:
        pages = paint_atlas(sp, doc.painter, [fid], doc.new_page)
    assert pages == plan.pages >= 2
    frames = [(QRectF(0, 0, FRAME.width(), FRAME.height()), sp.last_point_labels)]
    frames += [(QRectF(0, 0, DETAIL_W, DETAIL_H), labels) for labels in sp.last_detail_labels.values()]
    assert len(frames) == 1 + len(plan.details)
    numbered = set()
    for frame, labels in frames:
        for i, a in enumerate(labels):
            assert frame.contains(a.box), a.text
            clash = [b.text for b in labels[i + 1:] if a.box.intersects(b.box)]
            assert not clash, (a.text, clash)
        numbered |= {lab.text for lab in labels}
    assert numbered == {f"J{i}" for i in range(1, 104)}
    if shutil.which("pdftotext"):
        import unicodedata  # until the PDF text layer maps 大 right (helper pdfs)

        first = re.sub(r"\s", "", subprocess.run(["pdftotext", "-l", "1", str(out), "-"], capture_output=True,
                                                text=True, check=True).stdout)
        first = unicodedata.normalize("NFKC", first)
        assert "界址点较密" in first and "局部放大图" in first
        second = re.sub(r"\s", "", subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(out), "-"],
                                                 capture_output=True, text=True, check=True).stdout)
        assert "详图1" in second


def test_sheet_point_numbers_beside_a_few_close_points_do_not_overlap(empty_project):
    """A plain parcel with two points close together at one corner: numbered on the sheet's
    own map (no detail), the close pair's numbers moved apart with a leader."""
    from PySide6.QtCore import QRectF
    from shapely.geometry import Polygon

    from layers.render import pdf_document
    from layers.sheets import FRAME, SheetPainter, paint_atlas

    x, y = 430000.0, 3384000.0
    poly = Polygon([(x, y + 100), (x + 100, y + 100), (x + 100, y + 0.8), (x + 99.2, y), (x, y)])
    fid = empty_project.insert("parcels", {"code": "P1", "land_use": "100101", "status": "待供", "geometry": poly})
    sp = SheetPainter(empty_project)
    assert not sp.plan(fid).details
    import tempfile

    with tempfile.TemporaryDirectory() as d, pdf_document(f"{d}/a.pdf", title="t") as doc:
        paint_atlas(sp, doc.painter, [fid], doc.new_page)
    labels = sp.last_point_labels
    assert [lab.text for lab in labels] == ["J1", "J2", "J3", "J4", "J5"]
    frame = QRectF(0, 0, FRAME.width(), FRAME.height())
    for i, a in enumerate(labels):
        assert frame.contains(a.box) and not any(a.box.intersects(b.box) for b in labels[i + 1:])


def test_sheets_cli_takes_several_codes_and_keeps_their_order(demo_project, tmp_path):
    import sys

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {**os.environ, "PYTHONPATH": root, "QT_QPA_PLATFORM": "offscreen"}
    codes = sorted(demo_project.read_layer("parcels", columns=["code"])["code"])[:3]
    asked = [codes[2], codes[0], codes[1]]  # not in code order
    path = demo_project.path

    def first_codes(pdf) -> list[str]:
        out = []
        n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                              check=True).stdout).group(1))
        for page in range(1, n + 1):
            text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                                  capture_output=True, text=True, check=True).stdout
            out += [c for c in codes if c in text.split() and c not in out]
        return out

    for argv in (["--parcel", *asked], ["--parcel", asked[0], "--parcel", asked[1], asked[2]]):
        out = tmp_path / "s.pdf"
        r = subprocess.run([sys.executable, "-m", "landapp", "export", "sheets", path, "-o", str(out), *argv],
                           capture_output=True, text=True, env=env, timeout=120, check=False)
        assert r.returncode == 0, r.stderr
        assert "3 宗" in r.stdout
        if shutil.which("pdftotext"):
            assert first_codes(out) == asked


def test_no_text_of_a_label_cut_by_the_sheet_frame(demo_project, tmp_path):
    """Neighbours' codes and road names cut by the map frame used to stay in the PDF as
    hidden text (copying the coordinate table gave "J1009-00024"): every word inside the
    frame's area now lies wholly inside it."""
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    from layers.sheets import FRAME

    fids = select_parcels(demo_project)[:6]
    out = tmp_path / "s.pdf"
    stats: dict = {}
    write_sheets(demo_project, str(out), fids, stats=stats)
    pt = 72 / 96  # page px -> PDF points
    fx0, fy0, fx1, fy1 = FRAME.left() * pt, FRAME.top() * pt, FRAME.right() * pt, FRAME.bottom() * pt
    bbox = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True, check=True).stdout
    checked = 0
    for page in bbox.split("<page ")[1:]:
        if "界址点坐标表(续)" in page or "局部放大" in page:
            continue
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page):
            x0, y0, x1, y1 = map(float, m.groups()[:4])
            if x1 < fx0 or x0 > fx1 or y1 < fy0 or y0 > fy1:
                continue  # outside the map frame: the sheet's own text
            checked += 1
            tol = 1.5
            assert fx0 - tol <= x0 and x1 <= fx1 + tol and fy0 - tol <= y0 and y1 <= fy1 + tol, m.group(5)
    assert checked > 20
