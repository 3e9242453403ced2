#!/usr/bin/env python3
"""figure.py - figures from the last `make bench`, for the docs and for you.

  bench/figure.py ROW...         rows of bench/results.md's table (1, 3, 5a...)
  bench/figure.py --note PREFIX  the note that starts with PREFIX ("Row 3")
  bench/figure.py --rows         every row's number and title
  --results FILE                 another results file (default: bench/results.md)

Each answer ends with the machine and the day the figures were measured on,
as results.md records them. The pages in docs/ show figures only through
this command in ```console blocks, so tests/docs.bats fails when a page and
bench/results.md disagree (docs/CONTRIBUTING.md). It reads the table by its
column names: if bench.py changes them, this is the one reader to adapt.
"""
import argparse
import os
import sys
import textwrap

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.md")
COLUMNS = ("#", "What", "A", "B", "Ratio (median)", "Spread", "Goal", "Met", "Notes")


class Results:
    def __init__(self, path):
        self.path = os.path.relpath(path)
        self.machine = {}
        self.rows = {}
        self.order = []
        self.notes = []
        section = None
        header = None
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if line.startswith("## "):
                section = line[3:].strip()
                continue
            if section is None and line.startswith("- ") and ": " in line:
                key, value = line[2:].split(": ", 1)
                self.machine[key] = value
            elif section == "Results" and line.startswith("|"):
                cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
                if header is None:
                    header = cells
                    missing = [c for c in COLUMNS if c not in header]
                    if missing:
                        raise ValueError(f"{path}: no column {', '.join(missing)} in the table "
                                         f"(did bench.py's format change? adapt {__file__})")
                elif not set(line) <= set("|- "):
                    row = dict(zip(header, cells))
                    self.rows[row["#"]] = row
                    self.order.append(row["#"])
            elif section == "Notes" and line.startswith("- "):
                self.notes.append(line[2:])
        if not self.rows:
            raise ValueError(f"{path}: no results table")

    def measured_on(self):
        m = self.machine
        kvm = m.get("KVM hardware-assisted", "?").split()[0]
        rev = m.get("vmm", "?").split(";")[0]
        return (f"measured by make bench on {m.get('Date', '?')[:10]}: {m.get('CPU', '?')}, "
                f"Linux {m.get('Kernel', '?')}, hardware-assisted KVM: {kvm}, vmm {rev}")


def show_row(r, number):
    row = r.rows.get(number)
    if row is None:
        raise KeyError(f"no row {number} in {r.path} (rows: {' '.join(r.order)})")
    print(f"{number}. {row['What']}")
    sides = "; ".join(x for x in (row["A"], row["B"]) if x)
    if sides:
        print(f"   {sides}")
    if row["Ratio (median)"] == "n/a":
        print(f"   not measured: {row['Notes']}")
    else:
        goal = f"; goal {row['Goal']}: {row['Met']}" if row["Goal"] else ""
        print(f"   ratio {row['Ratio (median)']} ({row['Spread']}){goal}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("rows", nargs="*")
    ap.add_argument("--note", action="append", default=[])
    ap.add_argument("--rows", dest="list", action="store_true")
    ap.add_argument("--results", default=RESULTS)
    args = ap.parse_args()
    try:
        r = Results(args.results)
        if args.list:
            for n in r.order:
                print(f"{n}. {r.rows[n]['What']}")
            return 0
        if not args.rows and not args.note:
            ap.error("which rows (or --note, --rows)?")
        for n in args.rows:
            show_row(r, n)
        for prefix in args.note:
            found = [n for n in r.notes if n.startswith(prefix)]
            if not found:
                raise KeyError(f"no note starts with '{prefix}' in {r.path}")
            for n in found:
                print(textwrap.fill(n, 78, subsequent_indent="  "))
        print(r.measured_on())
    except (OSError, ValueError, KeyError) as e:
        print(f"figure.py: {e.args[0] if e.args else e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
