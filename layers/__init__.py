"""Map layers (a data source + a style) and the renderers that turn them into pictures.
May import QtCore/QtGui, never QtWidgets."""

from landapp import project_hooks as _hooks


def _write_qgis(store, reason: str, **details) -> None:
    """QGIS styles and project into a park landapp creates, upgrades or whose style
    settings change (details: setting, old, new)."""
    from layers.qgis_styles import _hook

    _hook(store, reason, **details)


_hooks.register("qgis", _write_qgis)
