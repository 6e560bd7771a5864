"""The monthly work report (工作月报) as a Word document (python-docx), in the form of a
汇报材料: title, period and park; key figures; tables (vacancy by zone and type, idle parcels
with stage and fee, cases advanced this month, land-supply list by zone); the dashboard's
charts (layers.charts) and an overview map (layers.render) as images. Figures come from
landapp.monthly_report, i.e. the functions `vacancy`, `idle`, `evaluate` and `cases progress`
print with, for the last day of the month.

Typesetting after GB/T 9704 (党政机关公文格式) where it fits a report: A4, margins 37/35/28/26
mm, title in 方正小标宋简体 (a machine without it substitutes; 黑体 for headings), body in
仿宋_GB2312 falling back to 仿宋, table text in 宋体; every run names its East Asian font
(w:eastAsia) so Word and LibreOffice do not set Chinese in a Latin font; page numbers from a
PAGE field in the footer."""

from __future__ import annotations

import io
import os
import tempfile

from landapp.errors import LandappError
from landapp.i18n import tr
from landapp.monthly_report import report_figures
from landapp.schema import value_label
from landapp.units import MU_M2

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋"  # 仿宋_GB2312 is rarer than 仿宋 (FangSong, in every Windows)
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"


def _fonts(run, east: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = LATIN_FONT
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi"):
        rfonts.set(qn(attr), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), east)
    _lang(rpr)
    if size_pt:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.font.bold = bold


def _lang(rpr) -> None:
    """w:lang eastAsia=zh-CN: where the named font is missing, Word and LibreOffice fall back
    to a Simplified Chinese face (without it LibreOffice took Noto Sans CJK JP's shapes)."""
    from docx.oxml.ns import qn

    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _para(doc, text: str, *, east: str = BODY_FONT, size: float = 14, bold: bool = False,
          align: str | None = None, indent: bool = False, space_after: float = 4):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    par = doc.add_paragraph()
    if align:
        par.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    fmt = par.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = 1.35
    if indent:
        fmt.first_line_indent = Pt(size * 2)  # two characters, as Chinese paragraphs start
    _fonts(par.add_run(text), east, size, bold)
    return par


def _heading(doc, text: str) -> None:
    _para(doc, text, east=HEADING_FONT, size=16, space_after=6)


def _table(doc, heads: list[str], rows: list[list], widths_cm: list[float] | None = None,
           size: float = 10.5) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt

    t = doc.add_table(rows=1, cols=len(heads))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, h in zip(t.rows[0].cells, heads):
        cell.text = ""
        _fonts(cell.paragraphs[0].add_run(h), HEADING_FONT, size, False)
    for row in rows:
        cells = t.add_row().cells
        for cell, v in zip(cells, row):
            cell.text = ""
            _fonts(cell.paragraphs[0].add_run("" if v is None else str(v)), TABLE_FONT, size)
    if widths_cm:  # Word reads the cells' widths, LibreOffice the grid's: set both
        t.autofit = False
        for col, w in zip(t.columns, widths_cm):
            col.width = Cm(w)
        for row in t.rows:
            for cell, w in zip(row.cells, widths_cm):
                cell.width = Cm(w)
    for row in t.rows:
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    doc.add_paragraph()


