from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from shuanglian import scoping
from shuanglian.admin_base import ScopedAdmin, ScopedInline, sheet_resource, with_domain_checks
from shuanglian.errors import DomainError

from . import roster
from .access import (
    visible_areas,
    visible_households,
    visible_incomes,
    visible_members,
    visible_quotas,
    visible_village_years,
    visible_villages,
)
from .models import (
    Area,
    AreaLevel,
    Household,
    HouseholdPlan,
    IncomeRecord,
    Member,
    PlanMeasure,
    PoorAreaYear,
    PovertyLine,
    PovertyQuota,
    Village,
    VillageYear,
)


class AreaLevelFilter(admin.SimpleListFilter):
    """Narrow a list to one county, township… of the user's area: 按区划筛选."""

    title = "所在县区"
    parameter_name = "county"
    path = "village_id"

    def lookups(self, request, model_admin):
        counties = visible_areas(request.user).filter(level=AreaLevel.COUNTY).values_list("code", "name")
        return list(counties[:200])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.path}__startswith": Area.prefix_of(self.value())})
        return queryset


@admin.register(Area)
class AreaAdmin(ScopedAdmin):
    visible = visible_areas
    list_display = ("code", "name", "level", "parent")
    list_select_related = ("parent",)  # a nullable key: the changelist would fetch each row's parent alone
    list_filter = ("level",)
    search_fields = ("code", "name")
    readonly_fields = ("parent",)
    resource_classes = [sheet_resource(roster.AreaSheet)]

    def save_model(self, request, obj, form, change):
        obj.level = Area.level_of(obj.code)
        obj.parent_id = Area.parent_code_of(obj.code)
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "code", "level"] if obj else [*fields, "level"]

    def check_write(self, form, data):
        area_form_checks(form, data)


def area_form_checks(form, data):
    from .services import check_parent_exists, validate_area_code

    code = data.get("code")
    if form.instance._state.adding and code:
        validate_area_code(code)
        check_parent_exists(code, set(Area.objects.filter(code=Area.parent_code_of(code)).values_list("code", flat=True)))
        scope = scoping.scope_for(form.request_user)
        if not scoping.governs_area(scope, code):
            raise DomainError("该区划不在您的管辖范围内。")


@admin.register(Village)
class VillageAdmin(AreaAdmin):
    visible = visible_villages
    list_display = ("code", "name", "parent")
    list_filter = ()
    resource_classes = []


@admin.register(PoorAreaYear)
class PoorAreaYearAdmin(ScopedAdmin):
    visible = lambda scope: PoorAreaYear.objects.filter(area__in=visible_areas(scope))  # noqa: E731
    scoped_fields = {"area": visible_areas}
    list_display = ("area", "year", "kind")
    list_filter = ("year", "kind")
    search_fields = ("area__name", "area__code")
    autocomplete_fields = ("area",)

    def check_write(self, form, data):
        from .services import check_designation

        stored = None if form.instance._state.adding else PoorAreaYear.objects.get(pk=form.instance.pk)
        check_designation(area=data["area"], year=data["year"], kind=data["kind"], stored=stored)


class MemberForm(forms.ModelForm):
    """A member as the roster records one: the birth date and sex come from the ID number."""

    def save(self, commit=True):
        from .services import birth_date_and_sex

        if self.cleaned_data.get("id_number"):
            self.instance.birth_date, self.instance.sex = birth_date_and_sex(self.cleaned_data["id_number"])
        return super().save(commit)


class MemberInline(ScopedInline):
    model = Member
    form = MemberForm
    fields = ("name", "id_number", "relation", "sex", "birth_date", "health", "labour_ability",
              "migrant_worker", "left_behind_child", "elderly_alone")
    id_fields = ("id_number",)
    readonly_fields = ("sex", "birth_date")

    def check_write(self, form, data):
        member_form_checks(form, data)


class IncomeInline(ScopedInline):
    model = IncomeRecord
    fields = ("year", "resident_population", "total_income", *IncomeRecord.DEDUCTIONS, "net_income", "per_capita_income")
    readonly_fields = ("net_income", "per_capita_income")

    def check_write(self, form, data):
        income_checks(form, data)


