"""Units used by Chinese park planners. 1 亩 = 10000/15 m² (15 亩 = 1 公顷)."""

from __future__ import annotations

MU_M2 = 10000.0 / 15.0  # 666.666… m²
HA_M2 = 10000.0


def to_mu(area_m2: float) -> float:
    """Square metres to 亩."""
    return area_m2 / MU_M2


def from_mu(mu: float) -> float:
    """亩 to square metres."""
    return mu * MU_M2


def format_area(area_m2: float) -> str:
    """'12345.6 ㎡ (18.52 亩)': m² to one decimal as on the parcel sheet, 亩 to two."""
    return f"{area_m2:,.1f} ㎡ ({to_mu(area_m2):,.2f} 亩)"
