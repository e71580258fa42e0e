"""Read tokens: one-row tables whose value database triggers change, in the writing
transaction, with every insert, update or delete (or truncate) of the tables they watch,
whoever writes (services, the admin, cascades, bulk updates, another process).

A process that keeps something built from those tables (`core.token_cache.TokenCache`) reads
the token first and serves what it kept only while the token is unchanged. Migrations create
the triggers with `create_triggers` (PostgreSQL and SQLite).
"""

import secrets

from django.db import connection


def create_triggers(schema_editor, *, token_table: str, tables: tuple[str, ...]) -> None:
    """The token row (id 1) and the triggers that change it when any of `tables` changes."""
    vendor = schema_editor.connection.vendor
    execute = schema_editor.execute
    execute(f"INSERT INTO {token_table} (id, value) VALUES (1, 0)")
    if vendor == "postgresql":
        execute(f"""
            CREATE FUNCTION {token_table}_change() RETURNS trigger AS $$
            BEGIN
                UPDATE {token_table} SET value = floor(random() * 9.0e18)::bigint WHERE id = 1;
                RETURN NULL;
            END $$ LANGUAGE plpgsql""")
        for table in tables:
            execute(f"""
                CREATE TRIGGER {table}_{token_table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
                ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {token_table}_change()""")
    elif vendor == "sqlite":
        for table in tables:
            for operation in ("insert", "update", "delete"):
                execute(f"""
                    CREATE TRIGGER {table}_{token_table}_{operation} AFTER {operation.upper()} ON {table}
                    BEGIN UPDATE {token_table} SET value = random() WHERE id = 1; END""")
    else:
        raise NotImplementedError(f"No read-token triggers for {vendor}")


def drop_triggers(schema_editor, *, token_table: str, tables: tuple[str, ...]) -> None:
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for table in tables:
            execute(f"DROP TRIGGER IF EXISTS {table}_{token_table} ON {table}")
        execute(f"DROP FUNCTION IF EXISTS {token_table}_change()")
    else:
        for table in tables:
            for operation in ("insert", "update", "delete"):
                execute(f"DROP TRIGGER IF EXISTS {table}_{token_table}_{operation}")


def current(model) -> int | None:
    """The token held by `model`'s table; None inside a transaction (its own uncommitted writes
    must not be kept) or when the row is missing (a flushed table: it is put back, so keeping
    resumes with the next read)."""
    if connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {model._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        model.objects.get_or_create(id=1, defaults={"value": secrets.randbits(62)})
        return None
    return row[0]
