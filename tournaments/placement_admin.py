"""The review queue in the admin: the screenshot beside the rows the bot read, a dropdown of the
tournament's players per row, approve or reject. It saves through `placement_services`, as the
API does; any league role may look, Editors and Administrators decide."""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.permissions import RolePermissions
from accounts.roles import can_write
from core.errors import DomainError
from tournaments import placement_selectors, placement_services
from tournaments.placement_models import PlacementSubmission, PlayerAlias
from tournaments.scoring import LOBBY_SIZE
from tournaments.selectors import registration_list

Status = PlacementSubmission.Status


LINE = re.compile(r"^edited_placements\[(\d+)\]\.(\w+)$")


def _field_label(field: str) -> str:
    """`edited_placements[1].player_id` as the page shows it: "Line 2, member"."""
    found = LINE.match(field)
    if not found:
        return field
    part = {"player_id": "member"}.get(found.group(2), found.group(2))
    return f"Line {int(found.group(1)) + 1}, {part}"


def _problems(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [message if field in ("placements", "edited_placements", "__all__")
                    else f"{_field_label(field)}: {message}"
                    for field, problems in error.message_dict.items() for message in problems]
        return list(error.messages)
    return [str(getattr(error, "detail", error))]


class LeagueRoles(RolePermissions):
    """The league roles (any role looks, Editor and Administrator decide); submissions come
    from the bot and aliases from reviews, so neither is added by hand, and a submission is
    kept once decided."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request) and can_write(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


def _player_label(player) -> str:
    """A player's name, with the Riot ID when it says more (two players may share a name)."""
    if player.riot_id and player.riot_id != player.player_name:
        return f"{player.player_name} ({player.riot_id})"
    return player.player_name


class ReviewForm(forms.Form):
    """A member and a placement per extracted row, blank rows for what the bot missed."""

    notes = forms.CharField(required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))

    def __init__(self, *args, rows=(), players=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "---------"), *((player.id, _player_label(player)) for player in players)]
        self.row_list = list(rows)
        blanks = max(0, LOBBY_SIZE - len(self.row_list))
        self.lines = []
        for index, row in enumerate([*self.row_list, *([None] * blanks)]):
            self.fields[f"player_{index}"] = forms.TypedChoiceField(
                choices=choices, coerce=int, required=False, label=f"Member {index + 1}",
                initial=row.user_id if row else None)
            self.fields[f"placement_{index}"] = forms.IntegerField(
                required=False, min_value=1, max_value=LOBBY_SIZE,
                initial=row.placement if row else None, label=f"Placement {index + 1}",
                widget=forms.NumberInput(attrs={"style": "width: 4em"}))
            self.lines.append((row, self[f"player_{index}"], self[f"placement_{index}"]))

    def edited_placements(self) -> list[dict]:
        """The rows as the dashboard's review page sends them; emptied lines are left out."""
        edited = []
        for index, (row, _, _) in enumerate(self.lines):
            player = self.cleaned_data.get(f"player_{index}")
            placement = self.cleaned_data.get(f"placement_{index}")
            if player in (None, "") and placement is None:
                continue  # a blank line, or a row the reviewer emptied: left out
            edited.append({"id": row.id if row else None,
                           "player_id": None if player in (None, "") else player,
                           "placement": placement or (row.placement if row else 0)})
        return edited


class ReviewQueueFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("review", "To review"), ("validated", "Validated"), ("rejected", "Rejected"),
                ("all", "All")]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {"selected": (self.value() or "review") == lookup, "display": title,
                   "query_string": changelist.get_query_string({self.parameter_name: lookup})}

    def queryset(self, request, queryset):
        value = self.value() or "review"
        if value == "review":
            return queryset.filter(status__in=[Status.PENDING, Status.PENDING_REVIEW]).order_by(
                "overall_confidence", "-created_at")
        if value in (Status.VALIDATED, Status.REJECTED):
            return queryset.filter(status=value)
        return queryset


