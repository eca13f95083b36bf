from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class FoodbankUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "district", "is_active"]
    list_filter = ["role", "district__group", "is_active"]
    list_select_related = ["district"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["district"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Role"), {"fields": ("role", "district")}),
    )
    add_fieldsets = (
        *(UserAdmin.add_fieldsets or ()),
        (_("Role"), {"fields": ("role", "district")}),
    )
