"""URLs of the tip benchmark server: the whole project plus the baseline view (never deployed)."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from igor.urls import urlpatterns as project

BASELINE_TABLE = "tips_bench_baseline"


@login_not_required
@csrf_exempt  # the baseline: the least a Django view can do to store something
@require_POST
def baseline(request: HttpRequest) -> HttpResponse:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BASELINE_TABLE} (note) VALUES (%s)",  # noqa: S608 - a constant name
            [request.POST.get("note", "")[:200]],
        )
    return HttpResponse("ok")


urlpatterns = [path("bench/baseline/", baseline), *project]
