"""The 工程概况 panel's page: counts, parcel area by status, vacancy by building type."""

from __future__ import annotations

import html

from landapp.schema import BUILDING_TYPES, value_label
from ui.i18n import tr


def summary_html(s: dict) -> str:
    """HTML for landapp.check.summary(store)'s figures."""
    c = s["counts"]
    rows = [(tr("片区", "Zones"), c["zones"]), (tr("地块", "Parcels"), c["parcels"]),
            (tr("建筑", "Buildings"), c["buildings"]), (tr("单元", "Units"), c["units"]),
            (tr("企业", "Enterprises"), c["enterprises"]), (tr("租约", "Leases"), c["leases"])]
    table = "<table cellspacing='0' cellpadding='3'>"
    out = [f"<h3>{html.escape(str(s['name']))}</h3>{table}"]
    out += [f"<tr><td>{k}</td><td align='right'>{v:,}</td></tr>" for k, v in rows]
    out.append("</table>")
    out.append(f"<p>{tr('地块总面积', 'Parcel area')}<br><b>{s['parcel_area_m2']:,.1f} ㎡</b>"
               f" = <b>{s['parcel_area_mu']:,.2f} {tr('亩', 'mu')}</b></p>")
    out.append(f"{table}<tr><th align='left'>{tr('状态', 'Status')}</th><th align='right'>{tr('宗数', 'Count')}</th>"
               f"<th align='right'>{tr('面积(亩)', 'Area (mu)')}</th></tr>")
    for r in s["parcels_by_status"]:
        out.append(f"<tr><td>{value_label(r['status'])}</td><td align='right'>{r['count']:,}</td>"
                   f"<td align='right'>{r['area_mu']:,.1f}</td></tr>")
    out.append("</table>")
    v = s["vacancy"]
    if v["unit_area_m2"]:
        out.append(f"<p>{tr('载体空置率', 'Vacancy')}: <b>{v['vacancy_rate']:.1%}</b></p>{table}"
                   f"<tr><th align='left'>{tr('类型', 'Type')}</th><th align='right'>{tr('空置(㎡)', 'Vacant (m²)')}</th>"
                   f"<th align='right'>{tr('可租(㎡)', 'Leasable (m²)')}</th><th align='right'>{tr('空置率', 'Rate')}</th></tr>")
        order = {t: i for i, t in enumerate(BUILDING_TYPES)}  # factories, towers, then others
        for r in sorted(v["by_type"], key=lambda r: order.get(r["type"], len(order))):
            rate = f"{r['vacancy_rate']:.1%}" if r["vacancy_rate"] is not None else "-"
            out.append(f"<tr><td>{value_label(r['type'])}</td><td align='right'>{r['vacant_m2']:,.0f}</td>"
                       f"<td align='right'>{r['unit_area_m2']:,.0f}</td><td align='right'>{rate}</td></tr>")
        out.append("</table>")
    return "".join(out)
