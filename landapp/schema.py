"""The project's data model: every layer and table, its fields, Chinese and English titles,
and the rules a value must follow. The GeoPackage store builds its tables from this, the
attribute forms and tables read titles and choices from it, and `validate_record` checks a
record before it is written. To add a field: add it here and bump SCHEMA_VERSION; opening an
older project adds the missing tables and columns (landapp.gpkg.ensure_schema)."""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field as _field
from functools import cached_property
from typing import Any, Callable

from landapp import landuse
from landapp.errors import ValidationError
from landapp.i18n import language, tr

SCHEMA_VERSION = 5  # 3: idle-land disposal record; 4: landapp_changes + triggers (edits by any program);
# 5: row_version on every edited table (no lost update, issue 16) and an index on parcels
# (retired, status, area_m2)

# Every row of a table users edit carries a version, bumped by each update (by the store, and
# by a trigger for other programs' writes): an edit applies only if the version it was read
# at is still current, else its fields are compared (landapp.store.geopackage.plan_update).
# Not a field of the layer: forms, tables, lists and exports never show it.
ROW_VERSION = "row_version"

PARCEL_STATUSES = ["储备", "待供", "已供未开工", "在建", "已建成投产", "闲置", "低效", "盘活中", "已盘活"]
SUPPLY_METHODS = ["招标", "拍卖", "挂牌", "协议", "划拨", "弹性年期出让", "先租后让"]
BUILDING_TYPES = ["标准厂房", "楼宇", "其他"]
UNIT_STATUSES = ["空置", "已租", "已售", "预留", "装修中"]
LEASE_STATUSES = ["有效", "已到期", "已终止"]
ZONE_KINDS = ["片区", "功能区", "园区"]
ROAD_GRADES = ["快速路", "主干路", "次干路", "支路"]
CASE_MEASURES = ["收回/回购", "协商置换", "转让", "增资扩产", "改造提升", "招商导入", "分割转让"]
CASE_STATES = ["识别", "方案", "实施中", "已盘活", "终止"]
LINEAGE_OPERATIONS = ["拆分", "合并"]
# 闲置土地处置 stages a planner records (《闲置土地处置办法》 Arts. 8-14): suspected, formally
# designated (认定书), fee levied (征缴闲置土地费决定书), reclaimed (收回国有建设用地使用权决定书)
IDLE_STAGES = ["疑似闲置", "认定", "征缴闲置费", "收回"]

# Text length limits (characters): codes, names and short texts, notes. A field may set its own.
CODE_MAX, NAME_MAX, NOTE_MAX = 64, 200, 10_000
_CODE_FIELDS = {"code", "credit_code", "parcel_code", "target_code", "parent_code", "child_code",
                "land_use", "land_use_source", "phone", "idle_doc_no", "key", "session",
                "target_layer", "layer", "operation"}
_NOTE_FIELDS = {"note", "changes", "value", "description"}
EDIT_OPERATIONS = ["insert", "update", "delete"]

# English for enumerated values (the stored value is always the Chinese one).
VALUE_EN: dict[str, str] = {
    "储备": "Reserve", "待供": "Awaiting supply", "已供未开工": "Supplied, not started",
    "在建": "Under construction", "已建成投产": "Built and operating", "闲置": "Idle",
    "低效": "Low efficiency", "盘活中": "Being revitalised", "已盘活": "Revitalised",
    "招标": "Tender", "拍卖": "Auction", "挂牌": "Listing", "协议": "Negotiated",
    "划拨": "Allocation", "弹性年期出让": "Flexible-term transfer", "先租后让": "Lease then transfer",
    "标准厂房": "Standard factory", "楼宇": "Office tower", "其他": "Other",
    "空置": "Vacant", "已租": "Leased", "已售": "Sold", "预留": "Reserved", "装修中": "Fitting out",
    "有效": "Active", "已到期": "Expired", "已终止": "Terminated",
    "片区": "District", "功能区": "Functional zone", "园区": "Park",
    "快速路": "Expressway", "主干路": "Arterial", "次干路": "Secondary", "支路": "Local",
    "收回/回购": "Reclaim / buy back", "协商置换": "Negotiated swap", "转让": "Transfer",
    "增资扩产": "Expand investment", "改造提升": "Upgrade", "招商导入": "Bring in investors",
    "分割转让": "Partition and transfer",
    "识别": "Identified", "方案": "Planned", "实施中": "In progress", "终止": "Closed",
    "拆分": "Split", "合并": "Merge",
    "疑似闲置": "Suspected idle", "认定": "Designated idle", "征缴闲置费": "Idle fee levied",
    "收回": "Reclaimed",
}


