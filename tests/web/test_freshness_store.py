"""Where the figures' generations and the refresh claims live (shuanglian.freshness.store): the
cache's Redis in production, spoken to directly, or Django's cache (in memory) elsewhere. Both
answer alike; the Redis one writes a trip's generations in one command."""
import os
from unittest import mock

import pytest
from django.core.cache import cache

from shuanglian import freshness

pytestmark = pytest.mark.django_db  # a touch waits for the transaction to commit

REDIS = os.environ.get("FRESHNESS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PREFIX = "shuanglian-test"
VILLAGE, TOWNSHIP, COUNTY, CITY, PROVINCE = "620502101001", "620502101000", "620502000000", "620500000000", "620000000000"
NEXT_COUNTY = "620503000000"


def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS} ({exc}): .ci/run starts it")
        pytest.skip(f"Redis is not reachable at {REDIS} (redis-server --daemonize yes)")
    return client


@pytest.fixture(params=["memory", "redis"])
def kind(request, settings):
    """Each test once with the cache in memory and once with the cache in Redis, whatever the
    environment configures."""
    if request.param == "redis":
        redis_client()
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": REDIS, "KEY_PREFIX": PREFIX}}
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield request.param
    cache.clear()


def generations(*codes) -> dict[str, str]:
    return {code: freshness.generation(code) for code in codes}


def test_the_store_follows_the_cache_configured(kind):
    expected = freshness.RedisMarks if kind == "redis" else freshness.CacheMarks
    assert isinstance(freshness.store(), expected)


def touch(village: str, committed) -> None:
    with committed(execute=True):
        freshness.touch_villages([village])


def test_a_villages_touch_renews_its_lineage_and_no_other_area(kind, django_capture_on_commit_callbacks):
    before = generations(VILLAGE, TOWNSHIP, COUNTY, CITY, PROVINCE, NEXT_COUNTY)
    touch(VILLAGE, django_capture_on_commit_callbacks)
    after = generations(*before)
    assert {code for code in before if after[code] != before[code]} == {VILLAGE, TOWNSHIP, COUNTY, CITY, PROVINCE}


def test_an_areas_generation_holds_until_it_is_touched(kind):
    assert freshness.generation(COUNTY) == freshness.generation(COUNTY)


def test_clearing_the_cache_renews_every_generation(kind):
    before = generations(VILLAGE, NEXT_COUNTY)
    cache.clear()
    after = generations(VILLAGE, NEXT_COUNTY)
    assert all(after[code] != before[code] for code in before)


def test_a_claim_is_taken_once(kind):
    marks = freshness.store()
    assert marks.add("dashboard:refresh:test", "1", timeout=60) is True
    assert marks.add("dashboard:refresh:test", "1", timeout=60) is False
    assert marks.get_many(["dashboard:refresh:test", "dashboard:refresh:none"]) == {"dashboard:refresh:test": "1"}


def test_in_redis_the_marks_carry_the_caches_prefix_and_a_claim_its_lifetime(kind, django_capture_on_commit_callbacks):
    if kind != "redis":
        pytest.skip("Redis only")
    touch(VILLAGE, django_capture_on_commit_callbacks)
    freshness.store().add("dashboard:refresh:test", "1", timeout=60)
    client = redis_client()
    assert client.get(f"{PREFIX}:freshness:own:{VILLAGE}") is not None
    assert 0 < client.ttl(f"{PREFIX}:dashboard:refresh:test") <= 60
    assert client.ttl(f"{PREFIX}:freshness:own:{VILLAGE}") == -1  # a generation lives until evicted


def test_in_redis_a_trips_areas_are_renewed_in_one_command_without_a_transaction(kind, settings,
                                                                                django_capture_on_commit_callbacks):
    if kind != "redis":
        pytest.skip("Redis only")
    settings.DASHBOARD_REFRESH_SECONDS = 0  # no refresh claimed after it, even with a broker configured
    client = freshness.store().client  # the real client, watched: what it sends still reaches Redis
    with mock.patch.object(client, "execute_command", wraps=client.execute_command) as sent, \
            mock.patch.object(client, "pipeline", wraps=client.pipeline) as pipelines:
        touch(VILLAGE, django_capture_on_commit_callbacks)
    assert [call.args[0] for call in sent.call_args_list] == ["MSET"]
    assert len(sent.call_args_list[0].args[1:]) == 2 * 5  # the village and the four areas above it
    assert pipelines.call_count == 0


@pytest.mark.parametrize("location", ["redis://127.0.0.1:6379/15,redis://127.0.0.1:6380/15",
                                      "redis://127.0.0.1:6379/15;redis://127.0.0.1:6380/15",
                                      ["redis://127.0.0.1:6379/15", "redis://127.0.0.1:6380/15"]])
def test_several_servers_are_left_to_djangos_cache(location):
    config = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
    assert isinstance(freshness._store_for(config), freshness.CacheMarks)


def test_nothing_asked_or_written_is_no_command(kind):
    marks = freshness.store()
    assert marks.get_many([]) == {}
    marks.set_many({})
