"""Each registered classifier's claim, and switching classifiers off."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from workbooks import CABLE_HEADER, CABLES, LOAD_HEADER, PUMPS, read_sheet, write_xlsx

from extractor.classify import REGISTRY, Evidence, Verdict, classify
from extractor.mapping import candidates
from extractor.pipeline import Settings, extract_file
from extractor.tables import find_tables
from extractor.vocabulary import shipped_vocabulary


def evidence(tmp_path, rows: list[list], name: str = "Sheet1") -> Evidence:
    path = write_xlsx(tmp_path / "book.xlsx", {name: rows})
    grid = read_sheet(path, name)
    vocab = shipped_vocabulary()
    table = find_tables(grid, vocab)[0]
    return Evidence(table, grid, candidates(table, grid, vocab), name.lower())


def claim(name: str, ev: Evidence) -> Verdict | None:
    clf = next(c for c in REGISTRY if c.name == name)
    return clf.judge(ev)


METER = [["Timestamp", "Energy (kWh)", "Power (kW)", "PF"]] + [
    [datetime(2024, 1, 1) + timedelta(minutes=15 * i), 100 + i, 5 + i % 4, 0.9]
    for i in range(12)]
GENERATORS = [["Generator", "kVA", "kV", "Fuel"],
              ["G-1", 2000, 11, "Diesel"], ["G-2", 1500, 0.415, "Gas"]]
FEEDERS = [["Tag", "Description", "kW", "From", "To", "Cable Size"],
           ["P-101", "Feed pump", 37, "MCC-01", "P-101", "3C x 240"],
           ["P-102", "Booster pump", 11, "MCC-01", "P-102", "4C x 16"]]
BOARDS = [["Board", "Voltage (V)", "Rating (A)", "Fault Level (kA)"],
          ["MDB-1", 415, 3200, 50], ["MCC-1", 415, 1600, 50]]
BUSES_BY_SHEET = [["Name", "Voltage (kV)", "Icw (kA)"],
                  ["HV-1", 11, 25], ["LV-1", 0.415, 50]]
FEEDER_LIST = [["Tag", "Description", "kW", "PF", "Cable Size", "Cores"],
               ["P-101", "Feed pump", 37, 0.85, 240, 3],
               ["P-102", "Booster pump", 11, 0.86, 16, 4]]
PRICED = [["Item Code", "Description", "Size (mm²)", "Cores", "Current Rating (A)",
           "Price"],
          ["CB-16-4", "Copper cable", 16, 4, 87, 12.5],
          ["CB-25-4", "Copper cable", 25, 4, 114, 18.0]]
CABLE_RANGE = [["Description", "Size (mm²)", "Cores", "Current Rating (A)"],
               ["4C x 16 XLPE/SWA", 16, 4, 87], ["4C x 25 XLPE/SWA", 25, 4, 114]]
CABLE_TAGS = [["Cable No", "Size (mm²)", "Cores", "Length (m)"],
              ["C-1", 16, 4, 45], ["C-2", 25, 4, 60]]


def test_registry_order():
    assert [(c.name, c.kind) for c in REGISTRY] == [
        ("time-series", "other"), ("generator-list", "other"),
        ("cable-ends", "cable_schedule"), ("bus-list", "bus_schedule"),
        ("catalogue", "other"), ("load-list", "load_schedule"),
        ("cable-list", "cable_schedule")]


@pytest.mark.parametrize(("name", "rows", "sheet", "kind", "confidence", "why"), [
    ("time-series", METER, "Meter", "other", 0.9,
     ["column 'Timestamp' holds 12 timestamps: a time series, not a schedule"]),
    ("generator-list", GENERATORS, "Gens", "other", 0.8,
     ["column 'Fuel': a list of generators, not loads"]),
    ("cable-ends", [CABLE_HEADER, *CABLES], "Cables", "cable_schedule", 0.9,
     ["from 'From'", "to 'To'"]),
    ("cable-ends", FEEDERS, "Feeders", "feeder_schedule", 0.85,
     ["from 'From'", "to 'To'", "rated_power_kw from 'kW'"]),
    ("bus-list", BOARDS, "Boards", "bus_schedule", 0.9,
     ["board names under 'Board'", "voltage_v", "rated_current_a",
      "short_circuit_ka"]),
    ("bus-list", BUSES_BY_SHEET, "Bus Data", "bus_schedule", 0.7,
     ["sheet name 'Bus Data' names buses", "voltage_v", "short_circuit_ka"]),
    ("catalogue", PRICED, "Catalogue", "other", 0.8,
     ["column 'Price': a price list, not a schedule"]),
    ("catalogue", CABLE_RANGE, "Cables", "other", 0.75,
     ["rows named by cable descriptions such as '4C x 16 XLPE/SWA': "
      "a cable catalogue, not loads"]),
    ("load-list", [LOAD_HEADER, *PUMPS], "Loads", "load_schedule", 0.72,
     ["rated_power_kw from 'kW'", "tag from 'Tag'"]),
    ("load-list", FEEDER_LIST, "Feeders", "feeder_schedule", 0.72,
     ["rated_power_kw from 'kW'", "tag from 'Tag'",
      "2 cable columns on the same rows"]),
    ("cable-list", CABLE_TAGS, "Cables", "cable_schedule", 0.75,
     ["cable tags under 'Cable No'", "size_mm2", "cores"]),
])
def test_each_classifier_claims_its_kind(tmp_path, name, rows, sheet, kind,
                                         confidence, why):
    verdict = claim(name, evidence(tmp_path, rows, sheet))

    assert verdict == Verdict(kind, pytest.approx(confidence), why)


@pytest.mark.parametrize(("name", "rows"), [
    ("time-series", [LOAD_HEADER, *PUMPS]),
    ("generator-list", [LOAD_HEADER, *PUMPS]),
    ("cable-ends", CABLE_TAGS),
    ("bus-list", [LOAD_HEADER, *PUMPS]),
    ("catalogue", [LOAD_HEADER, *PUMPS]),
    ("load-list", [CABLE_HEADER, *CABLES]),
    ("cable-list", [LOAD_HEADER, *PUMPS]),
])
def test_each_classifier_passes_on_other_tables(tmp_path, name, rows):
    assert claim(name, evidence(tmp_path, rows)) is None


def test_first_claim_wins_and_nobody_claiming_is_other(tmp_path):
    ev = evidence(tmp_path, [["Tag", "Description", "Area"], ["P-1", "Pump", "A1"]])

    assert classify(ev) == Verdict("other", 0.6, [
        "no identifier with ratings, ends or sizes"])


GENSETS = [["Tag", "Description", "Rating (kVA)", "Voltage (kV)", "Fuel"],
           ["G-1", "Standby generator", 2000, 11, "Diesel"],
           ["G-2", "Emergency generator", 500, 0.415, "Diesel"]]


@pytest.mark.parametrize(("disabled", "rows", "before", "after"), [
    ("time-series", METER, "time-series",
     Verdict("other", 0.6, ["no identifier with ratings, ends or sizes"])),
    ("generator-list", GENSETS, "generator-list",
     Verdict("load_schedule", 0.72, ["rated_power_kva from 'Rating (kVA)'",
                                     "tag from 'Tag'"])),
    ("cable-ends", [CABLE_HEADER, *CABLES], "cable-ends",
     Verdict("cable_schedule", 0.75, ["cable tags under 'Cable No'", "size_mm2",
                                      "cores"])),
    ("load-list", [LOAD_HEADER, *PUMPS], "load-list",
     Verdict("other", 0.6, ["no identifier with ratings, ends or sizes"])),
    ("catalogue", CABLE_RANGE, "catalogue",
     Verdict("feeder_schedule", 0.65, ["current_a from 'Current Rating (A)'",
                                       "description from 'Description'",
                                       "3 cable columns on the same rows"])),
])
def test_disabled_classifiers_are_skipped(tmp_path, disabled, rows, before, after):
    ev = evidence(tmp_path, rows)

    assert classify(ev) == claim(before, ev)
    assert classify(ev, frozenset({disabled})) == Verdict(
        after.kind, pytest.approx(after.confidence), after.evidence)


def test_disabled_classifiers_through_settings(tmp_path):
    book = write_xlsx(tmp_path / "book.xlsx", {"Gens": GENSETS,
                                               "Cables": [CABLE_HEADER, *CABLES]})

    normal = extract_file(book)
    switched = extract_file(book, Settings(
        disabled_classifiers=frozenset({"generator-list", "cable-ends"})))

    assert [(s.kind, s.evidence[1:]) for s in normal.sheets] == [
        ("other", ["column 'Fuel': a list of generators, not loads"]),
        ("cable_schedule", ["from 'From'", "to 'To'"])]
    assert [(s.kind, s.evidence[1:]) for s in switched.sheets] == [
        ("load_schedule", ["rated_power_kva from 'Rating (kVA)'", "tag from 'Tag'"]),
        ("cable_schedule", ["cable tags under 'Cable No'", "size_mm2", "cores"])]
    assert [r.get("tag") for r in switched.loads] == ["G-1", "G-2"]
    assert [r.get("tag") for r in switched.cables] == ["C-101", "C-102"]
