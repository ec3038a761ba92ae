"""Rules and writes of the registry. Validators take plain values so the roster importer,
the admin and the API apply exactly the same checks."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from stdnum.cn import ric

from shuanglian import audit, freshness
from shuanglian.errors import DomainError
from shuanglian.helpers import in_batches

from .models import LEVEL_PREFIX_LENGTH, Area, AreaLevel, Household, IncomeRecord, Member, PoorAreaYear, PovertyQuota

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def normalise_id_number(value: str) -> str:
    return str(value or "").strip().upper()


def validate_id_number(value: str, *, label: str = "身份证号") -> str:
    """A resident ID number with a valid GB 11643 check digit and birth date; returns it normalised."""
    number = normalise_id_number(value)
    if not number:
        raise DomainError(f"{label}不能为空。")
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise DomainError(f"{label}“{number}”应为18位，前17位为数字，末位为数字或X。")
    # calc_check_digit takes the whole number and ignores its last character.
    expected = ric.calc_check_digit(number)
    if number[-1] != expected:
        raise DomainError(f"{label}“{number}”校验位错误，应为“{expected}”。")
    try:
        # ric.get_birth_date's reading of digits 7–14, without cleaning the number again (an
        # import checks hundreds of thousands).
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise DomainError(f"{label}“{number}”中的出生日期无效。") from None
    # The birth place is not checked: IDs issued under since-abolished county codes stay valid.
    # Only a date near today needs the local date, which is slow to read hundreds of thousands
    # of times: the machine's yesterday is before today in every time zone.
    if born >= date.today() - timedelta(days=1) and born > timezone.localdate():
        raise DomainError(f"{label}“{number}”中的出生日期晚于今天。")
    return number


def birth_date_and_sex(id_number: str) -> tuple[date, str]:
    """The birth date and sex (M/F) a validated ID number encodes (17th digit odd: male).
    Read from the digits without validating again: an import does it for every member."""
    born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return born, ("M" if int(id_number[16]) % 2 else "F")


def validate_mobile(value: str) -> str:
    phone = str(value or "").strip()
    if phone and not MOBILE.fullmatch(phone):
        raise DomainError(f"手机号“{phone}”应为11位手机号码。")
    return phone


def validate_area_code(code: str, *, level: str | None = None) -> str:
    """A 12-digit statistical code whose trailing zeros agree with the stated level."""
    code = str(code or "").strip()
    if not re.fullmatch(r"[0-9]{12}", code):
        raise DomainError(f"区划代码“{code}”应为12位数字。")
    derived = Area.level_of(code)
    # Every group down to the code's own level is a real one: a zero group above a non-zero one
    # ("620500000001") would hang the area under an ancestor two levels up.
    start = 0
    for group_level, end in LEVEL_PREFIX_LENGTH.items():
        if end > LEVEL_PREFIX_LENGTH[derived]:
            break
        if not code[start:end].strip("0"):
            raise DomainError(f"区划代码“{code}”无效：{AreaLevel(group_level).label}级代码段不能为0。")
        start = end
    if level is not None and level != derived:
        raise DomainError(
            f"区划代码“{code}”表示{AreaLevel(derived).label}级，与所填级别“{AreaLevel(level).label}”不符。"
        )
    return code


def check_parent_exists(code: str, known_codes) -> None:
    """The parent of an area is known: saved already, or (on the roster) listed in the same file."""
    parent = Area.parent_code_of(code)
    if parent is not None and parent not in known_codes:
        raise DomainError(f"上级区划“{parent}”不存在，请先导入上级区划，或在区划表中一并列出。")


# Money columns hold 12 digits with 2 decimals: below ten billion yuan either way.
MONEY_LIMIT = Decimal("1e10")


def validate_income_amounts(**amounts: Decimal) -> None:
    negative = [name for name, value in amounts.items() if value is not None and value < 0]
    if negative:
        labels = "、".join(str(IncomeRecord._meta.get_field(n).verbose_name) for n in negative)
        raise DomainError(f"{labels}不能为负数。")
    deductions = sum(v or 0 for n, v in amounts.items() if n != "total_income")
    net = (amounts.get("total_income") or 0) - deductions
    if abs(net) >= MONEY_LIMIT:
        raise DomainError(f"纯收入{net}超出范围（绝对值应小于100亿元），请核对各项金额。")


def check_village(village: Area | None, code: str, *, label: str = "区划代码") -> None:
    """The code (in the column ``label``) names an existing village or community."""
    if village is None:
        raise DomainError(f"{label}“{code}”不存在。")
    if village.level != AreaLevel.VILLAGE:
        raise DomainError(f"“{code}”是{AreaLevel(village.level).label}级区划，不是村（社区）。")


def validate_village_year(*, village: Area | None, code: str, population: int, poor_population: int) -> None:
    """The rules of a village's basic data (村情) that no single cell shows: the code names an
    existing village, and its poor people are some of its people."""
    check_village(village, code)
    if poor_population > population:
        raise DomainError(f"贫困人口{poor_population}不能多于总人口{population}。")


def validate_exit(status: str, exit_year: int | None) -> None:
    if status == Household.Status.EXITED and not exit_year:
        raise DomainError("已脱贫的农户必须填写脱贫年度。")
    if exit_year and status in (Household.Status.IDENTIFIED, Household.Status.REGISTERED):
        raise DomainError("在册农户不应填写脱贫年度。")


def member_elsewhere_message(id_number: str, other: str) -> str:
    from shuanglian.scoping import mask_id_number

    return f"身份证号{mask_id_number(id_number)}已登记在农户{other}，一人只能属于一户。"


def check_members_elsewhere(id_numbers: dict[str, str], *, field: str | None = None) -> None:
    """No person of {ID number: household number} is registered in another household; the
    message goes to the form's ``field`` where one is named."""
    clashes = members_elsewhere(id_numbers)
    if clashes:
        messages = [member_elsewhere_message(idn, other) for idn, other in clashes.items()]
        raise DomainError({field: messages} if field else messages)


