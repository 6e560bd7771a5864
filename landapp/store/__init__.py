"""The project store: one park = one GeoPackage file. `open_project`/`create_project` return
a ProjectStore; the GeoPackage implementation is the only backend today, kept behind the
ProjectStore interface so a PostGIS backend can be added for teams sharing one database."""

from landapp.store.base import ChangeEvent, ProjectStore, TableQuery
from landapp.store.geopackage import GeoPackageStore, create_project, open_project

__all__ = ["ChangeEvent", "ProjectStore", "TableQuery", "GeoPackageStore", "create_project", "open_project"]
