"""Small checks behind the settings' refusals (settings.py): where a service listens, how it reaches PostgreSQL."""

import ipaddress
from urllib.parse import parse_qsl, urlsplit


def is_loopback(host: str) -> bool:
    """True for addresses only this machine reaches: 127.0.0.0/8, ::1 and `localhost`."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name (or 0.0.0.0's spelling of "every interface") is not loopback


def database_sslmode(url: str) -> str | None:
    """The libpq `sslmode` in a DATABASE_URL's query (DATABASE_SSLMODE is folded in there), or None."""
    return dict(parse_qsl(urlsplit(url).query)).get("sslmode")
