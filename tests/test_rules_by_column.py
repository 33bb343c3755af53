"""The rules across records read columns: same findings, no records made.

Cable and network rules read whole columns of a report's records (blocks
and lists alike) and make a record only to word a finding. Their findings
on a report kept in blocks are those on the same records made one by one.
"""

from __future__ import annotations

import re

import pytest

from extractor import pipeline
from extractor.bench import write_schedules
from extractor.blocks import FieldColumn, RecordBlock
from extractor.checks import CheckSettings, Context, Derating, derive, list_rules
from extractor.checks.columns import KindColumns
from extractor.checks.electrical import plain
from extractor.checks.links import Names, name_key
from extractor.records import Bus, Cable, FieldValue, Load, Record
from extractor.report import Report

RULES = ("cable-ampacity", "voltage-drop", "unknown-reference", "duplicate-tag",
         "bus-parent", "bus-cycle", "totals")


# ---- helpers ----------------------------------------------------------------


def record(model: type[Record], sheet: str, row: int, **values) -> Record:
    """A record with each value in its own column, B onwards."""
    fields = {name: FieldValue(value=v, confidence=1.0, raw=str(v),
                               cell=f"{sheet}!{chr(66 + i)}{row}")
              for i, (name, v) in enumerate(values.items())}
    return model(sheet=sheet, row=row, **fields)


def block_of(records: list[Record]) -> RecordBlock:
    """The records (of one kind and sheet) as a block, cells per record."""
    first = records[0]
    names = [n for n in type(first).field_names()
             if any(getattr(r, n) is not None for r in records)]
    fields = {}
    for name in names:
        fvs = [getattr(r, name) for r in records]
        fields[name] = FieldColumn(
            [fv.value if fv else None for fv in fvs],
            [fv.confidence if fv else 0.0 for fv in fvs],
            [fv.raw if fv else None for fv in fvs],
            [tuple(fv.notes) if fv else () for fv in fvs],
            [fv.cell if fv else None for fv in fvs],
            [fv.source if fv else "cell" for fv in fvs])
    return RecordBlock(first.kind, first.sheet, [r.row for r in records], fields,
                       [r.confidence for r in records])


def unchecked_extraction(path, monkeypatch) -> tuple[Report, Context]:
    """The report of a workbook as extraction leaves it for the checks, with
    its values derived, and the facts the rules see."""
    facts: dict = {}

    def keep(report, settings=None, *, totals=(), derating=()):
        facts.update(report=report, totals=list(totals), derating=list(derating))
        return []

    monkeypatch.setattr(pipeline, "run_checks", keep)
    pipeline.extract_file(path, n_jobs=1)
    report, settings = facts["report"], CheckSettings()
    derive(report, settings)
    derating = {(d.sheet, d.row): d for d in facts["derating"]}
    return report, Context(report, settings, facts["totals"], derating)


def findings(context: Context) -> dict[str, list]:
    rules = {r.id: r for r in list_rules()}
    return {rule: rules[rule].check(context.report, context) for rule in RULES}


# ---- the rules on blocks --------------------------------------------------------


def test_rules_keep_the_blocks_and_find_what_records_give(tmp_path, monkeypatch):
    path = tmp_path / "schedules.xlsx"
    write_schedules(path, 1000)
    report, context = unchecked_extraction(path, monkeypatch)
    assert report.blocks("load") and report.blocks("cable")
    # cables sized for their loads: a strict limit and a heavy derating on
    # every other row make findings of the cable rules
    context.settings = CheckSettings(voltage_drop_other_pct=1.0)
    cables = KindColumns(report, "cable")
    places = list(zip(cables.sheets(), cables.sheet_rows()))[::2]
    context.derating = {(sheet, row): Derating(sheet, row, f"{sheet}!Z{row}", 0.4)
                        for sheet, row in places}

    by_column = findings(context)

    assert report.blocks("load") and report.blocks("cable")
    report.materialize()
    by_record = findings(Context(report, context.settings, context.totals,
                                 context.derating))
    assert by_column == by_record
    assert len(by_column["cable-ampacity"]) > 50
    assert len(by_column["voltage-drop"]) > 50