def value_label(value: str | None) -> str:
    """A stored enumerated value in the current language."""
    if value is None:
        return ""
    return VALUE_EN.get(value, value) if language() == "en" else value


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text | int | real | date | datetime | bool
    title_zh: str
    title_en: str
    required: bool = False
    choices: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    unit: str = ""
    computed: bool = False  # derived by the store (areas, timestamps); never typed
    description: str = ""
    check: Callable[[Any], str | None] | None = None  # returns a rule text when invalid
    length: int | None = None  # text: most characters (default by name: CODE/NAME/NOTE_MAX)

    @property
    def max_length(self) -> int | None:
        if self.kind != "text":
            return None
        if self.length is not None:
            return self.length or None  # 0: no limit (settings, the edit log)
        return CODE_MAX if self.name in _CODE_FIELDS else NOTE_MAX if self.name in _NOTE_FIELDS else NAME_MAX

    @property
    def title(self) -> str:
        return self.title_en if language() == "en" else self.title_zh

    @property
    def sql_type(self) -> str:
        return {"text": "TEXT", "int": "INTEGER", "real": "REAL", "date": "DATE",
                "datetime": "DATETIME", "bool": "BOOLEAN"}[self.kind]


@dataclass(frozen=True)
class LayerSpec:
    name: str
    title_zh: str
    title_en: str
    fields: tuple[Field, ...]
    geometry_type: str | None = None  # 'MULTIPOLYGON' for spatial layers
    description: str = ""
    checks: tuple[Callable[[dict], tuple[str, str] | None], ...] = _field(default=())

    @property
    def title(self) -> str:
        return self.title_en if language() == "en" else self.title_zh

    @property
    def spatial(self) -> bool:
        return self.geometry_type is not None

    @cached_property
    def _by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def field(self, name: str) -> Field:
        return self._by_name[name]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def has(self, name: str) -> bool:
        return name in self._by_name


def _credit_code(v: Any) -> str | None:
    s = str(v)
    if len(s) != 18 or not s.isalnum():
        return tr("统一社会信用代码应为 18 位字母或数字", "a unified social credit code has 18 letters or digits")
    return None


def _land_use(v: Any) -> str | None:
    return None if landuse.is_known(v) else tr(
        "不是已知的用地分类代码(如 100101 或旧代码 M1)",
        "not a known land-use code (e.g. 100101, or an old code such as M1)")


def _order(a: str, b: str, zh: str, en: str):
    def check(rec: dict) -> tuple[str, str] | None:
        x, y = rec.get(a), rec.get(b)
        if x is not None and y is not None and x > y:
            return b, tr(zh, en)
        return None
    check.fields = (a, b)  # the only fields it reads: bulk imports run it on those alone
    return check


T, I, R, D, DT, B = "text", "int", "real", "date", "datetime", "bool"
PCT = {"min": 0.0, "max": 100.0, "unit": "%"}

_AREA = (
    Field("area_m2", R, "面积(㎡)", "Area (m²)", computed=True, unit="㎡"),
    Field("area_mu", R, "面积(亩)", "Area (mu)", computed=True, unit="亩"),
)
_STAMPS = (
    Field("created", DT, "创建时间", "Created", computed=True),
    Field("modified", DT, "修改时间", "Modified", computed=True),
)
_RETIRE = (
    Field("retired", B, "已注销", "Retired"),
    Field("retired_date", D, "注销日期", "Retired on"),
)
_CONTACT = (
    Field("contact", T, "联系人", "Contact person"),
    Field("phone", T, "联系电话", "Phone"),
)

ZONES = LayerSpec(
    "zones", "片区", "Zones", geometry_type="MULTIPOLYGON",
    description="片区/功能区 boundaries",
    fields=(
        Field("code", T, "片区编号", "Zone code"),
        Field("name", T, "片区名称", "Zone name", required=True),
        Field("kind", T, "类型", "Kind", choices=tuple(ZONE_KINDS)),
        Field("industry", T, "主导产业", "Lead industry"),
        Field("note", T, "备注", "Note"),
        *_AREA, *_STAMPS,
    ),
)

