"""Roster workbooks for the tests (docs/roster-format.md), written with openpyxl.

``write_workbook(path, {sheet: [header row, data rows...]})`` writes an .xlsx; strings are
written as text cells (ID numbers and codes keep every digit, as a clerk's "文本" cells do).
``valid_sheets()`` is a small, consistent roster of one county; tests copy and spoil it.
"""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from stdnum.cn import ric


def id_number(region: str, birth: str, sequence: str) -> str:
    """A resident ID number with a correct GB 11643 check digit (sequence: 3 digits, odd = male)."""
    body = f"{region}{birth}{sequence}"
    assert len(body) == 17, body
    # python-stdnum ≥ 1.x: calc_check_digit takes the whole number and ignores its last character.
    return body + ric.calc_check_digit(body + "0")


def wrong_check_digit(number: str) -> str:
    digits = "0123456789X"
    return number[:17] + digits[(digits.index(number[17]) + 1) % len(digits)]


def write_workbook(path, sheets: dict[str, list[list]]) -> Path:
    """Write {sheet name: [header row, data rows...]} to an .xlsx file; returns the path."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        ws = workbook.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.number_format = "@"  # a text cell, as Excel's "文本" format
                    cell.data_type = "s"  # never a formula, whatever the text begins with
                elif isinstance(cell.value, (dt.date, dt.datetime)):
                    cell.number_format = "yyyy-mm-dd"
    path = Path(path)
    workbook.save(path)
    return path


def excel_row(sheets: dict[str, list[list]], sheet: str, index: int) -> int:
    """The Excel row number of data row ``index`` (0-based after the header) of a sheet."""
    assert 0 <= index < len(sheets[sheet]) - 1
    return index + 2


def add_row(sheets: dict[str, list[list]], sheet: str, values: dict) -> int:
    """Append a row given as {header: value}; returns its Excel row number."""
    header = sheets[sheet][0]
    unknown = set(values) - set(header)
    assert not unknown, unknown
    sheets[sheet].append([values.get(h) for h in header])
    return len(sheets[sheet])


def find_row(sheets: dict[str, list[list]], sheet: str, **match) -> tuple[int, list]:
    """(Excel row number, row) of the first data row whose columns equal ``match`` (by header)."""
    header = sheets[sheet][0]
    for number, row in enumerate(sheets[sheet][1:], start=2):
        if all(row[header.index(h)] == v for h, v in match.items()):
            return number, row
    raise LookupError(f"{sheet}: no row {match}")


def set_cell(sheets, sheet: str, number: int, header: str, value) -> None:
    sheets[sheet][number - 1][sheets[sheet][0].index(header)] = value


# --- the sample roster ------------------------------------------------------------------------

PROVINCE, CITY, COUNTY, TOWNSHIP = "620000000000", "620500000000", "620502000000", "620502100000"
POOR_VILLAGE, OTHER_VILLAGE = "620502100001", "620502100002"
COUNTY_UNIT, CITY_UNIT = "U62050201", "U62050001"

# Cadres: ID number by a short name.
C_ZHANG = id_number("620502", "19700312", "011")  # 县处级, hands household 1 over to Li
C_LI = id_number("620502", "19850607", "022")  # 乡科级, Zhang's successor
C_WANG = id_number("620500", "19680101", "031")  # 地厅级 of the city unit
C_ZHAO = id_number("620500", "19900909", "042")  # 一般干部, 事业人员
C_TEACHER = id_number("620502", "19920220", "064")  # 教师: pairs no household

# Households: number → head ID number.
H1, H2, H3, H4, H5, H6 = (f"62050210000{v}{n:04d}" for v, n in ((1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3)))
HEADS = {
    H1: id_number("620502", "19650101", "013"),
    H2: id_number("620502", "19720214", "035"),
    H3: id_number("620502", "19580530", "057"),
    H4: id_number("620502", "19800808", "072"),
    H5: id_number("620502", "19770707", "094"),
    H6: id_number("620502", "19600616", "113"),
}
# Members other than heads: (household, ID number, name, relation, labour, health).
MEMBERS = [
    (H1, id_number("620502", "19670303", "024"), "李秀英", "配偶", "普通劳动力", "健康"),
    (H1, id_number("620502", "19950505", "015"), "张小军", "子", "技能劳动力", "健康"),
    (H1, id_number("620502", "20120901", "026"), "张小花", "孙女", None, "健康"),
    (H2, id_number("620502", "19740418", "046"), "赵桂兰", "配偶", "弱劳动力", "长期慢性病"),
    (H3, id_number("620502", "19600101", "068"), "孙玉梅", "配偶", "丧失劳动力", "患有大病"),
    (H3, id_number("620502", "19850315", "079"), "王勇", "子", "普通劳动力", "健康"),
    (H4, id_number("620502", "20100610", "081"), "陈乐乐", "子", "无劳动力", "残疾"),
    (H6, id_number("620502", "19620226", "128"), "周兰", "配偶", "普通劳动力", "健康"),
]


def valid_sheets() -> dict[str, list[list]]:
    """A complete, consistent roster workbook's sheets (a fresh copy each call)."""
    d = dt.date
    sheets = {
        "区划": [
            ["区划代码", "名称", "级别", "是否贫困"],
            [PROVINCE, "甘肃省", "省", None],
            [CITY, "天水市", "市", None],
            [COUNTY, "秦州区", "县", "是"],
            [TOWNSHIP, "皂郊镇", "乡", None],
            [POOR_VILLAGE, "王家村", "村", "是"],
            [OTHER_VILLAGE, "李家村", "村", "否"],
        ],
        "单位": [
            ["单位代码", "单位名称", "级别", "类型", "所在区划代码"],
            [COUNTY_UNIT, "秦州区农业农村局", "县", "党政机关", COUNTY],
            [CITY_UNIT, "天水市卫生健康委员会", "市", "党政机关", CITY],
        ],
        "干部": [
            ["身份证号", "姓名", "单位代码", "职级", "人员类别", "手机号"],
            [C_ZHANG, "张建国", COUNTY_UNIT, "县处级", "公务员", "13893800001"],
            [C_LI, "李明", COUNTY_UNIT, "乡科级", "公务员", None],
            [C_WANG, "王芳", CITY_UNIT, "地厅级", "公务员", "13993800003"],
            [C_ZHAO, "赵强", CITY_UNIT, "一般干部", "事业人员", None],
            [C_TEACHER, "刘老师", COUNTY_UNIT, "一般干部", "教师", None],
        ],
        "农户": [
            ["户编号", "村代码", "户主姓名", "户主身份证号", "户类型", "常住人口", "主要致贫原因", "状态", "脱贫年度"],
            [H1, POOR_VILLAGE, "张大山", HEADS[H1], "农村特困户", 4, "因病", "在册", None],
            [H2, POOR_VILLAGE, "王二", HEADS[H2], "农村特困户", 2, "缺技术", None, None],
            [H3, POOR_VILLAGE, "王老三", HEADS[H3], "农村特困户", 3, "缺资金", "在册", None],
            [H4, OTHER_VILLAGE, "陈四", HEADS[H4], "城市困难居民", 2, "因残", "在册", None],
            [H5, OTHER_VILLAGE, "刘五", HEADS[H5], "农村特困户", 1, None, "返贫", 2023],
            [H6, OTHER_VILLAGE, "周六", HEADS[H6], "农村特困户", 2, "缺劳力", "已脱贫", 2024],
        ],
        "家庭成员": [
            ["户编号", "身份证号", "姓名", "与户主关系", "劳动能力", "健康状况"],
            # Heads of H1 and H3 listed again, with relation 户主 (docs/roster-format.md).
            [H1, HEADS[H1], "张大山", "户主", "弱劳动力", "长期慢性病"],
            [H3, HEADS[H3], "王老三", "户主", "普通劳动力", "健康"],
            *[list(m) for m in MEMBERS],
        ],
        "收入": [
            ["户编号", "年度", "总收入", "家庭经营费用支出", "税费支出", "生产性固定资产折旧", "调查补贴", "赠送农村外部亲友"],
            [H1, 2023, 18000, 3000, 100, 500, 200, 400],  # net 13800, 4 residents → 3450.00
            [H1, 2024, 21000.6, 3200, None, 500, None, None],  # net 17300.60 → 4325.15
            [H2, 2023, 6000, None, None, None, None, None],  # net 6000, 2 → 3000.00
            [H2, 2024, "7500.40", "1000", 0, 0, 0, 0],  # net 6500.40 → 3250.20
            [H3, 2024, 9000, 1500, 0, 0, 0, 0],  # net 7500, 3 → 2500.00
            [H6, 2024, 12000, 1000, 0, 0, 0, 0],  # net 11000, 2 → 5500.00
        ],
        "联村": [
            ["单位代码", "村代码", "开始日期", "结束日期"],
            [COUNTY_UNIT, POOR_VILLAGE, d(2023, 1, 1), None],
            [CITY_UNIT, POOR_VILLAGE, "2023-03-01", None],
            [CITY_UNIT, OTHER_VILLAGE, d(2023, 3, 1), d(2025, 12, 31)],
        ],
        "联户": [
            ["干部身份证号", "户编号", "开始日期", "结束日期", "结束原因", "接替干部身份证号"],
            # Zhang hands household 1 over to Li; Li's pairing starts the next day.
            [C_ZHANG, H1, d(2023, 1, 1), d(2024, 6, 30), "工作调动", C_LI],
            [C_LI, H1, d(2024, 7, 1), None, None, None],
            [C_ZHANG, H2, "2023-01-01", None, None, None],
            [C_LI, H3, d(2023, 1, 1), None, None, None],
            [C_WANG, H4, d(2023, 3, 1), None, None, None],
            [C_ZHAO, H5, d(2023, 3, 1), None, None, None],
            # Household 6 exited in 2024: its pairing may end without a successor.
            [C_ZHAO, H6, d(2023, 3, 1), d(2024, 12, 31), "已脱贫", None],
        ],
    }
    return copy.deepcopy(sheets)


