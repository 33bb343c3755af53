"""Derived values: what a schedule implies but does not write.

For each load, in this order, and only where the field is empty:

* ``power_factor`` and ``efficiency`` from the typical values of its type
  (``data/load_defaults.toml``), only when the settings ask for defaults;
  marked ``source="default"``;
* ``current_a``: from a written apparent power, I = S / (√3 · U) (three
  phases) or S / U (one phase); otherwise from the rated power,
  I = P / (√3 · U · cos φ · η) or P / (U · cos φ · η);
* ``rated_power_kva``: S = P_in / cos φ with P_in = P / η. The rated power
  of a motor is its shaft output, so the power it draws is P / η; for other
  loads the sheet gives η = 1 (or none, taken as 1) and S = P / cos φ;
* ``rated_power_kw`` where only kVA is given: P = S · cos φ · η, the
  inverse of the above.

A derived field is marked ``source="derived"``, names its inputs and their
cells in a note, and has the confidence of its least sure input times 0.95
(times 0.9 more for each assumption, such as an efficiency not given).
Values outside their range (a power factor of 1.02) are not used: the
range rules report them and nothing is derived from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..blocks import NO_NOTES, RecordBlock
from ..records import FieldValue, Load
from ..report import Report
from . import data
from .electrical import (
    active_power,
    apparent_power,
    current_from_apparent,
    current_from_power,
    describe,
    load_type,
    numbers,
    phase_count,
    usable,
    usable_numbers,
)
from .settings import CheckSettings

DERIVED_FACTOR = 0.95
ASSUMPTION_FACTOR = 0.9
DEFAULT_CONFIDENCE = 0.5
GENERAL_DEFAULT_CONFIDENCE = 0.35


@dataclass(slots=True)
class _Inputs:
    """The fields a calculation used, and what it had to assume."""

    load: Load
    names: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)

    def use(self, name: str) -> float:
        value = usable(self.load, name)
        if value is None:
            raise ValueError(f"{name} of {self.load.label()} is not usable")
        self.names.append(name)
        return value

    def efficiency(self) -> float:
        if usable(self.load, "efficiency") is not None:
            return self.use("efficiency")
        self.assumed.append("efficiency not given: taken as 1")
        return 1.0

    def value(self, number: float, formula: str) -> FieldValue:
        fvs = [getattr(self.load, n) for n in self.names]
        conf = min(fv.confidence for fv in fvs) * DERIVED_FACTOR
        conf *= ASSUMPTION_FACTOR ** len(self.assumed)
        pairs = zip(self.names, fvs, strict=True)
        inputs = ", ".join(describe(n, fv) for n, fv in pairs)
        notes = [f"{formula} from {inputs}"] + self.assumed
        return FieldValue(value=round(number, 3), confidence=round(conf, 3),
                          source="derived", notes=notes)


def derive(report: Report, settings: CheckSettings | None = None) -> None:
    """Fill the missing values of every load that its other values imply."""
    settings = settings or CheckSettings()
    defaults = getattr(settings, "apply_defaults", False)
    if defaults and report.blocks("load"):
        report.materialize()  # defaults are filled in record by record
    for piece in report.pieces("load"):
        if isinstance(piece, RecordBlock):
            if not piece.derived:
                derive_block(piece)
                piece.derived = True
            continue
        for load in piece:
            if defaults:
                apply_defaults(load)
            _current(load)
            _apparent_power(load)
            _active_power(load)


def apply_defaults(load: Load) -> None:
    """Typical power factor and efficiency where the load gives none."""
    kind, why = load_type(load)
    entry = data.load_types()[kind]
    conf = DEFAULT_CONFIDENCE if why else GENERAL_DEFAULT_CONFIDENCE
    reason = f"a {kind} load by its {why}" if why else "no load type recognised"
    for name in ("power_factor", "efficiency"):
        if getattr(load, name) is not None:
            continue
        note = (f"typical {name.replace('_', ' ')} {entry[name]:g} for {reason} "
                "(data/load_defaults.toml); not from the sheet")
        setattr(load, name, FieldValue(value=float(entry[name]), confidence=conf,
                                       source="default", notes=[note]))


def _current(load: Load) -> None:
    if load.current_a is not None or usable(load, "voltage_v") is None:
        return
    phases, assumed = phase_count(load)
    if phases is None:
        return
    inputs = _Inputs(load)
    kva = load.rated_power_kva
    if kva is not None and kva.source != "derived" and usable(load, "rated_power_kva"):
        s, u = inputs.use("rated_power_kva"), inputs.use("voltage_v")
        current = current_from_apparent(s, u, phases)
        formula = "I = S/(√3·U)" if phases == 3 else "I = S/U"
    elif usable(load, "rated_power_kw") and usable(load, "power_factor"):
        p, u = inputs.use("rated_power_kw"), inputs.use("voltage_v")
        pf, eff = inputs.use("power_factor"), inputs.efficiency()
        current = current_from_power(p, u, pf, eff, phases)
        formula = ("I = P/(√3·U·cosφ·η)" if phases == 3
                   else "I = P/(U·cosφ·η)")
    else:
        return
    if assumed:
        inputs.assumed.append(assumed)
    else:
        inputs.names.append("phases")
    load.current_a = inputs.value(current, formula)


def _apparent_power(load: Load) -> None:
    if load.rated_power_kva is not None:
        return
    if usable(load, "rated_power_kw") is None or usable(load, "power_factor") is None:
        return
    inputs = _Inputs(load)
    p, pf = inputs.use("rated_power_kw"), inputs.use("power_factor")
    eff = inputs.efficiency()
    load.rated_power_kva = inputs.value(apparent_power(p, pf, eff), "S = P/(cosφ·η)")


def _active_power(load: Load) -> None:
    if load.rated_power_kw is not None:
        return
    if usable(load, "rated_power_kva") is None or usable(load, "power_factor") is None:
        return
    inputs = _Inputs(load)
    s, pf = inputs.use("rated_power_kva"), inputs.use("power_factor")
    eff = inputs.efficiency()
    load.rated_power_kw = inputs.value(active_power(s, pf, eff), "P = S·cosφ·η")


# -- loads kept by column -------------------------------------------------------


def derive_block(block: RecordBlock) -> None:
    """:func:`derive` for the loads of a block, without defaults: the same
    values, confidences and notes, column by column."""
    n = len(block)
    def usable_of(name: str) -> list[float | None]:
        values = block.values(name)
        return [None] * n if values is None else usable_numbers(name, values)

    volts_ok, p_ok, s_ok, pf_ok, eff_ok = map(usable_of, (
        "voltage_v", "rated_power_kw", "rated_power_kva", "power_factor",
        "efficiency"))
    given = block.values("phases")
    phases_given = [None] * n if given is None else numbers(given)
    have = {name: block.values(name) or [None] * n
            for name in ("current_a", "rated_power_kva", "rated_power_kw")}
    current, kva, kw = _Derived(), _Derived(), _Derived()
    kva_from_cell = _from_cells(block, "rated_power_kva")
    for i in [i for i, (c, v) in enumerate(zip(have["current_a"], volts_ok))
              if c is None and v is not None]:
        volts, s, p, pf, eff = volts_ok[i], s_ok[i], p_ok[i], pf_ok[i], eff_ok[i]
        phases, assumed = _phases(phases_given[i], volts)  # type: ignore[arg-type]
        if s is not None and kva_from_cell[i]:
            names: tuple[str, ...] = ("rated_power_kva", "voltage_v")
            value = current_from_apparent(s, volts, phases)  # type: ignore[arg-type]
            formula = "I = S/(√3·U)" if phases == 3 else "I = S/U"
            notes: tuple[str, ...] = ()
        elif p is not None and pf is not None:
            names = ("rated_power_kw", "voltage_v", "power_factor") + (
                ("efficiency",) if eff is not None else ())
            value = current_from_power(p, volts, pf, 1.0 if eff is None else eff,  # type: ignore[arg-type]
                                       phases)  # type: ignore[arg-type]
            formula = "I = P/(√3·U·cosφ·η)" if phases == 3 else "I = P/(U·cosφ·η)"
            notes = () if eff is not None else (_NO_EFFICIENCY,)
        else:
            continue
        if assumed:
            notes += (assumed,)
        else:
            names += ("phases",)
        current.put(i, value, (formula, names, notes))
    for given in (True, False):
        extra, notes = (("efficiency",), ()) if given else ((), (_NO_EFFICIENCY,))
        rows = [i for i, (had, p, pf, eff) in enumerate(
                    zip(have["rated_power_kva"], p_ok, pf_ok, eff_ok))
                if had is None and p is not None and pf is not None
                and (eff is not None) == given]
        kva.put_all(rows, [p_ok[i] / (pf_ok[i] * (eff_ok[i] if given else 1.0))  # type: ignore[operator]
                           for i in rows],
                    ("S = P/(cosφ·η)", ("rated_power_kw", "power_factor", *extra),
                     notes))
        rows = [i for i, (had, s, pf, eff) in enumerate(
                    zip(have["rated_power_kw"], s_ok, pf_ok, eff_ok))
                if had is None and s is not None and pf is not None
                and (eff is not None) == given]
        kw.put_all(rows, [s_ok[i] * pf_ok[i] * (eff_ok[i] if given else 1.0)  # type: ignore[operator]
                          for i in rows],
                   ("P = S·cosφ·η", ("rated_power_kva", "power_factor", *extra),
                    notes))
    confs = {name: list(block.fields[name].confidences) if name in block.fields
             else [0.0] * n for name in _INPUTS}
    # the notes name the inputs' cells as they are before anything is filled
    filled = [(name, derived, derived.notes(block), derived.confidences(confs))
              for name, derived in (("current_a", current), ("rated_power_kva", kva),
                                    ("rated_power_kw", kw))]
    for name, derived, notes_of, confs_of in filled:
        derived.fill(block, name, notes_of, confs_of)


_INPUTS = ("voltage_v", "rated_power_kw", "rated_power_kva", "power_factor",
           "efficiency", "phases")
_NO_EFFICIENCY = "efficiency not given: taken as 1"


def _phases(given: float | None, volts: float) -> tuple[int | None, str | None]:
    """As :func:`phase_count`, for a load whose voltage is usable."""
    if given in (1.0, 2.0, 3.0):
        return int(given), None  # type: ignore[arg-type]
    phases = 3 if volts >= 380 or round(volts) == 208 else 1
    return phases, f"phases not given: {phases}-phase assumed from {volts:g} V"


def _from_cells(block: RecordBlock, name: str) -> list[bool]:
    """Whether each record's value of the field is not itself derived."""
    column = block.fields.get(name)
    if column is None:
        return [False] * len(block)
    if isinstance(column.sources, str):
        return [column.sources != "derived"] * len(block)
    return [source != "derived" for source in column.sources]


