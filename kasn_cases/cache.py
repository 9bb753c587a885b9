"""Helpers over Django's stock Redis cache (settings.CACHES: django.core.cache.backends.redis.RedisCache)."""
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCacheClient


# --- one round trip for what a request reads from the cache anyway --------------------------------------------

_request_readers = []  # (keys(): list of cache keys or [], accept(values: dict)), see read_with_requests


def read_with_requests(keys, accept) -> None:
    """Register a reader of per-request cache values (reports.refcache: the reference-data version): `keys()`
    names the keys this request will read (none outside a request), `accept(values)` takes what was found."""
    _request_readers.append((keys, accept))


def with_request_keys(keys, also=None) -> dict:
    """cache.get_many(keys), with the keys registered readers will read in this request fetched in the same
    round trip and handed to them; returns only `keys`' values. Each request still reads the shared values
    afresh: nothing is kept between requests. `also` (an object with queue(pipeline) and accept(results), such as
    cases.api.throttling.WindowCount) puts its own commands in the same round trip when the cache is Redis."""
    extra = [(reader_keys(), accept) for reader_keys, accept in _request_readers]
    wanted = list(keys) + [k for more, _accept in extra for k in more]
    if also is not None and isinstance(getattr(cache, "_cache", None), RedisCacheClient):
        values = _get_many_with(wanted, also)
    else:
        values = cache.get_many(wanted)
    for more, accept in extra:
        if more:
            accept({k: values[k] for k in more if k in values})
    return {k: values[k] for k in keys if k in values}


def _get_many_with(keys, also) -> dict:
    """RedisCacheClient.get_many (an MGET of the versioned keys, values unpickled) in one pipeline with `also`'s
    commands."""
    backend = cache._cache
    with backend.get_client(write=True).pipeline(transaction=False) as pipe:
        pipe.mget([cache.make_and_validate_key(k) for k in keys])
        also.queue(pipe)
        found, *results = pipe.execute()
    also.accept(results)
    return {k: backend._serializer.loads(v) for k, v in zip(keys, found) if v is not None}
