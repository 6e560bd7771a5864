"""landapp core: domain model, GeoPackage project store, rules, CLI. No Qt here."""

from landapp.errors import LandappError, ValidationError
from landapp.units import MU_M2, to_mu, from_mu

__version__ = "0.1.0"

__all__ = ["LandappError", "ValidationError", "MU_M2", "to_mu", "from_mu", "__version__"]
