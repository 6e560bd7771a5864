"""Collect every tr("中文", "English") pair of the UI into ui/i18n/landapp_en.ts (Qt
Linguist format, Chinese source, English translation) and compile it to landapp_en.qm with
pyside6-lrelease. Run after changing UI strings:  python scripts/make_translations.py"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "ui", "i18n", "landapp_en.ts")


def pairs(folders=("ui", "layers")) -> dict[tuple[str, str], str]:
    """(Chinese source, disambiguation) -> English. One Chinese text can have several
    English ones (片区: 'Zone' on a form, 'Zones' in a count; 删除: the 'Delete' button, 'deleted'
    in a history): the first is the plain translation, each other one is a message
    disambiguated by its own English text, which is what ui.i18n.tr asks Qt for."""
    seen: dict[str, list[str]] = {}
    for folder in folders:
        for dirpath, dirs, files in os.walk(os.path.join(ROOT, folder)):
            dirs.sort()  # the same first translation on every machine
            for name in sorted(files):
                if not name.endswith(".py"):
                    continue
                source = open(os.path.join(dirpath, name), encoding="utf-8").read()
                tree = ast.parse(source)
                registry = "ui.actions" in source or name == "actions.py"
                for node in ast.walk(tree):
                    # registry specs (ui/actions.py) carry texts as ("中文", "English") pairs
                    if (registry and isinstance(node, ast.Tuple) and len(node.elts) == 2
                            and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.elts)
                            and any("\u3400" <= ch <= "\u9fff" for ch in node.elts[0].value) and node.elts[1].value):
                        ens = seen.setdefault(node.elts[0].value, [])
                        if node.elts[1].value not in ens:
                            ens.append(node.elts[1].value)
                    if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "tr"
                            and len(node.args) == 2
                            and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args)):
                        ens = seen.setdefault(node.args[0].value, [])
                        if node.args[1].value not in ens:
                            ens.append(node.args[1].value)
    found: dict[tuple[str, str], str] = {}
    for zh, ens in seen.items():
        found[(zh, "")] = ens[0]
        for en in ens[1:]:
            found[(zh, en)] = en
    return found


def main() -> int:
    found = pairs()
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>",
             '<TS version="2.1" language="en_US" sourcelanguage="zh_CN">', "<context>",
             "    <name>landapp</name>"]
    for (zh, comment), en in sorted(found.items()):
        lines += ["    <message>", f"        <source>{escape(zh)}</source>"]
        if comment:
            lines.append(f"        <comment>{escape(comment)}</comment>")
        lines += [f"        <translation>{escape(en)}</translation>", "    </message>"]
    lines += ["</context>", "</TS>", ""]
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    tool = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    if tool is None:
        print("pyside6-lrelease not found (pip install PySide6-Essentials)", file=sys.stderr)
        return 1
    subprocess.run([tool, OUT, "-qm", OUT[:-3] + ".qm"], check=True)
    print(f"{len(found)} strings -> {os.path.relpath(OUT[:-3] + '.qm', ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
