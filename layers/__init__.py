"""Map layers (a data source + a style) and the renderers that turn them into pictures.
May import QtCore/QtGui, never QtWidgets."""

from landapp import project_hooks as _hooks


def _write_qgis(store, reason: str) -> None:
    """QGIS styles and project into a project file landapp creates or upgrades."""
    from layers.qgis_styles import write_qgis

    write_qgis(store, reason)


_hooks.register("qgis", _write_qgis)
