from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from households.access import visible_areas, visible_households, visible_villages
from households.admin import HouseholdAdmin, PolicyAdmin
from households.models import Household
from shuanglian.admin_base import ReadOnlyInline, ScopedAdmin, adopt, sheet_resource, with_domain_checks
from shuanglian.errors import DomainError

from . import admin_views, roster
from .access import (
    may_keep_leave,
    visible_cadres,
    visible_household_pairings,
    visible_leaves,
    visible_postings,
    visible_team_members,
    visible_units,
    visible_village_pairings,
)
from .models import Cadre, HouseholdPairing, Leave, Posting, QuotaPolicy, Role, Unit, VillagePairing, WorkTeamMember
from .services import pairings, residents, teams


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    visible = visible_units
    scoped_fields = {"area": visible_areas}
    list_display = ("code", "name", "level", "kind", "area", "leadership_size")
    list_filter = ("level", "kind")
    list_select_related = ("area",)
    search_fields = ("code", "name")
    autocomplete_fields = ("area",)
    resource_classes = [sheet_resource(roster.UnitSheet)]

    def check_write(self, form, data):
        pairings.validate_leadership_size(data.get("leadership_size"))


class CadrePairingInline(ReadOnlyInline):
    model = HouseholdPairing
    fk_name = "cadre"
    fields = ("household", "start", "end", "end_reason", "successor")


def cadre_form_checks(form, data):
    from households.services import validate_id_number, validate_mobile

    if "id_number" in data:
        data["id_number"] = validate_id_number(data["id_number"])
    if "phone" in data:
        data["phone"] = validate_mobile(data["phone"])


@admin.register(Cadre)
class CadreAdmin(ScopedAdmin):
    visible = visible_cadres
    scoped_fields = {"unit": visible_units}
    id_fields = ("id_number",)
    list_display = ("name", "id_number", "unit", "rank", "category", "phone")
    list_filter = ("rank", "category", "unit__level")
    list_select_related = ("unit",)
    search_fields = ("name", "=id_number", "unit__name", "unit__code")
    autocomplete_fields = ("unit",)
    fields = ("id_number", "name", "unit", "rank", "category", "phone", "user")
    readonly_fields = ("user",)
    inlines = [CadrePairingInline]
    resource_classes = [sheet_resource(roster.CadreSheet)]

    def check_write(self, form, data):
        cadre_form_checks(form, data)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pairings.ensure_cadre_accounts([obj])


def village_pairing_checks(form, data):
    instance = form.instance
    unit = data.get("unit") or (instance.unit if instance.unit_id else None)
    village = data.get("village") or (instance.village if instance.village_id else None)
    start = data.get("start") or instance.start
    if unit and village and start:
        pairings.check_village_pairing(unit=unit, village=village, start=start, end=data.get("end"), exclude_pk=instance.pk)


@admin.register(VillagePairing)
class VillagePairingAdmin(ScopedAdmin):
    visible = visible_village_pairings
    scoped_fields = {"unit": visible_units, "village": visible_villages}
    list_display = ("unit", "village", "start", "end")
    list_filter = ("unit__level",)
    list_select_related = ("unit", "village")
    search_fields = ("unit__name", "unit__code", "village__name", "village__code")
    autocomplete_fields = ("unit", "village")
    date_hierarchy = "start"
    resource_classes = [sheet_resource(roster.VillagePairingSheet)]

    def check_write(self, form, data):
        village_pairing_checks(form, data)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)  # checked by check_village_pairing in the form
        else:
            adopt(obj, pairings.pair_village(unit=obj.unit, village=obj.village, start=obj.start, end=obj.end,
                                             end_reason=obj.end_reason))


def household_pairing_checks(form, data):
    """The chain rules on the admin form: a new pairing, or an existing one given an end date."""
    instance = form.instance
    cadre = data.get("cadre") or (instance.cadre if instance.cadre_id else None)
    household = data.get("household") or (instance.household if instance.household_id else None)
    start = data.get("start") or instance.start
    if not (cadre and household and start):
        return
    pairings.cadre_may_pair_households(cadre.category, name=f"干部{cadre.name}")
    changed = HouseholdPairing(pk=instance.pk, cadre=cadre, household=household, start=start, end=data.get("end"),
                               successor=instance.successor if instance.successor_id else None)
    facts = pairings.facts_from_db(household, exclude_pk=instance.pk)
    this = pairings.facts_of_unsaved(changed, changed.successor.cadre if changed.successor else None)
    pairings.check_household_pairings(household, facts + [this])


