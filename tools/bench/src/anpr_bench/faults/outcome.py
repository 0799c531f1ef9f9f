"""The figures of a fault run, compared with its plan: lost, duplicated and unexpected candidates, dead
letters against the inputs that were meant to fail, traces of no-hits."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from anpr_bench.faults.plan import Plan
from anpr_bench.faults.traffic import Sent
from anpr_bench.faults.verify import DeadLetter, candidates


@dataclass
class Outcome:
    plan: Plan
    tag: str
    garbage: list[bytes]
    stored: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    letters: list[DeadLetter] = field(default_factory=list)

    async def collect(self, dsn: str, letters: list[DeadLetter]) -> None:
        self.stored = await candidates(dsn)
        self.letters = letters

    def meant_to_fail(self) -> set[str]:
        frames = {f"{self.tag}-corrupt-{n}" for n in range(self.plan.corrupt_frames)}
        return frames | {value.decode() for value in self.garbage}

    def figures(
        self, sent: Sent, events: list[dict[str, Any]], traces: Counter[tuple[str, str]], drained: bool, seconds: float
    ) -> dict[str, Any]:
        found = {(plate, regime) for plate, regime, _ in self.stored}
        meant = self.meant_to_fail()
        letters = {letter.identity for letter in self.letters}
        return {
            "expected": len(self.plan.expected),
            "candidates": sum(self.stored.values()),
            "lost": len(self.plan.expected - found),
            "duplicates": sum(count - 1 for count in self.stored.values() if count > 1),
            "unexpected": len(found - self.plan.expected),
            "dead_letters": len(self.letters),
            "dead_letters_meant": len(meant),
            "dead_letters_missing": len(meant - letters),
            "dead_letters_unexpected": sum(letter.identity not in meant for letter in self.letters),
            "no_hit_plates": len(self.plan.no_hit_plates),
            "no_hit_traces": sum(traces.values()),
            "traces_in": sorted({table for table, _ in traces}),
            "reads_planned": len(self.plan.reads),
            "reads_accepted": sent.reads,
            "frames_accepted": sent.frames,
            "corrupt_frames_accepted": sent.corrupt_frames,
            "refused": sent.refused[:20],
            "retries": sum(sent.retries.values()),
            "retry_reasons": dict(sent.retries),
            "server_errors": sum(sent.server_errors.values()),
            "server_error_kinds": dict(sent.server_errors),
            "drained": drained,
            "faults": events,
            "seconds": round(seconds, 1),
            "examples": {
                "lost": sorted(self.plan.expected - found)[:10],
                "unexpected": sorted(found - self.plan.expected)[:10],
                "duplicated": sorted(key for key, count in self.stored.items() if count > 1)[:10],
                "dead_letters_unexpected": sorted(
                    {f"{x.identity[:80]} ({x.error})" for x in self.letters if x.identity not in meant}
                )[:10],
            },
        }
