"""Map themes from the land and space rules: idle-land status and per-mu class of parcels,
availability (vacant + leases ending within a year) of buildings; the buildings' vacancy-rate
theme is in layers.themes. Registered in the renderer's theme registry when imported
(`import layers.themes_rules`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QColor

from landapp import evaluation as ev
from landapp import idle
from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.vacancy import building_availability_rates, default_as_of, load_space
from layers.themes import Classified, categorical, register_theme

if TYPE_CHECKING:  # pandas is imported by the themes that make a DataFrame, when used
    import pandas as pd

IDLE_COLOURS = {
    idle.NOT_SUPPLIED: "#E0E0E0", idle.WITHIN_GRACE: "#FFF59D", idle.NORMAL: "#A5D6A7",
    idle.COMPLETED: "#66BB6A", idle.EXEMPT: "#90CAF9", idle.SUSPECTED: "#FB8C00",
    idle.RECLAIMABLE: "#C62828", idle.INCOMPLETE: "#CE93D8",
}
IDLE_COLUMNS = ("status", "supply_date", "agreed_start", "actual_start", "actual_completion",
                "stalled_since", "developed_pct", "invested_pct", "transfer_price", "idle_exemption")
CLASS_COLOURS = ["#1A9850", "#91CF60", "#FC8D59", "#D73027", "#7B3294", "#5E3C99"]
NO_CLASS = "#E0E0E0"
AVAILABILITY = [(0.10, "#1A9850", "< 10%"), (0.25, "#A6D96A", "10–25%"), (0.40, "#FEE08B", "25–40%"),
                (0.60, "#FDAE61", "40–60%"), (1.01, "#D73027", "≥ 60%")]


def _records(df: pd.DataFrame) -> list[dict]:
    import pandas as pd

    cols = [c for c in df.columns if c != "geometry"]
    return [{k: (None if (isinstance(v, float) and np.isnan(v)) or v is pd.NaT else v)
             for k, v in zip(cols, row)} for row in df[cols].itertuples(index=False, name=None)]


def idle_classes(df: pd.DataFrame, store) -> Classified:
    as_of = default_as_of(store)
    import pandas as pd

    statuses = pd.Series([idle.idle_land_status(r, as_of).status for r in _records(df)], dtype=object)
    return categorical(statuses, list(idle.ALL_STATUSES), IDLE_COLOURS, label=idle.status_label)


def mu_classes(df: pd.DataFrame, store) -> Classified:
    cfg = ev.load_config(store)
    codes = [c["code"] for c in cfg["classes"]]
    names = {c["code"]: c.get("name", "") for c in cfg["classes"]}
    try:
        year, results = ev.evaluate(store, level="parcel", cfg=cfg)
        by_fid = {r.id: r.cls for r in results}
        low = {r.id for r in results if r.low_efficiency}
    except LandappError:  # no figures yet: every parcel unevaluated
        year, by_fid, low = None, {}, set()
    index = {c: i for i, c in enumerate(codes)}
    class_of = np.array([index.get(by_fid.get(int(f)), len(codes)) for f in df.index], dtype=np.int32)
    fills = [QColor(CLASS_COLOURS[i % len(CLASS_COLOURS)]) for i in range(len(codes))] + [QColor(NO_CLASS)]
    labels = [tr(f"{c} 类 {names[c]}", f"Class {c}") for c in codes] + [tr("未评价", "Not evaluated")]
    outlines = [QColor("#424242")] * (len(codes) + 1)
    widths = [0.6] * (len(codes) + 1)
    # low-efficiency parcels get a heavy red outline on top of their class colour
    n = len(codes) + 1
    fills2, labels2 = fills + fills, labels + [f"{lab} · {tr('低效', 'low efficiency')}" for lab in labels]
    outlines2, widths2 = outlines + [QColor("#B71C1C")] * n, widths + [2.4] * n
    is_low = np.array([int(f) in low for f in df.index], dtype=bool)
    cls = Classified(class_of + n * is_low.astype(np.int32), fills2, labels2, outlines2, widths2)
    cls.legend_items = [(lab, f, None) for lab, f in zip(labels, fills)] + [
        (tr(f"低效({year} 年)" if year else "低效", "Low efficiency"), None, QColor("#B71C1C"), 2.4)]
    return cls


def availability_classes(df: pd.DataFrame, store) -> Classified:
    """Share of a building on the market within 12 months (vacant + leases ending)."""
    rates = building_availability_rates(load_space(store), default_as_of(store), 12)
    rate = np.array([np.nan if rates.get(int(f)) is None else rates[int(f)] for f in df.index], dtype=float)
    k = len(AVAILABILITY)
    class_of = np.full(len(df), k, dtype=np.int32)
    for i, (upper, _, _) in reversed(list(enumerate(AVAILABILITY))):
        class_of[rate < upper] = i
    return Classified(class_of, [QColor(c) for _, c, _ in AVAILABILITY] + [QColor(NO_CLASS)],
                      [tr(f"一年内可招商 {lab}", f"Available within 12 months {lab}") for *_, lab in AVAILABILITY]
                      + [tr("无单元数据", "No units")])


register_theme("parcels", "idle", "按闲置土地认定", "By idle-land status", idle_classes,
               columns=IDLE_COLUMNS, depends_on=("project_settings",))
register_theme("parcels", "mu_class", "按亩均评价类别", "By per-mu class", mu_classes,
               columns=("code",), depends_on=("enterprise_metrics", "leases", "project_settings"))
register_theme("buildings", "availability", "按一年内可招商比例", "By availability within 12 months",
               availability_classes, columns=("btype",), depends_on=("units", "leases"))
