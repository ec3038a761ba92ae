"""Village and unit plans in the admin, written under the checks of ``planning.development``."""
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from households.access import visible_villages
from pairing.access import visible_units
from shuanglian.admin_base import ScopedAdmin, ScopedInline

from . import development
from .access import visible_commitments, visible_development_plans
from .models import Commitment, CommitmentProgress, DevelopmentPlan


class CommitmentInline(ScopedInline):
    model = Commitment
    fields = ("text", "money", "year_due")

    def check_write(self, form, data):
        development.check_commitment(plan=data.get("plan"), money=data.get("money"), year_due=data.get("year_due"))


class ProgressInline(ScopedInline):
    model = CommitmentProgress
    fields = ("year", "text", "done")

    def check_write(self, form, data):
        development.check_progress(commitment=data.get("commitment"), year=data.get("year"))


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(ScopedAdmin):
    visible = visible_development_plans
    scoped_fields = {"village": visible_villages, "unit": visible_units}
    list_display = ("__str__", "kind", "start_year", "end_year", "posting_sheet")
    list_filter = ("kind", "start_year")
    list_select_related = ("village", "unit")
    search_fields = ("village__name", "unit__name", "goals")
    autocomplete_fields = ("village", "unit")
    fields = ("kind", "village", "unit", "start_year", "end_year", "goals")
    inlines = [CommitmentInline]

    def check_write(self, form, data):
        development.check_development_plan(by=form.request_user, kind=data.get("kind"), village=data.get("village"),
                                           unit=data.get("unit"), start_year=data.get("start_year"),
                                           end_year=data.get("end_year"))

    @admin.display(description=_("张榜公布"))
    def posting_sheet(self, obj):
        return format_html('<a href="/planning/development/{}/posting/">{}</a>', obj.pk, _("打印"))


@admin.register(Commitment)
class CommitmentAdmin(ScopedAdmin):
    """A commitment and its yearly progress; commitments are added on their plan's page."""

    visible = visible_commitments
    list_display = ("text", "plan", "money", "year_due")
    list_select_related = ("plan__village", "plan__unit")
    list_filter = ("year_due",)
    search_fields = ("text",)
    fields = ("plan", "text", "money", "year_due")
    readonly_fields = ("plan",)
    inlines = [ProgressInline]

    def has_add_permission(self, request):
        return False

    def check_write(self, form, data):
        development.check_commitment(plan=form.instance.plan, money=data.get("money"), year_due=data.get("year_due"))
