"""Opportunity lists, 四至, and the spreadsheets planners open in Excel/LibreOffice."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest
from shapely.geometry import box

from landapp.errors import LandappError
from landapp.opportunities import Filters, headers, opportunity_list
from landapp.publish import write_csv, write_xlsx
from landapp.sizhi import SizhiFinder, sizhi_text
from landapp.store.filters import F

X0, Y0 = 430000.0, 3384000.0


def test_sizhi_on_a_hand_made_layout(empty_project):
    s = empty_project
    s.insert("zones", {"name": "测试片区", "geometry": box(X0 - 200, Y0 - 200, X0 + 400, Y0 + 400)})
    s.insert("roads", {"name": "东环路", "geometry": box(X0 + 100, Y0 - 200, X0 + 130, Y0 + 400)})
    target = s.insert("parcels", {"code": "T", "name": "目标", "status": "待供", "geometry": box(X0, Y0, X0 + 100, Y0 + 100)})
    s.insert("parcels", {"code": "N1", "name": "北邻", "status": "待供", "geometry": box(X0, Y0 + 100, X0 + 100, Y0 + 200)})
    s.insert("parcels", {"code": "W1", "status": "待供", "geometry": box(X0 - 100, Y0, X0, Y0 + 100)})
    sz = SizhiFinder(s).sizhi(s.get("parcels", target)["geometry"], target)
    assert sz == {"east": "东环路", "south": "空地", "west": "W1", "north": "北邻(N1)"}
    assert sizhi_text(sz) == "东至东环路，南至空地，西至W1，北至北邻(N1)"


def test_sizhi_names_the_sides_an_elongated_rotated_parcel_faces(empty_project):
    """A long thin parcel turned 30°: its short east end fronts a road, its long north side a
    neighbour. A 90° sector from the centre would give the east to the long side's neighbour;
    the edges facing east say the road. A narrow road in front of the parcel wins over the
    parcel across it, and a side shared by two neighbours names both."""
    from shapely import affinity

    s = empty_project
    s.insert("zones", {"name": "测试片区", "geometry": box(X0 - 600, Y0 - 600, X0 + 600, Y0 + 600)})

    def put(layer, geom, **kw):
        return s.insert(layer, {"geometry": affinity.rotate(geom, 30, origin=(X0, Y0)), "status": "待供", **kw}
                        if layer == "parcels" else {"geometry": affinity.rotate(geom, 30, origin=(X0, Y0)), **kw})

    target = put("parcels", box(X0 - 200, Y0 - 20, X0 + 200, Y0 + 20), code="T")
    put("roads", box(X0 + 200, Y0 - 300, X0 + 210, Y0 + 300), name="东环路")  # 10 m: narrower than the band
    put("parcels", box(X0 + 210, Y0 - 300, X0 + 400, Y0 + 300), code="E1")  # across the road
    put("parcels", box(X0 - 200, Y0 + 20, X0, Y0 + 120), code="N1")
    put("parcels", box(X0, Y0 + 20, X0 + 200, Y0 + 120), code="N2")
    put("roads", box(X0 - 300, Y0 - 45, X0 + 200, Y0 - 20), name="南街")
    sz = SizhiFinder(s).sizhi(s.get("parcels", target)["geometry"], target)
    assert sz["east"] == "东环路"
    assert set(sz["north"].split("、")) == {"N1", "N2"}
    assert sz["south"] == "南街"
    assert sz["west"] == "空地"


def test_land_list_filters_and_columns(demo_project):
    df = opportunity_list(demo_project, "land")
    assert len(df) == demo_project.count("parcels", (F("status") == "待供") & (F("retired") == 0))
    row = df.iloc[0]
    assert row["no"] == 1 and "东至" in row["location"] and "北至" in row["location"]
    assert row["area_mu"] == pytest.approx(row["area_m2"] / (10000 / 15), abs=0.01)
    zone = row["zone"]
    only = opportunity_list(demo_project, "land", Filters(zones=[zone]))
    assert set(only["zone"]) == {zone}
    big = opportunity_list(demo_project, "land", Filters(min_area_mu=80))
    assert (big["area_mu"] >= 80).all() and len(big) < len(df)
    ind = opportunity_list(demo_project, "land", Filters(land_use=["M1"]))  # old code accepted
    assert all(u.startswith("100101") for u in ind["land_use"])
    soon = opportunity_list(demo_project, "land", Filters(date_to=dt.date(2027, 3, 1)))
    assert all(d <= dt.date(2027, 3, 1) for d in soon["expected_supply_date"])
    chosen = opportunity_list(demo_project, "land", Filters(fids=[int(df.index[0])]))
    assert list(chosen.index) == [df.index[0]]
    with pytest.raises(LandappError):
        opportunity_list(demo_project, "land", Filters(land_use=["Z9"]))
    # a misspelt zone, status or carrier type is an error naming the choices, not an empty list
    with pytest.raises(LandappError, match="十陵"):
        opportunity_list(demo_project, "land", Filters(zones=["十零"]))
    with pytest.raises(LandappError, match="待供"):
        opportunity_list(demo_project, "land", Filters(statuses=["待售"]))
    with pytest.raises(LandappError, match="楼宇"):
        opportunity_list(demo_project, "carriers", Filters(building_types=["仓库"]))
    both = opportunity_list(demo_project, "land", Filters(statuses=["待供", "储备"]))
    assert len(both) == demo_project.count("parcels", F("status").in_(("待供", "储备")) & (F("retired") == 0)) > len(df)
    assert headers("land")[:5] == ["序号", "地块编号", "地块名称", "所在片区", "位置/四至"]


def test_carrier_list_counts_vacant_space(demo_project):
    df = opportunity_list(demo_project, "carriers")
    assert len(df) > 20 and set(df["btype"]) <= {"标准厂房", "楼宇"}
    from landapp.vacancy import building_figures, default_as_of, load_space

    fid = int(df.index[0])
    want = building_figures(load_space(demo_project), fid, default_as_of(demo_project)).vacant
    assert want > 0 and df.loc[fid, "available_m2"] == pytest.approx(want, abs=0.1)
    big = opportunity_list(demo_project, "carriers", Filters(min_area_m2=5000))
    assert 0 < len(big) < len(df) and (big["available_m2"] >= 5000).all()
    # available by a date: vacant now, or on a lease that ends by then
    as_of = default_as_of(demo_project)
    later = opportunity_list(demo_project, "carriers", Filters(date_to=as_of.replace(year=as_of.year + 1)))
    assert len(later) >= len(df)
    assert all(later.loc[i, "available_m2"] >= df.loc[i, "available_m2"] - 0.1 for i in df.index)
    assert (later["available_m2"].sum() > df["available_m2"].sum())  # some leases end within the year


def test_xlsx_opens_with_title_frozen_header_filter_and_formats(demo_project, tmp_path):
    df = opportunity_list(demo_project, "land")
    path = tmp_path / "land.xlsx"
    write_xlsx(df, str(path), "land", park=demo_project.name)
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == f"{demo_project.name} 土地供给机会清单"
    assert [c.value for c in ws[2]][:3] == ["序号", "地块编号", "地块名称"]
    assert ws.freeze_panes == "C3"
    assert ws.auto_filter.ref == f"A2:T{len(df) + 2}"
    assert ws["F3"].number_format == "#,##0.0" and isinstance(ws["F3"].value, float)
    assert ws["B3"].value == df.iloc[0]["code"]
    assert ws.column_dimensions["E"].width > ws.column_dimensions["A"].width
    assert ws["J3"].number_format == "General"  # not "0.#", which Excel shows as "40."
    assert ws.row_dimensions[3].height >= 30  # the wrapped 四至 gets the lines it needs
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0  # one page wide, not one page
    assert ws.print_title_rows == "$2:$2"
    exe = shutil.which("libreoffice") or shutil.which("soffice")
    if exe:  # LibreOffice opens it and shows the cells with their formats
        profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
        r = subprocess.run([exe, profile, "--headless", "--convert-to",
                            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",  # UTF-8, as shown
                            "--outdir", str(tmp_path / "lo"), str(path)],
                           capture_output=True, text=True, timeout=180, check=False)
        assert r.returncode == 0, r.stderr
        import csv

        rows = list(csv.reader((tmp_path / "lo" / "land.csv").read_text(encoding="utf-8").splitlines()))
        assert rows[0][0] == f"{demo_project.name} 土地供给机会清单" and rows[1][:2] == ["序号", "地块编号"]
        first = df.iloc[0]
        assert rows[2][1] == first["code"] and rows[2][5] == f"{first['area_m2']:,.1f}"
        assert rows[2][14] == first["expected_supply_date"].isoformat()
        assert rows[2][9] == f"{first['density']:g}"
        assert len(rows) == len(df) + 2


def test_csv_has_a_bom_for_excel(demo_project, tmp_path):
    df = opportunity_list(demo_project, "carriers")
    path = tmp_path / "c.csv"
    write_csv(df, str(path), "carriers")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("序号,载体名称,所在片区") and len(lines) == len(df) + 1


def test_unwritable_target_is_a_clear_error(demo_project, tmp_path):
    df = opportunity_list(demo_project, "land")
    with pytest.raises(LandappError) as e:
        write_xlsx(df, str(tmp_path / "no" / "such" / "x.xlsx"), "land")
    assert "不存在" in str(e.value)


def test_exported_files_are_readable_by_others(demo_project, tmp_path):
    import stat

    df = opportunity_list(demo_project, "land")
    write_xlsx(df, str(tmp_path / "l.xlsx"), "land")
    mode = (tmp_path / "l.xlsx").stat().st_mode
    assert mode & stat.S_IRGRP and mode & stat.S_IROTH  # not the 0600 of a temporary file
