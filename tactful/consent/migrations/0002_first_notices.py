"""Publish version 1 of every consent notice, in simplified Chinese, traditional Chinese and English."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone

NOTICES: dict[str, dict[str, tuple[str, str]]] = {
    "own_number_contact": {
        "zh-hans": (
            "在本人号码上联系我",
            "贷款方可在您本人登记的号码上，就您的借款与您联系，且每次联系都须经合规闸门批准。您可随时撤回。",
        ),
        "zh-hant": (
            "在本人號碼上聯絡我",
            "貸款方可在您本人登記的號碼上，就您的借款與您聯絡，且每次聯絡都須經合規閘門批准。您可隨時撤回。",
        ),
        "en": (
            "Contact me on my own numbers",
            "The lender may contact you about your loans on the numbers you registered, and every contact must pass the compliance gate. You can withdraw this at any time.",
        ),
    },
    "designate_emergency_contact": {
        "zh-hans": (
            "指定紧急联系人",
            "您可以指定最多两位紧急联系人。我们会告诉对方为何被指定，且绝不向其透露您的债务。对方可以拒绝。",
        ),
        "zh-hant": (
            "指定緊急聯絡人",
            "您可以指定最多兩位緊急聯絡人。我們會告訴對方為何被指定，且絕不向其透露您的債務。對方可以拒絕。",
        ),
        "en": (
            "Naming emergency contacts",
            "You may name up to two emergency contacts. We tell them why they were named and never tell them about your debt. They may refuse.",
        ),
    },
    "locate_via_emergency_contact": {
        "zh-hans": (
            "通过紧急联系人找到我",
            "仅当连续数日无法联系到您时，贷款方才可请您的紧急联系人转告您与我们联系，绝不提及债务。",
        ),
        "zh-hant": (
            "透過緊急聯絡人找到我",
            "僅當連續數日無法聯絡到您時，貸款方才可請您的緊急聯絡人轉告您與我們聯絡，絕不提及債務。",
        ),
        "en": (
            "Reaching me through my emergency contacts",
            "Only when you cannot be reached for several days may the lender ask your emergency contacts to pass on a request to get in touch, never mentioning the debt.",
        ),
    },
    "channel_sms": {
        "zh-hans": ("短信", "贷款方可通过短信与您联系。"),
        "zh-hant": ("簡訊", "貸款方可透過簡訊與您聯絡。"),
        "en": ("Text messages", "The lender may contact you by text message."),
    },
    "channel_email": {
        "zh-hans": ("电子邮件", "贷款方可通过电子邮件与您联系。"),
        "zh-hant": ("電子郵件", "貸款方可透過電子郵件與您聯絡。"),
        "en": ("E-mail", "The lender may contact you by e-mail."),
    },
    "channel_push": {
        "zh-hans": ("应用推送", "贷款方可通过应用推送通知与您联系。"),
        "zh-hant": ("應用推播", "貸款方可透過應用推播通知與您聯絡。"),
        "en": ("Push notifications", "The lender may contact you by push notification."),
    },
    "auto_debit": {
        "zh-hans": ("自动扣款", "到期时从您授权的账户自动扣除应还金额。您可随时撤回。"),
        "zh-hant": ("自動扣款", "到期時從您授權的帳戶自動扣除應還金額。您可隨時撤回。"),
        "en": (
            "Automatic repayment",
            "On each due date the amount due is taken from the account you authorised. You can withdraw this at any time.",
        ),
    },
    "agency_sharing": {
        "zh-hans": (
            "向指定催收机构提供信息",
            "经您单独同意，贷款方可将处理您借款所需的信息提供给下列指定的委外催收机构（个人信息保护法第二十三条）。",
        ),
        "zh-hant": (
            "向指定催收機構提供資訊",
            "經您單獨同意，貸款方可將處理您借款所需的資訊提供給下列指定的委外催收機構（個人資訊保護法第二十三條）。",
        ),
        "en": (
            "Sharing with a named collection agency",
            "With your separate consent, the lender may share what is needed to handle your loan with the collection agency named here (PIPL art. 23).",
        ),
    },
    "emergency_contact": {
        "zh-hans": (
            "担任紧急联系人",
            "有人将您指定为紧急联系人。只有在无法联系到对方时，我们才会请您转告对方与我们联系。我们绝不会向您透露对方的债务，也不会要求您代为还款。您可随时拒绝。",
        ),
        "zh-hant": (
            "擔任緊急聯絡人",
            "有人將您指定為緊急聯絡人。只有在無法聯絡到對方時，我們才會請您轉告對方與我們聯絡。我們絕不會向您透露對方的債務，也不會要求您代為還款。您可隨時拒絕。",
        ),
        "en": (
            "Being an emergency contact",
            "Someone named you as their emergency contact. Only if they cannot be reached will we ask you to pass on a request to get in touch. We will never tell you about their debt or ask you to pay. You can refuse at any time.",
        ),
    },
}


def publish(apps: Any, schema_editor: Any) -> None:
    notice_model = apps.get_model("consent", "NoticeVersion")
    translation_model = apps.get_model("consent", "NoticeTranslation")
    now = timezone.now()
    for purpose, texts in NOTICES.items():
        notice = notice_model.objects.create(purpose=purpose, version=1, published_at=now)
        for language, (title, text) in texts.items():
            translation_model.objects.create(
                notice=notice, language=language, title=title, text=text
            )


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]
    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