def _page_number_footer(section) -> None:
    """'— 1 —' centred: a PAGE field, which Word and LibreOffice fill in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    par = section.footer.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(par.add_run("— "), BODY_FONT, 12)
    run = par.add_run()
    _fonts(run, BODY_FONT, 12)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text.strip() == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._element.append(el)
    _fonts(par.add_run(" —"), BODY_FONT, 12)


def _png(img) -> io.BytesIO:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not img.save(buf, "PNG"):
        raise LandappError(tr("无法生成报告中的图片。", "Cannot make the report's pictures."))
    buf.close()
    return io.BytesIO(bytes(data))


def _pct(v) -> str:
    return "-" if v is None else f"{v:.1%}"


def charts(f: dict) -> list:
    """The dashboard's charts for these figures, as images."""
    from layers.charts import CLASS_COLOURS, chart_image

    by_zone = sorted(f["vacancy_by_zone"], key=lambda x: -(x.vacancy_rate or 0.0))
    out = [chart_image(tr("各片区空置率", "Vacancy by zone"), "hbar",
                       [(x.key, x.vacancy_rate or 0.0, f"{_pct(x.vacancy_rate)} · {x.leasable / 1e4:,.1f}万㎡")
                        for x in by_zone], ["#3F7FBF"]),
           chart_image(tr("标准厂房与楼宇空置率", "Vacancy of factories and towers"), "hbar",
                       [(value_label(x.key), x.vacancy_rate or 0.0, f"{_pct(x.vacancy_rate)} · {x.leasable / 1e4:,.1f}万㎡")
                        for x in f["vacancy_by_type"]],
                       [{"标准厂房": "#8D6E63", "楼宇": "#3F51B5"}.get(x.key, "#9E9E9E") for x in f["vacancy_by_type"]]),
           chart_image(tr("土地供应与闲置(宗)", "Land supply and idle land (parcels)"), "hbar",
                       [(tr("批而未供", "Approved, not supplied"), f["unsupplied"]["count"], str(f["unsupplied"]["count"])),
                        (tr("供而未用", "Supplied, not used"), f["unused"]["count"], str(f["unused"]["count"])),
                        (tr("闲置(疑似/可收回)", "Idle"), f["idle"]["count"], str(f["idle"]["count"])),
                        (tr("豁免", "Exempt"), f["exempt_count"], str(f["exempt_count"]))],
                       ["#9E9E9E", "#FFB74D", "#C62828", "#64B5F6"]),
           chart_image(tr("租约到期分布(㎡)", "Lease expiry (m²)"), "vbar",
                       [(str(y), a, f"{a / 1e4:,.1f}万") for y, a in f["expiry"]],
                       ["#D73027", "#FC8D59", "#FEE08B", "#91CF60", "#1A9850", "#1A9850"])]
    c = f["campaign"]
    if c["target_m2"]:
        out.append(chart_image(tr("年度载体盘活目标完成情况", "Revitalisation against the year's target"), "progress",
                               [(tr(f"{c['year']} 年目标 {c['target_m2']:,.0f} ㎡", f"{c['year']} target {c['target_m2']:,.0f} m²"),
                                 c["revitalised_m2"] / c["target_m2"],
                                 tr(f"已盘活 {c['revitalised_m2']:,.0f} ㎡({c['revitalised_count']} 宗),在办 {c['open_count']} 件",
                                    f"{c['revitalised_m2']:,.0f} m² revitalised, {c['open_count']} open"))]))
    m = f["mu"]
    out.append(chart_image(tr(f"亩均评价分类({m['year'] or '-'} 年)", f"Per-mu classes ({m['year'] or '-'})"), "vbar",
                           [(f"{k} {v['name']}", v["count"], str(v["count"])) for k, v in m["classes"].items()],
                           CLASS_COLOURS, note=m["note"]))
    return out


def overview_map(store, zone: str | None, width: int = 1600, height: int = 1100):
    from layers.map import ParkMap
    from layers.render import render_image
    from layers.view import MapView

    m = ParkMap(store, with_tiles=False)
    for layer in m.layers:
        if layer.kind == "raster":
            layer.visible = False
    bbox = m.extent()
    if zone:
        gdf = store.read_layer("zones", columns=["name"])
        gdf = gdf[gdf["name"] == zone]
        if not len(gdf):
            gdf = store.read_layer("parcels", columns=["zone"])
            gdf = gdf[gdf["zone"] == zone]
        if len(gdf):
            bbox = tuple(gdf.total_bounds)
    if bbox is None:
        return None
    return render_image(m.layers, MapView.fit(bbox, width, height), legend=True)


