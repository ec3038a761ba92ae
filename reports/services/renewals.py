"""Records that change the leaders' figures, renewed whichever door wrote them.

The services that write the busy records (trips, stays, hand-overs, steps, imports) renew the
figures of their areas themselves (``shuanglian.freshness``). The records here are written
more rarely, some of them by an office in the admin through the model's validator rather than
a service: a pairing's dates corrected, a household's status, an income, a poor-village flag,
a visit policy. Each save or deletion of one renews the figures of the villages it concerns
when the transaction commits, so no door can leave a dashboard counting the old value.

``WATCHED`` says, per model, where its villages are: a field of the row itself (no query), a
path through its relations (one query, before a deletion while the row still exists), or
``EVERY_AREA`` for rules that may reach any area (a policy, the poverty lines). A household
moved to another village renews both: the old village is read before the save.
"""
from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from shuanglian import freshness

EVERY_AREA = None

# model → the village code's field on the row, or a lookup path to it, or EVERY_AREA.
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
    "visits.VisitPolicy": (EVERY_AREA,),  # a cadre's policy is the unit's area's: any village
    "papers.Project": ("village_id",),
}


def villages_of(instance, paths) -> tuple[set[str], bool]:
    """The village codes ``instance`` concerns, and whether it concerns every area."""
    model = type(instance)
    codes: set[str] = set()
    for path in paths:
        if path is EVERY_AREA:
            return codes, True
        if "__" in path:
            codes.update(model._default_manager.filter(pk=instance.pk).values_list(path, flat=True))
        else:
            codes.add(getattr(instance, path))
    return {c for c in codes if c}, False


def _renew(instance, paths, extra=()) -> None:
    codes, everything = villages_of(instance, paths)
    if everything:
        freshness.touch_subtree(None)
    else:
        freshness.touch_areas([*codes, *extra])


def _before_save(sender, instance, raw=False, **kwargs):
    """A household about to move to another village: its old village is renewed too."""
    if raw or instance.pk is None:
        return
    instance._renewal_old_village = (
        sender._default_manager.filter(pk=instance.pk).values_list("village_id", flat=True).first())


def _after_save(sender, instance, raw=False, **kwargs):
    if raw:  # fixtures load rows as they are
        return
    _renew(instance, WATCHED[sender._meta.label], extra=[getattr(instance, "_renewal_old_village", None)])


def _before_delete(sender, instance, **kwargs):
    """Paths through relations are read while the row and its relations still exist."""
    paths = WATCHED[sender._meta.label]
    if any(p and "__" in p for p in paths):
        _renew(instance, paths)


def _after_delete(sender, instance, **kwargs):
    paths = WATCHED[sender._meta.label]
    if not any(p and "__" in p for p in paths):
        _renew(instance, paths)


def connect() -> None:
    for label in WATCHED:
        model = apps.get_model(label)
        uid = f"reports.renewals.{label}"
        post_save.connect(_after_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid)
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid)
    pre_save.connect(_before_save, sender=apps.get_model("households.Household"), dispatch_uid="reports.renewals.moved")
