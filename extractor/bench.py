"""The benchmark: extraction against python-calamine reading the same file.

For each size (in MB) a workbook of load and cable schedules with a title
block is generated once with XlsxWriter in constant-memory mode and kept in
a folder of generated workbooks. Then, each in a fresh process, calamine
reads every sheet to Python values and the product extracts the workbook;
each figure is the median over the runs. Peak memory is sampled over the
process and its children (the workers of a parallel extraction) the same
way for both. Workbooks up to 0.2 MB are also run through the command line
from process start to results workbook, and batch throughput over copies
of the smallest is measured with one process and with one per core.

Run it as ``excel-extract bench``; a measurement alone runs as
``python -m extractor.bench MODE PATH`` and prints JSON.
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

SIZES_MB = (0.1, 1.0, 10.0, 50.0, 100.0)
BYTES_PER_ROW = 60  # on disk, as the schedules below come out of XlsxWriter
GENERATOR_VERSION = 2
CLI_MAX_MB = 0.2  # the end-to-end target is for a 100 kB workbook
BATCH_COPIES = 16
PACKAGE_SHEETS = 250
PACKAGE_ROWS = 200

LOAD_HEADER = ["Item", "Tag", "Description", "Load Type", "Board",
               "Rated Power (kW)", "Voltage (V)", "Phases", "Power Factor",
               "Efficiency", "Demand Factor", "Duty", "Starting Method",
               "FLC (A)"]
CABLE_HEADER = ["Cable Tag", "From", "To", "Cores", "Size (mm²)", "Conductor",
                "Insulation", "Armour", "Length (m)", "Voltage Grade",
                "Installation"]
_LOADS = ["Raw water pump", "Backwash blower", "Dosing pump", "Clarifier drive",
          "Sludge pump", "Lighting panel", "HVAC unit", "Mixer", "Air compressor",
          "Trace heating", "Filter valve actuator", "Chlorinator"]
_TYPES = {"Lighting panel": "Lighting", "Trace heating": "Heater",
          "HVAC unit": "Feeder"}
_DUTIES = ["Continuous", "Intermittent", "Standby"]
_STARTERS = ["DOL", "Star-Delta", "VFD", "Soft starter"]
_ROUTES = ["Cable tray", "Ladder", "Buried duct", "Conduit"]


# -- generating workbooks -------------------------------------------------------


def workbook_path(folder: Path, size_mb: float) -> Path:
    return folder / f"schedules-{size_mb:g}MB-v{GENERATOR_VERSION}.xlsx"


def generate(folder: Path, size_mb: float) -> Path:
    """The workbook of about ``size_mb`` MB, written once into ``folder``."""
    path = workbook_path(folder, size_mb)
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    rows = max(40, round(size_mb * 1_000_000 / BYTES_PER_ROW))
    tmp = path.with_suffix(".tmp.xlsx")
    started = time.perf_counter()
    write_schedules(tmp, rows)
    os.replace(tmp, path)
    log.info("generated %s (%d rows) in %.1f s", path, rows,
             time.perf_counter() - started)
    return path


def package_path(folder: Path, sheets: int) -> Path:
    return folder / f"package-{sheets}sheets-v{GENERATOR_VERSION}.xlsx"


def generate_package(folder: Path, sheets: int) -> Path:
    """A tender package of ``sheets`` sheets (load lists and cable schedules
    of ``PACKAGE_ROWS`` rows each), written once into ``folder``."""
    path = package_path(folder, sheets)
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    areas = max(1, sheets // 2)
    write_schedules(tmp, areas * 2 * PACKAGE_ROWS, areas=areas)
    os.replace(tmp, path)
    return path


def write_schedules(path: Path, rows: int, seed: int = 1,
                    areas: int | None = None) -> None:
    """Load and cable schedules of ``rows`` rows in all, area by area.

    One area (a load sheet and a cable sheet) per 10 MB or so, at most three
    unless ``areas`` says how many, each sheet with a five-row title block
    above its header.
    """
    import xlsxwriter

    rng = random.Random(seed)
    if areas is None:
        areas = min(3, 1 + int(rows * BYTES_PER_ROW // 10_000_000))
    per_sheet = rows // (2 * areas)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    bold = book.add_format({"bold": True})
    for area in range(1, areas + 1):
        board = f"MCC-{area:02d}"
        loads = book.add_worksheet(f"Load List {area}")
        _title(loads, bold, "Load schedule", board)
        loads.write_row(5, 0, LOAD_HEADER, bold)
        currents = []
        for i in range(per_sheet):
            row = _load_row(rng, area, i)
            currents.append(row[-1])
            loads.write_row(6 + i, 0, row)
        cables = book.add_worksheet(f"Cable Schedule {area}")
        _title(cables, bold, "Cable schedule", board)
        cables.write_row(5, 0, CABLE_HEADER, bold)
        for i in range(per_sheet):
            cables.write_row(6 + i, 0, _cable_row(rng, area, i, currents[i]))
    book.close()


def _title(sheet, bold, document: str, board: str) -> None:
    sheet.write(0, 0, "Northgate Water Treatment Works - Stage 2", bold)
    sheet.write_row(1, 0, ["Document:", document])
    sheet.write_row(2, 0, ["Board:", board])
    sheet.write_row(3, 0, ["Revision:", "C", "Date:", "2024-03-18"])


def _load_row(rng: random.Random, area: int, i: int) -> list:
    name = rng.choice(_LOADS)
    kw = round(min(110.0, max(0.37, rng.lognormvariate(2.4, 1.0))), 2)
    pf, eff = round(rng.uniform(0.78, 0.92), 2), round(rng.uniform(0.86, 0.96), 3)
    return [i + 1, f"P-{area}{i:06d}", f"{name} {i % 40 + 1}",
            _TYPES.get(name, "Motor"), f"MCC-{area:02d}-{rng.randint(1, 12):02d}",
            kw, 400, 3, pf, eff, round(rng.uniform(0.6, 1.0), 2),
            rng.choice(_DUTIES), rng.choice(_STARTERS),
            round(kw * 1000 / (1.732 * 400 * pf * eff), 1)]


def _cable_row(rng: random.Random, area: int, i: int, current: float) -> list:
    """A cable sized as a designer would for the load's current: it carries
    the current with a margin, and the voltage drop stays below 4 %."""
    size, longest = _sized(current)
    return [f"C-{area}{i:06d}", f"MCC-{area:02d}-{rng.randint(1, 12):02d}",
            f"P-{area}{i:06d}", rng.choice([3, 4]), size, "Cu",
            "XLPE", "SWA", round(rng.uniform(5, longest), 1), "0.6/1 kV",
            rng.choice(_ROUTES)]


# Copper, XLPE, three loaded conductors: the lowest rating of any laying
# method (A), and what a metre of each size drops (copper 0.0225 ohm mm2/m,
# 0.08 mohm/m reactance, cos phi 0.8, 400 V three-phase).
_RATINGS = {2.5: 22, 4: 30, 6: 38, 10: 51, 16: 68, 25: 89, 35: 109, 50: 130,
            70: 164, 95: 197, 120: 227, 150: 259, 185: 295, 240: 346, 300: 396}


def _sized(current: float) -> tuple[float, float]:
    for size, amps in _RATINGS.items():
        if amps < 1.3 * current:
            continue
        per_metre = 1.732 * current * (0.0225 / size * 0.8 + 0.00008 * 0.6) / 400
        longest = min(450.0, 4.0 / (100 * per_metre))
        if longest >= 10:
            return size, longest
    return 300, 10.0


# -- other layouts ----------------------------------------------------------

LAYOUTS = ("described-cables", "feeder-list", "unit-column")
"""Schedules laid out as many engineers write them, beside the plain ones:
cable sizes and materials in a description column; a load list with each
load's cable on its row; a power column with a unit column beside it."""
DESCRIBED_CABLE_HEADER = ["Cable Tag", "From", "To", "Cable Description",
                          "Length (m)", "Installation"]
