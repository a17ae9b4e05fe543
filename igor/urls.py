from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from igor import views
from igor.api.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("halsa/", views.health, name="health"),
    path("sprak/", login_not_required(set_language), name="set_language"),
    path("konto/", include("igor.accounts.urls")),
    path("personer/", include("igor.people.urls")),
    path("arenden/", include("igor.cases.urls")),
    path("delning/", include("igor.sharing.urls")),
    path("stod/", include("igor.support.urls")),
    path("logg/", include("igor.audit.urls")),
    path("tips/", include("igor.tips.urls")),
    path("t/", include("igor.tips.public_urls")),
    path("statistik/", include("igor.stats.urls")),
    path("api/v1/", api.urls),
]
