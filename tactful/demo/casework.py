"""The demo's message library: a reminder and a hardship offer in three languages, four eyes.

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


# The way to help rather than pressure: the portal's installments, pause and promise.
HARDSHIP_HELP = {
    "zh-hans": (
        "您好，这里是借款服务中心。如果最近还款有困难，可以在这里申请分期、暂缓或约定还款日："
        "{help_link} 我们不会为此催促您。"
    ),
    "zh-hant": (
        "您好，這裡是借款服務中心。如果最近還款有困難，可以在這裡申請分期、暫緩或約定還款日："
        "{help_link} 我們不會為此催促您。"
    ),
    "en": (
        "Hello from the loan service team. If paying is hard at the moment, you can ask for "
        "installments, a pause or a payment date here: {help_link} We will not press you."
    ),
}
LIBRARY = {"payment_reminder": REMINDER, "hardship_help": HARDSHIP_HELP}


def seed_demo_templates() -> int:
    """Write and approve each demo template the pack lacks; return how many were written."""
    if not settings.DEMO_MODE:
        return 0
    pack = configured_pack().name
    author = staff_by_username("compliance")
    approver = staff_by_username("compliance2")
    if author is None or approver is None:
        return 0
    have = set(all_templates(pack=pack).values_list("name", "language"))
    written = 0
    for name, bodies in LIBRARY.items():
        for language, body in bodies.items():
            if (name, language) in have:
                continue
            template = write_template(
                name=name,
                language=language,
                audience="debtor",
                purpose="collection",
                body=body,
                author=author,
                pack=pack,
            )
            approve_template(template=template, approver=approver)
            written += 1
    return written