def write_report(store, path: str, *, month: tuple[int, int], zone: str | None = None) -> dict:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt

    from landapp.files import replace_into_place
    from layers.render import ensure_gui_app

    ensure_gui_app()
    f = report_figures(store, *month, zone=zone)
    year, mon = month
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    _lang(normal.element.get_or_add_rPr())
    _page_number_footer(sec)
    doc.core_properties.title = tr(f"{year}年{mon}月工作月报", f"Monthly report {year}-{mon:02d}")
    doc.core_properties.author = "landapp"

    park = f["project"] or tr("园区", "Park")
    where = f"{park}{f['zone'] or ''}"
    _para(doc, tr(f"{where}立园满园·载体盘活工作月报", f"{where} monthly work report"), east=TITLE_FONT,
          size=22, align="center", space_after=8)
    _para(doc, tr(f"({year}年{mon}月)", f"({year}-{mon:02d})"), east=BODY_FONT, size=16, align="center", space_after=4)
    first, as_of = f["first"], f["as_of"]
    _para(doc, tr(f"统计期间:{first:%Y年%m月%d日}至{as_of:%Y年%m月%d日};统计日 {as_of.isoformat()}"
                  + (f";范围:{f['zone']}" if f["zone"] else ";范围:全园区"),
                  f"Period {first} to {as_of}; figures as of {as_of}" + (f"; zone {f['zone']}" if f["zone"] else "")),
          size=12, align="center", space_after=14)

    # ---- 一、主要指标
    _heading(doc, tr("一、主要指标", "1. Key figures"))
    sm, sy = f["supplied_month"], f["supplied_year"]
    vt = {x.key: x for x in f["vacancy_by_type"]}
    park_v = f["vacancy_park"]
    c = f["campaign"]
    m = f["mu"]
    classes = "、".join(f"{k} 类 {v['count']} 家" if m["level"] == "enterprise" else f"{k} 类 {v['count']} 宗"
                        for k, v in m["classes"].items()) or "-"
    lines = [
        tr(f"土地供应:本月供地 {sm['count']} 宗、{sm['area_m2'] / MU_M2:,.2f} 亩;本年累计供地 {sy['count']} 宗、"
           f"{sy['area_m2'] / MU_M2:,.2f} 亩。",
           f"Land supplied: {sm['count']} parcels ({sm['area_m2'] / MU_M2:,.2f} mu) this month, {sy['count']} "
           f"({sy['area_m2'] / MU_M2:,.2f} mu) this year."),
        tr(f"批而未供 {f['unsupplied']['count']} 宗、{f['unsupplied']['area_m2'] / MU_M2:,.2f} 亩;供而未用 "
           f"{f['unused']['count']} 宗、{f['unused']['area_m2'] / MU_M2:,.2f} 亩;认定闲置(疑似及可收回) "
           f"{f['idle']['count']} 宗、{f['idle']['area_m2']:,.1f} ㎡({f['idle']['area_m2'] / MU_M2:,.2f} 亩),"
           f"应征闲置费 {f['idle']['fee_wan']:,.1f} 万元。",
           f"Approved, not supplied: {f['unsupplied']['count']}; supplied, not used: {f['unused']['count']}; idle: "
           f"{f['idle']['count']} parcels, {f['idle']['area_m2']:,.1f} m², fees {f['idle']['fee_wan']:,.1f} (10k CNY)."),
        tr(f"载体空置:可租售面积 {(park_v.leasable if park_v else 0) / 1e4:,.2f} 万㎡,空置 "
           f"{(park_v.vacant if park_v else 0) / 1e4:,.2f} 万㎡,空置率 {_pct(park_v.vacancy_rate if park_v else None)};"
           f"其中标准厂房空置率 {_pct(vt['标准厂房'].vacancy_rate if '标准厂房' in vt else None)},"
           f"楼宇空置率 {_pct(vt['楼宇'].vacancy_rate if '楼宇' in vt else None)}。",
           f"Vacancy {_pct(park_v.vacancy_rate if park_v else None)}; factories "
           f"{_pct(vt['标准厂房'].vacancy_rate if '标准厂房' in vt else None)}, towers "
           f"{_pct(vt['楼宇'].vacancy_rate if '楼宇' in vt else None)}."),
        tr(f"载体盘活:{c['year']} 年已盘活 {c['revitalised_count']} 宗/栋、{c['revitalised_m2']:,.1f} ㎡;"
           + (f"年度目标 {c['target_m2']:,.0f} ㎡,完成 {c['progress']:.1%}" if c["target_m2"] else "未设年度目标")
           + f";在办案件 {c['open_count']} 件、{c['open_m2']:,.1f} ㎡。",
           f"Revitalised in {c['year']}: {c['revitalised_count']}, {c['revitalised_m2']:,.1f} m²"
           + (f" of {c['target_m2']:,.0f} m² ({c['progress']:.1%})" if c["target_m2"] else "") + "."),
        tr(f"亩均论英雄:{m['year']} 年评价,{classes}" + (f",低效 {m['low']} 个" if m["year"] else "")
           + "。" if m["year"] else f"亩均论英雄:{m['note']}",
           f"Per-mu evaluation {m['year']}: {classes}." if m["year"] else m["note"]),
    ]
    for line in lines:
        _para(doc, line, indent=True)

    # ---- 二、载体空置
    _heading(doc, tr("二、载体空置情况", "2. Vacancy"))
    heads = [tr("分组", "Group"), tr("建筑数", "Buildings"), tr("可租售(㎡)", "Leasable (m²)"),
             tr("已租(㎡)", "Leased (m²)"), tr("空置(㎡)", "Vacant (m²)"), tr("空置率", "Vacancy")]
    rows = [[value_label(x.key), x.buildings, f"{x.leasable:,.1f}", f"{x.leased:,.1f}", f"{x.vacant:,.1f}",
             _pct(x.vacancy_rate)] for x in f["vacancy_by_type"] + f["vacancy_by_zone"]]
    _table(doc, heads, rows, [3.4, 1.6, 2.6, 2.6, 2.4, 1.8])

    # ---- 三、闲置土地
    _heading(doc, tr("三、闲置土地处置", "3. Idle land"))
    from landapp import idle

    rows = [[r["code"], r["name"], r["zone"], f"{(r['area_m2'] or 0) / MU_M2:,.2f}", idle.status_label(r["status"]),
             r.get("since") or "", r.get("reclaim_from") or "", f"{r['fee_wan']:,.1f}" if r.get("fee_wan") else ""]
            for r in f["idle"]["rows"]]
    if rows:
        _table(doc, [tr("地块编号", "Parcel"), tr("名称", "Name"), tr("片区", "Zone"), tr("面积(亩)", "Area (mu)"),
                     tr("认定阶段", "Stage"), tr("闲置起算", "Idle since"), tr("可收回日期", "Reclaimable"),
                     tr("闲置费(万元)", "Fee")], rows, [3.4, 2.1, 1.3, 1.3, 1.5, 2.1, 2.1, 1.6], size=9)
    else:
        _para(doc, tr("本期无认定闲置的土地。", "No idle land."), indent=True)

    # ---- 四、盘活案件
    _heading(doc, tr("四、本月盘活案件进展", "4. Cases advanced this month"))
    rows = [[a["case_id"], a["code"], a["measure"] or "", value_label(a["state"]), a["date"],
             f"{a['area_m2']:,.0f}" if a.get("area_m2") else "", a["responsible"] or "", a["note"] or ""]
            for a in f["cases_advanced"]]
    if rows:
        _table(doc, [tr("案件", "Case"), tr("地块/建筑", "Target"), tr("盘活方式", "Measure"), tr("状态", "State"),
                     tr("日期", "Date"), tr("面积(㎡)", "Area (m²)"), tr("责任人", "Responsible"), tr("说明", "Note")],
               rows, [1.0, 3.4, 1.6, 1.3, 2.1, 1.5, 1.4, 3.1], size=9)
    else:
        _para(doc, tr("本月无案件推进记录。", "No case advanced this month."), indent=True)

    # ---- 五、土地供给机会清单
    _heading(doc, tr("五、土地供给机会清单", "5. Land-supply list"))
    ls = f["land_supply"]
    _para(doc, tr(f"在册待供地块 {ls['count']} 宗、{ls['area_m2'] / MU_M2:,.2f} 亩,按片区如下。",
                  f"{ls['count']} parcels awaiting supply, {ls['area_m2'] / MU_M2:,.2f} mu."), indent=True)
    _table(doc, [tr("片区", "Zone"), tr("宗数", "Parcels"), tr("面积(㎡)", "Area (m²)"), tr("面积(亩)", "Area (mu)")],
           [[z or "-", n, f"{a:,.1f}", f"{a / MU_M2:,.2f}"] for z, n, a in ls["by_zone"]], [4, 2, 3.5, 3])

    # ---- 六、图表与总览图
    _heading(doc, tr("六、图表", "6. Charts"))
    for img in charts(f):
        doc.add_picture(_png(img), width=Cm(15.5))
    img = overview_map(store, zone)
    if img is not None:
        _heading(doc, tr("附图:园区现状总览", "Map: overview"))
        doc.add_picture(_png(img), width=Cm(15.6))
        _para(doc, tr(f"地块按状态着色,建筑按空置率着色;统计日 {as_of.isoformat()}。",
                      f"Parcels by status, buildings by vacancy; as of {as_of}."), size=10.5, align="center")

    folder = os.path.dirname(os.path.abspath(path)) or "."
    if not os.path.isdir(folder):
        raise LandappError(tr(f"文件夹 {folder} 不存在。", f"The folder {folder} does not exist."))
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
    os.close(fd)
    try:
        doc.save(tmp)
        replace_into_place(tmp, path)
    except OSError as e:
        raise LandappError(tr(f"无法写入 {path}:{e.strerror or e}。", f"Cannot write {path}: {e.strerror or e}.")) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return {"figures": f, "pages_hint": tr(f"{year}年{mon}月,统计日 {as_of}", f"{year}-{mon:02d}, as of {as_of}")}
