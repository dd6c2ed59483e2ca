"""Read-only admin: an issued report is never changed; a new issue is a new row."""

from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.reports.models import IssuedReport


@admin.register(IssuedReport)
class IssuedReportAdmin(ReadOnlyAdmin):
    list_display = ("issued_at", "pack", "month", "language", "issued_by", "pdf_sha256")
    list_filter = ("pack", "language")
    exclude = ("pdf", "xlsx")
