"""The audit trail in the Django admin (read-only), and the mixin that puts admin edits of
audited records (policies, need bands, methodologies, limits) on it."""

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from foodbank.admin_base import ReadOnlyAdmin

from .models import Action, AuditEvent
from .services import record


def _district_id(obj: models.Model) -> int | None:
    return getattr(obj, "district_id", None)


class AuditedAdmin(admin.ModelAdmin):
    """Adds, changes and deletions made here are recorded with the admin and their address;
    the summary names the fields changed (Django's own change message), never their values."""

    def log_addition(self, request: HttpRequest, obj, message):
        logged = super().log_addition(request, obj, message)
        record(Action.ADMIN_ADDED, target=obj, by=request.user, district_id=_district_id(obj))  # type: ignore[arg-type]
        return logged

    def log_change(self, request: HttpRequest, obj, message):
        logged = super().log_change(request, obj, message)
        record(
            Action.ADMIN_CHANGED,
            target=obj,
            by=request.user,  # type: ignore[arg-type]
            district_id=_district_id(obj),
            changes=message,
        )
        return logged

    def log_deletions(self, request: HttpRequest, queryset):
        for obj in queryset:
            record(Action.ADMIN_DELETED, target=obj, by=request.user, district_id=_district_id(obj))  # type: ignore[arg-type]
        return super().log_deletions(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "target_type", "target_id", "district", "address"]
    list_filter = ["action", "target_type", "district__group"]
    list_select_related = ["actor", "district"]
    search_fields = ["actor__username", "address", "=target_id"]
    date_hierarchy = "at"
    fields = [
        "at",
        "actor",
        "address",
        "user_agent",
        "action",
        "target_type",
        "target_id",
        "district",
        "summary",
    ]
