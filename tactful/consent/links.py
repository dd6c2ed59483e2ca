"""The link to the rights desk that the staff home shows (its words live in this app)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

RIGHTS_DESK_LINK_LABEL = _("Data-subject rights requests")
RIGHTS_DESK_URL_NAME = "web:rights-desk"
