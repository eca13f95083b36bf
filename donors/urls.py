from django.urls import path

from . import views

app_name = "donors"

urlpatterns = [
    path("dropoffs/", views.dropoff_list, name="dropoff-list"),
    path("dropoffs/new/", views.dropoff_new, name="dropoff-new"),
    path("dropoffs/announce/", views.dropoff_announce, name="dropoff-announce"),
    path("dropoffs/<int:pk>/", views.dropoff_detail, name="dropoff-detail"),
    path("dropoffs/<int:pk>/receive/", views.dropoff_receive, name="dropoff-receive"),
    path("dropoffs/<int:pk>/receipt/", views.dropoff_receipt, name="dropoff-receipt"),
    path("donors/signup/", views.donor_signup, name="signup"),
    path("donors/new/", views.donor_new, name="donor-new"),
    path("donors/<int:pk>/statement/<int:year>/", views.donor_statement, name="statement"),
    path("imports/", views.import_new, name="import-new"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
]
