"""PostgreSQL backend whose per-request health check costs no round trip when the connection is evidently fine.

With CONN_HEALTH_CHECKS, Django asks the server `SELECT 1` before the first query of every request that reuses a
connection: a round trip, a statement for PostgreSQL to run and two context switches, for each API POST that then
writes its report in one statement. A connection the server has ended (restart, pg_terminate_backend, idle timeout)
is not silent: PostgreSQL sends an error message and closes the socket, which then polls readable. An idle healthy
connection has nothing to read. So: nothing to read -> usable, without asking; anything to read (a closure, or a
notice that arrived in between) -> Django's own check, `SELECT 1`, decides. A connection cut without a word (a
network partition) is missed by both checks alike: `SELECT 1` would hang on it too.

Statements a connection repeats are prepared (settings: DB_PREPARE_THRESHOLD). A migration that changes the type of a
column such a statement returns makes PostgreSQL refuse the prepared plan ("cached plan must not change result
type"), and psycopg would send the same prepared statement again on every later call. ReplanningCursor forgets the
connection's prepared statements on that error and, outside a transaction (nothing ran), runs the statement once
more; inside one it re-raises (the transaction is aborted) and the rollback forgets them.
"""
import select

from django.db.backends.postgresql import base
from psycopg import errors
from psycopg.pq import TransactionStatus


class ReplanningCursor(base.ServerBindingCursor):
    def execute(self, query, params=None, **kwargs):
        try:
            return super().execute(query, params, **kwargs)
        except errors.FeatureNotSupported as exc:
            if exc.diag.source_function != "RevalidateCachedQuery":  # not localised, unlike the message
                raise
            self.connection._prepared.clear()  # psycopg then sends DEALLOCATE ALL after the next statement
            if self.connection.info.transaction_status != TransactionStatus.IDLE:
                raise
            return super().execute(query, params, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if params.get("cursor_factory") is base.ServerBindingCursor:
            params["cursor_factory"] = ReplanningCursor
        return params

    def is_usable(self):
        conn = self.connection
        if conn is None or conn.closed or conn.broken:
            return False
        if conn.info.transaction_status != TransactionStatus.IDLE:  # inside or after a failed transaction: ask
            return super().is_usable()
        poller = select.poll()  # not select.select: it refuses descriptors above 1023
        try:
            poller.register(conn.fileno(), select.POLLIN | select.POLLPRI)
            readable = poller.poll(0)
        except (OSError, ValueError):
            return False
        return super().is_usable() if readable else True
