from django.urls import path

from .views import ledger, notices, reports, submissions

urlpatterns = [
    path("", reports.index, name="reports-index"),
    path("new/", reports.request_new, name="reports-request"),
    path("<int:pk>/", reports.detail, name="reports-detail"),
    path("<int:pk>/status/", reports.status, name="reports-status"),
    path("<int:pk>/download/", reports.download, name="reports-download"),
    path("ledger/", ledger.ledger, name="reports-ledger"),
    path("submissions/", submissions.submissions, name="reports-submissions"),
    path("submissions/<int:pk>/", submissions.submission_detail, name="reports-submission"),
    path("submissions/submit/<str:month>/", submissions.submit, name="reports-submit"),
    path("notices/read/", notices.read_notices, name="reports-notices-read"),
]
