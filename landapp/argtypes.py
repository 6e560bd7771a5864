"""Number types for command-line options: checked before any work, so `--min-mu nan`,
`--area inf` or `--months -3` end in one usage sentence (exit 64), never an empty result or a
traceback. Used as `type=` in argparse."""

from __future__ import annotations

import argparse
import math

from landapp.i18n import tr


def number(text: str, *, minimum: float | None = None, integer: bool = False) -> float | int:
    """Parse a finite number (no NaN, no infinity), at least `minimum` when given."""
    try:
        x = float(str(text).replace(",", "").strip())
    except ValueError:
        raise argparse.ArgumentTypeError(tr(f"“{text}”不是数字", f"'{text}' is not a number")) from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(tr(f"“{text}”不是有限的数字", f"'{text}' is not a finite number"))
    if integer:
        if x != int(x):
            raise argparse.ArgumentTypeError(tr(f"“{text}”不是整数", f"'{text}' is not a whole number"))
        x = int(x)
    if minimum is not None and x < minimum:
        raise argparse.ArgumentTypeError(tr(f"“{text}”不能小于 {minimum:g}", f"'{text}' must be at least {minimum:g}"))
    return x


def finite(text: str) -> float:
    return number(text)


def non_negative(text: str) -> float:
    return number(text, minimum=0)


def positive_int(text: str) -> int:
    return number(text, minimum=1, integer=True)


def non_negative_int(text: str) -> int:
    return number(text, minimum=0, integer=True)


def bbox(text: str) -> tuple[float, float, float, float]:
    """minx,miny,maxx,maxy: four finite numbers with min below max."""
    try:
        vals = [float(v) for v in str(text).split(",")]
    except ValueError:
        vals = []
    if len(vals) != 4 or not all(math.isfinite(v) for v in vals) or vals[0] >= vals[2] or vals[1] >= vals[3]:
        raise argparse.ArgumentTypeError(tr("--bbox 应为 minx,miny,maxx,maxy 四个有限的数,且 min 小于 max",
                                            "--bbox must be four finite numbers minx,miny,maxx,maxy with min below max"))
    return tuple(vals)  # type: ignore[return-value]
