"""The read token of graphics and canvas locks (core.read_tokens), and its triggers."""

from django.db import migrations, models

from core.read_tokens import create_triggers, drop_triggers

WATCHED = {"token_table": "graphics_readtoken", "tables": ("graphics_graphic", "graphics_canvaslock")}



def forwards(apps, schema_editor):
    create_triggers(schema_editor, **WATCHED)


def backwards(apps, schema_editor):
    drop_triggers(schema_editor, **WATCHED)


class Migration(migrations.Migration):
    dependencies = [("graphics", "0002_layers_and_transitions")]

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
