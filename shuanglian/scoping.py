"""The one answer to "what may this user see or change".

A scope is resolved once per request from the user's role:

- superuser: everything (the province office sees as much through its area, the province);
- office, leader or inspection group at an area: that area and everything below it (by code
  prefix); offices change, leaders read, the inspection group reads and reviews anomaly flags;
- unit administrator: the unit, its cadres, its paired villages and their households,
  and households paired with its cadres;
- cadre: their own record and the households they are or were paired with.

This module is the ground every app stands on, so it imports none of them. Roles are records of
the pairing app, which resolves a user to a scope (``settings.SHUANGLIAN_SCOPE_RESOLVER``); each
app says which of its records a scope sees in its own ``access.py`` (``visible_households`` in
``households.access``, ``visible_visits`` in ``visits.access``…), with :func:`narrow`. What a unit
or a cadre reaches below the pairing app (villages, households) follows from pairings, so the
resolver hands it down inside the scope (:attr:`Scope.reach`). The decisions a page, the admin or
the API takes on a role ("may this user change records?", "is this the province office?") are
the named functions at the end of this module; nothing else reads a scope's flags (its keys,
the area prefix, unit and cadre, are data the pages use).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Left, Length, Repeat, Right
from django.db.models.lookups import LessThanOrEqual
from django.utils.module_loading import import_string

from shuanglian.helpers import pad_area_code

PROVINCE_PREFIX_LENGTH = 2  # a province's code keeps two significant digits (docs/domain.md §3)


class Reach:
    """What a unit's or a cadre's scope reaches in the registry, as lazy subqueries built where
    pairings are known: the codes of the villages (``village_codes``, a one-column queryset) and
    the households (``households``, a filter on the household table). Each is given as a
    function and built on first use: every signed-in request resolves its scope, few of them
    ask its reach, and building the subqueries costs more than resolving the scope."""

    def __init__(self, *, village_codes: Callable[[], QuerySet], households: Callable[[], Q]):
        self._build_village_codes, self._build_households = village_codes, households

    @cached_property
    def village_codes(self) -> QuerySet:
        return self._build_village_codes()

    @cached_property
    def households(self) -> Q:
        return self._build_households()


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    area_prefix: str | None = None
    unit_id: int | None = None
    cadre_id: int | None = None
    can_change: bool = False
    can_view_id_numbers: bool = False
    can_inspect: bool = False  # review anomaly flags (spot checks): offices and inspection groups
    reach: Reach | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if (self.unit_id or self.cadre_id) and self.reach is None:
            raise ValueError("A unit's or a cadre's scope carries its reach: build it with "
                             "pairing.access.unit_scope / cadre_scope.")

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.area_prefix or self.unit_id or self.cadre_id)


NOTHING = Scope()
EVERYTHING = Scope(everything=True, can_change=True, can_view_id_numbers=True, can_inspect=True)


def scope_for(user) -> Scope:
    """Resolve (and cache on the user object) the scope of a signed-in user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached = getattr(user, "_shuanglian_scope", None)
    if cached is not None:
        return cached
    scope = EVERYTHING if user.is_superuser else import_string(settings.SHUANGLIAN_SCOPE_RESOLVER)(user)
    user._shuanglian_scope = scope
    return scope


def as_scope(user_or_scope) -> Scope:
    """Functions below take a user or a scope already resolved."""
    return user_or_scope if isinstance(user_or_scope, Scope) else scope_for(user_or_scope)


def narrow(qs: QuerySet, user_or_scope, *, area=None, unit=None, cadre=None) -> QuerySet:
    """The part of ``qs`` a scope sees. Each rule turns the scope's key (an area prefix, a unit
    id, a cadre id) into a filter; a scope whose kind has no rule sees nothing."""
    scope = as_scope(user_or_scope)
    if scope.everything:
        return qs
    for key, rule in ((scope.area_prefix, area), (scope.unit_id, unit), (scope.cadre_id, cadre)):
        if key:
            return qs.filter(rule(key)) if rule else qs.none()
    return qs.none()


def editable(user_or_scope, queryset: QuerySet) -> QuerySet:
    """The part of an already-scoped queryset the user may change: all of it, or nothing."""
    return queryset if may_change(user_or_scope) else queryset.none()


