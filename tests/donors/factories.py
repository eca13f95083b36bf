"""Donor-side test data, made through the services the product uses."""

from datetime import datetime, timedelta
from decimal import Decimal

import factory
from django.test import TestCase
from django.utils import timezone

from donors.models import Destination, Donor, DonorKind, DonorType, FoodCategory
from donors.services.donors import register_donor
from donors.services.dropoffs import LineInput, log_dropoff


class DonorFactory(factory.Factory):
    class Meta:
        model = Donor

    name = factory.Sequence(lambda n: f"Donor {n}")
    kind = DonorKind.ORGANISATION
    donor_type = DonorType.RESTAURANT

    @classmethod
    def _create(cls, model_class, **kwargs):
        return register_donor(**kwargs)


def category(slug: str) -> FoodCategory:
    return FoodCategory.objects.get(slug=slug)


def line(slug: str, kg: str, destination: str = Destination.FORWARD) -> LineInput:
    return LineInput(category=category(slug), weight_kg=Decimal(kg), destination=destination)


def received(*, donor, by, lines, district=None, at: datetime | None = None):
    """A drop-off logged by ``by`` in their district; its impact task runs on "commit"."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return log_dropoff(
            donor=donor,
            district=district or by.district,
            received_at=at or timezone.now() - timedelta(minutes=1),
            lines=lines,
            by=by,
        )
