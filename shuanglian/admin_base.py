"""The admin's one rule of access: what a user sees and may change comes from their scope.

Staff permissions are not granted model by model: a role (office, unit administrator, leader)
decides. Every ModelAdmin of the campaign derives from ``ScopedAdmin`` and names the visibility
function for its model (the app's ``access.py``); foreign-key choices are narrowed the same way, so an office cannot
attach a record to a village outside its area.

The admin is one more door to the data, so it writes by the rules of the other doors (phone,
API, roster): an admin or inline writes only if it names ``check_write``, the model's service
validator, which runs in the form's clean for everyone, the system administrator included.
Where a service does the write (``log_visit``, ``record_tally``…), ``save_model`` calls it. An
admin without a check is read-only.
"""
from __future__ import annotations

import tablib
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm
from simple_history.admin import SimpleHistoryAdmin

from shuanglian import scoping
from shuanglian.errors import add_to_form
from shuanglian.helpers import neutralise
from shuanglian.roster.engine import in_roster_language

admin.site.site_header = "双联工作管理系统"
admin.site.site_title = "双联工作管理系统"
admin.site.index_title = "管理首页"


class MaskedColumns:
    """Adds a read-only ``masked_<field>`` column for each of ``id_fields``, and for readers
    without 可查看完整身份证号 shows a model's birth date as its year and its accounts (a
    cadre's is named by the ID number) masked: see ``personal_columns``."""

    id_fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in cls.id_fields:
            cls._add_masked_column(name)

    @classmethod
    def _add_masked_column(cls, name: str) -> None:
        def masked(self, obj):
            value = obj
            for part in name.split("__"):
                value = getattr(value, part, None) if value is not None else None
            return scoping.mask_id_number(value or "")

        label = name.split("__")[-1]
        masked.short_description = "身份证号" if "id_number" in label else label
        # Not sortable: the order of the full numbers would rank the hidden birth dates.
        setattr(cls, f"masked_{name}", masked)

    @classmethod
    def personal_columns(cls, model) -> dict[str, str]:
        """Field → the column shown instead to a reader without 可查看完整身份证号: the birth date
        (the eight digits the ID mask hides) as its year, a mobile number masked, an account as
        ``display_user`` masks it. Lists always show these; forms only where the field is read-only."""
        from django.conf import settings

        columns = {}
        for field in model._meta.concrete_fields:
            if field.name == "birth_date":
                columns[field.name] = cls._personal_column(
                    "shown_birth_date", gettext_lazy("出生年份"), lambda obj: scoping.shown_birth_date(scoping.NOTHING, obj.birth_date))
            elif field.name == "phone":
                columns[field.name] = cls._personal_column(
                    "shown_phone", field.verbose_name, lambda obj: scoping.mask_phone(obj.phone))
            elif field.is_relation and field.related_model._meta.label == settings.AUTH_USER_MODEL:
                columns[field.name] = cls._personal_column(
                    f"shown_{field.name}", field.verbose_name,
                    lambda obj, name=field.name: scoping.display_user(scoping.NOTHING, getattr(obj, name)))
        return columns

    @classmethod
    def _personal_column(cls, column: str, label, value) -> str:
        if not hasattr(cls, column):
            def shown(self, obj):
                return value(obj)

            shown.short_description = label  # not sortable either: order would rank the hidden values
            setattr(cls, column, shown)
        return column

    def _personal_substitutions(self, request, candidates=None) -> dict[str, str]:
        """The personal columns for this request: none for a reader allowed full ID numbers."""
        if scoping.sees_full_numbers(request.user):
            return {}
        columns = self.personal_columns(self.model)
        return {f: c for f, c in columns.items() if candidates is None or f in candidates}


class SafeXLSX(XLSX):
    """Excel export whose text cells stay text: a value that starts like a formula is never
    stored as one (tablib would hand it to openpyxl as one)."""

    def export_data(self, dataset, **kwargs):
        import io

        from openpyxl import Workbook

        from shuanglian.roster.engine import export_cell

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(dataset.title or "Sheet1")
        sheet.append(list(dataset.headers or []))
        for row in dataset:
            sheet.append([export_cell(sheet, value) for value in row])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


