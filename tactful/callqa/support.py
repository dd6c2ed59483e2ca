"""Support resources shown when a borrower's words signal distress, in their language.

These are the public crisis lines a collector or supervisor can give the person. A lender
must check them for its own jurisdiction; they are data, kept here so every page shows the
same ones.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SupportResources:
    language: str
    heading: str
    lines: tuple[str, ...]


_RESOURCES: dict[str, SupportResources] = {
    "zh-hans": SupportResources(
        "zh-hans",
        "如果您感到痛苦或有伤害自己的想法，请马上寻求帮助：",
        (
            "全国心理援助热线：12356（24小时）",
            "遇到紧急危险请拨打 110 或 120。",
            "您的还款已暂停，我们不会再就此联系您，直到有同事与您确认情况。",
        ),
    ),
    "zh-hant": SupportResources(
        "zh-hant",
        "如果您感到痛苦或有傷害自己的念頭，請馬上尋求協助：",
        (
            "台灣：衛福部安心專線 1925（24小時）",
            "香港：撒瑪利亞防止自殺會 2389 2222（24小時）",
            "遇到緊急危險請撥打當地緊急電話。",
            "您的還款已暫停，在同事與您確認情況之前，我們不會再為此聯絡您。",
        ),
    ),
    "en": SupportResources(
        "en",
        "If you are in pain or thinking of harming yourself, please reach out now:",
        (
            "In the United States: call or text 988 (Suicide & Crisis Lifeline, 24 hours).",
            "Elsewhere: call your local emergency number or a local crisis line.",
            "Collection on your account is paused; we will not contact you about it until a "
            "colleague has checked in with you.",
        ),
    ),
}


def support_resources(language: str) -> SupportResources:
    """Return the resources in `language` (a Django language code); simplified Chinese else."""
    return _RESOURCES.get(language.lower(), _RESOURCES["zh-hans"])
