from .assessments import DIMENSIONS, Assessment
from .households import Household, HouseholdAccess
from .ledger import EntryKind, Grant, GrantStatus, PointsAllocation, PointsEntry
from .policies import CityPolicy, DistrictPolicy, NeedBand
from .vouchers import (
    HouseholdCard,
    HouseholdLimit,
    LimitPeriod,
    Redemption,
    SigningKey,
    Voucher,
    VoucherAllocation,
    VoucherLine,
    VoucherStatus,
)

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
    "HouseholdCard",
    "HouseholdLimit",
    "LimitPeriod",
    "NeedBand",
    "PointsAllocation",
    "PointsEntry",
    "Redemption",
    "SigningKey",
    "Voucher",
    "VoucherAllocation",
    "VoucherLine",
    "VoucherStatus",
]
