"""Admins see households (national IDs masked; each full record read is logged), keep the
city's points policy, and read the ledger, which is never edited here."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from foodbank.accounts.permissions import signed_in_user
from foodbank.admin_base import ReadOnlyAdmin
from foodbank.audit.admin import AuditedAdmin

from .models import (
    Assessment,
    CityPolicy,
    DistrictPolicy,
    Grant,
    Household,
    HouseholdAccess,
    HouseholdLimit,
    NeedBand,
    PointsEntry,
    SigningKey,
    Voucher,
)
from .services.households import record_access


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    """Households are registered and changed by district staff through the product."""

    list_display = [
        "pk",
        "head_name",
        "national_id_masked",
        "district",
        "members",
        "balance",
        "left_on",
    ]
    list_filter = ["district__group", "leaving_reason"]
    list_select_related = ["district"]
    search_fields = ["head_name"]
    fields = [
        "district",
        "head_name",
        "national_id_masked",
        "phone",
        "address",
        ("members", "elderly", "children", "disabled", "bedridden"),
        "vulnerability_notes",
        "account",
        "balance",
        "registered_by",
        "created_at",
        ("left_on", "leaving_reason", "erased_at"),
    ]
    readonly_fields = ["national_id_masked", "balance", "created_at"]

    def change_view(self, request: HttpRequest, object_id: str, *args, **kwargs) -> HttpResponse:
        household = self.get_object(request, object_id)
        if household is not None:
            record_access(
                household=household,
                user=signed_in_user(request),
                via="admin",
                address=request.META.get("REMOTE_ADDR"),
            )
        return super().change_view(request, object_id, *args, **kwargs)


@admin.register(HouseholdAccess)
class HouseholdAccessAdmin(ReadOnlyAdmin):
    list_display = ["accessed_at", "user", "household", "via", "address"]
    list_filter = ["via"]
    date_hierarchy = "accessed_at"


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["household", "assessed_on", "need_score", "assessed_by"]
    date_hierarchy = "assessed_on"


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "household",
        "points",
        "recommended_points",
        "status",
        "requested_by",
        "decided_by",
    ]
    list_filter = ["status"]


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "household", "kind", "points", "reason", "created_by"]
    list_filter = ["kind"]
    date_hierarchy = "created_at"


@admin.register(CityPolicy)
class CityPolicyAdmin(AuditedAdmin):
    """The city default; there is one, so it is changed, never added or deleted."""

    list_display = [
        "__str__",
        "points_per_member",
        "points_per_dependant",
        "max_award",
        "validity_days",
        "approval_threshold",
    ]
    readonly_fields = ["updated_by", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: CityPolicy, form, change: bool) -> None:
        obj.updated_by = signed_in_user(request)
        super().save_model(request, obj, form, change)


@admin.register(NeedBand)
class NeedBandAdmin(AuditedAdmin):
    list_display = ["min_score", "points"]


@admin.register(DistrictPolicy)
class DistrictPolicyAdmin(ReadOnlyAdmin):
    list_display = ["district", "percent", "validity_days", "approval_threshold", "updated_by"]


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    """Keys are added with ``manage.py rotate_voucher_key``; the private half never shows."""

    list_display = ["kid", "public_key", "created_at", "retired_at"]
    fields = ["kid", "public_key", "created_at", "retired_at"]


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyAdmin):
    list_display = ["pk", "household", "district", "status", "points", "expires_on", "created_at"]
    list_filter = ["status", "district__group"]
    list_select_related = ["household", "district"]


@admin.register(HouseholdLimit)
class HouseholdLimitAdmin(AuditedAdmin):
    list_display = ["district", "item", "category", "quantity", "period"]
    list_filter = ["period", "district__group"]
    raw_id_fields = ["item"]