def head_member_values(*, household: Household, head_name: str, head_id_number: str, stored: Member | None) -> dict:
    """What the head of a household is as a member (docs/roster-format.md: the household head is also a
    member): a new member with relation 户主, or the stored one moved and renamed, keeping the
    relation recorded for them."""
    birth, sex = birth_date_and_sex(head_id_number)
    values = {"household": household, "name": head_name, "birth_date": birth, "sex": sex}
    if stored is None:
        values["relation"] = Member.HEAD
    return values


def check_head(*, number: str, head_id_number: str, field: str | None = None) -> None:
    """The head of household ``number`` is not a member of another household (one household a person)."""
    check_members_elsewhere({head_id_number: number}, field=field)


@transaction.atomic
def register_head(household: Household) -> Member:
    """Register (or bring up to date) the head of a saved household as its member, by the rules
    the roster applies: a person belongs to one household."""
    check_head(number=household.number, head_id_number=household.head_id_number)
    stored = Member.objects.filter(id_number=household.head_id_number).first()
    values = head_member_values(household=household, head_name=household.head_name,
                                head_id_number=household.head_id_number, stored=stored)
    if stored is None:
        return Member.objects.create(id_number=household.head_id_number, **values)
    changed = [name for name, value in values.items() if getattr(stored, name) != value]
    for name in changed:
        setattr(stored, name, values[name])
    if changed:
        stored.save(update_fields=changed)
    return stored


def members_elsewhere(id_numbers: dict[str, str], *, stored: dict[str, Member] | None = None) -> dict[str, str]:
    """Of {ID number: household number}, those already registered in *another* household.

    Returns {ID number: the other household's number}. A person belongs to one household.
    ``stored`` — the members of these ID numbers with their households, when the caller has
    read them already (an import) — saves reading them again.
    """
    if stored is not None:
        registered = ((idn, m.household.number) for idn, m in stored.items() if idn in id_numbers)
    else:
        registered = (row for batch in in_batches(id_numbers)
                      for row in Member.objects.filter(id_number__in=batch).values_list("id_number", "household__number"))
    return {idn: number for idn, number in registered if number != id_numbers[idn]}


# Only counties (片区县, 插花型县) and villages (贫困村) are designated poor.
POOR_FLAG_LEVELS = (AreaLevel.COUNTY, AreaLevel.VILLAGE)


