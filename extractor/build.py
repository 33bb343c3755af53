"""Records from table rows: parse each mapped cell into a typed field.

Every field keeps the cell it came from and its raw text. A cell that cannot
be read keeps its text with a low confidence. Section rows give the source
bus of the rows under them; a feeder row gives a load and the cable that
feeds it; the '--' rows of a multi-pole circuit add their power to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from . import values as V
from .classify import Verdict
from .grid import Cell, SheetGrid, a1, is_blank
from .mapping import FIELD_DIMENSION, Candidate, PhaseGroup, TableMapping
from .records import Bus, Cable, FieldValue, Load, Record, Value
from .tables import Table, is_placeholder, text_of

Parser = Callable[[Cell, "str | None"], V.Parsed]

_DASH = re.compile(r"^\s*[-—–]+\s*$")
_QUANTITY = {name: dim for name, dim in FIELD_DIMENSION.items()
             if dim not in ("area", "fraction")}
_DIMENSION_FIELD = {"power": "rated_power_kw", "apparent_power": "rated_power_kva"}
_FRACTIONS = {"power_factor", "efficiency", "demand_factor"}
_COUNTS = {"cores", "runs", "quantity"}
_SPEC_FIELDS = ("runs", "cores", "size_mm2", "conductor", "insulation", "armour",
                "voltage_rating")
_MATERIAL_FIELDS = ("conductor", "insulation", "armour", "voltage_rating")
_BUS_META_KEYS = ("panel reference", "panel ref", "panel", "panel name",
                  "board", "board name", "branch panel", "db ref", "db no",
                  "switchboard", "mcc", "distribution board", "board ref",
                  "tableau", "verteiler", "unterverteilung", "schaltanlage")


def parse_field(name: str, value: Cell, unit: str | None) -> V.Parsed:
    """Read one cell as the given canonical field."""
    if name in _QUANTITY:
        return V.parse_quantity(value, _QUANTITY[name], unit)
    if name in _FRACTIONS:
        return V.parse_fraction(value, unit)
    if name == "phases":
        return V.parse_phases(value)
    if name in _COUNTS:
        return V.parse_integer(value)
    if name == "size_mm2":
        return _parse_size(value, unit)
    return V.parse_text(value)


# Schedules repeat their values ("XLPE", 400, "DOL"): each is read once.
# typed, so that 1, 1.0 and True are read apart.
_parse_repeated = lru_cache(maxsize=1 << 16, typed=True)(parse_field)


def _parse_size(value: Cell, unit: str | None) -> V.Parsed:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return V.parse_quantity(value, "area", unit or "mm2")
    spec = V.parse_cable_spec(value)
    if spec is None or spec.size_mm2 is None:
        return V.parse_quantity(value, "area", unit or "mm2")
    notes = () if spec.cores is None else (f"size read from {text_of(value)!r}",)
    return V.Parsed(spec.size_mm2, spec.confidence, "mm2", "area", notes)


def build_records(table: Table, grid: SheetGrid, mapping: TableMapping,
                  verdict: Verdict) -> list[Record]:
    """Every record the table's data rows hold."""
    out: list[Record] = []
    section: FieldValue | None = None
    default_bus = _bus_from_metadata(table) or _bus_from_title(table, grid)
    circuit: Load | None = None
    for row in table.rows:
        if row.role == "section":
            section = _section_bus(table, grid, row.index, row.label or "")
        if row.role != "data":
            circuit = None
            continue
        fields = _row_fields(table, grid, mapping, row.index)
        if "load" not in verdict.records:
            out.extend(_plain_records(table, row.index, fields, verdict))
        elif _continues_circuit(grid, mapping, row.index):
            if circuit is not None:
                _add_poles(circuit, fields.get("load", {}), row.index)
        else:
            circuit = _load(table, row.index, fields, section, default_bus)
            out.extend(_load_and_cable(table, row.index, fields, circuit, verdict))
    return out


def _plain_records(table, r: int, fields, verdict: Verdict) -> list[Record]:
    record: Record | None = None
    if "cable" in verdict.records:
        record = _cable(table, r, fields)
    elif "bus" in verdict.records:
        bus = _make(Bus, table, r, fields.get("bus", {}))
        record = bus if _has_name(bus, ("tag", "description")) else None
    return [] if record is None else [record]


