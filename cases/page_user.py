"""The signed-in user of every page, read in one hand-built SQL statement: the one place the queue and search
pages leave the ORM for the user (cases.auth_backend.PageUserBackend.get_user, cases.context_processors).

Kept by measurement (issue #29.6, 2026-12-07): the same read through the ORM (select_related region and agency,
ArraySubquery of group names and device ids, a Subquery count of unread notifications) cost 5.08 ms of CPU per call
against 0.45 ms here (200 calls, best of 3, in process), and took the queue page from 32.66 M to 44.88 M
instructions per request (+37 %, bench/bench_instructions.py), past the issue's 20 % bar.
"""
import functools

from django.db import connection
from django_otp import device_classes

from cases.models import Agency, Notification, Region, User


def load_page_user(user, *, refresh=False):
    """Read in one query what every page asks of the signed-in user: roles, region, agency, unread notifications.

    Separately these are four queries per page (User.roles, the scope's user.region, the header's user.agency,
    the bell's count), and through the ORM one query joining them costs as much to compile as the four: so this
    is one plain SQL statement, built once from the models' metadata. It fills the caches those attributes
    fill themselves, with the same rows and rules as User.roles (none when inactive, administrator for a
    superuser; tests/test_queue_perf.py checks they agree), and leaves the count in `user.unread_notifications`
    (read by cases.context_processors.navigation).

    A signed-in request's user comes already loaded (cases.auth_backend.PageUserBackend reads the user row in the
    same statement), so this reads nothing unless `refresh` asks for the count again (after marking notifications).
    """
    if not user.is_authenticated or (not refresh and hasattr(user, "unread_notifications")):
        return user
    with connection.cursor() as cursor:
        cursor.execute(_page_user_sql(), [user.pk])
        row = cursor.fetchone()
    if row is None:
        return user
    _fill_page_user(user, row, connection)
    return user


def page_user_by_id(user_id):
    """The User of `user_id` with what load_page_user fills, in one statement; None if there is none (the
    authentication backend's get_user)."""
    with connection.cursor() as cursor:
        cursor.execute(_page_user_sql(with_user=True), [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    n = len(User._meta.concrete_fields)
    user = _from_row(User, row[:n], connection)
    _fill_page_user(user, row[n:], connection)
    return user


def _fill_page_user(user, row, connection):
    user.roles = user.roles_from(row[0])  # the cached_property's value, by the same rule
    user.otp_device_ids = frozenset(row[2])  # confirmed second-factor devices (cases.twofactor)
    values = row[3:]
    user.region = _from_row(Region, values[:len(Region._meta.concrete_fields)], connection)
    user.agency = _from_row(Agency, values[len(Region._meta.concrete_fields):], connection)
    user.unread_notifications = row[1]


@functools.cache
def _page_user_sql(with_user=False):
    """SELECT [user columns,] group names, unread count, region columns, agency columns FROM the user (names
    from the models)."""
    qn = connection.ops.quote_name
    user, region, agency, note = User._meta, Region._meta, Agency._meta, Notification._meta
    groups = user.get_field("groups")
    group, through = groups.related_model._meta, groups.remote_field.through._meta
    columns = [f"r.{qn(f.column)}" for f in region.concrete_fields] + [f"a.{qn(f.column)}" for f in agency.concrete_fields]
    user_columns = "".join(f"u.{qn(f.column)}, " for f in user.concrete_fields) if with_user else ""
    return (
        f"SELECT {user_columns}ARRAY(SELECT g.{qn(group.get_field('name').column)} FROM {qn(group.db_table)} g"
        f" JOIN {qn(through.db_table)} ug ON ug.{qn(through.get_field(groups.m2m_reverse_field_name()).column)}"
        f" = g.{qn(group.pk.column)} WHERE ug.{qn(through.get_field(groups.m2m_field_name()).column)} = u.{qn(user.pk.column)}),"
        f" (SELECT COUNT(*) FROM {qn(note.db_table)} n WHERE n.{qn(note.get_field('user').column)} = u.{qn(user.pk.column)}"
        f" AND n.{qn(note.get_field('read_at').column)} IS NULL), {_device_ids_sql(qn)}, " + ", ".join(columns) +
        f" FROM {qn(user.db_table)} u"
        f" LEFT JOIN {qn(region.db_table)} r ON r.{qn(region.pk.column)} = u.{qn(user.get_field('region').column)}"
        f" LEFT JOIN {qn(agency.db_table)} a ON a.{qn(agency.pk.column)} = u.{qn(user.get_field('agency').column)}"
        f" WHERE u.{qn(user.pk.column)} = %s"
    )


def _device_ids_sql(qn) -> str:
    """ARRAY of the user's confirmed django-otp devices as persistent ids ('otp_totp.totpdevice/7'), the value the
    session keeps once the second step is passed (cases.twofactor)."""
    parts = [f"SELECT '{model.model_label()}/' || d.{qn(model._meta.pk.column)} FROM {qn(model._meta.db_table)} d"
             f" WHERE d.{qn(model._meta.get_field('user').column)} = u.id AND d.{qn('confirmed')}"
             for model in device_classes()]
    return "ARRAY(" + " UNION ALL ".join(parts) + ")" if parts else "ARRAY[]::text[]"


def _from_row(model, values, connection):
    """A model instance from its concrete columns in order (None for a NULL join), as the ORM builds it."""
    if values[0] is None:
        return None
    fields = model._meta.concrete_fields
    values = [f.from_db_value(v, None, connection) if hasattr(f, "from_db_value") else v for f, v in zip(fields, values)]
    return model.from_db(connection.alias, [f.attname for f in fields], values)