def test_a_finding_on_a_block_record_names_its_cell_and_label():
    loads = [record(Load, "Loads", 2, tag="LT-1", description="Lighting",
                    voltage_v=230.0, phases=1, current_a=9.2, power_factor=0.95)]
    cables = [record(Cable, "Cables", 2, tag="C-6", to_ref="LT-1", size_mm2=1.5,
                     cores=2, conductor="Cu", insulation="PVC",
                     installation="Conduit", length_m=40.0)]
    report = Report(source="test")
    report.add("load", block_of(loads))
    report.add("cable", block_of(cables))
    [found] = findings(Context(report))["voltage-drop"]

    # 2 × 9.2 × 40 × (0.0225/1.5 × 0.95 + 0.00008 × 0.31225) / 230 × 100 = 4.568 %
    assert (found.cell, found.record, found.field) == ("Cables!I2", "C-6", "length_m")
    assert found.message == (
        "voltage drop 4.57 % over 40 m exceeds the 3 % limit for lighting "
        "(I = 9.2 A, 1.5 mm² Cu × 1 run, cos φ 0.95, U = 230 V, 1-phase)")
    assert report.blocks("cable")


# ---- names --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "key"),
    [("MDB-1", "mdb1"), ("mdb 1", "mdb1"), (" M_D.B/1\t", "mdb1"),
     ("\x1cA\x1fB", "ab"), ("Café-2", "cafe2"), ("ＭＤＢ－１", "mdb1"),
     ("Sub\u00a0DB 1", "subdb1"), (1.0, "1"), (2.5, "25"), (7, "7"),
     ("", None), (" -_./ ", None), (None, None), (True, None)],
)
def test_name_keys(value, key):
    assert name_key(value) == key


def test_the_ascii_shortcut_is_the_general_rule():
    def general(text: str) -> str | None:
        return re.sub(r"[\s\-_./]+", "", plain(text)) or None

    ascii_chars = [chr(i) for i in range(128)]
    for a in ascii_chars:
        for b in ascii_chars:
            text = f"x{a}{b}Y"
            assert name_key(text) == general(text), repr(text)


def network_report() -> Report:
    report = Report(source="test")
    report.add("bus", [record(Bus, "Buses", 2, tag="MDB-1"),
                       record(Bus, "Buses", 3, tag="DB-1", description="mdb 1")])
    report.add("load", block_of([
        record(Load, "Feeders", 5, tag="M-1"),
        record(Load, "Feeders", 6, tag="P-1", description="Pump"),
        record(Load, "Feeders", 7, tag="P-2", description="Pump")]))
    report.add("cable", block_of([
        record(Cable, "Feeders", 5, tag="C-1", to_ref="P-1"),
        record(Cable, "Feeders", 9, tag="C-2", to_ref="p 1"),
        record(Cable, "Feeders", 10, tag="C-3", to_ref="pump"),
        record(Cable, "Feeders", 11, tag="C-4")]))
    return report


def test_the_load_a_cable_feeds_by_index():
    report = network_report()
    names = Names(report)
    fed = names.loads_fed(KindColumns(report, "cable"))
    # its own feeder row first; then the to_ref; a shared name feeds none
    assert fed == [0, 1, None, None]


def test_buses_by_name():
    names = Names(network_report())
    assert names.buses == {"mdb1": None, "db1": 1}
    assert (names.bus_index("DB 1"), names.bus_index("MDB1")) == (1, None)
    assert names.is_known("pump") and not names.is_known("P-3")


def test_two_loops_and_a_tail_are_two_cycles():
    buses = [record(Bus, "Buses", 2, tag="E", parent_bus="A"),
             record(Bus, "Buses", 3, tag="A", parent_bus="B"),
             record(Bus, "Buses", 4, tag="B", parent_bus="A"),
             record(Bus, "Buses", 5, tag="C", parent_bus="D"),
             record(Bus, "Buses", 6, tag="D", parent_bus="C")]
    report = Report(source="test")
    report.add("bus", block_of(buses))
    found = findings(Context(report))["bus-cycle"]

    assert [(f.cell, f.message) for f in found] == [
        ("Buses!C3", "the bus hierarchy loops: A -> B -> A"),
        ("Buses!C5", "the bus hierarchy loops: C -> D -> C")]


