"""Reads of districts and groups."""

from django.db.models import Count, QuerySet

from .models import District, DistrictGroup


def district_list() -> QuerySet[District]:
    return District.objects.select_related("group")


def group_list() -> QuerySet[DistrictGroup]:
    return DistrictGroup.objects.annotate(district_count=Count("districts"))
