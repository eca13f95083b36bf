"""Surplus rescue tables, split by concept: drop-offs, distributions and impact accounting."""

from .distributions import Distribution, DistributionLine
from .dropoffs import (
    Destination,
    Donor,
    DonorKind,
    DonorType,
    DropOff,
    DropOffImport,
    DropOffLine,
    DropOffStatus,
    FoodCategory,
    ImportStatus,
    Language,
)
from .impact import (
    DonorActivityDaily,
    DonorActivityMonthly,
    DropOffDaily,
    DropOffMonthly,
    ImpactDaily,
    ImpactMonthly,
    ImpactRecomputation,
    Methodology,
    MethodologyFactor,
)
from .receipts import EmailStatus, ReceiptEmail, ReceiptKind

__all__ = [
    "Destination",
    "Distribution",
    "DistributionLine",
    "Donor",
    "DonorActivityDaily",
    "DonorActivityMonthly",
    "DonorKind",
    "DonorType",
    "DropOff",
    "DropOffDaily",
    "DropOffImport",
    "DropOffLine",
    "DropOffMonthly",
    "DropOffStatus",
    "EmailStatus",
    "FoodCategory",
    "ImpactDaily",
    "ImpactMonthly",
    "ImpactRecomputation",
    "ImportStatus",
    "Language",
    "Methodology",
    "MethodologyFactor",
    "ReceiptEmail",
    "ReceiptKind",
]
