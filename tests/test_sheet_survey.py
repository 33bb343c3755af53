"""The survey of a sheet part: one pass for its reach and its facts.

The survey must never vouch for less than the exact bound of
``package_xml.sheet_extent`` (calamine lays the cells out as one block), and
must find every fact ``package_xml.scan_sheet`` finds.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest
import xlsxwriter

from extractor import package_xml
from extractor.grid import CellError, MergedRange
from extractor.sheet_survey import Surveys, survey_sheet
from extractor.sources import read_workbook

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LIMIT = 50_000_000


def sheet_xml(rows_xml: str, extra: str = "", dimension: str | None = "A1:D9") -> bytes:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0"?><worksheet xmlns="{NS}">{declared}'
        f"<sheetData>{rows_xml}</sheetData>{extra}</worksheet>"
    ).encode()


def in_zip(xml: bytes) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("sheet.xml", xml)
    return zipfile.ZipFile(buffer)


def survey(xml: bytes, **options):
    with in_zip(xml) as zf:
        return survey_sheet(zf, "sheet.xml", LIMIT, **options)


def exact(xml: bytes):
    with in_zip(xml) as zf:
        return package_xml.sheet_extent(zf, "sheet.xml", LIMIT)


def facts(xml: bytes):
    with in_zip(xml) as zf:
        return package_xml.scan_sheet(zf, "sheet.xml")


@pytest.mark.parametrize(
    ("rows_xml", "dimension", "reach"),
    [
        ('<row r="1"><c r="A1"><v>1</v></c></row>', "A1:D9", (9, 26)),
        ('<row r="1"><c r="A1"><v>1</v></c></row>', None, (9, 26)),
        ('<row r="41672"><c r="N41672"><v>1</v></c></row>', "A1:N41672", (99_999, 26)),
        # a cell beyond the declared dimension widens the reach
        ('<row r="2"><c r="AB123"><v>1</v></c></row>', "A1:D9", (999, 702)),
        # an empty row far down counts when no dimension is declared
        ('<row r="1"><c r="A1"><v>1</v></c></row><row r="70000"/>', None, (99_999, 26)),
        # a declared dimension over the limit is no start
        ('<row r="1"><c r="B1"><v>1</v></c></row>', "A1:XFD1048576", (9, 26)),
    ],
)
def test_the_reach_is_whole_digits_and_letters_never_below_the_extent(
    rows_xml, dimension, reach
):
    xml = sheet_xml(rows_xml, dimension=dimension)

    found = survey(xml).reach

    assert found == reach
    rows, cols = exact(xml)
    assert found[0] >= rows and found[1] >= cols


@pytest.mark.parametrize(
    "cell_xml",
    [
        "<c><v>1</v></c>",  # no address
        '<c s="1" r="A1"><v>1</v></c>',  # the address is not first
        '<c r="A01"><v>1</v></c>',  # a leading zero
        '<c r="1A"><v>1</v></c>',
        '<c r="ABC1"><v>1</v></c>',  # three letters may lie beyond XFD
        '<c r="A1048577"><v>1</v></c>',  # seven digits may lie beyond the grid
        '<c r="XFD1048576"><v>1</v></c>',
    ],
)
def test_cells_only_the_exact_bound_can_place_leave_the_reach_open(cell_xml):
    assert survey(sheet_xml(f'<row r="1">{cell_xml}</row>')).reach is None


def test_a_part_that_is_no_worksheet_and_an_empty_part():
    assert survey(b'<?xml version="1.0"?><chartsheet xmlns="x"/>').reach is None
    assert survey(b"").reach == (0, 0)


def test_a_document_type_is_refused():
    xml = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><worksheet/>'

    with pytest.raises(package_xml.UnsafeXmlError):
        survey(xml)


@pytest.mark.parametrize(
    ("rows_xml", "extra"),
    [
        ('<row r="2"><c r="B2" t="e"><v>#VALUE!</v></c></row>', ""),
        ('<row r="2"><c t="e" s="3" r="C2"><f>X1</f><v>#NAME?</v></c></row>', ""),
        ("<row r='2'><c r='D2' t='e'><v>#NUM!</v></c></row>", ""),
        ('<row r="2"><c r="C2"><is><t>t="e" hidden="1"</t></is></c></row>', ""),
        ('<row r="3" hidden="1"><c r="A3"><v>1</v></c></row>', ""),
        (
            '<row r="3"><c r="A3"><v>1</v></c></row>',
            '<mergeCells><mergeCell ref="A1:C1"/></mergeCells>',
        ),
        (
            (
                '<row r="2"><c r="D2"><f>SUM(A1)</f></c>'
                '<c r="E2"><f t="shared" si="0"/><v/></c>'
                '<c r="F2" t="str"><f>A1</f><v></v></c>'
                '<c r="G2"><f>A1</f><v>3</v></c>'
                '<c r="H2"><f t="shared" si="0" /></c></row>'
            ),
            "",
        ),
    ],
)
def test_the_survey_finds_what_the_scan_finds(rows_xml, extra):
    xml = sheet_xml(rows_xml, extra)

    assert survey(xml).facts == facts(xml)
    assert survey(xml, facts=False).facts == package_xml.SheetFacts()


def test_formulas_without_results_however_they_end():
    xml = sheet_xml(
        '<row r="2"><c r="D2"><f>SUM(A1)</f></c>'
        '<c r="E2"><f t="shared" si="0"/><v/></c>'
        '<c r="F2" t="str"><f>A1</f><v></v></c>'
        '<c r="G2"><f>A1</f><v>3</v></c>'
        '<c r="H2"><f t="shared" si="0" /></c>'
        '<c r="I2"><f>A1</f>\n  <v> </v>\n</c></row>'
    )

    found = facts(xml)

    assert found.formulas
    assert found.uncalculated == [(1, 3), (1, 4), (1, 7), (1, 8)]


def test_prefixed_sheet_xml():
    xml = (
        f'<x:worksheet xmlns:x="{NS}"><x:sheetData><x:row r="4" hidden="1">'
        '<x:c r="A4" t="e"><x:v>#REF!</x:v></x:c><x:c r="ZZ4"><x:v>1</x:v></x:c>'
        '</x:row></x:sheetData><x:mergeCells><x:mergeCell ref="A1:C1"/>'
        "</x:mergeCells></x:worksheet>"
    ).encode()

    found = survey(xml)

    assert found.reach == (9, 702)
    assert found.facts.errors == [(3, 0, "#REF!")]
    assert found.facts.hidden_rows == [(3, 3)]
    assert found.facts.merged == [MergedRange(0, 0, 0, 2)]


def test_surveys_run_ahead_and_the_first_in_two_passes(tmp_path):
    path = tmp_path / "three.xlsx"
    wb = xlsxwriter.Workbook(path)
    for name in ("A", "B", "C"):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, [name, 1])
        ws.write_formula(1, 0, "=1/0", None, "#DIV/0!")
    wb.close()
    parts = [f"xl/worksheets/sheet{n}.xml" for n in (1, 2, 3)]

    with Surveys(path, LIMIT, lambda: None) as surveys:
        surveys.order = parts
        surveys.start(parts[0])
        assert surveys._pending[parts[0]].facts is not None
        assert surveys.reach(parts[0]) == (9, 26)
        assert parts[1] in surveys._pending
        assert surveys._pending[parts[1]].facts is None
        assert surveys.facts(parts[0]).errors == [(1, 0, "#DIV/0!")]
        assert [surveys.reach(p) for p in parts[1:]] == [(9, 26), (9, 26)]

    assert [s.rows for s in read_workbook(path).sheets] == [
        [[name, 1.0], [CellError("#DIV/0!"), ""]] for name in ("A", "B", "C")
    ]


def test_leaving_the_block_stops_the_surveys_under_way(tmp_path, monkeypatch):
    path = tmp_path / "big.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Big")
    for row in range(20_000):
        ws.write_row(row, 0, [row, "text", row * 2.5])
    wb.close()
    monkeypatch.setattr(package_xml, "CHUNK_BYTES", 1000)
    monkeypatch.setattr(package_xml, "LOOKBEHIND", 300)
    monkeypatch.setattr(package_xml, "LOOKAHEAD", 300)
    checks = []

    def check() -> None:
        # the first check holds the survey until the block is left
        checks.append(1)
        while not surveys._stopped:
            time.sleep(0.001)

    with Surveys(path, LIMIT, check) as surveys:
        surveys.start("xl/worksheets/sheet1.xml")

    # a thousand chunks or more to survey; none after the block was left
    assert len(checks) <= 1