ROADS = LayerSpec(
    "roads", "道路", "Roads", geometry_type="MULTIPOLYGON",
    description="road reserves (红线), used for 四至",
    fields=(
        Field("name", T, "道路名称", "Road name", required=True),
        Field("grade", T, "道路等级", "Grade", choices=tuple(ROAD_GRADES)),
        Field("width", R, "红线宽度(m)", "Width (m)", min=0, max=200, unit="m"),
        Field("note", T, "备注", "Note"),
        *_STAMPS,
    ),
)

PARCELS = LayerSpec(
    "parcels", "地块", "Parcels", geometry_type="MULTIPOLYGON",
    description="land parcels (地块/宗地)",
    fields=(
        Field("code", T, "地块编号", "Parcel code", required=True),
        Field("name", T, "地块名称", "Parcel name"),
        Field("zone", T, "所在片区", "Zone"),
        Field("location", T, "位置", "Location"),
        Field("land_use", T, "用地性质", "Land use", check=_land_use),
        Field("land_use_source", T, "原用地代码", "Original land-use code"),
        Field("far_min", R, "容积率下限", "FAR min", min=0, max=30),
        Field("far_max", R, "容积率上限", "FAR max", min=0, max=30),
        Field("density", R, "建筑密度(%)", "Building coverage (%)", **PCT),
        Field("green_ratio", R, "绿地率(%)", "Green ratio (%)", **PCT),
        Field("height_limit", R, "限高(m)", "Height limit (m)", min=0, max=1000, unit="m"),
        Field("status", T, "状态", "Status", required=True, choices=tuple(PARCEL_STATUSES)),
        Field("supply_method", T, "供地方式", "Supply method", choices=tuple(SUPPLY_METHODS)),
        Field("term_years", R, "出让年限(年)", "Term (years)", min=0, max=70, unit="年"),
        Field("supply_date", D, "供地日期", "Transfer date"),
        Field("expected_supply_date", D, "预计供地时间", "Expected supply date"),
        Field("agreed_start", D, "约定开工日期", "Agreed start"),
        Field("agreed_completion", D, "约定竣工日期", "Agreed completion"),
        Field("actual_start", D, "实际开工日期", "Actual start"),
        Field("actual_completion", D, "实际竣工日期", "Actual completion"),
        Field("stalled_since", D, "停工日期", "Stalled since"),
        Field("developed_pct", R, "已开发面积比例(%)", "Developed area (%)", **PCT),
        Field("invested_pct", R, "已投资比例(%)", "Invested (%)", **PCT,
              description="excludes land price and taxes (闲置土地处置办法 Art. 30)"),
        Field("total_investment", R, "总投资(万元)", "Total investment (10k CNY)", min=0, unit="万元"),
        Field("transfer_price", R, "出让价款(万元)", "Transfer price (10k CNY)", min=0, unit="万元"),
        Field("start_price", R, "起始价(万元)", "Starting price (10k CNY)", min=0, unit="万元"),
        Field("land_user", T, "土地使用权人", "Land user"),
        Field("land_user_id", I, "使用权人编号", "Land user id"),
        Field("std_invest_intensity", R, "投资强度(万元/亩)", "Investment intensity (10k CNY/mu)",
              min=0, unit="万元/亩"),
        Field("std_tax_per_mu", R, "亩均税收(万元/亩)", "Tax per mu (10k CNY/mu)", min=0, unit="万元/亩"),
        Field("std_output_intensity", R, "产出强度(万元/亩)", "Output intensity (10k CNY/mu)",
              min=0, unit="万元/亩"),
        Field("industry", T, "产业方向", "Industry"),
        Field("idle_exemption", T, "闲置豁免原因", "Idle-land exemption", length=500),
        Field("idle_stage", T, "闲置处置阶段", "Idle-land stage", choices=tuple(IDLE_STAGES)),
        Field("idle_doc_no", T, "决定书文号", "Decision number",
              description="认定书 / 征缴闲置土地费决定书 / 收回决定书 of the current stage"),
        Field("idle_doc_date", D, "决定书日期", "Decision date"),
        Field("idle_fee_due", R, "应缴闲置费(万元)", "Idle fee due (10k CNY)", min=0, unit="万元"),
        Field("idle_fee_paid", R, "已缴闲置费(万元)", "Idle fee paid (10k CNY)", min=0, unit="万元"),
        *_CONTACT,
        Field("note", T, "备注", "Note"),
        *_AREA, *_RETIRE, *_STAMPS,
    ),
    checks=(
        _order("far_min", "far_max", "容积率下限不能大于上限", "FAR min cannot exceed FAR max"),
        _order("agreed_start", "agreed_completion", "约定竣工日期不能早于约定开工日期",
               "agreed completion cannot precede agreed start"),
        _order("actual_start", "actual_completion", "实际竣工日期不能早于实际开工日期",
               "actual completion cannot precede actual start"),
    ),
)

