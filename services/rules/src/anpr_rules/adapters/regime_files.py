from pathlib import Path

import yaml
from pydantic import ValidationError

from anpr_rules.domain.regime import Regime


class RegimeFileError(ValueError):
    pass


def load_regimes(directory: Path) -> list[Regime]:
    """Every *.yaml in the directory; a broken file stops the start with its name and the reason."""
    regimes = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            regimes.append(Regime.model_validate(yaml.safe_load(path.read_text())))
        except (yaml.YAMLError, ValidationError) as exc:
            raise RegimeFileError(f"{path}: {exc}") from exc
    ids = [r.id for r in regimes]
    if len(ids) != len(set(ids)):
        raise RegimeFileError(f"duplicate regime ids in {directory}: {ids}")
    return regimes
