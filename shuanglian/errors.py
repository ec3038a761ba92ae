"""The one error type of the campaign rules.

Services raise ``DomainError`` with Chinese, user-facing messages (optionally per field);
callers present it: forms attach it, the admin shows it, the roster importer collects it as
``SHEET!ROW: message``. Anything else that escapes is a bug.
"""
from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    pass
