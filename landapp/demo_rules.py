"""What makes the demo park one a 经开区 planner recognises: who holds which land, and what
stands on it.

- Land users fit the land use: industrial land (10) is held by manufacturers of the park's
  chains (汽车整车, 零部件, 新能源电池, 智能网联 …), warehouse land (11) by logistics firms,
  housing (07) by developers, commercial land (09) by commercial or office developers; public
  land (08), parks, green buffers and roads (12, 14) are allocated (划拨) to the district's
  bodies or left unassigned.
- Built (已建成投产) and 在建 parcels carry buildings whose floor area and footprint agree with
  the parcel's 容积率 (FAR between its minimum and maximum) and 建筑密度 (coverage at most the
  density; industrial land at least 30%, the national 建筑系数 floor).
- Yearly figures are plausible for the enterprise's industry (revenue, tax and staff per mu).
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import Polygon, box

# (trade in the company name, industry) per group; the group decides which land it may hold
ENTERPRISE_GROUPS: dict[str, tuple[int, list[tuple[str, str]]]] = {
    "manufacturer": (96, [("汽车有限公司", "汽车整车制造"), ("汽车零部件有限公司", "汽车零部件制造"),
                          ("汽车部件有限公司", "汽车零部件制造"), ("动力电池有限公司", "新能源电池"),
                          ("电池材料有限公司", "新能源电池"), ("新能源汽车有限公司", "新能源汽车"),
                          ("智能网联技术有限公司", "智能网联"), ("汽车电子有限公司", "电子信息"),
                          ("精密机械有限公司", "装备制造"), ("模具有限公司", "汽车零部件制造")]),
    "logistics": (12, [("供应链管理有限公司", "现代物流"), ("物流有限公司", "现代物流")]),
    "services": (40, [("信息技术有限公司", "软件与信息服务"), ("检测认证有限公司", "科技服务"),
                      ("商务咨询有限公司", "商务服务"), ("工程设计有限公司", "科技服务"),
                      ("人力资源有限公司", "商务服务"), ("数字科技有限公司", "软件与信息服务")]),
    "developer": (10, [("置业有限公司", "房地产开发"), ("房地产开发有限公司", "房地产开发")]),
    "commercial": (10, [("商业管理有限公司", "商贸服务"), ("文旅发展有限公司", "文体旅游"),
                        ("酒店管理有限公司", "商贸服务")]),
    "office": (8, [("产业投资有限公司", "商务服务"), ("置地有限公司", "商务服务")]),
}
CORES = ["华鼎", "星河", "川汽", "锦程", "天府", "蓉欧", "龙腾", "驿达", "中汇", "博世达", "恒通", "东盛",
         "嘉瑞", "明远", "鑫源", "众泰", "泰康", "领航", "智行", "宏图", "金桥", "云帆", "安捷", "新锐",
         "瑞丰", "德远", "联创", "汇川", "长鑫", "一汽", "天齐", "九鼎", "银河", "同创", "卓越", "鼎力",
         "华西", "巴蜀", "晨光", "正和", "沃特", "丰田", "吉利", "大运", "宁德", "亿纬", "富临", "银隆"]

# public land is held by the district's bodies (not enterprises), by land-use prefix
DISTRICT_BODIES = [
    ("0802", ["成都经开区科技创新研究院", "四川汽车产业技术研究院"]),
    ("0803", ["龙泉驿区文化广电旅游局"]),
    ("0804", ["龙泉驿区教育局"]),
    ("0805", ["龙泉驿区文化广电旅游局"]),
    ("0806", ["龙泉驿区卫生健康局"]),
    ("08", ["成都经开区管委会"]),
    ("12", ["龙泉驿区交通运输局"]),
    ("14", ["龙泉驿区公园城市建设和城市更新局", None]),
]


def enterprise_group_for_land(use: str) -> str | None:
    """The group of enterprises that may hold land of this use (None: district bodies)."""
    if use.startswith("10"):
        return "manufacturer"
    if use.startswith("11"):
        return "logistics"
    if use.startswith("07"):
        return "developer"
    if use in ("0901", "0903", "0904"):
        return "commercial"
    if use == "0902":
        return "office"
    return None


def district_body(rng: np.random.Generator, use: str) -> str | None:
    for prefix, bodies in DISTRICT_BODIES:
        if use.startswith(prefix):
            return bodies[int(rng.integers(len(bodies)))]
    return None


def allocated(use: str) -> bool:
    """Land supplied by allocation (划拨): public services, roads, green space."""
    return use.startswith(("08", "12", "14"))


# ---- buildings consistent with FAR and coverage -------------------------------------------------

NO_BUILDING = ("12", "14", "16", "17")
BUILT_STATUSES = ("已建成投产", "在建", "低效", "盘活中", "已盘活")


def building_kind(rng: np.random.Generator, use: str) -> tuple[str, str, int, tuple[int, int]] | None:
    """(type, label, how many, storey range) of the buildings on a parcel of this use."""
    if use.startswith(NO_BUILDING):
        return None
    if use.startswith("100"):
        if rng.random() < 0.5:
            return "标准厂房", "标准厂房", int(rng.integers(2, 5)), (1, 4)
        return "其他", "生产厂房", int(rng.integers(1, 3)), (1, 4)
    if use.startswith("10") or use.startswith("11"):
        return "其他", "仓库", int(rng.integers(1, 4)), (1, 4)
    if use in ("0902", "0901"):
        if rng.random() < 0.5:
            return "楼宇", "商务楼宇", int(rng.integers(1, 3)), (8, 40)
        return "其他", "商业综合体", 1, (3, 16)
    if use.startswith("09"):
        return "其他", "文体商业用房", int(rng.integers(1, 3)), (2, 12)
    if use.startswith("07"):
        return "其他", "住宅", int(rng.integers(4, 9)), (6, 33)
    if use.startswith("08"):
        return "其他", {"0802": "科研楼", "0804": "教学楼", "0806": "医疗综合楼"}.get(use, "综合楼"), \
            int(rng.integers(1, 4)), (2, 12)
    return "其他", "综合楼", 1, (1, 6)


def site_plan(rng: np.random.Generator, parcel: Polygon, rec: dict, count: int,
              storey_range: tuple[int, int], industrial: bool) -> list[tuple[Polygon, int]]:
    """Footprints (in the parcel's local, axis-aligned frame) and storeys of `count`
    buildings laid out on a grid inside the parcel's setback, so that coverage stays within
    the parcel's density (industrial at least 30%) and floor area / parcel area within its
    FAR range. Returns [(footprint, storeys)]; never empty for a parcel of > 3000 m²."""
    area = parcel.area
    density = (rec.get("density") or (45.0 if industrial else 35.0)) / 100.0
    far_min = rec.get("far_min") or 0.5
    far_max = rec.get("far_max") or max(far_min, 2.0)
    lo_cov = 0.32 if industrial else 0.15
    hi_cov = max(lo_cov + 0.02, min(density * 0.92, 0.6 if industrial else 0.45))
    coverage = float(rng.uniform(lo_cov, hi_cov))
    for setback in (10.0, 6.0, 3.0):
        inner = parcel.buffer(-setback, join_style="mitre")
        if not inner.is_empty:
            break
    else:
        inner = parcel
    x0, y0, x1, y1 = inner.bounds
    w, h = x1 - x0, y1 - y0
    cols = max(1, min(count, round(math.sqrt(count * w / max(h, 1.0)))))
    rows = max(1, math.ceil(count / cols))
    sw, sh = w / cols, h / rows
    lo, hi = storey_range
    target = float(rng.uniform(far_min, far_max)) * area
    # low storeys (factories, warehouses) need more coverage to reach the FAR minimum
    coverage = max(coverage, min(density * 0.97, far_min * area * 1.03 / hi / area))
    best: list[tuple[Polygon, int]] = []
    for _ in range(4):
        f = min(0.9, math.sqrt(coverage * area / (count * sw * sh)))  # share of each grid slot
        fps = []
        for k in range(count):
            c, r = k % cols, k // cols
            cx, cy = x0 + (c + 0.5) * sw, y0 + (r + 0.5) * sh
            fp = box(cx - sw * f / 2, cy - sh * f / 2, cx + sw * f / 2, cy + sh * f / 2)
            if inner.contains(fp):
                fps.append(shapely.set_precision(fp, 0.01))
        if not fps:
            fps = _one_building(parcel, inner, coverage * area)
        if not fps:
            return best
        footprint = sum(fp.area for fp in fps)
        storeys = int(np.clip(round(target / footprint), lo, hi))
        while storeys < hi and storeys * footprint < far_min * area:
            storeys += 1
        while storeys > lo and storeys * footprint > far_max * area:
            storeys -= 1
        best = [(fp, storeys) for fp in fps]
        if far_min * area <= storeys * footprint <= far_max * area or footprint / area > density * 0.95:
            return best
        # FAR out of range at the storey limit: more (or less) ground covered, within the density
        want = (far_min * 1.03 if storeys * footprint < far_min * area else far_max * 0.97) * area / storeys
        coverage = min(density * 0.97, want / area * (coverage * area / footprint))
    return best


def _one_building(parcel: Polygon, inner, area_m2: float) -> list[Polygon]:
    """One square building around the pole of inaccessibility (odd shapes)."""
    from shapely.ops import polylabel

    p = polylabel(inner if inner.geom_type == "Polygon" else max(inner.geoms, key=lambda g: g.area), 1.0)
    side = math.sqrt(area_m2)
    for _ in range(12):
        fp = box(p.x - side / 2, p.y - side / 2, p.x + side / 2, p.y + side / 2)
        if parcel.contains(fp):
            return [shapely.set_precision(fp, 0.01)]
        side *= 0.8
    return []


# ---- yearly figures by industry (万元 per 亩, tax share, revenue per employee) ---------------------

INDUSTRY_PROFILE: dict[str, tuple[float, tuple[float, float], float]] = {
    "汽车整车制造": (950.0, (0.04, 0.08), 230.0),
    "新能源汽车": (700.0, (0.03, 0.06), 160.0),
    "新能源电池": (620.0, (0.03, 0.06), 140.0),
    "汽车零部件制造": (420.0, (0.03, 0.06), 80.0),
    "智能网联": (480.0, (0.04, 0.08), 110.0),
    "电子信息": (520.0, (0.03, 0.07), 95.0),
    "装备制造": (360.0, (0.03, 0.06), 70.0),
    "现代物流": (160.0, (0.02, 0.04), 60.0),
}
DEFAULT_PROFILE = (300.0, (0.03, 0.07), 75.0)
