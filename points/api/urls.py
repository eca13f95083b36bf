from django.urls import path

from . import departure_views, personal_data_views, views, voucher_views

# The counter's hand-over first: the busiest route, matched in order.
urlpatterns = [
    path("vouchers/redeem/", voucher_views.RedeemView.as_view(), name="voucher-redeem"),
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
    path(
        "households/<int:pk>/recipient-login/password/",
        views.RecipientPasswordView.as_view(),
        name="household-recipient-password",
    ),
    path("households/<int:pk>/leave/", departure_views.LeaveView.as_view(), name="household-leave"),
    path(
        "households/<int:pk>/return/",
        departure_views.ReturnView.as_view(),
        name="household-return",
    ),
    path("households/<int:pk>/erase/", departure_views.EraseView.as_view(), name="household-erase"),
    path(
        "households/<int:pk>/personal-data/",
        personal_data_views.HouseholdDataView.as_view(),
        name="household-personal-data",
    ),
    path(
        "points/me/personal-data/",
        personal_data_views.MyDataView.as_view(),
        name="my-personal-data",
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
    path("households/<int:pk>/card/", voucher_views.CardView.as_view(), name="household-card"),
    path("vouchers/", voucher_views.VoucherListView.as_view(), name="voucher-list"),
    path("vouchers/shelf/", voucher_views.ShelfView.as_view(), name="voucher-shelf"),
    path("vouchers/keys/", voucher_views.KeysView.as_view(), name="voucher-keys"),
    path("vouchers/limits/", voucher_views.LimitListView.as_view(), name="voucher-limits"),
    path("vouchers/lookup/", voucher_views.LookupView.as_view(), name="voucher-lookup"),
    path("vouchers/checkout/", voucher_views.CheckoutView.as_view(), name="voucher-checkout"),
    path("vouchers/<int:pk>/", voucher_views.VoucherDetailView.as_view(), name="voucher-detail"),
    path(
        "vouchers/<int:pk>/cancel/",
        voucher_views.VoucherCancelView.as_view(),
        name="voucher-cancel",
    ),
    path(
        "vouchers/<int:pk>/qr.<str:kind>",
        voucher_views.VoucherQrView.as_view(),
        name="voucher-qr",
    ),
]
