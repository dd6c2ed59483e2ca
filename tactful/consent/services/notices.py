"""Publishing a new version of a consent notice: the words people agree to, in every language.

A notice version is never edited: a change is a new version, published whole (a title and a
text in each of zh-Hans, zh-Hant and en) by a compliance officer or an administrator, and
audited. Consents given under an older version stay tied to the words shown then; the portal
offers the new words from the moment they are published, and a grant citing an older
version is refused (`grant_consent`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tactful.accounts.models import User
from tactful.accounts.roles import Role
from tactful.audit.services import record_event
from tactful.consent.models import ConsentPurpose, NoticeTranslation, NoticeVersion
from tactful.consent.services.consents import LANGUAGES
from tactful.errors import Conflict, InvalidInput, ServiceError

PUBLISHERS = (Role.COMPLIANCE, Role.ADMIN)


class NotAPublisher(ServiceError):
    status = 403

    def __init__(self) -> None:
        super().__init__("not_a_publisher", "only compliance officers publish notices")


MAX_TITLE = 200
MAX_TEXT = 4000


def publish_notice(
    *,
    purpose: str,
    texts: Mapping[str, tuple[str, str]],
    actor: User,
    now: datetime | None = None,
) -> NoticeVersion:
    """Publish the next version of `purpose`'s notice with `texts` (language: (title, text)).

    Refuse (InvalidInput, naming each field) an unknown purpose, a missing or extra language,
    an empty, over-long or non-printable title or text; NotAPublisher for anyone but a
    compliance officer or an administrator; Conflict when the words equal the current
    version's (nothing to publish). Nothing is stored then.
    """
    if not actor.has_role(*PUBLISHERS):
        raise NotAPublisher()
    cleaned = _checked(purpose, texts)
    moment = now or timezone.now()
    with transaction.atomic():
        current = (
            NoticeVersion.objects.select_for_update()
            .filter(purpose=purpose)
            .order_by("-version")
            .first()
        )
        if current is not None and _words(current) == cleaned:
            raise Conflict("notice_unchanged", "these are the words of the current version")
        notice = NoticeVersion.objects.create(
            purpose=purpose,
            version=(current.version + 1) if current is not None else 1,
            published_at=moment,
        )
        NoticeTranslation.objects.bulk_create(
            NoticeTranslation(notice=notice, language=language, title=title, text=text)
            for language, (title, text) in cleaned.items()
        )
        record_event(
            actor=f"user:{actor.pk}",
            action="consent.notice_published",
            target=notice,
            occurred_at=moment,
            payload={"purpose": purpose, "version": notice.version},
        )
    return notice


def _checked(purpose: str, texts: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    errors: dict[str, str] = {}
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = f"one of {', '.join(ConsentPurpose.values)}"
    if not isinstance(texts, Mapping) or set(texts) != LANGUAGES:
        errors["texts"] = f"exactly the languages {', '.join(sorted(LANGUAGES))}"
        raise InvalidInput(errors)
    cleaned: dict[str, tuple[str, str]] = {}
    for language in sorted(LANGUAGES):
        pair = texts[language]
        if not (isinstance(pair, tuple) and len(pair) == 2):
            errors[f"texts.{language}"] = "a title and a text"
            continue
        title, text = (_clean(value) for value in pair)
        for field, value, limit in (("title", title, MAX_TITLE), ("text", text, MAX_TEXT)):
            problem = _problem(value, limit)
            if problem:
                errors[f"texts.{language}.{field}"] = problem
        cleaned[language] = (title, text)
    if errors:
        raise InvalidInput(errors)
    return cleaned


def _clean(value: object) -> str:
    return value.strip().replace("\r\n", "\n") if isinstance(value, str) else ""


def _problem(value: str, limit: int) -> str:
    if not value:
        return "must not be empty"
    if len(value) > limit:
        return f"at most {limit} characters"
    if not all(char.isprintable() or char == "\n" for char in value):
        return "printable text only"
    return ""


def _words(notice: NoticeVersion) -> dict[str, tuple[str, str]]:
    return {row.language: (row.title, row.text) for row in notice.translations.all()}
