"""Loading the real division list: parents first, in bulk, idempotent, renames in place."""
import pytest

from households.models import Area, AreaLevel
from households.services import load_divisions
from shuanglian.errors import DomainError

pytestmark = pytest.mark.django_db

ROWS = [
    ("620000000000", "甘肃省", "province"),
    ("620500000000", "天水市", "city"),
    ("620502000000", "秦州区", "county"),
    ("620502100000", "皂郊镇", "township"),
    ("620502100001", "皂郊村", "village"),
    ("620502100002", "店镇村", "village"),
]


def test_every_row_becomes_an_area_with_its_level_and_derived_parent():
    assert load_divisions(reversed(ROWS)) == (6, 0)  # file order does not matter: parents go first
    village = Area.objects.get(code="620502100002")
    assert (village.name, village.level, village.parent_id) == ("店镇村", AreaLevel.VILLAGE, "620502100000")
    assert Area.objects.get(code="620500000000").parent_id == "620000000000"
    assert Area.objects.get(code="620000000000").parent_id is None


def test_loading_the_same_rows_again_changes_nothing():
    load_divisions(ROWS)
    assert load_divisions(ROWS) == (0, 0)
    assert Area.objects.count() == 6


def test_a_renamed_division_is_renamed_in_place():
    load_divisions(ROWS)
    renamed = [row if row[0] != "620502100000" else ("620502100000", "皂郊镇（新）", "township") for row in ROWS]
    assert load_divisions(renamed) == (0, 1)
    assert Area.objects.get(code="620502100000").name == "皂郊镇（新）"
    assert Area.objects.count() == 6


def test_rows_below_the_deepest_wanted_level_are_skipped():
    assert load_divisions(ROWS, down_to=AreaLevel.TOWNSHIP) == (4, 0)
    assert not Area.objects.filter(level=AreaLevel.VILLAGE).exists()


def test_a_row_whose_level_disagrees_with_its_code_is_refused_and_nothing_is_loaded():
    with pytest.raises(DomainError, match="表示村级"):
        load_divisions([*ROWS[:4], ("620502100001", "皂郊村", "township")])
    assert not Area.objects.exists()


def test_a_row_whose_parent_is_neither_loaded_nor_in_the_file_is_refused():
    with pytest.raises(DomainError, match="上级区划“620502100000”不存在"):
        load_divisions([*ROWS[:3], ("620502100001", "皂郊村", "village")])
    assert not Area.objects.exists()


def test_a_row_may_hang_under_a_parent_loaded_earlier():
    load_divisions(ROWS[:4])
    assert load_divisions([("620502100003", "新村", "village")]) == (1, 0)


def test_an_unknown_level_is_refused_with_a_clear_message():
    with pytest.raises(DomainError, match="级别"):
        load_divisions([("620000000000", "甘肃省", "nation")])


def test_loading_many_villages_takes_a_handful_of_queries(django_assert_max_num_queries):
    villages = [(f"620502100{i:03d}", f"村{i}", "village") for i in range(1, 201)]
    with django_assert_max_num_queries(8):
        assert load_divisions([*ROWS[:4], *villages]) == (204, 0)
