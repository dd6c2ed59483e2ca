"""Read-only admin: runs change only through their workers."""

from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.batches.models import BatchChunk, BatchRun


@admin.register(BatchRun)
class BatchRunAdmin(ReadOnlyAdmin):
    list_display = ("job", "key", "items", "chunks", "created_at", "finished_at")
    list_filter = ("job",)


@admin.register(BatchChunk)
class BatchChunkAdmin(ReadOnlyAdmin):
    list_display = ("run", "number", "leased_by", "leased_at", "tries", "done_at")
    list_filter = ("run__job",)
