"""Land-use classification: the national 国土空间调查、规划、用途管制用地用海分类指南 codes
(the ones we store) and the older GB 50137-2011 codes still found in imported data, which are
accepted and mapped (see shared/domain.md, Land-use classification)."""

from __future__ import annotations

from dataclasses import dataclass

# code -> (Chinese name, English name). Levels: 2 digits class, 4 digits, 6 digits.
CLASSES: dict[str, tuple[str, str]] = {
    "01": ("耕地", "Cropland"),
    "03": ("林地", "Woodland"),
    "07": ("居住用地", "Residential"),
    "0701": ("城镇住宅用地", "Urban housing"),
    "070101": ("一类城镇住宅用地", "Urban housing, class 1"),
    "070102": ("二类城镇住宅用地", "Urban housing, class 2"),
    "070103": ("三类城镇住宅用地", "Urban housing, class 3"),
    "0702": ("城镇社区服务设施用地", "Community services"),
    "08": ("公共管理与公共服务用地", "Public administration and services"),
    "0801": ("机关团体用地", "Government and organisations"),
    "0802": ("科研用地", "Research"),
    "0803": ("文化用地", "Culture"),
    "0804": ("教育用地", "Education"),
    "0805": ("体育用地", "Sports"),
    "0806": ("医疗卫生用地", "Health care"),
    "0807": ("社会福利用地", "Social welfare"),
    "09": ("商业服务业用地", "Commercial and business services"),
    "0901": ("商业用地", "Commercial"),
    "0902": ("商务金融用地", "Business and finance"),
    "0903": ("娱乐用地", "Entertainment"),
    "0904": ("其他商业服务业用地", "Other commercial services"),
    "10": ("工矿用地", "Industrial and mining"),
    "1001": ("工业用地", "Industrial"),
    "100101": ("一类工业用地", "Industrial, class 1"),
    "100102": ("二类工业用地", "Industrial, class 2"),
    "100103": ("三类工业用地", "Industrial, class 3"),
    "1002": ("采矿用地", "Mining"),
    "11": ("仓储用地", "Warehousing"),
    "1101": ("物流仓储用地", "Logistics and warehousing"),
    "110101": ("一类物流仓储用地", "Logistics, class 1"),
    "110102": ("二类物流仓储用地", "Logistics, class 2"),
    "110103": ("三类物流仓储用地", "Logistics, class 3"),
    "1102": ("储备库用地", "Strategic reserve depots"),
    "12": ("交通运输用地", "Transport"),
    "1207": ("城镇道路用地", "Urban roads"),
    "1208": ("交通场站用地", "Transport stations"),
    "13": ("公用设施用地", "Public utilities"),
    "14": ("绿地与开敞空间用地", "Green and open space"),
    "1401": ("公园绿地", "Parks"),
    "1402": ("防护绿地", "Protective green"),
    "1403": ("广场用地", "Squares"),
    "16": ("留白用地", "Reserved (white) land"),
    "17": ("陆地水域", "Water"),
}

# GB 50137-2011 -> new code. Mapping from shared/domain.md; R and the rest are the
# conventional equivalents. M0 (新型产业用地) is a local class: mapped to 一类工业.
OLD_TO_NEW: dict[str, str] = {
    "R": "07", "R1": "070101", "R2": "070102", "R3": "070103",
    "A": "08", "A1": "0801", "A2": "0803", "A3": "0804", "A4": "0805", "A5": "0806",
    "A6": "0807", "A35": "0802",
    "B": "09", "B1": "0901", "B2": "0902", "B3": "0903", "B4": "0904", "B9": "0904",
    "M": "1001", "M0": "100101", "M1": "100101", "M2": "100102", "M3": "100103",
    "W": "1101", "W1": "110101", "W2": "110102", "W3": "110103",
    "S": "12", "S1": "1207", "S4": "1208",
    "U": "13",
    "G": "14", "G1": "1401", "G2": "1402", "G3": "1403",
    "E1": "17",
}

# Conventional Chinese planning colours (城市用地分类与规划建设用地标准 style sheets).
COLOURS: dict[str, str] = {
    "07": "#FFFF2D",  # 居住 yellow
    "08": "#FF7FBF",  # 公共管理 pink/magenta
    "0802": "#E6A0D6",
    "09": "#FF0000",  # 商业 red
    "0902": "#FF5050",
    "10": "#BF9F7F",  # 工业 brown
    "100101": "#C8AA8C",
    "100102": "#B08C64",
    "100103": "#8C6E50",
    "11": "#9F7FFF",  # 仓储 purple
    "12": "#C0C0C0",  # 交通 grey
    "13": "#0071BC",  # 公用设施 blue
    "14": "#00B050",  # 绿地 green
    "16": "#FFFFFF",  # 留白 white
    "17": "#7FD4FF",  # 水域
    "01": "#E6F5C8",
    "03": "#9BD28C",
}


