"""Thematic styles: how a vector layer's features are coloured, and its legend. Other parts
of the app add themes with `register_theme` (e.g. idle-land status, per-mu class) without
touching the renderer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import numpy as np
from PySide6.QtGui import QColor

from landapp import landuse
from landapp.i18n import tr
from landapp.schema import BUILDING_TYPES, PARCEL_STATUSES, value_label
from layers.styles import STATUS_COLOURS, UNKNOWN_COLOUR

if TYPE_CHECKING:  # imported where used: the first frame's themes classify Arrow columns
    import pandas as pd


@dataclass
class Classified:
    """Per-feature class index into parallel lists of colours and legend labels."""

    class_of: np.ndarray
    fills: list[QColor]
    labels: list[str]
    outlines: list[QColor] | None = None
    widths: list[float] | None = None  # outline width in px per class
    # legend rows (label, fill, outline[, outline width]) when they differ from one row per class
    legend_items: list[tuple] | None = None


@dataclass(frozen=True)
class Theme:
    layer: str
    key: str
    title_zh: str
    title_en: str
    columns: tuple[str, ...]
    classify: Callable[[pd.DataFrame, object], Classified]  # (features, store) -> Classified
    depends_on: tuple[str, ...] = field(default=())  # other store layers that change it
    # classify also takes the Arrow table of the map's read ("fid" first, columns by name):
    # a layer drawn with it needs no pandas (the start's themes)
    arrow: bool = False

    @property
    def title(self) -> str:
        return tr(self.title_zh, self.title_en)


THEMES: dict[str, dict[str, Theme]] = {}


def register_theme(layer: str, key: str, title_zh: str, title_en: str,
                   classify: Callable[[pd.DataFrame, object], Classified], *,
                   columns: tuple[str, ...] = (), depends_on: tuple[str, ...] = (), arrow: bool = False) -> Theme:
    theme = Theme(layer, key, title_zh, title_en, tuple(columns), classify, tuple(depends_on), arrow)
    THEMES.setdefault(layer, {})[key] = theme
    return theme


def themes_for(layer: str) -> list[Theme]:
    return list(THEMES.get(layer, {}).values())


def category_codes(values, order: list[str]) -> np.ndarray:
    """Position of each value in `order`, -1 for others and empty ones (pd.Categorical's
    codes). Text columns as GDAL's Arrow stream gives them (pandas' Arrow strings) are
    looked up by Arrow without a Python string per row: 1M parcels in 10 ms, not 330."""
    arr = getattr(values, "array", None)
    is_arrow = hasattr(values, "combine_chunks") or hasattr(values, "buffers")  # an Arrow column itself
    if (is_arrow or hasattr(arr, "__arrow_array__")) and all(isinstance(v, str) for v in order):
        import pyarrow as pa
        import pyarrow.compute as pc

        from landapp import arrowcols

        a = values if is_arrow else arr.__arrow_array__()
        if pa.types.is_string(a.type) or pa.types.is_large_string(a.type) or pa.types.is_string_view(a.type):
            idx = pc.index_in(a, value_set=arrowcols.strings(order).cast(a.type))  # no pa.array: no pandas
            return arrowcols.ints(idx, -1).astype(np.int32)
    import pandas as pd

    if is_arrow:
        values = values.to_pylist()
    return pd.Index(order, dtype=object).get_indexer(np.asarray(values, dtype=object)).astype(np.int32)


def categorical(values: pd.Series, order: list[str], colours: dict[str, str],
                label: Callable[[str], str] = value_label) -> Classified:
    """Classes from a text column; values outside `order` go to a grey 'other' class."""
    codes = category_codes(values, order)
    class_of = np.where(codes < 0, len(order), codes).astype(np.int32)
    fills = [QColor(colours.get(v, UNKNOWN_COLOUR)) for v in order] + [QColor(UNKNOWN_COLOUR)]
    labels = [label(v) for v in order] + [tr("其他/未填", "Other / empty")]
    return Classified(class_of, fills, labels)


# ---- parcels ----------------------------------------------------------------------------

def _by_status(df: pd.DataFrame, store) -> Classified:
    return categorical(df["status"], PARCEL_STATUSES, STATUS_COLOURS)


def _by_land_use(df: pd.DataFrame, store) -> Classified:
    """Planning colours per national class (2-digit classes, industrial and warehousing
    split to 4/6 digits as planning maps do)."""
    def key(code):
        if not isinstance(code, str) or not landuse.is_known(code):
            return None
        c = landuse.normalize_code(code)
        if c.startswith("10") or c.startswith("11"):
            return c[:6] if len(c) >= 6 else c
        if c in ("0802", "0902"):
            return c
        return c[:2]
    from landapp import arrowcols

    values = df["land_use"]
    keys = [key(c) for c in (values.to_pylist() if hasattr(values, "to_pylist") else values)]
    order = sorted({k for k in keys if k})
    colours = {k: landuse.colour(k) for k in order}
    return categorical(arrowcols.strings(keys), order, colours, label=lambda k: landuse.label(k))


register_theme("parcels", "status", "按状态", "By status", _by_status, columns=("status",), arrow=True)
register_theme("parcels", "landuse", "按用地性质", "By land use", _by_land_use, columns=("land_use",),
               arrow=True)


# ---- buildings --------------------------------------------------------------------------

TYPE_COLOURS = {"标准厂房": "#8D6E63", "楼宇": "#3F51B5", "其他": "#9E9E9E"}
TYPE_OUTLINES = {"标准厂房": ("#4E342E", 1.2), "楼宇": ("#0D1B6B", 2.4), "其他": ("#616161", 0.8)}
VACANCY_CLASSES = [  # (upper bound, colour, label)
    (0.10, "#1A9850", "< 10%"), (0.25, "#A6D96A", "10–25%"), (0.50, "#FDAE61", "25–50%"),
    (1.01, "#D73027", "≥ 50%"),
]


def vacancy_by_building(store, fids=None) -> pd.Series:
    """Vacancy rate per building fid on the project's reference date (NaN without units),
    from landapp.vacancy: the same definition as the CLI, the dashboard and the lists."""
    import pandas as pd

    from landapp.vacancy import default_as_of, store_building_vacancy_arrays

    fids, rates = store_building_vacancy_arrays(store, default_as_of(store), fids)  # arrays, not a record per unit
    return pd.Series(rates, index=pd.Index(fids, dtype=np.int64), dtype=float, name="vacancy")


def _fids(df) -> np.ndarray:
    """The features' fids: a DataFrame's index, or an Arrow table's first column."""
    if hasattr(df, "column_names"):
        from landapp import arrowcols

        return arrowcols.ints(df.column(0))
    return df.index.to_numpy(dtype=np.int64)


