"""The app's URLs plus one baseline view for the benchmarks (bench/settings.py only)."""
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from shuanglian.urls import urlpatterns as app_urlpatterns


@login_required
def baseline(request):
    """A minimal Django view: the same middleware (session, sign-in, CSRF on POST) and nothing else."""
    return HttpResponse("ok")


urlpatterns = [path("bench/baseline/", baseline, name="bench-baseline"), *app_urlpatterns]
