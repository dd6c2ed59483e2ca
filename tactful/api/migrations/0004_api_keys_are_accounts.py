"""API keys are account records now (accounts 0004, docs/adr/0017-api-keys-are-account-records.md).

In Django's state only: the idempotency records point at `accounts.ApiKey`, and the API
forgets its own model. The database is untouched: the foreign key already points at the
table `api_apikey`, which the accounts app now names.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_api_keys_are_accounts"),
        ("api", "0003_model_names"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="idempotentrequest",
                    name="api_key",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="accounts.apikey"
                    ),
                ),
                migrations.DeleteModel(name="ApiKey"),
            ],
            database_operations=[],
        ),
    ]
