"""The search box of the main window: parcels by their whole code, the short code printed on
map labels (023-00059), name and land user; buildings by name and operator; and tenants
(承租企业) by the building they rent in. A QCompleter lists the matches as one types."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit

from landapp.store.filters import F
from layers.vector import short_code
from ui.i18n import tr


class SearchIndex(QObject):
    """What the search box can find, built when the box is first used and again after edits
    (a renamed parcel is found by its new name), not while the project opens."""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.model = QStringListModel(self)
        self.dirty = True
        self.items: list[tuple[str, str, int]] = []  # (shown text, layer, fid)
        self.lookup: dict[str, tuple[str, int]] = {}

    def build(self, force: bool = False) -> None:
        if not (self.dirty or force):
            return
        self.dirty = False
        p = self.store.read_layer("parcels", columns=["code", "name", "land_user"], geometry=False)
        b = self.store.read_layer("buildings", columns=["name", "operator"], geometry=False)
        items: list[tuple[str, str, int]] = []
        for fid, code, name, user in zip(p.index.tolist(), p["code"].tolist(), p["name"].tolist(),
                                         p["land_user"].tolist()):
            parts = [code] if isinstance(code, str) and code else []
            short = short_code(code) if parts else None
            if short and short != code:  # the label's code, as the planner reads it off the map
                parts.append(f"({short})")
            parts += [v for v in (name, user) if isinstance(v, str) and v]
            items.append(("  ".join(parts), "parcels", fid))
        names = {}
        for fid, name, op in zip(b.index.tolist(), b["name"].tolist(), b["operator"].tolist()):
            text = "  ".join(v for v in (name, op) if isinstance(v, str) and v)
            names[fid] = name if isinstance(name, str) else f"#{fid}"
            items.append((text or f"#{fid}", "buildings", fid))
        seen = set()
        for r in self.store.rows("leases", order_by=F("end_date").desc()):  # latest lease first
            key = (r["tenant"], r["building_id"])
            if r["tenant"] and r["building_id"] in names and key not in seen:
                seen.add(key)
                items.append((f"{r['tenant']}  → {names[r['building_id']]}", "buildings", r["building_id"]))
        self.items = items
        self.lookup = {t: (lid, fid) for t, lid, fid in items}
        self.model.setStringList([t for t, _, _ in items])

    def find(self, text: str) -> tuple[str, int] | None:
        """The feature for a completion picked from the list, else the first whose text
        contains `text` (case-insensitive); a whole short code is matched exactly first, so
        001-00001 does not find 001-000011."""
        text = text.strip()
        if not text:
            return None
        self.build()
        hit = self.lookup.get(text)
        if hit is not None:
            return hit
        needle = text.lower()
        exact = f"({needle})"
        hit = next(((lid, fid) for t, lid, fid in self.items if exact in t.lower()), None)
        if hit is None:
            hit = next(((lid, fid) for t, lid, fid in self.items if needle in t.lower()), None)
        return hit


class SearchBox(QLineEdit):
    """The line edit with its completer; `found(text)` is called on Enter or a pick."""

    def __init__(self, index: SearchIndex, on_search, parent=None):
        super().__init__(parent)
        self.index = index
        self.setObjectName("search")
        self.setPlaceholderText(tr("搜索地块编号(含图上短号)、名称、企业、楼宇…",
                                   "Search parcel code (or label code), name, enterprise, building…"))
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(220)
        self.setMaximumWidth(420)
        completer = QCompleter(index.model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(15)
        completer.activated.connect(on_search)
        self.setCompleter(completer)
        self.returnPressed.connect(lambda: on_search(self.text()))
        self.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if obj is self and event.type() == QEvent.Type.FocusIn:
            self.index.build()
        return super().eventFilter(obj, event)
