"""The clause map: ISO/IEC 20000-1 clauses mapped to the procedure's SP ids, record types and compliance rules.

What the evidence pack and the pages read:

    load() -> ClauseMap        the built-in map file plus the company's own files, validated, cached
    ClauseMap.clauses          [Clause, ...] in clause order
    ClauseMap.sources          [(file name, map version), ...] what was read
    ClauseMap.for_rule(id)     [Clause, ...] listing that compliance rule
    ClauseMap.for_record_type(code)  [Clause, ...] listing that record type
    Clause.id, .title (active language), .sp (tuple of SP ids), .record_types (tuple of codes), .checks (tuple
    of rule ids), .editions ({edition label: clause id there, e.g. "ISO/IEC 20000-1:2005": "6.1"})

The map is data: `iso20000-1.toml` beside this module (clause numbers and titles only, never the standards' text),
then each file of the setting SERVPLAN_CLAUSE_MAP_FILES in turn. A company file has its own `version` and a list
of `[[clause]]` tables; a clause already in the map is extended (its lists gain the file's entries, titles and
editions given replace the earlier ones) or, with `mode = "replace"`, has the lists the file gives replaced; a new
clause needs its English title. Every SP id, record type and rule id named must exist (SPEC.md's ids, core.registry,
core.compliance): `read()` returns what is wrong, naming file, clause and id; `load()` refuses a map with errors.
"""

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

BUILTIN = Path(__file__).with_name("iso20000-1.toml")

# The procedure's requirement ids (SPEC.md, the seed's numbering) with a short title: what a clause maps to. Pages
# show the step's number without the "SP-" prefix ("4.3.1 Project initiation").
PROCEDURE_STEPS = {
    "SP-1.1": _("Objectives, measures and resources per project"),
    "SP-1.3": _("Service catalogue and service level agreements"),
    "SP-1.4": _("Referenced procedures"),
    "SP-2.1": _("General Manager"),
    "SP-2.2": _("Management Representative"),
    "SP-2.3": _("Technical Service Division"),
    "SP-2.4": _("Service Department"),
    "SP-2.5": _("Project Manager"),
    "SP-2.6": _("Commerce Department"),
    "SP-2.7": _("Sales Department"),
    "SP-4.1.1": _("Collecting the customer's IT service information"),
    "SP-4.1.2": _("Content of the collected information"),
    "SP-4.1.3": _("Service requirements"),
    "SP-4.1.4": _("Pre-sales proposal"),
    "SP-4.1.5": _("Draft SLA and service contract"),
    "SP-4.2.1": _("Contract review"),
    "SP-4.3.1": _("Project initiation"),
    "SP-4.3.2": _("Project manager and team"),
    "SP-4.3.3": _("Initiation application, initiation plan and project plan"),
    "SP-4.3.4": _("Contents of the project plan"),
    "SP-4.3.5": _("Project plan review"),
    "SP-4.4.1": _("Project work plan"),
    "SP-4.4.2": _("Work under the approved work plan"),
    "SP-4.4.3": _("Changes to the work plan"),
    "SP-4.5.1": _("Monthly service report and quality meeting"),
    "SP-4.5.2": _("Project summary report and closure"),
    "SP-4.5.3": _("Internal review and customer acceptance"),
    "SP-4.5.4": _("Problem management"),
    "SP-4.5.5": _("Information security"),
    "SP-4.5.6": _("Continual improvement"),
    "SP-5": _("Output documents and records"),
}

CLAUSE_KEYS = {"id", "title_en", "title_zh", "sp", "record_types", "checks", "editions", "mode"}
LISTS = ("sp", "record_types", "checks")


def step_label(sp_id) -> str:
    """"4.3.1 Project initiation": a procedure step as a person reads it."""
    return f"{sp_id.removeprefix('SP-')} {PROCEDURE_STEPS.get(sp_id, '')}".strip()


def clause_order(clause_id):
    return tuple(int(part) if part.isdigit() else 0 for part in str(clause_id).split("."))


