"""Run by Debian's /usr/bin/python3 with python3-qgis (not landapp's Python): open a landapp
project in QGIS as a user would and print, as JSON, what QGIS sees. Usage:
    /usr/bin/python3 qgis_probe.py PROJECT.gpkg [OUT.png]
Nothing from landapp is imported here."""

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (QgsApplication, QgsMapRendererSequentialJob, QgsMapSettings, QgsProject,  # noqa: E402
                       QgsRenderContext, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402
from qgis.PyQt.QtXml import QDomDocument  # noqa: E402


def colour(c: QColor) -> str:
    return c.name().upper() if c.alpha() else "none"


def layer_report(lyr: QgsVectorLayer) -> dict:
    r = lyr.renderer()
    out = {"valid": lyr.isValid(), "count": lyr.featureCount(), "crs": lyr.crs().authid(),
           "renderer": r.type() if r else None,
           "aliases": {f.name(): lyr.attributeAlias(i) for i, f in enumerate(lyr.fields())},
           "labels": bool(lyr.labelsEnabled())}
    if lyr.labelsEnabled() and lyr.labeling() is not None:
        s = lyr.labeling().settings()
        out["label_expression"] = s.fieldName
        exp = s.getLabelExpression()
        ctx = lyr.createExpressionContext()
        texts = {}
        for f in lyr.getFeatures():
            ctx.setFeature(f)
            texts[str(f.id())] = exp.evaluate(ctx)
        out["label_texts"] = texts
    if r is not None and r.type() == "categorizedSymbol":
        out["attr"] = r.classAttribute()
        out["categories"] = [{"value": c.value() if not isinstance(c.value(), list) else list(c.value()),
                              "label": c.label(), "fill": colour(c.symbol().color())}
                             for c in r.categories()]
    try:
        n, ids, names, descs, err = lyr.listStylesInDatabase()
        out["styles_in_db"] = list(names)[:n]  # the rest are other tables' styles
    except Exception as e:  # noqa: BLE001
        out["styles_in_db_error"] = str(e)
    if r is None:
        return out
    out["fills"] = fills(lyr, r)
    # every landapp style in the file, loaded as QGIS's style manager loads it
    out["fills_by_style"] = {}
    n, ids, names, descs, err = lyr.listStylesInDatabase()
    for sid, name in zip(list(ids)[:n], list(names)[:n]):
        qml, _ = lyr.getStyleFromDatabase(sid)
        doc = QDomDocument()
        doc.setContent(qml)
        ok, msg = lyr.importNamedStyle(doc)
        out["fills_by_style"][name] = fills(lyr, lyr.renderer()) if ok else msg
    return out


def fills(lyr, r) -> dict:
    """The fill colour QGIS draws each feature with."""
    ctx = QgsRenderContext()
    ctx.setExpressionContext(lyr.createExpressionContext())
    r = r.clone()
    r.startRender(ctx, lyr.fields())
    out = {}
    for f in lyr.getFeatures():
        ctx.expressionContext().setFeature(f)
        syms = r.symbolsForFeature(f, ctx)
        out[str(f.id())] = colour(syms[0].color()) if syms else None
    r.stopRender(ctx)
    return out


def main() -> None:
    path = os.path.abspath(sys.argv[1])
    png = sys.argv[2] if len(sys.argv) > 2 else None
    app = QgsApplication([], False)
    app.initQgis()
    report = {"layers": {}}
    for name in ("parcels", "buildings", "zones", "roads", "units"):
        lyr = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
        report["layers"][name] = layer_report(lyr)
    project = QgsProject.instance()
    uri = f"geopackage:{path}?projectName=landapp"
    report["project_read"] = bool(project.read(uri))
    report["project_crs"] = project.crs().authid()
    report["project_layers"] = {lyr.name(): {"valid": lyr.isValid(), "type": lyr.type(),
                                             "visible": project.layerTreeRoot().findLayer(lyr.id()).isVisible(),
                                             "renderer": lyr.renderer().type() if hasattr(lyr, "renderer")
                                             and lyr.renderer() else None}
                                for lyr in project.mapLayers().values()}
    if png:
        root = project.layerTreeRoot()
        visible = [n.layer() for n in root.findLayers() if n.isVisible() and n.layer().isSpatial()]
        settings = QgsMapSettings()
        settings.setLayers(visible)
        settings.setDestinationCrs(project.crs())
        ext = project.mapLayersByName("地块")[0].extent()
        ext.scale(1.05)
        settings.setExtent(ext)
        settings.setOutputSize(QSize(1600, 1000))
        settings.setBackgroundColor(QColor("#F6F3E8"))
        settings.setOutputDpi(96)
        job = QgsMapRendererSequentialJob(settings)
        job.start()
        job.waitForFinished()
        report["png_saved"] = bool(job.renderedImage().save(png, "PNG"))
    print(json.dumps(report, ensure_ascii=False), flush=True)
    sys.stderr.flush()
    os._exit(0)  # QGIS 3.22's teardown with a loaded project segfaults


if __name__ == "__main__":
    main()
