"""The two counties of the page tests (tests/web/conftest.py), with their users."""
from tests.web.conftest import counties, leader, office, unit_admin  # noqa: F401
