"""Domain errors. The core raises these; the UI turns them into dialogs and the CLI into
one clear line and a non-zero exit. Messages are complete sentences in the current language."""

from __future__ import annotations

from landapp.i18n import tr


class LandappError(Exception):
    """Base of every error a user may see. str(e) is one clear sentence."""


class ValidationError(LandappError, ValueError):
    """A value breaks a rule. Names the field (and its Chinese title) and the rule."""

    def __init__(self, layer: str, field: str, title: str, rule: str, value: object = None):
        self.layer = layer
        self.field = field
        self.title = title
        self.rule = rule
        self.value = value
        super().__init__(
            tr(f"字段“{title}”({field})的值 {value!r} 无效:{rule}。",
               f"Field '{title}' ({field}) has an invalid value {value!r}: {rule}.")
        )


class ProjectError(LandappError):
    """The project file cannot be used (missing, corrupt, not a GeoPackage, wrong version)."""


class ProjectNotFoundError(ProjectError):
    pass


class NotAGeoPackageError(ProjectError):
    pass


class ProjectLockedError(ProjectError):
    """Another program holds a write lock on the file longer than we are willing to wait."""


class FeatureNotFoundError(LandappError, KeyError):
    def __init__(self, layer: str, fid: int):
        self.layer = layer
        self.fid = fid
        LandappError.__init__(
            self, tr(f"图层 {layer} 中没有编号为 {fid} 的要素。",
                     f"Layer {layer} has no feature with id {fid}.")
        )

    def __str__(self) -> str:  # KeyError would add quotes
        return self.args[0]


class ConflictError(LandappError):
    """A feature was changed by someone else since it was read (optimistic check)."""


class Cancelled(LandappError):
    """The user cancelled long work (a background job checks its flag between steps)."""
