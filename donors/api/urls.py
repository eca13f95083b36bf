from django.urls import path

from . import impact, receipts, views

urlpatterns = [
    path("food-categories/", views.FoodCategoryListView.as_view(), name="food-category-list"),
    path("donors/", views.DonorListView.as_view(), name="donor-list"),
    path("donors/register/", views.DonorRegistrationView.as_view(), name="donor-register"),
    path("donors/me/", views.MyDonorView.as_view(), name="donor-me"),
    path("donors/<int:pk>/", views.DonorDetailView.as_view(), name="donor-detail"),
    path("dropoffs/", views.DropOffListView.as_view(), name="dropoff-list"),
    path("dropoffs/<int:pk>/", views.DropOffDetailView.as_view(), name="dropoff-detail"),
    path("dropoffs/<int:pk>/receive/", views.DropOffReceiveView.as_view(), name="dropoff-receive"),
    path(
        "dropoffs/<int:pk>/receipt/email/",
        receipts.DropOffReceiptEmailView.as_view(),
        name="dropoff-receipt-email",
    ),
    path(
        "donors/<int:pk>/statement/<int:year>/email/",
        receipts.StatementEmailView.as_view(),
        name="statement-email",
    ),
    path("distributions/", views.DistributionListView.as_view(), name="distribution-list"),
    path("methodologies/", views.MethodologyListView.as_view(), name="methodology-list"),
    path("impact/summary/", impact.ImpactSummaryView.as_view(), name="impact-summary"),
    path("impact/breakdown/", impact.ImpactBreakdownView.as_view(), name="impact-breakdown"),
]
