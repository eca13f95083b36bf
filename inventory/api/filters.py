import django_filters

from ..models import Lot, Movement, MovementKind


class LotFilter(django_filters.FilterSet):
    expiring_by = django_filters.DateFilter(field_name="expiry_date", lookup_expr="lte")
    in_stock = django_filters.BooleanFilter(field_name="on_hand", method="filter_in_stock")

    class Meta:
        model = Lot
        fields = ["item", "source", "district__code"]

    def filter_in_stock(self, queryset, name, value):
        return queryset.filter(on_hand__gt=0) if value else queryset.filter(on_hand=0)


class MovementFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=MovementKind.choices)
    item = django_filters.NumberFilter(field_name="lot__item")
    district = django_filters.CharFilter(field_name="lot__district__code")
    lot = django_filters.NumberFilter(field_name="lot")
    transfer = django_filters.NumberFilter(field_name="transfer")
    stock_take = django_filters.NumberFilter(field_name="stock_take")
    since = django_filters.DateFilter(field_name="created_at__date", lookup_expr="gte")
    until = django_filters.DateFilter(field_name="created_at__date", lookup_expr="lte")

    class Meta:
        model = Movement
        fields = ["kind", "lot", "item", "transfer", "stock_take", "district", "since", "until"]
