"""Tournament admin: every write goes through `tournaments.services`, as the API's do."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from accounts.permissions import LeagueRoleAdmin, ReadOnlyAdmin
from accounts.roles import ADMINISTRATOR, EDITOR
from core.admin import SERVICE_ERRORS, ServiceTransactions, error_text
from tournaments import selectors, services
from tournaments.history import revision_changes
from tournaments.models import (
    PlacementCorrection,
    Registration,
    Round,
    StandingsSnapshot,
    Tournament,
)
from tournaments.scoring import LOBBY_SIZE


class TournamentForm(forms.ModelForm):
    class Meta:
        model = Tournament
        fields = services.EDITABLE_FIELDS

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        changes = {field: cleaned.get(field) for field in self.changed_data
                   if field in services.EDITABLE_FIELDS}
        if self.instance.pk is None:
            changes = {field: cleaned.get(field) for field in services.EDITABLE_FIELDS}
        try:
            self.cleaned_changes = services.tournament_validate(
                tournament=self.instance if self.instance.pk else None, changes=changes)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                self.add_error(field if field in self.fields else None, problems)
        return cleaned


class RegistrationInline(LeagueRoleAdmin, admin.TabularInline):
    delete_role = EDITOR  # withdrawing a registration is an Editor's job, as in the API

    model = Registration
    fields = ("user", "registered_at", "checked_in_at")
    readonly_fields = ("registered_at", "checked_in_at")
    raw_id_fields = ("user",)
    extra = 1


@admin.register(Tournament)
class TournamentAdmin(LeagueRoleAdmin, ServiceTransactions, SimpleHistoryAdmin):
    """A tournament's page runs it: its rounds with their lobbies and results, the standings,
    and buttons to create the next round and seat a round's lobbies."""

    delete_role = EDITOR  # as `DELETE /tournaments/{id}`
    form = TournamentForm
    change_form_template = "admin/tournaments/tournament/change_form.html"
    inlines = [RegistrationInline]
    list_display = ("name", "status", "participants", "max_participants", "start_date", "guild_id",
                    "standings_link")
    list_filter = ("status",)
    search_fields = ("name", "guild_id")
    actions = ["create_next_round"]
    object_history_template = "admin/tournaments/tournament/object_history.html"
    object_history_list_template = "admin/tournaments/tournament/object_history_list.html"
    history_list_display = ["status"]

    # History: what each revision changed, who, why; and the results of its lobbies -----------

    def history_view(self, request, object_id, extra_context=None):
        if not str(object_id).isdigit():
            raise Http404("No tournament with this id.")
        extra_context = {**(extra_context or {}),
                         "results_history": selectors.results_history(tournament_id=int(object_id))}
        return super().history_view(request, object_id, extra_context)

    def set_history_delta_changes(self, request, page_obj, *args, **kwargs):
        records = list(page_obj.object_list)
        for newer, older in zip(records, [*records[1:], None], strict=True):
            if older is None and newer.history_type != "+":
                older = newer.prev_record
            newer.what_changed = revision_changes(older, newer)

    def revert_disabled(self, request, obj=None):
        return True  # a tournament changes through its services only (status transitions, scoring)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not (str(object_id).isdigit() and str(version_id).isdigit()):
            raise Http404("No such version of this tournament.")
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.action(description="Create the next round", permissions=["change"])
    def create_next_round(self, request, queryset):
        for tournament in queryset:
            try:
                round_ = services.round_create(tournament_id=tournament.pk, by=request.user)
            except SERVICE_ERRORS as error:
                self.message_user(request, f"{tournament}: {error_text(error)}", messages.ERROR)
            else:
                self.message_user(request, f"{tournament}: {round_.name} created.")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(participant_count=Count("registrations"))

    @admin.display(description="participants", ordering="participant_count")
    def participants(self, tournament):
        return tournament.participant_count

    @admin.display(description="standings")
    def standings_link(self, tournament):
        return format_html('<a href="{}">standings</a>',
                           reverse("admin:tournaments_tournament_standings", args=[tournament.pk]))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:tournament_id>/standings/", view(self.standings_view),
                 name="tournaments_tournament_standings"),
            path("<int:tournament_id>/rounds/next/", view(self.next_round_view),
                 name="tournaments_tournament_next_round"),
            path("<int:tournament_id>/rounds/<int:number>/seed/", view(self.seed_view),
                 name="tournaments_tournament_seed"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        tournament = self.get_object(request, object_id)
        if tournament is not None:
            round_ids = dict(Round.objects.filter(tournament=tournament).values_list("number", "pk"))
            rounds = selectors.rounds_of(tournament=tournament)
            for round_ in rounds:
                round_["pk"] = round_ids[round_["number"]]
                round_["has_results"] = any(lobby["placements"] for lobby in round_["lobbies"])
            extra_context = {**(extra_context or {}), "rounds": rounds,
                             "can_run": self.has_change_permission(request, tournament)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _run(self, request, tournament_id: int, service, done: str, **kwargs):
        """A button of the tournament's page: one service call, its answer as a message."""
        tournament = get_object_or_404(Tournament, pk=tournament_id)
        if not self.has_change_permission(request, tournament):
            raise PermissionDenied
        try:
            service(tournament_id=tournament.pk, by=request.user, **kwargs)
        except SERVICE_ERRORS as error:
            self.message_user(request, error_text(error), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return redirect("admin:tournaments_tournament_change", tournament.pk)

    @method_decorator(require_POST)
    def next_round_view(self, request, tournament_id: int):
        return self._run(request, tournament_id, services.round_create, "The next round is created.")

    @method_decorator(require_POST)
    def seed_view(self, request, tournament_id: int, number: int):
        return self._run(request, tournament_id, services.lobbies_seed,
                         f"Round {number}: lobbies seeded.", number=number)

    def standings_view(self, request, tournament_id: int):
        tournament = get_object_or_404(Tournament, pk=tournament_id)
        if not self.has_view_permission(request, tournament):
            return redirect("admin:index")
        standings = selectors.standings_of(tournament=tournament)
        for row in standings["standings"]:
            row["scores"] = [row["round_scores"].get(name) for name in standings["round_names"]]
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "tournament": tournament, "title": f"Standings: {tournament.name}",
                   "standings": standings}
        return TemplateResponse(request, "admin/tournaments/standings.html", context)

    def save_model(self, request, obj, form, change):
        changes = form.cleaned_changes
        try:
            if change:
                saved = services.tournament_update(tournament_id=obj.pk, changes=changes, by=request.user,
                                                   reason="saved in the admin")
            else:
                saved = services.tournament_create(**changes, by=request.user, reason="created in the admin")
        except SERVICE_ERRORS as error:  # changed meanwhile by someone else
            self.message_user(request, error_text(error), messages.ERROR)
            return
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        """Registrations are added and withdrawn through the services (capacity, duplicates,
        results), one by one; a refused one is reported and the others are kept."""
        formset.save(commit=False)
        for registration in formset.deleted_objects:
            self._call(request, services.registration_delete, tournament_id=form.instance.pk,
                       user_id=registration.user_id)
        for registration in formset.new_objects:
            self._call(request, services.registration_create, tournament_id=form.instance.pk,
                       user_id=registration.user_id)

    def delete_model(self, request, obj):
        services.tournament_delete(tournament_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for tournament_id in queryset.values_list("pk", flat=True):
            services.tournament_delete(tournament_id=tournament_id)

    def _call(self, request, service, **kwargs):
        try:
            service(**kwargs)
        except SERVICE_ERRORS as error:
            self.message_user(request, error_text(error), messages.ERROR)


class ResultsForm(forms.Form):
    """One lobby's results, a player and a placement per row, prefilled with what is stored;
    a row offers only the lobby's players."""

    lobby = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, entry: dict, **kwargs):
        super().__init__(*args, **kwargs)
        placed = [(p["user_id"], p["placement"]) for p in entry["placements"]]
        self.stored = set(placed)
        if entry["seated"] or placed:  # rows of the lobby's players, stored placements first
            placed_ids = {user_id for user_id, _ in placed}
            initial = placed + [(user_id, None) for user_id, _ in entry["players"] if user_id not in placed_ids]
        else:  # nobody seated: any registered member may be picked
            initial = []
        self.row_count = min(len(initial), LOBBY_SIZE) or LOBBY_SIZE
        choices = [("", "---------"), *entry["players"]]
        for row in range(1, self.row_count + 1):
            user_id, placement = initial[row - 1] if row <= len(initial) else (None, None)
            self.fields[f"player_{row}"] = forms.TypedChoiceField(
                choices=choices, coerce=int, required=False, label=f"Player {row}", initial=user_id)
            self.fields[f"placement_{row}"] = forms.IntegerField(
                required=False, label=f"Placement {row}", initial=placement,
                widget=forms.NumberInput(attrs={"min": 1, "max": LOBBY_SIZE, "style": "width: 4em"}))

    def rows(self):
        return [(self[f"player_{row}"], self[f"placement_{row}"]) for row in range(1, self.row_count + 1)]

    def clean(self):
        cleaned = super().clean()
        for row in range(1, self.row_count + 1):
            player, placement = cleaned.get(f"player_{row}"), cleaned.get(f"placement_{row}")
            if player and placement is None:
                self.add_error(f"placement_{row}", "Give this player a placement, or clear the row.")
            elif placement is not None and not player:
                self.add_error(f"player_{row}", "Pick the player of this placement, or clear the row.")
        return cleaned

    def placements(self) -> list[dict]:
        return [{"user_id": self.cleaned_data[f"player_{row}"], "placement": self.cleaned_data[f"placement_{row}"]}
                for row in range(1, self.row_count + 1) if self.cleaned_data.get(f"player_{row}")]

    def changes_something(self) -> bool:
        return {(p["user_id"], p["placement"]) for p in self.placements()} != self.stored


@admin.register(Round)
class RoundAdmin(LeagueRoleAdmin, admin.ModelAdmin):
    list_display = ("__str__", "tournament", "number", "status", "lobby_count", "results_link")
    list_filter = ("status", "tournament")
    list_select_related = ("tournament",)
    search_fields = ("tournament__name",)
    readonly_fields = ("tournament", "number", "status", "lobbies_summary")
    fields = readonly_fields
    actions = ["seed_lobbies"]

    @admin.action(description="Seed lobbies (snake order from the standings)", permissions=["change"])
    def seed_lobbies(self, request, queryset):
        for round_ in queryset.select_related("tournament"):
            try:
                services.lobbies_seed(tournament_id=round_.tournament_id, number=round_.number,
                                      by=request.user)
            except SERVICE_ERRORS as error:
                self.message_user(request, f"{round_}: {error_text(error)}", messages.ERROR)
            else:
                self.message_user(request, f"{round_}: lobbies seeded.")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lobby_total=Count("lobbies"))

    @admin.display(description="lobbies", ordering="lobby_total")
    def lobby_count(self, round_):
        return round_.lobby_total

    @admin.display(description="results")
    def results_link(self, round_):
        return format_html('<a href="{}">enter results</a>',
                           reverse("admin:tournaments_round_results", args=[round_.pk]))

    @admin.display(description="lobbies")
    def lobbies_summary(self, round_):
        [summary] = selectors.rounds_of(tournament=round_.tournament, number=round_.number)
        results = reverse("admin:tournaments_round_results", args=[round_.pk])
        rows = [(lobby["lobby"], ", ".join(f"{p['placement']}. {p['player_name']}"
                                            for p in lobby["placements"])
                 or ", ".join(p["player_name"] for p in lobby["players"]) + " (no results yet)",
                 f"{results}?lobby={lobby['lobby']}")
                for lobby in summary["lobbies"]]
        return format_html_join(mark_safe("<br>"), 'Lobby {}: {} (<a href="{}">results</a>)', rows) or "no lobbies"

    def has_add_permission(self, request, *args):
        return False  # rounds are created from the API or the tournament's page

    def get_urls(self):
        return [path("<int:round_id>/results/", self.admin_site.admin_view(self.results_view),
                     name="tournaments_round_results"), *super().get_urls()]

    def results_view(self, request, round_id: int):
        """Enter or correct one lobby's results through `results_post`, the API's own
        validation; re-posting changed rows records a correction with its before/after."""
        round_ = get_object_or_404(Round.objects.select_related("tournament"), pk=round_id)
        can_save = self.has_change_permission(request, round_)
        if not self.has_view_permission(request, round_) or (request.method == "POST" and not can_save):
            raise PermissionDenied
        lobbies = list(round_.lobbies.values_list("number", flat=True))
        try:
            lobby = int(request.POST.get("lobby") or request.GET.get("lobby") or (lobbies or [1])[0])
        except ValueError:
            lobby = 0
        if lobby < 1:
            self.message_user(request, "Lobbies are numbered from 1.", messages.ERROR)
            return redirect("admin:tournaments_round_results", round_.pk)
        form = ResultsForm(request.POST or None, initial={"lobby": lobby},
                           entry=selectors.lobby_entry(round_=round_, lobby=lobby))
        for field in form.fields.values():
            field.disabled = not can_save  # a Viewer reads the lobby's results
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            if not form.changes_something():
                self.message_user(request, f"Lobby {lobby}: nothing changed.", messages.INFO)
                return redirect("admin:tournaments_round_change", round_.pk)
            try:
                answer = services.results_post(tournament_id=round_.tournament_id, number=round_.number,
                                               lobbies=[{"lobby": lobby, "placements": form.placements()}],
                                               by=request.user)
            except SERVICE_ERRORS as error:
                problems = error_text(error).split("; ")
            else:
                verb = "corrected (before and after are recorded)" if answer["corrected_lobbies"] else "recorded"
                self.message_user(request, f"Lobby {lobby} results {verb}.", messages.SUCCESS)
                return redirect("admin:tournaments_round_change", round_.pk)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "round": round_, "form": form, "problems": problems, "lobby": lobby, "can_save": can_save,
                   "lobbies": lobbies, "title": f"Results: {round_} lobby {lobby}"}
        return TemplateResponse(request, "admin/tournaments/results.html", context)


@admin.register(PlacementCorrection)
class PlacementCorrectionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("lobby", "corrected_by", "corrected_at")
    list_select_related = ("lobby__round__tournament", "corrected_by")
    readonly_fields = ("lobby", "corrected_by", "corrected_at", "before", "after")


@admin.register(StandingsSnapshot)
class StandingsSnapshotAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    delete_role = ADMINISTRATOR
    list_display = ("tournament", "created_at", "created_by")
    list_select_related = ("tournament", "created_by")
    readonly_fields = ("tournament", "created_at", "created_by", "data")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")


from tournaments import placement_admin  # noqa: E402,F401  (the review queue registers itself)
