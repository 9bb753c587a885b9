"""PostgreSQL backend whose per-request health check costs no round trip when the connection is evidently fine.

With CONN_HEALTH_CHECKS, Django asks the server `SELECT 1` before the first query of every request that reuses a
connection: a round trip, a statement for PostgreSQL to run and two context switches, for each API POST that then
writes its report in one statement. A connection the server has ended (restart, pg_terminate_backend, idle timeout)
is not silent: PostgreSQL sends an error message and closes the socket, which then polls readable. An idle healthy
connection has nothing to read. So: nothing to read -> usable, without asking; anything to read (a closure, or a
notice that arrived in between) -> Django's own check, `SELECT 1`, decides. A connection cut without a word (a
network partition) is missed by both checks alike: `SELECT 1` would hang on it too.
"""
import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
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