# --- personal data --------------------------------------------------------------------------------

# The ID mask: the first six characters (the region) and the last four (sequence and check digit)
# stay, those between (the birth date) become ID_MASK_CHAR; a number of ten characters or fewer
# is masked whole. The rule is written twice, for Python and for the database, from these
# numbers (tests/test_scoping.py holds the two to the same answers).
ID_KEPT_HEAD, ID_KEPT_TAIL = 6, 4


def mask_id_number(value: str) -> str:
    """620502199001010117 → 620502********0117: region and check digits stay, the birth date goes."""
    if not value:
        return value
    if len(value) <= ID_KEPT_HEAD + ID_KEPT_TAIL:
        return settings.ID_MASK_CHAR * len(value)
    return value[:ID_KEPT_HEAD] + settings.ID_MASK_CHAR * (len(value) - ID_KEPT_HEAD - ID_KEPT_TAIL) + value[-ID_KEPT_TAIL:]


def masked_id_number_expression(field_name: str):
    """:func:`mask_id_number` as a database expression over the field ``field_name``, so a list
    of many rows is masked by the query that reads it."""
    mask, value, length = Value(settings.ID_MASK_CHAR), F(field_name), Length(field_name)
    return Case(
        When(**{f"{field_name}__isnull": True}, then=Value(None)),
        When(**{field_name: ""}, then=Value("")),
        When(LessThanOrEqual(length, ID_KEPT_HEAD + ID_KEPT_TAIL), then=Repeat(mask, length)),
        default=Concat(Left(value, ID_KEPT_HEAD), Repeat(mask, length - ID_KEPT_HEAD - ID_KEPT_TAIL),
                       Right(value, ID_KEPT_TAIL), output_field=CharField()),
        output_field=CharField(),
    )


def shown_id_number(user_or_scope, value: str) -> str:
    return value if as_scope(user_or_scope).can_view_id_numbers else mask_id_number(value)


def shown_id_number_expression(user_or_scope, field_name: str):
    """The database's :func:`shown_id_number`: the field itself for a reader allowed full ID
    numbers, else its masked value (annotate a list's query with it)."""
    if as_scope(user_or_scope).can_view_id_numbers:
        return F(field_name)
    return masked_id_number_expression(field_name)


def mask_phone(value: str) -> str:
    """13893800001 → 138****0001."""
    if not value or len(value) < 8:
        return settings.ID_MASK_CHAR * len(value or "")
    return value[:3] + settings.ID_MASK_CHAR * (len(value) - 7) + value[-4:]


def shown_phone(user_or_scope, value: str) -> str:
    return value if as_scope(user_or_scope).can_view_id_numbers else mask_phone(value)


# Fields that hold an ID number, a mobile number or a birth date (the digits an ID mask hides),
# and account names (a cadre's is the ID number). A reader without 可查看完整身份证号 may not
# filter, search or sort by them anywhere: a prefix lookup answers "yes" or "no" and brings the
# hidden digits back one request at a time.
PERSONAL_FIELDS = frozenset({"id_number", "head_id_number", "phone", "birth_date", "username"})


def names_personal_field(path: str) -> bool:
    """Whether a lookup path (``household__head_id_number__startswith``) passes a personal field."""
    return any(part.lstrip("=^@$") in PERSONAL_FIELDS for part in path.split("__"))


def may_look_up_personal_fields(user_or_scope) -> bool:
    return as_scope(user_or_scope).can_view_id_numbers


def shown_birth_date(user_or_scope, value):
    """The birth date to those who may see full ID numbers; to the others only the year, since
    the date is exactly the eight digits the mask hides."""
    if value is None or as_scope(user_or_scope).can_view_id_numbers:
        return value
    return value.year


_ID_NUMBER_SHAPE = re.compile(r"\d{17}[\dXx]|\d{15}")
_PHONE_SHAPE = re.compile(r"1\d{10}")


