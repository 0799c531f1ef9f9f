class AnprError(Exception):
    """Base of every error our code raises on purpose."""

    retriable: bool = False
    status_code: int = 500
    # Sent as Retry-After with a retriable error's 503: how long a client should wait before trying again.
    retry_after_seconds: int = 1


class RetriableError(AnprError):
    retriable = True
    status_code = 503


class PermanentError(AnprError):
    status_code = 422


class NotFound(PermanentError):
    status_code = 404


class Conflict(PermanentError):
    status_code = 409


class Forbidden(PermanentError):
    status_code = 403
