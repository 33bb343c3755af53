"""The header vocabulary and how a header is scored against it.

The shipped vocabulary (``data/vocabulary.toml``) lists, for each record kind
and canonical field, the words engineers put in headers. A user's own file of
the same form adds synonyms; entries are merged, never replaced.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rapidfuzz import fuzz

from .errors import ConfigurationError
from .records import RECORD_TYPES

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
    """ "FLC, A" names the unit after its comma: keep "FLC"."""
    return "" if match.group(1) in _UNIT_TOKENS else match.group()


def normalize_header(text: str, *, keep_units: bool = False) -> str:
    """Lowercase, accents and punctuation removed, units in brackets dropped."""
    text = _CAMEL.sub(" ", str(text))
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

    def __init__(self, entries: dict[tuple[str, str], list[str]]) -> None:
        self.entries = {key: sorted(set(words)) for key, words in entries.items()}
        self._exact: dict[str, list[tuple[str, str]]] = {}
        for key, words in self.entries.items():
            for word in words:
                self._exact.setdefault(word, []).append(key)
        self._cache: dict[str, tuple[Match, ...]] = {}

    @classmethod
    def load(cls, user_files: list[Path] | tuple[Path, ...] = ()) -> Vocabulary:
        """The shipped vocabulary, extended by the given user files."""
        text = resources.files("extractor").joinpath("data/vocabulary.toml")
        entries = _entries(tomllib.loads(text.read_text("utf-8")), "shipped")
        for path in user_files:
            try:
                data = tomllib.loads(Path(path).read_text("utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigurationError(
                    f"cannot read the vocabulary file: {exc}; fix or remove it",
                    path=str(path),
                ) from exc
            for key, words in _entries(data, str(path)).items():
                entries.setdefault(key, []).extend(words)
        return cls(entries)

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
        for key, words in self.entries.items():
            if key in found:
                continue
            best = _best_fuzzy(norm, padded, words)
            if best:
                found[key] = Match(key[0], key[1], best[0], best[1], best[2])
        return sorted(found.values(), key=lambda m: -m.score)


def _best_fuzzy(norm: str, padded: str, words: list[str]):
    best = None
    plain, core = _plain(norm), _core(norm)
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
        elif compound := _compound_score(core, word):
            score, method = compound, "compound"
        else:
            ratio = fuzz.ratio(norm, word, score_cutoff=FUZZY_CUTOFF)
            if not ratio:
                continue
            score, method = 0.9 * ratio / 100, "fuzzy"
        if best is None or score > best[0]:
            best = (round(score, 3), method, word)
    return best


def _plain(text: str) -> str:
    """A header without its small words: 'nom de l equipement' -> 'nom equipement'."""
    return " ".join(w for w in text.split() if w not in SMALL_WORDS)


def _core(text: str) -> str:
    """A header without small words and qualifiers: 'courant nominal' -> 'courant'."""
    return " ".join(w for w in text.split()
                    if w not in QUALIFIERS and w not in SMALL_WORDS)


def _compound_score(core: str, word: str) -> float | None:
    """A German compound ending in a vocabulary word: 'motorleistung' is a 'leistung'."""
    if len(word) < COMPOUND_HEAD or " " in word:
        return None
    for token in core.split():
        if token.endswith(word) and len(token) - len(word) >= 3:
            return 0.9 if token == core else 0.6 + 0.3 * len(token) / len(core)
    return None


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


@lru_cache(maxsize=1)
def shipped_vocabulary() -> Vocabulary:
    """The vocabulary that ships with the product, loaded once."""
    return Vocabulary.load()
