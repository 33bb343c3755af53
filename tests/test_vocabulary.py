"""Header normalisation, vocabulary matching and user vocabulary files."""

from __future__ import annotations

import pytest
from workbooks import write_xlsx

from extractor.errors import ConfigurationError
from extractor.pipeline import Settings, extract_file
from extractor.vocabulary import Vocabulary, normalize_header, shipped_vocabulary


@pytest.mark.parametrize(("header", "norm"), [
    ("Rated Power (kW)", "rated power"),
    ("Tag No.", "tag no"),
    ("Équipement", "equipement"),
    ("Désignation", "designation"),
    ("FullLoadCurrent", "full load current"),
    ("Cable_Size_mm2", "cable size"),
    ("Power  kW", "power"),
    ("Length [m]", "length"),
    ("  VOLTAGE  ", "voltage"),
    ("Phase A", "phase a"),
    ("Cos φ", "cos φ"),
    ("", ""),
])
def test_normalize_header(header, norm):
    assert normalize_header(header) == norm


@pytest.mark.parametrize(("header", "norm"), [
    ("Rated Power (kW)", "rated power kw"),
    ("Size (mm²)", "size mm2"),
    ("Length_m", "length m"),
])
def test_normalize_header_keeping_units(header, norm):
    assert normalize_header(header, keep_units=True) == norm


def best(header: str, vocab: Vocabulary | None = None):
    m = (vocab or shipped_vocabulary()).matches(header)[0]
    return (m.record, m.field, m.score, m.method, m.synonym)


@pytest.mark.parametrize(("header", "match"), [
    ("Tag", ("load", "tag", 1.0, "exact", "tag")),
    ("Description", ("load", "description", 1.0, "exact", "description")),
    ("Phases", ("load", "phases", 1.0, "exact", "phases")),
    ("Tag No.", ("load", "tag", 1.0, "synonym", "tag no")),
    ("Rated Power (kW)", ("load", "rated_power_kw", 1.0, "synonym", "rated power")),
    ("Puissance (kW)", ("load", "rated_power_kw", 1.0, "synonym", "puissance")),
    ("Leistung", ("load", "rated_power_kw", 1.0, "synonym", "leistung")),
    ("Bezeichnung", ("load", "description", 1.0, "synonym", "bezeichnung")),
    ("Pump Power", ("load", "rated_power_kw", 0.775, "synonym", "power")),
    ("Cable Route Length", ("cable", "length_m", 0.833, "synonym", "route length")),
    ("Voltge", ("load", "voltage_v", 0.831, "fuzzy", "voltage")),
    ("Descripton", ("load", "description", 0.857, "fuzzy", "description")),
    ("Cable Size", ("cable", "size_mm2", 1.0, "synonym", "cable size")),
    ("Fault Level (kA)", ("bus", "short_circuit_ka", 1.0, "synonym", "fault level")),
])
def test_matches(header, match):
    assert best(header) == match


def test_matches_every_field_a_header_may_name():
    found = [(m.record, m.field, m.score) for m in shipped_vocabulary().matches("Tag")]

    assert found == [("load", "tag", 1.0), ("cable", "tag", 1.0), ("bus", "tag", 1.0)]


def test_unknown_header_matches_nothing():
    assert shipped_vocabulary().matches("Widget colour") == ()


# -- user vocabulary files -------------------------------------------------------


USER_TOML = """
[load]
tag = ["equipo"]
description = ["descripción"]
rated_power_kw = ["potencia", "potencia instalada"]
"""


def test_user_file_extends_the_shipped_vocabulary(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text(USER_TOML, "utf-8")

    vocab = Vocabulary.load([path])

    assert best("Potencia instalada", vocab) == (
        "load", "rated_power_kw", 1.0, "synonym", "potencia instalada")
    assert best("Equipo", vocab) == ("load", "tag", 1.0, "synonym", "equipo")
    assert best("Rated Power", vocab) == best("Rated Power")
    assert set(shipped_vocabulary().entries[("load", "rated_power_kw")]) < set(
        vocab.entries[("load", "rated_power_kw")])
    assert shipped_vocabulary().matches("Potencia") == ()


def test_user_file_makes_an_unusual_header_map(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text(USER_TOML, "utf-8")
    book = write_xlsx(tmp_path / "book.xlsx", {"Cargas": [
        ["Equipo", "Descripción", "Potencia"],
        ["B-101", "Bomba de alimentación", 7.5], ["V-201", "Ventilador", 15]]})

    plain = extract_file(book)
    custom = extract_file(book, Settings(vocabulary_files=(path,)))

    assert (plain.sheets[0].kind, plain.loads) == ("other", [])
    assert custom.sheets[0].kind == "load_schedule"
    assert [(r.get("tag"), r.get("description"), r.get("rated_power_kw"))
            for r in custom.loads] == [("B-101", "Bomba de alimentación", 7.5),
                                       ("V-201", "Ventilador", 15.0)]
    mapped = {m.header: (m.field, m.method, m.score) for m in custom.mappings}
    assert mapped["Potencia"] == ("rated_power_kw", "synonym", 1.0)
    assert mapped["Descripción"] == ("description", "synonym", 1.0)


@pytest.mark.parametrize(("text", "message"), [
    ("[load\ntag = 1", "cannot read the vocabulary file: "),
    ('[motor]\ntag = ["x"]', "unknown record kind 'motor'; use load, cable or bus"),
    ('[load]\npower = ["x"]', "unknown field load.power; fields are tag, "),
    ('[cable]\ntag = "cable mark"',
     'cable.tag must be a list of header texts, such as ["motor kw", "kw rating"]'),
    ("[bus]\ntag = [1, 2]",
     'bus.tag must be a list of header texts, such as ["motor kw", "kw rating"]'),
])
def test_bad_user_file_is_a_configuration_error(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, "utf-8")

    with pytest.raises(ConfigurationError) as caught:
        Vocabulary.load([path])

    assert caught.value.message.startswith(message)
    assert caught.value.path == str(path)
    assert caught.value.exit_code == 2


def test_missing_user_file_is_a_configuration_error(tmp_path):
    path = tmp_path / "missing.toml"
    book = write_xlsx(tmp_path / "book.xlsx", {"S": [["Tag", "kW"], ["P-1", 3]]})

    with pytest.raises(ConfigurationError) as caught:
        extract_file(book, Settings(vocabulary_files=(path,)))

    assert caught.value.path == str(path)
    assert caught.value.message.startswith("cannot read the vocabulary file: ")
    assert caught.value.message.endswith("; fix or remove it")
