"""Reference rows (elections, stages, regions, agencies) by code, cached per process for intake.

Every submission names an election, a region and an agency; these tables change a few times a year but were read
three times per report. Each process keeps the rows a form may choose from, keyed by the submitted value, and
checks a shared version (read once per web request) before using them: a save or delete of a reference row
anywhere bumps the version, and so does emptying the cache, so no process uses a row changed elsewhere. Without the cache server the
database is read as before. Callers get a copy, never the shared instance.
"""
import copy
import threading
import uuid

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from cases.models import Agency, ElectionPeriod, ElectionStage, Region

VERSION_KEY = "refcache:version"
MODELS = (Agency, ElectionPeriod, ElectionStage, Region)

_lock = threading.Lock()
_tables: dict = {}
_version = [None]
_request = threading.local()  # the version read once per web request (request_started resets it)


def _request_started(**kwargs):
    _request.active, _request.version = True, None


def _request_finished(**kwargs):
    _request.active, _request.version = False, None


def _version_key() -> str:
    """One version per database: test databases and the benchmark database share the cache server, and a change
    to one database's reference rows says nothing about another's."""
    return f"{VERSION_KEY}:{connection.settings_dict['NAME']}"


def _shared_version():
    if getattr(_request, "active", False):
        if _request.version is None:
            _request.version = _read_version()
        return _request.version
    return _read_version()


def _read_version():
    key = _version_key()
    version = cache.get(key)
    if version is None:  # never set, or the cache was emptied: start a new generation
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    return version


def lookup(name: str, queryset, field: str, value):
    """The row of `queryset` whose `field` equals `value` (compared as text), or None. `name` identifies the
    queryset: one name, one fixed set of rows. Raises LookupError when the cache cannot be used."""
    try:
        version = _shared_version()
    except Exception as exc:  # no cache server: the caller reads the database
        raise LookupError("reference cache unavailable") from exc
    with _lock:
        if version != _version[0]:
            _tables.clear()
            _version[0] = version
        table = _tables.get(name)
    if table is None:
        table = {str(getattr(row, field)): row for row in queryset.all()}  # a fresh query: never the caller's cache
        with _lock:
            if _version[0] == version:
                _tables[name] = table
    row = table.get(str(value))
    return copy.copy(row) if row is not None else None


def invalidate(**kwargs) -> None:
    _request.version = None
    with _lock:
        _tables.clear()
        _version[0] = None
    try:
        cache.set(_version_key(), uuid.uuid4().hex, None)
    except Exception:
        pass


def _changed(sender, **kwargs):
    invalidate()
    transaction.on_commit(invalidate)  # again after commit: a process may have reloaded the old rows meanwhile


for _model in MODELS:
    post_save.connect(_changed, sender=_model, dispatch_uid=f"refcache-save-{_model.__name__}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"refcache-delete-{_model.__name__}")
request_started.connect(_request_started, dispatch_uid="refcache-request-started")
request_finished.connect(_request_finished, dispatch_uid="refcache-request-finished")
