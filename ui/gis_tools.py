"""The GIS tools' per-window parts (their actions and panels are registry entries, in
ui/entries/gis.py): the job indicator and the scale box in the status bar, the measure
tools, the right-click menus, and the label settings the project keeps."""

from __future__ import annotations


def install_gis_tools(window) -> None:
    from layers.labels import apply_saved
    from ui.context_menus import install_context_menus
    from ui.map_extras import install_map_extras

    install_map_extras(window)
    install_context_menus(window)
    apply_saved(window.map)
