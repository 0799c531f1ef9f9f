from anpr_contracts import CANDIDATES, COMMANDS, DLQ, EXEMPTIONS, TOPICS

DAY_MS = 24 * 3600 * 1000


def test_every_topic_but_the_compacted_permits_has_a_bounded_retention() -> None:
    for spec in TOPICS:
        if spec is EXEMPTIONS:
            assert spec.config["cleanup.policy"] == "compact"
            continue
        assert 0 < int(spec.config["retention.ms"]) <= 14 * DAY_MS, spec.name


def test_dead_letters_are_kept_two_weeks_and_plates_on_their_way_one() -> None:
    assert int(DLQ.config["retention.ms"]) == 14 * DAY_MS
    assert int(CANDIDATES.config["retention.ms"]) == int(COMMANDS.config["retention.ms"]) == 7 * DAY_MS
