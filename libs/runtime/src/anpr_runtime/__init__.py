"""Shared runtime of the ANPR services: settings, auth, HTTP app factory, Kafka consumer runner, database.

Exception tree (every error carries `retriable`):
    AnprError
      RetriableError      transient (broker, database, a peer service down): retry with backoff
      PermanentError      the input can never succeed: dead-letter it, answer 4xx
        NotFound          404
        Conflict          409
        Forbidden         403
"""

from anpr_runtime.errors import AnprError, Conflict, Forbidden, NotFound, PermanentError, RetriableError

__all__ = ["AnprError", "Conflict", "Forbidden", "NotFound", "PermanentError", "RetriableError"]
