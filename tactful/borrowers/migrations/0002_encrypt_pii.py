"""Encrypt borrowers' names, national IDs and numbers, and index IDs and numbers.

Reversible: going back writes the plaintext into the columns again (the keys must still be
configured to read them).
"""

from typing import Any

from django.db import migrations, models

import tactful.privacy.fields
from tactful.privacy.crypto import decrypt, is_encrypted


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    # Saving through the encrypted fields encrypts the plaintext and computes the indexes.
    for borrower in apps.get_model("borrowers", "Borrower").objects.all():
        borrower.save(update_fields=["name", "national_id", "national_id_index"])
    for number in apps.get_model("borrowers", "PhoneNumber").objects.all():
        number.save(update_fields=["e164", "e164_index"])


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    plain = {
        "borrowers_borrower": ("name", "national_id"),
        "borrowers_phonenumber": ("e164",),
    }
    with schema_editor.connection.cursor() as cursor:
        for table, columns in plain.items():
            for column in columns:
                cursor.execute(f"SELECT id, {column} FROM {table}")  # noqa: S608
                for row_id, value in cursor.fetchall():
                    text = decrypt(value) if value and is_encrypted(value) else value
                    cursor.execute(
                        f"UPDATE {table} SET {column} = %s WHERE id = %s",  # noqa: S608
                        [text, row_id],
                    )


class Migration(migrations.Migration):
    dependencies = [
        ("borrowers", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="phonenumber",
            name="one_borrower_per_number",
        ),
        migrations.AlterField(
            model_name="borrower",
            name="name",
            field=tactful.privacy.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="borrower",
            name="national_id",
            field=tactful.privacy.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name="phonenumber",
            name="e164",
            field=tactful.privacy.fields.EncryptedTextField(),
        ),
        migrations.AddField(
            model_name="borrower",
            name="national_id_index",
            field=tactful.privacy.fields.BlindIndexField(
                db_index=True, default="", kind="national_id", source="national_id"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="phonenumber",
            name="e164_index",
            field=tactful.privacy.fields.BlindIndexField(null=True, kind="phone", source="e164"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
        migrations.AlterField(
            model_name="phonenumber",
            name="e164_index",
            field=tactful.privacy.fields.BlindIndexField(kind="phone", source="e164"),
        ),
        migrations.AddConstraint(
            model_name="phonenumber",
            constraint=models.UniqueConstraint(
                fields=("e164_index",), name="one_borrower_per_number"
            ),
        ),
    ]
