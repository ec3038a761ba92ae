from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="reports-index"),
    path("new/", views.request_new, name="reports-request"),
    path("<int:pk>/", views.detail, name="reports-detail"),
    path("<int:pk>/status/", views.status, name="reports-status"),
    path("<int:pk>/download/", views.download, name="reports-download"),
    path("ledger/", views.ledger, name="reports-ledger"),
    path("submissions/", views.submissions, name="reports-submissions"),
    path("submissions/<int:pk>/", views.submission_detail, name="reports-submission"),
    path("submissions/submit/<str:month>/", views.submit, name="reports-submit"),
    path("notices/read/", views.read_notices, name="reports-notices-read"),
]
