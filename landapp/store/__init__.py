"""The project store: one park = one GeoPackage file, or one schema in a PostgreSQL/PostGIS
database shared by a team. `open_project`/`create_project` take either a path or a database
target (`postgresql://user@host/db?schema=park`, `service=NAME`) and return a ProjectStore;
callers never need to know which backend they have."""

from __future__ import annotations

import os
from typing import Any

from landapp.store.base import ChangeEvent, ProjectStore, TableQuery
from landapp.store.geopackage import GeoPackageStore
from landapp.store.geopackage import create_project as _create_gpkg
from landapp.store.geopackage import open_project as _open_gpkg
from landapp.store.target import is_database_target, scrub

__all__ = ["ChangeEvent", "ProjectStore", "TableQuery", "GeoPackageStore", "create_project", "open_project",
           "is_database_target", "scrub"]

_GPKG_ONLY = ("lock_timeout",)
_DB_ONLY = ("password_prompt",)


def open_project(target: str | os.PathLike, **kw: Any) -> ProjectStore:
    """Open an existing park: a GeoPackage file or a schema in a PostGIS database."""
    if is_database_target(target):
        from landapp.store.postgis import PostGISStore

        return PostGISStore(str(target), **{k: v for k, v in kw.items() if k not in _GPKG_ONLY})
    return _open_gpkg(target, **{k: v for k, v in kw.items() if k not in _DB_ONLY})


def create_project(target: str | os.PathLike, name: str = "", **kw: Any) -> ProjectStore:
    """Create a new, empty park (a GeoPackage file, or a new schema in a database)."""
    if is_database_target(target):
        from landapp.store.postgis import create_postgis_project

        kw.pop("overwrite", None)
        return create_postgis_project(str(target), name, **kw)
    return _create_gpkg(target, name, **{k: v for k, v in kw.items() if k not in _DB_ONLY})
