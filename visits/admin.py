from django.contrib import admin

from shuanglian import scoping
from shuanglian.admin_base import PolicyAdmin, ScopedAdmin

from .models import UnitVisit, Visit, VisitPolicy


@admin.register(Visit)
class VisitAdmin(ScopedAdmin):
    visible = scoping.visible_visits
    scoped_fields = {"cadre": scoping.visible_cadres}
    list_display = ("cadre", "start", "end", "stayed", "created_at")
    list_filter = ("stayed", "cadre__unit__level")
    list_select_related = ("cadre",)
    search_fields = ("cadre__name", "=cadre__id_number", "households__number")
    autocomplete_fields = ("cadre", "households")
    date_hierarchy = "start"


@admin.register(UnitVisit)
class UnitVisitAdmin(ScopedAdmin):
    visible = scoping.visible_unit_visits
    scoped_fields = {"unit": scoping.visible_units, "village": scoping.visible_villages, "leader": scoping.visible_cadres}
    list_display = ("unit", "village", "start", "end", "leader", "people")
    list_select_related = ("unit", "village", "leader")
    search_fields = ("unit__name", "unit__code", "village__name", "village__code")
    autocomplete_fields = ("unit", "village", "leader")
    date_hierarchy = "start"


@admin.register(VisitPolicy)
class VisitPolicyAdmin(PolicyAdmin):
    list_display = ("__str__", "subject", "area", "year", "min_visits", "min_days", "per_household_min",
                    "backdate_days", "max_trip_days")
    list_filter = ("subject", "year")
