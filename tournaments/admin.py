"""Tournament admin: every write goes through `tournaments.services`, as the API's do."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.admin import NoWrappingTransaction
from core.errors import DomainError
from tournaments import selectors, services
from tournaments.models import (
    PlacementCorrection,
    Registration,
    Round,
    StandingsSnapshot,
    Tournament,
)
from tournaments.scoring import LOBBY_SIZE


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(f"{field}: {message}" for field, problems in error.message_dict.items()
                             for message in problems)
        return "; ".join(error.messages)
    return str(getattr(error, "detail", error))


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


class RegistrationInline(admin.TabularInline):
    model = Registration
    fields = ("user", "registered_at", "checked_in_at")
    readonly_fields = ("registered_at", "checked_in_at")
    raw_id_fields = ("user",)
    extra = 1


@admin.register(Tournament)
class TournamentAdmin(NoWrappingTransaction, admin.ModelAdmin):
    form = TournamentForm
    inlines = [RegistrationInline]
    list_display = ("name", "status", "participants", "max_participants", "start_date", "guild_id",
                    "standings_link")
    list_filter = ("status",)
    search_fields = ("name", "guild_id")
    actions = ["create_next_round"]

    @admin.action(description="Create the next round")
    def create_next_round(self, request, queryset):
        for tournament in queryset:
            try:
                round_ = services.round_create(tournament_id=tournament.pk)
            except (ValidationError, DomainError) as error:
                self.message_user(request, f"{tournament}: {_error_text(error)}", messages.ERROR)
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
        return [path("<int:tournament_id>/standings/", self.admin_site.admin_view(self.standings_view),
                     name="tournaments_tournament_standings"), *super().get_urls()]

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
                saved = services.tournament_update(tournament_id=obj.pk, changes=changes)
            else:
                saved = services.tournament_create(**changes)
        except (ValidationError, DomainError) as error:  # changed meanwhile by someone else
            self.message_user(request, _error_text(error), messages.ERROR)
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
        except (ValidationError, DomainError) as error:
            self.message_user(request, _error_text(error), messages.ERROR)


class ResultsForm(forms.Form):
    """One lobby's results: a player and a placement per row."""

    lobby = forms.IntegerField(min_value=1, initial=1)

    def __init__(self, *args, players=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "---------"), *((p.id, p.player_name) for p in players)]
        for row in range(1, LOBBY_SIZE + 1):
            self.fields[f"player_{row}"] = forms.TypedChoiceField(
                choices=choices, coerce=int, required=False, label=f"Player {row}")
            self.fields[f"placement_{row}"] = forms.IntegerField(
                required=False, initial=row, label=f"Placement {row}")

    def rows(self):
        return [(self[f"player_{row}"], self[f"placement_{row}"]) for row in range(1, LOBBY_SIZE + 1)]

    def lobbies(self) -> list[dict]:
        placements = [
            {"user_id": self.cleaned_data[f"player_{row}"],
             "placement": self.cleaned_data[f"placement_{row}"] or 0}
            for row in range(1, LOBBY_SIZE + 1) if self.cleaned_data.get(f"player_{row}")
        ]
        return [{"lobby": self.cleaned_data["lobby"], "placements": placements}]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("__str__", "tournament", "number", "status", "lobby_count", "results_link")
    list_filter = ("status",)
    list_select_related = ("tournament",)
    search_fields = ("tournament__name",)
    readonly_fields = ("tournament", "number", "status", "lobbies_summary")
    fields = readonly_fields
    actions = ["seed_lobbies"]

    @admin.action(description="Seed lobbies (snake order from the standings)")
    def seed_lobbies(self, request, queryset):
        for round_ in queryset.select_related("tournament"):
            try:
                services.lobbies_seed(tournament_id=round_.tournament_id, number=round_.number)
            except (ValidationError, DomainError) as error:
                self.message_user(request, f"{round_}: {_error_text(error)}", messages.ERROR)
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
        rows = [(lobby["lobby"], ", ".join(f"{p['placement']}. {p['player_name']}"
                                            for p in lobby["placements"])
                 or ", ".join(p["player_name"] for p in lobby["players"]) + " (no results yet)")
                for lobby in summary["lobbies"]]
        return format_html_join(mark_safe("<br>"), "Lobby {}: {}", rows) or "no lobbies"

    def has_add_permission(self, request):
        return False  # rounds are created from the API or the tournament's flow

    def get_urls(self):
        return [path("<int:round_id>/results/", self.admin_site.admin_view(self.results_view),
                     name="tournaments_round_results"), *super().get_urls()]

    def results_view(self, request, round_id: int):
        """Enter one lobby's results through `results_post`, the API's own validation."""
        round_ = get_object_or_404(Round.objects.select_related("tournament"), pk=round_id)
        if not self.has_change_permission(request, round_):
            return redirect("admin:index")
        registrations = selectors.registration_list(tournament=round_.tournament)
        players = [registration.user for registration in registrations]
        form = ResultsForm(request.POST or None, players=players)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                answer = services.results_post(tournament_id=round_.tournament_id,
                                               number=round_.number, lobbies=form.lobbies(),
                                               by=request.user)
            except (ValidationError, DomainError) as error:
                problems = _error_text(error).split("; ")
            else:
                verb = "corrected" if answer["corrected_lobbies"] else "recorded"
                self.message_user(request, f"Lobby {form.cleaned_data['lobby']} results {verb}.")
                return redirect("admin:tournaments_round_change", round_.pk)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "round": round_, "form": form, "problems": problems,
                   "title": f"Results: {round_}"}
        return TemplateResponse(request, "admin/tournaments/results.html", context)


@admin.register(PlacementCorrection)
class PlacementCorrectionAdmin(admin.ModelAdmin):
    list_display = ("lobby", "corrected_by", "corrected_at")
    list_select_related = ("lobby__round__tournament", "corrected_by")
    readonly_fields = ("lobby", "corrected_by", "corrected_at", "before", "after")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StandingsSnapshot)
class StandingsSnapshotAdmin(admin.ModelAdmin):
    list_display = ("tournament", "created_at", "created_by")
    list_select_related = ("tournament", "created_by")
    readonly_fields = ("tournament", "created_at", "created_by", "data")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from tournaments import placement_admin  # noqa: E402,F401  (the review queue registers itself)
