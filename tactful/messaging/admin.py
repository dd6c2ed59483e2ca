from django.contrib import admin

from tactful.audit.admin import ReadOnlyAdmin
from tactful.messaging.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("purpose", "sent_at")
