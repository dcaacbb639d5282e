"""Leads: who changed the status and when, and a withdrawal token of their own.

The token is added nullable, filled for existing leads one by one (a callable default would
give every old row the same value) and then made unique and required.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import advisor.models


def fill_tokens(apps, schema_editor):
    Lead = apps.get_model("advisor", "Lead")
    for lead in Lead.objects.filter(withdraw_token__isnull=True).only("pk"):
        lead.withdraw_token = advisor.models.new_token()
        lead.save(update_fields=["withdraw_token"])


class Migration(migrations.Migration):
    dependencies = [
        ("advisor", "0005_assessment_scenario_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="lead",
            name="status_changed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="status changed"),
        ),
        migrations.AddField(
            model_name="lead",
            name="status_changed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="status changed by",
            ),
        ),
        migrations.AddField(
            model_name="lead",
            name="withdraw_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="lead",
            name="withdraw_token",
            field=models.CharField(
                default=advisor.models.new_token, editable=False, max_length=64, unique=True
            ),
        ),
    ]
