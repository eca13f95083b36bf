from .assessments import DIMENSIONS, Assessment
from .households import Household, HouseholdAccess
from .ledger import EntryKind, Grant, GrantStatus, PointsEntry
from .policies import CityPolicy, DistrictPolicy, NeedBand

__all__ = [
    "DIMENSIONS",
    "Assessment",
    "CityPolicy",
    "DistrictPolicy",
    "EntryKind",
    "Grant",
    "GrantStatus",
    "Household",
    "HouseholdAccess",
    "NeedBand",
    "PointsEntry",
]
