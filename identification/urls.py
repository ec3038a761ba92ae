from django.urls import path

from . import exit_views, notice_views, update_views

urlpatterns = [
    # --- exit checklists, the yearly update and printed notices ---
    path("checklists/", exit_views.my_checklists, name="exit-checklists"),
    path("households/<str:number>/checklist/", exit_views.checklist, name="exit-checklist"),
    path("households/<str:number>/verification/", notice_views.verification_form, name="exit-verification-form"),
    path("steps/<int:pk>/notice/", notice_views.step_notice, name="step-notice-print"),
    path("yearly/", update_views.yearly, name="identification-yearly"),
    # --- end of exit checklists, the yearly update and printed notices ---
]