class PlanInline(ScopedInline):
    model = HouseholdPlan
    fields = ("year", "target_income", "measures", "exit_deadline")

    def check_write(self, form, data):
        plan_checks(form, data)


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    visible = visible_households
    scoped_fields = {"village": visible_villages}
    id_fields = ("head_id_number",)
    list_display = ("number", "head_name", "head_id_number", "village", "kind", "resident_population", "main_cause", "status", "exit_year")
    list_filter = (AreaLevelFilter, "status", "kind", "main_cause")
    list_select_related = ("village",)
    search_fields = ("number", "head_name", "=head_id_number")
    autocomplete_fields = ("village",)
    fields = ("number", "village", "head_name", "head_id_number", "kind", "resident_population", "main_cause",
              "other_causes", "housing_safe", "status", "exit_year")
    inlines = [MemberInline, IncomeInline, PlanInline]  # the pairing app adds the household's pairings
    resource_classes = [sheet_resource(roster.HouseholdSheet)]

    def get_readonly_fields(self, request, obj=None):
        # Status changes only through the steps of identification and exit (docs/domain.md §10);
        # a new household may be entered with its status, as the roster's 农户 sheet loads a registry.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "status", "exit_year"] if obj else fields

    def check_write(self, form, data):
        household_form_checks(form, data)

    def save_related(self, request, form, formsets, change):
        from .services import register_head

        super().save_related(request, form, formsets, change)
        # After the members inline: a head listed there too is the same member, not a second one.
        register_head(form.instance)


def household_form_checks(form, data):
    from .services import check_head, validate_exit, validate_id_number

    if "head_id_number" in data:
        data["head_id_number"] = validate_id_number(data["head_id_number"], label="户主身份证号")
        # Members are matched on the stored number: a change may renumber the household too.
        number = form.instance.number if form.instance.pk else data.get("number", "")
        check_head(number=number, head_id_number=data["head_id_number"], field="head_id_number")
    validate_exit(data.get("status"), data.get("exit_year"))


def member_form_checks(form, data):
    """The roster's rules of a member: a valid ID number (check digit, birth date), in one household only."""
    from .services import check_members_elsewhere, validate_id_number

    if "id_number" in data:
        data["id_number"] = validate_id_number(data["id_number"])
        if form.instance.pk and form.instance.id_number == data["id_number"]:
            return  # the member as stored (its household's number may change in the same form)
        household = data.get("household") or (form.instance.household if form.instance.household_id else None)
        check_members_elsewhere({data["id_number"]: household.number if household else ""}, field="id_number")


def income_checks(form, data):
    from .services import validate_income_amounts

    validate_income_amounts(total_income=data["total_income"], **{name: data[name] for name in IncomeRecord.DEDUCTIONS})


def plan_checks(form, data):
    from .services import validate_plan

    validate_plan(year=data["year"], target_income=data["target_income"], exit_deadline=data["exit_deadline"])


@admin.register(Member)
class MemberAdmin(ScopedAdmin):
    visible = visible_members
    scoped_fields = {"household": visible_households}
    id_fields = ("id_number",)
    list_display = ("name", "id_number", "household", "relation", "sex", "birth_date", "health", "labour_ability")
    list_filter = ("relation", "health", "labour_ability", "left_behind_child", "elderly_alone")
    list_select_related = ("household",)
    search_fields = ("name", "=id_number", "household__number")
    autocomplete_fields = ("household",)
    readonly_fields = ("sex", "birth_date")
    resource_classes = [sheet_resource(roster.MemberSheet)]
    form = MemberForm

    def check_write(self, form, data):
        member_form_checks(form, data)


@admin.register(IncomeRecord)
class IncomeRecordAdmin(ScopedAdmin):
    visible = visible_incomes
    scoped_fields = {"household": visible_households}
    list_display = ("household", "year", "total_income", "net_income", "per_capita_income", "resident_population")
    list_filter = ("year",)
    list_select_related = ("household",)
    search_fields = ("household__number", "household__head_name")
    autocomplete_fields = ("household",)
    readonly_fields = ("net_income", "per_capita_income")
    resource_classes = [sheet_resource(roster.IncomeSheet)]

    def check_write(self, form, data):
        income_checks(form, data)


