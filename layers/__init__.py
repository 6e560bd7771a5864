"""Map layers (a data source + a style) and the renderers that turn them into pictures.
May import QtCore/QtGui, never QtWidgets."""