@dataclass(frozen=True)
class Clause:
    id: str
    title_en: str
    title_zh: str = ""
    sp: tuple = ()
    record_types: tuple = ()
    checks: tuple = ()
    editions: dict = field(default_factory=dict)
    edition_titles: dict = field(default_factory=dict)  # {edition label: the clause's title there}

    @property
    def title(self):
        from django.utils.translation import get_language

        return self.title_zh if self.title_zh and (get_language() or "").startswith("zh") else self.title_en

    @property
    def anchor(self):
        """An HTML id: "clause-8-3-4-1"."""
        return "clause-" + self.id.replace(".", "-")

    @property
    def chapter(self):
        return self.id.split(".")[0]

    def __hash__(self):
        return hash(self.id)


@dataclass(frozen=True)
class MapError:
    """One thing wrong in a map file, read in the reader's language."""

    file: str
    problem: str  # a gettext_noop text with %(clause)s and %(value)s
    clause: str = ""
    value: str = ""

    def __str__(self):
        return f"{self.file}: " + gettext(self.problem) % {"clause": self.clause, "value": self.value}


class ClauseMapError(ImproperlyConfigured):
    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class ClauseMap:
    clauses: tuple = ()
    sources: tuple = ()
    headings: dict = field(default_factory=dict)  # {"8": {"en": ..., "zh": ...}}

    def for_rule(self, rule_id):
        return [c for c in self.clauses if rule_id in c.checks]

    def for_record_type(self, code):
        return [c for c in self.clauses if code in c.record_types]

    def get(self, clause_id):
        return next((c for c in self.clauses if c.id == clause_id), None)

    def heading(self, chapter):
        """The title of a main clause ("8") in the active language."""
        from django.utils.translation import get_language

        titles = self.headings.get(str(chapter), {})
        zh = (get_language() or "").startswith("zh")
        return (titles.get("zh") if zh else None) or titles.get("en", "")

    @property
    def version(self):
        """"2026.1" or, with company files, each file's version in order ("2026.1 + acme-3")."""
        return " + ".join(version for _name, version in self.sources)


def configured_files():
    from django.conf import settings

    files = getattr(settings, "SERVPLAN_CLAUSE_MAP_FILES", ()) or ()
    return tuple(str(f) for f in ([files] if isinstance(files, str | Path) else files))


def read(company_files=None) -> tuple[ClauseMap, list[MapError]]:
    """The built-in map extended by the company files (default: the setting), and everything wrong in them."""
    files = [BUILTIN, *(Path(f) for f in (configured_files() if company_files is None else company_files))]
    clauses, headings, sources, errors = {}, {}, [], []
    for index, path in enumerate(files):
        name = path.name if index == 0 else str(path)
        data = _parse(path, name, errors)
        if data is None:
            continue
        version = data.get("version")
        if not isinstance(version, str | int | float) or not str(version).strip():
            errors.append(MapError(name, gettext_noop("the file has no version")))
            version = "?"
        sources.append((name, str(version)))
        for chapter, titles in (data.get("headings") or {}).items():
            headings[str(chapter)] = {**headings.get(str(chapter), {}), **titles}
        seen = set()
        for entry in data.get("clause") or []:
            clause_id = str(entry.get("id", "")).strip()
            if not clause_id:
                errors.append(MapError(name, gettext_noop("a clause has no id")))
                continue
            if clause_id in seen:
                errors.append(MapError(name, gettext_noop("clause %(clause)s is listed twice"), clause_id))
                continue
            seen.add(clause_id)
            merged = _merge(clauses.get(clause_id), entry, name, errors)
            if merged is not None:
                clauses[clause_id] = merged
    built = tuple(sorted(clauses.values(), key=lambda c: clause_order(c.id)))
    for source_name, clause in _origins(built, files):
        errors.extend(_unknown_ids(source_name, clause))
    return ClauseMap(built, tuple(sources), headings), errors


def _parse(path, name, errors):
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        errors.append(MapError(name, gettext_noop("the file does not exist")))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        errors.append(MapError(name, gettext_noop("the file cannot be read: %(value)s"), value=str(exc)))
    return None


