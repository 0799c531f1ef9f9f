"""Regimes loaded at start and reloadable without a restart; a broken file keeps the old set."""

import logging
from pathlib import Path

from anpr_rules.adapters.regime_files import load_regimes
from anpr_rules.domain.regime import Regime

log = logging.getLogger(__name__)


class RegimeStore:
    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._stamp = self._files_stamp()
        self.regimes: tuple[Regime, ...] = tuple(load_regimes(directory))
        self.last_error: str | None = None

    def _files_stamp(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in self._directory.glob("*.yaml")))

    def reload(self) -> tuple[Regime, ...]:
        """Raises RegimeFileError (and keeps the current regimes) when a file is invalid."""
        stamp = self._files_stamp()
        try:
            regimes = tuple(load_regimes(self._directory))
        except ValueError as exc:
            self.last_error = str(exc)
            raise
        self.regimes, self._stamp, self.last_error = regimes, stamp, None
        log.info("regimes reloaded: %s", ", ".join(f"{r.id} v{r.version}" for r in regimes))
        return regimes

    def reload_if_changed(self) -> bool:
        if self._files_stamp() == self._stamp:
            return False
        try:
            self.reload()
        except ValueError:
            self._stamp = self._files_stamp()  # report once per change, keep serving the old set
            log.error("regime files invalid, keeping the previous regimes")
            return False
        return True
