"""The `/api/v1` application: one NinjaAPI, with each domain's router mounted on it."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Tactful API",
    version="1",
    description="Loans, payments and (later) contact permits for integrators.",
    urls_namespace="api",
)
