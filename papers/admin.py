"""Projects in the admin: entered and corrected through ``papers.services`` (``check_project``),
listed and exported within the reader's scope."""
from django.contrib import admin

from households.access import visible_areas, visible_villages
from pairing.access import visible_units
from shuanglian.admin_base import ScopedAdmin, adopt

from .access import visible_projects
from .models import Project
from .services import FIELDS, check_project, record_project, update_project


@admin.register(Project)
class ProjectAdmin(ScopedAdmin):
    visible = visible_projects
    scoped_fields = {"unit": visible_units, "office_area": visible_areas, "village": visible_villages}
    list_display = ("year", "title", "kind", "village", "unit", "office_area", "money_planned", "money_spent",
                    "status", "people_trained", "people_helped", "start")
    list_filter = ("kind", "status", "year")
    list_select_related = ("village", "unit", "office_area")
    search_fields = ("title", "village__name", "unit__name")
    autocomplete_fields = ()
    raw_id_fields = ("village", "office_area")
    fields = (*FIELDS, "created_by", "created_at")
    readonly_fields = ("created_by", "created_at")
    date_hierarchy = "start"

    def check_write(self, form, data):
        check_project(form.request_user, {f: data.get(f) for f in FIELDS})

    def save_model(self, request, obj, form, change):
        values = {f: form.cleaned_data.get(f) for f in FIELDS}
        if change:
            adopt(obj, update_project(request.user, Project.objects.get(pk=obj.pk), **values))
        else:
            adopt(obj, record_project(request.user, **values))
