"""URLs of the tip benchmark server: the whole project plus the baseline view (never deployed).

The baseline is the least a Django view can do to store something: one INSERT in its own
transaction (one commit), no form, no template. It sits under the public pages' prefix, so the
same middleware does the same work for it as for a tip (the anonymising of the request, the
hardened headers, the session middleware, which finds no session)."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from igor.urls import urlpatterns as project

BASELINE_TABLE = "tips_bench_baseline"


@login_not_required
@csrf_exempt  # the public forms use their own token; the baseline checks none
@require_POST
def baseline(request: HttpRequest) -> HttpResponse:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BASELINE_TABLE} (note) VALUES (%s)",  # noqa: S608 - a constant name
            [request.POST.get("note", "")[:200]],
        )
    return HttpResponse("ok")


urlpatterns = [path("t/_bench/baseline/", baseline), *project]
