import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuanglian.settings")
application = get_wsgi_application()
# What start-up made (modules, URL patterns, models) lives as long as the worker: moved out of the
# collector's generations, a full collection no longer walks it again between requests.
gc.freeze()
