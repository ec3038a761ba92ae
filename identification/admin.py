"""The records of identification and exit in the admin: read-only, scoped. Steps are taken on the
village's procedures page (``identification.views``) through ``services.steps.take_step``; no
admin writes them, since an edited step would change a household's history behind its status."""
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from households.admin import AreaLevelFilter
from households.models import Area
from shuanglian.admin_base import ReadOnlyInline, ScopedAdmin

from .access import visible_checklists, visible_entries, visible_objections, visible_steps
from .models import ExitCheckItem, ExitChecklist, Objection, Step, StepEntry


def people_text(people) -> str:
    """[{name, role}] as "姓名（职务）、…"."""
    return "、".join(f"{p.get('name', '')}（{p.get('role', '')}）" if p.get("role") else p.get("name", "")
                    for p in people or [])


class VillageFilter(admin.SimpleListFilter):
    """One village of the reader's area that has steps."""

    title = _("村（社区）")
    parameter_name = "village"
    path = "village_id"

    def lookups(self, request, model_admin):
        codes = visible_steps(request.user).values("village_id")
        return list(Area.objects.filter(code__in=codes).order_by("code").values_list("code", "name")[:300])

    def queryset(self, request, queryset):
        return queryset.filter(**{self.path: self.value()}) if self.value() else queryset


class CountyFilter(AreaLevelFilter):
    title = _("所在县区")


class EntryVillageFilter(VillageFilter):
    path = "step__village_id"


class EntryCountyFilter(CountyFilter):
    path = "step__village_id"


class ObjectionVillageFilter(VillageFilter):
    path = "notice__village_id"


class ChecklistCountyFilter(CountyFilter):
    path = "household__village_id"


class StepEntryInline(ReadOnlyInline):
    model = StepEntry
    fields = ("household", "passed", "votes_for", "votes_against", "votes_abstaining", "note")
    show_change_link = False


@admin.register(Step)
class StepAdmin(ScopedAdmin):
    visible = visible_steps
    list_display = ("village", "year", "procedure", "stage", "date", "end_date", "signed", "taken_at")
    list_filter = ("year", "procedure", "stage", CountyFilter, VillageFilter)
    list_select_related = ("village",)
    search_fields = ("village__name", "=village__code")
    date_hierarchy = "date"
    fields = ("village", "procedure", "year", "stage", "date", "end_date", "signed", "note", "scan",
              "taken_at")
    readonly_fields = fields
    inlines = [StepEntryInline]

    @admin.display(description=_("扫描件"))
    def scan(self, obj):
        if not obj.document:
            return ""
        return format_html('<a href="{}">{}</a>', reverse("identification-document", args=[obj.pk]), _("下载"))

    @admin.display(description=_("现场签字人员"))
    def signed(self, obj):
        return people_text(obj.signatories)


@admin.register(StepEntry)
class StepEntryAdmin(ScopedAdmin):
    visible = visible_entries
    list_display = ("household", "village", "year", "procedure", "stage", "date", "passed", "votes_for",
                    "votes_against", "votes_abstaining")
    list_filter = ("step__year", "step__procedure", "step__stage", "passed", EntryCountyFilter, EntryVillageFilter)
    list_select_related = ("household", "step__village")
    search_fields = ("household__number", "household__head_name")
    fields = ("step", "household", "passed", "votes_for", "votes_against", "votes_abstaining", "note")
    readonly_fields = fields

    @admin.display(description=_("村（社区）"))
    def village(self, obj):
        return obj.step.village.name

    @admin.display(description=_("年度"), ordering="step__year")
    def year(self, obj):
        return obj.step.year

    @admin.display(description=_("程序"))
    def procedure(self, obj):
        return obj.step.get_procedure_display()

    @admin.display(description=_("步骤"))
    def stage(self, obj):
        return obj.step.get_stage_display()

    @admin.display(description=_("日期"), ordering="step__date")
    def date(self, obj):
        return obj.step.date


@admin.register(Objection)
class ObjectionAdmin(ScopedAdmin):
    visible = visible_objections
    list_display = ("household", "notice", "received_on", "raised_by", "checked_on", "upheld")
    list_filter = ("notice__year", "notice__procedure", "notice__stage", "upheld", ObjectionVillageFilter)
    list_select_related = ("household", "notice__village")
    search_fields = ("household__number", "household__head_name")
    fields = ("notice", "household", "received_on", "raised_by", "content", "checked_on", "checked_by", "finding",
              "upheld")
    readonly_fields = fields

    @admin.display(description=_("核实人员"))
    def checked_by(self, obj):
        return people_text(obj.checkers)


class ExitCheckItemInline(ReadOnlyInline):
    model = ExitCheckItem
    fields = ("item", "holds", "note", "photo")
    show_change_link = False


@admin.register(ExitChecklist)
class ExitChecklistAdmin(ScopedAdmin):
    visible = visible_checklists
    list_display = ("household", "year", "recorded_on")
    list_filter = ("year", ChecklistCountyFilter)
    list_select_related = ("household",)
    search_fields = ("household__number", "household__head_name")
    fields = ("household", "year", "recorded_on")
    readonly_fields = fields
    inlines = [ExitCheckItemInline]

