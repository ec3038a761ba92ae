"""The two counties of the page tests (tests/web/conftest.py), with their users."""
from tests.web.conftest import counties, fast_passwords, leader, office, unit_admin  # noqa: F401