# ---- columns --------------------------------------------------------------------


def mixed_report() -> Report:
    report = Report(source="test")
    report.add("cable", [record(Cable, "A", 2, tag="C-1", size_mm2=4.0)])
    cables = [record(Cable, "B", 7, tag="C-2", size_mm2=6.0),
              record(Cable, "B", 8, size_mm2=10.0)]
    cables[0].size_mm2.source = "derived"  # type: ignore[union-attr]
    report.add("cable", block_of(cables))
    return report


def test_places_and_sources_by_index():
    columns = KindColumns(mixed_report(), "cable")
    assert columns.sheets() == ["A", "B", "B"]
    assert columns.sheet_rows() == [2, 7, 8]
    assert columns.sources("size_mm2") == ["cell", "derived", "cell"]
    assert columns.sources("tag") == ["cell", "cell", None]
    assert columns.sources("length_m") == [None, None, None]


def test_a_record_with_some_fields_has_them_as_the_whole_record_does():
    columns = KindColumns(mixed_report(), "cable")
    for index in range(3):
        whole, part = columns.record(index), columns.record_with(index, "size_mm2")
        assert (part.sheet, part.row, part.label()) == (
            whole.sheet, whole.row, whole.label())
        assert part.size_mm2 == whole.size_mm2  # type: ignore[attr-defined]
        assert part.tag == whole.tag  # type: ignore[attr-defined]
    assert columns.record_with(1).size_mm2 is None  # type: ignore[attr-defined]


def test_what_is_kept_is_made_once():
    columns = KindColumns(mixed_report(), "cable")
    made = []
    for _ in range(2):
        kept = columns.kept("sizes", lambda: made.append(1) or columns.values("size_mm2"))
    assert made == [1]
    assert kept == [4.0, 6.0, 10.0]


# ---- rules on single records, run as each block is built -------------------------


def test_rules_on_single_records_find_the_same_block_by_block():
    """Found in each block as it is built or in the whole report at the end:
    the same findings, in the same order (kind by kind, record by record)."""
    from extractor.checks import run_rules, settle

    def report_of() -> Report:
        report = Report(source="test")
        report.add("load", block_of([
            record(Load, "L1", 2, tag="P-1", power_factor=1.3, quantity=0.5,
                   voltage_v=400.0, rated_power_kw=-2.0),
            record(Load, "L1", 3, tag="P-2", efficiency=0.0, voltage_v=401.0)]))
        report.add("cable", [record(Cable, "C", 2, tag="C-1", cores=2.5,
                                    length_m=0.0)])
        report.add("load", [record(Load, "L2", 4, tag="P-3", voltage_v=415.0,
                                   rated_power_kw=9000.0, phases=3)])
        report.add("cable", block_of([
            record(Cable, "C2", 5, tag="C-2", runs=0.0, size_mm2=-4.0),
            record(Cable, "C2", 6, tag="C-3", cores=3)]))
        return report

    whole = report_of()
    at_the_end = [(f.rule, f.cell, f.message) for f in run_rules(whole)]

    ahead = report_of()
    blocks = [b for kind in ("load", "cable") for b in ahead.blocks(kind)]
    for block in blocks:
        settle(block)
        assert block.findings  # found as the block was settled
    block_by_block = [(f.rule, f.cell, f.message) for f in run_rules(ahead)]

    assert block_by_block == at_the_end
    assert not any(block.findings for block in blocks)  # taken
    rules = [rule for rule, _, _ in at_the_end]
    assert rules.index("whole-count") < rules.index("nominal-voltage")
    cells = [cell for rule, cell, _ in at_the_end if rule == "whole-count"]
    assert cells == ["C!C2", "C2!C5", "L1!D2"]  # cables first, then loads
