from django.urls import path

from . import views, workflows

urlpatterns = [
    path("items/", views.ItemListView.as_view(), name="item-list"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item-detail"),
    path("items/<int:pk>/approve/", views.ItemApproveView.as_view(), name="item-approve"),
    path("prices/", views.DistrictPriceListView.as_view(), name="price-list"),
    path("minimum-levels/", views.MinimumLevelListView.as_view(), name="minimum-level-list"),
    path("stock/", views.StockView.as_view(), name="stock"),
    path("lots/", views.LotListView.as_view(), name="lot-list"),
    path("lots/<int:pk>/", views.LotDetailView.as_view(), name="lot-detail"),
    path("lots/<int:pk>/issue/", views.LotIssueView.as_view(), name="lot-issue"),
    path("lots/<int:pk>/write-off/", views.LotWriteOffView.as_view(), name="lot-write-off"),
    path("issues/", views.IssueView.as_view(), name="issue"),
    path("movements/", views.MovementListView.as_view(), name="movement-list"),
    path("movements/export/", workflows.MovementExportView.as_view(), name="movement-export"),
    path("alerts/", views.AlertListView.as_view(), name="alert-list"),
    path("to-sort/", workflows.LineToSortListView.as_view(), name="to-sort-list"),
    path("to-sort/<int:pk>/", workflows.SortLineView.as_view(), name="to-sort-line"),
    path("transfers/", workflows.TransferListView.as_view(), name="transfer-list"),
    path("transfers/<int:pk>/", workflows.TransferDetailView.as_view(), name="transfer-detail"),
    path(
        "transfers/<int:pk>/receive/",
        workflows.TransferReceiveView.as_view(),
        name="transfer-receive",
    ),
    path("counts/", workflows.StockTakeListView.as_view(), name="stock-take-list"),
    path("counts/<int:pk>/", workflows.StockTakeDetailView.as_view(), name="stock-take-detail"),
    path("counts/<int:pk>/lines/", workflows.CountLineView.as_view(), name="count-line"),
    path("counts/<int:pk>/close/", workflows.StockTakeCloseView.as_view(), name="stock-take-close"),
]