class _Derived:
    """The values derived for one field of a block, by record, with the
    formula, inputs and assumptions of each ("shape")."""

    def __init__(self) -> None:
        # parallel lists, not an object per record: a block has many
        self.rows: list[int] = []
        self.values: list[float] = []
        self.shapes: dict[tuple, list[int]] = {}

    def put_all(self, rows: list[int], values: list[float], shape: tuple) -> None:
        """Values of many records derived alike."""
        if rows:
            self.rows += rows
            self.values += values
            self.shapes.setdefault(shape, []).extend(rows)

    def put(self, i: int, value: float, shape: tuple) -> None:
        self.rows.append(i)
        self.values.append(value)
        rows = self.shapes.get(shape)
        if rows is None:
            rows = self.shapes[shape] = []
        rows.append(i)

    def confidences(self, confs: dict[str, list[float]]) -> dict[int, float]:
        """The least confidence of the inputs, times the derivation's factors."""
        out: dict[int, float] = {}
        for (_, names, assumed), rows in self.shapes.items():
            factor = ASSUMPTION_FACTOR ** len(assumed)
            least = map(min, *[[confs[name][i] for i in rows] for name in names])
            out.update(zip(rows, [round(m * DERIVED_FACTOR * factor, 3)
                                  for m in least]))
        return out

    def notes(self, block: RecordBlock) -> dict[int, tuple]:
        """Each derived value's notes: a note naming its inputs, then what
        was assumed."""
        out = {}
        for shape, rows in self.shapes.items():
            formula, names, assumed = shape
            template = _template(block, formula, names, assumed)
            for i in rows:
                out[i] = template if template is not None else (
                    _note_on_row(block, i, formula, names), *assumed)
        return out

    def fill(self, block: RecordBlock, name: str, notes: dict[int, tuple],
             confs: dict[int, float]) -> None:
        """Add the derived values to the block's column of the field."""
        if not self.rows:
            return
        from ..blocks import FieldColumn

        n = len(block)
        column = block.fields.get(name)
        if column is None:
            column = FieldColumn([None] * n, [0.0] * n, [None] * n,
                                 [NO_NOTES] * n, [None] * n, ["cell"] * n)
        else:
            column = _explicit(block, column)
        values, confidences, raws = column.values, column.confidences, column.raws
        notes_, cells, sources = column.notes, column.cells, column.sources
        for i, value in zip(self.rows, self.values):
            values[i] = round(value, 3)
            confidences[i] = confs[i]
            raws[i] = None
            notes_[i] = notes[i]
            cells[i] = None  # type: ignore[index]
            sources[i] = "derived"  # type: ignore[index]
        block.fields[name] = column


