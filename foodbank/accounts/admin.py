from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import assign_role, disable_password, set_temporary_password


class TemporaryPasswordForm(AdminPasswordChangeForm):
    """A password an admin sets for someone is temporary: changed at their next sign-in,
    their tokens revoked and a lockout lifted, as when staff reset a recipient's. Turning
    password sign-in off stops their tokens too."""

    def save(self, commit: bool = True) -> User:
        if self.cleaned_data.get("set_usable_password", True):
            set_temporary_password(user=self.user, password=self.cleaned_data["password1"])
        else:
            disable_password(user=self.user)
        self.user.refresh_from_db()
        return self.user


@admin.register(User)
class FoodbankUserAdmin(UserAdmin):
    """Users and their one role; admin access follows the role, so the flags are not shown."""

    list_display = ["username", "first_name", "last_name", "role", "district", "is_active"]
    list_filter = ["role", "district__group", "is_active", "must_change_password"]
    list_select_related = ["district"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["district"]
    fieldsets = (
        (None, {"fields": ("username", "password", "must_change_password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role"), {"fields": ("role", "district", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Role"), {"fields": ("role", "district")}),
    )

    change_password_form = TemporaryPasswordForm

    def user_change_password(self, request, id, form_url=""):
        """One's own password is changed on the site's page, knowing the current one."""
        if str(request.user.pk) == str(id):
            return redirect("password-change")
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        if not change and obj.has_usable_password():
            obj.must_change_password = True  # the admin chose it
        assign_role(user=obj, role=obj.role, district=obj.district)
