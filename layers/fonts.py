"""The fonts of every picture and PDF: Chinese in a Simplified Chinese family whose PDF text
layer is right.

Why a derived font: Noto Sans CJK maps a unified ideograph and its radical form to one glyph
(车 U+8F66 and ⻋ U+2ECB, 片 and ⽚, 龙 and ⻰, 土 and ⼟). Qt builds a PDF font's ToUnicode map
by walking the font's cmap from U+0000 upwards and keeping the first code point of each
glyph, so the radical wins and `pdftotext` gives 汽⻋城: a search for 汽车城 fails and pasted
text is wrong (design.md, pitfalls). A PDF can give a glyph of one font object one code
point only, so the fix is in the font: a copy of Noto Sans CJK SC whose cmap maps every
shared glyph from its ordinary code point only (车, not ⻋; – not ‒; ～ not 〜). Characters
it drops (the radicals themselves …) fall back to the original Noto face next in the
family list, where the lowest code point is the one they are. The copy also leaves out the
'locl' feature of the default language systems, whose localised digits are in no cmap (Qt
gives them no text at all: a floor "26F" came out as "F"). The copy is made once per
machine with fontTools (about 0.5 s a weight: only the cmap and name tables are rebuilt,
the 16 MB of outlines are copied as they are), cached, and registered with QFontDatabase.
Without fontTools or Noto the list simply falls through to the other families.
"""

from __future__ import annotations

import glob
import hashlib
import os
from collections import defaultdict

DERIVED_FAMILY = "Landapp Sans CJK SC"
_DERIVED_PS = "LandappSansCJKsc"
_SOURCE_FAMILY = "Noto Sans CJK SC"
_BUILD_VERSION = "2"  # bump when the derivation changes: the cache key includes it

# Chinese first (the derived face, then the original for what it dropped), then what
# Windows and macOS have built in.
CJK_FAMILIES = [DERIVED_FAMILY, _SOURCE_FAMILY, "Microsoft YaHei", "PingFang SC",
                "WenQuanYi Micro Hei", "Source Han Sans SC"]

FONT_DIRS = ["/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.local/share/fonts"),
             os.path.expanduser("~/.fonts")]
_PATTERNS = {"Regular": ["NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansCJK-Regular.otf"],
             "Bold": ["NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSansCJK-Bold.otf"]}

