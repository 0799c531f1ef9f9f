from anpr_bench.detection_recall import Recall, light_bucket, recall_table, size_bucket
from anpr_recognition import PlateReading


def _read_at(box: tuple[int, int, int, int]) -> PlateReading:
    return PlateReading("AB123C", "AB-123-C", None, 0.9, box)


def test_a_plate_is_found_by_a_read_over_its_box_whatever_the_text() -> None:
    recall = Recall()
    recall.add([(100, 100, 220, 130), (400, 300, 480, 320)], [150.0, 40.0], [_read_at((95, 98, 225, 133))])
    assert recall.size_table() == {
        "0-100px": {"plates": 1, "found": 0, "recall": 0.0},
        "100-150px": {"plates": 1, "found": 1, "recall": 1.0},
    }
    assert recall.light_table() == {
        "dark": {"plates": 1, "found": 0, "recall": 0.0},
        "lit": {"plates": 1, "found": 1, "recall": 1.0},
    }
    assert recall.recall == 0.5


def test_a_read_beside_the_plate_does_not_find_it() -> None:
    recall = Recall()
    recall.add([(100, 100, 220, 130)], [150.0], [_read_at((230, 100, 350, 130))])
    assert recall.recall == 0.0


def test_buckets_cover_every_size_and_light() -> None:
    assert [size_bucket((0, 0, width, 10)) for width in (40, 100, 149, 250, 600)] == [
        "0-100px",
        "100-150px",
        "100-150px",
        "200-300px",
        "300px+",
    ]
    assert [light_bucket(value) for value in (0, 79.9, 80, 200)] == ["dark", "dark", "dim", "lit"]


def test_the_table_lists_each_set_and_reader() -> None:
    recall = Recall()
    recall.add([(0, 0, 120, 30)], [90.0], [])
    result = {"dev_detection_recall_by_size": recall.size_table(), "dev_accuracy": 1.0}
    assert recall_table(result).row_count == 1
