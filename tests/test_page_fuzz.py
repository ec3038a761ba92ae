"""The pages against hostile input, beside the API's schemathesis run (tests/api/test_fuzz.py).

Every URL pattern of the URL configuration (the role matrix's paths, the open ballot pages and
the admin's lists) is opened by every role of the role matrix, anonymous and the system
administrator included, with query strings no form would send — numbers past any column or
past int()'s limit, digits of other scripts, signs alone, empty values, long text, NUL bytes,
repeated and unknown parameters — and posted the same values in every field of its form (or
in a few common field names where it has none). Bad input is the user's: a 4xx or the page
again with a message, never a 500 nor an exception. Deterministic: a fixed list of values, a
fixed day.
"""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import registered_admins

# Fixtures of the role matrix's worlds: the records of identification and exit (docs/domain.md §10),
# of discipline (§13) and of publicity (§13) that its pages open.
from tests.test_role_matrix import (  # noqa: F401 (fixtures)
    EXEMPT,
    PAGES,
    ROLES,
    _reports,
    _users,
    clock,
    discipline_records,
    procedures,
    publicity_records,
    world,
)
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HOSTILE = [
    "9" * 5000,  # past int()'s 4,300 digits
    "2147483648",  # one past a PostgreSQL integer
    str(2**63),  # one past a 64-bit integer (SQLite, bigint)
    "-99999999999999999999",
    "２０２５",  # full-width digits
    "٢٠٢٥",  # Arabic-Indic digits
    "²",  # a digit to str.isdigit(), not to int()
    "-1",
    "-",
    "",
    "x" * 3000,
    "\x00",
    "1.5",
    "2025-13-45",
]
# Query parameters the pages read, and some they do not.
PARAMETERS = ["year", "round", "notice", "month", "unit", "area", "page", "on", "q", "direction", "kind",
              "status", "period", "next", "start__year", "id__exact", "o", "p", "unknown"]
# Field names to post where a page shows no form.
COMMON_FIELDS = ["code", "year", "month", "unit", "area", "round", "notice", "action", "comment", "level", "summary",
                 "people_helped", "households"]
# The open pages of EXEMPT that take input from anyone, and their paths.
OPEN_PAGES = {
    "ballot-enter": lambda w: reverse("ballot-enter"),
    "ballot-cast": lambda w: reverse("ballot-cast", args=[w["mine"]["round"].ballotcode_set.first().code]),
    "login": lambda w: reverse("login"),
    "password_reset": lambda w: reverse("password_reset"),
}


def _every_url_name() -> set[str]:
    """Every named URL pattern outside the admin (whose lists are walked through its registry)."""
    names = set()

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace != "admin":
                    walk(p.url_patterns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(p.name)

    walk(get_resolver().url_patterns)
    return names


def _paths(world) -> dict[str, str]:
    """The pages of the role matrix (with this county's objects too) and the open pages."""
    mine = {name: path_of(world) for name, path_of in PAGES.items()}
    mine["evaluation-slips-mine"] = reverse("evaluation-slips", args=[world["mine"]["round"].pk])
    mine["reports-submission-mine"] = reverse("reports-submission", args=[world["mine"]["submission"].pk])
    mine["reports-detail-mine"] = reverse("reports-detail", args=[world["mine"]["report"].pk])
    mine["visits-edit-mine"] = reverse("visits-edit", args=[world["mine"]["visit"].pk])
    mine.update({name: path_of(world) for name, path_of in OPEN_PAGES.items()})
    return mine


def test_every_url_is_fuzzed():
    """A new URL is fuzzed as soon as the role matrix has it: the matrix's pages plus the open pages
    cover every URL but the API (fuzzed by schemathesis) and the pages that take no input."""
    not_fuzzed = {"set_language", "logout", "password_change", "password_change_done", "password_reset_done",
                  "password_reset_confirm", "password_reset_complete", "ballot-thanks", "api-token", "api-schema",
                  "api-docs", "api-redoc", "admin-sign-in", "reports-notices-read"}
    not_fuzzed |= {"service-worker", "offline", "sign-out-everywhere"}  # no input; the user's own account
    not_fuzzed |= {"visit-photo"}  # a file by its key, no input (tests/visits/test_photo_view.py)
    api = {n for n in _every_url_name() if n.endswith("-list") or n.endswith("-detail")} - set(PAGES)
    missing = _every_url_name() - set(PAGES) - set(OPEN_PAGES) - not_fuzzed - api
    assert not missing, f"URLs the page fuzzer does not open: {missing}"
    assert not_fuzzed | set(OPEN_PAGES) >= EXEMPT - {"api-token", "api-schema", "api-docs", "api-redoc"} - {"ballot-thanks"}


class Clients:
    """A signed-in client per role (anonymous, the system administrator and the role matrix's)."""

    def __init__(self, world):
        _reports(world)
        users = _users(world)
        users["root"] = get_user_model().objects.create_superuser("root", password=PASSWORD)
        self.roles = {"anonymous": Client()}
        for role, user in users.items():
            c = Client()
            c.force_login(user)
            self.roles[role] = c


@pytest.fixture
def clients(world):
    return Clients(world)


def _outcome(client, method, path, data=None) -> str | None:
    """None when the answer is not a server error; else what went wrong."""
    try:
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data or {})
    except Exception as exc:  # noqa: BLE001 - an exception escaping a view is the failure we look for
        return f"{method} {path[:120]!r}: {type(exc).__name__}: {str(exc)[:200]}"
    if response.status_code >= 500:
        return f"{method} {path[:120]!r}: {response.status_code}"
    return None


