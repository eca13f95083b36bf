"""Districts and groups are public reference data: anyone may read them."""

import django_filters
from rest_framework import generics
from rest_framework.permissions import AllowAny

from foodbank.districts import selectors
from foodbank.districts.models import District

from .serializers import DistrictGroupOutput, DistrictOutput


class DistrictFilter(django_filters.FilterSet):
    group = django_filters.CharFilter(field_name="group__code")

    class Meta:
        model = District
        fields = ["group"]


class DistrictListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = DistrictOutput
    filterset_class = DistrictFilter
    queryset = selectors.district_list()


class DistrictDetailView(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = DistrictOutput
    queryset = selectors.district_list()
    lookup_field = "code"


class DistrictGroupListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = DistrictGroupOutput
    queryset = selectors.group_list()
    pagination_class = None
