"""The monthly reports issued to regulators: the documents as issued, and their digests.

A report is kept exactly as it was handed over (the PDF and the workbook), because the
records it counts may still change (a complaint resolved late, a finding reviewed): a copy
is checked against what was issued, never against a report made again. Each row's digests
are also in the audit event that records its issue (`report.issued`).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from tactful.audit.models import AppendOnlyModel


class IssuedReport(AppendOnlyModel):
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pack = models.CharField(max_length=32)
    # The first day of the month reported, a month of the pack's own calendar.
    month = models.DateField()
    language = models.CharField(max_length=8)
    issued_at = models.DateTimeField()
    issued_by = models.CharField(max_length=80)
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64, db_index=True)
    xlsx = models.BinaryField()
    xlsx_sha256 = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        ordering: ClassVar[list[str]] = ["-issued_at", "-pk"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["pack", "month"])]

    def __str__(self) -> str:
        return f"report {self.pack} {self.month:%Y-%m} {self.language}"