@admin.register(PovertyLine)
class PovertyLineAdmin(SimpleHistoryAdmin):
    list_display = ("year", "province_line", "national_line", "village_income_line", "incidence_rate", "notice_days")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and not scoping.scope_for(request.user).is_empty

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        # The poverty line is a province decision.
        return scoping.is_province_office(request.user)

    has_add_permission = has_change_permission

    def get_form(self, request, obj=None, **kwargs):
        return with_domain_checks(super().get_form(request, obj, **kwargs), poverty_line_checks)


def poverty_line_checks(form, data):
    from .services import validate_poverty_line

    validate_poverty_line(province_line=data["province_line"], national_line=data["national_line"],
                          village_income_line=data["village_income_line"], incidence_rate=data["incidence_rate"],
                          notice_days=data["notice_days"])


@admin.register(PovertyQuota)
class PovertyQuotaAdmin(ScopedAdmin):
    """县扶贫规模: every office sees its area's counties' quotas; the province office sets them."""

    visible = visible_quotas
    scoped_fields = {"county": lambda scope: visible_areas(scope).filter(level=AreaLevel.COUNTY)}
    list_display = ("county", "year", "poor_villages", "poor_people")
    list_filter = ("year",)
    list_select_related = ("county",)
    search_fields = ("county__code", "county__name")
    autocomplete_fields = ("county",)

    def has_change_permission(self, request, obj=None):
        # The scale is handed down to the counties by the province.
        return super().has_change_permission(request, obj) and scoping.is_province_office(request.user)

    def check_write(self, form, data):
        from .services import validate_quota

        validate_quota(county=data["county"])

    def save_model(self, request, obj, form, change):
        from .services import record_quota

        record_quota(quota=obj)


class MeasureInline(ScopedInline):
    model = PlanMeasure
    fields = ("kind", "item", "description", "status", "planned", "spent")

    def check_write(self, form, data):
        from .services import validate_measure

        validate_measure(kind=data.get("kind"), item=data.get("item"), planned=data.get("planned"), spent=data.get("spent"))


@admin.register(HouseholdPlan)
class HouseholdPlanAdmin(ScopedAdmin):
    inlines = [MeasureInline]
    visible = lambda scope: HouseholdPlan.objects.filter(household__in=visible_households(scope))  # noqa: E731
    scoped_fields = {"household": visible_households}
    list_display = ("household", "year", "target_income", "exit_deadline")
    list_filter = ("year", "exit_deadline")
    search_fields = ("household__number", "household__head_name")
    autocomplete_fields = ("household",)

    def check_write(self, form, data):
        plan_checks(form, data)


@admin.register(VillageYear)
class VillageYearAdmin(ScopedAdmin):
    """村情 is read here; it comes in through the roster sheet 村情, which validates it."""

    visible = visible_village_years
    list_display = ("village", "year", "households", "population", "poor_population", "per_capita_income",
                    "collective_income", "committee_size")
    list_filter = (AreaLevelFilter, "year")
    list_select_related = ("village",)
    search_fields = ("village__code", "village__name")
    resource_classes = [sheet_resource(roster.VillageYearSheet)]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PolicyAdmin(ScopedAdmin):
    """Policies kept as rows of data: a blank area is the province rule, which only the system
    administrator sets; an office sees and sets the policies of its own area. Subclasses add
    the model's own rule to ``check_write``."""

    scoped_fields = {"area": visible_areas}
    autocomplete_fields = ("area",)

    def get_queryset(self, request):
        scope, qs = self.scope(request), self.model.objects.select_related("area").order_by(*self.model._meta.ordering)
        return qs if scoping.sees_everything(scope) else qs.filter(Q(area__isnull=True) | Q(area__in=visible_areas(scope)))

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.area_id is None and not scoping.sees_everything(self.scope(request)):
            return False
        return super().has_change_permission(request, obj)

    def check_write(self, form, data):
        if data.get("area") is None and not scoping.sees_everything(form.request_user):
            raise DomainError({"area": gettext("全省标准由系统管理员设置，请选择适用区划。")})
