# The rights requests move here from the consent app: the state moves, the tables stay.

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("borrowers", "0003_borrower_address"),
        ("consent", "0007_delete_thirdpartycode"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RightsRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "reference",
                            models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                        ),
                        (
                            "subject",
                            models.CharField(
                                choices=[
                                    ("borrower", "Borrower"),
                                    ("third_party", "Someone at a number we hold"),
                                ],
                                default="borrower",
                                max_length=12,
                            ),
                        ),
                        ("phone_index", models.CharField(blank=True, db_index=True, max_length=64)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("access", "See my data"),
                                    ("export", "Download my data"),
                                    ("correction", "Correct my data"),
                                    ("erasure", "Erase my data"),
                                    ("stop_contact", "Stop all contact"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("field", models.CharField(blank=True, max_length=20)),
                        ("value_encrypted", models.TextField(blank=True)),
                        ("note_encrypted", models.TextField(blank=True)),
                        ("requested_at", models.DateTimeField()),
                        ("requested_by", models.CharField(max_length=80)),
                        ("evidence", models.JSONField(blank=True, default=dict)),
                        (
                            "borrower",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="rights_requests",
                                to="borrowers.borrower",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "consent_rightsrequest",
                    },
                ),
                migrations.CreateModel(
                    name="RightsRequestEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("received", "Received"),
                                    ("partly_erased", "Erased in part; the rest is scheduled"),
                                    ("completed", "Completed"),
                                    ("rejected", "Rejected"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("recorded_at", models.DateTimeField()),
                        ("recorded_by", models.CharField(max_length=80)),
                        ("reason", models.TextField(blank=True)),
                        (
                            "request",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="events",
                                to="rights.rightsrequest",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "consent_rightsrequestevent",
                    },
                ),
                migrations.AddConstraint(
                    model_name="rightsrequest",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("borrower__isnull", False), ("subject", "borrower")),
                            models.Q(
                                ("borrower__isnull", True),
                                ("subject", "third_party"),
                                models.Q(("phone_index", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="rights_subject_matches",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