FEEDER_CABLE_HEADER = ["Cable Size (mm²)", "Cores", "Conductor", "Insulation",
                       "Cable Length (m)", "Installation"]
HP_KW = 0.745699872


def layout_path(folder: Path, layout: str, rows: int) -> Path:
    return folder / f"layout-{layout}-{rows}rows-v{GENERATOR_VERSION}.xlsx"


def generate_layout(folder: Path, layout: str, rows: int) -> Path:
    """A workbook of ``rows`` data rows in the given layout, written once
    into ``folder``."""
    path = layout_path(folder, layout, rows)
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    write_layout(tmp, layout, rows)
    os.replace(tmp, path)
    return path


def write_layout(path: Path, layout: str, rows: int, seed: int = 1) -> None:
    """One area's schedules in one of LAYOUTS, ``rows`` data rows in all."""
    import xlsxwriter

    rng = random.Random(seed)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    bold = book.add_format({"bold": True})
    per_sheet = rows if layout == "feeder-list" else rows // 2
    loads = book.add_worksheet("Load List 1")
    _title(loads, bold, "Load schedule", "MCC-01")
    header = LOAD_HEADER
    if layout == "unit-column":
        header = [*LOAD_HEADER[:5], "Rated Power", "Unit", *LOAD_HEADER[6:]]
    elif layout == "feeder-list":
        header = [*LOAD_HEADER, *FEEDER_CABLE_HEADER]
    loads.write_row(5, 0, header, bold)
    cables = []
    for i in range(per_sheet):
        row = _load_row(rng, 1, i)
        cable = _cable_row(rng, 1, i, row[-1])
        if layout == "unit-column":
            kw = row[5]
            rated = [round(kw / HP_KW, 1), "HP"] if i % 5 == 4 else [kw, "kW"]
            row = [*row[:5], *rated, *row[6:]]
        elif layout == "feeder-list":
            row += [cable[4], cable[3], cable[5], cable[6], cable[8], cable[10]]
        loads.write_row(6 + i, 0, row)
        cables.append(cable)
    if layout != "feeder-list":
        sheet = book.add_worksheet("Cable Schedule 1")
        _title(sheet, bold, "Cable schedule", "MCC-01")
        described = layout == "described-cables"
        sheet.write_row(5, 0, DESCRIBED_CABLE_HEADER if described else CABLE_HEADER,
                        bold)
        for i, cable in enumerate(cables):
            if described:
                cable = [*cable[:3], f"{cable[3]}C x {cable[4]:g}mm² {cable[5]}/"
                         f"{cable[6]}/{cable[7]} {cable[9].replace(' ', '')}",
                         cable[8], cable[10]]
            sheet.write_row(6 + i, 0, cable)
    book.close()


