"""Read-only admin: proposals and approvals change only through the services."""

from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.rulepacks.models import PackApproval, PackProposal


@admin.register(PackProposal)
class PackProposalAdmin(ReadOnlyAdmin):
    list_display = ("reference", "pack", "direction", "proposed_by", "proposed_at")
    list_filter = ("pack", "direction")


@admin.register(PackApproval)
class PackApprovalAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "approved_by", "approved_at", "effective_at")
