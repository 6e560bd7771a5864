"""Colours shared by every renderer (screen, PDF, HTML)."""

from __future__ import annotations

# Lifecycle status of a parcel: reserve greys, supply blues, building oranges, built greens,
# problems reds/purples, revitalisation teals.
STATUS_COLOURS: dict[str, str] = {
    "储备": "#BDBDBD",
    "待供": "#4F9BE8",
    "已供未开工": "#F2C94C",
    "在建": "#F2994A",
    "已建成投产": "#6FCF97",
    "闲置": "#EB5757",
    "低效": "#BB6BD9",
    "盘活中": "#2BB3B1",
    "已盘活": "#1E7B5C",
}
UNKNOWN_COLOUR = "#DDDDDD"


def status_colour(status: str | None) -> str:
    return STATUS_COLOURS.get(status or "", UNKNOWN_COLOUR)