# -- one measurement, in a process of its own -------------------------------


def measure(mode: str, path: str) -> dict:
    """Time and peak memory of reading (``calamine``) or extracting a file."""
    from .resources import ResourceMonitor, peak_rss_mb

    with ResourceMonitor(interval=0.02) as monitor:
        started = time.perf_counter()
        if mode == "calamine":
            records = _read_with_calamine(path)
        elif mode == "extract":
            from .pipeline import extract_file

            report = extract_file(path)
            records = sum(report.count(k) for k in ("load", "cable", "bus"))
        else:
            raise ValueError(f"unknown mode {mode!r}")
        seconds = time.perf_counter() - started
    peak = max(monitor.usage.peak_memory_mb, peak_rss_mb())
    return {"seconds": seconds, "peak_mb": peak, "records": records}


def _read_with_calamine(path: str) -> int:
    """Every sheet's values as Python lists, all kept, as a reader would."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(path)
    sheets = [book.get_sheet_by_name(name).to_python() for name in book.sheet_names]
    return sum(len(rows) for rows in sheets)


def _run_measure(mode: str, path: Path) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "extractor.bench", mode, str(path)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _run_cli(path: Path, out_dir: Path) -> float:
    """Seconds for ``excel-extract run`` from process start to results file.

    The benchmark runs the command once first (see :func:`_installed`)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "extractor.cli", "run", str(path), "-q", "--force",
         "--no-cache", "-o", str(out_dir / "bench.results.xlsx")],
        check=True, capture_output=True, env=_installed(),
    )
    return time.perf_counter() - started


