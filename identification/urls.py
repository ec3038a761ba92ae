from django.urls import path

from . import views

urlpatterns = [
    path("", views.villages, name="identification-villages"),
    path("export/", views.export, name="identification-export"),
    path("villages/<str:code>/", views.village, name="identification-village"),
    path("households/<str:number>/", views.household_history, name="identification-household"),
    path("steps/<int:pk>/document/", views.document, name="identification-document"),
]
