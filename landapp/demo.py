"""The demo park and synthetic parks.

`build_demo_park` makes a realistic sample modelled on 成都经开区 (Longquanyi, around
104.27E 30.58N) in EPSG:4544: zones named as in the articles, named roads, ~400 parcels with
19-character parcel codes, land uses, planning indicators and lifecycle states (some idle by
《闲置土地处置办法》 relative to REFERENCE_DATE), standard factories and office towers with
floors, units, tenants and leases, revitalisation cases, a split parcel with its lineage, and
a planning-map-style raster with a world file.

`build_synthetic_park` makes a park of any size (10k … 1M parcels) for benchmarks.

Everything is seeded: the same arguments give the same file."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from dataclasses import dataclass

import numpy as np
import shapely
import shapely.ops
from shapely import affinity
from shapely.geometry import LineString, Point, Polygon, box
from shapely.ops import unary_union

from landapp.coords import from_lonlat
from landapp.store import create_project
from landapp.store.filters import F
from landapp.store.geopackage import GeoPackageStore

REFERENCE_DATE = dt.date(2026, 11, 1)  # "today" of the demo data, so the file is deterministic
COUNTY_CODE = "510112"  # 龙泉驿区
CENTER_LONLAT = (104.27, 30.58)
EPSG = 4544
ROTATION_DEG = -14.0  # the street grid of the district is turned a little from north

ZONE_LAYOUT = [  # (name, kind, lead industry, land-use mix); columns west→east, rows south→north
    ["汽车城", "大面东洪", "十陵"],
    ["洪河", "龙泉驿老城", "东安湖活力城"],
]
ZONE_PROFILE = {
    "汽车城": ("功能区", "汽车整车及零部件",
             {"100101": 30, "100102": 35, "110101": 8, "0802": 5, "1402": 4, "0901": 3, "16": 3}),
    "洪河": ("功能区", "新能源与智能网联",
           {"100101": 35, "100102": 20, "110101": 10, "0802": 8, "0902": 5, "1402": 4, "16": 3}),
    "大面东洪": ("片区", "商务服务与新型产业",
             {"0902": 20, "0901": 15, "070102": 20, "100101": 15, "0804": 4, "1401": 5}),
    "龙泉驿老城": ("片区", "商贸与生活服务",
              {"070102": 35, "0901": 20, "0902": 8, "0804": 6, "0806": 4, "1401": 6}),
    "十陵": ("片区", "科教与生活服务",
           {"070102": 30, "0802": 15, "0804": 12, "0901": 10, "100101": 8, "1401": 8}),
    "东安湖活力城": ("片区", "文体旅游与商务",
               {"0901": 22, "0902": 18, "0903": 8, "070102": 22, "0805": 6, "1401": 12}),
}
ROADS_NS = ["龙泉大道", "驿都大道", "车城东路", "星光路", "东安大道", "成环路", "公园大道",
            "经开大道", "十陵中路", "大面中路", "洪河北路", "平安路", "北泉路", "龙都南路",
            "车城西路", "汽车城大道", "南三路", "柏合路", "燕山路", "文安路"]
ROADS_EW = ["成龙大道", "成洛大道", "龙泉驿大道", "西河大道", "同安路", "桃都大道",
            "大面东路", "东洪路", "世纪大道", "界牌路", "双龙路", "幸福路", "建设路",
            "龙平路", "驿马河路", "青台山路"]

COMPANY_CORE = ["华鼎", "星河", "川汽", "锦程", "天府", "蓉欧", "龙腾", "驿达", "中汇", "博世达",
                "恒通", "东盛", "嘉瑞", "明远", "鑫源", "众泰", "泰康", "领航", "智行", "宏图",
                "金桥", "云帆", "安捷", "新锐", "瑞丰", "德远", "联创", "汇川", "长鑫", "一汽",
                "天齐", "九鼎", "银河", "同创", "卓越", "鼎力", "华西", "巴蜀", "晨光", "正和"]
COMPANY_TRADE = [("汽车零部件", "汽车零部件制造"), ("新能源科技", "新能源"),
                 ("智能网联技术", "智能网联"), ("电子科技", "电子信息"), ("精密机械", "装备制造"),
                 ("供应链管理", "现代物流"), ("信息技术", "软件与信息服务"), ("医疗器械", "生物医药"),
                 ("模具", "汽车零部件制造"), ("电池材料", "新能源"), ("检测认证", "科技服务"),
                 ("商务咨询", "商务服务")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "涛", "明", "超",
         "霞", "平", "刚", "婷", "鹏"]
STRUCTURES = {"标准厂房": ["钢结构", "钢混结构", "框架结构"], "楼宇": ["框架-核心筒", "框架-剪力墙"],
              "其他": ["框架结构", "砖混结构"]}


def _date(d: dt.date) -> str:
    return d.isoformat()


def _add_days(d: dt.date, days: float) -> dt.date:
    return d + dt.timedelta(days=int(days))


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


@dataclass
class _Ctx:
    rng: np.random.Generator
    origin: tuple[float, float]

    def person(self) -> str:
        return SURNAMES[self.rng.integers(len(SURNAMES))] + "".join(
            GIVEN[i] for i in self.rng.integers(len(GIVEN), size=self.rng.integers(1, 3)))

    def phone(self) -> str:
        return f"028-8{self.rng.integers(4000000, 9999999)}"

    def mobile(self) -> str:
        return f"1{self.rng.choice([38, 39, 58, 59, 80, 86, 89])}{self.rng.integers(10000000, 99999999)}"


def _credit_code(rng: np.random.Generator) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100 excludes I, O, Z, S, V
    body = "".join(alphabet[i] for i in rng.integers(len(alphabet), size=9))
    return f"91{COUNTY_CODE}{body}{alphabet[rng.integers(len(alphabet))]}"


# ---- the realistic demo park -------------------------------------------------------------

def _spacing(rng, total: float, n_main: int, minor: tuple[float, float]) -> tuple[list, list]:
    """Positions of main roads (splitting `total` into n_main+1 zone bands … here columns or
    rows) and of secondary roads between them; both as sorted offsets from 0."""
    main = list(np.linspace(0, total, n_main + 2))
    secondary = []
    for a, b in zip(main[:-1], main[1:]):
        pos = a + rng.uniform(*minor)
        while b - pos > minor[0] * 0.8:
            secondary.append(pos)
            pos += rng.uniform(*minor)
    return main, secondary


def _layout(rng: np.random.Generator):
    """Roads, zones and blocks in a local, unrotated frame (metres, origin south-west)."""
    width, height = 6300.0, 4200.0
    xs_main, xs_sec = _spacing(rng, width, 2, (330, 480))
    ys_main, ys_sec = _spacing(rng, height, 1, (300, 430))
    roads = []  # (name, grade, width, centreline)
    ns_names = iter(ROADS_NS)
    ew_names = iter(ROADS_EW)
    for x in sorted(xs_main + xs_sec):
        is_main = any(abs(x - m) < 1e-6 for m in xs_main)
        name = next(ns_names, None) or f"经开{len(roads) + 1}路"
        roads.append((name, "主干路" if is_main else "次干路", 50.0 if is_main else 28.0,
                      LineString([(x, -60), (x, height + 60)])))
    for y in sorted(ys_main + ys_sec):
        is_main = any(abs(y - m) < 1e-6 for m in ys_main)
        name = next(ew_names, None) or f"经开{len(roads) + 1}路"
        roads.append((name, "主干路" if is_main else "次干路", 50.0 if is_main else 28.0,
                      LineString([(-60, y), (width + 60, y)])))
    # The boundary roads (the first/last of each list) are the park's edge: keep them but let
    # them be a bit narrower, as 快速路 on the outer ring.
    # on the same 1 cm grid as the parcels cut from the blocks, so roads and parcels tile exactly
    road_polys = [(n, g, w, shapely.set_precision(line.buffer(w / 2, cap_style="flat"), 0.01))
                  for n, g, w, line in roads]
    all_roads = unary_union([p for *_, p in road_polys])
    zones = []
    for r, row in enumerate(ZONE_LAYOUT):
        for c, name in enumerate(row):
            zones.append((name, box(xs_main[c], ys_main[r], xs_main[c + 1], ys_main[r + 1])))
    frame = box(0, 0, width, height)
    blocks_geom = shapely.get_parts(frame.difference(all_roads))
    # the lake of 东安湖 (an irregular ellipse) in the east zone
    ex0, ey0, ex1, ey1 = dict(zones)["东安湖活力城"].bounds
    lake = affinity.scale(Point((ex0 + ex1) / 2 + 120, (ey0 + ey1) / 2 - 80).buffer(1, 64),
                          520, 300)
    lake = affinity.rotate(lake, 20)
    return width, height, road_polys, zones, blocks_geom, lake


def _split_block(rng, block: Polygon, lake: Polygon) -> list[Polygon]:
    """Cut a block into 1–4 parcels across its longer side; clip away the lake."""
    block = block.difference(lake.buffer(40))
    if block.is_empty or block.area < 8000:
        return []
    parts = []
    for geom in shapely.get_parts(block):
        if geom.area < 8000:
            continue
        x0, y0, x1, y1 = geom.bounds
        w, h = x1 - x0, y1 - y0
        n = int(np.clip(round(max(w, h) / rng.uniform(120, 200)), 1, 4))
        inner = np.linspace(0, 1, n + 1)[1:-1] + rng.uniform(-0.08, 0.08, n - 1)
        cuts = np.concatenate([[0.0], inner, [1.0]])
        for a, b in zip(cuts[:-1], cuts[1:]):
            cell = (box(x0 + a * w, y0, x0 + b * w, y1) if w >= h else
                    box(x0, y0 + a * h, x1, y0 + b * h))
            piece = geom.intersection(cell)
            if piece.geom_type == "Polygon" and piece.area > 3000:
                parts.append(shapely.set_precision(piece, 0.01))
    return parts


LAKE_PARK = {"land_use": "1401", "name": "东安湖公园", "status": "已建成投产", "industry": None,
             "note": "东安湖及环湖绿地"}

STATUS_MIX = {
    "industrial": {"储备": 4, "待供": 12, "已供未开工": 8, "在建": 12, "已建成投产": 44, "闲置": 8,
                   "低效": 6, "盘活中": 4, "已盘活": 2},
    "other": {"储备": 8, "待供": 16, "已供未开工": 8, "在建": 14, "已建成投产": 46, "闲置": 4,
              "低效": 1, "盘活中": 2, "已盘活": 1},
}


def _pick(rng, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[rng.choice(len(keys), p=p / p.sum())]


def _indicators(rng, use: str) -> dict:
    if use.startswith("10") or use.startswith("11"):
        far_min = float(rng.choice([1.0, 1.2, 1.5]))
        return {"far_min": far_min, "far_max": float(far_min + rng.choice([0.8, 1.0, 1.5])),
                "density": float(rng.choice([40, 45, 50])), "green_ratio": float(rng.choice([10, 15])),
                "height_limit": float(rng.choice([24, 30, 40])), "term_years": 50.0}
    if use.startswith("07"):
        return {"far_min": 1.5, "far_max": float(rng.choice([2.5, 3.0, 3.5])), "density": 30.0,
                "green_ratio": 30.0, "height_limit": float(rng.choice([60, 80, 100])), "term_years": 70.0}
    if use.startswith("09"):
        return {"far_min": 2.0, "far_max": float(rng.choice([3.5, 4.0, 5.0, 6.0])), "density": 40.0,
                "green_ratio": 25.0, "height_limit": float(rng.choice([80, 100, 150])), "term_years": 40.0}
    if use.startswith("14") or use == "16":
        return {"far_max": 0.1 if use.startswith("14") else None, "green_ratio": 80.0 if use.startswith("14") else None}
    return {"far_min": 0.8, "far_max": 2.0, "density": 35.0, "green_ratio": 35.0,
            "height_limit": 24.0, "term_years": 50.0}


def _lifecycle(rng, status: str, use: str, area_m2: float) -> dict:
    """Dates and progress consistent with the status, relative to REFERENCE_DATE; '闲置'
    parcels meet 《闲置土地处置办法》 Art. 2 (unstarted a full year past the agreed start, or
    started, < 1/3 developed and stopped for a full year)."""
    ref = REFERENCE_DATE
    mu = area_m2 / (10000 / 15)
    industrial = use.startswith("10") or use.startswith("11")
    price_per_mu = rng.uniform(18, 30) if industrial else rng.uniform(150, 600)  # 万元/亩
    rec: dict = {}
    if status in ("储备",):
        return rec
    if status == "待供":
        rec["expected_supply_date"] = _date(_add_days(ref, rng.integers(30, 420)))
        rec["start_price"] = round(price_per_mu * mu, 1)
        rec["supply_method"] = "挂牌" if industrial else str(rng.choice(["挂牌", "拍卖"]))
        if industrial:
            rec["std_invest_intensity"] = float(rng.choice([150, 200, 300]))
            rec["std_tax_per_mu"] = float(rng.choice([8, 10, 15]))
            rec["std_output_intensity"] = float(rng.choice([250, 300, 350]))
        return rec
    # supplied: the transfer date depends on how far along the parcel is
    back_days = {"已供未开工": (60, 500), "闲置": (800, 1900), "在建": (300, 1200),
                 "已建成投产": (1400, 5500), "低效": (4000, 7000), "盘活中": (1500, 6000),
                 "已盘活": (1500, 6000)}[status]
    supply = _add_days(ref, -rng.integers(*back_days))
    agreed_start = _add_days(supply, rng.integers(90, 180))
    agreed_completion = _add_years(agreed_start, int(rng.integers(2, 4)))
    rec.update({"supply_date": _date(supply), "agreed_start": _date(agreed_start),
                "agreed_completion": _date(agreed_completion),
                "supply_method": "挂牌" if industrial and rng.random() < 0.7 else str(
                    rng.choice(["挂牌", "拍卖", "协议", "弹性年期出让", "先租后让"] if industrial
                               else ["挂牌", "拍卖", "招标"])),
                "transfer_price": round(price_per_mu * mu, 1),
                "total_investment": round(mu * (rng.uniform(150, 400) if industrial else rng.uniform(400, 1500)), 0)})
    if industrial:
        rec["std_invest_intensity"] = float(rng.choice([150, 200, 300]))
        rec["std_tax_per_mu"] = float(rng.choice([8, 10, 15]))
    if status == "已供未开工":
        # keep it inside the grace year: agreed start at most ~10 months ago
        agreed_start = _add_days(ref, -rng.integers(-120, 300))
        rec["agreed_start"] = _date(agreed_start)
        rec["supply_date"] = _date(min(supply, _add_days(agreed_start, -90)))
        rec["agreed_completion"] = _date(_add_years(agreed_start, 2))
        rec.update(developed_pct=0.0, invested_pct=0.0)
    elif status == "闲置":
        if rng.random() < 0.65:  # never started, a full year (some two) past the agreed start
            rec.update(developed_pct=0.0, invested_pct=float(rng.uniform(0, 5)))
        else:  # started, then stalled with less than a third developed
            start = _add_days(agreed_start, rng.integers(0, 120))
            rec.update(actual_start=_date(start), developed_pct=float(round(rng.uniform(5, 30), 1)),
                       invested_pct=float(round(rng.uniform(5, 22), 1)),
                       stalled_since=_date(_add_days(ref, -rng.integers(380, 900))))
    elif status == "在建":
        start = min(_add_days(agreed_start, rng.integers(0, 200)), _add_days(ref, -30))
        rec.update(actual_start=_date(start), developed_pct=float(round(rng.uniform(30, 90), 1)),
                   invested_pct=float(round(rng.uniform(35, 90), 1)))
    else:  # built
        start = _add_days(agreed_start, rng.integers(0, 150))
        done = min(_add_days(start, rng.integers(500, 1100)), _add_days(ref, -60))
        rec.update(actual_start=_date(start), actual_completion=_date(done), developed_pct=100.0,
                   invested_pct=100.0)
    return rec


def _parcel_records(rng, ctx: _Ctx, zones, parcels_geom):
    records = []
    serial = {}
    zone_index = {name: i + 1 for i, (name, _) in enumerate(zones)}
    for geom, (zone, block_no, south_road, west_road), *override in parcels_geom:
        kind, industry, mix = ZONE_PROFILE[zone]
        use = override[0]["land_use"] if override else _pick(rng, mix)
        industrial = use.startswith("10") or use.startswith("11")
        if use.startswith("14") or use == "16" or use.startswith("08") and use != "0802":
            status = str(rng.choice(["已建成投产", "储备", "待供"] if use == "16" else ["已建成投产"]))
            if use == "16":
                status = "储备"
        else:
            status = _pick(rng, STATUS_MIX["industrial" if industrial else "other"])
        zi = zone_index[zone]
        serial[zi] = serial.get(zi, 0) + 1
        code = f"{COUNTY_CODE}{zi:03d}{block_no:03d}GB{serial[zi]:05d}"
        rec = {"geometry": geom, "code": code, "zone": zone,
               "name": f"{zone}{block_no:02d}-{serial[zi]:02d}号地块",
               "location": f"{south_road}以北、{west_road}以东", "land_use": use, "status": status,
               "industry": industry if industrial or use.startswith("09") else None,
               "contact": ctx.person(), "phone": ctx.phone()}
        rec.update({k: v for k, v in _indicators(rng, use).items() if v is not None})
        rec.update(_lifecycle(rng, status, use, geom.area))
        if override:
            rec.update(override[0])
        records.append(rec)
    return records


def _building_content(rng, kind: str, footprint: Polygon, enterprises: list, storeys: int):
    """Floors, units and leases of one building (fids assigned later by position); tenants
    from `enterprises` (manufacturers in factories, service firms in towers)."""
    fa = footprint.area
    vacancy_p = {"标准厂房": 0.17, "楼宇": 0.3}.get(kind, 0.1)
    floors, units, leases = [], [], []
    rent_base = {"标准厂房": rng.uniform(18, 30), "楼宇": rng.uniform(40, 85), "其他": rng.uniform(15, 25)}[kind]
    whole = kind == "标准厂房" and rng.random() < 0.4  # let as one whole factory
    building_vacant_bias = rng.normal(0, 0.12)
    for level in range(1, storeys + 1):
        height = (float(rng.choice([8.0, 9.0, 10.0, 12.0])) if level == 1 else 5.4) if kind == "标准厂房" \
            else (5.4 if level == 1 else 3.9)
        load = (float(rng.choice([1.5, 2.0, 3.0])) if level == 1 else 0.8) if kind == "标准厂房" else 0.35
        floors.append({"level": level, "name": f"{level}F", "area": round(fa, 1), "height": height,
                       "floor_load": load})
        if whole and level > 1:
            continue
        n_units = 1 if whole else (int(rng.integers(1, 4)) if kind == "标准厂房" else int(rng.integers(2, 7)))
        usable = fa * (storeys if whole else 1) * (0.92 if kind == "标准厂房" else 0.78)
        shares = rng.dirichlet(np.ones(n_units) * 4)
        for u in range(n_units):
            area = round(float(usable * shares[u]), 1)
            p_vac = float(np.clip(vacancy_p + building_vacant_bias, 0.02, 0.9))
            status = _pick(rng, {"空置": p_vac, "已租": (1 - p_vac) * (0.8 if kind == "标准厂房" else 0.92),
                                 "已售": (1 - p_vac) * (0.14 if kind == "标准厂房" else 0.02),
                                 "预留": 0.02, "装修中": 0.03})
            code = f"{level:02d}{u + 1:02d}" if not whole else "整栋"
            # a factory let whole is one unit on no floor: it spans them all
            units.append({"floor": None if whole else level, "code": code, "area": area, "status": status,
                          "asking_rent": round(rent_base * rng.uniform(0.9, 1.1), 1)})
            uix = len(units) - 1
            if status in ("已租", "装修中"):
                ent = enterprises[int(rng.integers(len(enterprises)))]
                term = int(rng.choice([3, 5])) if kind == "标准厂房" else int(rng.choice([2, 3, 5]))
                start = _add_days(REFERENCE_DATE, -rng.integers(30, term * 365 - 30))
                leases.append({"unit": uix, "enterprise": ent, "start_date": _date(start),
                               "end_date": _date(_add_days(_add_years(start, term), -1)), "area": area,
                               "rent": round(rent_base * rng.uniform(0.85, 1.0), 1), "status": "有效"})
            if status == "空置" and rng.random() < 0.5:  # the tenant before, as history
                ent = enterprises[int(rng.integers(len(enterprises)))]
                end = _add_days(REFERENCE_DATE, -rng.integers(20, 700))
                leases.append({"unit": uix, "enterprise": ent,
                               "start_date": _date(_add_years(end, -3)), "end_date": _date(end),
                               "area": area, "rent": round(rent_base * 0.9, 1), "status": "已到期"})
    return storeys, floors, units, leases, round(rent_base, 1)


def build_demo_park(path: str | os.PathLike, *, overwrite: bool = True, seed: int = 2026,
                    with_map: bool = True) -> None:
    """Build the 成都经开区 demo park into `path` (and its map raster beside it)."""
    rng = np.random.default_rng(seed)
    ox, oy = from_lonlat(*CENTER_LONLAT, EPSG)
    ctx = _Ctx(rng, (ox, oy))
    width, height, road_polys, zones, blocks, lake = _layout(rng)
    centre = (width / 2, height / 2)

    def place(g):
        """Local frame -> EPSG:4544 (rotate the grid, move it onto Longquanyi)."""
        g = affinity.rotate(g, ROTATION_DEG, origin=centre)
        return affinity.translate(g, ox - centre[0], oy - centre[1])

    # blocks -> parcels, remembering zone, block number and the bounding roads for 位置
    ns_roads = sorted([(r[3].centroid.x, r[0]) for r in road_polys if r[3].bounds[3] - r[3].bounds[1] > height])
    ew_roads = sorted([(r[3].centroid.y, r[0]) for r in road_polys if r[3].bounds[2] - r[3].bounds[0] > width])
    parcels_local = []
    block_no: dict[str, int] = {}
    for block in sorted(blocks, key=lambda b: (round(b.centroid.y), b.centroid.x)):
        c = block.centroid
        zone = next((name for name, z in zones if z.contains(c)), None)
        if zone is None:
            continue
        block_no[zone] = block_no.get(zone, 0) + 1
        south = ([n for y, n in ew_roads if y < c.y] or [ew_roads[0][1]])[-1]
        west = ([n for x, n in ns_roads if x < c.x] or [ns_roads[0][1]])[-1]
        pieces = _split_block(rng, block, lake)
        for piece in pieces:
            parcels_local.append((piece, (zone, block_no[zone], south, west)))
        # the lake and its shore: 东安湖公园, so parcels and roads cover the zone without gaps
        park = shapely.set_precision(block.intersection(lake.buffer(40)), 0.01)
        if pieces:  # exactly what the block's other parcels leave, so nothing overlaps
            park = park.difference(unary_union(pieces))
        for piece in shapely.get_parts(park):
            if piece.geom_type == "Polygon" and piece.area > 1:
                parcels_local.append((piece, (zone, block_no[zone], south, west), LAKE_PARK))

    # enterprises first (land users and tenants), by group: manufacturers of the park's
    # chains, logistics, service firms, developers … (landapp.demo_rules)
    from landapp.demo_rules import CORES, ENTERPRISE_GROUPS

    enterprises, groups = [], {}
    used = set()
    for group, (count, trades) in ENTERPRISE_GROUPS.items():
        members = groups.setdefault(group, [])
        while len(members) < count:
            core = CORES[int(rng.integers(len(CORES)))]
            trade, industry = trades[int(rng.integers(len(trades)))]
            city = str(rng.choice(["成都", "四川", "成都经开区", "龙泉驿"]))
            name = f"{city}{core}{trade}"
            if name in used:
                continue
            used.add(name)
            big = group == "manufacturer" and industry in ("汽车整车制造", "新能源汽车", "新能源电池")
            e = {"name": name, "credit_code": _credit_code(rng), "industry": industry,
                 "above_scale": bool(big or rng.random() < (0.55 if group == "manufacturer" else 0.3)),
                 "contact": ctx.person(), "phone": ctx.mobile()}
            members.append(e)
            enterprises.append(e)

    store = create_project(path, "成都经济技术开发区(示例)", epsg=EPSG, contact="经开区投资促进局",
                           phone="028-84855555", overwrite=overwrite)
    try:
        with store.transaction():
            _fill_demo(store, rng, ctx, place, zones, road_polys, parcels_local, enterprises, groups, lake)
            store.set_setting("reference_date", REFERENCE_DATE.isoformat())
            store.set_setting("description", "模拟成都经开区(龙泉驿区)的示例数据,非真实地籍。")
            # yearly figures of the land users and tenants, for 亩均论英雄
            from landapp.evaluation import fill_demo_metrics

            fill_demo_metrics(store, as_of=REFERENCE_DATE)
    finally:
        store.close()
    if with_map:
        png = map_raster_path(path)
        store = GeoPackageStore(path)
        try:
            build_park_map(store, png, lake=place(lake))
            store.set_setting("basemap_raster", os.path.basename(png))
        finally:
            store.close()


def _fill_demo(store, rng, ctx, place, zones, road_polys, parcels_local, enterprises, groups, lake):
    store.insert_many("zones", [{"code": f"Z{i + 1:02d}", "name": name, "kind": ZONE_PROFILE[name][0],
                                 "industry": ZONE_PROFILE[name][1], "geometry": place(geom)}
                                for i, (name, geom) in enumerate(zones)], log=False)
    store.insert_many("roads", [{"name": n, "grade": g, "width": w, "geometry": place(p)}
                                for n, g, w, p in road_polys], log=False)
    ent_fids = store.insert_many("enterprises", enterprises, log=False)
    for e, fid in zip(enterprises, ent_fids):
        e["fid"] = fid
    records = _parcel_records(rng, ctx, zones, parcels_local)
    # land users fit the land use: manufacturers on industrial land, developers on housing …;
    # public land, parks and green buffers allocated (划拨) to the district's bodies
    from landapp.demo_rules import allocated, district_body, enterprise_group_for_land

    for rec in records:
        use = rec["land_use"]
        if allocated(use) and rec.get("supply_date"):
            rec.update(supply_method="划拨", transfer_price=None, term_years=None)
        if not rec.get("supply_date"):
            continue
        group = enterprise_group_for_land(use)
        if group is None:
            body = district_body(rng, use)
            if body:
                rec["land_user"] = body
            continue
        pool = groups[group]
        ent = pool[int(rng.integers(len(pool)))]
        rec["land_user"], rec["land_user_id"] = ent["name"], ent["fid"]
    local_geoms = [r["geometry"] for r in records]
    for rec in records:
        rec["geometry"] = place(rec["geometry"])
    parcel_fids = store.insert_many("parcels", records, log=False)

    # buildings on every built or building parcel (not parks, roads, land left blank), laid
    # out to the parcel's FAR and coverage (landapp.demo_rules.site_plan); standard factories
    # and towers have floors, units and leases, the others (own plants, housing, schools) not
    from landapp.demo_rules import BUILT_STATUSES, building_kind, site_plan

    tenants = {"标准厂房": groups["manufacturer"] + groups["logistics"], "楼宇": groups["services"]}
    b_records, contents = [], []
    for rec, fid, local in zip(records, parcel_fids, local_geoms):
        use, status = rec["land_use"], rec["status"]
        if status not in BUILT_STATUSES:
            continue
        what = building_kind(rng, use)
        if what is None:
            continue
        kind, label, count, storey_range = what
        industrial = use.startswith("10") or use.startswith("11")
        plan = site_plan(rng, local, rec, count, storey_range, industrial)
        building = status == "在建"
        short = rec["name"].replace("号地块", "")
        for i, (fp, storeys) in enumerate(plan):
            if kind in tenants and not building:
                _, floors, units, leases, rent = _building_content(rng, kind, fp, tenants[kind], storeys)
            else:
                floors, units, leases, rent = [], [], [], None
            first = {"标准厂房": float(rng.choice([8.0, 9.0, 10.0, 12.0])), "楼宇": 5.4}.get(kind, 4.5)
            typical = {"标准厂房": 5.4, "楼宇": 3.9}.get(kind, 3.3 if use.startswith("07") else 4.2)
            b_records.append({
                "code": f"{rec['code']}-{i + 1}", "name": f"{short} {label}{i + 1}号",
                "btype": kind, "parcel_code": rec["code"], "zone": rec["zone"], "location": rec["location"],
                "storeys": storeys, "floor_area": round(fp.area * storeys, 1),
                "ground_height": floors[0]["height"] if floors else first,
                "floor_height": floors[-1]["height"] if floors else typical,
                "floor_load": floors[0]["floor_load"] if floors else None,
                "structure": str(rng.choice(STRUCTURES[kind])),
                "operator": (str(rng.choice(["成都经开产业投资集团", "龙泉驿区国资公司", "成都经开区建设发展公司"]))
                             if kind in tenants else rec.get("land_user")),
                "asking_rent": rent, "industry": rec.get("industry") or ZONE_PROFILE[rec["zone"]][1],
                "completed_year": None if building else int((rec.get("actual_completion") or "2015")[:4]),
                "note": "在建" if building else None,
                "contact": ctx.person(), "phone": ctx.phone(), "geometry": place(fp)})
            contents.append((floors, units, leases))
    b_fids = store.insert_many("buildings", b_records, log=False)
    floor_rows, unit_rows, lease_rows = [], [], []
    for bfid, (floors, units, leases) in zip(b_fids, contents):
        floor_rows.append([{**f, "building_id": bfid} for f in floors])
    f_fids = store.insert_many("floors", [f for fl in floor_rows for f in fl], log=False)
    it = iter(f_fids)
    floor_fid_of = []
    for fl in floor_rows:
        floor_fid_of.append({f["level"]: next(it) for f in fl})
    for bfid, (floors, units, leases), ffids in zip(b_fids, contents, floor_fid_of):
        unit_rows.append([{"building_id": bfid, "floor_id": ffids.get(u["floor"]), "code": u["code"],
                           "area": u["area"], "status": u["status"], "asking_rent": u["asking_rent"]}
                          for u in units])
    u_fids = store.insert_many("units", [u for ul in unit_rows for u in ul], log=False)
    it = iter(u_fids)
    for bfid, (floors, units, leases), ul in zip(b_fids, contents, unit_rows):
        ufids = [next(it) for _ in ul]
        for lease in leases:
            ent = lease["enterprise"]
            lease_rows.append({"unit_id": ufids[lease["unit"]], "building_id": bfid,
                               "enterprise_id": ent["fid"], "tenant": ent["name"],
                               "start_date": lease["start_date"], "end_date": lease["end_date"],
                               "area": lease["area"], "rent": lease["rent"], "status": lease["status"]})
    store.insert_many("leases", lease_rows, log=False)

    # revitalisation cases for parcels being / having been revitalised and some idle ones
    cases, history = [], []
    measures = ["收回/回购", "协商置换", "转让", "增资扩产", "改造提升", "招商导入", "分割转让"]
    for rec, fid in zip(records, parcel_fids):
        if rec["status"] in ("盘活中", "已盘活") or (rec["status"] == "闲置" and rng.random() < 0.4):
            state = {"盘活中": str(rng.choice(["方案", "实施中"])), "已盘活": "已盘活",
                     "闲置": "识别"}[rec["status"]]
            opened = _add_days(REFERENCE_DATE, -rng.integers(60, 700))
            cases.append({"target_layer": "parcels", "target_id": fid, "target_code": rec["code"],
                          "measure": str(rng.choice(measures)), "responsible": ctx.person(),
                          "target_date": _date(_add_days(REFERENCE_DATE, rng.integers(30, 400))),
                          "state": state, "area_m2": round(rec["geometry"].area, 1),
                          "opened_date": _date(opened),
                          "closed_date": _date(_add_days(opened, rng.integers(60, 500)))
                          if state == "已盘活" else None})
    case_fids = store.insert_many("revitalisation_cases", cases, log=False)
    order = ["识别", "方案", "实施中", "已盘活"]
    for cfid, case in zip(case_fids, cases):
        d = dt.date.fromisoformat(case["opened_date"])
        for st in order[: order.index(case["state"]) + 1]:
            history.append({"case_id": cfid, "date": _date(d), "state": st, "user": case["responsible"],
                            "note": {"识别": "纳入低效/闲置用地台账", "方案": "盘活方案经管委会审议",
                                     "实施中": "签订盘活协议,启动实施", "已盘活": "新项目投产,完成盘活"}[st]})
            d = _add_days(d, rng.integers(30, 120))
            d = min(d, REFERENCE_DATE)
    store.insert_many("case_history", history, log=False)
    # 载体盘活: the emptiest office tower gets a case too (招商导入, under way)
    from landapp.vacancy import building_vacancy_rates, load_space

    rates = building_vacancy_rates(load_space(store), REFERENCE_DATE)
    towers = [b for b in store.rows("buildings", F("btype") == "楼宇", geometry=False) if rates.get(b["fid"]) is not None]
    if towers:
        tower = max(towers, key=lambda b: (rates[b["fid"]], -b["fid"]))
        opened = _add_days(REFERENCE_DATE, -240)
        (cfid,) = store.insert_many("revitalisation_cases", [{
            "target_layer": "buildings", "target_id": tower["fid"], "target_code": tower.get("code"),
            "measure": "招商导入", "responsible": "楼宇去化专班", "state": "实施中",
            "target_date": _date(_add_days(REFERENCE_DATE, 150)), "area_m2": round(tower["floor_area"], 1),
            "opened_date": _date(opened),
            "note": f"空置率 {rates[tower['fid']]:.0%},楼宇去化提质"}], log=False)
        store.insert_many("case_history", [
            {"case_id": cfid, "date": _date(d), "state": st, "user": "楼宇去化专班", "note": note}
            for d, st, note in ((opened, "识别", "纳入低效楼宇台账"),
                                (_add_days(opened, 45), "方案", "制定招商导入方案"),
                                (_add_days(opened, 90), "实施中", "引入产业运营商,分层招商"))], log=False)
    # the year's campaign target (要素资源盘活), m²
    store.set_setting("revitalisation_targets", json.dumps({str(REFERENCE_DATE.year): 400000.0}))
    # one unstarted parcel whose delay the government caused: exempt (办法 Art. 8), not idle
    with_case = {c["target_id"] for c in cases}
    for rec, fid in zip(records, parcel_fids):
        if rec["status"] == "闲置" and not rec.get("actual_start") and fid not in with_case:
            rec.update(status="已供未开工", idle_exemption="未按约定期限、条件交付土地")
            store.update("parcels", fid, {"status": rec["status"], "idle_exemption": rec["idle_exemption"],
                                          "note": "政府未按约定期限交付土地,延期开工"})
            break

    # the disposal of the idle parcels as a planner records it: stage, 决定书, fee due and paid
    from landapp import idle

    n = 0
    for rec, fid in zip(records, parcel_fids):
        st = idle.idle_land_status(rec, REFERENCE_DATE)
        if not st.idle:
            continue
        n += 1
        if not rec.get("transfer_price"):  # allocated land (划拨) owes no fee: designated, then reclaimed
            stage = "收回" if st.status == idle.RECLAIMABLE else "认定"
        else:
            stage = (str(rng.choice(["征缴闲置费", "收回"])) if st.status == idle.RECLAIMABLE
                     else str(rng.choice(["疑似闲置", "认定", "征缴闲置费"], p=[0.3, 0.3, 0.4])))
        rec["idle_stage"] = stage
        changes: dict = {"idle_stage": stage}
        if stage != "疑似闲置":
            word = {"认定": "闲认", "征缴闲置费": "闲征", "收回": "收"}[stage]
            decided = max(st.since or REFERENCE_DATE, _add_days(REFERENCE_DATE, -rng.integers(20, 300)))
            changes.update(idle_doc_no=f"龙规资{word}〔{decided.year}〕{n}号",
                           idle_doc_date=_date(min(decided, REFERENCE_DATE)))
        if stage == "征缴闲置费" and rec.get("transfer_price"):
            due = round(rec["transfer_price"] * idle.IDLE_FEE_RATE, 2)
            changes.update(idle_fee_due=due, idle_fee_paid=float(rng.choice([0.0, round(due / 2, 2), due])))
        store.update("parcels", fid, changes)

    # one historic split: a former parcel, retired, with its two children
    _historic_split(store, records, parcel_fids)


def _historic_split(store, records, parcel_fids) -> None:
    geoms = [r["geometry"] for r in records]
    tree = shapely.STRtree(geoms)
    for i, rec in enumerate(records):
        if rec["status"] != "已建成投产" or not rec["land_use"].startswith("100"):
            continue
        for j in tree.query(rec["geometry"], predicate="touches"):
            other = records[j]
            if other["zone"] != rec["zone"] or other["status"] != "已建成投产" or j == i:
                continue
            merged = unary_union([rec["geometry"], other["geometry"]])
            if merged.geom_type != "Polygon":
                continue
            parent = {k: v for k, v in rec.items() if k != "geometry"}
            parent.update(code=rec["code"][:-5] + "90001", name=rec["name"].replace("号地块", "号地块(原)"),
                          retired=True, retired_date="2019-06-18", geometry=merged,
                          note="2019年分割转让,拆分为两宗")
            pfid = store.insert("parcels", parent)
            for child, cfid in ((rec, parcel_fids[i]), (other, parcel_fids[j])):
                store.insert("parcel_lineage", {"parent_id": pfid, "child_id": cfid,
                                                "parent_code": parent["code"], "child_code": child["code"],
                                                "operation": "拆分", "date": "2019-06-18",
                                                "user": "demo", "note": "分割转让"})
            return


# ---- the park map raster -------------------------------------------------------------------

def map_raster_path(project_path: str | os.PathLike) -> str:
    """`park.gpkg` -> `park_map.png` (world file `park_map.pgw` beside it)."""
    base = os.path.splitext(os.fspath(project_path))[0]
    return f"{base}_map.png"


def _font(size: int):
    from PIL import ImageFont

    candidates = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                  "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
                  "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                  "C:/Windows/Fonts/msyh.ttc", "/System/Library/Fonts/PingFang.ttc"]
    for path in candidates:
        if os.path.exists(path):
            try:  # index 2 of the Noto CJK collection is the SC face
                return ImageFont.truetype(path, size, index=2 if "NotoSansCJK" in path else 0)
            except OSError:
                continue
    return ImageFont.load_default()


def _road_label(img, geom, name: str, font, x0: float, y1: float, pixel_m: float) -> None:
    """Road name written along the road, at a quarter and three quarters of its length."""
    from PIL import Image, ImageDraw

    rect = shapely.minimum_rotated_rectangle(geom)
    pts = np.asarray(rect.exterior.coords)[:4]
    edges = [pts[(i + 1) % 4] - pts[i] for i in range(4)]
    long_edge = max(edges, key=lambda e: float(np.hypot(*e)))
    angle = math.degrees(math.atan2(long_edge[1], long_edge[0]))
    if angle > 90:
        angle -= 180
    elif angle < -90:
        angle += 180
    c = np.asarray(rect.centroid.coords[0])
    half = long_edge / 2
    bbox = font.getbbox(name)
    tw, th = bbox[2] - bbox[0] + 8, bbox[3] - bbox[1] + 8
    tile = Image.new("RGBA", (tw, th), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((tw / 2, th / 2), name, font=font, fill=(60, 60, 60, 255), anchor="mm",
                              stroke_width=3, stroke_fill=(255, 255, 255, 255))
    tile = tile.rotate(angle, expand=True, resample=Image.BICUBIC)
    for t in (-0.55, 0.55):
        x, y = c + half * t
        sx, sy = (x - x0) / pixel_m, (y1 - y) / pixel_m
        img.paste(tile, (int(sx - tile.width / 2), int(sy - tile.height / 2)), tile)


def build_park_map(store: GeoPackageStore, png_path: str, *, pixel_m: float = 2.5,
                   lake: Polygon | None = None) -> tuple[str, str]:
    """Draw a planning-map-style image of the park (land-use colours, roads, lake, names) and
    write it with its world file. Returns (png, pgw)."""
    from PIL import Image, ImageDraw

    from landapp import landuse

    zones = store.read_layer("zones")
    roads = store.read_layer("roads")
    parcels = store.read_layer("parcels", columns=["land_use", "code"])
    x0, y0, x1, y1 = zones.total_bounds
    x0, y0, x1, y1 = x0 - 400, y0 - 400, x1 + 400, y1 + 400
    w, h = int(math.ceil((x1 - x0) / pixel_m)), int(math.ceil((y1 - y0) / pixel_m))
    img = Image.new("RGB", (w, h), (246, 243, 232))
    draw = ImageDraw.Draw(img)

    def px(geom):
        coords = np.asarray(geom.exterior.coords)
        return [((x - x0) / pixel_m, (y1 - y) / pixel_m) for x, y in coords]

    def polys(geom):
        return [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]

    for geom, use in zip(parcels.geometry, parcels["land_use"]):
        colour = landuse.colour(use)
        for p in polys(geom):
            draw.polygon(px(p), fill=colour, outline=(120, 120, 120))
    if lake is not None:
        draw.polygon(px(lake), fill="#8FC8EE", outline="#4A90C0")
    for geom in roads.geometry:
        for p in polys(geom):
            draw.polygon(px(p), fill=(255, 255, 255), outline=(170, 170, 170))
    for geom in zones.geometry:
        for p in polys(geom):
            draw.line(px(p), fill=(200, 40, 40), width=5)
    zone_font, road_font, title_font = _font(64), _font(26), _font(56)
    for geom, name in zip(zones.geometry, zones["name"]):
        c = geom.centroid
        if lake is not None and c.distance(lake) < 600:  # keep the zone name off the lake
            rest = max(shapely.get_parts(geom.difference(lake.buffer(450))), key=lambda g: g.area)
            c = shapely.ops.polylabel(rest, tolerance=10)
        sx, sy = (c.x - x0) / pixel_m, (y1 - c.y) / pixel_m
        draw.text((sx, sy), name, font=zone_font, fill=(150, 20, 20), anchor="mm",
                  stroke_width=4, stroke_fill=(255, 255, 255))
    for geom, name in zip(roads.geometry, roads["name"]):
        _road_label(img, geom, name, road_font, x0, y1, pixel_m)
    if lake is not None:
        c = lake.centroid
        draw.text(((c.x - x0) / pixel_m, (y1 - c.y) / pixel_m), "东安湖", font=zone_font,
                  fill=(30, 90, 150), anchor="mm")
    draw.text((40, 30), "成都经济技术开发区 土地利用规划示意图", font=title_font, fill=(40, 40, 40),
              stroke_width=4, stroke_fill=(255, 255, 255))
    from pyproj import CRS

    from landapp.files import atomic_outputs

    # the picture, its world file and its CRS as one set: an old set stays whole if any fails
    with atomic_outputs(png_path) as tmp:
        img.save(tmp, optimize=True)
        # world file: pixel size x, rotation, rotation, -pixel size y, centre of the upper-left pixel
        with open(os.path.splitext(tmp)[0] + ".pgw", "w", encoding="ascii") as fh:
            fh.write(f"{pixel_m:.10f}\n0.0\n0.0\n{-pixel_m:.10f}\n{x0 + pixel_m / 2:.4f}\n{y1 - pixel_m / 2:.4f}\n")
        with open(tmp + ".aux.xml", "w", encoding="utf-8") as fh:
            fh.write(f"<PAMDataset>\n  <SRS>{CRS.from_epsg(store.srs_id).to_wkt()}</SRS>\n</PAMDataset>\n"
                     .replace("&", "&amp;"))
    return png_path, os.path.splitext(png_path)[0] + ".pgw"


# ---- synthetic parks of any size ---------------------------------------------------------

def build_synthetic_park(path: str | os.PathLike, n_parcels: int, *, seed: int = 0,
                         overwrite: bool = True, progress=None) -> None:
    """A park of `n_parcels` parcels on a street grid (blocks of 4 × 2 parcels between roads),
    with zones, roads, statuses, land uses and indicators like the demo, and standard
    factories / office towers with floors, units and leases on about 3% of the parcels.
    Built with vectorised shapely and bulk inserts: 1M parcels in a few minutes here."""
    if n_parcels < 1:
        from landapp.errors import LandappError
        from landapp.i18n import tr
        raise LandappError(tr("地块数量至少为 1。", "The number of parcels must be at least 1."))
    rng = np.random.default_rng(seed)
    say = progress or (lambda msg: None)
    ox, oy = from_lonlat(*CENTER_LONLAT, EPSG)
    # parcel grid: blocks of 4 (x) by 2 (y) parcels of 60 × 80 m, roads 20 m between blocks
    pw, ph, road = 60.0, 80.0, 20.0
    bx, by = 4, 2
    n_blocks = math.ceil(n_parcels / (bx * by))
    cols = max(1, math.ceil(math.sqrt(n_blocks * (by * ph) / (bx * pw))))
    rows = math.ceil(n_blocks / cols)
    block_w, block_h = bx * pw + road, by * ph + road
    width, height = cols * block_w, rows * block_h
    x_origin, y_origin = ox - width / 2, oy - height / 2
    i = np.arange(n_parcels)
    block = i // (bx * by)
    within = i % (bx * by)
    bcol, brow = block % cols, block // cols
    x0 = x_origin + bcol * block_w + (within % bx) * pw
    y0 = y_origin + brow * block_h + (within // bx) * ph
    geoms = shapely.box(x0, y0, x0 + pw, y0 + ph)

    # zones: a 3 × 2 grid of the names in ZONE_LAYOUT (cycled for bigger parks)
    names = [n for row in ZONE_LAYOUT for n in row]
    zc, zr = 3, 2
    zone_of = (np.minimum(bcol * zc // cols, zc - 1) + zc * np.minimum(brow * zr // rows, zr - 1))
    zone_geoms = []
    for k, name in enumerate(names):
        c, r = k % zc, k // zc
        zx0 = x_origin + width * c / zc
        zy0 = y_origin + height * r / zr
        zone_geoms.append({"code": f"Z{k + 1:02d}", "name": name, "kind": ZONE_PROFILE[name][0],
                           "industry": ZONE_PROFILE[name][1],
                           "geometry": box(zx0, zy0, zx0 + width / zc, zy0 + height / zr)})
    road_recs = []
    for c in range(cols + 1):
        x = x_origin + c * block_w - road / 2
        road_recs.append({"name": ROADS_NS[c % len(ROADS_NS)] + ("" if c < len(ROADS_NS) else f"{c // len(ROADS_NS) + 1}段"),
                          "grade": "次干路", "width": road,
                          "geometry": box(x, y_origin - road, x + road, y_origin + height)})
    for r in range(rows + 1):
        y = y_origin + r * block_h - road / 2
        road_recs.append({"name": ROADS_EW[r % len(ROADS_EW)] + ("" if r < len(ROADS_EW) else f"{r // len(ROADS_EW) + 1}段"),
                          "grade": "次干路", "width": road,
                          "geometry": box(x_origin - road, y, x_origin + width, y + road)})
    road_recs = [r for r in road_recs if r["geometry"].bounds[0] >= 0]

    uses = np.array(["100101", "100102", "110101", "0802", "0901", "0902", "070102", "1401", "16"])
    use_p = np.array([24, 22, 8, 6, 8, 8, 14, 6, 4], dtype=float)
    land_use = uses[rng.choice(len(uses), size=n_parcels, p=use_p / use_p.sum())]
    statuses = np.array(list(STATUS_MIX["industrial"]))
    st_p = np.array(list(STATUS_MIX["industrial"].values()), dtype=float)
    status = statuses[rng.choice(len(statuses), size=n_parcels, p=st_p / st_p.sum())]
    # the demo's rules: parks are built green space, land left blank (留白) is held in reserve
    status = np.where(land_use == "1401", "已建成投产", np.where(land_use == "16", "储备", status))
    far_max = rng.choice([1.5, 2.0, 2.5, 3.0, 4.0], size=n_parcels)
    ref = np.datetime64(REFERENCE_DATE.isoformat())
    supply = ref - rng.integers(60, 4000, size=n_parcels).astype("timedelta64[D]")
    agreed = supply + rng.integers(90, 180, size=n_parcels).astype("timedelta64[D]")
    supplied = ~np.isin(status, ["储备", "待供"])
    zone_names = np.array(names)[zone_of]
    serial = np.arange(1, n_parcels + 1)
    say(f"parcels: {n_parcels}")
    store = create_project(path, f"合成园区({n_parcels} 宗)", epsg=EPSG, overwrite=overwrite)
    try:
        with store.transaction():
            store.insert_many("zones", zone_geoms, log=False)
            store.insert_many("roads", road_recs, log=False)
            chunk = 200_000
            supply_s = supply.astype(str)
            agreed_s = agreed.astype(str)
            codes = [f"{COUNTY_CODE}{zone_of[k] + 1:03d}{(block[k] % 1000):03d}GB{serial[k] % 100000:05d}"
                     for k in range(n_parcels)] if n_parcels < 100000 else \
                [f"{COUNTY_CODE}{zone_of[k] + 1:03d}{serial[k]:010d}" for k in range(n_parcels)]
            for s0 in range(0, n_parcels, chunk):
                s1 = min(n_parcels, s0 + chunk)
                recs = [{"code": codes[k],
                         "name": f"{zone_names[k]}{k + 1}号地块", "zone": zone_names[k],
                         "land_use": land_use[k], "status": status[k], "far_min": 1.0,
                         "far_max": float(far_max[k]), "density": 40.0, "green_ratio": 15.0,
                         "supply_date": supply_s[k] if supplied[k] else None,
                         "agreed_start": agreed_s[k] if supplied[k] else None,
                         "retired": False, "geometry": geoms[k]} for k in range(s0, s1)]
                store.insert_many("parcels", recs, validate=False, log=False)
                say(f"parcels {s1}/{n_parcels}")
            _synthetic_buildings(store, rng, geoms, land_use, status, zone_names, codes, far_max)
    finally:
        store.close()


def _synthetic_buildings(store, rng, geoms, land_use, status, zone_names, codes, far_max) -> None:
    """A building on every built or building parcel (not parks, land left blank), 36 × 48 m
    (coverage 36% of a 60 × 80 m parcel, under its 40% density) with storeys that keep the
    FAR between the parcel's 1.0 and its maximum: factories 4 storeys at most, towers and
    the others up to the maximum. Floors are not modelled; about 8% of the standard factories
    and towers have units and leases."""
    from landapp.demo_rules import NO_BUILDING

    green = np.zeros(len(land_use), bool)
    for prefix in NO_BUILDING:
        green |= np.char.startswith(land_use.astype(str), prefix)
    pick = np.flatnonzero(np.isin(status, ["已建成投产", "在建"]) & ~green)
    if len(pick) == 0:
        return
    cx, cy = shapely.get_x(shapely.centroid(geoms[pick])), shapely.get_y(shapely.centroid(geoms[pick]))
    fps = shapely.box(cx - 18.0, cy - 24.0, cx + 18.0, cy + 24.0)
    coverage = (36.0 * 48.0) / shapely.area(geoms[pick])
    lu = land_use[pick]
    factory = np.char.startswith(lu.astype(str), "100")
    tower = lu == "0902"
    lo = np.ceil(1.0 / coverage - 1e-9).astype(int)                # FAR >= 1.0
    hi = np.maximum(lo, np.floor(far_max[pick] / coverage + 1e-9).astype(int))
    hi = np.where(factory | np.char.startswith(lu.astype(str), "11"), np.minimum(hi, 4), hi)
    storeys = np.where(tower | ~factory, rng.integers(lo, hi + 1), hi)
    btype = np.where(factory, "标准厂房", np.where(tower, "楼宇", "其他"))
    label = np.where(factory, "标准厂房", np.where(tower, "楼宇", "综合楼"))
    areas = (shapely.area(fps) * storeys).round(1)
    b_recs = [{"code": f"{codes[p]}-1", "parcel_code": codes[p], "name": f"{zone_names[p]}{lab}{k + 1}号",
               "btype": bt, "storeys": int(s), "zone": zone_names[p], "floor_area": float(a),
               "retired": False, "geometry": fp}
              for k, (p, bt, lab, s, a, fp) in enumerate(zip(pick.tolist(), btype.tolist(), label.tolist(),
                                                            storeys.tolist(), areas.tolist(), fps))]
    b_fids = store.insert_many("buildings", b_recs, validate=False, log=False)
    let = np.flatnonzero((btype != "其他") & (status[pick] == "已建成投产") & (rng.random(len(pick)) < 0.08))
    units, leases = [], []
    for i in let.tolist():
        fid, t, s, fp = b_fids[i], bool(tower[i]), int(storeys[i]), fps[i]
        per_floor = 4 if t else 1
        area = fp.area * 0.8 / per_floor
        for level in range(1, s + 1):
            for u in range(per_floor):
                vacant = rng.random() < (0.3 if t else 0.18)
                units.append({"building_id": fid, "code": f"{level:02d}{u + 1:02d}", "area": round(area, 1),
                              "status": "空置" if vacant else "已租"})
    u_fids = store.insert_many("units", units, validate=False, log=False)
    start = REFERENCE_DATE - dt.timedelta(days=400)
    end = REFERENCE_DATE + dt.timedelta(days=700)
    for fid, u in zip(u_fids, units):
        if u["status"] == "已租":
            leases.append({"unit_id": fid, "building_id": u["building_id"], "tenant": "合成租户有限公司",
                           "start_date": start.isoformat(), "end_date": end.isoformat(),
                           "area": u["area"], "status": "有效"})
    store.insert_many("leases", leases, validate=False, log=False)
