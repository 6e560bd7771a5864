"""The one renderer: the same code paints the screen (into a QImage in a background thread),
PNG files, PDF pages and the printer."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Sequence

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from landapp.i18n import tr
from layers.base import Cancel, LabelGrid, MapLayer
from layers.decorations import (decoration_rects, draw_legend, draw_north_arrow, draw_scale_bar,
                                north_arrow_centre, scale_bar_anchor)
from layers.view import MapView

BACKGROUND = QColor("#F6F3E8")


def ensure_gui_app():
    """QPainter on images needs a QGuiApplication; create an offscreen one when headless."""
    import os

    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication([])
    return app


def render(painter: QPainter, view: MapView, layers: Sequence[MapLayer], *, cancel: Cancel = None,
           labels: bool = True, decorations: bool = True, legend: bool = False,
           background: QColor | None = BACKGROUND, dpi: float | None = None,
           keep_clear: Sequence[QRectF] = ()) -> bool:
    """Paint the visible layers (bottom to top), then labels (top layer first), then the
    scale bar and north arrow (and legend). Labels stay out of the decorations' boxes and
    out of `keep_clear` (the canvas draws its own scale bar and north arrow over the frame).
    Returns False if cancelled."""
    if background is not None:
        painter.fillRect(QRectF(0, 0, view.width, view.height), background)
    visible = [layer for layer in layers if layer.visible and layer.opacity > 0]
    for layer in visible:
        if cancel is not None and cancel():
            return False
        layer.draw(painter, view, cancel)
    if labels:
        grid = LabelGrid(bounds=QRectF(0, 0, view.width, view.height))  # no label cut by the frame
        for r in [*keep_clear, *(decoration_rects(view) if decorations else [])]:
            grid.add(r)
        for layer in reversed(visible):
            if cancel is not None and cancel():
                return False
            layer.draw_labels(painter, view, grid, cancel)
    if decorations:
        draw_scale_bar(painter, view, scale_bar_anchor(view), dpi=dpi)
        draw_north_arrow(painter, north_arrow_centre(view))
    if legend:
        groups = [(layer.title, layer.legend()) for layer in reversed(visible)]
        draw_legend(painter, groups, QPointF(view.width - 230, 84))
    return True


def render_image(layers: Sequence[MapLayer], view: MapView, *, cancel: Cancel = None,
                 device_pixel_ratio: float = 1.0, **kw) -> QImage:
    ensure_gui_app()
    img = QImage(int(view.width * device_pixel_ratio), int(view.height * device_pixel_ratio),
                 QImage.Format.Format_ARGB32_Premultiplied)
    img.setDevicePixelRatio(device_pixel_ratio)
    img.fill(BACKGROUND)
    p = QPainter(img)
    try:
        render(p, view, layers, cancel=cancel, **kw)
    finally:
        p.end()
    return img


def render_png(path: str, layers: Sequence[MapLayer], view: MapView, **kw) -> None:
    from landapp.errors import LandappError

    img = render_image(layers, view, **kw)
    if not img.save(path, "PNG"):
        raise LandappError(tr(f"无法写入 {path}。", f"Cannot write {path}."))


def render_pdf(path: str, layers: Sequence[MapLayer], bbox, *, title: str = "",
               landscape: bool = True, **kw) -> None:
    """One A4 page: the map of bbox fitted to the page, with title, scale bar, north arrow
    and the legend beside the map. Text stays text (fonts embedded by Qt)."""
    with pdf_document(path, title=title or "landapp", landscape=landscape, margins_mm=10) as doc:
        p = doc.painter
        w = doc.writer.width() * 96.0 / doc.writer.resolution()
        h = doc.writer.height() * 96.0 / doc.writer.resolution()
        top = 0.0
        if title:
            from layers.vector import label_font

            p.setFont(label_font(14, bold=True))
            p.drawText(QRectF(0, 0, w, 30), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
            top = 34.0
        legend_w = 230.0  # the legend sits beside the map, not on it
        view = MapView.fit(bbox, int(w - legend_w), int(h - top))
        p.translate(0, top)
        p.setClipRect(QRectF(0, 0, view.width, view.height))
        render(p, view, layers, dpi=96.0, **kw)
        p.setClipping(False)
        p.setPen(QColor(60, 60, 60))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(0, 0, view.width, view.height))
        visible = [layer for layer in layers if layer.visible and layer.opacity > 0]
        draw_legend(p, [(layer.title, layer.legend()) for layer in reversed(visible)],
                    QPointF(view.width + 10, 0), max_rows=40)


class PdfDocument:
    """What `pdf_document` yields: the writer, a painter in 96-dpi pixels, page turning."""

    def __init__(self, writer: QPdfWriter, painter: QPainter):
        self.writer = writer
        self.painter = painter
        self.cancelled = False
        self.pages = 1

    def new_page(self) -> None:
        self.writer.newPage()
        self.pages += 1


@contextmanager
def pdf_document(path: str, *, title: str, landscape: bool = False, margins_mm: float = 0.0,
                 dpi: int = 300):
    """An A4 PDF written beside the target and renamed into place when done, so a failure or
    a cancel (doc.cancelled = True) never leaves a half-written file. The painter works in
    96-dpi pixels (see label_font), whatever the resolution."""
    import os
    import tempfile

    from landapp.errors import LandappError
    from landapp.files import replace_into_place

    ensure_gui_app()
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if not os.path.isdir(folder):
        raise LandappError(tr(f"文件夹 {folder} 不存在。", f"The folder {folder} does not exist."))
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
    os.close(fd)
    writer = QPdfWriter(tmp)
    writer.setResolution(dpi)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait)
    writer.setPageMargins(QMarginsF_mm(margins_mm), QPageLayout.Unit.Millimeter)
    writer.setTitle(title)
    writer.setCreator("landapp")
    painter = QPainter()
    if not painter.begin(writer):
        os.unlink(tmp)
        raise LandappError(tr(f"无法写入 {path}。", f"Cannot write {path}."))
    painter.scale(dpi / 96.0, dpi / 96.0)
    doc = PdfDocument(writer, painter)
    done = False
    try:
        yield doc
        done = True
    finally:
        if painter.isActive():
            painter.end()
        if done and not doc.cancelled:
            replace_into_place(tmp, path)
        elif os.path.exists(tmp):
            os.unlink(tmp)


def QMarginsF_mm(mm: float) -> QMarginsF:
    return QMarginsF(mm, mm, mm, mm)
