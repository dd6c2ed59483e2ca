"""The demo's message library: a payment reminder in three languages, approved by four eyes.

Written by the demo's compliance officer and approved by the second one, through the same
services a lender's officers use; seeded once (in demo mode only, where those staff exist).
"""

from __future__ import annotations

from django.conf import settings

from tactful.accounts.selectors import staff_by_username
from tactful.casework.selectors import all_templates
from tactful.casework.services import approve_template, write_template
from tactful.contacts.packs import configured_pack

REMINDER = {
    "zh-hans": (
        "您好，这里是借款服务中心。您的账户 {loan} 目前应还 {amount_due}。"
        "如果还款有困难，可以在应用内申请分期或暂缓，我们会尽力帮助您。"
    ),
    "zh-hant": (
        "您好，這裡是借款服務中心。您的帳戶 {loan} 目前應還 {amount_due}。"
        "如果還款有困難，可以在應用內申請分期或暫緩，我們會盡力幫助您。"
    ),
    "en": (
        "Hello from the loan service team. {amount_due} is due now on account {loan}. "
        "If paying is hard, you can ask for installments or a pause in the app; we will help."
    ),
}


def seed_demo_templates() -> int:
    """Write and approve the demo's templates unless the pack has some; return how many."""
    if not settings.DEMO_MODE:
        return 0
    pack = configured_pack().name
    author = staff_by_username("compliance")
    approver = staff_by_username("compliance2")
    if author is None or approver is None or all_templates(pack=pack).exists():
        return 0
    for language, body in REMINDER.items():
        template = write_template(
            name="payment_reminder",
            language=language,
            audience="debtor",
            purpose="collection",
            body=body,
            author=author,
            pack=pack,
        )
        approve_template(template=template, approver=approver)
    return len(REMINDER)
