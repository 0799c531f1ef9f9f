from anpr_contracts import CANDIDATES, COMMANDS, DLQ, EXEMPTIONS, READS, TOPICS

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


def test_production_keeps_three_copies_and_acknowledges_a_write_when_two_hold_it() -> None:
    for spec in TOPICS:
        assert (spec.replication, spec.min_insync_replicas) == (3, 2), spec.name
        assert spec.replicas_on(3) == (3, 2), spec.name
        assert spec.replicas_on(5) == (3, 2), spec.name


def test_a_smaller_cluster_gets_a_copy_on_every_broker_and_still_accepts_writes_with_one_down() -> None:
    assert READS.replicas_on(1) == (1, 1)
    assert READS.replicas_on(2) == (2, 1)
    assert READS.replicas_on(0) == (1, 1)  # no broker answered the metadata request: still a valid request