BUILDINGS = LayerSpec(
    "buildings", "建筑", "Buildings", geometry_type="MULTIPOLYGON",
    description="footprints of standard factories, office towers and others",
    fields=(
        Field("code", T, "建筑编号", "Building code"),
        Field("name", T, "建筑名称", "Building name", required=True),
        Field("btype", T, "类型", "Type", required=True, choices=tuple(BUILDING_TYPES)),
        Field("parcel_code", T, "所在地块", "Parcel code"),
        Field("zone", T, "所在片区", "Zone"),
        Field("location", T, "位置", "Location"),
        Field("storeys", I, "层数", "Storeys", min=1, max=200),
        Field("floor_area", R, "建筑面积(㎡)", "Floor area (m²)", min=0, unit="㎡"),
        Field("ground_height", R, "首层层高(m)", "Ground-floor height (m)", min=0, max=60, unit="m"),
        Field("floor_height", R, "标准层层高(m)", "Typical floor height (m)", min=0, max=30, unit="m"),
        Field("floor_load", R, "楼面荷载(t/㎡)", "Floor load (t/m²)", min=0, max=20, unit="t/㎡"),
        Field("structure", T, "结构", "Structure"),
        Field("operator", T, "运营主体", "Operator"),
        Field("asking_rent", R, "租金(元/㎡·月)", "Asking rent (CNY/m²·month)", min=0, max=10000,
              unit="元/㎡·月"),
        Field("industry", T, "产业方向", "Industry"),
        Field("completed_year", I, "竣工年份", "Year completed", min=1900, max=2100),
        *_CONTACT,
        Field("note", T, "备注", "Note"),
        Field("footprint_m2", R, "占地面积(㎡)", "Footprint (m²)", computed=True, unit="㎡"),
        *_RETIRE, *_STAMPS,
    ),
)

FLOORS = LayerSpec(
    "floors", "楼层", "Floors",
    fields=(
        Field("building_id", I, "建筑编号", "Building id", required=True),
        Field("level", I, "楼层", "Level", required=True, min=-10, max=200),
        Field("name", T, "楼层名称", "Floor name"),
        Field("area", R, "建筑面积(㎡)", "Floor area (m²)", min=0, unit="㎡"),
        Field("height", R, "层高(m)", "Height (m)", min=0, max=60, unit="m"),
        Field("floor_load", R, "楼面荷载(t/㎡)", "Floor load (t/m²)", min=0, max=20, unit="t/㎡"),
        *_STAMPS,
    ),
)

UNITS = LayerSpec(
    "units", "单元", "Units",
    fields=(
        Field("building_id", I, "建筑编号", "Building id", required=True),
        Field("floor_id", I, "楼层编号", "Floor id"),
        Field("code", T, "单元编号", "Unit code"),
        Field("area", R, "面积(㎡)", "Area (m²)", required=True, min=0, unit="㎡"),
        Field("status", T, "状态", "Status", required=True, choices=tuple(UNIT_STATUSES)),
        Field("asking_rent", R, "租金(元/㎡·月)", "Asking rent (CNY/m²·month)", min=0, max=10000,
              unit="元/㎡·月"),
        Field("note", T, "备注", "Note"),
        *_STAMPS,
    ),
)

ENTERPRISES = LayerSpec(
    "enterprises", "企业", "Enterprises",
    fields=(
        Field("name", T, "企业名称", "Enterprise name", required=True),
        Field("credit_code", T, "统一社会信用代码", "Unified social credit code", check=_credit_code),
        Field("industry", T, "行业", "Industry"),
        Field("above_scale", B, "规上企业", "Above designated size"),
        *_CONTACT,
        Field("note", T, "备注", "Note"),
        *_STAMPS,
    ),
)

