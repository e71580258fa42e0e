"""What every admin shares: saving through the services, which open their own transaction."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from core.errors import DomainError

# A refusal a user can act on; PermissionDenied stays a 403.
SERVICE_ERRORS = (DomainError, ValidationError)


def error_text(error: Exception) -> str:
    """A service refusal as one line for an admin message."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(f"{field}: {message}" for field, problems in error.message_dict.items()
                             for message in problems)
        return "; ".join(error.messages)
    return str(getattr(error, "detail", None) or error)


class NoWrappingTransaction:
    """The services open their own durable transaction, so the change form must not wrap
    them in one (Django's admin does by default)."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._delete_view(request, object_id, extra_context)


class ServiceTransactions(NoWrappingTransaction):
    """No wrapping transaction either; and a service refusing after the form's checks (a race)
    is shown as a message instead of an error page."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except SERVICE_ERRORS as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except SERVICE_ERRORS as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