def _type_index(df: pd.DataFrame) -> np.ndarray:
    other = BUILDING_TYPES.index("其他")
    codes = category_codes(df["btype"], BUILDING_TYPES)
    return np.where(codes < 0, other, codes).astype(np.int32)


def _type_legend() -> list[tuple]:
    return [(value_label(t), None, QColor(TYPE_OUTLINES[t][0]), TYPE_OUTLINES[t][1]) for t in BUILDING_TYPES]


def _by_vacancy(df: pd.DataFrame, store) -> Classified:
    """Fill by vacancy class; factories and towers told apart at a glance by their outline
    (towers heavy navy, factories brown), so classes are (vacancy class × type)."""
    from landapp.vacancy import default_as_of, store_building_vacancy_arrays

    fids = _fids(df)
    got, rates = store_building_vacancy_arrays(store, default_as_of(store), fids)  # sorted, distinct
    # each feature's rate by its fid (vacancy_by_building(...).reindex(fids), without pandas)
    pos = np.minimum(np.searchsorted(got, fids), max(len(got) - 1, 0))
    rate = np.where((pos < len(got)) & (got[pos] == fids), rates[pos], np.nan) if len(got) \
        else np.full(len(fids), np.nan)
    vclass = np.full(len(fids), len(VACANCY_CLASSES), dtype=np.int32)
    for i, (upper, _, _) in reversed(list(enumerate(VACANCY_CLASSES))):
        vclass[rate < upper] = i
    vfills = [QColor(c) for _, c, _ in VACANCY_CLASSES] + [QColor("#E0E0E0")]
    vlabels = [tr(f"空置率 {lab}", f"Vacancy {lab}") for *_, lab in VACANCY_CLASSES] + [
        tr("无单元数据", "No units")]
    nt = len(BUILDING_TYPES)
    fills, outlines, widths, labels = [], [], [], []
    for i, f in enumerate(vfills):
        for t in BUILDING_TYPES:
            fills.append(f)
            outlines.append(QColor(TYPE_OUTLINES[t][0]))
            widths.append(TYPE_OUTLINES[t][1])
            labels.append(f"{vlabels[i]} · {value_label(t)}")
    cls = Classified(vclass * nt + _type_index(df), fills, labels, outlines, widths)
    cls.legend_items = [(lab, f, None) for lab, f in zip(vlabels, vfills)] + _type_legend()
    return cls


def _by_type(df: pd.DataFrame, store) -> Classified:
    cls = Classified(_type_index(df), [QColor(TYPE_COLOURS[t]) for t in BUILDING_TYPES],
                     [value_label(t) for t in BUILDING_TYPES],
                     [QColor(TYPE_OUTLINES[t][0]) for t in BUILDING_TYPES],
                     [TYPE_OUTLINES[t][1] for t in BUILDING_TYPES])
    return cls


register_theme("buildings", "vacancy", "按空置率", "By vacancy rate", _by_vacancy,
               columns=("btype",), depends_on=("units",), arrow=True)
register_theme("buildings", "type", "按类型", "By type", _by_type, columns=("btype",), arrow=True)
