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
    # Set when an administrator chose the password: the person replaces it before anything
    # else, so nobody else ever knows the password someone signs in with.
    must_change_password = models.BooleanField(_("must change password"), default=False)

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


class ApiKey(models.Model):
    """A credential of an integrator. Only a digest of the secret is kept.

    Keys are accounts, as staff users are: the API checks them, and the staff pages
    issue and revoke them (docs/adr/0017-api-keys-are-account-records.md). The table
    keeps the name it had when the API owned the model.
    """

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    secret_digest = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "api_apikey"
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
