"""Issuing a report: the PDF speaks the chosen language, the workbook has a sheet per
section, the digests are in the audit chain, and a changed copy no longer verifies."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from django.utils import translation
from openpyxl import load_workbook  # type: ignore[import-untyped]
from pypdf import PdfReader

from tactful.audit.models import AuditEvent
from tactful.cli import main
from tactful.contacts.vocabulary import CHANNEL_LABELS, PACK_PLACES
from tactful.errors import InvalidInput
from tactful.reports.models import IssuedReport
from tactful.reports.services import issue_report, sha256
from tactful.reports.verification import verify_copy

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, 2, tzinfo=UTC)
SECTIONS = [
    "summary",
    "contacts",
    "third_parties",
    "complaints",
    "complaint_intake",
    "complaint_outcomes",
    "qa_findings",
    "consent_withdrawals",
    "rights_requests",
]


def _issue(language="zh-hans", **changes):
    return issue_report(
        pack="cn", month="2026-05", language=language, actor="staff:li.compliance", now=NOW
    )


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_the_pdf_is_written_in_chinese_with_the_font_embedded(activity, language):
    issued = _issue(language)

    text = _text(bytes(issued.pdf))
    with translation.override(language):
        sms, place = str(CHANNEL_LABELS["sms"]), str(PACK_PLACES["cn"])
    assert any("\u4e00" <= char <= "\u9fff" for char in sms + place)
    assert sms in text
    assert place in text
    assert "2026-05" in text
    assert "Asia/Shanghai" in text
    fonts = PdfReader(io.BytesIO(bytes(issued.pdf))).pages[0]["/Resources"]["/Font"]
    embedded = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
    assert any(name.endswith("WenQuanYiMicroHei") for name in embedded)


def test_the_workbook_has_a_sheet_per_section_with_the_figures(activity):
    issued = _issue("en")

    workbook = load_workbook(io.BytesIO(bytes(issued.xlsx)))
    assert workbook.sheetnames == ["report", *SECTIONS, "codes"]
    contacts = [list(row) for row in workbook["contacts"].iter_rows(values_only=True)]
    assert contacts[0] == ["channel", "role", "allowed", "denied", "total"]
    assert contacts[1] == ["Channel", "Recipient", "Allowed", "Denied", "Total"]
    assert ["sms", "debtor", 3, 0, 3] in contacts
    assert contacts[-1][0] == "total"
    summary = dict(workbook["summary"].iter_rows(min_row=3, values_only=True))
    assert summary["complaints_received"] == 4
    assert float(summary["complaints_in_time_percent"]) == pytest.approx(66.7)
    about = {row[0]: row[1] for row in workbook["report"].iter_rows(values_only=True)}
    assert (about["pack"], about["month"], about["time_zone"]) == ("cn", "2026-05", "Asia/Shanghai")


def test_each_issue_is_stored_and_its_digests_audited(activity):
    issued = _issue()

    assert issued.pdf_sha256 == sha256(bytes(issued.pdf))
    event = AuditEvent.objects.get(action="report.issued")
    assert event.actor == "staff:li.compliance"
    assert event.object_id == str(issued.pk)
    assert event.payload == {
        "pack": "cn",
        "month": "2026-05",
        "language": "zh-hans",
        "pdf_sha256": issued.pdf_sha256,
        "xlsx_sha256": issued.xlsx_sha256,
    }


def test_a_copy_verifies_and_a_changed_copy_does_not(activity):
    issued = _issue()

    for document in (bytes(issued.pdf), bytes(issued.xlsx)):
        check = verify_copy(document)
        assert check.matches, check.problem
        assert check.report == issued
    pdf = bytes(issued.pdf)
    middle = len(pdf) // 2
    tampered = pdf[:middle] + bytes([pdf[middle] ^ 1]) + pdf[middle + 1 :]
    refused = verify_copy(tampered)
    assert not refused.matches
    assert "no report was issued with this digest" in (refused.problem or "")
    assert not verify_copy(bytes(issued.pdf) + b"\n").matches


def test_a_copy_whose_audit_event_was_rewritten_fails(activity):
    issued = _issue()
    AuditEvent.objects.filter(action="report.issued").update(
        payload={"pack": "cn", "month": "2026-05", "pdf_sha256": issued.pdf_sha256}
    )

    check = verify_copy(bytes(issued.pdf))

    assert not check.matches
    assert "no longer intact" in (check.problem or "")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"language": "fr"}, "unknown_language"),
        ({"pack": "atlantis"}, "unknown_pack"),
        ({"month": "2026/05"}, "bad_month"),
        ({"month": "2026-06"}, "month_not_over"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_issued(changes, code):
    arguments = {"pack": "cn", "month": "2026-05", "language": "en", **changes}

    with pytest.raises(InvalidInput) as refused:
        issue_report(**arguments, actor="test", now=NOW)

    assert refused.value.code == code
    assert not IssuedReport.objects.exists()
    assert not AuditEvent.objects.filter(action="report.issued").exists()


def test_the_command_verifies_a_copy_and_refuses_a_changed_one(activity, tmp_path, capsys):
    issued = _issue()
    copy, changed = tmp_path / "report.pdf", tmp_path / "changed.pdf"
    copy.write_bytes(bytes(issued.pdf))
    changed.write_bytes(bytes(issued.pdf)[:-10])

    assert main(["report", "verify", str(copy)]) == 0
    assert "matches the audit chain" in capsys.readouterr().out
    assert main(["report", "verify", str(changed)]) == 1
    assert "does NOT match" in capsys.readouterr().out
    assert main(["report", "verify", str(tmp_path / "missing.pdf")]) == 2


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["--pack", "atlantis", "--month", "2026-05"], "atlantis"),
        (["--pack", "cn", "--month", "2999-01"], "2999-01"),
        (["--pack", "cn", "--month", "last"], "'last'"),
        (["--pack", "cn", "--month", "2026-05", "--language", "fr"], "'fr'"),
    ],
)
def test_the_command_refuses_bad_input_with_status_2(arguments, named, tmp_path, capsys):
    status = main(["report", "issue", *arguments, "--out", str(tmp_path)])

    assert status == 2
    assert named in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_command_issues_and_writes_both_files(activity, tmp_path, capsys):
    assert (
        main(["report", "issue", "--pack", "cn", "--month", "2026-05", "--out", str(tmp_path)]) == 0
    )

    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == [
        "tactful-report-cn-2026-05-zh-hans.pdf",
        "tactful-report-cn-2026-05-zh-hans.xlsx",
    ]
    assert main(["report", "verify", str(tmp_path / written[1])]) == 0
