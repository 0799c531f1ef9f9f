"""Per-camera tokens: a gateway holding one may send frames and reads of its own camera only.

Only a SHA-256 of each token is stored. The token is 256 random bits, so the hash cannot be reversed or
guessed from a dictionary, and unlike an HMAC it needs no server key that would invalidate every token
when rotated.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from anpr_runtime import Forbidden

# Lets the API skip the database for tokens that cannot be camera tokens (and secret scanners spot them).
TOKEN_PREFIX = "anprcam_"  # noqa: S105 - a prefix, no secret


@dataclass(frozen=True)
class CameraToken:
    token_id: str
    camera_id: str
    label: str
    created_at: datetime
    revoked_at: datetime | None = None


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class WrongCamera(Forbidden):
    """A valid token used for another camera: a gateway misconfigured, or one camera speaking for another."""


@dataclass(frozen=True)
class Sender:
    """Who posts frames or reads: `camera_id` None may speak for any camera (admin, static service tokens,
    and outside production an unnamed static camera token); else only for that camera."""

    subject: str
    camera_id: str | None = None

    def authorise(self, camera_id: str | None) -> None:
        if self.camera_id is None or camera_id == self.camera_id:
            return
        wanted = f"camera {camera_id!r}" if camera_id else "a read without camera_id"
        raise WrongCamera(f"this token belongs to camera {self.camera_id!r} and may not send for {wanted}")
