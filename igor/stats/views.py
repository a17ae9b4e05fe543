"""Statistics pages: dashboard, data dictionary, studies, extracts and the export register.

Read-only over the case data; the only writes are studies, extracts and audit events.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from igor.accounts.decorators import requires
from igor.accounts.roles import Cap
from igor.lib.web import add_action_errors, is_htmx, staff
from igor.stats import access, actions, charts, exports
from igor.stats.dashboard import Dashboard, Section, build
from igor.stats.extracts import VARIABLES
from igor.stats.figures import FIGURES, GROUPS, Kind
from igor.stats.forms import ExtractForm, PeriodsForm, StudyForm, threshold
from igor.stats.models import Extract, ExtractStatus


def _dashboard(request: HttpRequest) -> tuple[PeriodsForm, Dashboard | None]:
    user = staff(request)
    units = access.units_for(user)
    form = PeriodsForm(request.GET, units=units, today=timezone.localdate())
    if not form.is_valid():
        return form, None
    area = form.cleaned_data["area"]
    labels = dict(form.fields["area"].choices)  # type: ignore[attr-defined]
    board = build(
        area=area,
        area_label=str(labels[area]),
        own=[unit.pk for unit in units],
        main=form.cleaned_data["main"],
        comparison=form.cleaned_data["comparison"],
        k=threshold(),
        today=timezone.localdate(),
    )
    return form, board


_CHARTED = {Kind.COUNT: (Kind.COUNT, Kind.BREAKDOWN), Kind.SHARE: (Kind.SHARE,)}


def _sections(board: Dashboard | None) -> list[tuple[Section, list[dict[str, str]]]]:
    """Each section with its charts: one of the counts, one of the shares (medians: table only)."""
    if board is None:
        return []
    main, comparison = board.main.label(), board.comparison.label()
    found = []
    for section in board.sections:
        drawn = []
        for kind, kinds in _CHARTED.items():
            axis = _("Percent") if kind == Kind.SHARE else _("Number")
            lines = [line for line in section.lines if line.figure.kind in kinds]
            spec = charts.comparison_spec(str(section.group.name), lines, main, comparison, axis)
            if spec:
                drawn.append({"src": charts.data_uri(spec), "kind": kind})
        found.append((section, drawn))
    return found


@requires(Cap.VIEW_STATISTICS)
@require_http_methods(["GET"])
def dashboard(request: HttpRequest) -> HttpResponse:
    form, board = _dashboard(request)
    context = {
        "form": form,
        "board": board,
        "sections": _sections(board),
        "query": request.GET.urlencode(),
        "k": threshold(),
    }
    return TemplateResponse(request, "stats/dashboard.html", context)


@requires(Cap.VIEW_STATISTICS)
@require_http_methods(["GET"])
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    form, board = _dashboard(request)
    if board is None:
        return TemplateResponse(
            request, "stats/dashboard.html", {"form": form, "board": None}, status=400
        )
    rows = exports.table_rows(board)
    actions.record_figures_export(
        actor=staff(request),
        area=board.area,
        fmt=fmt,
        periods=[board.main.label(), board.comparison.label()],
    )
    name = f"igor-figures-{board.main.start}-{board.main.end}"
    if fmt == "xlsx":
        content = exports.to_xlsx(rows, _("Figures"))
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@requires(Cap.VIEW_STATISTICS)
@require_http_methods(["GET"])
def dictionary(request: HttpRequest) -> HttpResponse:
    groups = [(group, [f for f in FIGURES if f.group == group.key]) for group in GROUPS]
    context = {"groups": groups, "k": threshold(), "variables": VARIABLES}
    return TemplateResponse(request, "stats/dictionary.html", context)


# --- Studies and extracts ----------------------------------------------------------------------


@requires(Cap.VIEW_STATISTICS)
@require_http_methods(["GET"])
def studies(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    context = {
        "studies": access.studies_visible_to(user).prefetch_related("units"),
        "may_register": access.may_register_studies(user),
    }
    return TemplateResponse(request, "stats/studies.html", context)


@requires(Cap.REGISTER_STUDIES)
@require_http_methods(["GET", "POST"])
def register_study(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    form = StudyForm(request.POST or None, units=access.units_for(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            study = actions.register_study(
                actor=user,
                name=data["name"],
                ethics_reference=data["ethics_reference"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                units=list(data["units"]),
                variables=list(data["variables"]),
                researcher=data["researcher"],
                k=data["k"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("stats:study", pk=study.pk)
    return TemplateResponse(request, "stats/study_form.html", {"form": form})


@requires(Cap.VIEW_STATISTICS)
@require_http_methods(["GET", "POST"])
def study(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    the_study = access.get_study_for(user, pk)
    initial = {
        "period_start": the_study.period_start,
        "period_end": the_study.period_end,
        "units": list(the_study.units.all()),
    }
    form = ExtractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            extract = actions.request_extract(
                actor=user,
                study=the_study,
                period_start=data["period_start"],
                period_end=data["period_end"],
                units=list(data["units"]),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("stats:extract", pk=the_study.pk, extract_pk=extract.pk)
    context = {
        "study": the_study,
        "form": form,
        "extracts": the_study.extracts.all(),
        "variables": [v for v in VARIABLES if v.key in the_study.variables],
    }
    return TemplateResponse(request, "stats/study.html", context)


@requires(Cap.VIEW_STATISTICS)
@require_http_methods(["GET"])
def extract(request: HttpRequest, pk: int, extract_pk: int) -> HttpResponse:
    user = staff(request)
    the_study = access.get_study_for(user, pk)
    the_extract = access.get_extract_for(user, the_study, extract_pk)
    context = {"study": the_study, "extract": the_extract, "statuses": ExtractStatus}
    template = "stats/extract.html#progress" if is_htmx(request) else "stats/extract.html"
    return TemplateResponse(request, template, context)


@requires(Cap.VIEW_STATISTICS)
@require_http_methods(["POST"])
def retry_extract(request: HttpRequest, pk: int, extract_pk: int) -> HttpResponse:
    user = staff(request)
    the_study = access.get_study_for(user, pk)
    the_extract = access.get_extract_for(user, the_study, extract_pk)
    try:
        actions.retry_extract(actor=user, extract=the_extract)
    except ValidationError as error:
        context = {"study": the_study, "extract": the_extract, "error": error.messages[0]}
        return TemplateResponse(request, "stats/extract.html", context, status=409)
    return redirect("stats:extract", pk=pk, extract_pk=extract_pk)


@requires(Cap.VIEW_STATISTICS)
@require_http_methods(["GET"])
def download_extract(request: HttpRequest, pk: int, extract_pk: int) -> HttpResponse:
    user = staff(request)
    the_study = access.get_study_for(user, pk)
    the_extract = access.get_extract_for(user, the_study, extract_pk)
    if the_extract.status != ExtractStatus.DONE or not the_extract.content:
        raise Http404
    actions.record_extract_download(actor=user, extract=the_extract)
    response = HttpResponse(bytes(the_extract.content), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{the_extract.filename}"'
    return response


@requires(Cap.VIEW_STATISTICS)
@require_http_methods(["GET"])
def register(request: HttpRequest) -> HttpResponse:
    """The export register: every extract of the studies the user may see."""
    user = staff(request)
    rows = (
        Extract.objects.filter(study__in=access.studies_visible_to(user))
        .select_related("study", "requested_by")
        .order_by("-requested_at", "-id")
    )
    return TemplateResponse(request, "stats/register.html", {"extracts": rows})
