"""The header vocabulary and how a header is scored against it.

The shipped vocabulary (``data/vocabulary.toml``) lists, for each record kind
and canonical field, the words engineers put in headers. A user's own file of
the same form adds synonyms; a word it gives a field is taken from the other
fields of that record kind, so the user's meaning wins. A user file may also
hold a ``[sheet_kinds]`` table: sheet name = kind, as the engineer set it.

The user's own file lives at ``vocabulary.toml`` in the configuration folder
(``platformdirs.user_config_dir("excel-extract")``, or the folder named by
``EXCEL_EXTRACT_CONFIG_DIR``); ``excel-extract learn`` writes it and every
extraction reads it when it exists.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rapidfuzz import fuzz, process

from .errors import ConfigurationError
from .records import RECORD_TYPES

CONFIG_ENV = "EXCEL_EXTRACT_CONFIG_DIR"
USER_FILE = "vocabulary.toml"
SHEET_KINDS = ("load_schedule", "cable_schedule", "feeder_schedule",
               "bus_schedule", "other")

FUZZY_CUTOFF = 86.0
QUALIFIED_SCORE = 0.95
COMPOUND_HEAD = 5
# Small words ("départ de", "nom de l'équipement") do not change a header: a
# header that is a vocabulary word plus small words reads as that word.
SMALL_WORDS = frozenset({
    "of", "the", "in", "d", "de", "du", "des", "l", "la", "le", "en", "der",
    "die", "das",
})
# Words that qualify a quantity without changing which one it is ("rated
# voltage", "courant nominal", "approx. length", "puissance absorbée"): a
# header that is a vocabulary word plus such words reads as a synonym.
QUALIFIERS = frozenset({
    "nominal", "nominale", "nominell", "rated", "approx", "approximate",
    "approximately", "est", "estimated", "estimee", "estime", "assigne",
    "assignee", "installed", "installee", "absorbed", "absorbee", "utile",
    "design", "motor", "moteur", "shaft", "service", "emploi", "operating",
    "alimentation", "supply", "equipment", "equipement", "max", "maximum",
    # per unit: "Leistung je Stück", "kW each", "puissance unitaire"
    "je", "stuck", "pro", "each", "per", "unit", "piece", "unitaire", "einzel",
})
_BRACKETS = re.compile(r"[\(\[\{][^\)\]\}]*[\)\]\}]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])|(?<=[a-z]{3})(?=[A-Z]\b)")
_PUNCT = re.compile(r"[^\w\sφη]+")
_SPACES = re.compile(r"\s+")
_UNIT_TOKENS = {
    "kw", "kva", "kvar", "mw", "mva", "w", "va", "v", "kv", "a", "ka", "m",
    "km", "ft", "mm2", "mm²", "sqmm", "sq", "mm", "hp", "meters", "metres",
    "amps", "volts", "pu", "ohm", "ohms", "%", "sec", "s",
}


_COMMA_UNIT = re.compile(r",\s*([^\s,]{1,5})\s*$")


def _drop_unit(match: re.Match[str]) -> str:
    """A unit after a comma is dropped: "FLC, A" reads as "FLC"."""
    return "" if match.group(1) in _UNIT_TOKENS else match.group()


def normalize_header(text: str, *, keep_units: bool = False) -> str:
    """Lowercase, accents and punctuation removed, units in brackets dropped."""
    return _normalized(str(text), keep_units)


@lru_cache(maxsize=1 << 14)
def _normalized(text: str, keep_units: bool) -> str:
    """:func:`normalize_header`, once per text: a workbook's tables repeat
    their headers."""
    text = _CAMEL.sub(" ", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("²", "2").replace("_", " ")
    if not keep_units:
        text = _BRACKETS.sub(" ", text)
        text = _COMMA_UNIT.sub(_drop_unit, text)
    text = _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()
    if keep_units:
        return text
    words = text.split()
    while len(words) > 1 and words[-1] in _UNIT_TOKENS:
        if len(words[-1]) == 1 and len(words) < 3:
            break
        words.pop()
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class Match:
    """A header matched to one field of one record kind."""

    record: str
    field: str
    score: float
    method: str
    synonym: str


class Vocabulary:
    """Synonyms per (record kind, field), with exact and fuzzy lookup."""

    def __init__(self, entries: dict[tuple[str, str], list[str]],
                 sheet_kinds: dict[str, str] | None = None) -> None:
        self.entries = {key: sorted(set(words)) for key, words in entries.items()}
        self.sheet_kinds = dict(sheet_kinds or {})
        self._exact: dict[str, list[tuple[str, str]]] = {}
        for key, words in self.entries.items():
            for word in words:
                self._exact.setdefault(word, []).append(key)
        self._cache: dict[str, tuple[Match, ...]] = {}
        self._long_words = sorted({w for w in self._exact if len(w) > 3})

    @classmethod
    def load(cls, user_files: list[Path] | tuple[Path, ...] = ()) -> Vocabulary:
        """The shipped vocabulary, extended by the given user files in order."""
        text = resources.files("extractor").joinpath("data/vocabulary.toml")
        entries = _entries(tomllib.loads(text.read_text("utf-8")), "shipped")
        kinds: dict[str, str] = {}
        for path in user_files:
            try:
                data = tomllib.loads(Path(path).read_text("utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigurationError(
                    f"cannot read the vocabulary file: {exc}; fix or remove it",
                    path=str(path),
                ) from exc
            kinds.update(_sheet_kinds(data.pop("sheet_kinds", {}), str(path)))
            for key, words in _entries(data, str(path)).items():
                _claim(entries, key, words)
        return cls(entries, kinds)

    def matches(self, header: str) -> tuple[Match, ...]:
        """Every field the header may name, best first."""
        norm = normalize_header(header)
        if norm not in self._cache:
            self._cache[norm] = tuple(self._score(norm))
        return self._cache[norm]

    def _score(self, norm: str) -> list[Match]:
        if not norm:
            return []
        found: dict[tuple[str, str], Match] = {}
        for key in self._exact.get(norm, ()):
            method = "exact" if norm == key[1].replace("_", " ") else "synonym"
            found[key] = Match(key[0], key[1], 1.0, method, norm)
        padded = f" {norm} "
        # one pass in C over every word, instead of a ratio per word in Python
        ratios = {word: score for word, score, _ in process.extract(
            norm, self._long_words, scorer=fuzz.ratio,
            score_cutoff=FUZZY_CUTOFF, limit=None)}
        for key, words in self.entries.items():
            if key in found:
                continue
            best = _best_fuzzy(norm, padded, words, ratios)
            if best:
                found[key] = Match(key[0], key[1], best[0], best[1], best[2])
        return sorted(found.values(), key=lambda m: -m.score)


def _best_fuzzy(norm: str, padded: str, words: list[str],
                ratios: dict[str, float]):
    best = None
    plain, core = _plain(norm), _core(norm)
    heads = _compound_heads(core)
    for word in words:
        if plain and plain != norm and plain == _plain(word):
            score, method = 1.0, "synonym"
        elif core and core != norm and core == _core(word):
            score, method = QUALIFIED_SCORE, "synonym"
        elif len(word) <= 3:
            continue
        elif f" {word} " in f" {core} ":
            score = 0.6 + 0.35 * len(word) / len(core)
            method = "synonym"
        elif f" {word} " in padded:
            score = 0.6 + 0.35 * len(word) / len(norm)
            method = "synonym"
        elif word in heads:
            score, method = heads[word], "compound"
        else:
            ratio = ratios.get(word)
            if not ratio:
                continue
            score, method = 0.9 * ratio / 100, "fuzzy"
        if best is None or score > best[0]:
            best = (round(score, 3), method, word)
    return best


@lru_cache(maxsize=65536)
def _plain(text: str) -> str:
    """A header without its small words: 'nom de l equipement' -> 'nom equipement'."""
    return " ".join(w for w in text.split() if w not in SMALL_WORDS)


@lru_cache(maxsize=65536)
def _core(text: str) -> str:
    """A header without small words and qualifiers: 'courant nominal' -> 'courant'."""
    return " ".join(w for w in text.split()
                    if w not in QUALIFIERS and w not in SMALL_WORDS)


@lru_cache(maxsize=65536)
def _compound_heads(core: str) -> dict[str, float]:
    """The words a German compound in the header ends in, with their score:
    'motorleistung' ends in 'leistung', and so is one."""
    heads: dict[str, float] = {}
    for token in core.split():
        score = 0.9 if token == core else 0.6 + 0.3 * len(token) / len(core)
        for start in range(3, len(token) - COMPOUND_HEAD + 1):
            heads.setdefault(token[start:], score)
    return heads


def _entries(data: dict, origin: str) -> dict[tuple[str, str], list[str]]:
    entries: dict[tuple[str, str], list[str]] = {}
    for record, fields in data.items():
        model = RECORD_TYPES.get(record)
        if model is None or not isinstance(fields, dict):
            raise ConfigurationError(
                f"unknown record kind {record!r}; use load, cable or bus",
                path=origin,
            )
        for field, words in fields.items():
            if field not in model.field_names():
                raise ConfigurationError(
                    f"unknown field {record}.{field}; fields are "
                    + ", ".join(model.field_names()),
                    path=origin,
                )
            if not isinstance(words, list) or not all(
                    isinstance(w, str) for w in words):
                raise ConfigurationError(
                    f"{record}.{field} must be a list of header texts, such as "
                    '["motor kw", "kw rating"]',
                    path=origin,
                )
            entries[(record, field)] = [normalize_header(w) for w in words]
    return entries


def _claim(entries: dict[tuple[str, str], list[str]], key: tuple[str, str],
           words: list[str]) -> None:
    """A user's words name their field: other fields of the record lose them."""
    taken = set(words)
    for other, have in entries.items():
        if other[0] == key[0] and other != key and taken.intersection(have):
            entries[other] = [w for w in have if w not in taken]
    entries.setdefault(key, []).extend(words)


