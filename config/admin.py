import json

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from accounts.permissions import LeagueRoleAdmin
from accounts.roles import EDITOR
from config import services
from config.models import Configuration
from core.admin import NoWrappingTransaction
from core.errors import PayloadTooLarge


class JSONValueField(forms.JSONField):
    """A JSON text area: anything `json` accepts, including `null`; empty text is refused."""

    widget = forms.Textarea(attrs={"rows": 16, "cols": 90, "spellcheck": "false",
                                   "style": "font-family: monospace"})

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            if not value.strip():
                raise ValidationError(
                    'Enter a JSON value: null, a number, "text", [...] or {...}.', code="required")
            try:
                json.loads(value, cls=self.decoder)
            except ValueError as error:
                raise ValidationError(f"This is not valid JSON: {error}.", code="invalid")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False, cls=self.encoder)


class ConfigurationForm(forms.ModelForm):
    value = JSONValueField()

    class Meta:
        model = Configuration
        fields = ("key", "category", "description", "value")

    def clean_key(self):
        key = self.cleaned_data["key"]
        services.configuration_key_validate(key)
        return key

    def clean_category(self):
        category = self.cleaned_data["category"]
        services.configuration_category_validate(category)
        return category

    def clean_value(self):
        value = self.cleaned_data["value"]
        try:
            services.configuration_value_validate(value)
        except PayloadTooLarge as error:
            raise ValidationError(error.detail)
        return value


@admin.register(Configuration)
class ConfigurationAdmin(LeagueRoleAdmin, NoWrappingTransaction, admin.ModelAdmin):
    delete_role = EDITOR  # as `DELETE /configuration/{key}`
    form = ConfigurationForm
    list_display = ("key", "category", "value_preview", "description", "updated_at")
    list_filter = ("category",)
    search_fields = ("key", "description")
    ordering = ("category", "key")

    def get_readonly_fields(self, request, obj=None):
        return ("key", "created_at", "updated_at") if obj else ()

    @admin.display(description="value")
    def value_preview(self, obj: Configuration) -> str:
        text = json.dumps(obj.value, ensure_ascii=False)
        return text if len(text) <= 80 else f"{text[:77]}..."

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = services.configuration_update(
                key=obj.key, value=data["value"], description=data["description"],
                category=data["category"])
        else:
            saved = services.configuration_create(
                key=data["key"], value=data["value"], description=data["description"],
                category=data["category"])
        obj.pk, obj.created_at, obj.updated_at = saved.pk, saved.created_at, saved.updated_at

    def delete_model(self, request, obj):
        services.configuration_delete(key=obj.key)

    def delete_queryset(self, request, queryset):
        for key in queryset.values_list("key", flat=True):
            services.configuration_delete(key=key)
