"""Hypothesis profiles for the property suite.

``ci`` (chosen when the environment says CI, as `.ci/run` does) is derandomised, so a run is
reproducible and a red build points at a real counter-example, not at luck; ``dev`` (the
default) draws fresh examples on every run, so developers keep exploring. Neither writes an
example database into the work tree. Each test sets its own modest ``max_examples`` so that the
suite stays well under a minute; HYPOTHESIS_PROFILE picks a profile by name.
"""
import os

from hypothesis import HealthCheck, settings

COMMON = {
    "deadline": None,  # database round trips vary; speed is measured elsewhere
    "database": None,
    "print_blob": True,
    # Function-scoped fixtures (the test database) are set up once per test, not per example:
    # the properties below create what each example needs inside the example.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("ci", derandomize=True, **COMMON)
settings.register_profile("dev", **COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))
