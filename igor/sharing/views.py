"""Sharing pages: a person's consents and statutory disclosures, the printable consent form,
approvals, the disclosure register, reports of concern about children, and break-the-glass."""

from __future__ import annotations

import base64
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from igor.accounts.decorators import requires
from igor.accounts.roles import Cap
from igor.audit.record import record
from igor.cases.models import Case, Incident, Party
from igor.lib.pdf import pdf_response, render_pdf
from igor.lib.web import add_action_errors, page_number, paginate, role_of, staff
from igor.people.models import Person
from igor.sharing import access as reading
from igor.sharing import actions, categories, policy
from igor.sharing.forms import (
    BasisChoiceForm,
    BreakGlassForm,
    ConcernForm,
    ConcernStepForm,
    ConsentPdfForm,
    ConsentRecordForm,
    DecisionForm,
    NarrowForm,
    StatutoryForm,
)
from igor.sharing.grounds import choices_for, ground
from igor.sharing.models import ConcernStatus, SharingBasis, SignedConsentForm

# --- Break-the-glass ---------------------------------------------------------------------------


@requires(Cap.BREAK_GLASS)
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = policy.find_for_break_glass(
            user, form.cleaned_data["target"], form.cleaned_data["identifier"]
        )
        if found is None:
            form.add_error("identifier", _("Nothing in your units matches this."))
        else:
            try:
                actions.break_the_glass(
                    actor=user,
                    object_type=found[0],
                    object_id=found[1],
                    reason=form.cleaned_data["reason"],
                    acting_role=role_of(request),
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                view = "cases:detail" if found[0] == "case" else "people:detail"
                return redirect(view, pk=found[1])
    return TemplateResponse(request, "sharing/break_glass.html", {"form": form})


# --- A person's sharing ------------------------------------------------------------------------


def _own_person(request: HttpRequest, pk: int) -> Person:
    """The person, for their own organisation's staff only (the controller decides sharing)."""
    return policy.get_person_for(staff(request), pk, for_edit=True).obj


def _basis_of(person: Person, pk: int | None) -> SharingBasis:
    basis = SharingBasis.objects.filter(subject=person, pk=pk or 0).first()
    if basis is None:
        raise Http404
    return basis


@requires(Cap.RECORD_SHARING)
@require_http_methods(["GET", "POST"])
def person_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's consents and disclosures with their state; withdraw or narrow one."""
    user = staff(request)
    person = _own_person(request, pk)
    choice = BasisChoiceForm(request.POST or None)
    narrow = NarrowForm(request.POST if request.POST.get("step") == "narrow" else None)
    if request.method == "POST" and choice.is_valid():
        basis = SharingBasis.objects.filter(subject=person, pk=choice.cleaned_data["basis"]).first()
        try:
            if basis is None:
                raise ValidationError({"basis": [_("There is no such consent or disclosure.")]})
            if request.POST.get("step") == "narrow":
                if narrow.is_valid():
                    actions.narrow_basis(
                        actor=user,
                        basis=basis,
                        categories=narrow.cleaned_data["categories"],
                        acting_role=role_of(request),
                    )
                    return redirect("sharing:person", pk=person.pk)
            else:
                actions.withdraw_basis(actor=user, basis=basis, acting_role=role_of(request))
                return redirect("sharing:person", pk=person.pk)
        except ValidationError as error:
            add_action_errors(choice, error)
    record(
        actor=user,
        verb="read",
        object_type="sharing_bases",
        object_id=person.pk,
        person_id=person.pk,
        purpose="view sharing",
        acting_role=role_of(request),
    )
    now = timezone.now()
    bases = [(b, b.status_at(now)) for b in reading.bases_about(person)]
    context = {
        "person": person,
        "bases": bases,
        "choice": choice,
        "narrow": narrow,
        "categories": categories.CATEGORIES,
        "grounds": choices_for(person.organisation.kind, _other_kind(person)),
    }
    return TemplateResponse(request, "sharing/person.html", context)


def _other_kind(person: Person) -> str:
    return "social_services" if person.organisation.kind == "police" else "police"


def _cases_of(person: Person) -> list[Case]:
    return list(Case.objects.filter(parties__person=person).order_by("-opened_at"))


def _case_of(person: Person, case_id: int | None) -> Case | None:
    if case_id is None:
        return None
    return Case.objects.filter(pk=case_id, parties__person=person).first()


def _recipient(person: Person) -> Any:
    unit = person.unit
    return unit.social_services if person.organisation_id == unit.police_id else unit.police


@requires(Cap.RECORD_SHARING)
@require_http_methods(["GET", "POST"])
def record_consent(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    person = _own_person(request, pk)
    child = actions.is_child(person)
    initial = {"given_by": "guardian" if child else "subject", "categories": ["person"]}
    form = ConsentRecordForm(request.POST or None, request.FILES or None, initial=initial)
    form.set_cases(_cases_of(person))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_consent(
                actor=user,
                subject=person,
                recipient=_recipient(person),
                purpose=data["purpose"],
                consent_form=data["consent_form"],
                categories=data["categories"],
                case=_case_of(person, data.get("case")),
                valid_from=form.start(),
                valid_until=form.end(),
                given_by=data["given_by"],
                given_by_name=data.get("given_by_name") or "",
                witness=data.get("witness") or "",
                signed_form=form.upload(),
                both_ways=bool(data.get("both_ways")),
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("sharing:person", pk=person.pk)
    context = {"person": person, "form": form, "recipient": _recipient(person), "child": child}
    return TemplateResponse(request, "sharing/consent_form.html", context)


@requires(Cap.RECORD_SHARING)
@require_http_methods(["GET", "POST"])
def record_statutory(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    person = _own_person(request, pk)
    allowed = dict(choices_for(person.organisation.kind, _other_kind(person)))
    key = request.POST.get("ground") or request.GET.get("grund") or ""
    rule = ground(key) if key in allowed else None
    if rule is None:
        context = {"person": person, "grounds": allowed.items()}
        return TemplateResponse(request, "sharing/statutory_choose.html", context)
    form = StatutoryForm(request.POST or None, ground=rule, initial={"categories": ["person"]})
    form.set_cases(_cases_of(person))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_statutory_basis(
                actor=user,
                subject=person,
                recipient=_recipient(person),
                ground=rule.key,
                conditions=form.conditions(),
                details=form.details(),
                purpose=data["purpose"],
                categories=data["categories"],
                case=_case_of(person, data.get("case")),
                valid_until=form.end(),
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("sharing:person", pk=person.pk)
    context = {"person": person, "form": form, "ground": rule, "recipient": _recipient(person)}
    return TemplateResponse(request, "sharing/statutory_form.html", context)


@requires(Cap.RECORD_SHARING)
@require_http_methods(["GET"])
def consent_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The consent form to print and sign, in plain language, prefilled with the person and the
    scope chosen (or the scope of a recorded consent, `?underlag=`)."""
    user = staff(request)
    person = _own_person(request, pk)
    form = ConsentPdfForm(request.GET or None)
    language = form.cleaned_data["language"] if form.is_valid() else "sv"
    basis = None
    if request.GET.get("underlag"):
        basis = _basis_of(person, page_number(request.GET.get("underlag")))
    chosen = set(basis.category_keys()) if basis else set(request.GET.getlist("categories"))
    context = {
        "person": person,
        "recipient": _recipient(person),
        "organisation": person.organisation,
        "categories": [(c, c.key in chosen) for c in categories.CATEGORIES],
        "basis": basis,
        "purpose": basis.purpose if basis else request.GET.get("purpose", "")[:300],
    }
    pdf = render_pdf("sharing/pdf/consent_form.html", context, language=language)
    record(
        actor=user,
        verb="export",
        object_type="consent_form",
        object_id=person.pk,
        person_id=person.pk,
        purpose="print consent form",
        acting_role=role_of(request),
        data={"language": language},
    )
    return pdf_response(pdf, filename=f"samtycke-{language}.pdf")


@requires(Cap.RECORD_SHARING)
@require_http_methods(["GET"])
def signed_form(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    person = _own_person(request, pk)
    basis = _basis_of(person, page_number(request.GET.get("underlag")))
    stored = SignedConsentForm.objects.filter(basis=basis).first()
    if stored is None:
        raise Http404
    record(
        actor=user,
        verb="read",
        object_type="signed_consent_form",
        object_id=stored.pk,
        person_id=person.pk,
        purpose="view signed consent form",
        acting_role=role_of(request),
    )
    response = HttpResponse(base64.b64decode(stored.content), content_type=stored.content_type)
    response["Content-Disposition"] = 'attachment; filename="samtycke-underskrivet"'
    return response


# --- Approval ----------------------------------------------------------------------------------


@requires(Cap.APPROVE_DISCLOSURE)
@require_http_methods(["GET", "POST"])
def approvals(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        basis = reading.pending_for(user).filter(pk=form.cleaned_data["basis"]).first()
        try:
            if basis is None:
                raise ValidationError({"basis": [_("This disclosure is not awaiting a decision.")]})
            actions.decide_basis(
                actor=user,
                basis=basis,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data.get("note") or "",
                acting_role=role_of(request),
            )
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                error = ValidationError(_("You cannot decide this disclosure."))
            add_action_errors(form, error)
        else:
            return redirect("sharing:approvals")
    pending = list(reading.pending_for(user))
    context = {"form": form, "pending": pending}
    return TemplateResponse(request, "sharing/approvals.html", context)


# --- The disclosure register -------------------------------------------------------------------


def _register_response(
    request: HttpRequest, rows: Any, template: str, context: dict[str, Any], scope_id: int | None
) -> HttpResponse:
    user = staff(request)
    csv_wanted = request.GET.get("format") == "csv"
    record(
        actor=user,
        verb="export" if csv_wanted else "read",
        object_type="disclosure_register",
        object_id=scope_id,
        person_id=context["person"].pk if context.get("person") else None,
        purpose="disclosure register",
        acting_role=role_of(request),
    )
    if csv_wanted:
        response = HttpResponse(reading.register_csv(rows), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="utlamnanden.csv"'
        return response
    number = page_number(request.GET.get("sida"))
    offset = (number - 1) * 50
    page = paginate(list(rows[offset : offset + 51]), number, size=50)
    return TemplateResponse(request, template, {**context, "page": page})


@requires(Cap.RECORD_SHARING)
@require_http_methods(["GET"])
def person_register(request: HttpRequest, pk: int) -> HttpResponse:
    person = _own_person(request, pk)
    rows = reading.register_for_person(person)
    context = {"person": person}
    return _register_response(request, rows, "sharing/register.html", context, person.pk)


@requires(Cap.VIEW_AUDIT)
@require_http_methods(["GET"])
def unit_register(request: HttpRequest) -> HttpResponse:
    rows = reading.register_for_unit(staff(request))
    return _register_response(request, rows, "sharing/register.html", {"person": None}, None)


# --- Reports of concern about children ---------------------------------------------------------


@requires(Cap.RECORD_SHARING)
@require_http_methods(["GET", "POST"])
def draft_concern(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    case = policy.get_case_for(user, pk, for_edit=True).obj
    children = reading.child_parties(case)
    incidents = list(Incident.objects.filter(case=case).order_by("-occurred_at"))
    form = ConcernForm(request.POST or None, initial={"child": request.GET.get("barn")})
    form.fields["child"].choices = [(p.person_id, str(p.person)) for p in children]  # type: ignore[attr-defined]
    form.fields["incident"].choices = [("", _("(none)"))] + [  # type: ignore[attr-defined]
        (i.pk, f"{i.occurred_at:%Y-%m-%d} {', '.join(i.kind_labels())}") for i in incidents
    ]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = Party.objects.filter(case=case, person_id=data["child"]).first()
        try:
            if child is None:
                raise ValidationError({"child": [_("Choose a child who is a party to the case.")]})
            report = actions.draft_report_of_concern(
                actor=user,
                case=case,
                child=child.person,
                concern=data["concern"],
                justification=data["justification"],
                incident=next((i for i in incidents if i.pk == data.get("incident")), None),
                acting_role=role_of(request),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("sharing:concern", pk=report.pk)
    context = {"case": case, "form": form, "children": children}
    return TemplateResponse(request, "sharing/concern_form.html", context)


@requires(Cap.RECORD_SHARING)
@require_http_methods(["GET"])
def concern_queue(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    reports = (
        policy.reports_visible_to(user)
        .select_related("case", "organisation", "recipient", "sent_by")
        .order_by("-created_at", "-id")
    )
    number = page_number(request.GET.get("sida"))
    offset = (number - 1) * 25
    page = paginate(list(reports[offset : offset + 26]), number)
    record(
        actor=user,
        verb="read",
        object_type="report_of_concern_list",
        purpose="reports of concern",
        acting_role=role_of(request),
        data={"ids": [r.pk for r in page.items]},
    )
    context = {"page": page, "today": timezone.localdate(), "own": user.organisation_id}
    return TemplateResponse(request, "sharing/concern_queue.html", context)


@requires(Cap.RECORD_SHARING)
@require_http_methods(["GET", "POST"])
def concern(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: the police send it; social services receive it and give feedback."""
    user = staff(request)
    access = policy.get_report_for(user, pk)
    report = access.obj
    form = ConcernStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = form.cleaned_data["step"]
        try:
            if step == "send":
                actions.send_report_of_concern(
                    actor=user, report=report, acting_role=role_of(request)
                )
            elif step == "receive":
                actions.receive_report_of_concern(
                    actor=user, report=report, acting_role=role_of(request)
                )
            else:
                actions.respond_to_report_of_concern(
                    actor=user,
                    report=report,
                    response=form.cleaned_data.get("response") or "",
                    acting_role=role_of(request),
                )
        except PermissionDenied:
            form.add_error(None, _("This step is for the other agency."))
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("sharing:concern", pk=report.pk)
    policy.audit_read(
        access,
        object_type="report_of_concern",
        purpose="view report of concern",
        acting_role=role_of(request),
        person_id=report.child_id,
        case_id=report.case_id,
    )
    context = {
        "report": report,
        "access": access,
        "form": form,
        "sender": not access.cross_wall,
        "statuses": ConcernStatus,
        "overdue": report.is_overdue(timezone.localdate()),
    }
    return TemplateResponse(request, "sharing/concern.html", context)
