import pytest

from landapp import landuse
from landapp.errors import ValidationError
from landapp.i18n import set_language
from landapp.schema import LAYERS, validate_record
from landapp.units import format_area, from_mu, to_mu


def test_mu():
    assert to_mu(10000 / 15) == pytest.approx(1.0)
    assert to_mu(10000) == pytest.approx(15.0)  # 15 亩 = 1 公顷
    assert from_mu(3) == pytest.approx(2000.0)
    assert format_area(6666.666) == "6,666.7 ㎡ (10.00 亩)"


@pytest.mark.parametrize("old, new", [("M1", "100101"), ("M2", "100102"), ("M3", "100103"),
                                      ("W1", "110101"), ("W3", "110103"), ("B1", "0901"),
                                      ("B2", "0902"), ("B3", "0903"), (" m1 ", "100101"),
                                      ("100101", "100101"), ("0802", "0802")])
def test_old_codes_map_to_national_codes(old, new):
    assert landuse.normalize_code(old) == new


def test_land_use_names_colours_and_tree():
    assert landuse.name("M1") == "一类工业用地"
    assert landuse.name("0902", "en") == "Business and finance"
    assert landuse.label("B1") == "0901 商业用地"
    assert landuse.colour("100102") == "#B08C64"
    assert landuse.colour("0701") == landuse.COLOURS["07"]  # inherits its class colour
    assert landuse.colour("XYZ") == "#DDDDDD"
    roots = {node.code: children for node, children in landuse.tree()}
    assert "10" in roots and any(c.code == "1001" for c, _ in roots["10"])
    industrial = dict((c.code, gc) for c, gc in roots["10"])
    assert [g.code for g, _ in industrial["1001"]] == ["100101", "100102", "100103"]
    with pytest.raises(KeyError):
        landuse.normalize_code("Q7")


def test_every_layer_has_chinese_and_english_titles():
    for spec in LAYERS.values():
        assert spec.title_zh and spec.title_en
        for f in spec.fields:
            assert f.title_zh and f.title_en and f.title_zh != f.title_en, (spec.name, f.name)


@pytest.mark.parametrize("layer, record, field", [
    ("leases", {"building_id": 1, "tenant": "甲公司", "start_date": "2025-01-01",
                "end_date": "2024-12-31", "area": 100, "status": "有效"}, "end_date"),
    ("leases", {"building_id": 1, "tenant": "甲公司", "start_date": "2025-01-01",
                "end_date": "2026-01-01", "area": -5, "status": "有效"}, "area"),
    ("units", {"building_id": 1, "area": 100, "status": "出租"}, "status"),
    ("units", {"building_id": 1, "status": "空置"}, "area"),
    ("buildings", {"name": "A", "btype": "标准厂房", "storeys": 2.5}, "storeys"),
    ("buildings", {"name": "A", "btype": "仓库"}, "btype"),
    ("enterprises", {"name": "甲", "credit_code": "123"}, "credit_code"),
    ("parcels", {"code": "A", "status": "待供", "far_max": float("inf")}, "far_max"),
    ("parcels", {"status": "待供"}, "code"),
])
def test_bad_values(layer, record, field):
    with pytest.raises(ValidationError) as e:
        validate_record(layer, record)
    assert e.value.field == field and e.value.layer == layer


def test_values_are_normalised():
    rec = validate_record("parcels", {"code": " A1 ", "status": "待供", "total_investment": "1,200",
                                      "supply_date": "2024/3/05".replace("/3/", "/03/"),
                                      "retired": "否", "name": ""})
    assert rec == {"code": "A1", "status": "待供", "total_investment": 1200.0, "supply_date": "2024-03-05",
                   "retired": False, "name": None}


def test_messages_in_english():
    set_language("en")
    try:
        with pytest.raises(ValidationError) as e:
            validate_record("parcels", {"code": "A", "status": "待供", "density": 150})
        assert str(e.value) == ("Field 'Building coverage (%)' (density) has an invalid value 150: "
                                "must be at most 100.")
    finally:
        set_language("zh")
