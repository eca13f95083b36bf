from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("store/", views.store, name="store"),
    path("store/items/<int:item_id>/", views.item_lots, name="item-lots"),
    path("store/receive/", views.receive, name="receive"),
    path("store/lots/<int:pk>/write-off/", views.write_off, name="write-off"),
    path("store/to-sort/", views.to_sort, name="to-sort"),
    path("store/to-sort/<int:pk>/", views.sort_line, name="sort-line"),
    path("store/transfers/", views.transfer_list, name="transfers"),
    path("store/transfers/new/", views.transfer_new, name="transfer-new"),
    path("store/transfers/<int:pk>/", views.transfer_receive, name="transfer-receive"),
    path("store/counts/", views.count_list, name="counts"),
    path("store/counts/start/", views.count_start, name="count-start"),
    path("store/counts/<int:pk>/", views.count_page, name="count"),
    path("store/counts/<int:pk>/close/", views.count_close, name="count-close"),
    path("store/movements.csv", views.movements_csv, name="movements-csv"),
]
