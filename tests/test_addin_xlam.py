"""The Excel add-in file: its ribbon, its VBA and the Python it calls."""

from __future__ import annotations

import importlib
import importlib.util
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from extractor.sources import ole_entry_names

RIBBON = Path(__file__).resolve().parents[1] / "ribbon"
XLAM = RIBBON / "excel_extract.xlam"
UI = "{http://schemas.microsoft.com/office/2006/01/customui}"
PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
UI_RELATIONSHIP = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
VBA_RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"


@pytest.fixture(scope="module")
def xlam():
    with zipfile.ZipFile(XLAM) as zf:
        yield zf


def test_the_ribbon_has_an_extract_tab_whose_button_runs_the_entry_macro(xlam):
    rels = ET.fromstring(xlam.read("_rels/.rels"))
    targets = {r.get("Type"): r.get("Target") for r in rels.iter(f"{PACKAGE_RELS}"
                                                                 "Relationship")}
    ui = ET.fromstring(xlam.read(targets[UI_RELATIONSHIP]))

    assert targets[UI_RELATIONSHIP] == "customUI/customUI.xml"
    (tab,) = ui.iter(f"{UI}tab")
    (button,) = tab.iter(f"{UI}button")
    assert tab.get("label") == "Extract"
    assert button.get("label") == "Extract"
    assert button.get("imageMso") == "TableInsert"
    assert button.get("size") == "large"
    assert button.get("onAction") == "RibbonMyAddin.RunMain"
    assert xlam.read("customUI/customUI.xml") == (RIBBON / "customUI.xml").read_bytes()


def test_the_vba_project_holds_the_entry_macro_and_xlwings(xlam, tmp_path):
    vba = xlam.read("xl/vbaProject.bin")
    (tmp_path / "vba.bin").write_bytes(vba)
    content_types = xlam.read("[Content_Types].xml").decode()
    workbook_rels = ET.fromstring(xlam.read("xl/_rels/workbook.xml.rels"))

    assert {"RibbonMyAddin", "xlwings", "ThisWorkbook", "dir", "PROJECT"} <= set(
        ole_entry_names(tmp_path / "vba.bin"))
    assert b"Module=RibbonMyAddin" in vba and b"Module=xlwings" in vba
    assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in content_types
    assert "application/vnd.ms-office.vbaProject" in content_types
    assert [r.get("Target") for r in workbook_rels.iter(f"{PACKAGE_RELS}Relationship")
            if r.get("Type") == VBA_RELATIONSHIP] == ["vbaProject.bin"]


def test_the_macro_imports_the_module_named_like_the_add_in():
    # RunMain runs "import <file name>;<file name>.main()"
    module = importlib.import_module(XLAM.stem)

    assert module.__name__ == "excel_extract"
    assert module.extract_workbook is importlib.import_module(
        "addin.ribbon").extract_workbook
    assert callable(module.main)


def test_the_settings_sheet_names_the_udf_module(xlam):
    workbook = xlam.read("xl/workbook.xml").decode()
    strings = xlam.read("xl/sharedStrings.xml").decode()
    udfs = importlib.import_module("addin.udfs")

    assert '<sheet name="myaddin.conf"' in workbook
    assert "<t>UDF Modules</t></si><si><t>addin.udfs</t>" in strings
    for name in ("EXTRACT_LOADS", "EXTRACT_CABLES", "EXTRACT_BUSES", "CLASSIFY_SHEETS"):
        assert callable(getattr(udfs, name))


def test_the_build_is_reproducible(tmp_path):
    path = RIBBON / "build_addin.py"
    spec = importlib.util.spec_from_file_location("build_addin", path)
    build_addin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_addin)

    members = build_addin.customize(build_addin.quickstart_template(),
                                    (RIBBON / "customUI.xml").read_bytes())
    built = build_addin.write_addin(members, tmp_path / "excel_extract.xlam")
    again = build_addin.write_addin(members, tmp_path / "again.xlam")

    assert _members(built) == _members(XLAM)
    assert built.read_bytes() == again.read_bytes()


def _members(path: Path) -> list[tuple[str, tuple, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(i.filename, i.date_time, zf.read(i)) for i in zf.infolist()]
