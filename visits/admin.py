from django import forms
from django.contrib import admin
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export import resources

from households.access import visible_households, visible_villages
from households.admin import PolicyAdmin
from pairing.access import visible_cadres, visible_units
from shuanglian import scoping
from shuanglian.admin_base import ReadOnlyInline, ScopedAdmin, adopt
from shuanglian.errors import DomainError

from .access import may_keep_stay, visible_deeds, visible_demands, visible_stays, visible_unit_visits, visible_visits
from .models import AnomalyFlag, Deed, Demand, DemandFollowUp, Stay, Task, UnitVisit, Visit, VisitPhoto, VisitPolicy
from .services.anomalies import check_review, review_flag
from .services.deeds import check_deed, update_deed
from .services.demands import advance_demand, check_demand_step
from .services.stays import check_stay, log_stay, update_stay
from .services.trips import (
    check_unit_visit,
    check_visit,
    check_visit_change,
    check_visit_policy,
    delete_unit_visits,
    delete_visits,
    log_visit,
    save_unit_visit,
    update_visit,
)


class PhotoInline(ReadOnlyInline):
    model = VisitPhoto
    fields = ("image", "uploaded_at")


class VisitAdminForm(forms.ModelForm):
    tasks = forms.MultipleChoiceField(label=_("落实任务"), choices=Task.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Visit
        fields = ("cadre", "households", "start", "end", "stayed", "tasks", "help_given", "notes")


@admin.register(Visit)
class VisitAdmin(ScopedAdmin):
    """An office's or unit administrator's entry of a trip: the rules of the phone and the API
    (``check_visit``, the month lock), stored by ``log_visit`` / ``update_visit``. Like the
    office's roster, it carries history, so the cadres' back-dating window does not apply."""

    inlines = [PhotoInline]
    form = VisitAdminForm
    visible = visible_visits
    scoped_fields = {"cadre": visible_cadres, "households": visible_households}
    list_display = ("cadre", "start", "end", "stayed", "created_at")
    list_filter = ("stayed", "cadre__unit__level")
    list_select_related = ("cadre",)
    search_fields = ("cadre__name", "=cadre__id_number", "households__number")
    autocomplete_fields = ("cadre", "households")
    date_hierarchy = "start"
    fields = ("cadre", "households", "start", "end", "stayed", "tasks", "help_given", "notes",
              "latitude", "longitude", "location_accuracy", "created_by", "created_at")
    # What the phone reported, as evidence, and who entered the trip: set by the server, never chosen.
    readonly_fields = ("latitude", "longitude", "location_accuracy", "created_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "cadre"] if obj else fields  # a correction keeps the cadre (update_visit)

    @staticmethod
    def _stored(pk) -> Visit:
        return Visit.objects.select_related("cadre__unit").get(pk=pk)

    def check_write(self, form, data):
        households = list(data["households"])
        if form.instance.pk:
            check_visit_change(visit=self._stored(form.instance.pk), households=households, start=data["start"],
                               end=data["end"], own_entry=False)
        else:
            check_visit(cadre=data["cadre"], households=households, start=data["start"], end=data["end"], own_entry=False)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {"households": list(data["households"]), "start": data["start"], "end": data["end"], "own_entry": False,
                  "stayed": data["stayed"], "tasks": data["tasks"], "help_given": data["help_given"], "notes": data["notes"]}
        if change:
            saved = update_visit(visit=self._stored(obj.pk), **values)
        else:
            saved = log_visit(cadre=data["cadre"], key=None, by=request.user, **values)
        adopt(obj, saved)

    def save_related(self, request, form, formsets, change):
        # The service has set the households; the photos only read.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        delete_visits([obj])

    def delete_queryset(self, request, queryset):
        delete_visits(queryset)


@admin.register(UnitVisit)
class UnitVisitAdmin(ScopedAdmin):
    visible = visible_unit_visits
    scoped_fields = {"unit": visible_units, "village": visible_villages, "leader": visible_cadres}
    list_display = ("unit", "village", "start", "end", "leader", "people")
    list_select_related = ("unit", "village", "leader")
    search_fields = ("unit__name", "unit__code", "village__name", "village__code")
    autocomplete_fields = ("unit", "village", "leader")
    date_hierarchy = "start"

    def check_write(self, form, data):
        stored = UnitVisit.objects.select_related("unit").get(pk=form.instance.pk) if form.instance.pk else None
        check_unit_visit(unit=data["unit"], village=data["village"], start=data["start"], end=data["end"],
                         people=data.get("people"), stored=stored, leader=data.get("leader"))

    def save_model(self, request, obj, form, change):
        stored = UnitVisit.objects.filter(pk=obj.pk).values_list("village_id", flat=True).first() if change else None
        save_unit_visit(obj, stored_village=stored)

    def delete_model(self, request, obj):
        delete_unit_visits([obj])

    def delete_queryset(self, request, queryset):
        delete_unit_visits(queryset)


class VisitPolicyResource(resources.ModelResource):
    class Meta:
        model = VisitPolicy
        exclude = ("per_household_min",)  # not counted, so not offered (see VisitPolicyAdmin)


@admin.register(VisitPolicy)
class VisitPolicyAdmin(PolicyAdmin):
    # No per-household minimum (per_household_min): the compliance engine does not apply it, and
    # docs/domain.md §11 wants it applied when set or not offered at all. The column stays in the
    # table (its data is kept) but is neither shown, exported nor set until the engine counts it.
    resource_classes = [VisitPolicyResource]
    list_display = ("__str__", "subject", "area", "year", "min_visits", "min_days", "backdate_days", "max_trip_days")
    exclude = ("per_household_min",)
    list_filter = ("subject", "year")

    def check_write(self, form, data):
        super().check_write(form, data)
        check_visit_policy(max_trip_days=data.get("max_trip_days"))


def visible_flags(scope):
    return AnomalyFlag.objects.filter(visit__in=visible_visits(scope))


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

    @admin.display(description=_("干部"), ordering="visit__cadre__name")
    def visit_cadre(self, obj):
        return obj.visit.cadre.name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Offices and inspection groups review flags (spot checks); leaders only read them.
        return self.writes and self.has_module_permission(request) and scoping.may_inspect(self.scope(request))

    def check_write(self, form, data):
        check_review(status=data.get("status"))

    def save_model(self, request, obj, form, change):
        review_flag(flag=obj, status=obj.status, note=obj.note, by=request.user)

    def _review(self, request, queryset, status):
        for flag in queryset:
            review_flag(flag=flag, status=status, note=flag.note, by=request.user)
        count = queryset.count()
        self.message_user(request, ngettext("已处理 %(count)s 条异常提示。", "已处理 %(count)s 条异常提示。", count)
                          % {"count": count})

    @admin.action(description=_("核实无误"), permissions=["change"])
    def mark_cleared(self, request, queryset):
        self._review(request, queryset, AnomalyFlag.Status.CLEARED)

    @admin.action(description=_("确认有误"), permissions=["change"])
    def mark_confirmed(self, request, queryset):
        self._review(request, queryset, AnomalyFlag.Status.CONFIRMED)


class FollowUpInline(ReadOnlyInline):
    model = DemandFollowUp
    fields = ("at", "status", "note", "by")


class DemandFollowUpForm(forms.ModelForm):
    next_status = forms.ChoiceField(label=_("办理后状态"), choices=[("", "—")] + list(Demand.Status.choices), required=False)
    follow_up = forms.CharField(label=_("办理情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Demand
        fields = ()


@admin.register(Demand)
class DemandAdmin(ScopedAdmin):
    """Demands of the area; the office moves them on with a note (办理情况), never silently."""

    visible = visible_demands
    form = DemandFollowUpForm
    list_display = ("category", "text", "village", "household", "cadre", "status", "created_at")
    list_filter = ("status", "category")
    list_select_related = ("village", "household", "cadre")
    search_fields = ("text", "household__number", "cadre__name")
    readonly_fields = ("cadre", "household", "village", "visit", "category", "text", "status", "created_at", "resolved_at")
    fields = readonly_fields + ("next_status", "follow_up")
    inlines = [FollowUpInline]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # demands are collected by cadres on their visits

    def check_write(self, form, data):
        if data.get("next_status"):
            check_demand_step(demand=form.instance, status=data["next_status"], note=data.get("follow_up", ""))

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("next_status"):
            advance_demand(demand=obj, status=form.cleaned_data["next_status"], note=form.cleaned_data["follow_up"], by=request.user)


@admin.register(Deed)
class DeedAdmin(ScopedAdmin):
    visible = visible_deeds
    list_display = ("on", "category", "description", "money", "people_helped", "village", "household", "cadre")
    list_filter = ("category",)
    list_select_related = ("village", "household", "cadre")
    search_fields = ("description", "household__number", "cadre__name")
    readonly_fields = ("cadre", "household", "village")
    date_hierarchy = "on"

    def has_add_permission(self, request):
        return False  # deeds are recorded by cadres

    def check_write(self, form, data):
        deed = form.instance
        check_deed(cadre=deed.cadre, on=data["on"], category=data["category"], description=data["description"],
                   money=data["money"], people_helped=data["people_helped"], household=deed.household, village=deed.village)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        adopt(obj, update_deed(deed=Deed.objects.get(pk=obj.pk), on=data["on"], category=data["category"],
                               description=data["description"], money=data["money"], people_helped=data["people_helped"]))


# --- 驻村考勤 (docs/domain.md §11) -------------------------------------------------------------------



@admin.register(Stay)
class StayAdmin(ScopedAdmin):
    """An office's or unit administrator's entry of a resident's stay: the rules of the phone and
    the roster (``check_stay``, the month lock); it carries history, so no back-dating window.
    The posting it lies within is found by the service, never chosen."""

    visible = visible_stays
    scoped_fields = {"cadre": visible_cadres}
    list_display = ("cadre", "start", "end", "posting", "note", "created_at")
    list_select_related = ("cadre", "posting__village", "posting__cadre")  # the posting is named by its cadre
    search_fields = ("cadre__name", "=cadre__id_number", "posting__village__name")
    autocomplete_fields = ("cadre",)
    date_hierarchy = "start"
    fields = ("cadre", "start", "end", "note", "posting", "created_by", "created_at")
    readonly_fields = ("posting", "created_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "cadre"] if obj else fields

    @staticmethod
    def _stored(pk) -> Stay:
        return Stay.objects.select_related("cadre__unit").get(pk=pk)

    def check_write(self, form, data):
        if not (data.get("start") and data.get("end")):
            return
        if form.instance.pk:
            stored = self._stored(form.instance.pk)
            posting = check_stay(cadre=stored.cadre, start=data["start"], end=data["end"], own_entry=False, stored=stored)
        elif data.get("cadre"):
            posting = check_stay(cadre=data["cadre"], start=data["start"], end=data["end"], own_entry=False)
        else:
            return
        if not may_keep_stay(form.request_user, posting):
            raise DomainError(gettext("该驻村不在您的管辖范围内：驻村考勤由驻村所在地的双联办或干部所在单位登记。"))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or may_keep_stay(request.user, obj.posting))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = update_stay(stay=self._stored(obj.pk), start=data["start"], end=data["end"], note=data["note"])
        else:
            saved = log_stay(cadre=data["cadre"], start=data["start"], end=data["end"], key=None, by=request.user,
                             own_entry=False, note=data["note"])
        adopt(obj, saved)
