from django.urls import path

from . import exit_views, notice_views, update_views, views

urlpatterns = [
    path("", views.villages, name="identification-villages"),
    path("export/", views.export, name="identification-export"),
    path("villages/<str:code>/", views.village, name="identification-village"),
    path("households/<str:number>/", views.household_history, name="identification-household"),
    path("steps/<int:pk>/document/", views.document, name="identification-document"),
    # --- exit checklists, the yearly update and printed notices ---
    path("checklists/", exit_views.my_checklists, name="exit-checklists"),
    path("households/<str:number>/checklist/", exit_views.checklist, name="exit-checklist"),
    path("households/<str:number>/verification/", notice_views.verification_form, name="exit-verification-form"),
    path("steps/<int:pk>/notice/", notice_views.step_notice, name="step-notice-print"),
    path("yearly/", update_views.yearly, name="identification-yearly"),
]