@admin.register(HouseholdPairing)
class HouseholdPairingAdmin(ScopedAdmin):
    visible = visible_household_pairings
    scoped_fields = {"cadre": visible_cadres, "household": visible_households}
    list_display = ("household", "cadre", "cadre_unit", "start", "end", "end_reason", "successor_cadre")
    list_filter = ("cadre__unit__level", "cadre__rank")
    list_select_related = ("household", "cadre__unit", "successor__cadre")
    search_fields = ("household__number", "household__head_name", "cadre__name", "=cadre__id_number")
    autocomplete_fields = ("cadre", "household")
    fields = ("cadre", "household", "start", "end", "end_reason", "successor")
    readonly_fields = ("successor",)
    date_hierarchy = "start"
    actions = ["hand_over"]
    resource_classes = [sheet_resource(roster.HouseholdPairingSheet)]

    @admin.display(description="所在单位", ordering="cadre__unit__code")
    def cadre_unit(self, obj):
        return obj.cadre.unit

    @admin.display(description="接替干部")
    def successor_cadre(self, obj):
        return obj.successor.cadre.name if obj.successor_id else ""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "cadre", "household", "start"] if obj else fields

    def check_write(self, form, data):
        household_pairing_checks(form, data)

    @admin.action(description="交接给接替干部（不脱贫不脱钩）")
    def hand_over(self, request, queryset):
        open_pairings = list(queryset.filter(end__isnull=True)[:2])
        if len(open_pairings) != 1:
            self.message_user(request, "请只选择一条尚未结束的结对进行交接。", messages.WARNING)
            return None
        return redirect(reverse("admin:pairing-hand-over", args=[open_pairings[0].pk]))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("coverage/", view(admin_views.coverage), name="pairing-coverage"),
            path("<int:pk>/hand-over/", view(admin_views.hand_over), name="pairing-hand-over"),
            path("assign/<str:number>/", view(admin_views.assign_cadre), name="pairing-assign"),
            path("roster/upload/", view(admin_views.roster_upload), name="roster-upload"),
            path("roster/imports/<int:pk>/", view(admin_views.roster_import), name="roster-import"),
            path("roster/imports/<int:pk>/problems.xlsx", view(admin_views.roster_import_problems),
                 name="roster-import-problems"),
            path("roster/download/", view(admin_views.roster_download), name="roster-download"),
        ] + super().get_urls()


@admin.register(QuotaPolicy)
class QuotaPolicyAdmin(PolicyAdmin):
    list_display = ("area", "rank", "min_households", "note")
    list_filter = ("rank",)


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    """Roles are granted by the system administrator."""

    list_display = ("user", "kind", "area", "unit", "can_view_id_numbers")
    list_filter = ("kind", "can_view_id_numbers")
    search_fields = ("user__username", "user__first_name", "area__name", "unit__name")
    autocomplete_fields = ("user", "area", "unit")

    def has_module_permission(self, request):
        return request.user.is_superuser

    has_view_permission = has_change_permission = has_add_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_superuser
    )

    def get_form(self, request, obj=None, **kwargs):
        return with_domain_checks(super().get_form(request, obj, **kwargs), role_checks)


def role_checks(form, data):
    pairings.check_role(kind=data["kind"], area=data.get("area"), unit=data.get("unit"))


class HouseholdPairingInline(ReadOnlyInline):
    """Pairings of a household, read on its admin page; changes go through the hand-over action."""

    model = HouseholdPairing
    fields = ("cadre", "start", "end", "end_reason", "successor")


# The registry's household page cannot know pairings (the registry sits below them), so this
# app registers the page again with the household's pairings under it.
admin.site.unregister(Household)


@admin.register(Household)
class PairedHouseholdAdmin(HouseholdAdmin):
    inlines = [*HouseholdAdmin.inlines, HouseholdPairingInline]


def team_member_checks(form, data):
    """The team rules on the admin form: a new membership, or a change of one."""
    instance = form.instance
    unit = data.get("unit") or (instance.unit if instance.unit_id else None)
    village = data.get("village") or (instance.village if instance.village_id else None)
    cadre = data.get("cadre") or (instance.cadre if instance.cadre_id else None)
    start = data.get("start") or instance.start
    if unit and village and cadre and start and data.get("role"):
        teams.check_team_member(unit=unit, village=village, cadre=cadre, role=data["role"], start=start,
                                   end=data.get("end"), exclude_pk=instance.pk)


