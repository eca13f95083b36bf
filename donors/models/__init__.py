"""Surplus rescue tables, split by concept: drop-offs, distributions and impact accounting."""

from .distributions import Distribution, DistributionLine
from .dropoffs import (
    Destination,
    Donor,
    DonorKind,
    DonorType,
    DropOff,
    DropOffLine,
    DropOffStatus,
    FoodCategory,
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
    "DropOffLine",
    "DropOffStatus",
    "FoodCategory",
    "ImpactDaily",
    "ImpactRecomputation",
    "Methodology",
    "MethodologyFactor",
]
