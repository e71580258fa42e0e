import pytest

from accounts.models import AuthLog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [3, 60])
def test_auth_log_changelist_lists_attempts_in_fixed_queries(client, admin_user, editor, rows,
                                                             django_assert_max_num_queries):
    for index in range(rows):
        AuthLog.objects.create(user=editor if index % 2 else None, username=f"try-{index}",
                               method="password", ip="10.0.0.1", user_agent="bot",
                               success=bool(index % 2))
    client.force_login(admin_user)

    with django_assert_max_num_queries(8):
        response = client.get("/admin/accounts/authlog/")

    assert response.status_code == 200
    assert "try-1" in response.content.decode()


def test_members_are_searchable_by_discord_id(client, admin_user):
    from conftest import make_user

    make_user("someone", discord_id="123456789", display_name="Some One")
    client.force_login(admin_user)

    response = client.get("/admin/accounts/user/", {"q": "123456789"})

    assert response.status_code == 200
    assert "someone" in response.content.decode()
