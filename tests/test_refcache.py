"""reports.refcache hands each caller its own copy of a cached reference row: a change to the copy (or to the
rows it caches) never reaches the shared row or another request."""
import copy

import pytest

from cases.models import Agency, Region
from reports import refcache
from tests.workflow_support import ensure_reference_data


@pytest.mark.django_db
def test_a_looked_up_row_is_a_copy_the_caller_may_change():
    ensure_reference_data()
    queryset = Agency.objects.filter(code__startswith="PEMKAB-")
    first = refcache.lookup("test:agencies", queryset, "code", "PEMKAB-33.01")
    assert first == Agency.objects.get(code="PEMKAB-33.01")
    skip = {"_state", "_django_version"}  # copy.copy leaves pickling's version mark behind
    assert {k: v for k, v in vars(first).items() if k not in skip} == \
           {k: v for k, v in vars(copy.copy(first)).items() if k not in skip}
    assert (first._state.db, first._state.adding) == ("default", False)

    first.name = "diubah"
    first._state.fields_cache["region"] = Region(code="99")
    second = refcache.lookup("test:agencies", queryset, "code", "PEMKAB-33.01")
    assert second is not first and second.name == Agency.objects.get(code="PEMKAB-33.01").name
    assert "region" not in second._state.fields_cache
    assert second.region.code == "33.01"  # read from the database, not the first caller's object
    assert refcache.lookup("test:agencies", queryset, "code", "TIDAK-ADA") is None