def _load_and_cable(table, r: int, fields, load: Load | None,
                    verdict: Verdict) -> list[Record]:
    if load is None:
        return []
    cable = None
    if "cable" in verdict.records:
        cable = _feeder_cable(table, r, fields, load)
    return [load] if cable is None else [load, cable]


def _continues_circuit(grid: SheetGrid, mapping: TableMapping, r: int) -> bool:
    """A '--' row under a multi-pole circuit: more poles of the circuit above.

    Only panel schedules, whose loads are written per phase, have them.
    """
    desc = mapping.column_of("load", "description")
    if desc is None or not mapping.phase_groups:
        return False
    if not _is_dash(grid.value(r, desc.index)):
        return False
    tag = mapping.column_of("load", "tag")
    value = None if tag is None else grid.value(r, tag.index)
    return is_blank(value) or _is_dash(value) or _serial(text_of(value))


def _add_poles(load: Load, fields: dict[str, FieldValue], r: int) -> None:
    """A multi-pole circuit's power is the sum of the power on its rows."""
    for name in ("rated_power_kw", "rated_power_kva"):
        extra, have = fields.get(name), getattr(load, name)
        if extra is None or not _positive(extra.value):
            continue
        if have is None or not _positive(have.value):
            setattr(load, name, extra)
            continue
        total = round(have.value + extra.value, 6)  # type: ignore[operator]
        note = f"plus {extra.raw} from {extra.cell}, row {r + 1} of the same circuit"
        setattr(load, name, have.model_copy(update={
            "value": total, "raw": f"{have.raw} + {extra.raw}", "source": "derived",
            "notes": [*have.notes, note],
        }))


def _row_fields(table, grid, mapping, r: int) -> dict[str, dict[str, FieldValue]]:
    fields: dict[str, dict[str, FieldValue]] = {}
    for (record, name), cand in mapping.fields.items():
        value = grid.value(r, cand.column.index)
        unit = _row_unit(grid, r, mapping, cand) or cand.column.unit
        found = _field_value(table.sheet, r, cand, name, value, unit)
        if found is not None:
            fields.setdefault(record, {}).setdefault(found[0], found[1])
    for group in mapping.phase_groups:
        fv = _phase_sum(table.sheet, grid, r, group)
        if fv is not None:
            fields.setdefault(group.record, {}).setdefault(group.field, fv)
    return fields


def _row_unit(grid, r: int, mapping: TableMapping, cand: Candidate) -> str | None:
    """The unit written on this row in the column's unit column, if it has one."""
    unit_col = mapping.unit_columns.get(cand.column.index)
    if unit_col is None:
        return None
    return V.normalize_unit(grid.value(r, unit_col))


def _field_value(sheet, r, cand: Candidate, name, value, unit):
    """The field a cell fills (a kVA figure in a kW column moves) and its value."""
    read = read_cell(name, value, unit, cand.confidence)
    if read is None:
        return None
    name, number, conf, notes = read
    # Built without validation: every argument is already of its type.
    return name, FieldValue(
        value=number, confidence=conf, cell=f"{sheet}!{a1(r, cand.column.index)}",
        raw=_raw(value), source="cell", notes=list(notes),
    )


def read_cell(name: str, value: Cell, unit: str | None,
              weight: float) -> tuple[str, Value, float, tuple[str, ...]] | None:
    """The field a cell fills, its value, confidence and notes.

    A kVA figure in a kW column fills the kVA field. Empty cells ("", "-",
    "N/A") fill nothing; anything else is kept, as text with a low
    confidence when it cannot be read ("TBA" in a kW column). ``weight`` is
    the confidence in the column's mapping.
    """
    if is_blank(value) or V.is_empty(value):
        return None
    if type(value) is float and value == 0:
        value = 0.0  # -0.0 too: the cache below takes them for one key
    parsed = _parse_repeated(name, value, unit)
    if parsed.value is None:
        return None
    if name in _DIMENSION_FIELD.values() and parsed.dimension in _DIMENSION_FIELD:
        name = _DIMENSION_FIELD[parsed.dimension]
    conf = parsed.confidence * weight if parsed.ok else min(0.3, parsed.confidence)
    notes = parsed.notes
    if not parsed.ok:
        notes += (f"could not read {text_of(value)!r} as {name}; kept as text",)
    return name, parsed.value, round(max(0.0, min(1.0, conf)), 3), notes


