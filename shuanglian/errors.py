"""The one error type of the campaign rules.

Services raise ``DomainError`` with Chinese, user-facing messages (optionally per field);
callers present it: forms attach it, the admin shows it, the roster importer collects it as
``SHEET!ROW: message``. Anything else that escapes is a bug.
"""
from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    pass


def add_to_form(form, error: ValidationError) -> None:
    """Show a service's error on a form: per-field messages on the matching field, the rest
    (and messages without a field) on the form itself."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
