"""Names read off a screenshot matched to registered members (no database needed)."""

from tournaments.placement_matching import (
    Candidate,
    match_names,
    member_keys,
    normalize,
    search_score,
)


def member(user_id: int, username: str, display_name: str = "", riot_id: str = "",
           aliases=()) -> Candidate:
    return Candidate(user_id=user_id, name=display_name or riot_id or username,
                     keys=frozenset(member_keys(username=username, display_name=display_name,
                                                riot_id=riot_id)),
                     aliases=frozenset(normalize(alias) for alias in aliases))


LOBBY = [
    member(1, "anna", "Anna Banana", "AnnaB#EUW"),
    member(2, "bert", "Bertrand", "Bertie#NA1"),
    member(3, "celine", "Céline", "Celine#GAL"),
    member(4, "dmitri", "Dmitri", "xXDmitriXx#RU1", aliases=["Dima"]),
]


def test_exact_names_match_by_riot_id_game_name_display_name_and_username():
    matches = match_names(["AnnaB#EUW", "Bertie", "CÉLINE", "dmitri"], LOBBY)

    assert [(m.user_id, m.method, m.confidence) for m in matches] == [
        (1, "exact", 100.0), (2, "exact", 100.0), (3, "exact", 100.0), (4, "exact", 100.0)]


def test_case_and_spacing_do_not_matter():
    [match] = match_names(["  anna   BANANA "], LOBBY)
    assert (match.user_id, match.method) == (1, "exact")


def test_an_alias_stored_by_a_reviewer_matches():
    [match] = match_names(["dima"], LOBBY)
    assert (match.user_id, match.method, match.confidence) == (4, "alias", 100.0)


def test_a_misread_name_matches_fuzzily_with_its_score():
    [match] = match_names(["Bertrnad"], LOBBY)

    assert (match.user_id, match.method) == (2, "fuzzy")
    assert 80 <= match.confidence < 100


def test_a_name_nobody_has_matches_no_one():
    [match] = match_names(["Zyxwvut"], LOBBY)
    assert (match.user_id, match.method) == (None, "none")
    assert match.problem == "No registered member matches 'Zyxwvut'."


def test_a_name_two_members_share_exactly_is_ambiguous():
    twins = [member(1, "sam1", "Sam"), member(2, "sam2", "Sam")]

    [match] = match_names(["Sam"], twins)

    assert match.user_id is None
    assert match.problem == "'Sam' is the name of several members: Sam or Sam."


def test_a_misread_name_close_to_two_members_is_ambiguous():
    numbered = [member(1, "p1", "Player 012"), member(2, "p2", "Player 112")]

    [match] = match_names(["Player O12"], numbered)

    assert match.user_id is None
    assert match.problem == "'Player O12' could be Player 012 or Player 112."


def test_a_member_matched_exactly_is_not_offered_to_a_fuzzy_row():
    numbered = [member(1, "p1", "Player 012"), member(2, "p2", "Player 112")]

    exact, fuzzy = match_names(["Player 112", "Player O12"], numbered)

    assert (exact.user_id, exact.method) == (2, "exact")
    assert (fuzzy.user_id, fuzzy.method) == (1, "fuzzy")


def test_search_scores_the_name_itself_highest():
    assert search_score("anna banana", ["Anna Banana", "AnnaB#EUW"]) == 100.0
    assert 60 <= search_score("ann", ["Anna Banana"]) < 100
    assert search_score("zzz", ["Anna Banana"]) < 60
