from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("impact/", views.dashboard, name="impact"),
    path("impact/report/", views.report, name="report"),
    path("impact/report.csv", views.report_csv, name="report-csv"),
    path("impact/report.xlsx", views.report_xlsx, name="report-xlsx"),
    path("impact/stock-cover/", views.stock_cover, name="stock-cover"),
    path("impact/exports/", views.export_new, name="export-new"),
    path("impact/exports/<int:pk>/", views.export_page, name="export"),
    path("impact/exports/<int:pk>/status/", views.export_status, name="export-status"),
    path("impact/exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("impact/households/", views.households_helped, name="households-helped"),
    path("impact/points/", views.points_records, name="points-records"),
    path(
        "distributions/<int:pk>/households/",
        views.households_reached,
        name="households-reached",
    ),
    path("open-data/", views.open_data_page, name="open-data"),
    path("open-data/impact.csv", views.open_data_csv, name="open-data-csv"),
]
