from django.urls import include, path

from evac.accounts import views as account_views
from evac.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("evac.accounts.urls")),
    path("accounts/tokens/", include("evac.api.profile_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("o/<slug:org>/", core_views.dashboard, name="dashboard"),
    path("o/<slug:org>/members/", account_views.members, name="members"),
    path("o/<slug:org>/cases/", include("evac.cases.urls")),
    path("o/<slug:org>/cases/", include("evac.notify.urls")),
    path("o/<slug:org>/audit/", include("evac.audit.urls")),
    path("o/<slug:org>/situation/", include("evac.situation.urls")),
    path("o/<slug:org>/priority/", include("evac.ranking.urls")),
    path("o/<slug:org>/programs/", include("evac.programs.urls")),
    path("o/<slug:org>/imports/", include("evac.imports.urls")),
    path("o/<slug:org>/rosters/", include("evac.rosters.urls")),
    path("o/<slug:org>/exports/", include("evac.exports.urls")),
    path("o/<slug:org>/flights/", include("evac.flights.urls")),
    path("o/<slug:org>/gate/", include("evac.flights.gate_urls")),
    path("apply/", include("evac.intake.urls")),
    path("api/v1/", include("evac.api.urls")),
]
