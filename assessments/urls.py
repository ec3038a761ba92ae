from django.urls import path

from . import views

urlpatterns = [
    path("e/", views.enter_code, name="ballot-enter"),
    path("e/thanks/", views.thanks, name="ballot-thanks"),
    path("e/<str:code>/", views.cast, name="ballot-cast"),
    path("evaluation/", views.results, name="evaluation-results"),
    path("evaluation/rounds/<int:pk>/slips/", views.slips, name="evaluation-slips"),
]
