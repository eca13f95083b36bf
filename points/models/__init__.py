from .assessments import DIMENSIONS, Assessment
from .households import PERSONAL_FIELDS, Household, HouseholdAccess, LeavingReason
from .ledger import ERASED_REASON, EntryKind, Grant, GrantStatus, PointsAllocation, PointsEntry
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
    "ERASED_REASON",
    "PERSONAL_FIELDS",
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
    "LeavingReason",
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
