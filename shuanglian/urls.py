from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pairing import views as pairing_views
from reports import dashboard_views
from shuanglian import account_views, offline
from shuanglian import views as front_door
from visits import stay_views
from visits import views as visit_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # One sign-in page for every role; the admin's own sends its visitors there.
    path("admin/login/", front_door.admin_sign_in, name="admin-sign-in"),
    path("admin/", admin.site.urls),
    path("api/", include("shuanglian.api_urls")),
    path("accounts/login/", front_door.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password_reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", pairing_views.home, name="home"),
    path("households/<str:number>/", pairing_views.household_detail, name="household-detail"),
    path("visits/due/", visit_views.due, name="visits-due"),
    path("visits/", visit_views.workspace, name="visits-workspace"),
    path("visits/new/", visit_views.log, name="visits-log"),
    path("visits/mine/", visit_views.history, name="visits-history"),
    path("visits/<int:pk>/edit/", visit_views.edit, name="visits-edit"),
    path("visits/photos/<int:pk>/", visit_views.photo, name="visit-photo"),
    path("visits/demands/", visit_views.my_demands, name="visits-demands"),
    path("visits/demands/new/", visit_views.new_demand, name="visits-demand-new"),
    path("visits/deeds/new/", visit_views.new_deed, name="visits-deed-new"),
    path("visits/stays/", stay_views.stays, name="visits-stays"),  # a resident's attendance (docs/domain.md §11)
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("", include("assessments.urls")),
    path("reports/", include("reports.urls")),
    path("identification/", include("identification.urls")),
    # The phone app: its service worker at the root (scope: every page), the page shown offline
    # for a page not kept, and signing out on every device (docs/architecture.md, "The phone offline").
    path("sw.js", offline.service_worker, name="service-worker"),
    path("offline/", account_views.offline, name="offline"),
    path("accounts/sign-out-everywhere/", account_views.sign_out_everywhere, name="sign-out-everywhere"),
    path("", include("discipline.urls")),
    path("", include("publicity.urls")),
    path("papers/", include("papers.urls")),
    path("planning/", include("planning.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "shuanglian.views.bad_request"
handler404 = "shuanglian.views.page_not_found"
handler500 = "shuanglian.views.server_error"

from households import views as household_views  # noqa: E402

urlpatterns += [
    path("poverty/", household_views.poverty_tests, name="households-poverty"),  # docs/domain.md §10
]