LEASES = LayerSpec(
    "leases", "租约", "Leases",
    fields=(
        Field("unit_id", I, "单元编号", "Unit id"),
        Field("building_id", I, "建筑编号", "Building id", required=True),
        Field("enterprise_id", I, "企业编号", "Enterprise id"),
        Field("tenant", T, "承租企业", "Tenant", required=True),
        Field("start_date", D, "起租日期", "Start", required=True),
        Field("end_date", D, "到期日期", "End", required=True),
        Field("area", R, "租赁面积(㎡)", "Leased area (m²)", required=True, min=0, unit="㎡"),
        Field("rent", R, "租金(元/㎡·月)", "Rent (CNY/m²·month)", min=0, max=10000, unit="元/㎡·月"),
        Field("status", T, "状态", "Status", required=True, choices=tuple(LEASE_STATUSES)),
        Field("note", T, "备注", "Note"),
        *_STAMPS,
    ),
    checks=(_order("start_date", "end_date", "到期日期不能早于起租日期", "the end cannot precede the start"),),
)

CASES = LayerSpec(
    "revitalisation_cases", "盘活案件", "Revitalisation cases",
    fields=(
        Field("target_layer", T, "对象图层", "Target layer", required=True,
              choices=("parcels", "buildings")),
        Field("target_id", I, "对象编号", "Target id", required=True),
        Field("target_code", T, "地块/建筑编号", "Parcel/building code"),
        Field("measure", T, "盘活方式", "Measure", choices=tuple(CASE_MEASURES)),
        Field("responsible", T, "责任人", "Responsible person"),
        Field("target_date", D, "目标日期", "Target date"),
        Field("state", T, "状态", "State", required=True, choices=tuple(CASE_STATES)),
        Field("area_m2", R, "盘活面积(㎡)", "Area (m²)", min=0, unit="㎡"),
        Field("opened_date", D, "立案日期", "Opened"),
        Field("closed_date", D, "办结日期", "Closed"),
        Field("note", T, "备注", "Note"),
        *_STAMPS,
    ),
)

CASE_HISTORY = LayerSpec(
    "case_history", "盘活进展", "Case history",
    fields=(
        Field("case_id", I, "案件编号", "Case id", required=True),
        Field("date", D, "日期", "Date", required=True),
        Field("state", T, "状态", "State", required=True, choices=tuple(CASE_STATES)),
        Field("note", T, "说明", "Note"),
        Field("user", T, "记录人", "Recorded by"),
    ),
)

LINEAGE = LayerSpec(
    "parcel_lineage", "地块沿革", "Parcel lineage",
    fields=(
        Field("parent_id", I, "原地块编号(内部)", "Parent id", required=True),
        Field("child_id", I, "新地块编号(内部)", "Child id", required=True),
        Field("parent_code", T, "原地块编号", "Parent code"),
        Field("child_code", T, "新地块编号", "Child code"),
        Field("operation", T, "操作", "Operation", required=True, choices=tuple(LINEAGE_OPERATIONS)),
        Field("date", D, "日期", "Date", required=True),
        Field("user", T, "操作人", "User"),
        Field("note", T, "备注", "Note"),
    ),
)

EDIT_LOG = LayerSpec(
    "edit_log", "编辑日志", "Edit log",
    fields=(
        Field("ts", DT, "时间", "Time", required=True),
        Field("user", T, "用户", "User", required=True),
        Field("session", T, "会话", "Session"),
        Field("layer", T, "图层", "Layer", required=True),
        Field("feature_id", I, "要素编号", "Feature id"),
        Field("operation", T, "操作", "Operation", required=True, choices=tuple(EDIT_OPERATIONS)),
        Field("changes", T, "变更内容", "Changes", description="JSON {field: [old, new]}", length=0),
    ),
)

SETTINGS = LayerSpec(
    "project_settings", "工程设置", "Project settings",
    fields=(
        Field("key", T, "设置项", "Key", required=True),
        Field("value", T, "值", "Value", length=0),
    ),
)