def display_username(reader, user) -> str:
    """An account name as ``reader`` may see it. A cadre's account is named by the ID number
    (and someone may have chosen a mobile number), so such names are masked like the numbers
    themselves for a reader without 可查看完整身份证号; other names show as they are."""
    name = user.get_username() if user is not None else ""
    if not name or as_scope(reader).can_view_id_numbers:
        return name
    if _ID_NUMBER_SHAPE.fullmatch(name):
        return mask_id_number(name)
    if _PHONE_SHAPE.fullmatch(name):
        return mask_phone(name)
    return name


def display_user(reader, user) -> str:
    """A person as ``reader`` may see them: the full name, else the account name, masked where needed."""
    if user is None:
        return ""
    return user.get_full_name() or display_username(reader, user)


# --- role decisions -----------------------------------------------------------------------------
# Every page, admin and API question about a role is one of these; the flags of a scope are read
# nowhere else.

def sees_everything(user_or_scope) -> bool:
    """The system administrators (the province office is a role over the province's area)."""
    return as_scope(user_or_scope).everything


def is_cadre(user_or_scope) -> bool:
    return bool(as_scope(user_or_scope).cadre_id)


def is_unit_admin(user_or_scope) -> bool:
    return bool(as_scope(user_or_scope).unit_id)


def is_own_unit(user_or_scope, unit_id: int) -> bool:
    """A unit administrator's own unit."""
    return as_scope(user_or_scope).unit_id == unit_id


def is_leader(user_or_scope) -> bool:
    """A role over an area that neither changes records nor inspects: it reads figures."""
    scope = as_scope(user_or_scope)
    return bool(scope.area_prefix) and not (scope.can_change or scope.can_inspect)


def may_change(user_or_scope) -> bool:
    """Offices, unit administrators and the system administrators enter and correct records."""
    return as_scope(user_or_scope).can_change


def may_inspect(user_or_scope) -> bool:
    """Offices and inspection groups review anomaly flags (spot checks)."""
    return as_scope(user_or_scope).can_inspect


def is_office(user_or_scope) -> bool:
    """An office at an area (or the system administrators): it changes the records of its area."""
    scope = as_scope(user_or_scope)
    return scope.everything or (bool(scope.area_prefix) and scope.can_change)


def is_province_office(user_or_scope) -> bool:
    """The system administrators and the office of the province itself, which keep the policies."""
    scope = as_scope(user_or_scope)
    return scope.everything or (
        scope.area_prefix is not None and len(scope.area_prefix) == PROVINCE_PREFIX_LENGTH and scope.can_change)


def sees_full_numbers(user_or_scope) -> bool:
    """Full ID and mobile numbers (可查看完整身份证号)."""
    return as_scope(user_or_scope).can_view_id_numbers


def sees_region(user_or_scope) -> bool:
    """Everything, or an area: the roles that read figures of a whole region (dashboards, reports)."""
    scope = as_scope(user_or_scope)
    return scope.everything or bool(scope.area_prefix)


def governs_area(user_or_scope, code: str) -> bool:
    """An office that governs the area of ``code``: everything, or its subtree by prefix."""
    scope = as_scope(user_or_scope)
    return scope.everything or bool(scope.area_prefix and code.startswith(scope.area_prefix))


def own_area_code(user_or_scope) -> str | None:
    """The 12-digit code of the area a role over an area works at (None for other roles)."""
    scope = as_scope(user_or_scope)
    return pad_area_code(scope.area_prefix) if scope.area_prefix else None


def can_read_audit(user_or_scope) -> bool:
    """The audit trail holds full personal data before and after each change: the system
    administrators and the offices whose role may see full ID numbers read it, within their
    scope; nobody edits it."""
    scope = as_scope(user_or_scope)
    return scope.everything or (scope.can_change and scope.can_view_id_numbers)


# Prefix lengths of an area code by level (docs/domain.md §3), as households.models states them.
_OFFICE_LEVELS = {2: "province", 4: "city", 6: "county", 9: "township", 12: "village"}


def office_level(user_or_scope) -> str | None:
    """The level of the area an office works at (province, city, county, township), None for any
    other role; the system administrators are no level (docs/domain.md §10: the steps of
    identification and exit are taken at a level)."""
    scope = as_scope(user_or_scope)
    if scope.everything or not (scope.area_prefix and scope.can_change):
        return None
    return _OFFICE_LEVELS.get(len(scope.area_prefix))
