"""The ``tactful report`` command: issue a regulator's monthly report, check a copy of one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tactful.cli import USAGE_ERROR, setup_django

MISMATCH = 1


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``report`` command and its subcommands on `subparsers`."""
    report = subparsers.add_parser("report", help="the regulator's monthly reports")
    commands = report.add_subparsers(dest="report_command", metavar="COMMAND", required=True)
    issue = commands.add_parser(
        "issue",
        help="issue a month's report for a rule pack and write its PDF and workbook",
        description=(
            "Count the month in the pack's time zone, store the PDF and the workbook as "
            "issued and record their SHA-256 digests in the audit chain. Exit 2 for an "
            "unknown pack or language, or a month malformed or not over yet."
        ),
    )
    issue.add_argument("--pack", required=True, help="the rule pack, e.g. cn")
    issue.add_argument("--month", required=True, help="the month, YYYY-MM, ended")
    issue.add_argument("--language", default="zh-hans", help="zh-hans, zh-hant or en")
    issue.add_argument("--out", default=".", help="the folder to write the two files to")
    issue.set_defaults(handler=handle_issue)
    verify = commands.add_parser(
        "verify",
        help="check a copy of a report (PDF or workbook) against the audit chain",
        description=(
            "Exit 0 when the file is a report as issued and its audit event and the chain "
            "verify; 1 when it is not (changed, or never issued)."
        ),
    )
    verify.add_argument("file", help="the report's PDF or XLSX file")
    verify.set_defaults(handler=handle_verify)


def handle_issue(args: argparse.Namespace) -> int:
    setup_django()
    from tactful.errors import InvalidInput
    from tactful.reports.services import issue_report

    try:
        issued = issue_report(
            pack=args.pack, month=args.month, language=args.language, actor="cli:report"
        )
    except InvalidInput as error:
        return _usage("issue", error.message)
    stem = Path(args.out) / f"tactful-report-{issued.pack}-{issued.month:%Y-%m}-{issued.language}"
    for suffix, content, digest in (
        (".pdf", issued.pdf, issued.pdf_sha256),
        (".xlsx", issued.xlsx, issued.xlsx_sha256),
    ):
        path = stem.with_suffix(suffix)
        path.write_bytes(bytes(content))
        print(f"{path}  sha256 {digest}")
    return 0


def handle_verify(args: argparse.Namespace) -> int:
    content = Path(args.file).read_bytes()
    setup_django()
    from tactful.reports.verification import verify_copy

    check = verify_copy(content)
    if not check.matches:
        print(f"Report does NOT match (sha256 {check.digest}): {check.problem}.")
        return MISMATCH
    report = check.report
    assert report is not None
    print(
        f"Report matches the audit chain: the {check.document.upper()} of {report.pack} "
        f"{report.month:%Y-%m} ({report.language}) issued {report.issued_at:%Y-%m-%d %H:%M} "
        f"UTC, event {check.sequence}, sha256 {check.digest}."
    )
    return 0


def _usage(command: str, message: str) -> int:
    print(f"tactful report {command}: error: {message}", file=sys.stderr)
    return USAGE_ERROR
