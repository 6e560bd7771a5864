"""The editing commands of the main window that act on the selection: merge, delete, edit
attributes, typed coordinates, and the attribute form for a new feature. A mixin of
MainWindow (it uses the window's store, canvas, map and edit session)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from landapp import editing as ed
from landapp.errors import LandappError
from landapp.store.filters import F
from ui.i18n import tr


class EditCommands:
    _ed = ed

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, tr("无法完成", "Cannot do that"), message)

    def show_notice(self, message: str) -> None:
        """Something the planner should know after an edit that did go through (an overlap
        with a neighbour): in the status bar, long enough to read, no dialog to click away."""
        self.statusBar().showMessage(message, 20000)

    def ask_attributes(self, layer: str, geometry) -> dict | None:
        """The attribute form for a new feature, pre-filled with sensible defaults."""
        from ui.forms import FeatureForm, form_options

        defaults = {"parcels": {"status": "储备"}, "buildings": {"btype": "标准厂房"}}.get(layer, {})
        zones = self.store.read_layer("zones", columns=["name"])
        inside = zones[zones.geometry.contains(geometry.representative_point())] if len(zones) else zones
        if len(inside):
            defaults["zone"] = inside["name"].iloc[0]
        options = form_options(self.store, layer, geometry)
        if options.get("parcel_code"):  # a new building stands on the parcel it overlaps most
            defaults["parcel_code"] = options["parcel_code"][0]
        form = FeatureForm(layer, defaults, self, geometry=geometry, options=options)
        if form.exec() != form.DialogCode.Accepted:
            return None
        return form.values()

    def _selected(self) -> tuple[str, list[int]]:
        layer = self.canvas.active_layer
        return layer, sorted(self.map.layer(layer).selection)

    def merge_selected(self) -> None:
        """合并所选: the selected parcels, or buildings when that is the active layer."""
        layer, fids = self._selected()
        if layer not in self._ed.SPLITTABLE or len(fids) < 2:
            self.show_error(tr("请先在地块或建筑图层选择两个以上相邻的要素。",
                               "Select two or more adjacent parcels or buildings first."))
            return
        # whose attributes the merged feature keeps: the largest by default, or the one chosen
        recs = sorted((self.store.get(layer, f) for f in fids), key=lambda r: -r["geometry"].area)
        keep = recs[0]["fid"]
        if self.ask_merge_source:
            from PySide6.QtWidgets import QInputDialog

            items = [f"{r.get('code') or ''}  {r.get('name') or ''}  ({r['geometry'].area:,.0f} ㎡)".strip()
                     for r in recs]
            if layer == "parcels":
                title = tr("合并地块", "Merge parcels")
                question = tr("合并后的地块沿用哪宗地块的属性?", "Keep the attributes of which parcel?")
            else:
                title = tr("合并建筑", "Merge buildings")
                question = tr("合并后的建筑沿用哪栋建筑的属性?", "Keep the attributes of which building?")
            choice, ok = QInputDialog.getItem(self, title, question, items, 0, False)
            if not ok:
                return
            keep = recs[items.index(choice)]["fid"]
        self.session.run(self._ed.MergeFeatures(layer, fids, keep=keep))

    def delete_selected(self) -> None:
        layer, fids = self._selected()
        if not fids:
            self.show_error(tr("没有选中的要素。", "Nothing is selected."))
            return
        question = tr(f"删除所选 {len(fids)} 个要素?(可撤销)", f"Delete the {len(fids)} selected features? (undoable)")
        if layer == "buildings":
            n_units = self.store.count("units", F("building_id").in_(fids))
            if n_units:
                question = tr(f"删除所选 {len(fids)} 栋建筑及其楼层、{n_units} 个单元和租约?(可撤销)",
                              f"Delete the {len(fids)} selected buildings with their floors, {n_units} units "
                              "and leases? (undoable)")
        if QMessageBox.question(self, tr("删除", "Delete"), question) != QMessageBox.StandardButton.Yes:
            return
        self.session.run(self._ed.DeleteFeatures(layer, fids))

    def edit_selected(self) -> None:
        from ui.forms import FeatureForm, form_options

        layer, fids = self._selected()
        if not fids:
            self.show_error(tr("没有选中的要素。", "Nothing is selected."))
            return
        rec = self.store.get(layer, fids[0])
        form = FeatureForm(layer, rec, self, options=form_options(self.store, layer, rec.get("geometry")))
        if form.exec() == form.DialogCode.Accepted and form.changes():
            from ui.conflict_dialog import apply_checked  # no lost update (issue 16)

            apply_checked(self.session, layer, fids[0], rec, form.changes(), self)

    def enter_coordinates(self, text: str | None = None) -> None:
        """Add vertices to the sketch of the active drawing tool from typed or pasted
        coordinates, one point a line: X (northing), Y (easting), or a boundary-point table
        row "J1, X, Y". Enter (or a double click) then finishes the sketch as usual."""
        from PySide6.QtWidgets import QInputDialog

        tool = self.canvas.tool
        if not hasattr(tool, "add_point"):
            self.set_tool("add_parcel")
            tool = self.canvas.tool
        if text is None:
            text, ok = QInputDialog.getMultiLineText(
                self, tr("输入坐标", "Enter coordinates"),
                tr("每行一个点:X(北坐标), Y(东坐标),如 3384637.61, 429977.28;\n"
                   "可从界址点坐标表粘贴(J1, X, Y)。按回车键完成图形。",
                   "One point a line: X (northing), Y (easting), e.g. 3384637.61, 429977.28;\n"
                   "rows of a boundary-point table (J1, X, Y) can be pasted. Press Enter to finish the shape."))
            if not ok:
                return
        try:
            from landapp.coords import parse_typed_points

            pts = parse_typed_points(text, self.store.srs_id)
        except LandappError as e:
            self.session.on_error(str(e))
            return
        for x, y in pts:
            tool.add_point(x, y)
        if pts:
            x0, y0 = min(p[0] for p in pts), min(p[1] for p in pts)
            x1, y1 = max(p[0] for p in pts), max(p[1] for p in pts)
            vx0, vy0, vx1, vy1 = self.canvas.view.extent
            if not (vx0 <= x0 and vy0 <= y0 and x1 <= vx1 and y1 <= vy1):  # show where they went
                self.canvas.zoom_to((x0, y0, x1, y1), margin=0.3)
