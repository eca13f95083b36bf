"""Admins keep the catalogue here; the stock ledger is shown, never edited."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from foodbank.accounts.permissions import signed_in_user
from foodbank.admin_base import ReadOnlyAdmin

from .models import DistrictPrice, Item, Lot, MinimumLevel, Movement, StockAlert, Transfer
from .services.catalogue import approve_item


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = [
        "name_th",
        "name_en",
        "kind",
        "category",
        "unit",
        "points_price",
        "barcode",
        "is_approved",
        "is_active",
    ]
    list_filter = ["is_approved", "is_active", "kind", "category"]
    search_fields = ["name_th", "name_en", "barcode"]
    readonly_fields = ["proposed_by"]
    actions = ["approve"]

    @admin.action(description=_("Approve the selected items"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Item]) -> None:
        for item in queryset.filter(is_approved=False):
            approve_item(item=item, by=signed_in_user(request))
        messages.success(request, _("Approved."))


@admin.register(DistrictPrice)
class DistrictPriceAdmin(admin.ModelAdmin):
    list_display = ["district", "item", "points_price", "updated_at"]
    list_filter = ["district__group"]
    raw_id_fields = ["item"]


@admin.register(MinimumLevel)
class MinimumLevelAdmin(admin.ModelAdmin):
    list_display = ["district", "item", "quantity", "updated_at"]
    list_filter = ["district__group"]
    raw_id_fields = ["item"]


@admin.register(Lot)
class LotAdmin(ReadOnlyAdmin):
    list_display = ["pk", "district", "item", "expiry_date", "source", "on_hand", "reserved"]
    list_filter = ["source", "district__group"]
    list_select_related = ["district", "item"]
    search_fields = ["item__name_th", "item__name_en"]


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "lot",
        "on_hand_change",
        "reserved_change",
        "reason",
        "created_by",
    ]
    list_filter = ["kind", "lot__district__group"]
    list_select_related = ["lot__item", "created_by"]
    date_hierarchy = "created_at"


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["pk", "from_district", "to_district", "status", "sent_at", "received_at"]
    list_filter = ["status"]


@admin.register(StockAlert)
class StockAlertAdmin(ReadOnlyAdmin):
    list_display = [
        "district",
        "kind",
        "item",
        "quantity",
        "expiry_date",
        "raised_at",
        "resolved_at",
    ]
    list_filter = ["kind", "resolved_at"]
