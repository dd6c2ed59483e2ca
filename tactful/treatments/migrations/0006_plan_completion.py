"""A plan's summary moves to its completion row: plans are now built in chunks, and a plan
is shown only once complete. Every plan stored before was built whole, so each gets a
completion carrying its summary, dated when the plan was made."""

import django.db.models.deletion
from django.db import migrations, models


def complete_the_plans_made_whole(apps, schema_editor):
    DailyPlan = apps.get_model("treatments", "DailyPlan")
    PlanCompletion = apps.get_model("treatments", "PlanCompletion")
    PlanCompletion.objects.bulk_create(
        PlanCompletion(plan_id=plan.pk, summary=plan.summary, completed_at=plan.created_at)
        for plan in DailyPlan.objects.all()
    )


def summaries_back(apps, schema_editor):
    DailyPlan = apps.get_model("treatments", "DailyPlan")
    PlanCompletion = apps.get_model("treatments", "PlanCompletion")
    for completion in PlanCompletion.objects.all():
        DailyPlan.objects.filter(pk=completion.plan_id).update(summary=completion.summary)


class Migration(migrations.Migration):
    dependencies = [
        ("treatments", "0005_worklist_order"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlanCompletion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("summary", models.JSONField(default=dict)),
                ("completed_at", models.DateTimeField()),
                (
                    "plan",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="completion",
                        to="treatments.dailyplan",
                    ),
                ),
            ],
            options={
                "verbose_name": "plan completion",
                "verbose_name_plural": "plan completions",
            },
        ),
        migrations.RunPython(complete_the_plans_made_whole, summaries_back),
        migrations.RemoveField(
            model_name="dailyplan",
            name="summary",
        ),
    ]
