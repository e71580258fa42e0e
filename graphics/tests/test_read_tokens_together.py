"""A request reads its read tokens in one statement (`core.read_tokens.together`): the user's
token check and a kept graphic cost one round trip together, and a token read together is never
used after something else ran on the connection or after the request ended."""

import pytest
from django.db import connection

from accounts.models import ReadToken as AccountsToken
from conftest import client_for
from core import read_tokens
from graphics.models import Graphic
from graphics.models import ReadToken as GraphicsToken
from graphics.tests.conftest import make_graphic

pytestmark = pytest.mark.django_db(transaction=True)  # tokens are kept only outside transactions


@pytest.fixture(autouse=True)
def _token_rows():
    for model in (AccountsToken, GraphicsToken):  # puts back a row the last test's flush took
        read_tokens.current(model)


def fresh(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {model._meta.db_table} WHERE id = 1")
        return cursor.fetchone()[0]


def test_a_kept_graphic_for_a_kept_user_is_answered_with_one_statement(editor, django_assert_num_queries):
    graphic = make_graphic(editor, title="Standings")
    client = client_for(editor)
    assert client.get(f"/api/v1/graphics/{graphic.pk}").status_code == 200  # keeps user and body

    with django_assert_num_queries(1) as captured:
        answer = client.get(f"/api/v1/graphics/{graphic.pk}")

    assert answer.status_code == 200 and answer.json()["title"] == "Standings"
    assert all(table in captured.captured_queries[0]["sql"]
               for table in (AccountsToken._meta.db_table, GraphicsToken._meta.db_table))


def test_the_next_read_of_a_kept_graphic_sees_a_write_made_outside_the_services(editor):
    graphic = make_graphic(editor, title="Before")
    client = client_for(editor)
    assert client.get(f"/api/v1/graphics/{graphic.pk}").json()["title"] == "Before"

    Graphic.objects.filter(pk=graphic.pk).update(title="After")

    assert client.get(f"/api/v1/graphics/{graphic.pk}").json()["title"] == "After"


def test_a_token_read_together_is_used_only_until_another_statement_runs(editor, django_assert_num_queries):
    graphic = make_graphic(editor)
    with read_tokens.together():
        read_tokens.current(AccountsToken)
        with django_assert_num_queries(0):  # positive control: nothing ran, so it is used
            before = read_tokens.current(GraphicsToken)
        assert before == fresh(GraphicsToken)

        read_tokens.current(AccountsToken)
        Graphic.objects.filter(pk=graphic.pk).update(title="Changed")  # the trigger changes it
        after = read_tokens.current(GraphicsToken)

    assert after != before and after == fresh(GraphicsToken)


def test_tokens_read_together_end_with_the_request(editor):
    graphic = make_graphic(editor)
    with read_tokens.together():
        read_tokens.current(AccountsToken)
        before = read_tokens.current(GraphicsToken)
        read_tokens.current(AccountsToken)  # reads the graphics token again, for later

    Graphic.objects.filter(pk=graphic.pk).update(title="Changed")
    with read_tokens.together():
        after = read_tokens.current(GraphicsToken)
    assert connection.execute_wrappers == []

    assert after != before and after == fresh(GraphicsToken)
