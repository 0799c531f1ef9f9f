"""Every POST form carries the session's CSRF token in a hidden field; a cross-site form cannot know it."""

import hmac

FIELD = "csrf_token"


def token_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
