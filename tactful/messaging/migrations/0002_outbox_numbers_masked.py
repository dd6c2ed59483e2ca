"""Mask the numbers the demo outbox kept in clear before it stored them masked."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

# As tactful.privacy.masking.mask_phone shows a number, frozen here: a migration must
# not change when the application code does.
_MASK = "****"


def _masked(number: str) -> str:
    import phonenumbers

    try:
        national = phonenumbers.national_significant_number(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        national = number.lstrip("+")
    if len(national) < 9:
        return _MASK + national[-2:]
    return national[:3] + _MASK + national[-4:]


def mask_numbers(apps: Any, schema_editor: Any) -> None:
    outbox = apps.get_model("messaging", "OutboxMessage")
    for row in outbox.objects.exclude(to__contains=_MASK).only("pk", "to"):
        row.to = _masked(row.to)
        row.save(update_fields=["to"])


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="outboxmessage",
            name="to",
            field=models.CharField(help_text="The recipient's number, masked.", max_length=20),
        ),
        migrations.RunPython(mask_numbers, migrations.RunPython.noop),
    ]
