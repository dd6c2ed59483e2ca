"""API keys become account records (docs/adr/0017-api-keys-are-account-records.md).

The model moves from `api` to `accounts` in Django's state only: the table keeps its
name, `api_apikey`, and not a row or a constraint changes. The content type moves with
it, so the permissions that name it (the admin's "change API key") stay where they are.
"""

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    _relabel(apps, old="api", new="accounts")


def move_content_type_back(apps, schema_editor):
    _relabel(apps, old="accounts", new="api")


def _relabel(apps, *, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label=new, model="apikey").exists():
        return  # already there (created by a migrate run before this one): keep it
    ContentType.objects.filter(app_label=old, model="apikey").update(app_label=new)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_staff_time_zone"),
        # The table is made by the API's migrations: it must exist before it is adopted.
        ("api", "0003_model_names"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiKey",
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
                        ("name", models.CharField(max_length=100)),
                        ("prefix", models.CharField(max_length=12, unique=True)),
                        ("secret_digest", models.CharField(max_length=64)),
                        ("scopes", models.JSONField(default=list)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        ("last_used_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "verbose_name": "API key",
                        "verbose_name_plural": "API keys",
                        "db_table": "api_apikey",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
