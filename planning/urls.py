from django.urls import path

from . import views

urlpatterns = [
    path("households/<str:number>/plan/", views.household_plan, name="planning-household-plan"),
    path("gaps/", views.gaps, name="planning-gaps"),
]
urlpatterns += [
    path("development/<int:pk>/posting/", views.posting_sheet, name="planning-posting"),
]
