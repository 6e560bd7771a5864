"""Who and what 亩均论英雄 evaluates: the land-use classes of the evaluated land and the
enterprises that take part. Part of the evaluation configuration (`cfg["scope"]`):

    {"land_uses": ["1001"],          # code prefixes: 1001 工业用地 and its sub-codes 100101 …
     "above_scale_only": false,      # only 规上工业企业
     "min_land_mu": 0}               # others take part from this much evaluated land (亩)

Evaluations count industrial enterprises on industrial land (and warehouse land 1101 where a
scheme says so): a 公园绿地, school or housing parcel is never scored, and an enterprise's 亩
count only its land of the evaluated classes. Everything left out is listed with the reason.
"""

from __future__ import annotations

from landapp import landuse
from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.units import MU_M2

DEFAULT_SCOPE = {"land_uses": ["1001"], "above_scale_only": False, "min_land_mu": 0.0}


def _err(zh: str, en: str) -> LandappError:
    return LandappError(tr(f"亩均评价设置有误:{zh}", f"The per-mu evaluation settings are wrong: {en}"))


def validate_scope(scope) -> dict:
    """A normalised copy of a scope (defaults filled in); one sentence on a bad value."""
    if scope is None:
        scope = {}
    if not isinstance(scope, dict):
        raise _err("评价范围(scope)应为 JSON 对象。", "the scope must be a JSON object.")
    out = {**DEFAULT_SCOPE, **scope}
    uses = out["land_uses"]
    if not isinstance(uses, list) or not uses or not all(isinstance(u, str) and u.strip() for u in uses):
        raise _err("评价范围的用地分类(land_uses)应为非空的代码列表,如 [\"1001\"]。",
                   "the scope's land_uses must be a non-empty list of codes such as [\"1001\"].")
    norm = []
    for u in uses:
        code = landuse.normalize_code(u.strip()) if landuse.is_known(u.strip()) else None
        if code is None:
            raise _err(f"“{u}”不是已知的用地分类代码。", f"'{u}' is not a known land-use code.")
        norm.append(code)
    out["land_uses"] = norm
    if not isinstance(out["above_scale_only"], bool):
        raise _err("above_scale_only 应为 true 或 false。", "above_scale_only must be true or false.")
    m = out["min_land_mu"]
    if isinstance(m, bool) or not isinstance(m, (int, float)) or not (m >= 0) or m == float("inf"):
        raise _err("最小用地面积(min_land_mu)应为不小于 0 的数。", "min_land_mu must be a number >= 0.")
    out["min_land_mu"] = float(m)
    return out


def evaluated_use(land_use: str | None, scope: dict) -> bool:
    """True when a parcel of this land use is evaluated (a code under one of the prefixes)."""
    return bool(land_use) and any(str(land_use).startswith(p) for p in scope["land_uses"])


def scope_text(scope: dict) -> str:
    names = "、".join(f"{u} {landuse.name(u) or ''}".strip() for u in scope["land_uses"])
    who = tr("规上工业企业", "above-scale enterprises") if scope["above_scale_only"] else tr("企业", "enterprises")
    extra = (tr(f",规下企业评价用地不少于 {scope['min_land_mu']:g} 亩", f"; others with at least {scope['min_land_mu']:g} mu")
             if scope["min_land_mu"] and not scope["above_scale_only"] else "")
    return tr(f"评价 {names} 上的{who}{extra}", f"evaluates {who} on {names}{extra}")


def split_shares(shares: dict[int, dict[int, float]], parcels: dict[int, dict], scope: dict
                 ) -> tuple[dict[int, dict[int, float]], dict[int, float]]:
    """(each enterprise's land on evaluated parcels only, its land elsewhere in m²)."""
    inside: dict[int, dict[int, float]] = {}
    outside: dict[int, float] = {}
    for eid, by_parcel in shares.items():
        for pfid, m2 in by_parcel.items():
            p = parcels.get(pfid)
            if p is not None and evaluated_use(p.get("land_use"), scope):
                inside.setdefault(eid, {})[pfid] = m2
            else:
                outside[eid] = outside.get(eid, 0.0) + m2
    return inside, outside


def take_part(eid: int, ent: dict | None, land_m2: float, outside_m2: float, scope: dict
              ) -> str | None:
    """None when the enterprise is evaluated, else the reason it is left out."""
    if land_m2 <= 0:
        if outside_m2 > 0:
            return tr("没有评价范围内的用地(只在其他用地性质上用地)",
                      "no land of the evaluated classes (its land has other uses)")
        return tr("在园区内没有用地", "uses no land in the park")
    above = bool((ent or {}).get("above_scale"))
    if scope["above_scale_only"] and not above:
        return tr("不是规上企业", "not an above-scale enterprise")
    if not above and land_m2 / MU_M2 < scope["min_land_mu"] - 1e-4:  # areas are stored to 0.01 m²
        return tr(f"规下企业,评价用地 {land_m2 / MU_M2:,.2f} 亩不足 {scope['min_land_mu']:g} 亩",
                  f"below scale with {land_m2 / MU_M2:,.2f} mu of evaluated land, less than {scope['min_land_mu']:g}")
    return None
