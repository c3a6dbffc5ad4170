#!/usr/bin/env python3
"""Copies the "Targets, side by side" table of BENCHMARKS.md into README.md, between the bench-table markers.

usage: python3 bench/readme-table.py      (after editing BENCHMARKS.md; README.md is rewritten in place)
"""
import os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
START, END = "<!-- bench-table:start (bench/readme-table.py writes this table from BENCHMARKS.md) -->", "<!-- bench-table:end -->"

bench = open(os.path.join(ROOT, "BENCHMARKS.md"), encoding="utf-8").read()
section = re.search(r"^## Targets, side by side.*?$(.*?)^## ", bench, re.S | re.M)
if not section:
    sys.exit("BENCHMARKS.md has no '## Targets, side by side' section")
title = re.search(r"^## (Targets, side by side.*)$", bench, re.M).group(1)
lines = section.group(1).splitlines()
first = next(i for i, line in enumerate(lines) if line.startswith("|"))
end = next((i for i in range(first, len(lines)) if not lines[i].startswith("|")), len(lines))
table = "\n".join(lines[first:end])  # the section's first table: the targets
readme_path = os.path.join(ROOT, "README.md")
readme = open(readme_path, encoding="utf-8").read()
if START not in readme or END not in readme:
    sys.exit("README.md lacks the bench-table markers")
head, rest = readme.split(START, 1)
_, tail = rest.split(END, 1)
note = (f"From [BENCHMARKS.md](BENCHMARKS.md) ({title}; each ratio against a baseline measured in the same run, "
        "with the load and the commands there):")
open(readme_path, "w", encoding="utf-8").write(f"{head}{START}\n{note}\n\n{table}\n{END}{tail}")
print(f"README.md: {table.count(chr(10)) + 1} table lines written")
