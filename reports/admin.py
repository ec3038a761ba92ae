from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from households.admin import PolicyAdmin
from shuanglian import scoping
from shuanglian.admin_base import ReadOnlyInline, ScopedAdmin
from shuanglian.errors import DomainError

from .access import visible_reports, visible_submissions
from .models import MonthlySubmission, Notice, Report, SubmissionEvent, SubmissionPolicy
from .services import runs, submissions


@admin.register(Report)
class ReportAdmin(ScopedAdmin):
    """Reports are produced by the task, not typed in: the admin lists them, links the file and
    the print page, and re-runs them."""

    visible = visible_reports
    list_display = ("__str__", "kind", "period", "status", "progress", "as_of", "requested_by", "requested_at", "finished_at",
                    "attempts", "links")
    list_filter = ("kind", "status")
    list_select_related = ("area", "unit", "requested_by")
    search_fields = ("period", "area__name", "=area__code", "unit__name", "=unit__code")
    date_hierarchy = "requested_at"
    readonly_fields = ("kind", "period", "start", "end", "area", "unit", "status", "progress", "as_of", "requested_by",
                       "requested_at", "started_at", "finished_at", "attempts", "error", "links")
    fields = readonly_fields
    actions = ["rerun"]

    def has_add_permission(self, request):
        return False  # requested on the reports page or by the schedule

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("文件"))
    def links(self, obj):
        if obj.status != Report.Status.DONE:
            return "—"
        return format_html('<a href="{}">{}</a> · <a href="{}">{}</a>', reverse("reports-download", args=[obj.pk]), _("Excel"),
                           reverse("reports-detail", args=[obj.pk]), _("打印版"))

    @admin.action(description=_("重新生成所选报表"))
    def rerun(self, request, queryset):
        count = 0
        for report in queryset.select_related("area", "unit"):
            runs.request_report(kind=report.kind, period=report.period, area=report.area, unit=report.unit, by=request.user)
            count += 1
        self.message_user(request, ngettext("已重新提交生成 %(n)s 份报表。", "已重新提交生成 %(n)s 份报表。", count) % {"n": count})


class EventInline(ReadOnlyInline):
    model = SubmissionEvent
    fields = ("at", "action", "by", "comment")


@admin.register(MonthlySubmission)
class MonthlySubmissionAdmin(ScopedAdmin):
    """The office's register of monthly reports. Approving locks the month; returning and
    reopening need a written reason and are done on the 按时报送 page."""

    visible = visible_submissions
    inlines = [EventInline]
    list_display = ("unit", "month", "status", "due", "first_submitted_at", "late", "reviewed_by", "reviewed_at")
    list_filter = ("status", "late", "month")
    list_select_related = ("unit", "reviewed_by")
    search_fields = ("unit__name", "=unit__code")
    date_hierarchy = "month"
    readonly_fields = ("unit", "month", "due", "status", "summary", "first_submitted_at", "submitted_at", "submitted_by",
                       "late", "reviewed_at", "reviewed_by", "comment")
    fields = readonly_fields
    actions = ["approve"]

    def has_add_permission(self, request):
        return False  # units submit on the 按时报送 page

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("审核通过所选月报（锁定该月）"))
    def approve(self, request, queryset):
        done = 0
        for submission in queryset.filter(status=MonthlySubmission.Status.SUBMITTED):
            try:
                submissions.review_submission(submission=submission, action="approve", by=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, _("%(submission)s：%(problems)s") % {
                    "submission": submission, "problems": gettext("；").join(exc.messages)}, messages.ERROR)
        self.message_user(request, ngettext("已审核通过 %(n)s 份月报。", "已审核通过 %(n)s 份月报。", done) % {"n": done})

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not scoping.is_office(request.user):
            actions.pop("approve", None)
        return actions


@admin.register(SubmissionPolicy)
class SubmissionPolicyAdmin(PolicyAdmin):
    list_display = ("__str__", "area", "due_day", "note")

    def check_write(self, form, data):
        super().check_write(form, data)
        submissions.check_due_day(data.get("due_day"))


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Sent notices, for the system administrator to check what went out."""

    list_display = ("title", "user", "created_at", "read_at", "emailed_at")
    list_filter = ("read_at", "emailed_at")
    search_fields = ("title", "user__username")
    readonly_fields = ("user", "key", "title", "body", "link", "created_at", "read_at", "emailed_at")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a record of what was sent
