"""The `landapp` command line. Every command is a thin wrapper over the library API.

Commands live in modules of `landapp.commands` (discovered automatically; each has
`register(subparsers)`), and packages above the core (layers, ui) add theirs through the
`landapp.commands` entry-point group in pyproject.toml, so the core never imports them.
Bad input ends in one clear sentence on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from importlib.metadata import entry_points
from typing import Callable, Sequence

from landapp.errors import LandappError
from landapp.i18n import set_language, tr

EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR, EXIT_USAGE = 0, 1, 2, 64


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's default exit code 2 clashes with ours
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: {tr('参数错误', 'error')}: {message}\n")


def group(sub: argparse._SubParsersAction, name: str, help: str) -> argparse._SubParsersAction:
    """Get or create a command group such as `export`, to which several modules add
    sub-commands (`export opportunities`, `export layer`, `export map` …).

    The groups are kept on `sub` itself: a registry keyed by `id(sub)` handed a new
    parser the groups of a dead one whose id Python had reused ("conflicting subparser")."""
    known: dict[str, argparse._SubParsersAction] = sub.__dict__.setdefault("_landapp_groups", {})
    if name not in known:
        p = sub.add_parser(name, help=help, description=help)
        known[name] = p.add_subparsers(dest=f"{name}_command", required=True, metavar="WHAT",
                                       parser_class=_Parser)
    return known[name]


def _registrars() -> list[Callable[[argparse._SubParsersAction], None]]:
    import landapp.commands as pkg

    regs = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"landapp.commands.{info.name}")
        if hasattr(mod, "register"):
            regs.append(mod.register)
    for ep in sorted(entry_points(group="landapp.commands"), key=lambda e: e.name):
        try:
            regs.append(ep.load())
        except ImportError:  # a stale entry point (package not installed here): skip it
            continue
    return regs


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="landapp",
        description=tr("园区土地与载体管理(landapp)命令行。", "landapp: land and carrier inventory for industrial parks."),
    )
    parser.add_argument("--lang", choices=["zh", "en"], help=tr("界面语言", "language of messages"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=_Parser)
    for register in _registrars():
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--lang" in argv:  # before building the parser, so help texts follow it too
        i = argv.index("--lang")
        if i + 1 < len(argv):
            set_language(argv[i + 1])
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except LandappError as e:
        print(f"landapp: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(tr("landapp: 已取消。", "landapp: cancelled."), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as e:  # disk full, permission denied … on files the command writes
        print(f"landapp: {tr('文件操作失败', 'file operation failed')}: {e.strerror or e} "
              f"({e.filename or ''})", file=sys.stderr)
        return EXIT_ERROR
