"""Registry entries: every module here registers actions and panels (ui/actions.py)."""
