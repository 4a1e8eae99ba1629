from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path
from django.utils.translation import gettext_lazy as _

from smartiberica.board import (
    bank_views,
    calendar_views,
    closing_views,
    forecast_views,
    language_views,
    pack_views,
    receivables_views,
    scenario_views,
    simulator_views,
    views,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("years/", views.years, name="years"),
    path("margins/simulator/", simulator_views.margin_simulator, name="margin-simulator"),
    path("years/<int:year>/", views.year, name="year"),
    path("years/<int:year>/approve/", closing_views.approve, name="year-approve"),
    path("years/<int:year>/reopen/", closing_views.reopen, name="year-reopen"),
    path("years/<int:year>/scenarios/", forecast_views.year_scenarios, name="year-scenarios"),
    path("years/<int:year>/pack/", pack_views.year_pack, name="year-pack"),
    path("years/<int:year>/pack.pdf", pack_views.year_pack_pdf, name="year-pack-pdf"),
    path("years/<int:year>/funder-links/new/", pack_views.funder_link_new, name="funder-link-new"),
    path("funder-links/<int:pk>/revoke/", pack_views.funder_link_revoke, name="funder-link-revoke"),
    path("scenarios/", scenario_views.scenario_list, name="scenarios"),
    path("scenarios/new/", scenario_views.scenario_new, name="scenario-new"),
    path("scenarios/<slug:slug>/edit/", scenario_views.scenario_edit, name="scenario-edit"),
    path("scenarios/<slug:slug>/delete/", scenario_views.scenario_remove, name="scenario-delete"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/feed/new/", calendar_views.calendar_feed_new, name="calendar-feed-new"),
    path("calendar/feed/revoke/", calendar_views.calendar_feed_revoke, name="calendar-feed-revoke"),
    # A user's calendar feed, for calendar apps: public (the token is the key).
    path("calendar/feed/<str:token>.ics", calendar_views.calendar_feed, name="calendar-feed"),
    path("receivables/", receivables_views.receivables, name="receivables"),
    path("bank/", bank_views.bank, name="bank"),
    path("bank/reconcile-confident/", bank_views.reconcile_all_confident, name="bank-reconcile-confident"),
    path("bank/lines/<int:pk>/", bank_views.line_page, name="bank-line"),
    path("bank/lines/<int:pk>/reconcile/", bank_views.line_reconcile, name="bank-line-reconcile"),
    path("bank/lines/<int:pk>/create/", bank_views.line_create, name="bank-line-create"),
    path("bank/lines/<int:pk>/unreconcile/", bank_views.line_unreconcile, name="bank-line-unreconcile"),
    # A funder's read-only link to one closed year's pack: public (the token is the key).
    path("shared/<str:token>/", pack_views.shared_pack, name="shared-pack"),
    path("shared/<str:token>/pack.pdf", pack_views.shared_pack_pdf, name="shared-pack-pdf"),
    path("years/<int:year>/export.xlsx", views.export_xlsx, name="year-xlsx"),
    path("years/<int:year>/export.csv", views.export_csv, name="year-csv"),
    path("api/years/<int:year>/", views.api_year, name="api-year"),
    path("api/years/<int:year>/forecast/", forecast_views.api_forecast, name="api-forecast"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", views.favicon),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset by e-mail: Django's views, public by themselves (login_not_required).
    path("accounts/password_reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    # The login page has a language switcher too, so it must work signed out.
    # It also remembers a signed-in user's language, for the alert e-mails.
    path("i18n/setlang/", language_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

# 403 and 404: Django's handlers render templates/403.html and 404.html; the 500 page is rendered
# without the request's context (see smartiberica.errors).
handler500 = "smartiberica.errors.server_error"

admin.site.site_header = _("SmartIberica Funding")
admin.site.site_title = _("SmartIberica Funding")
admin.site.index_title = _("Records")
