"""What each staff role can do, as shown on the staff home page.

Each later part of Tactful (workbench, oversight, ...) adds its pages here, so the home
page never links to a page that does not exist yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tactful.accounts.models import User
from tactful.accounts.roles import Role


@dataclass(frozen=True)
class StaffLink:
    label: str | Promise
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class StaffArea:
    role: Role
    title: str | Promise
    description: str | Promise
    links: tuple[StaffLink, ...] = ()


TEAM = StaffLink(_("My team"), "staff:team")
TRAINING = StaffLink(_("Training and certificate"), "staff:training")
WORKLIST = StaffLink(_("My worklist"), "staff:work")
TEMPLATES = StaffLink(_("Message templates"), "staff:templates")
CONTACTS = StaffLink(_("Contacts and permits"), "staff:contacts")
RECORDINGS = StaffLink(_("Call recordings"), "staff:recordings")
PLAN = StaffLink(_("Today's contact plan"), "staff:plan")
COMPLAINTS = StaffLink(_("Complaints"), "staff:complaints")
PHONE_COMPLAINT = StaffLink(_("Record a complaint made by phone"), "staff:complaint-new")
RIGHTS_DESK = StaffLink(_("Data-subject rights requests"), "staff:rights-desk")
NOTICES = StaffLink(_("Consent notices"), "staff:notices")
CERTIFICATIONS = StaffLink(_("Collectors' certificates"), "staff:certifications")
PEOPLE = StaffLink(_("Staff and roles"), "staff:people")
API_KEYS = StaffLink(_("API keys"), "staff:api-keys")
REPORTS = StaffLink(_("Reports to the regulator"), "staff:reports")
OVERSIGHT = StaffLink(_("Oversight dashboards"), "staff:oversight")

STAFF_AREAS: tuple[StaffArea, ...] = (
    StaffArea(
        role=Role.COLLECTOR,
        title=_("Collector"),
        description=_(
            "You work the accounts that the strategy gave you. Tactful offers only the "
            "contacts that the rules permit at that moment."
        ),
        links=(WORKLIST, TRAINING, PLAN, CONTACTS, RECORDINGS, PHONE_COMPLAINT),
    ),
    StaffArea(
        role=Role.SUPERVISOR,
        title=_("Supervisor"),
        description=_(
            "You follow your team's work, review the outcomes of contacts and coach collectors."
        ),
        links=(TEAM, WORKLIST, PLAN, CONTACTS, RECORDINGS, TEMPLATES, OVERSIGHT),
    ),
    StaffArea(
        role=Role.COMPLIANCE,
        title=_("Compliance officer"),
        description=_(
            "You review quality findings and complaints, approve rule changes and prepare "
            "reports for regulators."
        ),
        links=(
            PLAN,
            CONTACTS,
            RECORDINGS,
            COMPLAINTS,
            RIGHTS_DESK,
            NOTICES,
            CERTIFICATIONS,
            REPORTS,
            TEMPLATES,
            OVERSIGHT,
        ),
    ),
    StaffArea(
        role=Role.ADMIN,
        title=_("Administrator"),
        description=_(
            "You manage staff accounts and roles, rule packs, message templates and integrations."
        ),
        links=(
            PEOPLE,
            API_KEYS,
            StaffLink(_("Administration"), "admin:index"),
            PLAN,
            CONTACTS,
            COMPLAINTS,
            RIGHTS_DESK,
            NOTICES,
            CERTIFICATIONS,
            REPORTS,
            OVERSIGHT,
        ),
    ),
)


def areas_for(user: User) -> list[StaffArea]:
    """Return the areas of the roles `user` holds (all of them for a superuser)."""
    return [area for area in STAFF_AREAS if user.has_role(area.role)]
