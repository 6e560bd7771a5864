import numpy as np
import pytest
from hypothesis import given, strategies as st

from landapp import coords


def test_gcj02_test_vector_from_domain():
    lon, lat = coords.wgs84_to_gcj02(116.404, 39.915)
    assert lon == pytest.approx(116.41024449916938, abs=1e-12)
    assert lat == pytest.approx(39.91640428150164, abs=1e-12)


def test_bd09_vector():
    # shared/domain.md's BD-09 figure is the BD-09 of (116.404, 39.915) read as GCJ-02,
    # the usual library example; the chained WGS84->GCJ-02->BD-09 value differs.
    assert coords.gcj02_to_bd09(116.404, 39.915) == pytest.approx(
        (116.41036949371029, 39.92133699351021), abs=1e-12)


def test_no_offset_outside_china():
    assert coords.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)


@given(st.floats(97, 125), st.floats(21, 45))
def test_gcj02_inverse_better_than_a_centimetre(lon, lat):
    g = coords.wgs84_to_gcj02(lon, lat)
    back = coords.gcj02_to_wgs84(*g)
    assert abs(back[0] - lon) < 1e-7 and abs(back[1] - lat) < 1e-7  # ~1 cm


@given(st.floats(97, 125), st.floats(21, 45))
def test_bd09_round_trip(lon, lat):
    back = coords.bd09_to_gcj02(*coords.gcj02_to_bd09(lon, lat))
    assert back == pytest.approx((lon, lat), abs=1e-5)


def test_vectorised_matches_scalar():
    lons = np.array([104.27, 106.5, 116.404])
    lats = np.array([30.58, 29.5, 39.915])
    vx, vy = coords.wgs84_to_gcj02(lons, lats)
    for i in range(3):
        assert (vx[i], vy[i]) == coords.wgs84_to_gcj02(lons[i], lats[i])


def test_project_crs_round_trip_is_easting_first():
    x, y = coords.from_lonlat(104.27, 30.58, 4544)
    assert 400_000 < x < 500_000 and 3_300_000 < y < 3_450_000  # easting, northing
    lon, lat = coords.to_lonlat(x, y, 4544)
    assert (lon, lat) == pytest.approx((104.27, 30.58), abs=1e-9)


def test_gk_zone():
    assert coords.gk_zone_epsg(104.27) == 4544
    assert coords.gk_zone_epsg(104.27, prefix=True) == 4523
    assert coords.gk_zone_epsg(107.0) == 4545
    with pytest.raises(ValueError):
        coords.gk_zone_epsg(10.0)