def _explicit(block: RecordBlock, column):
    """The column with a cell and a source per record, to take derived values."""
    from ..blocks import FieldColumn

    n = len(block)
    cells = column.cells
    if isinstance(cells, str):
        cells = [f"{block.sheet}!{cells}{row}" for row in block.rows]
    elif cells is None:
        cells = [None] * n
    sources = column.sources
    sources = [sources] * n if isinstance(sources, str) else list(sources)
    return FieldColumn(list(column.values), list(column.confidences),
                       list(column.raws), list(column.notes), list(cells), sources)


def _template(block: RecordBlock, formula: str, names: tuple[str, ...],
              assumed: tuple[str, ...]) -> tuple | None:
    """The notes of a derived value for every row, when each input is in one
    column of the block; None when an input's cells differ row by row."""
    from ..blocks import RowNote

    sheet = block.sheet.replace("{", "{{").replace("}", "}}")
    parts = []
    for name in names:
        cells = block.fields[name].cells
        if not isinstance(cells, str):
            return None
        parts.append(f"{name} ({sheet}!{cells}{{row}})")
    return (RowNote(f"{formula} from {', '.join(parts)}"), *assumed)


def _note_on_row(block: RecordBlock, i: int, formula: str,
                 names: tuple[str, ...]) -> str:
    inputs = ", ".join(describe(n, block.field_value(n, i)) for n in names)
    return f"{formula} from {inputs}"