def default_poverty_kind(level: str) -> str:
    """The designation of a flag given without a kind: villages 贫困村, counties 片区县."""
    return PoorAreaYear.Kind.POOR_VILLAGE if level == AreaLevel.VILLAGE else PoorAreaYear.Kind.CONTIGUOUS_COUNTY


# The designations each level may carry: villages are 贫困村, counties 片区县 or 插花型县.
POVERTY_KINDS = {
    AreaLevel.VILLAGE: {PoorAreaYear.Kind.POOR_VILLAGE},
    AreaLevel.COUNTY: {PoorAreaYear.Kind.CONTIGUOUS_COUNTY, PoorAreaYear.Kind.SCATTERED_COUNTY},
}


def check_poverty_flag(*, area: Area, kind: str | None = None) -> None:
    """Only counties and villages are designated poor, each with a designation of its level.
    Reads only the area's name and level: the roster checks unsaved areas of its file with it."""
    if area.level not in POOR_FLAG_LEVELS:
        raise DomainError(f"{area.name}为{AreaLevel(area.level).label}级，只有县和村可认定为贫困县、贫困村。")
    if kind is not None and kind not in POVERTY_KINDS[area.level]:
        raise DomainError({"kind": gettext("%(area)s为%(level)s级，不能认定为“%(kind)s”。") % {
            "area": area.name, "level": AreaLevel(area.level).label, "kind": PoorAreaYear.Kind(kind).label}})


def validate_poverty_line(*, province_line: Decimal, national_line: Decimal, village_income_line: Decimal | None = None,
                          incidence_rate: Decimal | None = None, notice_days: int | None = None) -> None:
    """A year's thresholds (docs/domain.md §10): every line an amount of money above zero (the
    national line need not be below the provincial one), the incidence rate a percent from 0 to
    100, a notice at least a day. The parts not given are not checked."""
    if any(line is None or line <= 0 for line in (province_line, national_line)) or (
            village_income_line is not None and village_income_line <= 0):
        raise DomainError(gettext("扶贫标准应为大于0的金额。"))
    if incidence_rate is not None and not 0 <= incidence_rate <= 100:
        raise DomainError(gettext("贫困发生率标准应在0至100（%）之间。"))
    if notice_days is not None and notice_days < 1:
        raise DomainError(gettext("公示最少天数应不少于1天。"))


def validate_quota(*, county: Area) -> None:
    """A scale quota (县扶贫规模) belongs to a county."""
    if county.level != AreaLevel.COUNTY:
        raise DomainError({"county": gettext("扶贫规模按县（区）下达，%(area)s不是县级区划。") % {"area": county.name}})


@transaction.atomic
def record_quota(*, quota: PovertyQuota) -> PovertyQuota:
    """Store a county's scale quota of a year, checked as every door checks it."""
    validate_quota(county=quota.county)
    quota.save()
    return quota


def designation_quota_errors(designations, releases=()) -> list[str]:
    """Why designating the (village code, year) pairs of ``designations`` as new poor villages would
    pass their counties' scale quotas (严禁超规模识别), while the pairs of ``releases`` stop being
    poor villages in the same write: one check per county and year."""
    from collections import Counter

    from .selectors import quota_errors

    per_county = Counter((code[:6], year) for code, year in designations)
    per_county.subtract(Counter((code[:6], year) for code, year in releases if (code[:6], year) in per_county))
    errors = []
    for (county, year), count in sorted(per_county.items()):
        if count > 0:
            errors.extend(quota_errors(county, year, villages=count))
    return errors


def check_designation(*, area: Area, year: int, kind: str | None, stored: PoorAreaYear | None = None) -> None:
    """One designation as the admin and the API write it: of the area's level, and a new poor
    village within its county's quota (a designation already counted is not counted twice)."""
    check_poverty_flag(area=area, kind=kind)
    if (kind or default_poverty_kind(area.level)) != PoorAreaYear.Kind.POOR_VILLAGE:
        return
    if stored is not None and (stored.area_id, stored.year, stored.kind) == (area.code, year, kind):
        return
    errors = designation_quota_errors([(area.code, year)])
    if errors:
        raise DomainError(errors)


