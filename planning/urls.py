from django.urls import path

from . import views

urlpatterns = [
    path("households/<str:number>/plan/", views.household_plan, name="planning-household-plan"),
    path("gaps/", views.gaps, name="planning-gaps"),
]