def _merge(earlier, entry, name, errors):
    clause_id = str(entry["id"]).strip()
    for key in sorted(set(entry) - CLAUSE_KEYS):
        errors.append(MapError(name, gettext_noop("clause %(clause)s: unknown field \"%(value)s\""), clause_id, key))
    replace = entry.get("mode", "extend") == "replace"
    if entry.get("mode", "extend") not in ("extend", "replace"):
        errors.append(MapError(name, gettext_noop("clause %(clause)s: mode \"%(value)s\" is neither extend nor "
                                                  "replace"), clause_id, str(entry["mode"])))
    if earlier is None and not str(entry.get("title_en", "")).strip():
        errors.append(MapError(name, gettext_noop("clause %(clause)s: a new clause needs title_en"), clause_id))
        return None
    lists = {}
    for key in LISTS:
        given = entry.get(key)
        if given is not None and (not isinstance(given, list) or not all(isinstance(v, str) for v in given)):
            errors.append(MapError(name, gettext_noop("clause %(clause)s: %(value)s must be a list of texts"),
                                   clause_id, key))
            given = None
        before = getattr(earlier, key, ()) if earlier else ()
        if given is None:
            lists[key] = tuple(before)
        else:
            lists[key] = tuple(dict.fromkeys(given if replace else [*before, *given]))
    editions = dict(earlier.editions) if earlier else {}
    edition_titles = dict(earlier.edition_titles) if earlier else {}
    if replace and "editions" in entry:
        editions, edition_titles = {}, {}
    for edition in entry.get("editions") or []:
        if not isinstance(edition, dict) or not edition.get("edition") or not edition.get("clause"):
            errors.append(MapError(name, gettext_noop("clause %(clause)s: an edition needs edition and clause"),
                                   clause_id))
            continue
        editions[str(edition["edition"])] = str(edition["clause"])
        if edition.get("title"):
            edition_titles[str(edition["edition"])] = str(edition["title"])
    return Clause(
        id=clause_id,
        title_en=str(entry.get("title_en") or (earlier.title_en if earlier else "")),
        title_zh=str(entry.get("title_zh") or (earlier.title_zh if earlier else "")),
        editions=editions, edition_titles=edition_titles, **lists)


def _origins(clauses, files):
    """(file that named it, clause) for every id check: each id is blamed on the file that brought it in."""
    by_file = {}
    for index, path in enumerate(files):
        name = path.name if index == 0 else str(path)
        try:
            with open(path, "rb") as handle:
                by_file[name] = {str(e.get("id", "")).strip(): e for e in tomllib.load(handle).get("clause") or []}
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
    for clause in clauses:
        for name, entries in by_file.items():
            if clause.id in entries:
                entry = entries[clause.id]
                yield name, Clause(clause.id, clause.title_en, **{
                    key: tuple(v for v in entry.get(key) or () if isinstance(v, str)) for key in LISTS})


def _unknown_ids(name, clause):
    from core import compliance
    from core.registry import registry

    for sp_id in clause.sp:
        if sp_id not in PROCEDURE_STEPS:
            yield MapError(name, gettext_noop("clause %(clause)s: unknown procedure requirement id %(value)s"),
                           clause.id, sp_id)
    for code in clause.record_types:
        if registry.get(code) is None:
            yield MapError(name, gettext_noop("clause %(clause)s: unknown record type %(value)s"), clause.id, code)
    for rule_id in clause.checks:
        if compliance.get(rule_id) is None:
            yield MapError(name, gettext_noop("clause %(clause)s: unknown compliance rule %(value)s"), clause.id,
                           rule_id)


@lru_cache(maxsize=4)
def _load(files) -> ClauseMap:
    clause_map, errors = read(files)
    if errors:
        raise ClauseMapError(errors)
    return clause_map


def load() -> ClauseMap:
    """The map in force (built-in plus the company's files), validated; read once per process and setting."""
    return _load(configured_files())


def _forget(*, setting, **kwargs):
    if setting == "SERVPLAN_CLAUSE_MAP_FILES":
        _load.cache_clear()


setting_changed.connect(_forget, dispatch_uid="assurance.clausemap.forget")


def as_data(clause_map) -> dict:
    """The map as plain data (the API and `clause_map --export`): ids as written, titles in both languages."""
    return {
        "version": clause_map.version,
        "sources": [{"file": name, "version": version} for name, version in clause_map.sources],
        "clauses": [clause_data(clause) for clause in clause_map.clauses],
    }


def clause_data(clause) -> dict:
    return {
        "id": clause.id, "title": str(clause.title), "title_en": clause.title_en, "title_zh": clause.title_zh,
        "sp": list(clause.sp), "record_types": list(clause.record_types), "checks": list(clause.checks),
        "editions": [{"edition": label, "clause": number, "title": clause.edition_titles.get(label, "")}
                     for label, number in clause.editions.items()],
    }