# Code points that never carry a shared glyph's text: CJK radicals (supplement and Kangxi)
# and CJK compatibility ideographs stand for a unified ideograph's shape.
_SECONDARY = [(0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]
# Among ordinary code points the lowest wins, except where Chinese text uses a higher one.
_PREFERRED = {0x2013, 0xFF5E, 0xFF0F, 0x3008, 0x3009, 0x3000}

_registered: str | None = None


def _secondary(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _SECONDARY)


def canonical(cps: list[int]) -> int:
    """The code point a glyph shared by `cps` stands for in text."""
    ordinary = [c for c in cps if not _secondary(c)] or list(cps)
    preferred = [c for c in ordinary if c in _PREFERRED]
    return min(preferred or ordinary)


def cache_dir() -> str:
    base = os.environ.get("LANDAPP_FONT_CACHE")
    if base:
        return base
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(xdg, "landapp", "fonts")


def _candidates(weight: str, dirs: list[str] | None = None) -> list[str]:
    """Font files that may hold Noto Sans CJK SC in `weight` (no font is opened)."""
    out = []
    for d in dirs or FONT_DIRS:
        for name in _PATTERNS[weight]:
            out.extend(sorted(glob.glob(os.path.join(d, "**", name), recursive=True)))
    return out


def _sc_face(path: str) -> int | None:
    """The index of the Noto Sans CJK SC face in `path`, or None."""
    from fontTools.ttLib import TTCollection, TTFont

    try:
        faces = TTCollection(path, lazy=True).fonts if path.endswith(".ttc") else [TTFont(path, lazy=True)]
        for i, face in enumerate(faces):
            if face["name"].getDebugName(1) == _SOURCE_FAMILY:
                return i
    except Exception:  # an unreadable font file is simply not our source
        return None
    return None


def _temp_cache() -> str:
    import tempfile

    return os.path.join(tempfile.gettempdir(), f"landapp-fonts-{getattr(os, 'getuid', lambda: 0)()}")


def _ours(path: str) -> bool:
    """A cached font in a shared folder is used only if this user made it."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or os.stat(path).st_uid == getuid()


def find_source(weight: str, dirs: list[str] | None = None) -> tuple[str, int] | None:
    """(file, face index) of Noto Sans CJK SC in `weight`, or None."""
    try:
        import fontTools  # noqa: F401
    except ImportError:
        return None
    for path in _candidates(weight, dirs):
        index = _sc_face(path)
        if index is not None:
            return path, index
    return None


def build_derived(source: str, index: int, target: str) -> None:
    """Write the copy of face `index` of `source` to `target`: cmap without the secondary
    code points of shared glyphs, family renamed (OFL: a modified font gets its own name)."""
    from fontTools.ttLib import TTFont

    from landapp.files import atomic_output

    font = TTFont(source, fontNumber=index, lazy=True)
    # A synthetic glyph order keeps fontTools from decompiling the 16 MB CFF table: cmap
    # only needs names that round-trip to the same glyph ids, and CFF is copied byte for byte.
    font.setGlyphOrder([f"g{i}" for i in range(font["maxp"].numGlyphs)])
    cmap = font["cmap"]
    shared: dict[str, list[int]] = defaultdict(list)
    for cp, glyph in cmap.getBestCmap().items():
        shared[glyph].append(cp)
    drop = set()
    for cps in shared.values():
        if len(cps) > 1:
            keep = canonical(cps)
            drop.update(c for c in cps if c != keep)
    for table in cmap.tables:
        if table.format in (4, 12) and table.cmap:
            for cp in drop:
                table.cmap.pop(cp, None)
    _drop_default_locl(font)
    ps_source = None
    for rec in font["name"].names:
        if rec.nameID == 6:
            ps_source = rec.toUnicode()
    for rec in font["name"].names:
        text = rec.toUnicode()
        if rec.nameID in (1, 3, 4, 16, 17, 18, 21):
            text = text.replace(_SOURCE_FAMILY, DERIVED_FAMILY)
        if rec.nameID in (3, 6) and ps_source:
            text = text.replace(ps_source.split("-")[0], _DERIVED_PS)
        rec.string = text
    with atomic_output(target) as tmp:
        font.save(tmp)


def _drop_default_locl(font) -> None:
    """Latin runs (a floor "26F", a phone number) get the SC face's localised digits from the
    'locl' feature of the script's default language system; those glyphs are in no cmap, so
    Qt gives them no ToUnicode entry and pdftotext loses the digits ("F"). Without it, Latin
    runs use the cmap's digits, as Chinese runs already do (same shapes)."""
    if "GSUB" not in font:
        return
    table = font["GSUB"].table
    records = table.FeatureList.FeatureRecord
    for sr in table.ScriptList.ScriptRecord:
        ls = sr.Script.DefaultLangSys
        if ls is not None:
            ls.FeatureIndex = [i for i in ls.FeatureIndex if records[i].FeatureTag != "locl"]
            ls.FeatureCount = len(ls.FeatureIndex)


def derived_font_files() -> list[str]:
    """The derived Regular and Bold files, built on first use and cached by the source's
    path, size and date (a cache hit opens no font and does not import fontTools).
    Missing fontTools or Noto: []."""
    out = []
    for weight in ("Regular", "Bold"):
        for path in _candidates(weight):
            st = os.stat(path)
            key = hashlib.sha1(f"{_BUILD_VERSION}|{path}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:12]
            name = f"{_DERIVED_PS}-{weight}-{key}.otf"
            # the user's cache, else the temporary folder (a read-only home)
            targets = [os.path.join(d, name) for d in (cache_dir(), _temp_cache())]
            target = next((t for t in targets if os.path.exists(t) and _ours(t)), None)
            index = None if target else _sc_face(path)
            for t in targets if target is None and index is not None else []:
                try:
                    os.makedirs(os.path.dirname(t), exist_ok=True)
                    build_derived(path, index, t)
                    target = t
                    for old in glob.glob(os.path.join(os.path.dirname(t), f"{_DERIVED_PS}-{weight}-*.otf")):
                        if old != t:  # an earlier derivation or an updated Noto: 16 MB each
                            try:
                                os.unlink(old)
                            except OSError:
                                pass
                    break
                except Exception:  # no fontTools, no space, an odd font: the plain families still work
                    continue
            if target:
                out.append(target)
                break
    return out


def register_fonts() -> str | None:
    """Register the derived faces with Qt (once per process; needs a QGuiApplication).
    Returns the family registered, or None when only the plain families are available."""
    global _registered
    if _registered is not None:
        return _registered or None
    from PySide6.QtGui import QFontDatabase

    _registered = ""
    for path in derived_font_files():
        if QFontDatabase.addApplicationFont(path) >= 0:
            _registered = DERIVED_FAMILY
    return _registered or None
