"""The link to the plan page that the staff home shows (its words live in this app)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PLAN_LINK_LABEL = _("Today's contact plan")
PLAN_URL_NAME = "web:treatments-plan"
