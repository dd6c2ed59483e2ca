"""Where a person can turn, per rule pack: regulators, hotlines, legal help, scam reports.

Facts only, each with the body that publishes it; sources are listed in docs/help.md.
The page shows the deployment's pack (GATE_PACK); a pack without an entry shows none
rather than another country's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Resource:
    """One place to turn: who it is, how to reach them, and what they help with."""

    name: str | Promise
    reach: str
    helps_with: str | Promise


RESOURCES: dict[str, tuple[Resource, ...]] = {
    "cn": (
        Resource(
            _("National Financial Regulatory Administration (NFRA) consumer hotline"),
            "12378",
            _("Complaints about lenders, including abusive collection."),
        ),
        Resource(
            _("People's Bank of China financial consumer hotline"),
            "12363",
            _("Complaints about payments, credit records and personal financial information."),
        ),
        Resource(
            _("Public legal services hotline (legal aid)"),
            "12348",
            _("Free legal advice, and legal aid if you cannot afford a lawyer."),
        ),
        Resource(
            _("Internet courts (Beijing, Hangzhou, Guangzhou)"),
            "https://www.netcourt.gov.cn",
            _("Filing a case online about an online loan dispute."),
        ),
        Resource(
            _("Spam and harassing messages report centre"),
            "12321",
            _("Reporting harassing calls and text messages."),
        ),
        Resource(_("Police"), "110", _("Threats to you or your family: call at once.")),
    ),
    "us": (
        Resource(
            _("Consumer Financial Protection Bureau (CFPB)"),
            "https://www.consumerfinance.gov/complaint/ · 855-411-2372",
            _("Complaints about debt collectors and lenders."),
        ),
        Resource(
            _("Federal Trade Commission"),
            "https://reportfraud.ftc.gov",
            _("Reporting scams and collectors who break the law."),
        ),
        Resource(
            _("Legal aid"),
            "https://www.lawhelp.org",
            _("Free legal help near you."),
        ),
        Resource(_("Police"), "911", _("Threats to you or your family: call at once.")),
    ),
    "uk": (
        Resource(
            _("Financial Ombudsman Service"),
            "https://www.financial-ombudsman.org.uk · 0800 023 4567",
            _("When the lender's answer to a complaint is not good enough, or takes over 8 weeks."),
        ),
        Resource(
            _("Financial Conduct Authority consumer helpline"),
            "0800 111 6768",
            _("Reporting a firm that treats you unfairly."),
        ),
        Resource(
            _("MoneyHelper (free debt advice)"),
            "https://www.moneyhelper.org.uk · 0800 138 7777",
            _("Free, impartial help with debts."),
        ),
        Resource(
            _("Action Fraud"),
            "https://www.actionfraud.police.uk · 0300 123 2040",
            _("Reporting scams."),
        ),
        Resource(_("Police"), "999", _("Threats to you or your family: call at once.")),
    ),
    "in": (
        Resource(
            _("RBI Integrated Ombudsman"),
            "https://cms.rbi.org.in · 14448",
            _("Complaints about banks and lenders, including recovery agents."),
        ),
        Resource(
            _("National cyber crime helpline"),
            "https://cybercrime.gov.in · 1930",
            _("Reporting scams and threats made online or by phone."),
        ),
        Resource(_("Police"), "112", _("Threats to you or your family: call at once.")),
    ),
    "ph": (
        Resource(
            _("Securities and Exchange Commission"),
            "https://www.sec.gov.ph",
            _("Complaints about lending and financing companies and their collectors."),
        ),
        Resource(
            _("National Privacy Commission"),
            "https://www.privacy.gov.ph",
            _("Complaints about misuse of your contacts or personal data."),
        ),
        Resource(_("Emergency hotline"), "911", _("Threats to you or your family: call at once.")),
    ),
    "id": (
        Resource(
            _("Financial Services Authority (OJK) contact centre"),
            "https://kontak157.ojk.go.id · 157",
            _("Complaints about lenders and their collectors."),
        ),
        Resource(_("Police"), "110", _("Threats to you or your family: call at once.")),
    ),
    "ke": (
        Resource(
            _("Central Bank of Kenya"),
            "https://www.centralbank.go.ke",
            _("Complaints about digital credit providers."),
        ),
        Resource(
            _("Office of the Data Protection Commissioner"),
            "https://www.odpc.go.ke",
            _("Complaints about misuse of your contacts or personal data."),
        ),
        Resource(_("Police"), "999", _("Threats to you or your family: call at once.")),
    ),
}


def resources_for(pack: str) -> tuple[Resource, ...]:
    """Return the places to turn under `pack` (none for a pack without an entry)."""
    return RESOURCES.get(pack, ())