def validate_plan(*, year: int, target_income: Decimal, exit_deadline: int) -> None:
    """A household plan aims at a non-negative income and an exit not before the plan's year."""
    errors: dict[str, list[str]] = {}
    if target_income is not None and target_income < 0:
        errors.setdefault("target_income", []).append(gettext("目标人均纯收入不能为负数。"))
    if year and exit_deadline and exit_deadline < year:
        errors.setdefault("exit_deadline", []).append(gettext("计划脱贫年度不能早于计划年度。"))
    if errors:
        raise DomainError(errors)


def validate_measure(*, kind: str, item: str, planned: Decimal | None, spent: Decimal | None) -> None:
    """A plan's measure: the "32111" items belong to industry, and money is never negative."""
    errors: dict[str, list[str]] = {}
    if item and kind != "industry":
        errors.setdefault("item", []).append(gettext("“32111”项目只用于产业措施。"))
    if planned is not None and planned < 0:
        errors.setdefault("planned", []).append(gettext("计划投入不能为负数。"))
    if spent is not None and spent < 0:
        errors.setdefault("spent", []).append(gettext("已投入不能为负数。"))
    if errors:
        raise DomainError(errors)


@transaction.atomic
def set_poverty_flag(*, area: Area, year: int, poor: bool) -> None:
    """Mark an area poor (or not) for a year: villages as 贫困村, counties as 片区县 unless already flagged."""
    freshness.touch_areas([area.code])
    if not poor:
        PoorAreaYear.objects.filter(area=area, year=year).delete()
        return
    check_poverty_flag(area=area)
    if area.level == AreaLevel.VILLAGE and not PoorAreaYear.objects.filter(area=area, year=year).exists():
        errors = designation_quota_errors([(area.code, year)])
        if errors:
            raise DomainError(errors)
    PoorAreaYear.objects.get_or_create(area=area, year=year, defaults={"kind": default_poverty_kind(area.level)})


def record_income(*, household: Household, year: int, total_income: Decimal, resident_population: int | None = None,
                  **deductions: Decimal) -> IncomeRecord:
    validate_income_amounts(total_income=total_income, **deductions)
    record, _ = IncomeRecord.objects.update_or_create(
        household=household, year=year,
        defaults={"total_income": total_income, "resident_population": resident_population or household.resident_population,
                  **deductions},
    )
    freshness.touch_villages([household.village_id])
    return record


def load_divisions(rows, *, down_to: str = AreaLevel.VILLAGE) -> tuple[int, int]:
    """Create or rename areas from (code, name, level) rows, parents first, in bulk.

    Returns (created, renamed). Rows below ``down_to`` are skipped.
    """
    order = list(LEVEL_ORDER)
    deepest = order.index(down_to)
    wanted = {}
    for code, name, level in rows:
        if level not in order:
            raise DomainError(f"区划“{code}”的级别“{level}”无效，应为 {'、'.join(order)} 之一。")
        if order.index(level) <= deepest:
            validate_area_code(code, level=level)
            wanted[code] = (name, level)
    existing = {}
    for batch in in_batches(wanted):
        existing.update(Area.objects.filter(code__in=batch).values_list("code", "name"))
    # A parent missing from both the file and the database would only fail at commit (deferred
    # foreign key): name it instead.
    outside = sorted({p for c in wanted if (p := Area.parent_code_of(c)) and p not in wanted})
    known = set()
    for batch in in_batches(outside):
        known.update(Area.objects.filter(code__in=batch).values_list("code", flat=True))
    known.update(wanted)
    for code in wanted:
        check_parent_exists(code, known)
    creates = [
        Area(code=code, name=name, level=level, parent_id=Area.parent_code_of(code))
        for code, (name, level) in sorted(wanted.items(), key=lambda item: (order.index(item[1][1]), item[0]))
        if code not in existing
    ]
    renames = [Area(code=code, name=name) for code, (name, _) in wanted.items() if code in existing and existing[code] != name]
    with transaction.atomic():
        audit.bulk_create(Area, creates, batch_size=2000, reason="区划库导入")
        audit.bulk_update(Area, renames, ["name"], batch_size=2000, reason="区划库导入")
    return len(creates), len(renames)


LEVEL_ORDER = (AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE)
