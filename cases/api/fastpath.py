"""The API's one round trip to Redis per request, kept because the stock path measured over the issue's 20 % bar
(#29.6) on Django's own Redis backend; on django-redis it no longer does (figures below). Nothing else in the
code base reaches past the cache API into the Redis client, which it takes from django-redis's documented
``get_redis_connection`` (values decoded with the backend client's ``decode``, as its ``get_many`` does).

Measured alone against main 3563248 (372487c cherry-picked: DRF's TokenAuthentication with the token instance read
through cache.get, SimpleRateThrottle counting with cache.incr/add, no shared pipeline): bench_instructions'
intake 7.26 -> 8.92 M instructions per POST (+23 %); bench_intake in alternating single 10 s rounds on the loaded
machine, main / stock: 61.3 / 42.3 and 70.3 / 42.5 req/s, 4.46 / 6.02 and 4.61 / 6.53 ms app CPU per POST (three
cache round trips instead of one: the token, the count, the reference-data version). Both sides of that figure
ran on Django's own RedisCache, which built a redis client per cache operation. Measured again on django-redis
(one client per pool), main 160e8df against the same with 372487c's cases/api/auth.py and throttling.py (the
token pickled as a model instance, the count by cache.incr, reports.refcache reading its version itself):
bench_instructions' intake 7.21 / 6.97 and 7.33 / 7.09 M instructions per POST (main / stock, alternating, 150
POSTs a run), so the stock path is now the cheaper one and this module no longer meets the 20 % bar.

- ``with_request_keys``: cache.get_many of the token's key, with the keys registered readers read in every request
  (reports.refcache: the reference-data version) in the same MGET, and a ``WindowCount``'s commands in the same
  pipeline.
- ``WindowCount``: one request counted in a sliding window over two fixed windows of Redis counters (INCR, EXPIRE,
  GET of the previous window), used by cases.api.throttling.ClientRateThrottle.
"""
import time

from django.core.cache import cache
from django_redis import get_redis_connection


def redis_client():
    """The raw Redis client of the cache (django-redis keeps one per connection pool), or None for another cache
    backend (a test's LocMemCache)."""
    try:
        return get_redis_connection()
    except NotImplementedError:
        return None


class WindowCount:
    """One request counted in the window of `duration` seconds of `key`: the commands for a Redis pipeline, and the
    estimate of requests already counted in the last `duration` seconds once the results are in."""

    def __init__(self, key: str, duration: int, now: float | None = None):
        self.key, self.duration = key, duration
        window, self.into = divmod(time.time() if now is None else now, duration)
        self.current, self.previous = (cache.make_and_validate_key(f"{key}:{duration}:{int(window) - n}")
                                       for n in (0, 1))
        self.estimate = None  # set by accept()

    def queue(self, pipe) -> None:
        pipe.incr(self.current)
        pipe.expire(self.current, self.duration * 2)
        pipe.get(self.previous)

    def accept(self, results) -> None:
        count, _ttl, before = results
        # The previous window's requests weighted by how much of it the sliding window still covers, rounded to
        # whole requests: just past a window's edge the weight is a hair under 1, and without rounding the 4th
        # request of a 3/min client whose first two fell in the previous window was estimated at 2.9997 and let
        # through (a fresh-clone CI run saw [200, 200, 200, 200]).
        self.estimate = count - 1 + round(int(before or 0) * (1 - self.into / self.duration))

    def run(self, client) -> None:
        with client.pipeline(transaction=False) as pipe:
            self.queue(pipe)
            self.accept(pipe.execute())

    def take_back(self) -> None:
        """Uncount the request (a refused token: it must not use up the client's rate)."""
        if self.estimate is not None:
            client = redis_client()
            if client is not None:
                with client.pipeline(transaction=False) as pipe:
                    pipe.decr(self.current)
                    pipe.expire(self.current, self.duration * 2)  # never a key without expiry, even one recreated
                    pipe.execute()


_request_readers = []  # (keys(): list of cache keys or [], accept(values: dict)), see read_with_requests


def read_with_requests(keys, accept) -> None:
    """Register a reader of per-request cache values (reports.refcache: the reference-data version): `keys()`
    names the keys this request will read (none outside a request), `accept(values)` takes what was found."""
    _request_readers.append((keys, accept))


def with_request_keys(keys, also=None) -> dict:
    """cache.get_many(keys), with the keys registered readers will read in this request fetched in the same
    round trip and handed to them; returns only `keys`' values. Each request still reads the shared values
    afresh: nothing is kept between requests. `also` (an object with queue(pipeline) and accept(results), such as
    WindowCount) puts its own commands in the same round trip when the cache is Redis."""
    extra = [(reader_keys(), accept) for reader_keys, accept in _request_readers]
    wanted = list(keys) + [k for more, _accept in extra for k in more]
    client = redis_client() if also is not None else None
    if client is not None:
        values = _get_many_with(client, wanted, also)
    else:
        values = cache.get_many(wanted)
    for more, accept in extra:
        if more:
            accept({k: values[k] for k in more if k in values})
    return {k: values[k] for k in keys if k in values}


def _get_many_with(client, keys, also) -> dict:
    """cache.get_many (an MGET of the versioned keys, values decoded by django-redis's client as its get_many does)
    in one pipeline with `also`'s commands."""
    with client.pipeline(transaction=False) as pipe:
        pipe.mget([cache.make_and_validate_key(k) for k in keys])
        also.queue(pipe)
        found, *results = pipe.execute()
    also.accept(results)
    decode = cache.client.decode
    return {k: decode(v) for k, v in zip(keys, found) if v is not None}
