"""Settings read from a clean environment: what a deployment gets when it sets nothing."""
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRINT_DEBUG = "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)"


def settings_in(env: dict) -> subprocess.CompletedProcess:
    """Load the settings in a fresh interpreter that sees only ``env`` (not the tests' DJANGO_DEBUG=1)."""
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); " + PRINT_DEBUG], cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "shuanglian.settings", **env},
                          capture_output=True, text=True)


def test_debugging_is_off_when_the_environment_does_not_ask_for_it():
    key = secrets.token_urlsafe(50)
    run = settings_in({"DJANGO_SECRET_KEY": key})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", key]


def test_without_debugging_there_is_no_fallback_secret_key():
    run = settings_in({})
    assert run.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in run.stderr and "local-development-only" not in run.stdout


def test_debugging_and_the_development_key_come_only_when_asked_for():
    run = settings_in({"DJANGO_DEBUG": "1"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "local-development-only-not-secret"]


PRINT_OPTIONS = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'].get('options'))"


def database_options(url: str, **env) -> str:
    run = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + PRINT_OPTIONS], cwd=ROOT,
                         env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "shuanglian.settings",
                              "DJANGO_DEBUG": "1", "DATABASE_URL": url, **env}, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


OURS = "-c jit=off -c plan_cache_mode=force_generic_plan"


def test_postgresql_connections_run_without_jit_compilation_and_with_generic_plans():
    assert database_options("postgres://u@db:5432/shuanglian") == OURS


def test_options_given_in_the_address_keep_theirs_and_gain_ours():
    url = "postgres://u@db:5432/shuanglian?options=-c%20statement_timeout%3D5000"
    assert database_options(url) == f"-c statement_timeout=5000 {OURS}"


def test_pgoptions_are_kept_when_options_are_set():
    assert database_options("postgres://u@db:5432/shuanglian", PGOPTIONS="-c work_mem=64MB") == f"-c work_mem=64MB {OURS}"


def test_a_deployment_that_asks_for_jit_gets_it():
    assert database_options("postgres://u@db:5432/shuanglian?options=-c%20jit%3Don") == (
        "-c jit=on -c plan_cache_mode=force_generic_plan")


def test_a_deployment_that_names_the_plan_cache_mode_keeps_it():
    url = "postgres://u@db:5432/shuanglian?options=-c%20plan_cache_mode%3Dauto"
    assert database_options(url) == "-c plan_cache_mode=auto -c jit=off"


def test_a_deployment_that_names_both_gets_its_own_options_alone():
    url = "postgres://u@db:5432/shuanglian?options=-c%20plan_cache_mode%3Dauto%20-c%20jit%3Don"
    assert database_options(url) == "-c plan_cache_mode=auto -c jit=on"
