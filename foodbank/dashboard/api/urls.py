from django.urls import path

from . import views

urlpatterns = [
    path("impact/dashboard/", views.DashboardView.as_view(), name="impact-dashboard"),
    path("impact/stock-cover/", views.StockCoverView.as_view(), name="impact-stock-cover"),
    path(
        "distributions/<int:pk>/households/",
        views.HouseholdsReachedView.as_view(),
        name="distribution-households",
    ),
    path("open-data/impact/", views.OpenDataView.as_view(), name="open-data-impact"),
]
