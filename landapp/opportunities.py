"""Opportunity lists (机会清单): the land-supply list (土地供给机会清单: parcels 待供, or the
ones the user picks) and the investment-carrier list (招商引资机会清单: standard factories
and office towers with vacant space). Columns as published lists have them
(shared/domain.md); 四至 is computed from the geometry (landapp.sizhi)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from landapp import landuse
from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.schema import value_label
from landapp.sizhi import SizhiFinder, sizhi_text
from landapp.store.base import ProjectStore
from landapp.units import to_mu

# (key, Chinese header, English header, number format for spreadsheets)
LAND_COLUMNS = [
    ("no", "序号", "No.", "0"),
    ("code", "地块编号", "Parcel code", "@"),
    ("name", "地块名称", "Parcel name", "@"),
    ("zone", "所在片区", "Zone", "@"),
    ("location", "位置/四至", "Location / boundaries", "@"),
    ("area_m2", "面积(㎡)", "Area (m²)", "#,##0.0"),
    ("area_mu", "面积(亩)", "Area (mu)", "#,##0.00"),
    ("land_use", "用地性质", "Land use", "@"),
    ("far", "容积率", "FAR", "@"),
    ("density", "建筑密度(%)", "Coverage (%)", "General"),
    ("green_ratio", "绿地率(%)", "Green ratio (%)", "General"),
    ("height_limit", "限高(m)", "Height limit (m)", "General"),
    ("supply_method", "供地方式", "Supply method", "@"),
    ("term_years", "出让年限(年)", "Term (years)", "0"),
    ("expected_supply_date", "预计供地时间", "Expected supply", "yyyy-mm-dd"),
    ("start_price", "起始价(万元)", "Starting price (10k CNY)", "#,##0.0"),
    ("std_invest_intensity", "投资强度(万元/亩)", "Investment intensity (10k CNY/mu)", "#,##0"),
    ("std_tax_per_mu", "亩均税收(万元/亩)", "Tax per mu (10k CNY/mu)", "#,##0.0"),
    ("contact", "联系人", "Contact", "@"),
    ("phone", "联系电话", "Phone", "@"),
]
CARRIER_COLUMNS = [
    ("no", "序号", "No.", "0"),
    ("name", "载体名称", "Carrier", "@"),
    ("zone", "所在片区", "Zone", "@"),
    ("location", "位置", "Location", "@"),
    ("btype", "类型", "Type", "@"),
    ("floor_area", "建筑面积(㎡)", "Floor area (m²)", "#,##0"),
    ("available_m2", "可租售面积(㎡)", "Available (m²)", "#,##0"),
    ("storeys", "层数", "Storeys", "0"),
    ("ground_height", "层高(m)", "Floor height (m)", "0.0"),
    ("floor_load", "楼面荷载(t/㎡)", "Floor load (t/m²)", "0.0#"),
    ("asking_rent", "租金(元/㎡·月)", "Rent (CNY/m²·month)", "#,##0.0"),
    ("industry", "产业方向", "Industry", "@"),
    ("contact", "联系人", "Contact", "@"),
    ("phone", "联系电话", "Phone", "@"),
]
KINDS = {"land": ("土地供给机会清单", "Land-supply opportunity list", LAND_COLUMNS),
         "carriers": ("招商引资机会清单(产业载体)", "Investment-carrier opportunity list", CARRIER_COLUMNS)}


@dataclass
class Filters:
    zones: list[str] = field(default_factory=list)
    land_use: list[str] = field(default_factory=list)  # code prefixes, old codes accepted
    statuses: list[str] = field(default_factory=list)  # default for land: ['待供']
    min_area_mu: float | None = None  # land: parcel area; carriers: available area
    max_area_mu: float | None = None
    min_area_m2: float | None = None  # the same bounds in m² (carriers are usually asked for in m²)
    max_area_m2: float | None = None
    date_from: dt.date | None = None  # land: expected supply date from … to
    date_to: dt.date | None = None  # carriers: available by (vacant now or a lease ending by then)
    fids: list[int] = field(default_factory=list)  # chosen parcels/buildings (overrides status)
    building_types: list[str] = field(default_factory=list)  # carriers: 标准厂房 / 楼宇


def headers(kind: str, lang: str | None = None) -> list[str]:
    cols = KINDS[kind][2]
    return [tr(zh, en) if lang is None else (en if lang == "en" else zh) for _, zh, en, _ in cols]


def title(kind: str) -> str:
    zh, en, _ = KINDS[kind]
    return tr(zh, en)


def _fmt_far(lo, hi) -> str:
    def g(v):
        return f"{v:g}"
    if lo is not None and hi is not None and not pd.isna(lo) and not pd.isna(hi):
        return f"{g(lo)}–{g(hi)}" if lo != hi else g(lo)
    for v in (hi, lo):
        if v is not None and not pd.isna(v):
            return f"≤{g(v)}" if v is hi else f"≥{g(v)}"
    return ""


def _land_use_matches(code, prefixes: list[str]) -> bool:
    if not prefixes:
        return True
    if not isinstance(code, str):
        return False
    wanted = []
    for p in prefixes:
        try:
            wanted.append(landuse.normalize_code(p))
        except KeyError:
            raise LandappError(tr(f"用地性质代码 {p} 不存在。", f"The land-use code {p} does not exist.")) from None
    return any(code.startswith(w) for w in wanted)


def _check(store: ProjectStore, f: Filters) -> None:
    """A misspelt zone or status is an error, not an empty list sent to an investor."""
    from landapp.schema import PARCEL_STATUSES

    if f.zones:
        known = set(store.read_layer("zones", columns=["name"])["name"].dropna())
        known |= set(store.read_layer("parcels", columns=["zone"])["zone"].dropna())
        bad = [z for z in f.zones if z not in known]
        if bad:
            raise LandappError(tr(f"没有片区“{'、'.join(bad)}”;工程中的片区:{'、'.join(sorted(known))}。",
                                  f"No zone {', '.join(bad)}; the project's zones: {', '.join(sorted(known))}."))
    bad = [st for st in f.statuses if st not in PARCEL_STATUSES]
    if bad:
        raise LandappError(tr(f"地块状态“{'、'.join(bad)}”不存在;可选:{'、'.join(PARCEL_STATUSES)}。",
                              f"No parcel status {', '.join(bad)}; choose from {', '.join(PARCEL_STATUSES)}."))
    bad = [t for t in f.building_types if t not in ("标准厂房", "楼宇")]
    if bad:
        raise LandappError(tr(f"载体类型“{'、'.join(bad)}”不存在;可选:标准厂房、楼宇。",
                              f"No carrier type {', '.join(bad)}; choose 标准厂房 or 楼宇."))


def land_supply(store: ProjectStore, filters: Filters | None = None) -> pd.DataFrame:
    """The land-supply list as a DataFrame with the columns' keys (see LAND_COLUMNS)."""
    f = filters or Filters()
    _check(store, f)
    df = store.read_layer("parcels")
    if f.fids:
        df = df[df.index.isin(f.fids)]
    else:
        df = df[df["status"].isin(f.statuses or ["待供"])]
    if f.zones:
        df = df[df["zone"].isin(f.zones)]
    if f.land_use:
        df = df[[_land_use_matches(c, f.land_use) for c in df["land_use"]]]
    df = df[_area_ok(df["area_m2"], f)]
    if f.date_from or f.date_to:
        d = pd.to_datetime(df["expected_supply_date"]).dt.date
        keep = d.notna()
        if f.date_from:
            keep &= d >= f.date_from
        if f.date_to:
            keep &= d <= f.date_to
        df = df[keep.fillna(False)]
    df = df.sort_values(["zone", "code"], na_position="last")
    finder = SizhiFinder(store, with_code=False)  # the list has the codes in their own column
    rows = []
    for i, (fid, r) in enumerate(df.iterrows(), 1):
        sz = sizhi_text(finder.sizhi(r.geometry, int(fid)))
        loc = r["location"] if isinstance(r["location"], str) else ""
        use = landuse.label(r["land_use"]) if isinstance(r["land_use"], str) and landuse.is_known(r["land_use"]) else (r["land_use"] or "")
        exp = r["expected_supply_date"]
        rows.append({
            "fid": int(fid), "no": i, "code": r["code"], "name": r["name"], "zone": r["zone"],
            "location": tr(f"{loc}；{sz}", f"{loc}; {sz}") if loc else sz, "area_m2": round(float(r["area_m2"]), 1),
            "area_mu": round(to_mu(float(r["area_m2"])), 2), "land_use": use,
            "far": _fmt_far(r["far_min"], r["far_max"]), "density": r["density"],
            "green_ratio": r["green_ratio"], "height_limit": r["height_limit"],
            "supply_method": value_label(r["supply_method"]) if isinstance(r["supply_method"], str) else "",
            "term_years": r["term_years"],
            "expected_supply_date": pd.Timestamp(exp).date() if not pd.isna(exp) else None,
            "start_price": r["start_price"], "std_invest_intensity": r["std_invest_intensity"],
            "std_tax_per_mu": r["std_tax_per_mu"],
            "contact": r["contact"] or store.get_setting("contact"),
            "phone": r["phone"] or store.get_setting("phone")})
    return _frame(rows, LAND_COLUMNS)