def _phase_sum(sheet, grid, r: int, group: PhaseGroup) -> FieldValue | None:
    dim = "power" if group.field == "rated_power_kw" else "apparent_power"
    total, cells, raws, seen = 0.0, [], [], False
    for col in group.columns:
        value = grid.value(r, col.index)
        if is_blank(value) or V.is_empty(value) or is_placeholder(value):
            continue
        parsed = V.parse_quantity(value, dim, col.unit or group.unit)
        if not parsed.ok or not isinstance(parsed.value, (int, float)):
            continue
        total += parsed.value
        seen = True
        cells.append(a1(r, col.index))
        raws.append(text_of(value))
    if not seen:
        return None
    return FieldValue(
        value=round(total, 6), confidence=0.85, cell=f"{sheet}!{cells[0]}",
        raw=" + ".join(raws), source="derived",
        notes=[f"sum of phases {', '.join(cells)}"],
    )


def _raw(value: Cell) -> str | None:
    if isinstance(value, str):
        return value
    return None if value is None else text_of(value)


def _make(model: type[Record], table: Table, r: int,
          fields: dict[str, FieldValue]) -> Record:
    names = model.field_names()
    known = {k: v for k, v in fields.items() if k in names}
    record = model.model_construct(sheet=table.sheet, row=r + 1, **known)
    confs = [fv.confidence for fv in known.values()]
    record.confidence = round(sum(confs) / len(confs), 3) if confs else 0.0
    return record


def _section_bus(table: Table, grid: SheetGrid, r: int, label: str) -> FieldValue:
    """The board a section row names, as the source of the rows under it."""
    col = _first_text_col(grid, r, table)
    return FieldValue(value=label, confidence=0.8, cell=f"{table.sheet}!{a1(r, col)}",
                      raw=_raw(grid.value(r, col)), source="section",
                      notes=["from the section row above"])


def _load(table, r, fields, section, default_bus) -> Load | None:
    f = dict(fields.get("load", {}))
    if "source_bus" not in f:
        if section is not None:
            f["source_bus"] = section.model_copy()
        elif default_bus is not None:
            f["source_bus"] = default_bus
    load = _make(Load, table, r, f)
    if not _is_load(load):
        return None
    return load  # type: ignore[return-value]


def _is_load(load: Record) -> bool:
    if _has_name(load, ("description",)):
        return True
    tag = load.get("tag")
    if tag not in (None, "") and not _serial(tag):
        return True
    return any(_positive(load.get(n)) for n in ("rated_power_kw", "rated_power_kva",
                                                "current_a"))


def _feeder_cable(table, r, fields, load: Load) -> Cable | None:
    f = dict(fields.get("cable", {}))
    _spec_details(f)
    if not any(k in f for k in ("size_mm2", "spec_text", "cores")):
        return None
    if "from_ref" not in f and load.source_bus is not None:
        f["from_ref"] = load.source_bus.model_copy()
    if "to_ref" not in f:
        named = _has_name(load, ("tag",)) and not _serial(load.get("tag"))
        name = load.tag if named else load.description
        if name is not None:
            f["to_ref"] = name.model_copy(update={
                "source": "derived", "notes": ["the load this row feeds"]})
    cable = _make(Cable, table, r, f)
    return cable  # type: ignore[return-value]


def _cable(table, r, fields) -> Cable | None:
    f = dict(fields.get("cable", {}))
    _spec_details(f)
    cable = _make(Cable, table, r, f)
    tag = cable.get("tag")
    named = tag not in (None, "") and not _serial(tag)
    ends = _has_name(cable, ("from_ref",)) and _has_name(cable, ("to_ref",))
    if named or ends:
        return cable  # type: ignore[return-value]
    return None


