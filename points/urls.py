from django.urls import path

from . import departure_pages, personal_data_pages, views, voucher_pages

app_name = "points"

urlpatterns = [
    path("households/", views.household_list, name="households"),
    path("households/new/", views.household_new, name="household-new"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/assess/", views.assess, name="assess"),
    path("households/<int:pk>/grant/", views.grant, name="grant"),
    path("households/<int:pk>/login/", views.recipient_login, name="recipient-login"),
    path(
        "households/<int:pk>/login/password/",
        views.recipient_password,
        name="recipient-password",
    ),
    path("households/<int:pk>/leave/", departure_pages.leave, name="leave"),
    path("households/<int:pk>/return/", departure_pages.come_back, name="return"),
    path("households/<int:pk>/erase/", departure_pages.erase, name="erase"),
    path(
        "households/<int:pk>/personal-data/",
        personal_data_pages.household_data,
        name="personal-data",
    ),
    path("me/personal-data/", personal_data_pages.my_data, name="my-personal-data"),
    path("households/<int:pk>/entries/<int:entry_pk>/correct/", views.correct, name="correct"),
    path("points/approvals/", views.approvals, name="approvals"),
    path("points/approvals/<int:pk>/", views.decide, name="decide"),
    path("points/policy/", views.policy, name="policy"),
    path("me/", views.my_points, name="me"),
    path("me/choose/", voucher_pages.choose_mine, name="choose"),
    path("households/<int:pk>/choose/", voucher_pages.choose_for, name="choose-for"),
    path("households/<int:pk>/card/", voucher_pages.household_card, name="card"),
    path("vouchers/<int:pk>/", voucher_pages.voucher_page, name="voucher"),
    path("vouchers/<int:pk>/cancel/", voucher_pages.voucher_cancel, name="voucher-cancel"),
    path("counter/", voucher_pages.counter, name="counter"),
    path("counter/redeem/", voucher_pages.counter_redeem, name="counter-redeem"),
    path("counter/checkout/", voucher_pages.counter_checkout, name="counter-checkout"),
]
