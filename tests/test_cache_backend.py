"""The cache is django-redis, and the API's one round trip (cases.api.fastpath) reads and writes through its raw
client what the cache API reads and writes: the same versioned, prefixed keys and the same encoding."""
import time

import pytest
from django.core.cache import cache, caches
from django_redis.cache import RedisCache

from cases.api import fastpath


def test_the_default_cache_is_django_redis_with_one_client_per_pool():
    assert isinstance(caches["default"], RedisCache)
    assert fastpath.redis_client() is fastpath.redis_client()  # Django's own backend built one per operation


def test_one_round_trip_reads_what_cache_set_wrote_and_counts_under_the_cache_apis_key(redis_client):
    values = {"edge:tuple": ("ntr", 1, None, 2.5), "edge:int": 7, "edge:str": "teks", "edge:bool": True}
    cache.set_many(values, 60)
    now = time.time()
    counted = fastpath.WindowCount("edge:count", 60, now=now)
    found = fastpath.with_request_keys([*values, "edge:missing"], also=counted)
    assert found == values and counted.estimate == 0
    again = fastpath.WindowCount("edge:count", 60, now=now)
    fastpath.with_request_keys(["edge:int"], also=again)
    assert again.estimate == 1
    # The counter the raw client incremented is the cache API's key, readable (and deletable) through it.
    window = int(now // 60)
    assert cache.get(f"edge:count:60:{window}") == 2
    assert redis_client.ttl(cache.make_key(f"edge:count:60:{window}")) > 60
    again.take_back()
    assert cache.get(f"edge:count:60:{window}") == 1


def test_without_redis_as_the_cache_the_request_keys_come_from_the_cache_api(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "edge-test"}}
    assert fastpath.redis_client() is None
    cache.set("edge:token", ("packed",), 60)
    counted = fastpath.WindowCount("edge:count", 60)
    assert fastpath.with_request_keys(["edge:token"], also=counted) == {"edge:token": ("packed",)}
    assert counted.estimate is None  # not counted here: the throttle counts with DRF's own way


@pytest.mark.parametrize("key", ["refcache:version:x", "apitoken:v2:abcd1234"])
def test_keys_carry_the_cache_prefix_the_suite_clears_by(key):
    assert cache.make_key(key) == f"{cache.key_prefix}:1:{key}"