ENTERPRISE_METRICS = LayerSpec(
    "enterprise_metrics", "企业亩均数据", "Enterprise yearly figures",
    description="yearly figures for 亩均论英雄 (per-mu evaluation), one row per enterprise and year",
    fields=(
        Field("enterprise_id", I, "企业编号", "Enterprise id", required=True),
        Field("year", I, "年度", "Year", required=True, min=1990, max=2100),
        Field("revenue", R, "营业收入(万元)", "Revenue (10k CNY)", min=0, unit="万元"),
        Field("tax", R, "实缴税收(万元)", "Tax paid (10k CNY)", min=0, unit="万元"),
        Field("value_added", R, "工业增加值(万元)", "Value added (10k CNY)", unit="万元"),
        Field("energy_tce", R, "综合能耗(吨标煤)", "Energy use (tce)", min=0, unit="tce"),
        Field("emissions_t", R, "主要污染物排放当量(吨)", "Main pollutant emissions (t)", min=0, unit="t"),
        Field("employees", I, "年平均职工人数", "Average employees", min=0),
        Field("rd_spend", R, "研发经费(万元)", "R&D spending (10k CNY)", min=0, unit="万元"),
        Field("land_area_m2", R, "用地面积(㎡)", "Land area (m²)", min=0, unit="㎡",
              description="land used (own parcels plus the land share of leased floor space); "
                          "empty = computed from parcels and leases"),
        Field("note", T, "备注", "Note"),
        *_STAMPS,
    ),
)

LAYERS: dict[str, LayerSpec] = {
    s.name: s for s in (ZONES, ROADS, PARCELS, BUILDINGS, FLOORS, UNITS, ENTERPRISES, LEASES,
                        CASES, CASE_HISTORY, LINEAGE, EDIT_LOG, SETTINGS, ENTERPRISE_METRICS)
}
SPATIAL_LAYERS = [n for n, s in LAYERS.items() if s.spatial]
# the tables whose rows carry ROW_VERSION (all but landapp's own log and the settings)
VERSIONED = tuple(n for n in LAYERS if n not in ("edit_log", "project_settings"))


def spec(layer: str) -> LayerSpec:
    try:
        return LAYERS[layer]
    except KeyError:
        from landapp.errors import LandappError
        raise LandappError(tr(f"没有名为 {layer} 的图层或表。", f"There is no layer or table named {layer}."))


# ---- validation -------------------------------------------------------------------------

def _coerce(f: Field, v: Any, layer: str) -> Any:
    def bad(rule_zh: str, rule_en: str) -> ValidationError:
        return ValidationError(layer, f.name, f.title, tr(rule_zh, rule_en), v)

    if v is None:
        return None
    if isinstance(v, float) and not math.isfinite(v) and (f.kind != "text" or not math.isnan(v)):
        # NaN would silently clear a number; ±inf is no measurement (pandas' NaN in a text
        # column is its "missing" and stays None)
        raise bad("应为有限的数字(不能是 NaN 或无穷大)", "must be a finite number (not NaN or infinity)")
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, str) and v.strip() == "" and f.kind != "text":
        return None
    if f.kind == "text":
        if not isinstance(v, str):
            v = str(v)
        v = v.strip()
        limit = f.max_length
        if limit is not None and len(v) > limit:
            raise ValidationError(layer, f.name, f.title, tr(
                f"最多 {limit} 个字符(现有 {len(v)} 个)", f"at most {limit} characters (this has {len(v)})"),
                v[:20] + "…")
        return v if v != "" else None
    if f.kind == "bool":
        if isinstance(v, str):
            s = v.strip().lower()
            if s in ("1", "true", "yes", "是", "y"):
                return True
            if s in ("0", "false", "no", "否", "n"):
                return False
            raise bad("应为是/否", "must be yes or no")
        return bool(v)
    if f.kind in ("int", "real"):
        if isinstance(v, bool):
            raise bad("应为数字", "must be a number")
        try:
            x = float(str(v).replace(",", "")) if isinstance(v, str) else float(v)
        except (TypeError, ValueError):
            raise bad("应为数字", "must be a number") from None
        if not math.isfinite(x):
            raise bad("应为有限的数字(不能是 NaN 或无穷大)", "must be a finite number (not NaN or infinity)")
        if f.kind == "int":
            if x != int(x):
                raise bad("应为整数", "must be a whole number")
            x = int(x)
        if f.min is not None and x < f.min:
            raise bad(f"不能小于 {f.min:g}", f"must be at least {f.min:g}")
        if f.max is not None and x > f.max:
            raise bad(f"不能大于 {f.max:g}", f"must be at most {f.max:g}")
        return x
    if f.kind == "date":
        if isinstance(v, _dt.datetime):
            return v.date().isoformat()
        if isinstance(v, _dt.date):
            return v.isoformat()
        if hasattr(v, "to_pydatetime"):  # pandas Timestamp
            return v.to_pydatetime().date().isoformat()
        s = str(v).strip().replace("/", "-").replace(".", "-")
        try:
            return _dt.date.fromisoformat(s[:10]).isoformat()
        except ValueError:
            raise bad("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD") from None
    if f.kind == "datetime":
        if isinstance(v, _dt.datetime):
            return v.isoformat(timespec="seconds")
        try:
            return _dt.datetime.fromisoformat(str(v).strip().replace("Z", "+00:00")).isoformat(
                timespec="seconds")
        except ValueError:
            raise bad("应为日期时间", "must be a date and time") from None
    raise AssertionError(f.kind)