@admin.register(PlacementSubmission)
class PlacementSubmissionAdmin(LeagueRoles, admin.ModelAdmin):
    list_display = ("id", "tournament", "round_name", "lobby_number", "status",
                    "overall_confidence", "validation_method", "created_at", "review_link")
    list_filter = (ReviewQueueFilter, "tournament")
    list_select_related = ("tournament",)
    search_fields = ("discord_message_id", "rows__player_name")
    actions = ["reject_selected"]

    @admin.display(description="review")
    def review_link(self, submission):
        return format_html('<a href="{}">{}</a>', reverse(
            "admin:tournaments_placementsubmission_review", args=[submission.pk]),
            "review" if submission.status in (Status.PENDING, Status.PENDING_REVIEW) else "view")

    @admin.action(description="Reject the selected submissions")
    def reject_selected(self, request, queryset):
        if not can_write(request.user):
            raise PermissionDenied
        answer = placement_services.submissions_batch_validate(
            submission_ids=list(queryset.values_list("pk", flat=True)), approved=False,
            notes="Rejected from the admin queue.", by=request.user)
        if answer["success"]:
            self.message_user(request, f"Rejected {len(answer['success'])} submission(s).")
        for failure in answer["failed"]:
            self.message_user(request, f"#{failure['id']}: {failure['error']}", messages.ERROR)

    def get_actions(self, request):
        return super().get_actions(request) if can_write(request.user) else {}

    def get_urls(self):
        return [path("<int:submission_id>/review/", self.admin_site.admin_view(self.review_view),
                     name="tournaments_placementsubmission_review"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:tournaments_placementsubmission_review", object_id)

    def review_view(self, request, submission_id: int):
        """Approve (with the rows as chosen here) or reject one submission, through the same
        services as `POST /placements/validate/{id}`."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        submission = get_object_or_404(PlacementSubmission, pk=submission_id)
        submission = placement_selectors.submission_get(submission_id=submission.pk)
        players = [registration.user
                   for registration in registration_list(tournament=submission.tournament)]
        rows = list(submission.rows.all())
        form = ReviewForm(request.POST or None, rows=rows, players=players)
        open_ = submission.status in (Status.PENDING, Status.PENDING_REVIEW)
        can_decide = open_ and self.has_change_permission(request, submission)
        problems: list[str] = []
        if request.method == "POST":
            if not can_decide:
                raise PermissionDenied
            if form.is_valid():
                notes = form.cleaned_data["notes"]
                try:
                    if "_reject" in request.POST:
                        placement_services.submission_reject(submission_id=submission.pk,
                                                             notes=notes, by=request.user)
                        self.message_user(request, f"Submission {submission.pk} rejected.")
                    else:
                        placement_services.submission_approve(
                            submission_id=submission.pk,
                            edited_placements=form.edited_placements(), notes=notes,
                            by=request.user)
                        self.message_user(request, f"Submission {submission.pk} validated: "
                                                   f"lobby {submission.lobby_number} posted.")
                except (ValidationError, DomainError) as error:
                    problems = _problems(error)
                else:
                    return redirect("admin:tournaments_placementsubmission_changelist")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "submission": submission, "form": form, "problems": problems,
                   "issues": placement_selectors.submission_issues(submission),
                   "can_decide": can_decide, "title": f"Review: {submission}"}
        return TemplateResponse(request, "admin/tournaments/placement_review.html", context)


@admin.register(PlayerAlias)
class PlayerAliasAdmin(LeagueRoles, admin.ModelAdmin):
    list_display = ("alias", "user", "created_by", "created_at")
    list_select_related = ("user", "created_by")
    search_fields = ("alias", "user__username", "user__display_name", "user__riot_id")
    readonly_fields = ("alias", "user", "normalized", "created_by", "created_at")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request) and can_write(request.user)

    def delete_model(self, request, obj):
        placement_services.alias_delete(alias_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for alias_id in queryset.values_list("pk", flat=True):
            placement_services.alias_delete(alias_id=alias_id)
