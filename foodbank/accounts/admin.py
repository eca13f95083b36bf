from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import assign_role


@admin.register(User)
class FoodbankUserAdmin(UserAdmin):
    """Users and their one role; admin access follows the role, so the flags are not shown."""

    list_display = ["username", "first_name", "last_name", "role", "district", "is_active"]
    list_filter = ["role", "district__group", "is_active"]
    list_select_related = ["district"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["district"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role"), {"fields": ("role", "district", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Role"), {"fields": ("role", "district")}),
    )

    def save_model(self, request, obj, form, change):
        assign_role(user=obj, role=obj.role, district=obj.district)
