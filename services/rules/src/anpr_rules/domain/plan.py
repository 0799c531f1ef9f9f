"""A regime prepared for judging, once per regime instead of once per read: its mode switches and rule
sets sorted, its moments as timestamps, its places and exemption kinds as sets, its criteria compiled
(`checks`). `Regime.in_force`, `mode_at` and `rule_set_at` stay the definition; a plan answers the same."""

from collections.abc import Iterable

from anpr_contracts import RegimeMode
from anpr_rules.domain.checks import Checks
from anpr_rules.domain.regime import Regime, RuleSet
from anpr_rules.domain.seen import Moment

_CACHE_LIMIT = 4096  # plans of regimes that were replaced are let go once this many have piled up


class RuleSetPlan:
    __slots__ = ("admitted", "needs_class", "needs_data", "rule_set", "scope", "starts_text")

    def __init__(self, rule_set: RuleSet) -> None:
        self.rule_set = rule_set
        self.scope = Checks(rule_set.scope)
        self.admitted = tuple(Checks(clause) for clause in rule_set.admitted)
        self.needs_data = rule_set.scope.needs_vehicle_data or bool(rule_set.admitted)
        self.needs_class = any(
            c.min_emission_class is not None or c.max_emission_class is not None for c in rule_set.admitted
        )
        self.starts_text = str(rule_set.starts.date())


class RegimePlan:
    __slots__ = (
        "automatic",
        "ends",
        "exemption_kinds",
        "head",
        "locations",
        "modes",
        "regime",
        "rule_sets",
        "starts",
        "wheelchair_codes",
        "windows",
        "zones",
    )  # fmt: skip

    def __init__(self, regime: Regime) -> None:
        self.regime = regime
        self.locations = frozenset(regime.applies_at.locations)
        self.zones = frozenset(regime.applies_at.zones)
        self.starts = regime.effective_from.timestamp()
        self.ends = regime.effective_until.timestamp() if regime.effective_until is not None else None
        self.windows = regime.windows
        # Latest first: the first at or before a moment is the one `mode_at`/`rule_set_at` end on (a
        # stable sort, reversed, keeps their answer when two start at the same moment).
        modes = sorted(regime.modes, key=lambda s: s.starts)
        self.modes = tuple((s.starts.timestamp(), s.mode) for s in reversed(modes))
        rule_sets = sorted(regime.rule_sets, key=lambda r: r.starts)
        self.rule_sets = tuple((r.starts.timestamp(), RuleSetPlan(r)) for r in reversed(rule_sets))
        self.head = f"{regime.name} ({regime.id} v{regime.version}) at "
        self.exemption_kinds = frozenset(regime.exemption_kinds)
        self.automatic = regime.automatic_exemptions
        self.wheelchair_codes = frozenset(regime.wheelchair_codes)

    def in_force(self, moment: Moment) -> RuleSetPlan | None:
        """The rule set that applies when the regime is in force at the read's place and moment, else None."""
        read, ts = moment.read, moment.ts
        location, zone = read.location_id, read.zone_id
        if not ((location is not None and location in self.locations) or (zone is not None and zone in self.zones)):
            return None
        if ts < self.starts or (self.ends is not None and ts >= self.ends):
            return None
        if self.windows and not any(w.contains_local(moment.local) for w in self.windows):
            return None
        return self.rule_set_at(ts)

    def mode_at(self, ts: float) -> RegimeMode | None:
        for starts, mode in self.modes:
            if starts <= ts:
                return mode
        return None

    def rule_set_at(self, ts: float) -> RuleSetPlan | None:
        for starts, rule_set in self.rule_sets:
            if starts <= ts:
                return rule_set
        return None


_PLANS: dict[int, RegimePlan] = {}


def plan_of(regime: Regime) -> RegimePlan:
    """The plan of this very regime object. Keyed by identity, not by value: hashing a whole regime per
    read would cost what the plan saves. A cached plan holds its regime, so no other object can take its
    id while the entry lives."""
    plan = _PLANS.get(id(regime))
    if plan is None or plan.regime is not regime:
        if len(_PLANS) >= _CACHE_LIMIT:
            _PLANS.clear()
        plan = _PLANS[id(regime)] = RegimePlan(regime)
    return plan


def plans_of(regimes: Iterable[Regime]) -> list[RegimePlan]:
    """`plan_of` for each, without a call per regime (every read asks this of every regime)."""
    found = []
    for regime in regimes:
        plan = _PLANS.get(id(regime))
        found.append(plan if plan is not None and plan.regime is regime else plan_of(regime))
    return found