class SafeCSV(CSV):
    """CSV export with formula-looking text prefixed by an apostrophe, as spreadsheets expect."""

    def export_data(self, dataset, **kwargs):
        for index, row in enumerate(list(dataset)):
            dataset[index] = tuple(neutralise(v) if isinstance(v, str) else v for v in row)
        return super().export_data(dataset, **kwargs)


class ScopedAdmin(MaskedColumns, ExportMixin, SimpleHistoryAdmin):
    visible = None  # the visibility function returning this model's visible queryset (an app's access.py)
    scoped_fields: dict[str, object] = {}  # foreign key or many-to-many → visibility function for its choices
    # ``check_write(self, form, data)``: the model's service validator on the form's cleaned data,
    # raising DomainError. None: the admin only reads (no service can validate its writes).
    check_write = None
    export_form_class = ExportForm
    formats = [SafeXLSX, SafeCSV]  # Excel first: offices live in it
    list_per_page = 50
    show_full_result_count = False  # the province-wide COUNT(*) of every page view is not worth it

    def scope(self, request) -> scoping.Scope:
        return scoping.scope_for(request.user)

    def get_queryset(self, request):
        qs = type(self).visible(self.scope(request))
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    # Access follows the role, not per-model permissions.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and not self.scope(request).is_empty

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    @property
    def writes(self) -> bool:
        """Whether this admin writes at all: only through its model's validator."""
        return self.check_write is not None

    def has_change_permission(self, request, obj=None):
        return self.writes and self.has_module_permission(request) and scoping.may_change(self.scope(request))

    def has_add_permission(self, request):
        return self.has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Campaign records are evidence: only the system administrator removes them, and only
        # where the admin writes at all.
        return self.writes and request.user.is_superuser

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    # --- the audit trail (django-simple-history): read-only, scoped, for those allowed ---
    def has_view_history_permission(self, request, obj=None):
        return scoping.can_read_audit(self.scope(request)) and self.has_view_permission(request, obj)

    def has_change_history_permission(self, request, obj=None):
        return False

    def has_view_history_or_change_history_permission(self, request, obj=None):
        return self.has_view_history_permission(request, obj)

    def _in_scope(self, request, object_id) -> bool:
        from django.contrib.admin.utils import unquote

        return self.get_queryset(request).filter(pk=unquote(object_id)).exists()

    @property
    def _tracked(self) -> bool:
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    def history_view(self, request, object_id, extra_context=None):
        # An object outside the scope has no history here, even if it once had records.
        if not self._in_scope(request, object_id):
            raise Http404
        if not self._tracked:  # e.g. ballots: deliberately without an audit trail
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self._tracked or not self._in_scope(request, object_id) or not self.has_view_history_permission(request):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choose = self.scoped_fields.get(db_field.name)
        if choose is not None:
            kwargs["queryset"] = choose(self.scope(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        choose = self.scoped_fields.get(db_field.name)
        if choose is not None:
            kwargs["queryset"] = choose(self.scope(request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _masking(self, request) -> bool:
        return bool(self.id_fields) and not scoping.sees_full_numbers(self.scope(request))

    def get_list_display(self, request):
        fields = list(super().get_list_display(request))
        if self._masking(request):
            fields = [f"masked_{f}" if f in self.id_fields else f for f in fields]
        shown = self._personal_substitutions(request)
        return [shown.get(f, f) if isinstance(f, str) else f for f in fields]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and self._masking(request):
            fields += [f"masked_{f}" for f in self.id_fields]
        return fields + list(self._personal_substitutions(request, fields).values())

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and self._masking(request):
            # Editing would print the full number; those without the right see it masked, read-only.
            fields = [f"masked_{f}" if f in self.id_fields else f for f in fields]
        # Only read-only fields turn into personal columns: a form field stays the form's.
        shown = self._personal_substitutions(request, self.get_readonly_fields(request, obj))
        return list(dict.fromkeys(shown.get(f, f) for f in fields))

    # --- lookups: no oracle on personal fields ---
    # A reader who sees masked numbers may not filter or search by an ID number, a mobile number,
    # a birth date or an account name: ``?head_id_number__startswith=62050219620307`` would say
    # yes or no and rebuild the hidden digits in a few dozen requests. Django answers a refused
    # lookup with a 400 (DisallowedModelAdminLookup), whether or not anything matches.
    def lookup_allowed(self, lookup, value, request=None):
        if scoping.names_personal_field(lookup) and not scoping.may_look_up_personal_fields(self.scope(request)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        fields = list(super().get_search_fields(request))
        if scoping.may_look_up_personal_fields(self.scope(request)):
            return fields
        return [f for f in fields if not scoping.names_personal_field(f)]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if self.writes:
            form = with_domain_checks(form, self.check_write)
        form.request_user = request.user  # service checks that depend on who is editing
        return form

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"scope": self.scope(request)}


def sheet_resource(handler_class):
    """An import-export resource writing exactly the roster sheet's columns (so an admin
    export is also a valid one-sheet roster), masked by the user's scope."""

    class SheetResource(resources.Resource):
        def __init__(self, scope=None, **kwargs):
            super().__init__(**kwargs)
            self.scope = scope or scoping.NOTHING

        @classmethod
        def get_display_name(cls):
            return f"花名册·{handler_class.name}"

        @in_roster_language
        def export(self, queryset=None, **kwargs):
            handler = handler_class()
            data = tablib.Dataset(headers=handler.headers, title=handler.name)
            for row in handler.visible_rows(queryset, self.scope):
                data.append(["" if v is None else v for v in row])
            return data

    SheetResource.__name__ = f"{handler_class.__name__}Resource"
    return SheetResource


class ScopedInline(MaskedColumns, admin.TabularInline):
    """An inline of a scoped parent: editable by those who may change, through the model's
    validator (``check_write``, as on ``ScopedAdmin``; without one the inline only reads), ID numbers
    masked."""

    extra = 0
    show_change_link = True
    check_write = None

    @property
    def writes(self) -> bool:
        return self.check_write is not None

    def _masking(self, request) -> bool:
        return bool(self.id_fields) and not scoping.sees_full_numbers(request.user)

    def has_view_permission(self, request, obj=None):
        return not scoping.scope_for(request.user).is_empty

    def has_change_permission(self, request, obj=None):
        return self.writes and scoping.may_change(request.user)

    def has_add_permission(self, request, obj=None):
        return self.writes and scoping.may_change(request.user) and not self._masking(request)

    def has_delete_permission(self, request, obj=None):
        return self.writes and request.user.is_superuser

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if self.writes:
            formset.form = with_domain_checks(formset.form, self.check_write)
        formset.form.request_user = request.user
        return formset

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if self._masking(request):
            fields = [f"masked_{f}" if f in self.id_fields else f for f in fields]
        shown = self._personal_substitutions(request, self.get_readonly_fields(request, obj))
        return list(dict.fromkeys(shown.get(f, f) for f in fields))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._masking(request):
            fields += [f"masked_{f}" for f in self.id_fields]
        return fields + list(self._personal_substitutions(request, fields).values())


class ReadOnlyInline(ScopedInline):
    """An inline that only shows history; changes go through a service (e.g. the hand-over)."""

    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return list(self.fields) + list(self._personal_substitutions(request, self.fields).values())


def with_domain_checks(form_class, check):
    """Run a service-level check in the form's clean, so its DomainError shows on the form.
    The check runs only on a form whose fields are valid: it reads whole, typed values."""

    class Checked(form_class):
        def clean(self):
            data = super().clean()
            if self.errors:
                return data
            try:
                check(self, data)
            except ValidationError as exc:
                add_to_form(self, exc)
            return data

    Checked.__name__ = form_class.__name__
    Checked.runs_domain_checks = True  # tests/test_write_paths.py: no writable admin form without its rules
    return Checked


def adopt(obj, saved) -> None:
    """Make the admin's object the record a service saved, so that the admin's log, messages
    and redirect name the stored row."""
    for field in type(saved)._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding, obj._state.db = False, saved._state.db
