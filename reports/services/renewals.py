"""Records that change the leaders' figures, renewed whichever door wrote them.

The services that write the busy records (trips, stays, hand-overs, steps, imports) renew the
figures of their areas themselves (``shuanglian.freshness``), in bulk where they write in bulk.
The records here are written one at a time and more rarely, some of them by an office in the
admin through the model's validator rather than a service: a pairing's dates corrected, a
household's status, an income, a poor-village flag, a visit policy. Each save or deletion of
one renews the figures of the areas it concerns when the transaction commits, so no door that
saves a row can leave a dashboard counting the old value.

``WATCHED`` says, per model, where its areas are: a field of the row itself, or a path through
its relations (read before a deletion, while the row and its relations still exist), or
``EVERY_AREA`` for rules that may reach any area (a policy, the poverty lines). A row moved to
another village (a household, a unit–village pairing, an income given to another household)
renews both: the stored row's areas are read before the save, unless ``update_fields`` leaves
the fields that lead to them alone. ``ONLY_WHEN`` names the models that matter only through
one field: a cadre counts in other figures only when moved to another unit (whose area decides
the cadre's policy), not when a phone number is corrected.

Rows written in bulk (``bulk_create``, ``QuerySet.update``) send no signals: the services that
write them so renew their areas themselves.
"""
from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from shuanglian import freshness

EVERY_AREA = None

# model → the area code's field on the row, or a lookup path to it, or EVERY_AREA.
WATCHED: dict[str, tuple[str | None, ...]] = {
    "households.Household": ("village_id",),
    "households.Member": ("household__village_id",),  # the resident population
    "households.IncomeRecord": ("household__village_id",),
    "households.HouseholdPlan": ("household__village_id",),
    "households.PoorAreaYear": ("area_id",),
    "households.VillageYear": ("village_id",),
    "households.PovertyLine": (EVERY_AREA,),
    "pairing.HouseholdPairing": ("household__village_id",),
    "pairing.VillagePairing": ("village_id",),
    "pairing.Posting": ("village_id",),
    # Leave lowers the requirement of the cadre wherever the cadre counts: the villages of the
    # cadre's households and postings.
    "pairing.Leave": ("cadre__pairings__household__village_id", "cadre__postings__village_id"),
    # A cadre moved to another unit may fall under another area's policy, in the same villages.
    "pairing.Cadre": ("pairings__household__village_id", "postings__village_id"),
    "pairing.Unit": (EVERY_AREA,),  # its area decides its cadres' policy, wherever they help
    "visits.VisitPolicy": (EVERY_AREA,),  # a cadre's policy is the unit's area's: any village
    "papers.Project": ("village_id",),
    "publicity.TypicalCase": ("area_id",),  # published cases are counted per area
}

# model → the one field whose change alters the figures; other changes renew nothing.
ONLY_WHEN: dict[str, str] = {
    "pairing.Cadre": "unit_id",
    "pairing.Unit": "area_id",
}


def _through(path: str) -> bool:
    return path is not EVERY_AREA and "__" in path


def stored_codes(model, pk, paths) -> tuple[set[str], bool]:
    """The area codes the stored row ``pk`` concerns, and whether it concerns every area."""
    codes: set[str] = set()
    for path in paths:
        if path is EVERY_AREA:
            return codes, True
        codes.update(model._default_manager.filter(pk=pk).values_list(path, flat=True))
    return {c for c in codes if c}, False


def _own_codes(instance, paths) -> tuple[set[str], bool]:
    """As ``stored_codes``, reading the row's own fields from the instance (no query)."""
    if any(_through(p) for p in paths):
        return stored_codes(type(instance), instance.pk, paths)
    if EVERY_AREA in paths:
        return set(), True
    return {c for p in paths if (c := getattr(instance, p))}, False


def _renew(codes: set[str], everything: bool) -> None:
    if everything:
        freshness.touch_subtree(None)
    else:
        freshness.touch_areas(codes)


def _leads(path: str) -> set[str]:
    """The names ``update_fields`` may give for the field a path starts from."""
    first = path.split("__")[0]
    return {first, first.removesuffix("_id"), f"{first}_id"}


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """The stored row's areas, or its watched field, before a save that may change them."""
    label = sender._meta.label
    instance._renewal_before = None
    if raw or instance.pk is None or instance._state.adding:
        return
    if label in ONLY_WHEN:
        field = ONLY_WHEN[label]
        if update_fields is None or _leads(field) & set(update_fields):
            instance._renewal_before = ("field", sender._default_manager.filter(pk=instance.pk)
                                        .values_list(field, flat=True).first())
        return
    paths = [p for p in WATCHED[label] if p is not EVERY_AREA]
    if update_fields is not None:
        paths = [p for p in paths if _leads(p) & set(update_fields)]
    if paths:
        instance._renewal_before = ("codes", stored_codes(sender, instance.pk, paths)[0])


def _after_save(sender, instance, raw=False, created=False, **kwargs):
    if raw:  # fixtures load rows as they are
        return
    label = sender._meta.label
    before = getattr(instance, "_renewal_before", None)
    instance._renewal_before = None
    if label in ONLY_WHEN:
        if created or before is None or before[1] == getattr(instance, ONLY_WHEN[label]):
            return  # a new cadre or unit counts nowhere yet; an unchanged one changes nothing
    codes, everything = _own_codes(instance, WATCHED[label])
    if before is not None and before[0] == "codes":
        codes |= before[1]
    _renew(codes, everything)


def _before_delete(sender, instance, **kwargs):
    """Paths through relations are read while the row and its relations still exist."""
    paths = WATCHED[sender._meta.label]
    if any(_through(p) for p in paths):
        _renew(*stored_codes(sender, instance.pk, paths))


def _after_delete(sender, instance, **kwargs):
    paths = WATCHED[sender._meta.label]
    if not any(_through(p) for p in paths):
        _renew(*_own_codes(instance, paths))


def connect() -> None:
    for label in WATCHED:
        model = apps.get_model(label)
        uid = f"reports.renewals.{label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid)
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid)
