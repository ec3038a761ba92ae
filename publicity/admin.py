"""The admin reads the publicity records: every write goes through the pages that call
``publicity.services`` (submission and review of cases, publication, lead units and meetings),
so these admins have no ``check_write`` and only read, scoped by ``publicity.access``."""
from django.contrib import admin

from shuanglian.admin_base import ScopedAdmin

from .access import visible_cases, visible_lead_meetings, visible_lead_units, visible_publications
from .models import LeadMeeting, LeadUnit, RoundPublication, TypicalCase


@admin.register(TypicalCase)
class TypicalCaseAdmin(ScopedAdmin):
    visible = visible_cases
    list_display = ("title", "category", "area", "unit", "cadre", "status", "submitted_at", "published_at")
    list_filter = ("status", "category")
    list_select_related = ("area", "unit", "cadre")
    search_fields = ("title",)
    exclude = ("key",)


@admin.register(RoundPublication)
class RoundPublicationAdmin(ScopedAdmin):
    visible = visible_publications
    list_display = ("round", "year", "published", "changed_at", "changed_by")
    list_filter = ("published", "year")
    list_select_related = ("round__area", "changed_by")


@admin.register(LeadUnit)
class LeadUnitAdmin(ScopedAdmin):
    visible = visible_lead_units
    list_display = ("county", "year", "unit")
    list_filter = ("year",)
    list_select_related = ("county", "unit")


@admin.register(LeadMeeting)
class LeadMeetingAdmin(ScopedAdmin):
    visible = visible_lead_meetings
    list_display = ("lead", "on", "topic", "attendees")
    list_select_related = ("lead__county", "lead__unit")