def carriers(store: ProjectStore, filters: Filters | None = None) -> pd.DataFrame:
    """Standard factories and office towers with space to let or sell (units 空置)."""
    f = filters or Filters()
    _check(store, f)
    b = store.read_layer("buildings")
    types = f.building_types or ["标准厂房", "楼宇"]
    b = b[b["btype"].isin(types)]
    if f.fids:
        b = b[b.index.isin(f.fids)]
    if f.zones:
        b = b[b["zone"].isin(f.zones)]
    # vacant space as landapp.vacancy counts it (leases and unit status, reference date)
    from landapp.vacancy import building_figures, default_as_of, load_space

    space, as_of = load_space(store), default_as_of(store)
    vacant = [building_figures(space, int(fid), as_of).vacant for fid in b.index]
    if f.date_to is not None and f.date_to > as_of:
        # available by that date: vacant now, or let on a lease that ends by then (not renewed)
        from landapp.vacancy import _expiring_by_building

        expiring = _expiring_by_building(space, as_of, f.date_to)
        vacant = [v + expiring.get(int(fid), 0.0) for v, fid in zip(vacant, b.index)]
    b = b.assign(available_m2=vacant)
    b = b[b["available_m2"] > 0]
    b = b[_area_ok(b["available_m2"], f)]
    b = b.sort_values(["zone", "btype", "name"], na_position="last")
    rows = []
    for i, (fid, r) in enumerate(b.iterrows(), 1):
        rows.append({
            "fid": int(fid), "no": i, "name": r["name"], "zone": r["zone"], "location": r["location"],
            "btype": value_label(r["btype"]), "floor_area": r["floor_area"],
            "available_m2": round(float(r["available_m2"]), 1), "storeys": r["storeys"],
            "ground_height": r["ground_height"], "floor_load": r["floor_load"],
            "asking_rent": r["asking_rent"], "industry": r["industry"],
            "contact": r["contact"] or store.get_setting("contact"),
            "phone": r["phone"] or store.get_setting("phone")})
    return _frame(rows, CARRIER_COLUMNS)


def _area_ok(m2: pd.Series, f: Filters) -> pd.Series:
    ok = pd.Series(True, index=m2.index)
    if f.min_area_mu is not None:
        ok &= m2.map(to_mu) >= f.min_area_mu
    if f.max_area_mu is not None:
        ok &= m2.map(to_mu) <= f.max_area_mu
    if f.min_area_m2 is not None:
        ok &= m2 >= f.min_area_m2
    if f.max_area_m2 is not None:
        ok &= m2 <= f.max_area_m2
    return ok


def _frame(rows: list[dict], columns) -> pd.DataFrame:
    keys = ["fid"] + [k for k, *_ in columns]
    df = pd.DataFrame(rows, columns=keys)
    return df.set_index("fid")


def opportunity_list(store: ProjectStore, kind: str = "land", filters: Filters | None = None) -> pd.DataFrame:
    if kind not in KINDS:
        raise LandappError(tr(f"清单类型应为 land 或 carriers,而不是 {kind}。",
                              f"The list kind must be land or carriers, not {kind}."))
    return land_supply(store, filters) if kind == "land" else carriers(store, filters)
