#!/usr/bin/env python3
"""Validate a rule file one rule at a time.

Usage: scripts/rules-per-rule.py FILE [--crowsnest PATH] [--verbose]

Each rule of FILE is written to a file of its own together with the lists
and macros it needs (found by name, transitively, appends included, in the
order FILE defines them), and `crowsnest rules validate --summary` checks that file.
Prints each rule that does not load with its first error, each rule that
loads but can never fire here (a call crowsnest does not trace) with its
reason, then "loaded/total rules load, N of them can fire". Exit status 0
when every rule loads.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import yaml

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def names_in(item):
    """Every word that may name a list or a macro in an item."""
    text = []
    for key in ("condition", "items"):
        value = item.get(key)
        if isinstance(value, str):
            text.append(value)
        elif isinstance(value, list):
            text.extend(str(v) for v in value)
    for ex in item.get("exceptions") or []:
        values = ex.get("values") if isinstance(ex, dict) else None
        text.append(repr(values))
    return set(NAME.findall(" ".join(text)))


def needed(rule_items, definitions):
    """The lists and macros that rule_items name, transitively."""
    want, todo = set(), set()
    for item in rule_items:
        todo |= names_in(item)
    while todo:
        name = todo.pop()
        if name in want or name not in definitions:
            continue
        want.add(name)
        for item in definitions[name]:
            todo |= names_in(item)
    return want


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--crowsnest", default=os.path.join(os.path.dirname(__file__), "..", "build", "crowsnest"))
    ap.add_argument("--verbose", action="store_true", help="print every error of a rule that does not load")
    args = ap.parse_args()
    with open(args.file, encoding="utf-8") as f:
        doc = yaml.safe_load(f) or []

    definitions = {}  # list or macro name -> its items (definition, then appends)
    rules = {}        # rule name -> its items (definition, then appends and overrides)
    order = []
    for item in doc:
        if not isinstance(item, dict):
            continue
        if "list" in item or "macro" in item:
            definitions.setdefault(item.get("list", item.get("macro")), []).append(item)
        elif "rule" in item:
            if item["rule"] not in rules:
                order.append(item["rule"])
            rules.setdefault(item["rule"], []).append(item)

    loaded = can_fire = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in order:
            want = needed(rules[name], definitions)
            items = [i for i in doc if isinstance(i, dict) and
                     (i.get("list", i.get("macro")) in want or "required_engine_version" in i)]
            items += rules[name]
            path = os.path.join(tmp, "rule.yaml")
            with open(path, "w", encoding="utf-8") as f:
                yaml.safe_dump(items, f, sort_keys=False, width=1 << 20)
            r = subprocess.run([args.crowsnest, "rules", "validate", "--summary", path], capture_output=True,
                               text=True)
            if r.returncode == 0:
                loaded += 1
                never = [l.strip() for l in r.stdout.splitlines() if l.strip().startswith("never fires:")]
                if never:
                    print(never[0])
                else:
                    can_fire += 1
                continue
            errors = [l for l in r.stdout.splitlines() if ": warning: " not in l and not l.startswith("invalid:")]
            print(f"{name}: " + ("\n    ".join(errors) if args.verbose else (errors[0] if errors else r.stdout.strip())))
    print(f"{loaded}/{len(order)} rules load, {can_fire} of them can fire")
    return 0 if loaded == len(order) else 1


if __name__ == "__main__":
    sys.exit(main())