def write_valid_workbook(path) -> Path:
    return write_workbook(path, valid_sheets())


def many_households_sheets(households: int, members_each: int = 1, income_years: tuple[int, ...] = (),
                           prefix: str = "B", first_person: int = 0) -> dict[str, list[list]]:
    """A large roster for the bulk tests: the sample's areas, ``households`` households in its two
    villages, ``members_each`` members besides each head, and an income row per year given.
    Household numbers start with ``prefix``; people are numbered from ``first_person`` on."""
    base = valid_sheets()
    sheets = {
        "区划": base["区划"],
        "农户": [base["农户"][0]],
        "家庭成员": [base["家庭成员"][0]],
        "收入": [base["收入"][0]],
    }
    first_day = dt.date(1940, 1, 1)
    people = iter(range(first_person, 10**9))

    def next_id() -> str:
        n = next(people)
        birth = first_day + dt.timedelta(days=n // 900)
        return id_number("620502", f"{birth:%Y%m%d}", f"{n % 900 + 100:03d}")

    for i in range(households):
        number = f"{prefix}{i:07d}"
        village = POOR_VILLAGE if i % 2 else OTHER_VILLAGE
        sheets["农户"].append([number, village, f"户主{i}", next_id(), "农村特困户", members_each + 1, "因病", "在册", None])
        for j in range(members_each):
            sheets["家庭成员"].append([number, next_id(), f"成员{i}-{j}", "子女", "普通劳动力", "健康"])
        for year in income_years:
            sheets["收入"].append([number, year, 10000 + i, 1000, 0, 100, None, None])
    return sheets


def with_shared_strings(path) -> Path:
    """Rewrite an openpyxl-written .xlsx (inline strings) the way Excel stores text: in a shared
    string table that cells refer to by index. Returns the path of the rewritten copy."""
    import re
    import zipfile
    from xml.sax.saxutils import escape

    path = Path(path)
    target = path.with_name(path.stem + "-shared.xlsx")
    table: dict[str, int] = {}

    def share(match) -> str:
        text = re.sub(r"<[^>]+>", "", match.group(2))
        from xml.sax.saxutils import unescape

        text = unescape(text)
        index = table.setdefault(text, len(table))
        return f'{match.group(1)} t="s"><v>{index}</v></c>'

    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        parts = {item.filename: source.read(item) for item in source.infolist()}
        for name, data in parts.items():
            if name.startswith("xl/worksheets/sheet"):
                xml = data.decode("utf-8")
                xml = re.sub(r'(<c [^>]*?) t="inlineStr"><is>(.*?)</is></c>', share, xml)
                parts[name] = xml.encode("utf-8")
        strings = "".join(f"<si><t xml:space=\"preserve\">{escape(s)}</t></si>" for s in table)
        parts["xl/sharedStrings.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(table)}" '
            f'uniqueCount="{len(table)}">{strings}</sst>'
        ).encode("utf-8")
        types = parts["[Content_Types].xml"].decode("utf-8")
        types = types.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                              'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        parts["[Content_Types].xml"] = types.encode("utf-8")
        rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
        rels = rels.replace("</Relationships>", '<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/'
                            'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        parts["xl/_rels/workbook.xml.rels"] = rels.encode("utf-8")
        for name, data in parts.items():
            out.writestr(name, data)
    return target
