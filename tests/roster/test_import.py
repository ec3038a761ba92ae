"""import_roster of a valid workbook (docs/roster-format.md): everything lands, once."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from households.models import Area, Household, IncomeRecord, Member, PoorAreaYear
from pairing.models import Cadre, HouseholdPairing, Unit, VillagePairing

from .conftest import run_command
from .dbstate import canonical_dump
from .workbooks import (
    C_LI,
    C_TEACHER,
    C_ZHANG,
    C_ZHAO,
    CITY_UNIT,
    COUNTY,
    H1,
    H2,
    H3,
    H6,
    HEADS,
    MEMBERS,
    OTHER_VILLAGE,
    POOR_VILLAGE,
    PROVINCE,
    TOWNSHIP,
    valid_sheets,
    write_workbook,
)

pytestmark = pytest.mark.django_db
SHEETS = ["区划", "单位", "干部", "农户", "家庭成员", "收入", "联村", "联户"]


def counts_line(run, sheet: str) -> str:
    lines = [line for line in run.lines if line.startswith(f"{sheet}：")]
    assert len(lines) == 1, run.out
    return lines[0]


def test_a_valid_workbook_imports_and_exits_normally(imported):
    assert imported.code == 0
    assert "!" not in imported.out


def test_the_import_prints_counts_for_every_sheet(imported):
    expected_created = {"区划": 6, "单位": 2, "干部": 5, "农户": 6, "家庭成员": 14, "收入": 6, "联村": 3, "联户": 7}
    for sheet, created in expected_created.items():
        assert counts_line(imported, sheet) == f"{sheet}：新增 {created}，更新 0，未变 0"


def test_areas_are_imported_with_parents_derived_from_their_codes(imported):
    assert Area.objects.count() == 6
    assert Area.objects.get(code=PROVINCE).parent_id is None
    assert Area.objects.get(code=TOWNSHIP).parent_id == COUNTY
    assert Area.objects.get(code=POOR_VILLAGE).parent_id == TOWNSHIP
    assert Area.objects.get(code=COUNTY).level == "county"


@pytest.mark.dates
def test_poverty_flags_are_recorded_for_the_current_year(imported):
    year = timezone.localdate().year
    assert set(PoorAreaYear.objects.filter(year=year).values_list("area_id", "kind")) == {
        (COUNTY, PoorAreaYear.Kind.CONTIGUOUS_COUNTY), (POOR_VILLAGE, PoorAreaYear.Kind.POOR_VILLAGE),
    }


def test_units_and_cadres_are_imported(imported):
    assert Unit.objects.get(code=CITY_UNIT).area_id == "620500000000"
    zhang = Cadre.objects.get(id_number=C_ZHANG)
    assert (zhang.name, zhang.unit.code, zhang.rank, zhang.category, zhang.phone) == (
        "张建国", "U62050201", "county", "civil", "13893800001",
    )
    assert Cadre.objects.get(id_number=C_TEACHER).category == "teacher"


def test_every_cadre_gets_a_sign_in_account_named_by_id_number_without_a_usable_password(imported):
    for cadre in Cadre.objects.select_related("user"):
        assert cadre.user is not None
        assert cadre.user.username == cadre.id_number
        assert not cadre.user.has_usable_password()
        assert not cadre.user.is_staff and not cadre.user.is_superuser
    assert get_user_model().objects.count() == 5


def test_households_are_imported_with_status_and_exit_year(imported):
    assert Household.objects.count() == 6
    h1 = Household.objects.get(number=H1)
    assert (h1.village_id, h1.head_name, h1.head_id_number, h1.kind, h1.resident_population, h1.main_cause, h1.status) == (
        POOR_VILLAGE, "张大山", HEADS[H1], "rural", 4, "illness", "registered",
    )
    assert Household.objects.get(number=H2).status == "registered"  # blank 状态 means 在册
    h6 = Household.objects.get(number=H6)
    assert (h6.status, h6.exit_year) == ("exited", 2024)


def test_every_head_is_a_member_of_their_household_whether_listed_again_or_not(imported):
    for number, head in HEADS.items():
        member = Member.objects.get(id_number=head)
        assert member.household.number == number
        assert member.relation == "户主"
    # H1's head was listed again on 家庭成员: that row's details are kept.
    assert Member.objects.get(id_number=HEADS[H1]).labour_ability == "weak"


def test_members_are_imported_with_sex_and_birth_date_from_the_id_number(imported):
    assert Member.objects.count() == len(HEADS) + len(MEMBERS)
    number, idn, name, relation, _, _ = MEMBERS[0]
    member = Member.objects.get(id_number=idn)
    assert (member.household.number, member.name, member.relation, member.labour_ability, member.health) == (
        number, name, relation, "ordinary", "healthy",
    )
    assert member.birth_date == dt.date(1967, 3, 3)
    assert member.sex == "F"  # 17th digit 2: even
    assert Member.objects.get(id_number=MEMBERS[1][1]).sex == "M"


def test_income_is_imported_with_net_and_per_capita_income_per_domain_rules(imported):
    record = IncomeRecord.objects.get(household__number=H1, year=2023)
    # 18000 − 3000 − 100 − 500 − 200 − 400 = 13800; ÷ 4 residents = 3450
    assert record.net_income == Decimal("13800.00")
    assert record.per_capita_income == Decimal("3450.00")
    assert record.resident_population == 4
    record = IncomeRecord.objects.get(household__number=H1, year=2024)
    assert (record.total_income, record.taxes_and_fees, record.net_income, record.per_capita_income) == (
        Decimal("21000.60"), Decimal("0"), Decimal("17300.60"), Decimal("4325.15"),
    )
    record = IncomeRecord.objects.get(household__number=H2, year=2024)  # amounts typed as text
    assert (record.net_income, record.per_capita_income) == (Decimal("6500.40"), Decimal("3250.20"))


def test_village_pairings_are_imported(imported):
    assert set(VillagePairing.objects.values_list("unit__code", "village_id", "start", "end")) == {
        ("U62050201", POOR_VILLAGE, dt.date(2023, 1, 1), None),
        (CITY_UNIT, POOR_VILLAGE, dt.date(2023, 3, 1), None),
        (CITY_UNIT, OTHER_VILLAGE, dt.date(2023, 3, 1), dt.date(2025, 12, 31)),
    }


def test_a_hand_over_links_the_ended_pairing_to_its_successor(imported):
    ended = HouseholdPairing.objects.get(household__number=H1, cadre__id_number=C_ZHANG)
    assert (ended.start, ended.end, ended.end_reason) == (dt.date(2023, 1, 1), dt.date(2024, 6, 30), "工作调动")
    assert ended.successor is not None
    assert (ended.successor.cadre.id_number, ended.successor.start, ended.successor.end) == (C_LI, dt.date(2024, 7, 1), None)


def test_an_exited_households_pairing_may_end_without_successor(imported):
    pairing = HouseholdPairing.objects.get(household__number=H6)
    assert (pairing.cadre.id_number, pairing.end, pairing.successor) == (C_ZHAO, dt.date(2024, 12, 31), None)


def test_the_teacher_pairs_no_household(imported):
    assert not HouseholdPairing.objects.filter(cadre__id_number=C_TEACHER).exists()
    assert HouseholdPairing.objects.count() == 7


def test_a_successor_pairing_not_listed_is_created_from_the_next_day(tmp_path):
    sheets = valid_sheets()
    sheets["联户"] = [row for row in sheets["联户"] if row[:2] != [C_LI, H1]]
    run = run_command("import_roster", str(write_workbook(tmp_path / "r.xlsx", sheets)))
    assert run.code == 0, run.out
    ended = HouseholdPairing.objects.get(household__number=H1, cadre__id_number=C_ZHANG)
    assert (ended.successor.cadre.id_number, ended.successor.start, ended.successor.end) == (C_LI, dt.date(2024, 7, 1), None)


def test_importing_the_same_file_again_changes_nothing(imported, sample_path):
    before = canonical_dump()
    again = run_command("import_roster", str(sample_path))
    assert again.code == 0, again.out
    assert canonical_dump() == before


def test_importing_the_same_file_again_reports_nothing_new_or_updated(imported, sample_path):
    again = run_command("import_roster", str(sample_path))
    for sheet in SHEETS:
        assert "新增 0，更新 0，" in counts_line(again, sheet)
    assert counts_line(again, "农户") == "农户：新增 0，更新 0，未变 6"
    assert counts_line(again, "联户") == "联户：新增 0，更新 0，未变 7"


def test_a_changed_row_is_updated_in_place(imported, tmp_path):
    sheets = valid_sheets()
    sheets["农户"][2][2] = "王二虎"  # H2's head is not listed again on 家庭成员
    sheets["联户"][3][3] = dt.date(2025, 6, 30)  # Zhang's pairing of H2 ends, handed to Li
    sheets["联户"][3][4] = "退休"
    sheets["联户"][3][5] = C_LI
    run = run_command("import_roster", str(write_workbook(tmp_path / "r.xlsx", sheets)))
    assert run.code == 0, run.out
    assert counts_line(run, "农户") == "农户：新增 0，更新 1，未变 5"
    assert Household.objects.get(number=H2).head_name == "王二虎"
    assert Member.objects.get(id_number=HEADS[H2]).name == "王二虎"
    ended = HouseholdPairing.objects.get(household__number=H2, cadre__id_number=C_ZHANG)
    assert (ended.end, ended.successor.cadre.id_number, ended.successor.start) == (dt.date(2025, 6, 30), C_LI, dt.date(2025, 7, 1))
    assert HouseholdPairing.objects.filter(household__number=H2).count() == 2


def test_rows_of_the_database_not_in_the_file_are_kept(imported, tmp_path):
    sheets = {"农户": valid_sheets()["农户"][:2]}
    run = run_command("import_roster", str(write_workbook(tmp_path / "r.xlsx", sheets)))
    assert run.code == 0, run.out
    assert Household.objects.count() == 6


def test_an_existing_cadre_without_an_account_gets_one_on_import(imported, sample_path):
    li = Cadre.objects.get(id_number=C_LI)
    user = li.user
    li.user = None
    li.save()
    user.delete()
    run = run_command("import_roster", str(sample_path))
    assert run.code == 0, run.out
    li.refresh_from_db()
    assert li.user is not None and li.user.username == C_LI and not li.user.has_usable_password()


def test_the_sign_in_account_keeps_a_password_set_by_the_office(imported, sample_path):
    user = Cadre.objects.get(id_number=C_ZHANG).user
    user.set_password("s3cret-Passw0rd")
    user.save()
    run_command("import_roster", str(sample_path))
    user.refresh_from_db()
    assert user.check_password("s3cret-Passw0rd")


def test_sheets_not_in_the_format_are_ignored_with_a_notice(tmp_path):
    sheets = valid_sheets()
    sheets["说明"] = [["随便写点什么"]]
    run = run_command("import_roster", str(write_workbook(tmp_path / "r.xlsx", sheets)))
    assert run.code == 0, run.out
    assert "说明" in run.err
    assert Household.objects.count() == 6


def test_column_order_and_extra_columns_do_not_matter_and_blank_rows_are_skipped(tmp_path):
    sheets = valid_sheets()
    rows = sheets["农户"]
    order = [3, 0, 8, 1, 2, 5, 4, 6, 7]
    sheets["农户"] = [[row[i] for i in order] + [extra] for row, extra in zip(rows, ["备注", *["x"] * (len(rows) - 1)])]
    sheets["农户"].insert(3, [None] * 10)
    run = run_command("import_roster", str(write_workbook(tmp_path / "r.xlsx", sheets)))
    assert run.code == 0, run.out
    assert Household.objects.get(number=H3).head_name == "王老三"
    assert Household.objects.count() == 6


def test_a_blank_end_date_means_the_pairing_is_in_force(imported):
    assert HouseholdPairing.objects.get(household__number=H3).end is None
    assert HouseholdPairing.objects.filter(end__isnull=True).count() == 5


def test_an_uploaded_file_object_imports_like_a_path(sample_path):
    import io

    from shuanglian.roster.engine import import_workbook
    from shuanglian.scoping import EVERYTHING

    result = import_workbook(io.BytesIO(sample_path.read_bytes()), scope=EVERYTHING)
    assert result.ok
    assert result.counts["农户"].created == 6
    assert Household.objects.count() == 6


@pytest.mark.dates
def test_a_change_of_poverty_flag_alone_counts_as_an_update(imported, tmp_path):
    sheets = valid_sheets()
    sheets["区划"][6][3] = "是"  # 李家村 becomes a poor village
    run = run_command("import_roster", str(write_workbook(tmp_path / "r.xlsx", sheets)))
    assert counts_line(run, "区划") == "区划：新增 0，更新 1，未变 5"
    assert PoorAreaYear.objects.filter(area_id=OTHER_VILLAGE, year=timezone.localdate().year).exists()
