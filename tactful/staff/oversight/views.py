"""The oversight dashboards (/staff/oversight/): charts drawn on the server from the daily
roll-ups, each with its table, its CSV and the records behind every bar."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tactful.accounts.roles import Role
from tactful.contacts.packs import configured_pack
from tactful.loans.selectors import loan_count
from tactful.oversight.selectors import last_rolled_up_day, rolled_up_packs
from tactful.oversight.services import operating_zone
from tactful.staff.oversight.csv_export import chart_csv
from tactful.staff.oversight.dashboard import BUILDERS, Scope, build_charts
from tactful.staff.oversight.forms import DEFAULT_DAYS, PeriodForm
from tactful.staff.oversight.records import FILTERS, READERS, Narrowing
from tactful.web.access import staff_required

OVERSEERS = (Role.COMPLIANCE, Role.SUPERVISOR, Role.ADMIN)


@require_safe
@staff_required(*OVERSEERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    form = _period_form(request.GET)
    if not form.is_valid():
        return render(request, "staff/oversight/dashboard.html", {"form": form}, status=400)
    scope = Scope(form.period(), form.chosen_pack(), loan_count(), form.today)
    chart_slug = request.GET.get("chart", "")
    if request.GET.get("format") == "csv":
        return _csv(scope, chart_slug)
    context = {
        "form": form,
        "scope": scope,
        "charts": build_charts(scope),
        "zone": operating_zone().key,
        "rolled_up_to": last_rolled_up_day(),
        "query": _picked(request.GET),
    }
    return render(request, "staff/oversight/dashboard.html", context)


@require_safe
@staff_required(*OVERSEERS)
def records(request: HttpRequest) -> HttpResponse:
    form = _period_form(request.GET)
    reader = READERS.get(request.GET.get("chart", ""))
    if not form.is_valid() or reader is None:
        context = {"form": form, "unknown_chart": reader is None}
        return render(request, "staff/oversight/records.html", context, status=400)
    narrowing = Narrowing(
        period=form.period(),
        pack=form.chosen_pack(),
        today=form.today,
        filters={name: request.GET[name] for name in FILTERS if request.GET.get(name)},
    )
    context = {"form": form, "narrowing": narrowing, "records": reader(narrowing)}
    return render(request, "staff/oversight/records.html", context)


def _period_form(query: QueryDict) -> PeriodForm:
    data = query.copy()
    if not data.get("days") and not data.get("start") and not data.get("end"):
        data["days"] = str(DEFAULT_DAYS)
    today = timezone.now().astimezone(operating_zone()).date()
    packs = sorted({*rolled_up_packs(), configured_pack().name})
    return PeriodForm(data, today=today, packs=packs)


def _picked(query: QueryDict) -> str:
    """The period and pack of this page as a query string, for the CSV links."""
    picked = {name: query.get(name, "") for name in ("days", "start", "end", "pack")}
    return urlencode({name: value for name, value in picked.items() if value})


def _csv(scope: Scope, slug: str) -> HttpResponse:
    build = BUILDERS.get(slug)
    if build is None:
        return HttpResponse(_("No such chart."), status=400, content_type="text/plain")
    name = f"{slug}-{scope.period.first:%Y%m%d}-{scope.period.last:%Y%m%d}"
    response = HttpResponse(chart_csv(build(scope)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
