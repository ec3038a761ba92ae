from django.urls import path

from . import views

urlpatterns = [
    # --- the household's papers (docs/domain.md §12) ---
    path("cards/", views.cards, name="papers-cards"),
    path("households/<str:number>/handbook/", views.handbook, name="papers-handbook"),
    path("diary/", views.diary_page, name="papers-diary"),
    path("handbooks/", views.handbook_download, name="papers-handbook-download"),
    path("projects/upload/", views.project_upload, name="papers-project-upload"),
    # --- end of the household's papers ---
]
