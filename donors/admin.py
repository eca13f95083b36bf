from django.contrib import admin
from django.http import HttpRequest

from foodbank.audit.admin import AuditedAdmin

from .models import (
    Distribution,
    DistributionLine,
    Donor,
    DropOff,
    DropOffLine,
    FoodCategory,
    ImpactRecomputation,
    Methodology,
    MethodologyFactor,
    ReceiptEmail,
)
from .services.methodologies import is_in_use


@admin.register(FoodCategory)
class FoodCategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_th", "name_en", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "donor_type", "phone", "publicity_consent", "created_at"]
    list_filter = ["kind", "donor_type", "language", "email_receipts", "publicity_consent"]
    search_fields = ["name", "contact_name", "email", "phone"]
    raw_id_fields = ["account", "registered_by"]


class DropOffLineInline(admin.TabularInline):
    model = DropOffLine
    extra = 0
    can_delete = False
    readonly_fields = ["methodology", "meals", "kgco2e", "computed_at"]


@admin.register(DropOff)
class DropOffAdmin(admin.ModelAdmin):
    """Read-mostly: drop-offs are logged by district staff; computed figures are never typed."""

    list_display = ["pk", "donor", "district", "status", "received_at"]
    list_filter = ["status", "district__group"]
    list_select_related = ["donor", "district"]
    search_fields = ["donor__name"]
    date_hierarchy = "received_on"
    readonly_fields = ["status", "received_on", "processed_at", "created_by"]
    raw_id_fields = ["donor", "received_by"]
    inlines = [DropOffLineInline]


class DistributionLineInline(admin.TabularInline):
    model = DistributionLine
    extra = 0


@admin.register(Distribution)
class DistributionAdmin(admin.ModelAdmin):
    list_display = ["distributed_on", "district", "recipient_group", "people_reached"]
    list_filter = ["district__group"]
    inlines = [DistributionLineInline]


class MethodologyFactorInline(admin.TabularInline):
    model = MethodologyFactor
    extra = 0


@admin.register(Methodology)
class MethodologyAdmin(AuditedAdmin):
    """A methodology that computed any figure is shown read-only: change it by a new version."""

    list_display = ["name", "version", "effective_from", "meals_per_kg", "kgco2e_per_kg"]
    inlines = [MethodologyFactorInline]

    def has_change_permission(self, request: HttpRequest, obj: Methodology | None = None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and is_in_use(obj))

    def has_delete_permission(self, request: HttpRequest, obj: Methodology | None = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and is_in_use(obj))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ImpactRecomputation)
class ImpactRecomputationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "methodology", "district", "lines_recomputed", "requested_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ReceiptEmail)
class ReceiptEmailAdmin(admin.ModelAdmin):
    """The record of receipts and statements e-mailed to donors; written only by sending."""

    list_display = ["created_at", "kind", "donor", "to_address", "status", "sent_at", "automatic"]
    list_filter = ["kind", "status", "automatic"]
    list_select_related = ["donor"]
    search_fields = ["donor__name", "to_address"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