@dataclass(frozen=True)
class LandUse:
    code: str
    name_zh: str
    name_en: str

    @property
    def parent(self) -> str | None:
        return self.code[:-2] if len(self.code) > 2 else None


def normalize_code(code: str) -> str:
    """Return the national code for a new or old code; raise KeyError if unknown.

    '100101' -> '100101'; 'M1' -> '100101'; ' m2 ' -> '100102'.
    """
    c = str(code).strip().upper()
    if c in CLASSES:
        return c
    if c in OLD_TO_NEW:
        return OLD_TO_NEW[c]
    raise KeyError(code)


def is_known(code: str) -> bool:
    try:
        normalize_code(code)
    except KeyError:
        return False
    return True


def name(code: str, lang: str = "zh") -> str:
    c = normalize_code(code)
    zh, en = CLASSES[c]
    return en if lang == "en" else zh


def label(code: str) -> str:
    """'100101 一类工业用地'."""
    c = normalize_code(code)
    return f"{c} {CLASSES[c][0]}"


def top_class(code: str) -> str:
    return normalize_code(code)[:2]


def colour(code: str | None) -> str:
    """Planning colour of the most specific class that has one; grey if unknown."""
    if not code:
        return "#DDDDDD"
    try:
        c = normalize_code(code)
    except KeyError:
        return "#DDDDDD"
    while c:
        if c in COLOURS:
            return COLOURS[c]
        c = c[:-2]
    return "#DDDDDD"


def tree() -> list[tuple[LandUse, list]]:
    """Class tree for pickers: [(LandUse, children), ...] ordered by code."""
    nodes: dict[str, tuple[LandUse, list]] = {}
    roots: list[tuple[LandUse, list]] = []
    for code in sorted(CLASSES):
        zh, en = CLASSES[code]
        node = (LandUse(code, zh, en), [])
        nodes[code] = node
        parent = code[:-2] if len(code) > 2 else None
        while parent and parent not in nodes:
            parent = parent[:-2] if len(parent) > 2 else None
        (nodes[parent][1] if parent else roots).append(node)
    return roots


# Names in imported attribute tables that are not our class names: GB 50137-2011 names and
# everyday short forms (the most general class they certainly mean).
OLD_NAMES: dict[str, str] = {
    "居住": "07", "住宅": "0701", "住宅用地": "0701", "一类居住用地": "070101", "二类居住用地": "070102",
    "三类居住用地": "070103",
    "商业": "0901", "商业设施用地": "0901", "商务": "0902", "商务设施用地": "0902", "商务办公用地": "0902",
    "娱乐康体用地": "0903", "商业服务业设施用地": "09", "商服用地": "09",
    "工业": "1001", "新型产业用地": "100101", "研发用地": "100101",
    "仓储": "1101", "物流": "1101", "物流仓储": "1101",
    "行政办公用地": "0801", "文化设施用地": "0803", "教育科研用地": "0804", "体育用地": "0805",
    "医疗卫生用地": "0806", "社会福利设施用地": "0807", "公共管理与公共服务设施用地": "08",
    "道路": "1207", "城市道路用地": "1207", "道路与交通设施用地": "12", "交通场站": "1208",
    "公用设施": "13", "绿地": "14", "绿地与广场用地": "14", "广场": "1403", "水域": "17",
}


def guess_code(text: object) -> str | None:
    """The national code that an imported land-use value means, or None: a new or old code
    ('100101', 'M1'), a code followed by its name ('M2二类工业用地', '0901 商业用地'), a class
    name ('二类工业用地') or a common short name ('工业', '商务设施用地')."""
    if text is None:
        return None
    t = str(text).strip().replace(" ", "").replace("\u3000", "")
    if not t:
        return None
    if is_known(t):
        return normalize_code(t)
    head = ""
    for ch in t:  # a leading code: letters and digits before the name
        if ch.isascii() and ch.isalnum():
            head += ch
        else:
            break
    if head and is_known(head):
        return normalize_code(head)
    names = {zh: code for code, (zh, _en) in CLASSES.items()}
    for candidate in (t, t[len(head):]):
        if candidate in names:
            return names[candidate]
        if candidate in OLD_NAMES:
            return OLD_NAMES[candidate]
    return None
