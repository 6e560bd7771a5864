"""The attribute table's store access (table_fids, table_cells) on PostGIS gives the same
rows, order and cells as the GeoPackage it was pushed from."""

from __future__ import annotations

import numpy as np
import pytest

from landapp.store import TableQuery, open_project
from landapp.store.transfer import push

from test_store_table import QUERIES  # noqa: E402 (pytest puts tests/landapp on sys.path)


@pytest.fixture
def both(demo_project, pg_target):
    push(demo_project.path, pg_target)
    db = open_project(pg_target)
    yield demo_project, db
    db.close()


def test_table_fids_agree_with_the_geopackage(both):
    gp, db = both
    for query in QUERIES + [TableQuery(only=tuple(gp.table_fids("parcels")[:4].tolist()))]:
        got = db.table_fids("parcels", query)
        assert got.dtype == np.int64
        assert got.tolist() == gp.table_fids("parcels", query).tolist(), query


def test_table_cells_agree_with_the_geopackage(both):
    gp, db = both
    fids = gp.table_fids("parcels")[:40].tolist() + [10**9]
    cols = ["code", "status", "supply_date", "area_m2", "retired", "land_user_id", "created"]
    assert db.table_cells("parcels", fids, cols) == gp.table_cells("parcels", fids, cols)
    from landapp.errors import LandappError
    with pytest.raises(LandappError):
        db.table_fids("parcels", TableQuery(order_by="area_m2; DROP TABLE parcels"))
    with pytest.raises(LandappError):
        db.table_cells("parcels", [1], ['code" FROM parcels --'])


@pytest.mark.parametrize("layer", ["parcels", "buildings", "units", "leases", "enterprises"])
def test_read_layer_gives_the_same_frame(both, layer):
    """Every column, type and value of a layer read from PostGIS equals the GeoPackage's."""
    import pandas as pd
    import shapely

    gp, db = both
    a, b = gp.read_layer(layer), db.read_layer(layer)
    assert list(a.columns) == list(b.columns) and a.index.tolist() == b.index.tolist()
    attrs = [c for c in a.columns if c != "geometry"]
    for c in attrs:
        assert a[c].dtype == b[c].dtype, c
    pd.testing.assert_frame_equal(pd.DataFrame(a[attrs]), pd.DataFrame(b[attrs]))
    if "geometry" in a:
        assert shapely.equals_exact(a.geometry.values, b.geometry.values, 0).all()
        assert a.crs == b.crs
