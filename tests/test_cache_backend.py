"""The cache is django-redis (one client per connection pool), and the API's throttle counts through the cache API
alone: its counter is an ordinary cache key, with the prefix the suite clears by and an expiry."""
import pytest
from django.core.cache import cache, caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache


def test_the_default_cache_is_django_redis_with_one_client_per_pool():
    assert isinstance(caches["default"], RedisCache)
    assert get_redis_connection() is get_redis_connection()  # Django's own backend built one per operation


@pytest.mark.parametrize("key", ["refcache:version:x", "apitoken:v3:abcd1234", "throttle_api_client_token:ab:60"])
def test_keys_carry_the_cache_prefix_the_suite_clears_by(key):
    assert cache.make_key(key) == f"{cache.key_prefix}:1:{key}"
