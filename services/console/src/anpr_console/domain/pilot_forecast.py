"""The forecast form: a proposed regime file (YAML) uploaded as multipart/form-data, the replayed period, an
optional baseline regime and review throughput; checked here before rules (which validates the regime
itself and says why it refuses one)."""

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from anpr_console.domain.pilot import Period, PilotProblem, parse_period

MAX_REGIME_BYTES = 256 * 1024  # the largest regime file in deploy/ is a few KB
MAX_FORECAST_DAYS = 366  # rules refuses a longer replay
REGIME_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")  # rules' pattern for a regime id
COLUMNS = ("reads", "candidates", "review_items", "reviewer_hours", "warning_letters", "notices", "exemption_requests")


@dataclass(frozen=True)
class ForecastForm:
    regime: dict[str, Any]
    period: Period
    baseline: str | None
    decisions_per_hour: float | None  # None: measure it in notices, as `anpr forecast` does
    # Share of newly affected vehicles that ask for an exemption while the counter has no applications yet;
    # None: the fitted permit share.
    exemption_request_rate: float | None = None

    def body(
        self, decisions_per_hour: float, acceptance: float, zones: dict[str, str], request_rate: float | None = None
    ) -> dict[str, Any]:
        """The body of rules' POST /v1/forecast; `request_rate` None: rules fits the permit share."""
        found = {
            "regime": self.regime,
            "baseline_regime_id": self.baseline,
            "since": self.period.since.isoformat(),
            "until": self.period.until.isoformat(),
            "decisions_per_hour": decisions_per_hour,
            "acceptance": acceptance,
            "zones": zones,
        }
        return found if request_rate is None else {**found, "exemption_request_rate": request_rate}


def parse_regime_file(content: bytes | None) -> dict[str, Any]:
    if not content or not content.strip():
        raise PilotProblem("regime_file", "pilot.form.file_required")
    if len(content) > MAX_REGIME_BYTES:
        raise PilotProblem("regime_file", "pilot.form.file_too_large", str(MAX_REGIME_BYTES // 1024))
    try:
        parsed = yaml.safe_load(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise PilotProblem("regime_file", "pilot.form.file_not_text") from None
    except yaml.YAMLError as error:
        raise PilotProblem("regime_file", "pilot.form.yaml_invalid", _where(error)) from None
    if not isinstance(parsed, dict):
        raise PilotProblem("regime_file", "pilot.form.yaml_not_mapping")
    return parsed


def _where(error: yaml.YAMLError) -> str:
    """`line:column problem`, so the planner finds the mistake in their editor (PyYAML's own text also names
    its input buffer and quotes the lines, which reads as noise on a web page)."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"{mark.line + 1}:{mark.column + 1} {problem}" if mark is not None else str(problem)


def parse_forecast(fields: Mapping[str, str], files: Mapping[str, bytes]) -> ForecastForm:
    """Field by field in the order of the form, so the first problem is the first field a person sees."""
    regime = parse_regime_file(files.get("regime_file"))
    period = parse_period(fields, MAX_FORECAST_DAYS)
    baseline = fields.get("baseline", "").strip() or None
    if baseline is not None and not REGIME_ID.match(baseline):
        raise PilotProblem("baseline", "pilot.form.baseline_invalid")
    text = fields.get("decisions_per_hour", "").strip().replace(",", ".")  # Dutch decimal comma
    rate = None
    if text:
        try:
            rate = float(text)
        except ValueError:
            raise PilotProblem("decisions_per_hour", "pilot.form.rate_invalid") from None
        if not 0 < rate <= 10_000:
            raise PilotProblem("decisions_per_hour", "pilot.form.rate_invalid")
    return ForecastForm(regime, period, baseline, rate, _percent(fields.get("exemption_request_rate", "")))


def _percent(typed: str) -> float | None:
    """The form asks for a percentage (Dutch decimal comma allowed); rules takes a share of 1."""
    text = typed.strip().removesuffix("%").strip().replace(",", ".")
    if not text:
        return None
    try:
        share = float(text) / 100
    except ValueError:
        raise PilotProblem("exemption_request_rate", "pilot.form.percent_invalid") from None
    if not 0 <= share <= 1:
        raise PilotProblem("exemption_request_rate", "pilot.form.percent_invalid")
    return share


def measured_review(stats: dict[str, Any]) -> tuple[float | None, float]:
    """From notices' GET /v1/stats: one reviewer's decisions per hour (over the hours with decisions) and the
    share accepted; the same measurement as `anpr forecast`."""
    hours = [int(r["decisions"]) for r in stats.get("reviewers", [])]
    accepted = sum(int(b.get("accepted", 0)) for b in stats.get("per_hour", []))
    rejected = sum(sum(b.get("rejected", {}).values()) for b in stats.get("per_hour", []))
    per_hour = sum(hours) / len(hours) if hours else None
    return per_hour, accepted / (accepted + rejected) if accepted + rejected else 1.0


# The X-Purpose of a planner's read of the counter's application counts, by role (exemptions logs it).
COUNTS_PURPOSES = (("supervisor", "supervision"), ("operator", "operations"), ("admin", "administration"))
RAISED = ("candidate", "not_enforceable")  # notices' outcomes that are a candidate raised


def counts_purpose(roles: Collection[str]) -> str | None:
    return next((f"{purpose}: pilot forecast" for role, purpose in COUNTS_PURPOSES if role in roles), None)


@dataclass(frozen=True)
class RequestSource:
    """What the forecast's exemption requests were projected from: `applications` (the counter's, against
    the candidates raised over the same days), `configured` (the form's rate, no applications yet) or
    `permit_share` (neither). The same rule as `anpr forecast` (anpr_pilot.exemption_requests)."""

    source: str
    rate: float | None
    applications: int | None = None  # None: exemptions could not say
    candidates: int = 0


def request_source(
    counts: Mapping[str, Any] | None, stats: Mapping[str, Any], configured: float | None
) -> RequestSource:
    """`counts`: exemptions' GET /v1/counter/application-counts, None when it could not answer; `stats`:
    notices' GET /v1/stats over the same window."""
    applications = None if counts is None else int(counts.get("total", 0))
    raised = sum(
        int(n) for bucket in stats.get("per_hour", []) for o, n in bucket.get("outcomes", {}).items() if o in RAISED
    )
    if applications:
        return RequestSource("applications", applications / (applications + raised), applications, raised)
    if configured is not None:
        return RequestSource("configured", configured, applications, raised)
    return RequestSource("permit_share", None, applications, raised)
