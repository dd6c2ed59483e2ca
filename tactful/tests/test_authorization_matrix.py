"""Who may open what: every route of the URLconf, for every role and for nobody at all.

The tables below are the expected answers, one line per route; the tests generate the
routes from the URLconf and the API, so a route added without a line here fails
`test_every_route_has_a_line`. Columns: anonymous, borrower, collector, supervisor,
compliance, admin (staff signed in with both factors). Path parameters are filled with
ids that exist nowhere, so "404" means: let through, and then nothing was found.

    ok          2xx
    →staff      redirected to the staff sign-in      →portal   to the borrower sign-in
    →rights     to the third party's start page      →/path/   redirected elsewhere
    →quiz       to the quiz just set
    403/404/405/400  that status
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tactful.accounts.roles import Role
from tactful.api.keys import SCOPES
from tactful.api.root import api
from tactful.testing.api import API, issue_test_key
from tactful.testing.personas import (
    FIRST_PHONE,
    make_borrower,
    make_staff,
    sign_in_borrower,
    sign_in_staff,
)

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "borrower", "collector", "supervisor", "compliance", "admin")
STAFF_ROLES = {"collector": Role.COLLECTOR, "supervisor": Role.SUPERVISOR,
               "compliance": Role.COMPLIANCE, "admin": Role.ADMIN}  # fmt: skip

# fmt: off
PAGES: dict[str, str] = {
    "public:home": "GET ok ok ok ok ok ok",
    "public:demo-outbox": "GET 404 404 404 404 404 404",
    "public:help": "GET ok ok ok ok ok ok",
    "public:healthz": "GET ok ok ok ok ok ok",
    # Open to all; 503 here because the test keys are derived from SECRET_KEY (not ready).
    "public:readyz": "GET 503 503 503 503 503 503",
    # Only for the holder of METRICS_TOKEN; unset here, so nobody (404: no such page).
    "public:metrics": "GET 404 404 404 404 404 404",
    "public:demo-checkout": "GET 404 404 404 404 404 404",
    "public:verify": "GET ok ok ok ok ok ok",
    "public:verify-stop": "POST ok ok ok ok ok ok",
    "public:verify-number": "POST ok ok ok ok ok ok",
    "public:third-party-start": "GET ok ok ok ok ok ok",
    "public:third-party-code": "GET →rights →rights →rights →rights →rights →rights",
    "public:third-party-data": "GET →rights →rights →rights →rights →rights →rights",
    "public:third-party-stop": "POST →rights →rights →rights →rights →rights →rights",
    "public:third-party-answer": "POST →rights →rights →rights →rights →rights →rights",
    "public:third-party-export": "GET →rights →rights →rights →rights →rights →rights",
    "public:third-party-correction": "POST →rights →rights →rights →rights →rights →rights",
    "public:third-party-erase": "POST →rights →rights →rights →rights →rights →rights",
    "public:invitation": "GET 404 404 404 404 404 404",
    "public:complaint-new": "GET ok ok ok ok ok ok",
    "public:complaint-status": "GET 404 404 404 404 404 404",
    "portal:home": "GET →portal ok →portal →portal →portal →portal",
    "portal:sign-in": "GET ok →/portal/ ok ok ok ok",
    "portal:sign-in-code": "GET →portal →portal →portal →portal →portal →portal",
    "portal:sign-out": "POST →/ →/ →/ →/ →/ →/",
    "portal:loan": "GET →portal 404 →portal →portal →portal →portal",
    "portal:pay": "POST →portal 404 →portal →portal →portal →portal",
    "portal:help": "GET →portal ok →portal →portal →portal →portal",
    "portal:budget": "GET →portal ok →portal →portal →portal →portal",
    "portal:points": "GET →portal ok →portal →portal →portal →portal",
    "portal:plans": "GET →portal 404 →portal →portal →portal →portal",
    "portal:offer": "GET →portal 404 →portal →portal →portal →portal",
    "portal:accept": "POST →portal 404 →portal →portal →portal →portal",
    "portal:hardship": "GET →portal 404 →portal →portal →portal →portal",
    "portal:resume": "POST →portal 404 →portal →portal →portal →portal",
    "portal:promise": "GET →portal 404 →portal →portal →portal →portal",
    "portal:auto-debit": "GET →portal 404 →portal →portal →portal →portal",
    "portal:auto-debit-cancel": "POST →portal 404 →portal →portal →portal →portal",
    "portal:complaints": "GET →portal ok →portal →portal →portal →portal",
    "portal:complaint": "GET →portal 404 →portal →portal →portal →portal",
    "portal:privacy": "GET →portal ok →portal →portal →portal →portal",
    "portal:withdraw": "POST →portal →/portal/privacy/ →portal →portal →portal →portal",
    "portal:grant": "POST →portal →/portal/privacy/ →portal →portal →portal →portal",
    "portal:terms": "GET →portal ok →portal →portal →portal →portal",
    "portal:terms-text": "GET →portal ok →portal →portal →portal →portal",
    "portal:add-contact": "POST →portal 400 →portal →portal →portal →portal",
    "portal:contact-record": "GET →portal ok →portal →portal →portal →portal",
    "portal:contact-record-json": "GET →portal ok →portal →portal →portal →portal",
    "portal:contact-record-pdf": "GET →portal ok →portal →portal →portal →portal",
    "portal:rights": "GET →portal ok →portal →portal →portal →portal",
    "portal:rights-export": "GET →portal ok →portal →portal →portal →portal",
    "portal:rights-export-pdf": "GET →portal ok →portal →portal →portal →portal",
    "portal:rights-correction": "POST →portal 400 →portal →portal →portal →portal",
    "portal:rights-erasure": "POST →portal 400 →portal →portal →portal →portal",
    "staff:home": "GET →staff →staff ok ok ok ok",
    "staff:login": "GET ok ok ok ok ok ok",
    "staff:otp-setup": "GET →staff →staff →/staff/ →/staff/ →/staff/ →/staff/",
    "staff:password": "GET →staff →staff ok ok ok ok",
    "staff:sign-out": "POST →/ →/ →/ →/ →/ →/",
    "staff:work": "GET →staff →staff ok ok 403 ok",
    "staff:work-account": "GET →staff →staff 404 404 403 404",
    "staff:work-act": "POST →staff →staff 404 404 403 404",
    "staff:work-reveal": "POST →staff →staff 404 404 403 404",
    "staff:team": "GET →staff →staff 403 ok 403 ok",
    "staff:coaching-done": "POST →staff →staff 403 404 403 404",
    "staff:training": "GET →staff →staff ok ok 403 403",
    "staff:quiz-start": "POST →staff →staff →quiz →quiz 403 403",
    "staff:quiz": "GET →staff →staff 404 404 403 403",
    "staff:templates": "GET →staff →staff 403 ok ok ok",
    "staff:template-approve": "POST →staff →staff 403 403 404 403",
    "staff:contacts": "GET →staff →staff ok ok ok ok",
    "staff:contacts-check": "POST →staff →staff 404 404 404 404",
    "staff:contacts-reveal": "POST →staff →staff 403 404 404 404",
    "staff:recordings": "GET →staff →staff ok ok ok ok",
    "staff:qa-queue": "GET →staff →staff 403 ok ok ok",
    "staff:recording": "GET →staff →staff 404 404 404 404",
    "staff:recording-audio": "GET →staff →staff 404 404 404 404",
    "staff:finding-review": "POST →staff →staff 403 404 404 404",
    "staff:finding-complaint": "POST →staff →staff 403 404 404 404",
    "staff:finding-coaching": "POST →staff →staff 403 404 404 404",
    "staff:alert-acknowledge": "POST →staff →staff 403 404 404 404",
    "staff:complaints": "GET →staff →staff 403 403 ok ok",
    "staff:complaint-new": "GET →staff →staff ok ok ok ok",
    "staff:complaint-reports": "GET →staff →staff 403 403 ok ok",
    "staff:complaint-export": "GET →staff →staff 403 403 ok ok",
    "staff:complaint": "GET →staff →staff 403 403 404 404",
    "staff:complaint-act": "POST →staff →staff 403 403 404 404",
    "staff:complaint-attachment": "GET →staff →staff 403 403 404 404",
    "staff:rights-desk": "GET →staff →staff 403 403 ok ok",
    "staff:notices": "GET →staff →staff 403 403 ok ok",
    "staff:notice": "GET →staff →staff 403 403 404 404",
    "staff:certifications": "GET →staff →staff 403 403 ok ok",
    "staff:api-keys": "GET →staff →staff 403 403 403 ok",
    "staff:api-key": "GET →staff →staff 403 403 403 404",
    "staff:api-key-revoke": "POST →staff →staff 403 403 403 404",
    "staff:people": "GET →staff →staff 403 403 403 ok",
    "staff:person": "GET →staff →staff 403 403 403 404",
    "staff:person-roles": "POST →staff →staff 403 403 403 404",
    "staff:person-deactivate": "POST →staff →staff 403 403 403 404",
    "staff:rights-request": "GET →staff →staff 403 403 404 404",
    "staff:rights-reveal": "POST →staff →staff 403 403 404 404",
    "staff:rights-complete": "POST →staff →staff 403 403 404 404",
    "staff:rights-reject": "POST →staff →staff 403 403 404 404",
    "staff:plan": "GET →staff →staff ok ok ok ok",
    "staff:packs": "GET →staff →staff 403 ok ok ok",
    "staff:pack-propose": "GET →staff →staff 403 403 ok 403",
    "staff:pack-proposal": "GET →staff →staff 403 404 404 404",
    "staff:pack-approve": "POST →staff →staff 403 403 404 403",
    "staff:plan-build": "POST →staff →staff 403 →/staff/plan/ 403 →/staff/plan/",
    "staff:oversight": "GET →staff →staff 403 ok ok ok",
    # Without a chart to read: 400 (the page says to open records from a chart).
    "staff:oversight-records": "GET →staff →staff 403 400 400 400",
    # Compliance and admins only: a report is the lender's word to its regulator.
    "staff:reports": "GET →staff →staff 403 403 ok ok",
    # Without a pack, month and language: 400 (the form says what is missing).
    "staff:report-issue": "POST →staff →staff 403 403 400 400",
    "staff:report-pdf": "GET →staff →staff 403 403 404 404",
    "staff:report-xlsx": "GET →staff →staff 403 403 404 404",
    "set_language": "GET →/ →/ →/ →/ →/ →/",
}
# fmt: on

# The API: each operation and the one scope it needs. Without a key: 401; with a key
# holding every other scope: 403; with that scope alone: neither.
API_SCOPES: dict[str, str] = {
    "putBorrower": "borrowers:write",
    "putLoan": "loans:write",
    "getLoanStatus": "loans:read",
    "getLoanSchedule": "loans:read",
    "getLoanDelinquency": "loans:read",
    "postPayment": "payments:write",
    "postReversal": "payments:write",
    "postFee": "payments:write",
    "uploadRecording": "recordings:write",
    "getRecording": "recordings:write",
    "planBudget": "repayment:read",
    "getRepaymentStatus": "repayment:read",
    "getOffers": "repayment:read",
    "postOffers": "repayment:write",
    "acceptOffer": "repayment:write",
    "getPauses": "repayment:read",
    "postPause": "repayment:write",
    "resumePause": "repayment:write",
    "getPromises": "repayment:read",
    "postPromise": "repayment:write",
    "getMandates": "repayment:read",
    "postMandate": "mandates:write",
    "cancelMandate": "mandates:write",
    "getPoints": "repayment:read",
    "redeemPoints": "repayment:write",
    "postComplaint": "complaints:write",
    "postPermit": "permits:write",
    "postPermitOutcome": "permits:write",
    "getNextAllowed": "permits:read",
    "getBorrowerRecipients": "permits:read",
    "getConsentNotices": "consent:read",
    "getBorrowerConsents": "consent:read",
    "getBorrowerConsentEvents": "consent:read",
    "postBorrowerConsentEvent": "consent:write",
    "getEmergencyContacts": "consent:read",
    "postEmergencyContact": "consent:write",
    "deleteEmergencyContact": "consent:write",
    "getBorrowerPersonalData": "rights:export",
    "postRightsRequest": "rights:write",
    "getRightsRequests": "rights:read",
    "getBorrowerContactLedger": "rights:read",
    "postVerification": "verifications:read",
}
# The API's own pages, open to anyone: its description, and JSON 404s for unknown paths.
API_OPEN: dict[str, str] = {
    "api:openapi-json": "ok",
    "api:openapi-view": "ok",
    "api:api-root": "404",  # ninja's root: nothing there, /api/v1/docs is the description
    "api:unknown-path": "404",
}
# Every page of the Django admin: only an administrator who passed both factors
# (and, page by page, held the model permission), except its sign-in page.
ADMIN = "→admin →admin →admin →admin →admin admin"
ADMIN_OPEN = {"admin:login": "ok", "admin:logout": "→/admin/"}


def _routes(
    patterns: list[Any], prefix: str = "", namespace: str | None = None
) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern),
                               pattern.namespace or namespace)  # fmt: skip
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield name, prefix + str(pattern.pattern)


def _patterns_by_name(patterns: list[Any], namespace: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found.update(_patterns_by_name(pattern.url_patterns, pattern.namespace or namespace))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found[f"{namespace}:{pattern.name}" if namespace else pattern.name] = pattern
    return found


def _is_operation(pattern: URLPattern) -> bool:
    # Ninja routes each operation through a view its PathView makes.
    return str(getattr(pattern.callback, "__qualname__", "")).startswith("PathView.")


ROUTES = dict(_routes(get_resolver().url_patterns))
FACE_ROUTES = {name: route for name, route in ROUTES.items()
               if not name.startswith(("admin:", "api:"))}  # fmt: skip
ADMIN_ROUTES = {
    name: route
    for name, route in ROUTES.items()
    if name.startswith("admin:") and name not in ADMIN_OPEN
}
# The API's routes that are not operations (those are checked through API_SCOPES).
API_PAGES = {
    name
    for name, pattern in _patterns_by_name(get_resolver().url_patterns).items()
    if name.startswith("api:") and not _is_operation(pattern)
}


def _operations() -> dict[str, tuple[str, str, set[str]]]:
    found: dict[str, tuple[str, str, set[str]]] = {}
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                scopes = {str(getattr(auth, "scope", "")) for auth in operation.auth_callbacks}
                operation_id = str(operation.operation_id)
                found[operation_id] = (operation.methods[0], prefix + path, scopes)
    return found


OPERATIONS = _operations()


def _path(route: str) -> str:
    route = route.lstrip("^").rstrip("$").lstrip("/")
    route = re.sub(r"<uuid:\w+>", str(uuid.UUID(int=7)), route)
    route = re.sub(r"<int:\w+>|<path:\w+>", "999999", route)
    route = re.sub(r"<str:fmt>", "csv", route)
    route = re.sub(r"<(str:)?\w+>|\{\w+\}", "x-1", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "x", route)
    return "/" + route


def _answer(response: Any) -> str:
    if 200 <= response.status_code < 300:
        return "ok"
    if 300 <= response.status_code < 400:
        target = str(urlsplit(response["Location"]).path)
        signs_in = {"/staff/login/": "→staff", "/portal/sign-in/": "→portal",
                    "/admin/login/": "→admin", "/verify/rights/": "→rights"}  # fmt: skip
        if target.startswith("/staff/training/quiz/"):
            return "→quiz"  # a new quiz, at an address of its own
        return signs_in.get(target, "→" + target)
    return str(response.status_code)


@pytest.fixture
def personas() -> dict[str, Client]:
    """One fresh client per persona, so a sign-out in one test cannot leak into another."""
    borrower = make_borrower(external_id="b-1", phone=FIRST_PHONE)
    clients = {"anonymous": Client(), "borrower": Client()}
    sign_in_borrower(clients["borrower"], borrower)
    for persona, role in STAFF_ROLES.items():
        clients[persona] = Client()
        sign_in_staff(clients[persona], make_staff(f"matrix-{persona}", role))
    return clients


def test_every_route_has_a_line():
    assert sorted(FACE_ROUTES) == sorted(PAGES)
    assert sorted(OPERATIONS) == sorted(API_SCOPES)
    assert sorted(API_PAGES) == sorted(API_OPEN)
    assert ADMIN_ROUTES


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_page_answers_each_persona_as_the_table_says(name, personas):
    method, *expected = PAGES[name].split()
    path = _path(FACE_ROUTES[name])
    responses = [getattr(personas[p], method.lower())(path) for p in PERSONAS]
    assert [_answer(response) for response in responses] == expected, f"{name} {path}"
    # Whatever the answer, it carries the Content-Security-Policy.
    assert all("Content-Security-Policy" in response for response in responses), name


@pytest.mark.parametrize("name", sorted(API_OPEN | ADMIN_OPEN))
def test_the_open_pages_of_the_api_and_the_admin_are_open(name):
    response = Client().get(_path(ROUTES[name]))
    assert _answer(response) == (API_OPEN | ADMIN_OPEN)[name]


@pytest.mark.parametrize("operation_id", sorted(API_SCOPES))
def test_each_api_operation_needs_its_scope_and_only_that(operation_id):
    method, path, declared = OPERATIONS[operation_id]
    scope = API_SCOPES[operation_id]
    assert declared == {scope}
    url = API + _path(path)
    others = [other for other in SCOPES if other != scope]
    answers = {
        "no key": _call(method, url, None).status_code,
        "other scopes": _call(method, url, issue_test_key(*others)).status_code,
    }
    assert answers == {"no key": 401, "other scopes": 403}
    allowed = _call(method, url, issue_test_key(scope)).status_code
    assert allowed not in (401, 403)
    assert allowed < 500


def _call(method: str, url: str, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers["Idempotency-Key"] = str(uuid.uuid4())
    return Client().generic(method, url, "{}", content_type="application/json", headers=headers)


def test_every_admin_page_is_for_administrators_only(personas):
    expected = ADMIN.split()
    for name, route in sorted(ADMIN_ROUTES.items()):
        path = _path(route)
        answers = [_answer(personas[p].get(path)) for p in PERSONAS]
        refused, admin = answers[:-1], answers[-1]
        assert refused == expected[:-1], f"{name} {path}"
        # Past the site's gate; a page may still need a model permission (403).
        assert admin not in ("→admin", "→staff"), f"{name} {path}: {admin}"
        assert not admin.startswith("5"), f"{name} {path}: {admin}"