def _spec_details(f: dict[str, FieldValue]) -> None:
    """Fill runs, cores, size and materials from a cable description.

    The description is the specification column, or a size column whose cells
    hold whole descriptions such as ``1 x 4c 16mm²``. A specification that
    names only materials ("XLPE/SWA/PVC") is read together with the size.
    """
    for source in ("size_mm2", "spec_text"):
        fv = f.get(source)
        if fv is None or not isinstance(fv.raw, str):
            continue
        spec = V.parse_cable_spec(fv.raw)
        if spec is None and source == "spec_text":
            _spec_materials(f, fv)
            continue
        if spec is None or (source == "size_mm2" and not _describes(spec)):
            continue
        _fill_from_spec(f, spec, fv, _SPEC_FIELDS)
        if source == "size_mm2" and "spec_text" not in f:
            f["spec_text"] = fv.model_copy(update={"value": " ".join(fv.raw.split())})


def _describes(spec: V.CableSpec) -> bool:
    """More than a bare size: cores or materials are written too."""
    return any(v is not None for v in (spec.cores, spec.conductor, spec.insulation,
                                       spec.armour))


def _spec_materials(f: dict[str, FieldValue], spec_fv: FieldValue) -> None:
    size_fv = f.get("size_mm2")
    if size_fv is None or not isinstance(spec_fv.raw, str):
        return
    spec = V.parse_cable_spec(f"{size_fv.raw} {spec_fv.raw}")
    if spec is not None:
        _fill_from_spec(f, spec, spec_fv, _MATERIAL_FIELDS)


def _fill_from_spec(f: dict[str, FieldValue], spec: V.CableSpec, fv: FieldValue,
                    names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(spec, name, None)
        if value is None or name in f:
            continue
        f[name] = FieldValue(
            value=value, confidence=round(min(fv.confidence, spec.confidence), 3),
            cell=fv.cell, raw=fv.raw, source="derived",
            notes=["from the cable specification"])


def _bus_from_metadata(table: Table) -> FieldValue | None:
    for key in _BUS_META_KEYS:
        value = table.metadata.get(key)
        if value:
            where = table.metadata_cells.get(key)
            cell = f"{table.sheet}!{a1(*where)}" if where else None
            return FieldValue(value=value, confidence=0.75, raw=value, cell=cell,
                              source="header", notes=[f"from the title block ({key})"])
    return None


# A board's code as titles write it: MCC-3, DB-PLANTROOM, SMDB-01, LP2.
_BOARD_CODE = re.compile(
    r"\b(?:MCC|SMDB|MDB|PDB|SDB|MLDB|DB|LP|PP|SWBD|MSB|PCC|SWGR|LVSB)"
    r"(?:[-_.]?[A-Z0-9]+)+\b")


def _bus_from_title(table: Table, grid: SheetGrid) -> FieldValue | None:
    """The board a schedule's title or sheet name names ("MCC-3 LOAD LIST")."""
    top = table.header_rows[0]
    for r in range(max(0, top - 12), top):
        line = grid.rows[r] if r < grid.n_rows else []
        if sum(1 for v in line if not is_blank(v)) > 3:
            continue  # a title is a line of its own, not a row of data
        for c, value in enumerate(line):
            found = _BOARD_CODE.search(value) if isinstance(value, str) else None
            if found:
                return FieldValue(value=found.group(), confidence=0.6, raw=value,
                                  cell=f"{table.sheet}!{a1(r, c)}", source="header",
                                  notes=["the board named in the sheet's title"])
    found = _BOARD_CODE.search(table.sheet)
    if found:
        return FieldValue(value=found.group(), confidence=0.6, raw=table.sheet,
                          source="header", notes=["the board named by the sheet"])
    return None


def _first_text_col(grid: SheetGrid, r: int, table: Table) -> int:
    for col in table.columns:
        if isinstance(grid.value(r, col.index), str) and grid.value(r, col.index):
            return col.index
    return table.columns[0].index


def _is_dash(value: Cell) -> bool:
    return isinstance(value, str) and bool(_DASH.match(value))


def _has_name(record: Record, names) -> bool:
    return any(record.get(n) not in (None, "") for n in names)


def _serial(value) -> bool:
    if isinstance(value, str) and value and not (
            value[0].isdigit() or value[0] == "(" or value[0].isspace()):
        return False  # "P-101": what follows cannot make it a number
    text = str(value).strip().rstrip(").:").lstrip("(")
    return text.isdigit() and len(text) <= 4


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
