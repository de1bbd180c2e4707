"""Times as service desks write them: strptime-style formats ("%d/%b/%y %I:%M %p" for Jira's "25/Feb/26 10:17 PM")
read without the process locale, after ISO 8601."""

import re
from datetime import datetime
from functools import cache

MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
DIRECTIVES = {
    "Y": r"(?P<Y>\d{4})", "y": r"(?P<y>\d{2})", "m": r"(?P<m>\d{1,2})", "d": r"(?P<d>\d{1,2})",
    "H": r"(?P<H>\d{1,2})", "I": r"(?P<I>\d{1,2})", "M": r"(?P<M>\d{1,2})", "S": r"(?P<S>\d{1,2})",
    "f": r"(?P<f>\d{1,6})", "b": r"(?P<b>[A-Za-z]{3})", "B": r"(?P<B>[A-Za-z]{3,9})", "p": r"(?P<p>[AaPp]\.?[Mm]\.?)",
    "z": r"(?P<z>Z|[+-]\d{2}:?\d{2})", "%": "%",
}


@cache
def compile_format(fmt: str):
    """A strptime-style format as a regular expression (English month names and AM/PM whatever the locale; a
    space matches any run of spaces). ValueError for a directive it does not know."""
    pattern, i = [], 0
    while i < len(fmt):
        char = fmt[i]
        if char == "%":
            directive = fmt[i + 1:i + 2]
            if directive not in DIRECTIVES:
                raise ValueError(directive)
            pattern.append(DIRECTIVES[directive])
            i += 2
            continue
        pattern.append(r"\s+" if char.isspace() else re.escape(char))
        i += 1
    return re.compile("".join(pattern), re.IGNORECASE)


def valid_date_format(fmt: str) -> bool:
    try:
        compile_format(fmt)
    except (ValueError, re.error):
        return False
    return "%" in fmt


def parse_with_format(value: str, fmt: str) -> datetime | None:
    """A datetime from value in format fmt, None when it does not fit."""
    try:
        match = compile_format(fmt).fullmatch(value)
    except (ValueError, re.error):
        return None
    if not match:
        return None
    g = {k: v for k, v in match.groupdict().items() if v is not None}
    try:
        year = int(g["Y"]) if "Y" in g else (2000 + int(g["y"]) if int(g["y"]) < 69 else 1900 + int(g["y"]))
        month = int(g["m"]) if "m" in g else MONTHS[(g.get("b") or g["B"])[:3].lower()]
        hour = int(g.get("H", 0))
        if "I" in g:
            hour = int(g["I"]) % 12 + (12 if g.get("p", "a")[0] in "pP" else 0)
        result = datetime(year, month, int(g["d"]), hour, int(g.get("M", 0)), int(g.get("S", 0)),
                          int(g.get("f", "0").ljust(6, "0")))
    except (KeyError, ValueError):
        return None
    offset = g.get("z")
    if offset:
        result = datetime.fromisoformat(result.isoformat() + ("+00:00" if offset.upper() == "Z" else
                                                              offset[:3] + ":" + offset[-2:]))
    return result


def parse_text_time(value: str, formats=()) -> datetime | None:
    """ISO 8601 first, then each format in order; None when none fits (or the text is blank)."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    for fmt in formats:
        result = parse_with_format(value, fmt)
        if result is not None:
            return result
    return None