_MISS = object()


def _field_value(f: Field, value: Any, layer: str) -> Any:
    """One field's stored value: coerced, then its value list and rule checked."""
    v = _coerce(f, value, layer)
    if v is not None and f.choices is not None and v not in f.choices:
        raise ValidationError(layer, f.name, f.title,
                              tr("应为以下之一:", "must be one of: ") + "、".join(f.choices), value)
    if v is not None and f.check is not None:
        rule = f.check(v)
        if rule:
            raise ValidationError(layer, f.name, f.title, rule, value)
    return v


def validate_record(layer: str, record: dict, *, partial: bool = False, cache: dict | None = None) -> dict:
    """Check and normalise a record for `layer`. Returns a new dict with stored values
    (text trimmed, numbers as numbers, dates as ISO text, land-use codes in the national
    system). Unknown keys are rejected; with partial=False required fields must be present.
    Raises ValidationError naming the field and the rule.

    cache: a dict kept across the records of one bulk import; each field's checks run once
    per distinct value (a field's value is checked alone, so the result is the same)."""
    s = spec(layer)
    out: dict = {}
    names = s._by_name
    for key, value in record.items():
        if key in ("fid", "geometry", "geom", ROW_VERSION):  # the store's own columns
            continue
        f = names.get(key)
        if f is None:
            raise ValidationError(layer, key, key, tr("不是该图层的字段", "is not a field of this layer"),
                                  value)
        if cache is not None and type(value) in (str, int, float) and value == value:
            key = (f.name, type(value), value)
            v = cache.get(key, _MISS)
            if v is _MISS:
                v = cache[key] = _field_value(f, value, layer)
        else:
            v = _field_value(f, value, layer)
        if f.name == "land_use" and v is not None:
            new = landuse.normalize_code(v)
            if new != v.upper() and "land_use_source" in names and not record.get("land_use_source"):
                out["land_use_source"] = v
            v = new
        out[f.name] = v
    if not partial:
        for f in s.fields:
            if f.required and out.get(f.name) is None:
                raise ValidationError(layer, f.name, f.title, tr("必填", "is required"), None)
    for check in s.checks:
        res = check(out)
        if res:
            fname, rule = res
            raise ValidationError(layer, fname, s.field(fname).title, rule, out.get(fname))
    return out


def refuse_computed(layer: str, values: dict, current: dict | None = None, *,
                    allow: tuple[str, ...] = ()) -> None:
    """Raise ValidationError for a value given to a computed field (areas, time stamps),
    unless it equals the stored one (`current`, e.g. an undo writing back what it read) or
    the field is in `allow`. The store computes these; a typed value would be lost."""
    s = spec(layer)
    for k, v in values.items():
        if k in allow or not s.has(k) or not s.field(k).computed or v is None:
            continue
        if current is not None:
            old = current.get(k)
            if old == v or (isinstance(old, float) and isinstance(v, (int, float))
                            and abs(old - float(v)) <= 1e-9):
                continue
        f = s.field(k)
        raise ValidationError(layer, k, f.title, tr("由系统根据图形或时间计算,不能直接写入",
                                                    "is computed by landapp and cannot be written"), v)
