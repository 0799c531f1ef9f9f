"""What a CSV import reported, kept for a short while so the result page can follow a redirect (a reload
then never imports again), and the same file sent twice in that while (a double click, a resent form) is
recognised and shown its first result instead of being imported twice.

Kept in this console process: with several console replicas a redirect may land on another one, which
then says the result has gone (the permits are in exemptions all the same: search shows them)."""

import hashlib
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

KEEP = timedelta(minutes=30)
MAX_KEPT = 500


@dataclass(frozen=True)
class ImportResult:
    result_id: str
    session_id: str
    digest: str
    filename: str
    at: datetime
    report: dict[str, Any]
    repeated: bool = False


class ImportResults:
    def __init__(self) -> None:
        self._results: OrderedDict[str, ImportResult] = OrderedDict()

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()

    def earlier(self, session_id: str, digest: str, now: datetime) -> ImportResult | None:
        """This person's import of the same file within KEEP, if any."""
        self._forget(now)
        for result in reversed(self._results.values()):
            if result.session_id == session_id and result.digest == digest:
                return result
        return None

    def keep(self, session_id: str, digest: str, filename: str, report: dict[str, Any], now: datetime) -> ImportResult:
        self._forget(now)
        result = ImportResult(secrets.token_urlsafe(16), session_id, digest, filename, now, report)
        self._results[result.result_id] = result
        while len(self._results) > MAX_KEPT:
            self._results.popitem(last=False)
        return result

    def get(self, result_id: str, session_id: str, now: datetime) -> ImportResult | None:
        """Only to the session that imported it: the report names plates."""
        self._forget(now)
        found = self._results.get(result_id)
        return found if found is not None and found.session_id == session_id else None

    def _forget(self, now: datetime) -> None:
        while self._results:
            oldest = next(iter(self._results.values()))
            if now - oldest.at <= KEEP:
                return
            self._results.popitem(last=False)
