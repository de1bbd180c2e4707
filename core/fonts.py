"""The shipped CJK font (Noto Sans SC) and its TTF cache for server-side rendering.

``static/fonts/`` ships the WOFF2 files from the npm package
``@fontsource/noto-sans-sc`` (SIL OFL 1.1, see ``static/fonts/OFL.txt``).
Browsers use them directly through ``static/css/fonts.css``.

WeasyPrint can read WOFF2 too, but brotli-decoding the 1.1 MB Chinese file
costs about a second for every PDF it renders.  :func:`ensure_fonts` therefore
decodes each WOFF2 file once to a plain TrueType file in a cache directory and
reuses it afterwards; checking the cache costs only a few ``stat`` calls.

The ``chinese-simplified`` subset also contains every Latin glyph of the
``latin`` subset (all of Basic Latin and Latin-1, general punctuation, ...),
so :attr:`FontSet.regular` / :attr:`FontSet.bold` are all a PDF needs.  The
``latin`` TTFs are converted as well for callers that want a small font.

Cache directory, first match wins:

1. the ``cache_dir`` argument,
2. ``$SERVPLAN_FONT_CACHE``,
3. ``$SERVPLAN_VAR_DIR/fonts`` (the same var dir the settings use),
4. ``<project>/var/fonts``.

This module needs no Django.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "FONT_FAMILY",
    "FONT_PACKAGE",
    "FONT_PACKAGE_VERSION",
    "STATIC_FONT_DIR",
    "FontFace",
    "FontSet",
    "ensure_fonts",
    "font_cache_dir",
]

FONT_FAMILY = "Noto Sans SC"
FONT_PACKAGE = "@fontsource/noto-sans-sc"
FONT_PACKAGE_VERSION = "5.3.0"

PROJECT_DIR = Path(__file__).resolve().parent.parent
STATIC_FONT_DIR = PROJECT_DIR / "static" / "fonts"

# unicode-range of the fontsource "latin" subset (from latin-400.css).
LATIN_UNICODE_RANGE = (
    "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,"
    "U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,"
    "U+2215,U+FEFF,U+FFFD"
)

# (subset, weight) -> WOFF2 file name in STATIC_FONT_DIR.
WOFF2_FILES: dict[tuple[str, int], str] = {
    (subset, weight): f"noto-sans-sc-{subset}-{weight}-normal.woff2"
    for subset in ("chinese-simplified", "latin")
    for weight in (400, 700)
}

# Bump when the conversion below changes, so existing caches are rebuilt.
_CONVERTER_VERSION = 2  # 2: the comparison and arrow signs are composed (see _compose_missing_signs)

# Signs the documents print (targets "≥ 95%", "≤ 4 h", changes "before → after") that the fontsource subsets lack:
# composed from the font's own glyphs, so every character of a PDF is drawn in the shipped font.
# code point: (advance width, [(component, dx, dy, x scale)]), in the font's units (1000 per em).
COMPOSED_SIGNS = {
    0x2265: (555, [("greater", 0, 90, 1.0), ("minus", 0, -215, 1.0)]),  # ≥
    0x2264: (555, [("less", 0, 90, 1.0), ("minus", 0, -215, 1.0)]),  # ≤
    0x2192: (860, [("minus", 10, 0, 1.45), ("greater", 300, 0, 1.0)]),  # →
    0x2190: (860, [("less", 0, 0, 1.0), ("minus", 150, 0, 1.45)]),  # ←
}


@dataclass(frozen=True)
class FontFace:
    """One converted font file."""

    family: str
    subset: str  # "chinese-simplified" or "latin"
    weight: int  # 400 or 700
    path: Path  # the TrueType file in the cache directory
    unicode_range: str | None  # CSS unicode-range, None = whatever the file has


@dataclass(frozen=True)
class FontSet:
    """The converted fonts, see :func:`ensure_fonts`."""

    cache_dir: Path
    faces: tuple[FontFace, ...]

    def face(self, subset: str = "chinese-simplified", weight: int = 400) -> FontFace:
        for face in self.faces:
            if face.subset == subset and face.weight == weight:
                return face
        raise KeyError((subset, weight))

    @property
    def regular(self) -> Path:
        """Full font (Chinese + Latin), weight 400."""
        return self.face("chinese-simplified", 400).path

    @property
    def bold(self) -> Path:
        """Full font (Chinese + Latin), weight 700."""
        return self.face("chinese-simplified", 700).path

    @property
    def paths(self) -> list[Path]:
        return [face.path for face in self.faces]


def font_cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the cache directory (argument, env vars, project default)."""
    if cache_dir:
        return Path(cache_dir)
    if env := os.environ.get("SERVPLAN_FONT_CACHE"):
        return Path(env)
    if var_dir := os.environ.get("SERVPLAN_VAR_DIR"):
        return Path(var_dir) / "fonts"
    return PROJECT_DIR / "var" / "fonts"


