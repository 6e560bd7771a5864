"""Which field labels a layer's features: the parcel's code, short code, name, area in 亩,
land use, or the fraction label of parcel sheets (short code over land-use code). The
choice per layer is kept in the project (project_settings "label_fields", JSON)."""

from __future__ import annotations

import json

from landapp.i18n import tr

# mode -> (columns read, Chinese, English)
MODES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "fraction": (("code", "land_use"), "分式(编号/用地代码)", "Fraction (code over land use)"),
    "short_code": (("code",), "短编号", "Short code"),
    "code": (("code",), "编号(完整)", "Code (full)"),
    "name": (("name",), "名称", "Name"),
    "area_mu": (("area_mu",), "面积(亩)", "Area (mu)"),
    "land_use": (("land_use",), "用地性质", "Land use"),
    "btype": (("btype",), "类型", "Type"),
    "storeys": (("storeys",), "层数", "Storeys"),
    "none": ((), "不标注", "No labels"),
}
LAYER_MODES: dict[str, tuple[str, ...]] = {
    "parcels": ("fraction", "short_code", "code", "name", "area_mu", "land_use", "none"),
    "buildings": ("name", "code", "btype", "storeys", "none"),
    "zones": ("name", "code", "area_mu", "none"),
    "roads": ("name", "none"),
    "retired_parcels": ("short_code", "code", "none"),
}
SETTING = "label_fields"


def mode_title(mode: str) -> str:
    _, zh, en = MODES[mode]
    return tr(zh, en)


class Rows(dict):
    """Label columns as numpy object arrays, for `n` features: what texts and label_texts
    read of a DataFrame (`col in`, `[col].tolist()`, len) without making one."""

    def __init__(self, n: int, cols: dict):
        super().__init__(cols)
        self.n = n

    def __len__(self) -> int:
        return self.n


def columns(mode: str) -> list[str]:
    return list(MODES[mode][0])


def texts(mode: str, attrs) -> list:
    """One label (or None) per row of attrs for the mode."""
    from layers.vector import short_code

    n = len(attrs)
    if mode == "none":
        return [None] * n
    cols = columns(mode)
    if any(c not in attrs for c in cols):
        return [None] * n
    if mode == "fraction":
        out = []
        for code, use in zip(attrs["code"].tolist(), attrs["land_use"].tolist()):
            if not isinstance(code, str) or not code:
                out.append(None)
            else:
                out.append(f"{short_code(code)}\n{use}" if isinstance(use, str) and use else short_code(code))
        return out
    values = attrs[cols[0]].tolist()
    if mode == "short_code":
        return [short_code(v) if isinstance(v, str) and v else None for v in values]
    if mode == "area_mu":
        return [tr(f"{v:,.2f}亩", f"{v:,.2f} mu") if isinstance(v, (int, float)) and v == v else None
                for v in values]
    if mode == "storeys":
        return [tr(f"{int(v)}层", f"{int(v)} F") if isinstance(v, (int, float)) and v == v else None
                for v in values]
    return [str(v) if v is not None and v == v and str(v) else None for v in values]


def set_label_mode(layer, mode: str) -> None:
    """Label `layer` (a VectorLayer) by mode; re-reads the layer when it needs a column."""
    if mode not in LAYER_MODES.get(layer.id, ()):
        raise KeyError(mode)
    layer.label_mode = mode
    cols = columns(mode)
    layer.label_column = cols[0] if cols else None
    d = layer.data
    if d is not None:
        d.labels = None  # looked up again on the next frame (VectorLayer.label_texts_at)
        layer.changed()
    else:
        layer.reload()


def current_mode(layer) -> str | None:
    mode = getattr(layer, "label_mode", None)
    if mode:
        return mode
    default = {"parcels": "fraction", "retired_parcels": "short_code"}.get(layer.id)
    return default or ("name" if layer.label_column == "name" else None)


def saved_modes(store) -> dict[str, str]:
    try:
        d = json.loads(store.get_setting(SETTING) or "{}")
    except ValueError:
        return {}
    return {k: v for k, v in d.items() if isinstance(v, str) and v in LAYER_MODES.get(k, ())} \
        if isinstance(d, dict) else {}


def save_mode(store, layer_id: str, mode: str) -> None:
    d = saved_modes(store)
    d[layer_id] = mode
    store.set_setting(SETTING, json.dumps(d, ensure_ascii=False))


def apply_saved(park_map) -> None:
    """Label each layer as the project says (on opening)."""
    for layer_id, mode in saved_modes(park_map.store).items():
        try:
            set_label_mode(park_map.layer(layer_id), mode)
        except KeyError:
            continue
