"""The screens and the roles that may open them. Admin opens every screen; the services check roles again
on every call, so hiding a link is convenience, not protection."""

from dataclasses import dataclass

ADMIN = "admin"


@dataclass(frozen=True)
class Screen:
    key: str  # also the message key of its title
    path: str
    roles: frozenset[str]

    def allows(self, roles: frozenset[str]) -> bool:
        return ADMIN in roles or not self.roles.isdisjoint(roles)


REVIEW = Screen("review", "/review", frozenset({"reviewer", "supervisor"}))
PERMITS = Screen("permits", "/permits", frozenset({"permit_desk"}))
APPLICATIONS = Screen("applications", "/applications", frozenset({"permit_desk"}))  # the counter's queue
OPERATIONS = Screen("operations", "/operations", frozenset({"operator"}))
SUPERVISOR = Screen("supervisor", "/supervisor", frozenset({"supervisor"}))
PILOT = Screen("pilot", "/pilot", frozenset({"operator", "supervisor"}))
SCREENS = (REVIEW, PERMITS, APPLICATIONS, OPERATIONS, SUPERVISOR, PILOT)


def visible_screens(roles: frozenset[str]) -> list[Screen]:
    return [screen for screen in SCREENS if screen.allows(roles)]


def required_roles(screen: Screen) -> list[str]:
    return sorted({*screen.roles, ADMIN})


def safe_return_path(path: str | None) -> str:
    """Only a path on this console: a full URL or `//host` would make the login an open redirect."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path
