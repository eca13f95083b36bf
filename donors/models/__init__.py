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
    "FoodCategory",
    "ImpactDaily",
    "ImpactMonthly",
    "ImpactRecomputation",
    "ImportStatus",
    "Methodology",
    "MethodologyFactor",
]
