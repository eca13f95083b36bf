from django.urls import path

from . import views

urlpatterns = [
    path("districts/", views.DistrictListView.as_view(), name="district-list"),
    path("districts/<str:code>/", views.DistrictDetailView.as_view(), name="district-detail"),
    path("district-groups/", views.DistrictGroupListView.as_view(), name="district-group-list"),
]
