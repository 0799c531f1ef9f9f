"""Static machine tokens from ANPR_TOKENS: `name:role:token`, comma separated.

The name is the principal's subject in audit rows (so it must not depend on the order of the entries),
and the name of a `camera` token is the camera it may send for. The token is everything after the role,
so it may hold colons.

The unnamed form `token:role` of earlier releases is still read: its subject is a fingerprint of the
token (`role-1a2b3c4d`), the subject earlier releases wrote, so audit rows stay attributable. An entry is
`name:role:token` when its second field is a role, else it must end in a role (`token:role`). The order
`token:role:name`, in main for a few hours only and never released, cannot be told apart from
`name:role:token` and is read as the latter.
"""

from dataclasses import dataclass

# The role names an entry may carry (auth.Role's values; auth checks the same list).
MACHINE_TOKEN_ROLES = frozenset({"admin", "camera", "reviewer", "supervisor", "operator", "permit_desk", "service"})
FORMAT = "name:role:token (or the unnamed token:role)"


@dataclass(frozen=True)
class MachineToken:
    token: str
    role: str
    name: str  # "" for the unnamed form

    def __repr__(self) -> str:  # a token must never reach a log or an error message
        return f"MachineToken(role={self.role!r}, name={self.name!r})"


def machine_token_entry(item: str) -> tuple[str, str, str]:
    """(token, role, name) of one entry; name is "" for the unnamed form. Raises ValueError for an entry
    that is neither form, without repeating it (it holds a secret)."""
    parts = [part.strip() for part in item.strip().split(":")]
    if len(parts) >= 3 and parts[1] in MACHINE_TOKEN_ROLES:
        name, role, token = parts[0], parts[1], ":".join(parts[2:])
        if not name or not token:
            raise ValueError(f"needs a name and a token: {FORMAT}")
        return token, role, name
    token, _, role = item.strip().rpartition(":")
    if not token or role not in MACHINE_TOKEN_ROLES:
        raise ValueError(f"must look like {FORMAT}, role one of {', '.join(sorted(MACHINE_TOKEN_ROLES))}")
    return token, role, ""


def machine_tokens(value: str) -> list[MachineToken]:
    """Every entry of ANPR_TOKENS; ValueError naming the entry's number (never its text) for a bad one,
    or for a name used twice (two entries would be one subject: four-eyes would count them as one)."""
    found: list[MachineToken] = []
    names: set[str] = set()
    for number, item in enumerate(filter(None, (i.strip() for i in value.split(","))), start=1):
        try:
            token = MachineToken(*machine_token_entry(item))
        except ValueError as error:
            raise ValueError(f"ANPR_TOKENS entry {number} {error}") from None
        if token.name == "admin":
            raise ValueError(f"ANPR_TOKENS entry {number}: the name 'admin' is the subject of ANPR_ADMIN_TOKEN")
        if token.name and token.name in names:
            raise ValueError(f"ANPR_TOKENS entry {number}: the name {token.name!r} is used twice")
        names.add(token.name)
        found.append(token)
    return found
