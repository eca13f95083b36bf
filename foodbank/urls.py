from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from foodbank.accounts.pages import change_password
from foodbank.health import healthz, healthz_web
from foodbank.web.views import home

# The counter's redemptions come first: a request is matched against patterns in order.
api_v1 = [
    path("", include("points.api.urls")),
    path("", include("foodbank.accounts.api.urls")),
    path("", include("foodbank.districts.api.urls")),
    path("", include("donors.api.urls")),
    path("inventory/", include(("inventory.api.urls", "inventory-api"))),
    path("", include("foodbank.dashboard.api.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", change_password, name="password-change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("donors.urls")),
    path("", include("inventory.urls")),
    path("", include("points.urls")),
    path("", include("foodbank.dashboard.urls")),
    path("", include("foodbank.audit.urls")),
    # The admin's own password form would skip the lockout, the token revocation and the trail.
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="password-change"),
        name="admin-password-change",
    ),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The page and its start-up script come separately: no inline script for the CSP to allow.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("healthz", healthz, name="healthz"),
    path("healthz/web", healthz_web, name="healthz-web"),
]
