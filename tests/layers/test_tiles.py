"""Online tile basemap: fetched from a tile server (here a local one), cached on disk,
quiet when offline, GCJ-02 tiles placed on WGS84 data."""

from __future__ import annotations

import http.server
import threading

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from landapp.coords import from_lonlat, wgs84_to_gcj02
from layers.render import render_image
from layers.tiles import TileLayer, TileProvider, lonlat_tile, tile_lonlat
from layers.view import MapView


def _png(colour: str) -> bytes:
    img = QImage(256, 256, QImage.Format.Format_RGB32)
    img.fill(QColor(colour))
    ba = QByteArray()
    buf = QBuffer(ba)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    return bytes(ba)


@pytest.fixture
def tile_server():
    body = _png("#00AA00")
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", hits
    srv.shutdown()


def _view():
    x, y = from_lonlat(104.27, 30.58, 4544)
    return MapView(x, y, 20.0, 300, 200)


def test_tiles_are_fetched_cached_and_drawn(tile_server, tmp_path):
    base, hits = tile_server
    prov = {"local": TileProvider("local", "测试", "Test", (base + "/{z}/{x}/{y}.png",))}
    layer = TileLayer(4544, "local", cache_dir=str(tmp_path), providers=prov)
    layer.visible = True
    notified = []
    layer.on_changed(lambda _l: notified.append(1))
    view = _view()
    render_image([layer], view, labels=False, decorations=False)  # nothing cached: requests go out
    layer.wait_idle()
    assert hits and notified  # the map is told to repaint when tiles arrive
    img = render_image([layer], view, labels=False, decorations=False)
    c = img.pixelColor(150, 100)
    assert (c.red(), c.green(), c.blue()) == (0, 0xAA, 0)
    assert list(tmp_path.rglob("*.png"))
    # a new layer reads the disk cache without asking the server again
    n = len(hits)
    again = TileLayer(4544, "local", cache_dir=str(tmp_path), providers=prov)
    again.visible = True
    img = render_image([again], view, labels=False, decorations=False)
    assert img.pixelColor(150, 100).green() == 0xAA and len(hits) == n


def test_offline_fails_quietly(tmp_path):
    prov = {"dead": TileProvider("dead", "断网", "Offline", ("http://127.0.0.1:9/{z}/{x}/{y}.png",))}
    layer = TileLayer(4544, "dead", cache_dir=str(tmp_path), providers=prov)
    layer.visible = True
    render_image([layer], _view(), labels=False, decorations=False)
    layer.wait_idle()
    assert layer.offline
    render_image([layer], _view(), labels=False, decorations=False)  # no exception, no retry storm
    assert not layer._pending


def test_gcj02_tiles_are_shifted_onto_wgs84_data():
    wgs = TileLayer(4544, "osm")
    gcj = TileLayer(4544, "amap")
    z, (x, y) = 16, lonlat_tile(104.27, 30.58, 16)
    a = wgs.tile_quad(z, x, y)[0]
    b = gcj.tile_quad(z, x, y)[0]
    w, _, _, n = tile_lonlat(z, x, y)
    # the Amap tile corner labelled (w, n) in GCJ-02 lies where WGS84 (w, n) minus the offset is
    glon, glat = wgs84_to_gcj02(w, n)
    offset = ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
    assert 100 < offset < 1000  # hundreds of metres in Chengdu
    gx, gy = from_lonlat(glon, glat, 4544)
    assert ((gx - a[0]) ** 2 + (gy - a[1]) ** 2) ** 0.5 == pytest.approx(offset, rel=0.05)


def test_tianditu_needs_a_key(tmp_path):
    layer = TileLayer(4544, "tianditu", cache_dir=str(tmp_path), api_key=None)
    layer.api_key = None
    layer.visible = True
    render_image([layer], _view(), labels=False, decorations=False)
    assert not layer._pending and not layer._failed  # nothing requested without the user's key
