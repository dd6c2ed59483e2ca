# The rights requests move to the rights app: the state leaves, the tables stay.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0007_delete_thirdpartycode"),
        ("rights", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="rightsrequestevent",
                    name="request",
                ),
                migrations.DeleteModel(
                    name="RightsRequest",
                ),
                migrations.DeleteModel(
                    name="RightsRequestEvent",
                ),
            ],
            database_operations=[],
        ),
    ]
