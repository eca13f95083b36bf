"""The web page where a signed-in person changes their own password."""

from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from foodbank.accounts.permissions import signed_in_user
from foodbank.web.submit import submitted

from . import services
from .forms import PasswordChangeForm


def _next_page(request: HttpRequest) -> str:
    wanted = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else "/"


@sensitive_post_parameters()
@never_cache
@login_required
def change_password(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = PasswordChangeForm(request.POST or None)

    def change() -> None:
        # Through the sign-in backends, so that guesses count towards the lockout (a 429 page).
        old = form.cleaned_data["old_password"]
        if authenticate(request, username=user.username, password=old) is None:
            raise ValidationError({"old_password": [_("The current password is not correct.")]})
        new = form.cleaned_data["new_password"]
        changed = services.change_own_password(user=user, old_password=old, new_password=new)
        update_session_auth_hash(request, changed)  # this session goes on; the others end

    if submitted(request, form, change):
        messages.success(request, _("Your password is changed."))
        return redirect(_next_page(request))
    context = {
        "form": form,
        "title": _("Change your password"),
        "intro": _("Someone else chose your password: choose your own to go on.")
        if user.must_change_password
        else "",
    }
    return render(request, "web/form_page.html", context)
