from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tactful.accounts.roles import Role
from tactful.time_zones import is_iana_zone


def validate_time_zone(name: str) -> None:
    if not is_iana_zone(name):
        raise ValidationError(_("Give an IANA time zone such as Asia/Shanghai."))


class User(AbstractUser):
    """A member of staff. Borrowers are not users: they sign in with a one-time code."""

    # Where they work: deadlines and times on their pages are shown in this zone.
    # Blank means the installation's zone (SCHEDULE_TIME_ZONE).
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )

    @property
    def audit_actor(self) -> str:
        """How the audit trail and the records' `actor` fields name this member of staff."""
        return f"user:{self.pk}"

    @property
    def zone(self) -> ZoneInfo:
        name = self.time_zone if is_iana_zone(self.time_zone) else settings.SCHEDULE_TIME_ZONE
        return ZoneInfo(name)

    def roles(self) -> set[Role]:
        names = set(self.groups.values_list("name", flat=True))
        return {role for role in Role if role.value in names}

    def has_role(self, *roles: Role) -> bool:
        return self.is_superuser or bool(self.roles() & set(roles))