def _sheet_kinds(table, origin: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigurationError("[sheet_kinds] must be a table of sheet name = "
                                 "kind", path=origin)
    for sheet, kind in table.items():
        if kind not in SHEET_KINDS:
            raise ConfigurationError(
                f"sheet {sheet!r} has unknown kind {kind!r}; kinds are "
                + ", ".join(SHEET_KINDS), path=origin)
    return dict(table)


@lru_cache(maxsize=1)
def shipped_vocabulary() -> Vocabulary:
    """The vocabulary that ships with the product, loaded once."""
    return Vocabulary.load()


def load_vocabulary(files: tuple[Path, ...] = ()) -> Vocabulary:
    """The shipped vocabulary with these user files, loaded once per version
    of the files (a file changed on disk is read again)."""
    if not files:
        return shipped_vocabulary()
    return _loaded(tuple((str(f), _stamp(f)) for f in files))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = Path(path).stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


@lru_cache(maxsize=8)
def _loaded(key: tuple[tuple[str, tuple[int, int] | None], ...]) -> Vocabulary:
    return Vocabulary.load(tuple(Path(name) for name, _ in key))


def user_config_dir() -> Path:
    """``$EXCEL_EXTRACT_CONFIG_DIR``, or the platform's configuration folder."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir as platform_dir

    return Path(platform_dir("excel-extract", appauthor=False))


def user_vocabulary_path() -> Path:
    """Where ``excel-extract learn`` stores what it learns by default."""
    return user_config_dir() / USER_FILE


def user_vocabulary_file() -> Path | None:
    """The user's own vocabulary file, if there is one."""
    path = user_vocabulary_path()
    return path if path.is_file() else None
