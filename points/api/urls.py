from django.urls import path

from . import views

urlpatterns = [
    path("households/", views.HouseholdListView.as_view(), name="household-list"),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household-detail"),
    path(
        "households/<int:pk>/statement/", views.StatementView.as_view(), name="household-statement"
    ),
    path(
        "households/<int:pk>/recommendation/",
        views.RecommendationView.as_view(),
        name="household-recommendation",
    ),
    path(
        "households/<int:pk>/recipient-login/",
        views.RecipientLoginView.as_view(),
        name="household-recipient-login",
    ),
    path("assessments/", views.AssessmentListView.as_view(), name="assessment-list"),
    path("points/grants/", views.GrantListView.as_view(), name="grant-list"),
    path(
        "points/grants/<int:pk>/approve/", views.GrantDecisionView.as_view(), name="grant-approve"
    ),
    path("points/grants/<int:pk>/reject/", views.GrantRejectView.as_view(), name="grant-reject"),
    path("points/entries/", views.EntryListView.as_view(), name="entry-list"),
    path("points/corrections/", views.CorrectionView.as_view(), name="correction"),
    path("points/policy/", views.PolicyView.as_view(), name="policy"),
    path("points/me/", views.MyPointsView.as_view(), name="my-points"),
]
