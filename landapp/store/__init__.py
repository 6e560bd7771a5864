"""The project store: one park = one GeoPackage file, or one schema in a PostgreSQL/PostGIS
database shared by a team. `open_project`/`create_project` take either a path or a database
target (`postgresql://user@host/db?schema=park`, `service=NAME`) and return a ProjectStore;
callers never need to know which backend they have."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from landapp.store.target import is_database_target, scrub

if TYPE_CHECKING:
    from landapp.store.base import ChangeEvent, ProjectStore, TableQuery
    from landapp.store.geopackage import GeoPackageStore

# The backends are imported when a park is opened, not with the package: a command module
# that only needs landapp.store.filters (or target) must not pull in numpy and sqlite_utils
# (`landapp --help` imports every command's module).
_LAZY = {"ChangeEvent": "landapp.store.base", "ProjectStore": "landapp.store.base",
         "TableQuery": "landapp.store.base", "GeoPackageStore": "landapp.store.geopackage"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["ChangeEvent", "ProjectStore", "TableQuery", "GeoPackageStore", "create_project", "open_project",
           "is_database_target", "scrub"]

_GPKG_ONLY = ("lock_timeout",)
_DB_ONLY = ("password_prompt",)


def open_project(target: str | os.PathLike, **kw: Any) -> ProjectStore:
    """Open an existing park: a GeoPackage file or a schema in a PostGIS database."""
    if is_database_target(target):
        from landapp.store.postgis import PostGISStore

        return PostGISStore(str(target), **{k: v for k, v in kw.items() if k not in _GPKG_ONLY})
    from landapp.store.geopackage import open_project as _open_gpkg

    return _open_gpkg(target, **{k: v for k, v in kw.items() if k not in _DB_ONLY})


def create_project(target: str | os.PathLike, name: str = "", **kw: Any) -> ProjectStore:
    """Create a new, empty park (a GeoPackage file, or a new schema in a database)."""
    if is_database_target(target):
        from landapp.store.postgis import create_postgis_project

        kw.pop("overwrite", None)
        return create_postgis_project(str(target), name, **kw)
    from landapp.store.geopackage import create_project as _create_gpkg

    return _create_gpkg(target, name, **{k: v for k, v in kw.items() if k not in _DB_ONLY})
