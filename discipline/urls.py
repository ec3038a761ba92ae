from django.urls import path

from . import views

urlpatterns = [
    path("jubao/", views.complaint_new, name="complaint-new"),
    path("jubao/receipt/", views.complaint_receipt, name="complaint-receipt"),
    path("jubao/status/", views.complaint_status, name="complaint-status"),
    path("discipline/", views.office, name="discipline-office"),
    path("discipline/complaints/new/", views.office_complaint_new, name="discipline-complaint-new"),
    path("discipline/complaints/<int:pk>/", views.complaint_detail, name="discipline-complaint"),
    path("discipline/inspections/new/", views.inspection_new, name="discipline-inspection-new"),
    path("discipline/inspections/<int:pk>/", views.inspection_detail, name="discipline-inspection"),
    path("discipline/accountability/new/", views.accountability_new, name="discipline-accountability-new"),
    path("discipline/files/<str:kind>/<int:pk>/", views.evidence_file, name="discipline-file"),
]
