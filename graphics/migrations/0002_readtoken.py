"""The read token of graphics and canvas locks, and the triggers that change it."""

from django.db import migrations, models

TABLES = ("graphics_graphic", "graphics_canvaslock")
OPERATIONS = ("INSERT", "UPDATE", "DELETE")


def create_triggers(apps, schema_editor):
    connection = schema_editor.connection
    execute = schema_editor.execute
    execute("INSERT INTO graphics_readtoken (id, value) VALUES (1, 0)")
    if connection.vendor == "postgresql":
        execute("""
            CREATE FUNCTION graphics_readtoken_change() RETURNS trigger AS $$
            BEGIN
                UPDATE graphics_readtoken SET value = floor(random() * 9.0e18)::bigint WHERE id = 1;
                RETURN NULL;
            END $$ LANGUAGE plpgsql""")
        for table in TABLES:
            execute(f"""
                CREATE TRIGGER {table}_readtoken AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
                ON {table} FOR EACH STATEMENT EXECUTE FUNCTION graphics_readtoken_change()""")
    elif connection.vendor == "sqlite":
        for table in TABLES:
            for operation in OPERATIONS:
                execute(f"""
                    CREATE TRIGGER {table}_readtoken_{operation.lower()} AFTER {operation} ON {table}
                    BEGIN UPDATE graphics_readtoken SET value = random() WHERE id = 1; END""")
    else:
        raise NotImplementedError(f"No read-token triggers for {connection.vendor}")


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_readtoken ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS graphics_readtoken_change()")
    else:
        for table in TABLES:
            for operation in OPERATIONS:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_readtoken_{operation.lower()}")


class Migration(migrations.Migration):
    dependencies = [("graphics", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="ReadToken",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("value", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
