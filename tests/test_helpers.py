"""The general helpers (shuanglian/helpers.py)."""
import pytest

from households.models import Area
from shuanglian.helpers import in_batches, neutralise, pad_area_code


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["张三", "1+1", " =1", ""])
def test_other_text_is_left_as_it_is(text):
    assert neutralise(text) == text


def test_batches_keep_the_order_and_the_size():
    assert list(in_batches(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_a_prefix_pads_to_a_twelve_digit_code():
    assert pad_area_code("620502") == "620502000000"


def test_the_lineage_of_a_village_runs_from_the_province_down():
    assert Area.lineage("620502100001") == ["620000000000", "620500000000", "620502000000", "620502100000", "620502100001"]


def test_the_lineage_of_a_county_stops_at_the_county():
    assert Area.lineage("620502000000") == ["620000000000", "620500000000", "620502000000"]
