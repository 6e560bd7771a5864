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
