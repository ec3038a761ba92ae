from django.contrib import admin

from shuanglian import scoping
from shuanglian.admin_base import PolicyAdmin, ScopedAdmin

from .models import AnomalyFlag, UnitVisit, Visit, VisitPolicy
from .services import review_flag


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


def visible_flags(scope):
    return AnomalyFlag.objects.filter(visit__in=scoping.visible_visits(scope))


@admin.register(AnomalyFlag)
class AnomalyFlagAdmin(ScopedAdmin):
    """The office's review list: flags never block a record; the office clears or confirms them."""

    visible = visible_flags
    list_display = ("kind", "day", "visit_cadre", "visit", "other", "status", "note", "reviewed_by")
    list_filter = ("status", "kind")
    list_select_related = ("visit__cadre", "other", "reviewed_by")
    search_fields = ("visit__cadre__name", "=visit__cadre__id_number")
    readonly_fields = ("kind", "visit", "other", "day", "reviewed_by")
    fields = ("kind", "visit", "other", "day", "status", "note", "reviewed_by")
    date_hierarchy = "day"
    actions = ["mark_cleared", "mark_confirmed"]

    @admin.display(description="干部", ordering="visit__cadre__name")
    def visit_cadre(self, obj):
        return obj.visit.cadre.name

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        review_flag(flag=obj, status=obj.status, note=obj.note, by=request.user)

    def _review(self, request, queryset, status):
        for flag in queryset:
            review_flag(flag=flag, status=status, note=flag.note, by=request.user)
        self.message_user(request, f"已处理 {queryset.count()} 条异常提示。")

    @admin.action(description="核实无误")
    def mark_cleared(self, request, queryset):
        self._review(request, queryset, AnomalyFlag.Status.CLEARED)

    @admin.action(description="确认有误")
    def mark_confirmed(self, request, queryset):
        self._review(request, queryset, AnomalyFlag.Status.CONFIRMED)
