"""The chain rules of one household's pairings (``household_pairing_errors``), as the roster
importer, the admin and the services all apply them."""
from datetime import date

import pytest

from households.models import Household
from pairing.models import Category
from pairing.services.pairings import PairingFacts, cadre_may_pair_households, household_pairing_errors
from shuanglian.errors import DomainError

POOR, EXITED, RETURNED = Household.Status.REGISTERED, Household.Status.EXITED, Household.Status.RETURNED


def p(ref, cadre, start, end=None, successor=None, category=Category.CIVIL_SERVANT, stored=False) -> PairingFacts:
    return PairingFacts(ref=ref, cadre=cadre, cadre_category=category, start=date.fromisoformat(start),
                        end=date.fromisoformat(end) if end else None, successor_cadre=successor, stored=stored)


def errors(*pairings, status=POOR, exit_year=None):
    return household_pairing_errors(status=status, exit_year=exit_year, pairings=list(pairings))


def messages(*pairings, **household):
    return " ".join(m for _, m in errors(*pairings, **household))


@pytest.mark.parametrize("category", [Category.TEACHER, Category.MEDICAL, Category.ENTERPRISE])
def test_teachers_medical_staff_and_enterprise_workers_pair_no_households(category):
    assert errors(p(1, "A", "2024-01-01", category=category)) == [
        (1, f"干部A为{Category(category).label}，按规定不承担联户任务。")
    ]


@pytest.mark.parametrize("category", [Category.LOGISTICS, Category.CIVIL_SERVANT, Category.INSTITUTION_STAFF])
def test_logistics_staff_civil_servants_and_institution_staff_may_pair(category):
    assert errors(p(1, "A", "2024-01-01", category=category)) == []


@pytest.mark.parametrize("category", [Category.TEACHER, Category.MEDICAL, Category.ENTERPRISE])
def test_cadre_may_pair_households_refuses_the_excluded_categories_by_name(category):
    with pytest.raises(DomainError, match="王老师为"):
        cadre_may_pair_households(category, name="王老师")


def test_cadre_may_pair_households_lets_logistics_staff_pair():
    cadre_may_pair_households(Category.LOGISTICS)  # raises nothing


def test_a_still_poor_households_pairing_cannot_simply_end():
    assert "不脱贫不脱钩" in messages(p(1, "A", "2024-01-01", "2024-06-30"))


def test_an_exited_households_pairing_may_end_in_its_exit_year():
    assert errors(p(1, "A", "2023-01-01", "2024-03-31"), status=EXITED, exit_year=2024) == []


def test_an_exited_households_pairing_may_end_after_its_exit_year():
    assert errors(p(1, "A", "2023-01-01", "2025-03-31"), status=EXITED, exit_year=2024) == []


def test_an_exited_households_pairing_may_not_end_before_its_exit_year():
    assert "不脱贫不脱钩" in messages(p(1, "A", "2022-01-01", "2023-12-31"), status=EXITED, exit_year=2024)


def test_a_returned_household_keeps_the_pairing_that_ended_in_the_year_it_exited():
    assert errors(p(1, "A", "2022-01-01", "2023-12-31"), status=RETURNED, exit_year=2023) == []


def test_a_returned_households_pairing_may_not_end_after_its_exit_year_without_a_successor():
    assert "不脱贫不脱钩" in messages(p(1, "A", "2022-01-01", "2025-06-30"), status=RETURNED, exit_year=2023)


def test_a_household_with_an_exit_year_but_still_registered_cannot_drop_its_cadre():
    assert "不脱贫不脱钩" in messages(p(1, "A", "2022-01-01", "2024-06-30"), status=POOR, exit_year=2023)


def test_two_open_pairings_of_one_household_overlap():
    found = errors(p(1, "A", "2024-01-01"), p(2, "B", "2024-05-01"))
    assert [ref for ref, _ in found] == [2]
    assert "结对时间重叠" in found[0][1]


def test_a_pairing_starting_on_the_day_the_previous_one_ends_overlaps():
    found = errors(p(1, "A", "2024-01-01", "2024-03-03"), p(2, "B", "2024-03-03"), status=EXITED, exit_year=2024)
    assert [(ref, "结对时间重叠" in m) for ref, m in found] == [(2, True)]


