"""ParkMap.extent is kept between calls (the window asks several times while it opens) and
follows edits."""

from shapely.geometry import MultiPolygon, box


def test_extent_is_kept_and_follows_edits(demo_project):
    from layers.map import ParkMap

    m = ParkMap(demo_project, with_tiles=False, with_raster=False)
    x0, y0, x1, y1 = m.extent()
    calls = []
    layer = m.layer("zones")
    real = layer.extent
    layer.extent = lambda: (calls.append(1), real())[1]
    assert m.extent() == (x0, y0, x1, y1) and not calls  # not scanned again
    far = MultiPolygon([box(x1 + 5000, y1 + 5000, x1 + 5100, y1 + 5100)])
    fid = demo_project.insert("parcels", {"code": "FAR-1", "status": "储备", "geometry": far})
    assert m.extent()[2:] == (x1 + 5100, y1 + 5100) and calls  # the new parcel is in it
    demo_project.delete("parcels", fid)
    assert m.extent() == (x0, y0, x1, y1)
