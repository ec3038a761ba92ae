"""The discipline admin reads: complaints, inspections with their findings, and accountability
records are written on the discipline pages through the services (docs/domain.md §13). The
complainant's name and contact show only to the handling office. Cadre and unit pages list
their accountability records."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export import resources

from pairing.admin import CadreAdmin, UnitAdmin
from pairing.models import Cadre, Unit
from shuanglian import scoping
from shuanglian.admin_base import ReadOnlyInline, SafeCSV, SafeXLSX, ScopedAdmin

from .access import handles, visible_accountability, visible_complaints, visible_findings, visible_inspections
from .models import Accountability, Complaint, Finding, Inspection

PRIVATE = ("complainant_name", "complainant_contact", "photo", "idempotency_key", "receipt_code")


class ComplaintResource(resources.ModelResource):
    """The export leaves out the filer's identity and the receipt code (the filer's key)."""

    def __init__(self, scope=None, **kwargs):
        super().__init__(**kwargs)

    class Meta:
        model = Complaint
        exclude = PRIVATE


@admin.register(Complaint)
class ComplaintAdmin(ScopedAdmin):
    visible = visible_complaints
    list_display = ("created_at", "rule", "target_kind", "target_name", "area", "status", "finding", "channel")
    list_filter = ("status", "rule", "finding", "channel")
    list_select_related = ("area",)
    search_fields = ("target_name",)
    fields = ("channel", "rule", "target_kind", "target_name", "area", "cadre", "unit", "village", "assigned_to", "content",
              "status", "finding", "finding_text", "closed_at", "created_at")
    resource_classes = [ComplaintResource]
    formats = [SafeXLSX, SafeCSV]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None:
            # The filer's identity: as given to the handling office, masked to everyone else.
            fields += ["complainant_name", "complainant_contact"] if handles(request.user, obj) else ["complainant_masked"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.fields, "complainant_name", "complainant_contact",
                "complainant_masked"]

    @admin.display(description=_("举报人"))
    def complainant_masked(self, obj):
        return "***"


class FindingInline(ReadOnlyInline):
    model = Finding
    fields = ("text", "deadline", "evidence", "closed_on")


@admin.register(Inspection)
class InspectionAdmin(ScopedAdmin):
    visible = visible_inspections
    list_display = ("on", "year", "half", "unit", "village", "inspectors")
    list_filter = ("year", "half")
    list_select_related = ("unit", "village")
    search_fields = ("unit__name", "village__name", "inspectors")
    fields = ("year", "half", "on", "unit", "village", "area", "checked", "inspectors", "created_at")
    readonly_fields = fields
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(ScopedAdmin):
    visible = visible_findings
    list_display = ("inspection", "text", "deadline", "closed_on")
    list_filter = ("closed_on",)
    list_select_related = ("inspection__unit", "inspection__village")
    fields = ("inspection", "text", "deadline", "evidence", "closed_on")
    readonly_fields = fields


@admin.register(Accountability)
class AccountabilityAdmin(ScopedAdmin):
    visible = visible_accountability
    list_display = ("on", "kind", "unit", "cadre", "issued_by", "basis")
    list_filter = ("kind",)
    list_select_related = ("unit", "cadre__unit", "issued_by")
    search_fields = ("unit__name", "cadre__name")
    fields = ("kind", "unit", "cadre", "complaint", "finding", "basis", "on", "issued_by", "text")
    readonly_fields = fields


class AccountabilityInline(ReadOnlyInline):
    """The record's commendations and accountability, on the cadre's or unit's page."""

    model = Accountability
    fields = ("on", "kind", "issued_by", "basis", "text")
    verbose_name_plural = _("表扬与问责")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=visible_accountability(scoping.scope_for(request.user)).values("pk"))


class CadreAccountabilityInline(AccountabilityInline):
    fk_name = "cadre"


class UnitAccountabilityInline(AccountabilityInline):
    fk_name = "unit"


# The cadre's and unit's pages belong to the pairing app, below this one: registered again here
# with their accountability records under them (as pairing/admin.py does for households).
admin.site.unregister(Cadre)
admin.site.unregister(Unit)


@admin.register(Cadre)
class CadreWithRecordAdmin(CadreAdmin):
    inlines = [*CadreAdmin.inlines, CadreAccountabilityInline]


@admin.register(Unit)
class UnitWithRecordAdmin(UnitAdmin):
    inlines = [*UnitAdmin.inlines, UnitAccountabilityInline]
