"""Qt widgets: the main window, map canvas, panels, dialogs."""
