from django.urls import path

from . import distribution_pages, methodology_pages, views

app_name = "donors"

urlpatterns = [
    path("dropoffs/", views.dropoff_list, name="dropoff-list"),
    path("dropoffs/new/", views.dropoff_new, name="dropoff-new"),
    path("dropoffs/announce/", views.dropoff_announce, name="dropoff-announce"),
    path("dropoffs/<int:pk>/", views.dropoff_detail, name="dropoff-detail"),
    path("dropoffs/<int:pk>/receive/", views.dropoff_receive, name="dropoff-receive"),
    path("dropoffs/<int:pk>/receipt/", views.dropoff_receipt, name="dropoff-receipt"),
    path(
        "dropoffs/<int:pk>/receipt/email/",
        views.dropoff_receipt_email,
        name="dropoff-receipt-email",
    ),
    path("donors/signup/", views.donor_signup, name="signup"),
    path("donors/new/", views.donor_new, name="donor-new"),
    path("donors/<int:pk>/statement/<int:year>/", views.donor_statement, name="statement"),
    path(
        "donors/<int:pk>/statement/<int:year>/email/",
        views.donor_statement_email,
        name="statement-email",
    ),
    path("distributions/", distribution_pages.distribution_list, name="distribution-list"),
    path("distributions/new/", distribution_pages.distribution_new, name="distribution-new"),
    path("methodologies/", methodology_pages.methodology_list, name="methodology-list"),
    path("methodologies/new/", methodology_pages.methodology_new, name="methodology-new"),
    path(
        "methodologies/<int:pk>/", methodology_pages.methodology_detail, name="methodology-detail"
    ),
    path("imports/", views.import_new, name="import-new"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
]
