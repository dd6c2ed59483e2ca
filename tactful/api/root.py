"""The `/api/v1` application: one NinjaAPI, with each domain's router mounted on it."""

from __future__ import annotations

import functools
import json
from http import HTTPStatus
from typing import Any, NoReturn

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI, Swagger
from ninja.parser import Parser
from ninja.types import DictStrAny

from tactful.api.borrowers.router import router as borrowers_router
from tactful.api.complaints.router import router as complaints_router
from tactful.api.consent.router import router as consent_router
from tactful.api.errors import MalformedJson, error_body, error_response, install_error_handlers
from tactful.api.loans.router import router as loans_router
from tactful.api.permits.router import router as contacts_router
from tactful.api.recordings.router import router as recordings_router
from tactful.api.repayment.router import router as repayment_router
from tactful.api.rights.router import router as rights_router
from tactful.api.verifications.router import router as verifications_router


def _refuse_constant(name: str) -> NoReturn:
    raise MalformedJson(f"{name} is not a JSON value")


class JsonBodyParser(Parser):
    """Parse bodies as strict JSON: NaN and Infinity, which JSON has not, are malformed."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        try:
            parsed: DictStrAny = json.loads(request.body, parse_constant=_refuse_constant)
        # ValueError covers JSONDecodeError and UnicodeDecodeError; absurd nesting recurses.
        except (ValueError, RecursionError) as error:
            raise MalformedJson(type(error).__name__) from error
        return parsed


class TactfulApi(NinjaAPI):
    """A NinjaAPI whose unknown paths and unsupported methods also answer with the error
    contract, instead of Django's HTML page and ninja's plain text."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        answered = [_json_405(p) if isinstance(p, URLPattern) else p for p in patterns]
        unknown = re_path(r"^.*$", _unknown_path, name="unknown-path")
        return [*answered, unknown], app_name, namespace


def _unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return error_response(404, error_body("not_found", "there is no such API path"))


def _json_405(pattern: URLPattern) -> URLPattern:
    view = pattern.callback

    # wraps() also copies the `csrf_exempt` mark that ninja sets on its views.
    @functools.wraps(view)
    def answer_in_json(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase = view(request, *args, **kwargs)
        if response.status_code != HTTPStatus.METHOD_NOT_ALLOWED:
            return response
        allowed = response.get("Allow", "")
        refusal = error_response(
            405, error_body("method_not_allowed", f"this path accepts only {allowed}")
        )
        refusal["Allow"] = allowed
        return refusal

    return URLPattern(pattern.pattern, answer_in_json, pattern.default_args, pattern.name)


api = TactfulApi(
    title="Tactful API",
    version="1",
    description=(
        "Loans, payments and (later) contact permits for integrators. "
        "Authenticate with an API key; every error is `{code, message, fields}`."
    ),
    urls_namespace="api",
    parser=JsonBodyParser(),
    # Swagger UI comes from ninja's bundled static files (ninja is an installed app), never
    # a CDN: lenders run air-gapped. A key typed into it is not kept in the browser.
    docs=Swagger(settings={"persistAuthorization": False}),
)
install_error_handlers(api)
api.add_router("/borrowers", borrowers_router, tags=["borrowers"])
api.add_router("/loans", loans_router, tags=["loans"])
api.add_router("/recordings", recordings_router, tags=["recordings"])
api.add_router("/repayment", repayment_router, tags=["repayment"])
api.add_router("/complaints", complaints_router, tags=["complaints"])
# Permits, recipients' next allowed time, and borrowers' recipients: paths under several roots.
api.add_router("", contacts_router, tags=["permits"])
# Notices, and borrowers' consents and emergency contacts: paths under /consent and /borrowers.
api.add_router("", consent_router, tags=["consent"])
# Borrowers' rights passed on by the lender, and their contact record: paths under /borrowers.
api.add_router("", rights_router, tags=["rights"])
api.add_router("", verifications_router, tags=["verifications"])