def _installed() -> dict[str, str]:
    """The environment of a command as an installed program runs it: Python
    keeps the modules it compiles, as it does once the program has run."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


# -- the benchmark ------------------------------------------------------------


@dataclass(slots=True)
class Row:
    """The medians for one workbook."""

    name: str
    megabytes: float
    rows: int
    records: int
    calamine_seconds: float
    extract_seconds: float
    ratio: float
    calamine_peak_mb: float
    extract_peak_mb: float
    memory_ratio: float
    records_per_second: float
    cli_seconds: float | None = None


@dataclass(slots=True)
class BatchRow:
    """Batch throughput over copies of one workbook."""

    name: str
    files: int
    jobs: int
    seconds: float
    files_per_second: float


@dataclass(slots=True)
class Bench:
    rows: list[Row] = field(default_factory=list)
    batch: list[BatchRow] = field(default_factory=list)
    machine: str = ""


def run(files: Sequence[Path], runs: int = 3,
        progress: Callable[[str], None] = lambda text: None,
        batch: bool = True) -> Bench:
    """Measure every file ``runs`` times in fresh processes; medians."""
    bench = Bench(machine=machine())
    with tempfile.TemporaryDirectory(prefix="excel-extract-bench-") as tmp:
        for path in files:
            bench.rows.append(_bench_file(path, runs, Path(tmp), progress))
        small = [p for p in files if p.stat().st_size <= CLI_MAX_MB * 1_000_000]
        if batch and small:
            bench.batch = _bench_batch(max(small, key=lambda p: p.stat().st_size),
                                       Path(tmp), progress)
    return bench


def _bench_file(path: Path, runs: int, tmp: Path,
                progress: Callable[[str], None]) -> Row:
    size = path.stat().st_size / 1_000_000
    reads, extracts, clis = [], [], []
    if size <= CLI_MAX_MB:
        _run_cli(path, tmp)  # compiles the modules, as a first run does
    for i in range(runs):
        progress(f"{path.name}: run {i + 1} of {runs}")
        reads.append(_run_measure("calamine", path))
        extracts.append(_run_measure("extract", path))
        if size <= CLI_MAX_MB:
            clis.append(_run_cli(path, tmp))
    read_s = statistics.median(r["seconds"] for r in reads)
    extract_s = statistics.median(r["seconds"] for r in extracts)
    read_mb = statistics.median(r["peak_mb"] for r in reads)
    extract_mb = statistics.median(r["peak_mb"] for r in extracts)
    records = extracts[0]["records"]
    return Row(
        name=path.name, megabytes=round(size, 2), rows=reads[0]["records"],
        records=records, calamine_seconds=round(read_s, 3),
        extract_seconds=round(extract_s, 3), ratio=round(extract_s / read_s, 2),
        calamine_peak_mb=round(read_mb, 1), extract_peak_mb=round(extract_mb, 1),
        memory_ratio=round(extract_mb / read_mb, 2),
        records_per_second=round(records / extract_s) if extract_s else 0,
        cli_seconds=round(statistics.median(clis), 3) if clis else None,
    )


def _bench_batch(path: Path, tmp: Path,
                 progress: Callable[[str], None]) -> list[BatchRow]:
    from .parallel import cpu_count

    folder = tmp / "batch"
    folder.mkdir()
    for i in range(BATCH_COPIES):
        shutil.copyfile(path, folder / f"copy-{i}{path.suffix}")
    rows = []
    for jobs in sorted({1, cpu_count()}):
        progress(f"batch of {BATCH_COPIES} with {jobs} process(es)")
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "extractor.cli", "batch", str(folder), "-q",
             "--no-cache", "--force", "--jobs", str(jobs), "-o", str(tmp / "out")],
            check=True, capture_output=True, env=_installed(),
        )
        seconds = time.perf_counter() - started
        rows.append(BatchRow(path.name, BATCH_COPIES, jobs, round(seconds, 2),
                             round(BATCH_COPIES / seconds, 2)))
    return rows


def machine() -> str:
    """Cores, processor and Python, for the report."""
    import platform

    from .parallel import cpu_count

    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (f"{cpu_count()} cores, {model}, Python {platform.python_version()}, "
            f"{platform.system()}")


# -- the report ---------------------------------------------------------------


def markdown(bench: Bench) -> str:
    """The results as a Markdown report."""
    lines = [
        "# excel-extract benchmark", "",
        (f"Machine: {bench.machine}. Each figure is the median of runs in fresh "
         "processes. *calamine* reads every sheet to Python values with "
         "python-calamine and keeps them; *extract* is the whole extraction "
         "(read, tables, mapping, records, checks). Peak memory is the resident "
         "memory of the process and its workers, sampled. *CLI end to end* is "
         "`excel-extract run` from process start to the results workbook "
         "written, with the modules compiled by an earlier run."), "",
        ("| workbook | MB | rows | records | calamine s | extract s | ratio | "
         "calamine MB | extract MB | memory ratio | records/s | CLI end to end s |"),
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in bench.rows:
        cli = "" if r.cli_seconds is None else f"{r.cli_seconds:.2f}"
        lines.append(
            f"| {r.name} | {r.megabytes:g} | {r.rows:,} | {r.records:,} | "
            f"{r.calamine_seconds:.3f} | {r.extract_seconds:.3f} | {r.ratio:.2f} | "
            f"{r.calamine_peak_mb:.0f} | {r.extract_peak_mb:.0f} | "
            f"{r.memory_ratio:.2f} | {r.records_per_second:,} | {cli} |")
    if bench.batch:
        lines += ["", ("Batch throughput (`excel-extract batch`, results "
                       "workbooks written, cache off):"), "",
                  "| workbook | files | processes | seconds | files/s |",
                  "|---|---|---|---|---|"]
        lines += [f"| {b.name} | {b.files} | {b.jobs} | {b.seconds:.2f} | "
                  f"{b.files_per_second:.2f} |" for b in bench.batch]
    return "\n".join(lines) + "\n"


def plot(bench: Bench, path: Path) -> Path:
    """Time and peak memory against file size, calamine and extraction."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_size = sorted((r for r in bench.rows
                      if not r.name.startswith(("package-", "layout-"))),
                     key=lambda r: r.megabytes)
    packages = [r for r in bench.rows if r.name.startswith("package-")]
    layouts = [r for r in bench.rows if r.name.startswith("layout-")]
    sizes = [r.megabytes for r in bench.rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for axes, what, unit in ((left, "seconds", "seconds"),
                             (right, "peak_mb", "peak MB")):
        for reader, style in (("calamine", "o-"), ("extract", "s-")):
            label = ("python-calamine read" if reader == "calamine"
                     else "excel-extract")
            axes.plot([r.megabytes for r in by_size],
                      [getattr(r, f"{reader}_{what}") for r in by_size], style,
                      label=label)
            for others, marker, kind in ((packages, style[0], "many sheets"),
                                         (layouts, "^" if reader == "calamine"
                                          else "v", "other layouts")):
                if others:
                    axes.plot([r.megabytes for r in others],
                              [getattr(r, f"{reader}_{what}") for r in others],
                              marker, fillstyle="none", markersize=9,
                              label=f"{label}, {kind}")
        axes.set(xlabel="workbook MB", ylabel=unit,
                 title="time" if what == "seconds" else "memory")
    for axes in (left, right):
        if len(sizes) > 1 and min(sizes) > 0 and max(sizes) / min(sizes) > 20:
            axes.set_xscale("log")
            axes.set_yscale("log")
        axes.grid(True, alpha=0.3)
        axes.legend()
    fig.suptitle(bench.machine, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def save(bench: Bench, out: Path) -> list[Path]:
    """report.md, bench.json and bench.png in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    report = out / "report.md"
    report.write_text(markdown(bench), encoding="utf-8")
    data = out / "bench.json"
    data.write_text(json.dumps(asdict(bench), indent=2) + "\n", encoding="utf-8")
    return [report, data, plot(bench, out / "bench.png")]


def main(argv: list[str] | None = None) -> int:
    """``python -m extractor.bench MODE PATH``: one measurement as JSON."""
    mode, path = (argv or sys.argv[1:])[:2]
    print(json.dumps(measure(mode, path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
