"""A georeferenced image (the park's planning map): PNG/JPEG/TIFF with a world file
(.pgw/.jgw/.tfw/.wld), drawn under the vector layers through the same map transform."""

from __future__ import annotations

import os

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QTransform

from landapp.errors import LandappError
from landapp.i18n import tr
from layers.base import Cancel, LegendEntry, MapLayer
from layers.view import MapView

WORLD_EXT = {".png": [".pgw", ".pngw", ".wld"], ".jpg": [".jgw", ".jpgw", ".wld"],
             ".jpeg": [".jgw", ".jpegw", ".wld"], ".tif": [".tfw", ".tifw", ".wld"],
             ".tiff": [".tfw", ".tiffw", ".wld"], ".bmp": [".bpw", ".wld"]}


def read_world_file(image_path: str) -> QTransform:
    """Pixel (col, row) -> map transform from the world file beside the image. The world
    file gives the centre of the upper-left pixel; QImage pixels start at their corner."""
    stem, ext = os.path.splitext(image_path)
    for wext in WORLD_EXT.get(ext.lower(), [".wld"]):
        wf = stem + wext
        if os.path.exists(wf):
            try:
                with open(wf, encoding="ascii") as fh:
                    a, d, b, e, c, f = (float(v) for v in fh.read().split()[:6])
            except (ValueError, UnicodeDecodeError):
                raise LandappError(tr(f"坐标文件 {wf} 格式不对(应为 6 行数字)。",
                                      f"The world file {wf} is malformed (it needs 6 numbers).")) from None
            return QTransform(a, d, b, e, c - a / 2 - b / 2, f - d / 2 - e / 2)
    raise LandappError(tr(f"图片 {os.path.basename(image_path)} 旁边没有坐标文件(如 .pgw),无法定位。",
                          f"The image {os.path.basename(image_path)} has no world file (e.g. .pgw) "
                          "beside it, so it cannot be placed."))


class RasterLayer(MapLayer):
    kind = "raster"

    def __init__(self, path: str, title_zh: str = "园区底图", title_en: str = "Park map"):
        super().__init__("raster:" + os.path.basename(path), title_zh, title_en)
        self.path = path
        if not os.path.exists(path):
            raise LandappError(tr(f"找不到底图 {path}。", f"The map image {path} does not exist."))
        self.image = QImage(path)
        if self.image.isNull():
            raise LandappError(tr(f"无法读取图片 {path}。", f"Cannot read the image {path}."))
        self.pixel_to_map = read_world_file(path)
        self._levels: dict[int, QImage] = {1: self.image}

    def extent(self):
        r = self.pixel_to_map.mapRect(QRectF(0, 0, self.image.width(), self.image.height()))
        return (r.left(), r.top(), r.right(), r.bottom())

    def _level(self, factor: int) -> QImage:
        """Downsampled copies for zoomed-out views (drawing a big image small is slow)."""
        if factor not in self._levels:
            self._levels[factor] = self.image.scaled(max(1, self.image.width() // factor),
                                                     max(1, self.image.height() // factor),
                                                     Qt.AspectRatioMode.IgnoreAspectRatio,
                                                     Qt.TransformationMode.SmoothTransformation)
        return self._levels[factor]

    def draw(self, painter: QPainter, view: MapView, cancel: Cancel = None) -> None:
        px_size = abs(self.pixel_to_map.m11()) or 1.0
        screen_px_per_image_px = px_size / view.scale
        factor = 1
        while screen_px_per_image_px * factor * 2 <= 1.0 and factor < 16:
            factor *= 2
        img = self._level(factor)
        sx = self.image.width() / img.width()
        sy = self.image.height() / img.height()
        t = QTransform.fromScale(sx, sy) * self.pixel_to_map * view.transform()
        painter.save()
        painter.setOpacity(painter.opacity() * self.opacity)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.setTransform(t, True)
        painter.drawImage(QPointF(0, 0), img)
        painter.restore()

    def legend(self) -> list[LegendEntry]:
        return [LegendEntry(self.title, None, None, "raster")]