def ensure_fonts(
    cache_dir: str | os.PathLike[str] | None = None,
    source_dir: str | os.PathLike[str] | None = None,
) -> FontSet:
    """Convert the shipped WOFF2 files to TTF once and return their paths.

    Idempotent and safe under concurrency (each file is written to a temp
    file and atomically renamed).  A cached TTF is reused while the stamp
    next to it still matches the source file (size, mtime, converter
    version), so a later call costs a handful of ``stat`` calls.
    """
    target_dir = font_cache_dir(cache_dir)
    src_dir = Path(source_dir) if source_dir else STATIC_FONT_DIR
    target_dir.mkdir(parents=True, exist_ok=True)
    faces = []
    for (subset, weight), name in WOFF2_FILES.items():
        source = src_dir / name
        target = target_dir / (name.removesuffix(".woff2") + ".ttf")
        _convert_if_needed(source, target, weight)
        faces.append(
            FontFace(
                family=FONT_FAMILY,
                subset=subset,
                weight=weight,
                path=target,
                unicode_range=LATIN_UNICODE_RANGE if subset == "latin" else None,
            )
        )
    return FontSet(cache_dir=target_dir, faces=tuple(faces))


def _stamp_for(source: Path) -> str:
    st = source.stat()  # raises FileNotFoundError with the path: good enough
    return f"v{_CONVERTER_VERSION}:{st.st_size}:{st.st_mtime_ns}"


def _convert_if_needed(source: Path, target: Path, weight: int) -> None:
    stamp = _stamp_for(source)
    stamp_file = target.with_name(target.name + ".stamp")
    try:
        if target.is_file() and stamp_file.read_text() == stamp:
            return
    except OSError:
        pass
    _convert(source, target, weight)
    _atomic_write(stamp_file, stamp.encode())


def _convert(source: Path, target: Path, weight: int) -> None:
    # Imported lazily: only needed on a cold cache.
    from fontTools.ttLib import TTFont, woff2

    # woff2.decompress rebuilds the glyf/loca tables once; loading that
    # lazily and touching only name/OS/2/head keeps the save cheap (the
    # other tables are copied as raw bytes).  ~2.5 s per Chinese file.
    sfnt = io.BytesIO()
    woff2.decompress(str(source), sfnt)
    sfnt.seek(0)
    font = TTFont(sfnt, lazy=True)
    _set_names(font, weight)
    _compose_missing_signs(font)
    data = io.BytesIO()
    font.save(data, reorderTables=False)
    _atomic_write(target, data.getvalue())


def _compose_missing_signs(font) -> None:
    """Add COMPOSED_SIGNS the font lacks as composite glyphs of its own glyphs (appended: no glyph id moves)."""
    from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

    cmap = font.getBestCmap()
    wanted = {code: spec for code, spec in COMPOSED_SIGNS.items()
              if code not in cmap and all(name in font.getGlyphOrder() for name, *_rest in spec[1])}
    if not wanted:
        return
    glyf, order = font["glyf"], list(font.getGlyphOrder())
    for code, (advance, parts) in wanted.items():
        name = f"uni{code:04X}"
        glyph = Glyph()
        glyph.numberOfContours = -1
        glyph.components = []
        for part, dx, dy, scale in parts:
            component = GlyphComponent()
            component.glyphName, component.x, component.y, component.flags = part, dx, dy, 0
            if scale != 1.0:
                component.transform = [[scale, 0], [0, 1]]
            glyph.components.append(component)
        order.append(name)
        glyf.glyphs[name] = glyph
        glyf.glyphOrder = order
        glyph.recalcBounds(glyf)
        font["hmtx"][name] = (advance, glyph.xMin)
        if "vmtx" in font:
            font["vmtx"][name] = font["vmtx"][parts[0][0]]
        for table in font["cmap"].tables:
            if table.isUnicode():
                table.cmap[code] = name
    font.setGlyphOrder(order)
    font["maxp"].numGlyphs = len(order)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        # mkstemp creates 0600; web workers may run as another user.
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _set_names(font, weight: int) -> None:
    """Give the static instance proper names.

    fontsource cuts its files from the variable font, so the name table still
    reads "Noto Sans SC Thin"; PDF viewers (pdffonts) and font menus would
    show that.  Name it "Noto Sans SC" Regular/Bold instead.
    """
    style = "Bold" if weight >= 700 else "Regular"
    postscript = f"NotoSansSC-{style}"
    table = font["name"]
    for name_id in (1, 2, 3, 4, 6, 16, 17):
        table.removeNames(nameID=name_id)
    for name_id, value in (
        (1, FONT_FAMILY),
        (2, style),
        (3, f"{postscript};{FONT_PACKAGE}@{FONT_PACKAGE_VERSION}"),
        (4, f"{FONT_FAMILY} {style}"),
        (6, postscript),
    ):
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)
    os2 = font["OS/2"]
    os2.usWeightClass = weight
    bold = weight >= 700
    # fsSelection: bit 0 italic, bit 5 bold, bit 6 regular.
    os2.fsSelection = (os2.fsSelection & ~0b1100001) | (1 << 5 if bold else 1 << 6)
    font["head"].macStyle = (font["head"].macStyle & ~0b11) | (1 if bold else 0)
