from django.urls import path

from . import views

urlpatterns = [
    path("dianxing/", views.cases, name="publicity-cases"),
    path("dianxing/new/", views.new_case, name="publicity-case-new"),
    path("dianxing/<int:pk>/", views.case_detail, name="publicity-case"),
    path("dianxing/photos/<int:pk>/", views.case_photo, name="publicity-case-photo"),
    path("pingyi/gongkai/", views.rounds, name="publicity-rounds"),
    path("qiantou/", views.leads, name="publicity-leads"),
    # The public pages: no sign-in, published records only.
    path("gongkai/", views.public_index, name="public-index"),
    path("gongkai/dianxing/<int:pk>/", views.public_case, name="public-case"),
    path("gongkai/zhaopian/<int:pk>/", views.public_photo, name="public-photo"),
    path("gongkai/pingyi/<int:year>/", views.public_results, name="public-results"),
]
