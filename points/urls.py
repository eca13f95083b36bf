from django.urls import path

from . import views

app_name = "points"

urlpatterns = [
    path("households/", views.household_list, name="households"),
    path("households/new/", views.household_new, name="household-new"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/assess/", views.assess, name="assess"),
    path("households/<int:pk>/grant/", views.grant, name="grant"),
    path("households/<int:pk>/login/", views.recipient_login, name="recipient-login"),
    path("households/<int:pk>/entries/<int:entry_pk>/correct/", views.correct, name="correct"),
    path("points/approvals/", views.approvals, name="approvals"),
    path("points/approvals/<int:pk>/", views.decide, name="decide"),
    path("points/policy/", views.policy, name="policy"),
    path("me/", views.my_points, name="me"),
]
