"""The demo people of the bench, signed in two ways: through the console's real login (the console sends the
browser to Keycloak's own login page, the form is posted, the redirects lead back with a session cookie),
and with the test client's direct grant for the API baseline (the same person's access token, no console)."""

import html
import os
import re
import time
from dataclasses import dataclass, field

import httpx

# Keycloak's login page: <form id="kc-form-login" ... action="https://...">, the action HTML-escaped.
_FORM = re.compile(r"<form[^>]*\bid=\"kc-form-login\"[^>]*>", re.IGNORECASE)
_ACTION = re.compile(r"\baction=\"([^\"]+)\"")
# A direct-grant token is taken again this long before Keycloak's lifespan (300 s in the demo realm) ends.
_RENEW_MARGIN = 60.0


class SignInFailed(RuntimeError):
    """A person could not be signed in: the message says where the flow stopped."""


@dataclass(frozen=True)
class Person:
    role: str  # the suffix of ANPR_DEMO_<ROLE>_USER, e.g. REVIEWER, PERMIT_DESK
    user: str
    password: str

    @classmethod
    def demo(cls, role: str) -> "Person":
        user = os.environ.get(f"ANPR_DEMO_{role}_USER", "")
        password = os.environ.get(f"ANPR_DEMO_{role}_PASSWORD", "")
        if not (user and password):
            raise SignInFailed(f"ANPR_DEMO_{role}_USER/_PASSWORD are not set: run `anpr up` (with Keycloak) first")
        return cls(role, user, password)


async def console_sign_in(client: httpx.AsyncClient, person: Person, path: str) -> httpx.Response:
    """The authorization code flow as a browser does it; `client` keeps the cookies (the console's session
    cookie among them) and its base_url is the console. Returns the page `path` answered after sign-in."""
    start = await client.get("/login", params={"next": path}, follow_redirects=True)
    form = _FORM.search(start.text)
    if start.status_code != 200 or form is None or not (action := _ACTION.search(form.group(0))):
        raise SignInFailed(
            f"{person.user}: /login did not lead to Keycloak's login form "
            f"(HTTP {start.status_code} at {start.url}): is ANPR_OIDC_ISSUER set for the console?"
        )
    _loopback_is_secure(client)
    credentials = {"username": person.user, "password": person.password, "credentialId": ""}
    page = await client.post(html.unescape(action.group(1)), data=credentials, follow_redirects=True)
    if page.url.host != client.base_url.host or page.url.port != client.base_url.port:
        raise SignInFailed(f"{person.user}: Keycloak did not send the browser back (stayed at {page.url}): password?")
    if page.url.path != path:
        raise SignInFailed(f"{person.user}: signed in, but landed on {page.url.path} (HTTP {page.status_code})")
    return page


def _loopback_is_secure(client: httpx.AsyncClient) -> None:
    """Keycloak marks its login cookies Secure even on http; browsers send them to http://127.0.0.1 all the
    same (loopback counts as a secure context), Python's cookie jar only over https. Done as browsers do:
    only for loopback hosts."""
    for cookie in client.cookies.jar:
        if cookie.secure and cookie.domain in ("127.0.0.1", "localhost", "localhost.local", "::1"):
            cookie.secure = False


@dataclass
class ApiToken:
    """A person's access token from the test client's password grant, taken again before it expires."""

    issuer: str
    client_id: str
    person: Person
    _token: str = ""
    _until: float = field(default=0.0)

    async def get(self, http: httpx.AsyncClient) -> str:
        if time.monotonic() < self._until:
            return self._token
        response = await http.post(
            f"{self.issuer.rstrip('/')}/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": self.client_id,
                "username": self.person.user,
                "password": self.person.password,
                "scope": "openid",
            },
        )
        if response.status_code != 200:
            raise SignInFailed(
                f"{self.person.user}: direct grant refused (HTTP {response.status_code}): {response.text}"
            )
        body = response.json()
        self._token = str(body["access_token"])
        self._until = time.monotonic() + max(1.0, float(body.get("expires_in", 300)) - _RENEW_MARGIN)
        return self._token
