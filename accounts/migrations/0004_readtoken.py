"""The read token of users, their roles and the role groups (core.read_tokens), and its triggers."""

from django.db import migrations, models

from core.read_tokens import create_triggers, drop_triggers

WATCHED = {"token_table": "accounts_readtoken",
           "tables": ("accounts_user", "accounts_user_groups", "auth_group")}


def forwards(apps, schema_editor):
    create_triggers(schema_editor, **WATCHED)


def backwards(apps, schema_editor):
    drop_triggers(schema_editor, **WATCHED)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_tokens_valid_after")]

    operations = [
        migrations.CreateModel(
            name="ReadToken",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("value", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
