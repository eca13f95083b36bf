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
    DropOffDaily,
    ImpactDaily,
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
    "DonorKind",
    "DonorType",
    "DropOff",
    "DropOffDaily",
    "DropOffImport",
    "DropOffLine",
    "DropOffStatus",
    "FoodCategory",
    "ImpactDaily",
    "ImpactRecomputation",
    "ImportStatus",
    "Methodology",
    "MethodologyFactor",
]
