"""Read tokens: one-row tables whose value database triggers change, in the writing
transaction, with every insert, update or delete (or truncate) of the tables they watch,
whoever writes (services, the admin, cascades, bulk updates, another process).

A process that keeps something built from those tables (`core.token_cache.TokenCache`) reads
the token first and serves what it kept only while the token is unchanged. Migrations create
the triggers with `create_triggers` (PostgreSQL and SQLite).

Within a request (`together`, opened by `core.middleware.ReadTokensTogetherMiddleware`), the
first token read reads every token table this process has been asked for in one statement, and
the request's next read of another of them answers from that statement, as long as nothing else
ran on the connection in between (a statement may have written: after one, tokens are read
again). A request that checks its user's token and then answers a kept body makes one round
trip for both.
"""

import secrets
from contextlib import contextmanager

from django.db import connection

_known: dict[str, None] = {}  # every token table asked for in this process, in first-asked order


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
    table = model._meta.db_table
    _known.setdefault(table)
    read_together = getattr(connection, "read_tokens_together", None)
    if read_together is not None and table in read_together:
        return read_together.pop(table)
    others = tuple(_known) if read_together is not None else ()  # tuple(): one step, thread-safe
    tables = [table, *(other for other in others if other != table)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT value FROM {name} WHERE id = 1)" for name in tables))
        values = cursor.fetchone()
    if len(tables) > 1:
        read_together.update((name, value) for name, value in zip(tables[1:], values[1:], strict=True)
                             if value is not None)
        if _forget_on_statement not in connection.execute_wrappers:
            connection.execute_wrappers.append(_forget_on_statement)
    if values[0] is None:
        model.objects.get_or_create(id=1, defaults={"value": secrets.randbits(62)})
        return None
    return values[0]


def _forget_on_statement(execute, sql, params, many, context):
    """Drops the tokens read together before any other statement runs (it may write)."""
    _forget(context["connection"])
    return execute(sql, params, many, context)


def _forget(db) -> None:
    db.read_tokens_together.clear()
    if _forget_on_statement in db.execute_wrappers:
        db.execute_wrappers.remove(_forget_on_statement)


@contextmanager
def together():
    """Token reads of the block share one statement (module docstring); for one request."""
    connection.read_tokens_together = {}
    try:
        yield
    finally:
        _forget(connection)
        connection.read_tokens_together = None
