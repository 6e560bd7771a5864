"""Per-mu performance evaluation (亩均论英雄) of enterprises and parcels.

Score = Σ weight × min(indicator / benchmark, cap) over the configured indicators; classes
by score cut-offs or by percentile rank; low-efficiency flags. Everything a province varies
(indicator set, weights, benchmarks, caps, class names and cut-offs, low-efficiency rule) is
configuration, stored as JSON in the project setting `mu_evaluation` (presets: Sichuan A/B/C,
Zhejiang-style A/B/C/D with Huai'an's percentile bands).

Figures come from the `enterprise_metrics` table (one row per enterprise and year, money in
万元). An enterprise's land is its own parcels (parcels.land_user_id) less the share its
tenants use, plus the land share of the floor space it leases: lease area / leasable area of
the parcel's buildings × parcel area. A parcel is evaluated on the figures of the
enterprises using it, each weighted by the share of its land that lies on that parcel.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from landapp.errors import LandappError
from landapp.files import read_csv_text
from landapp.i18n import tr
from landapp.units import MU_M2
from landapp.vacancy import _opt_date
from landapp.store.filters import F, current

SETTING_KEY = "mu_evaluation"

# key -> (numerator metric, denominator metric, scale, title zh, title en, unit)
INDICATORS: dict[str, tuple[str, str, float, str, str, str]] = {
    "revenue_per_mu": ("revenue", "land_mu", 1.0, "亩均营业收入", "Revenue per mu", "万元/亩"),
    "tax_per_mu": ("tax", "land_mu", 1.0, "亩均税收", "Tax per mu", "万元/亩"),
    "value_added_per_mu": ("value_added", "land_mu", 1.0, "亩均增加值", "Value added per mu", "万元/亩"),
    "revenue_per_employee": ("revenue", "employees", 1.0, "人均营业收入", "Revenue per employee", "万元/人"),
    "revenue_per_energy": ("revenue", "energy_tce", 1.0, "单位能耗营业收入", "Revenue per unit of energy",
                           "万元/吨标煤"),
    "value_added_per_energy": ("value_added", "energy_tce", 1.0, "单位能耗增加值",
                               "Value added per unit of energy", "万元/吨标煤"),
    "value_added_per_emission": ("value_added", "emissions_t", 1.0, "单位排放增加值",
                                 "Value added per unit of emissions", "万元/吨"),
    "labour_productivity": ("value_added", "employees", 1.0, "全员劳动生产率", "Labour productivity",
                            "万元/人"),
    "rd_intensity": ("rd_spend", "revenue", 100.0, "研发经费投入强度", "R&D intensity", "%"),
}
METRICS = ("revenue", "tax", "value_added", "energy_tce", "emissions_t", "employees", "rd_spend")

SICHUAN = {
    "name": "四川(A/B/C)",
    "indicators": [
        {"key": "revenue_per_mu", "weight": 25, "benchmark": 400.0, "cap": 2.0},
        {"key": "tax_per_mu", "weight": 35, "benchmark": 20.0, "cap": 2.0},
        {"key": "revenue_per_employee", "weight": 15, "benchmark": 80.0, "cap": 2.0},
        {"key": "revenue_per_energy", "weight": 15, "benchmark": 2.0, "cap": 2.0},
        {"key": "rd_intensity", "weight": 10, "benchmark": 3.0, "cap": 2.0},
    ],
    "method": "score",
    "classes": [
        {"code": "A", "name": "优先发展类", "min_score": 120.0},
        {"code": "B", "name": "提升发展类", "min_score": 70.0},
        {"code": "C", "name": "帮扶整治类", "min_score": None},
    ],
    "low_efficiency": {"classes": ["C"], "min_tax_per_mu": 5.0},
    "scope": {"land_uses": ["1001"], "above_scale_only": False, "min_land_mu": 0.0},
}

ZHEJIANG = {
    "name": "浙江式(A/B/C/D,按排名)",
    "indicators": [
        {"key": "tax_per_mu", "weight": 30, "benchmark": "mean", "cap": 3.0},
        {"key": "value_added_per_mu", "weight": 20, "benchmark": "mean", "cap": 3.0},
        {"key": "value_added_per_energy", "weight": 20, "benchmark": "mean", "cap": 3.0},
        {"key": "value_added_per_emission", "weight": 10, "benchmark": "mean", "cap": 3.0},
        {"key": "labour_productivity", "weight": 10, "benchmark": "mean", "cap": 3.0},
        {"key": "rd_intensity", "weight": 10, "benchmark": "mean", "cap": 3.0},
    ],
    "method": "percentile",  # top_pct: the class takes ranks up to this share from the top
    "classes": [
        {"code": "A", "name": "优先发展类", "top_pct": 20.0},
        {"code": "B", "name": "提升发展类", "top_pct": 60.0},
        {"code": "C", "name": "调控帮扶类", "top_pct": 95.0},
        {"code": "D", "name": "倒逼整治类", "top_pct": 100.0},
    ],
    "low_efficiency": {"classes": ["D"], "min_tax_per_mu": None},
    # 规上工业企业 and the others with at least 3 亩 (Zhejiang's 亩均 rules), warehouse land too
    "scope": {"land_uses": ["1001", "1101"], "above_scale_only": False, "min_land_mu": 3.0},
}

PRESETS = {"sichuan": SICHUAN, "zhejiang": ZHEJIANG}


def _err(zh: str, en: str) -> LandappError:
    return LandappError(tr(f"亩均评价设置有误:{zh}", f"The per-mu evaluation settings are wrong: {en}"))


def validate_config(cfg: dict) -> dict:
    """Check a configuration; return a normalised copy. Raises LandappError in one sentence."""
    if not isinstance(cfg, dict):
        raise _err("应为 JSON 对象。", "it must be a JSON object.")
    out = copy.deepcopy(cfg)
    inds = out.get("indicators")
    if not inds or not isinstance(inds, list):
        raise _err("至少需要一个指标。", "at least one indicator is needed.")
    for ind in inds:
        key = ind.get("key")
        if key not in INDICATORS:
            raise _err(f"未知指标“{key}”,可用:{'、'.join(INDICATORS)}。",
                       f"unknown indicator '{key}'; known: {', '.join(INDICATORS)}.")
        w = ind.get("weight")
        if not isinstance(w, (int, float)) or w < 0:
            raise _err(f"指标 {key} 的权重应为非负数。", f"the weight of {key} must be a number >= 0.")
        b = ind.get("benchmark")
        if not (b in ("mean", "median") or (isinstance(b, (int, float)) and b > 0)):
            raise _err(f"指标 {key} 的基准值应为正数或 mean/median。",
                       f"the benchmark of {key} must be a positive number, mean or median.")
        cap = ind.get("cap")
        if cap is not None and (not isinstance(cap, (int, float)) or cap <= 0):
            raise _err(f"指标 {key} 的封顶倍数应为正数。", f"the cap of {key} must be positive.")
    method = out.setdefault("method", "score")
    classes = out.get("classes")
    if method not in ("score", "percentile"):
        raise _err("分类方法应为 score 或 percentile。", "the method must be score or percentile.")
    if not classes:
        raise _err("至少需要一个类别。", "at least one class is needed.")
    if method == "score":
        mins = [c.get("min_score") for c in classes]
        if mins[-1] is not None:
            mins[-1] = None
            classes[-1]["min_score"] = None
        nums = [m for m in mins[:-1]]
        if any(not isinstance(m, (int, float)) for m in nums) or nums != sorted(nums, reverse=True):
            raise _err("按得分分类时,各类最低分应从高到低排列(最后一类不设下限)。",
                       "with score classes, the minimum scores must descend (the last class has none).")
    else:
        tops = [c.get("top_pct") for c in classes]
        if any(not isinstance(t, (int, float)) for t in tops) or tops != sorted(tops) or tops[-1] != 100:
            raise _err("按排名分类时,各类累计比例应递增且最后一类为 100。",
                       "with percentile classes, the cumulative shares must rise and end at 100.")
    out.setdefault("low_efficiency", {"classes": [classes[-1]["code"]], "min_tax_per_mu": None})
    from landapp.evaluation_scope import validate_scope

    out["scope"] = validate_scope(out.get("scope"))
    return out


def load_config(store) -> dict:
    raw = store.get_setting(SETTING_KEY)
    if not raw:
        return copy.deepcopy(SICHUAN)
    try:
        return validate_config(json.loads(raw))
    except json.JSONDecodeError:
        raise _err("不是有效的 JSON。", "it is not valid JSON.") from None


def save_config(store, cfg: dict | str) -> dict:
    """Validate and store a configuration (a dict, JSON text or a preset name)."""
    if isinstance(cfg, str):
        if cfg in PRESETS:
            cfg = PRESETS[cfg]
        else:
            try:
                cfg = json.loads(cfg)
            except json.JSONDecodeError:
                raise _err("不是有效的 JSON。", "it is not valid JSON.") from None
    cfg = validate_config(cfg)
    store.set_setting(SETTING_KEY, json.dumps(cfg, ensure_ascii=False))
    return cfg


def indicator_title(key: str) -> str:
    d = INDICATORS[key]
    return tr(d[3], d[4])


# ---- land used by each enterprise ------------------------------------------------------

def land_shares(parcels: list[dict], buildings: list[dict], units: list[dict], leases: list[dict],
                as_of: dt.date) -> dict[int, dict[int, float]]:
    """{enterprise fid: {parcel fid: m² of land}} from ownership and leases in force on
    `as_of` (module docstring)."""
    by_code = {p.get("code"): p for p in parcels if p.get("code")}
    b_parcel = {b["fid"]: by_code.get(b.get("parcel_code")) for b in buildings}
    leasable: dict[int, float] = defaultdict(float)  # parcel fid -> unit area of its buildings
    for u in units:
        p = b_parcel.get(u.get("building_id"))
        if p is not None:
            leasable[p["fid"]] += float(u.get("area") or 0.0)
    out: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    tenant_land: dict[int, float] = defaultdict(float)
    for le in leases:
        s, e = _opt_date(le.get("start_date")), _opt_date(le.get("end_date"))
        ent = le.get("enterprise_id")
        if ent is None or s is None or e is None or not (s <= as_of <= e):
            continue
        p = b_parcel.get(le.get("building_id"))
        if p is None or leasable[p["fid"]] <= 0:
            continue
        area = float(p.get("area_m2") or 0.0)
        share = min(1.0, float(le.get("area") or 0.0) / leasable[p["fid"]]) * area
        out[int(ent)][p["fid"]] += share
        tenant_land[p["fid"]] += share
    for p in parcels:
        owner = p.get("land_user_id")
        if owner is None:
            continue
        area = float(p.get("area_m2") or 0.0)
        out[int(owner)][p["fid"]] += max(0.0, area - min(area, tenant_land[p["fid"]]))
    return {k: dict(v) for k, v in out.items() if sum(v.values()) > 0}


def _read(store):
    parcels = store.rows("parcels", current(), geometry=False)
    buildings = store.rows("buildings", current(), geometry=False)
    return parcels, buildings, store.rows("units"), store.rows("leases")


def enterprise_land(store, as_of: dt.date) -> dict[int, dict[int, float]]:
    return land_shares(*_read(store), as_of)


# ---- scoring -----------------------------------------------------------------------------

@dataclass
class Result:
    id: int
    name: str
    land_m2: float
    values: dict[str, float | None]
    ratios: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    cls: str = ""
    class_name: str = ""
    rank: int = 0
    low_efficiency: bool = False
    incomplete: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "land_m2": round(self.land_m2, 1),
                "land_mu": round(self.land_m2 / MU_M2, 2),
                **{k: (None if v is None else round(v, 4)) for k, v in self.values.items()},
                "score": round(self.score, 2), "class": self.cls, "class_name": self.class_name,
                "rank": self.rank, "low_efficiency": self.low_efficiency,
                "incomplete": self.incomplete, "flags": self.flags}


def indicator_values(figures: dict, keys: list[str]) -> tuple[dict[str, float | None], list[str]]:
    vals: dict[str, float | None] = {}
    missing = []
    for k in keys:
        num, den, scale = INDICATORS[k][:3]
        a, b = figures.get(num), figures.get(den)
        if a is None or b is None or not b or b <= 0:
            vals[k] = None
            missing.append(k)
        else:
            vals[k] = float(a) / float(b) * scale
    return vals, missing


def score_entities(entities: list[dict], cfg: dict) -> list[Result]:
    """Score and classify entities: dicts with id, name, land_m2 and the METRICS sums.
    Missing indicators score 0 and are listed in `incomplete`. Sorted by rank."""
    cfg = validate_config(cfg)
    keys = [i["key"] for i in cfg["indicators"]]
    results = []
    for e in entities:
        figs = {**e, "land_mu": e["land_m2"] / MU_M2}
        vals, missing = indicator_values(figs, keys)
        results.append(Result(e["id"], e.get("name") or str(e["id"]), e["land_m2"], vals, incomplete=missing))
    bench: dict[str, float | None] = {}
    for ind in cfg["indicators"]:
        b = ind["benchmark"]
        if isinstance(b, str):
            xs = [r.values[ind["key"]] for r in results if r.values[ind["key"]] is not None]
            xs = [x for x in xs if x > 0]
            b = (statistics.fmean(xs) if b == "mean" else statistics.median(xs)) if xs else None
        bench[ind["key"]] = b
    for r in results:
        total = 0.0
        for ind in cfg["indicators"]:
            v, b = r.values[ind["key"]], bench[ind["key"]]
            ratio = 0.0 if v is None or not b else max(0.0, v / b)
            if ind.get("cap") is not None:
                ratio = min(ratio, float(ind["cap"]))
            r.ratios[ind["key"]] = ratio
            total += ratio * float(ind["weight"])
        r.score = total
    results.sort(key=lambda r: (-r.score, r.id))
    n = len(results)
    for i, r in enumerate(results):
        r.rank = i + 1
        if cfg["method"] == "score":
            for c in cfg["classes"]:
                if c.get("min_score") is None or r.score >= c["min_score"] - 1e-9:
                    r.cls, r.class_name = c["code"], c.get("name", "")
                    break
        else:
            pct = 100.0 * (i + 1) / n  # share of the ranking down to and including this one
            for c in cfg["classes"]:
                if pct <= c["top_pct"] + 1e-9:
                    r.cls, r.class_name = c["code"], c.get("name", "")
                    break
    low = cfg.get("low_efficiency") or {}
    tax_of = {e["id"]: e.get("tax") for e in entities}
    for r in results:
        if r.cls in (low.get("classes") or []):
            r.flags.append(tr(f"{r.cls} 类", f"class {r.cls}"))
        floor = low.get("min_tax_per_mu")
        tax = tax_of.get(r.id)
        if floor is not None and tax is not None and r.land_m2 > 0 and float(tax) / (r.land_m2 / MU_M2) < floor:
            r.flags.append(tr(f"亩均税收低于 {floor:g} 万元/亩", f"tax per mu below {floor:g} (10k CNY)"))
        r.low_efficiency = bool(r.flags)
    return results


def metrics_years(store) -> list[int]:
    return sorted({int(r["year"]) for r in store.rows("enterprise_metrics")})


def _metrics_for(store, year: int | None) -> tuple[int, dict[int, dict]]:
    years = metrics_years(store)
    if not years:
        raise LandappError(tr("工程中没有企业亩均数据(enterprise_metrics 表为空),无法评价。",
                              "The project has no enterprise figures (enterprise_metrics is empty); "
                              "nothing to evaluate."))
    if year is None:
        year = years[-1]
    elif year not in years:
        raise LandappError(tr(f"没有 {year} 年的企业数据,已有年度:{'、'.join(map(str, years))}。",
                              f"There are no figures for {year}; years present: {', '.join(map(str, years))}."))
    return year, {int(r["enterprise_id"]): r for r in store.rows("enterprise_metrics", F("year") == year)}


def evaluate(store, year: int | None = None, *, level: str = "enterprise",
             cfg: dict | None = None, excluded: list | None = None) -> tuple[int, list[Result]]:
    """Evaluate every enterprise (level='enterprise') or parcel (level='parcel') with
    figures for `year` (default: the latest year) within the configuration's scope
    (landapp.evaluation_scope): only land of the evaluated classes counts, and only the
    enterprises that take part. Returns (year, results by rank); what is left out is
    appended to `excluded` as {"id", "name", "level", "reason"}."""
    from landapp.evaluation_scope import split_shares, take_part

    cfg = validate_config(cfg or load_config(store))
    scope = cfg["scope"]
    out = excluded if excluded is not None else []
    year, metrics = _metrics_for(store, year)
    shares = enterprise_land(store, dt.date(year, 12, 31))
    ents_by_id = {r["fid"]: r for r in store.rows("enterprises")}
    names = {k: r["name"] for k, r in ents_by_id.items()}
    parcels = {p["fid"]: p for p in store.rows("parcels", current(), geometry=False)}
    inside, outside = split_shares(shares, parcels, scope)
    taking: dict[int, float] = {}
    for eid, m in metrics.items():
        land = sum(inside.get(eid, {}).values())
        recorded = m.get("land_area_m2")
        if recorded and not outside.get(eid) and eid not in shares:
            land = float(recorded)  # figures from elsewhere: the recorded land is all it has
        reason = take_part(eid, ents_by_id.get(eid), land, outside.get(eid, 0.0), scope)
        if reason:
            if level == "enterprise":
                out.append({"id": eid, "name": names.get(eid, str(eid)), "level": "enterprise", "reason": reason})
            continue
        taking[eid] = land
    if level == "enterprise":
        ents = [{"id": eid, "name": names.get(eid, str(eid)), "land_m2": float(land),
                 **{k: metrics[eid].get(k) for k in METRICS}} for eid, land in taking.items()]
        return year, score_entities(ents, cfg)
    if level != "parcel":
        raise LandappError(tr("评价对象应为 enterprise 或 parcel。", "Evaluate enterprises or parcels."))
    from landapp.evaluation_scope import evaluated_use

    acc: dict[int, dict] = {}
    for eid, land in taking.items():
        m = metrics[eid]
        for pfid, m2 in inside.get(eid, {}).items():
            a = acc.setdefault(pfid, {"id": pfid, "name": parcels[pfid].get("code") or str(pfid),
                                      "land_m2": float(parcels[pfid].get("area_m2") or 0.0),
                                      **{k: None for k in METRICS}})
            w = m2 / land
            for k in METRICS:
                if m.get(k) is not None:
                    a[k] = (a[k] or 0.0) + float(m[k]) * w
    used = {pfid for by in shares.values() for pfid in by}
    for pfid in sorted(used - set(acc)):
        p = parcels.get(pfid)
        if p is None:
            continue
        reason = (tr(f"用地性质 {p.get('land_use') or '-'} 不在评价范围内",
                     f"land use {p.get('land_use') or '-'} is not evaluated")
                  if not evaluated_use(p.get("land_use"), scope) else
                  tr("使用该地块的企业均未参评", "none of its enterprises takes part"))
        out.append({"id": pfid, "name": p.get("code") or str(pfid), "level": "parcel", "reason": reason})
    return year, score_entities([a for a in acc.values() if a["land_m2"] > 0], cfg)


def class_counts(results: list[Result]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in results:
        c = out.setdefault(r.cls, {"count": 0, "land_m2": 0.0, "name": r.class_name})
        c["count"] += 1
        c["land_m2"] += r.land_m2
    return dict(sorted(out.items()))


# ---- plausible figures for a demo park ------------------------------------------------------

def fill_demo_metrics(store, years: tuple[int, ...] = (2024, 2025), *, seed: int = 6,
                      as_of: dt.date | None = None, replace: bool = True) -> int:
    """Write plausible yearly figures for every enterprise that uses land in the project
    (own parcels or leased space), for demos and tests. Revenue per mu is log-normal around
    the median of the enterprise's industry (landapp.demo_rules.INDUSTRY_PROFILE: a car maker
    ~950 万元/亩, a parts maker ~420, logistics ~160); tax, value added, staff, energy, emissions and
    R&D follow from revenue with firm-specific ratios; later years grow by -10…+20%.
    Returns the number of rows written."""
    import numpy as np

    from landapp.vacancy import default_as_of

    from landapp.demo_rules import DEFAULT_PROFILE, INDUSTRY_PROFILE

    rng = np.random.default_rng(seed)
    as_of = as_of or default_as_of(store)
    shares = enterprise_land(store, as_of)
    industry = {r["fid"]: r.get("industry") for r in store.rows("enterprises")}
    rows = []
    for eid in sorted(shares):
        land = sum(shares[eid].values())
        mu = land / MU_M2
        # revenue per mu, tax share and staff by industry: a car plant is not a warehouse
        rev_median, tax_range, emp_median = INDUSTRY_PROFILE.get(industry.get(eid) or "", DEFAULT_PROFILE)
        rev_mu = float(rng.lognormal(math.log(rev_median), 0.55))
        tax_rate = float(rng.uniform(*tax_range))
        va_rate = float(rng.uniform(0.18, 0.38))
        per_emp = float(rng.lognormal(math.log(emp_median), 0.35))
        per_tce = float(rng.lognormal(math.log(2.2), 0.6))
        rd_rate = float(rng.choice([0.003, 0.01, 0.02, 0.035, 0.06], p=[0.2, 0.25, 0.25, 0.2, 0.1]))
        growth = 1.0
        for y in sorted(years):
            rev = rev_mu * mu * growth
            energy = rev / per_tce
            rows.append({"enterprise_id": eid, "year": int(y), "revenue": round(rev, 1),
                         "tax": round(rev * tax_rate, 1), "value_added": round(rev * va_rate, 1),
                         "energy_tce": round(energy, 1),
                         "emissions_t": round(energy * float(rng.uniform(0.001, 0.004)), 3),
                         "employees": max(1, round(rev / per_emp)),
                         "rd_spend": round(rev * rd_rate, 1), "land_area_m2": round(land, 1)})
            growth *= float(rng.uniform(0.9, 1.2))
    with store.transaction():
        if replace:
            for r in store.rows("enterprise_metrics"):
                store.delete("enterprise_metrics", r["fid"])
        store.insert_many("enterprise_metrics", rows)
    return len(rows)


# ---- importing yearly figures ----------------------------------------------------------------

def _header_map() -> dict[str, str]:
    """Accepted column headers -> enterprise_metrics field: field names, Chinese and English
    titles with or without their unit in brackets."""
    import re

    from landapp.schema import spec

    out: dict[str, str] = {}
    for f in spec("enterprise_metrics").fields:
        if f.computed or f.name == "enterprise_id":
            continue
        for h in (f.name, f.title_zh, f.title_en):
            out[h.strip().lower()] = f.name
            out[re.sub(r"[(（].*?[)）]", "", h).strip().lower()] = f.name
    for h in ("企业名称", "企业", "name", "enterprise", "纳税人名称"):
        out[h] = "_name"
    for h in ("统一社会信用代码", "信用代码", "credit_code", "纳税人识别号"):
        out[h] = "_credit"
    out.update({"年份": "year", "年度": "year"})
    return out


def import_metrics(store, path: str, *, year: int | None = None) -> int:
    """Read yearly figures from a CSV file (UTF-8 or GBK; headers as in the table, in Chinese
    or English, e.g. 企业名称, 统一社会信用代码, 年度, 营业收入(万元), 实缴税收(万元) …) into
    enterprise_metrics, matching enterprises by credit code, else by exact name. A row for
    an enterprise and year that exists is replaced. All rows or none: an unknown enterprise
    or a bad value stops the import with one sentence naming the line."""
    import csv

    text = read_csv_text(path)
    reader = csv.reader(text.splitlines())
    try:
        header = next(reader)
    except StopIteration:
        raise LandappError(tr(f"{path} 是空文件。", f"{path} is empty.")) from None
    hm = _header_map()
    cols = [hm.get(h.strip().lower()) for h in header]
    if "_name" not in cols and "_credit" not in cols:
        raise LandappError(tr(f"{path} 缺少“企业名称”或“统一社会信用代码”列。",
                              f"{path} has no enterprise name or credit code column."))
    if "year" not in cols and year is None:
        raise LandappError(tr(f"{path} 缺少“年度”列,请用 --year 指定年度。",
                              f"{path} has no year column; give the year with --year."))
    ents = store.rows("enterprises")
    by_credit = {e["credit_code"]: e["fid"] for e in ents if e.get("credit_code")}
    by_name = {e["name"]: e["fid"] for e in ents}
    from landapp.schema import validate_record

    records = []
    for lineno, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        vals = {c: v.strip() for c, v in zip(cols, row) if c}
        eid = by_credit.get(vals.get("_credit", "")) or by_name.get(vals.get("_name", ""))
        if eid is None:
            who = vals.get("_name") or vals.get("_credit")
            raise LandappError(tr(f"{path} 第 {lineno} 行:工程中没有企业“{who}”,未导入任何数据。",
                                  f"{path} line {lineno}: the project has no enterprise '{who}'; nothing imported."))
        rec = {k: v for k, v in vals.items() if not k.startswith("_")}
        rec["enterprise_id"] = eid
        if year is not None and not rec.get("year"):
            rec["year"] = year
        try:
            records.append(validate_record("enterprise_metrics", rec))
        except LandappError as e:
            raise LandappError(tr(f"{path} 第 {lineno} 行:{e}", f"{path} line {lineno}: {e}")) from None
    with store.transaction():
        for rec in records:
            for old in store.rows("enterprise_metrics",
                                  (F("enterprise_id") == rec["enterprise_id"]) & (F("year") == rec["year"])):
                store.delete("enterprise_metrics", old["fid"])
        store.insert_many("enterprise_metrics", records)
    return len(records)
