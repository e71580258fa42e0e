import re

import pytest
from django.test import Client

from conftest import make_member
from tournaments.models import Placement, PlacementCorrection, Registration, Round, Tournament
from tournaments.tests.builders import record_round, tournament_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Admin pages render without a collected static manifest."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_create_a_tournament_through_the_service_validation(admin_client):
    response = admin_client.post("/admin/tournaments/tournament/add/", {
        "name": "Spring Cup", "description": "", "status": "in_progress", "guild_id": "",
        "scoring": "{}", "registrations-TOTAL_FORMS": "0", "registrations-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert "A new tournament starts in draft or registration." in response.content.decode()
    assert not Tournament.objects.exists()

    response = admin_client.post("/admin/tournaments/tournament/add/", {
        "name": "Spring Cup", "description": "", "status": "draft", "guild_id": "",
        "scoring": '{"points": [10, 6, 3]}', "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    assert Tournament.objects.get().scoring == {
        "points": [10, 6, 3], "tiebreakers": ["top4_plus_firsts", "placement_counts", "latest_round"]}


def test_a_bad_transition_is_refused_in_the_admin(admin_client):
    tournament = Tournament.objects.create(name="Cup")
    response = admin_client.post(f"/admin/tournaments/tournament/{tournament.pk}/change/", {
        "name": "Cup", "description": "", "status": "completed", "guild_id": "", "scoring": "{}",
        "registrations-TOTAL_FORMS": "0", "registrations-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert "Cannot go from draft to completed" in response.content.decode()
    tournament.refresh_from_db()
    assert tournament.status == "draft"


def test_registrations_inline_adds_through_the_service_and_reports_full(admin_client):
    tournament = Tournament.objects.create(name="Cup", status="registration", max_participants=1)
    anna, bert = make_member("anna"), make_member("bert")
    form = {"name": "Cup", "description": "", "status": "registration", "max_participants": "1",
            "guild_id": "", "scoring": "{}", "registrations-TOTAL_FORMS": "2",
            "registrations-INITIAL_FORMS": "0", "registrations-0-user": str(anna.pk),
            "registrations-1-user": str(bert.pk)}

    response = admin_client.post(f"/admin/tournaments/tournament/{tournament.pk}/change/", form,
                                 follow=True)

    assert "The tournament is full (1 participants)." in response.content.decode()
    assert list(Registration.objects.values_list("user__username", flat=True)) == ["anna"]


def test_changelists_use_fixed_queries(admin_client, django_assert_max_num_queries):
    for i in range(3):
        tournament, players = tournament_with_members(16 if i == 0 else 0, name=f"T{i}")
    record_round(tournament, 1, [players[:8], players[8:]])
    for url in ("/admin/tournaments/tournament/", "/admin/tournaments/round/",
                "/admin/tournaments/placementcorrection/", "/admin/tournaments/standingssnapshot/"):
        with django_assert_max_num_queries(12):
            assert admin_client.get(url).status_code == 200


def test_standings_page_shows_the_live_standings(admin_client):
    tournament, players = tournament_with_members(3)
    record_round(tournament, 1, [players])

    response = admin_client.get(f"/admin/tournaments/tournament/{tournament.pk}/standings/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Player 001" in content and "round_1" in content


def results_form(lobby, players, places=None):
    data = {"lobby": str(lobby)}
    for row, player in enumerate(players, start=1):
        data[f"player_{row}"] = str(player.pk)
        data[f"placement_{row}"] = str(places[row - 1] if places else row)
    return data


def test_results_entry_uses_the_api_rules_and_corrects(admin_client, admin_user):
    tournament, players = tournament_with_members(8)
    round_ = Round.objects.create(tournament=tournament, number=1)
    url = f"/admin/tournaments/round/{round_.pk}/results/"

    bad = admin_client.post(url, results_form(1, players[:3], places=[1, 1, 9]))
    content = bad.content.decode()
    assert "Placement 1 is already given to placements[0]." in content
    assert "Placement 9 is out of range 1..3 for this lobby." in content
    assert not Placement.objects.exists()

    assert admin_client.post(url, results_form(1, players)).status_code == 302
    assert Placement.objects.count() == 8
    assert admin_client.post(url, results_form(1, players[::-1])).status_code == 302
    correction = PlacementCorrection.objects.get()
    assert correction.corrected_by == admin_user
    assert admin_client.get(f"/admin/tournaments/placementcorrection/{correction.pk}/change/"
                            ).status_code == 200
    assert admin_client.get(f"/admin/tournaments/round/{round_.pk}/change/").status_code == 200


def test_members_are_searchable_by_name_discord_and_riot_id(admin_client):
    make_member("kira", display_name="Kira the Bold", discord_id="5550001", riot_id="KiraB#EUW")
    for query in ("Bold", "5550001", "KiraB"):
        response = admin_client.get(f"/admin/accounts/user/?q={query}")
        assert "Kira the Bold" in response.content.decode()


def test_admin_actions_create_a_round_and_seed_its_lobbies(admin_client):
    tournament, players = tournament_with_members(16)
    admin_client.post("/admin/tournaments/tournament/", {
        "action": "create_next_round", "_selected_action": [tournament.pk]})
    round_ = Round.objects.get(tournament=tournament)
    assert round_.number == 1

    admin_client.post("/admin/tournaments/round/", {
        "action": "seed_lobbies", "_selected_action": [round_.pk]})
    assert round_.lobbies.count() == 2
    admin_client.post(f"/admin/tournaments/round/{round_.pk}/results/",
                      results_form(1, [seat.user for seat in round_.lobbies.get(number=1).seats.all()]))

    response = admin_client.post("/admin/tournaments/round/", {
        "action": "seed_lobbies", "_selected_action": [round_.pk]}, follow=True)

    assert "Round 1 already has results" in response.content.decode()
    assert Placement.objects.count() == 8


def seated_round(admin_client, players=16):
    tournament, members = tournament_with_members(players)
    admin_client.post(f"/admin/tournaments/tournament/{tournament.pk}/rounds/next/")
    admin_client.post(f"/admin/tournaments/tournament/{tournament.pk}/rounds/1/seed/")
    round_ = Round.objects.get(tournament=tournament)
    return tournament, round_, [seat.user for seat in round_.lobbies.get(number=1).seats.all()]


def options_of(content: str, row: int) -> list[str]:
    """The players a row of the results form offers."""
    select = content.split(f'name="player_{row}"')[1].split("</select>")[0]
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)


def test_tournament_page_links_rounds_standings_results_and_runs_the_next_round(admin_client):
    tournament, round_, seated = seated_round(admin_client)

    page = admin_client.get(f"/admin/tournaments/tournament/{tournament.pk}/change/").content.decode()

    assert f"/admin/tournaments/tournament/{tournament.pk}/standings/" in page
    assert f"/admin/tournaments/round/?tournament__id__exact={tournament.pk}" in page
    assert f"/admin/tournaments/round/{round_.pk}/results/?lobby=1" in page
    assert f"/admin/tournaments/round/{round_.pk}/results/?lobby=2" in page
    assert seated[0].player_name in page and "Create the next round" in page and "Seed lobbies again" in page
    assert admin_client.get(f"/admin/tournaments/tournament/{tournament.pk}/rounds/next/").status_code == 405


def test_results_form_offers_only_the_lobby_players_and_shows_what_is_stored(admin_client, admin_user):
    tournament, round_, seated = seated_round(admin_client)
    url = f"/admin/tournaments/round/{round_.pk}/results/?lobby=1"

    empty = admin_client.get(url).content.decode()
    assert sorted(options_of(empty, 1)) == sorted(p.player_name for p in seated)
    assert 'name="player_9"' not in empty

    admin_client.post(url, {"lobby": "1", **{f"player_{i}": str(p.pk) for i, p in enumerate(seated, 1)},
                            **{f"placement_{i}": str(i) for i in range(1, 9)}})
    stored = admin_client.get(url).content.decode()
    assert f'<option value="{seated[0].pk}" selected>' in stored
    assert 'name="placement_1" value="1"' in stored and 'name="placement_8" value="8"' in stored

    unchanged = admin_client.post(url, {"lobby": "1", **{f"player_{i}": str(p.pk) for i, p in enumerate(seated, 1)},
                                        **{f"placement_{i}": str(i) for i in range(1, 9)}}, follow=True)
    assert "nothing changed" in unchanged.content.decode()
    assert not PlacementCorrection.objects.exists()

    swapped = {"lobby": "1", **{f"player_{i}": str(p.pk) for i, p in enumerate(seated, 1)},
               **{f"placement_{i}": str(i) for i in range(1, 9)}, "placement_1": "2", "placement_2": "1"}
    answer = admin_client.post(url, swapped, follow=True)

    assert "results corrected" in answer.content.decode()
    correction = PlacementCorrection.objects.get()
    assert correction.corrected_by == admin_user
    assert [row["user_id"] for row in correction.before[:2]] == [seated[0].pk, seated[1].pk]
    assert [row["user_id"] for row in correction.after[:2]] == [seated[1].pk, seated[0].pk]


def test_results_form_refuses_a_player_from_another_lobby_and_a_row_without_placement(admin_client):
    tournament, round_, seated = seated_round(admin_client)
    elsewhere = round_.lobbies.get(number=2).seats.first().user
    url = f"/admin/tournaments/round/{round_.pk}/results/?lobby=1"

    foreign = admin_client.post(url, {"lobby": "1", "player_1": str(elsewhere.pk), "placement_1": "1"})
    half = admin_client.post(url, {"lobby": "1", "player_1": str(seated[0].pk), "placement_1": ""})

    assert "Select a valid choice" in foreign.content.decode()
    assert "Give this player a placement, or clear the row." in half.content.decode()
    assert not Placement.objects.exists()