def _form_fields(client, path) -> list[str]:
    """The fields of the page's form, as the page renders it (``form`` in its context)."""
    try:
        response = client.get(path)
    except Exception:  # noqa: BLE001 - reported by the GET part of the fuzz
        return []
    names = []
    for context in response.context or []:
        form = context.get("form") if hasattr(context, "get") else None
        if form is not None and hasattr(form, "fields"):
            names = [form.add_prefix(name) for name in form.fields]
            break
    return names


ALL_ROLES = ["anonymous", "root", *ROLES]
GET_ROTATIONS, POST_ROTATIONS = 3, 2
# Repeated parameters, parameters without a value and NUL bytes, in one query string.
ODD_QUERY = "year=1&year=2&round=1&round=x&unit=1&unit=2&notice&month&%00=%00&page=%00"


def _rotation(names: list[str], turn: int) -> list[tuple[str, str]]:
    """Turn ``turn`` gives the j-th name the value ``HOSTILE[turn + j]``: over the turns of all
    roles every name meets every value, with a handful of requests per page and role."""
    return [(name, HOSTILE[(turn + j) % len(HOSTILE)]) for j, name in enumerate(names)]


def test_hostile_query_strings_and_forms_are_never_a_server_error(clients, world):
    """One test for every role and page, so the world is built once: the run stays bounded.
    Pages that differ only by their query string (the role matrix's variants) are posted to once."""
    failures = []
    paths = _paths(world)
    for r, role in enumerate(ALL_ROLES):
        client = clients.roles[role]
        posted = set()
        for name, path in paths.items():
            joiner = "&" if "?" in path else "?"
            requests = [("GET", f"{path}{joiner}{urlencode(_rotation(PARAMETERS, r * GET_ROTATIONS + i))}", None)
                        for i in range(GET_ROTATIONS)]
            requests.append(("GET", f"{path}{joiner}{ODD_QUERY}", None))
            bare = path.split("?")[0]
            if bare not in posted:
                posted.add(bare)
                fields = _form_fields(client, bare) or COMMON_FIELDS
                requests += [("POST", bare, dict(_rotation(fields, r * POST_ROTATIONS + i))) for i in range(POST_ROTATIONS)]
                requests.append(("POST", bare, {field: ["1", "2"] for field in fields}))
            for method, target, data in requests:
                if problem := _outcome(client, method, target, data):
                    failures.append(f"{role} {name}: {problem}")
    assert not failures, "\n".join(failures)


def test_hostile_admin_list_filters_are_never_a_server_error(clients, world):
    failures = []
    for r, role in enumerate(["root", "office", "unit_admin"]):
        client = clients.roles[role]
        for model, _model_admin in registered_admins():
            opts = model._meta
            path = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            for i in range(2):
                query = _rotation(PARAMETERS, r * 2 + i)
                if problem := _outcome(client, "GET", f"{path}?{urlencode(query)}"):
                    failures.append(f"{role} {opts.label}: {problem}")
    assert not failures, "\n".join(failures)


# --- discipline (docs/domain.md §13): the public complaint pages, and the county's own records ---------------

OPEN_PAGES.update({
    "complaint-new": lambda w: reverse("complaint-new"),
    "complaint-receipt": lambda w: reverse("complaint-receipt"),
    "complaint-status": lambda w: reverse("complaint-status"),
})
_paths_before_discipline = _paths


def _paths(world) -> dict[str, str]:  # noqa: F811 (the paths above, and the county's own discipline records)
    paths = _paths_before_discipline(world)
    paths["discipline-complaint-mine"] = reverse("discipline-complaint", args=[world["mine"]["complaint"].pk])
    paths["discipline-inspection-mine"] = reverse("discipline-inspection", args=[world["mine"]["inspection"].pk])
    return paths
