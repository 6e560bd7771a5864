"""The GIS tools of the main window in one call: the job indicator, the scale box, spatial
bookmarks, measure tools, select by attribute with the selection statistics, label
settings restored from the project, and the right-click menus."""

from __future__ import annotations


def install_gis_tools(window) -> None:
    from layers.labels import apply_saved
    from ui.context_menus import install_context_menus
    from ui.map_extras import install_map_extras
    from ui.query_dialog import install_query_tools

    install_map_extras(window)
    install_query_tools(window)
    install_context_menus(window)
    apply_saved(window.map)
