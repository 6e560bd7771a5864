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
    """A feature was changed by someone else since it was read (optimistic check).
    `conflicts`: the fields both sides changed to different values, each a dict
    {field, seen, theirs, mine} ("geometry" for the shape; seen None when the edit did not
    say what it was made from); `version`: the row's current version (an edit resolved
    from this view is made from it); `deleted`: the feature is gone."""

    def __init__(self, message: str, *, conflicts: list[dict] | None = None, version: int | None = None,
                 deleted: bool = False, layer: str | None = None, fid: int | None = None):
        super().__init__(message)
        self.conflicts = list(conflicts or [])
        self.version = version
        self.deleted = deleted
        self.layer = layer
        self.fid = fid


class Cancelled(LandappError):
    """The user cancelled long work (a background job checks its flag between steps)."""