def test_a_pairing_within_a_longer_one_overlaps():
    found = errors(p(1, "A", "2024-01-01", "2024-12-31"), p(2, "B", "2024-02-01", "2024-02-28"), p(3, "C", "2025-01-01"),
                   status=EXITED, exit_year=2024)
    assert [ref for ref, m in found if "重叠" in m] == [2]


def test_touching_pairings_one_ending_the_3rd_and_the_next_starting_the_4th_do_not_overlap():
    assert errors(p(1, "A", "2024-01-01", "2024-03-03", successor="B"), p(2, "B", "2024-03-04")) == []


def test_a_successor_must_start_the_day_after_the_pairing_ends():
    found = errors(p(1, "A", "2024-01-01", "2024-03-03", successor="B"), p(2, "B", "2024-03-05"))
    assert found == [(1, "未找到接替干部B自2024-03-04起与该户的结对。")]


def test_a_successor_named_without_a_pairing_of_their_own_is_refused():
    assert "未找到接替干部B" in messages(p(1, "A", "2024-01-01", "2024-03-03", successor="B"))


def test_the_successor_cannot_be_the_same_cadre():
    assert "接替干部不能是原联户干部本人" in messages(
        p(1, "A", "2024-01-01", "2024-03-03", successor="A"), p(2, "A", "2024-03-04")
    )


def test_a_successor_without_an_end_date_is_refused():
    assert "填写接替干部时必须同时填写结束日期" in messages(p(1, "A", "2024-01-01", successor="B"))


def test_a_pairing_cannot_end_before_it_starts():
    assert "结束日期不能早于开始日期" in messages(p(1, "A", "2024-05-01", "2024-04-30"), status=EXITED, exit_year=2024)


def test_a_chain_of_hand_overs_is_valid_in_any_order_given():
    chain = [
        p(3, "C", "2025-01-01"),
        p(1, "A", "2023-01-01", "2023-12-31", successor="B"),
        p(2, "B", "2024-01-01", "2024-12-31", successor="C"),
    ]
    assert errors(*chain) == []


def test_a_stored_past_pairing_of_a_cadre_who_has_since_become_a_teacher_is_history_not_a_breach():
    chain = [p(1, "A", "2023-01-01", "2023-12-31", successor="B", category=Category.TEACHER, stored=True),
             p(2, "B", "2024-01-01")]
    assert errors(*chain) == []


def test_a_past_pairing_of_a_teacher_being_recorded_now_is_a_breach():
    chain = [p(1, "A", "2023-01-01", "2023-12-31", successor="B", category=Category.TEACHER), p(2, "B", "2024-01-01")]
    assert [ref for ref, m in errors(*chain) if "不承担联户任务" in m] == [1]


def test_a_stored_open_pairing_of_a_cadre_who_has_since_become_a_teacher_is_a_breach():
    assert [ref for ref, m in errors(p(1, "A", "2024-01-01", category=Category.TEACHER, stored=True))] == [1]


def test_a_returned_household_that_is_paired_again_keeps_the_pairing_that_ended_while_it_was_out_of_poverty():
    # Exited 2023; its cadre left in mid-2024 (allowed then); it returned to poverty in 2025 and gets a new cadre.
    assert errors(p(1, "A", "2022-01-01", "2024-06-30"), p(2, "B", "2025-03-01"), status=RETURNED, exit_year=2023) == []


def test_a_returned_households_latest_pairing_that_ended_after_its_exit_year_is_a_breach():
    assert "不脱贫不脱钩" in messages(p(1, "A", "2022-01-01", "2024-06-30"), status=RETURNED, exit_year=2023)


def test_a_returned_households_pairing_that_ended_before_its_exit_year_stays_a_breach_even_if_followed():
    found = errors(p(1, "A", "2020-01-01", "2021-06-30"), p(2, "B", "2025-03-01"), status=RETURNED, exit_year=2023)
    assert [ref for ref, m in found if "不脱贫不脱钩" in m] == [1]