@admin.register(WorkTeamMember)
class WorkTeamMemberAdmin(ScopedAdmin):
    """A unit's work team for a village (工作小组, docs/domain.md §11), a membership a row."""

    visible = visible_team_members
    scoped_fields = {"unit": visible_units, "village": visible_villages, "cadre": visible_cadres}
    list_display = ("village", "unit", "cadre", "role", "start", "end")
    list_filter = ("role",)
    list_select_related = ("unit", "village", "cadre")
    search_fields = ("unit__name", "unit__code", "village__name", "village__code", "cadre__name")
    autocomplete_fields = ("unit", "village", "cadre")
    fields = ("unit", "village", "cadre", "role", "start", "end")
    date_hierarchy = "start"

    def check_write(self, form, data):
        team_member_checks(form, data)

    def save_model(self, request, obj, form, change):
        adopt(obj, teams.record_team_member(
            unit=obj.unit, village=obj.village, cadre=obj.cadre, role=obj.role, start=obj.start, end=obj.end,
            member=WorkTeamMember.objects.get(pk=obj.pk) if change else None))


# --- 驻村 and 请假 (docs/domain.md §11) ------------------------------------------------------------



def _current(form, data, name):
    instance = form.instance
    return data.get(name) or (getattr(instance, name) if getattr(instance, f"{name}_id", None) else None)


@admin.register(Posting)
class PostingAdmin(ScopedAdmin):
    """A unit's resident on a village's work team, by the rules of the roster (``check_posting``);
    a posting to a village that is not poor, or not paired with the unit, is saved with a warning."""

    visible = visible_postings
    scoped_fields = {"cadre": visible_cadres, "village": visible_villages}
    list_display = ("village", "cadre", "role", "start", "end")
    list_filter = ("role",)
    list_select_related = ("village", "cadre")
    search_fields = ("cadre__name", "=cadre__id_number", "village__name", "village__code")
    autocomplete_fields = ("cadre", "village")
    fields = ("cadre", "village", "role", "start", "end")
    date_hierarchy = "start"
    resource_classes = [sheet_resource(roster.PostingSheet)]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "cadre"] if obj else fields  # a correction keeps the cadre

    def check_write(self, form, data):
        cadre, village, start = _current(form, data, "cadre"), _current(form, data, "village"), data.get("start")
        if cadre and village and start:
            residents.check_posting(cadre=cadre, village=village, role=data.get("role"), start=start, end=data.get("end"),
                                   exclude_pk=form.instance.pk)

    def save_model(self, request, obj, form, change):
        if change:
            saved, warnings = residents.update_posting(posting=obj, village=obj.village, role=obj.role, start=obj.start,
                                                      end=obj.end)
        else:
            saved, warnings = residents.record_posting(cadre=obj.cadre, village=obj.village, role=obj.role,
                                                      start=obj.start, end=obj.end)
        adopt(obj, saved)
        for warning in warnings:
            self.message_user(request, warning, messages.WARNING)


@admin.register(Leave)
class LeaveAdmin(ScopedAdmin):
    """A cadre's approved leave, entered by the unit administrator or the office (``check_leave``)."""

    visible = visible_leaves
    scoped_fields = {"cadre": visible_cadres}
    list_display = ("cadre", "start", "end", "reason")
    list_select_related = ("cadre",)
    search_fields = ("cadre__name", "=cadre__id_number", "reason")
    autocomplete_fields = ("cadre",)
    fields = ("cadre", "start", "end", "reason")
    date_hierarchy = "start"
    resource_classes = [sheet_resource(roster.LeaveSheet)]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "cadre"] if obj else fields

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or may_keep_leave(request.user, obj.cadre))

    def check_write(self, form, data):
        cadre = _current(form, data, "cadre")
        if cadre and not may_keep_leave(form.request_user, cadre):
            raise DomainError({"cadre": gettext("只有该干部所在单位的管理员或其上级双联办可以登记和修改请假。")})
        if cadre and data.get("start") and data.get("end"):
            residents.check_leave(cadre=cadre, start=data["start"], end=data["end"], exclude_pk=form.instance.pk)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)  # checked by check_leave in the form
        else:
            adopt(obj, residents.record_leave(cadre=obj.cadre, start=obj.start, end=obj.end, reason=obj.reason))
