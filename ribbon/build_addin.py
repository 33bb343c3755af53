"""Build the Excel add-in ribbon/excel_extract.xlam from xlwings' template.

    python ribbon/build_addin.py [--output PATH]

``xlwings quickstart excel_extract --addin --ribbon`` makes the add-in
template: a hidden workbook with xlwings' VBA, a ribbon tab and a macro,
``RibbonMyAddin.RunMain``, that runs ``import <add-in name>;<add-in
name>.main()``. Named excel_extract.xlam, it runs ``excel_extract.main()``,
the Extract button of this package. The build keeps the VBA as it is (it is
compiled; editing it here could not be checked without Excel) and changes
three things:

- the ribbon: ``customUI/customUI.xml`` becomes ribbon/customUI.xml, the
  "Extract" tab with its Extract button wired to ``RibbonMyAddin.RunMain``;
- the settings sheet ``_myaddin.conf`` is switched on as ``myaddin.conf``
  with one setting, ``UDF Modules = addin.udfs``, so the worksheet functions
  can be imported; the interpreter comes from the user's config file;
- the title, so Excel's add-in list shows "excel-extract".

Every zip member gets the same timestamp, so the same template gives the
same file, byte for byte.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RIBBON_XML = HERE / "customUI.xml"
OUTPUT = HERE / "excel_extract.xlam"

ADDIN_NAME = "excel_extract"
ENTRY_MACRO = "RibbonMyAddin.RunMain"
CONF_SHEET = "myaddin.conf"  # the template's VBA looks for PROJECT_NAME & ".conf"
UDF_MODULES = "addin.udfs"
TITLE = "excel-extract"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

_SHARED_STRINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'count="2" uniqueCount="2"><si><t>UDF Modules</t></si>'
    f"<si><t>{UDF_MODULES}</t></si></sst>"
)
_CONF_ROWS = (
    '<sheetData><row r="1" spans="1:2"><c r="A1" s="1" t="s"><v>0</v></c>'
    '<c r="B1" s="1" t="s"><v>1</v></c></row></sheetData>'
)


class TemplateChangedError(Exception):
    """xlwings' template no longer looks as this build expects."""


def build(output: Path = OUTPUT) -> Path:
    """Write the add-in to ``output`` and return the path."""
    members = customize(quickstart_template(), RIBBON_XML.read_bytes())
    return write_addin(members, output)


def write_addin(members: list[tuple[str, bytes]], output: Path) -> Path:
    """Zip the members in order, all with one timestamp."""
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return output


def quickstart_template() -> bytes:
    """The .xlam that ``xlwings quickstart NAME --addin --ribbon`` writes."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "xlwings.cli", "quickstart", ADDIN_NAME,
             "--addin", "--ribbon"],
            cwd=tmp, check=True, capture_output=True,
        )
        return (Path(tmp) / ADDIN_NAME / f"{ADDIN_NAME}.xlam").read_bytes()


def customize(template: bytes, ribbon_xml: bytes) -> list[tuple[str, bytes]]:
    """The template's members in order, with the ribbon, settings and title."""
    with tempfile.TemporaryFile() as raw:
        raw.write(template)
        with zipfile.ZipFile(raw) as zf:
            members = [(info.filename, zf.read(info)) for info in zf.infolist()]
    if b"Module=RibbonMyAddin" not in dict(members)["xl/vbaProject.bin"]:
        raise TemplateChangedError("the template's VBA has no module RibbonMyAddin")
    return [(name, _change(name, data, ribbon_xml)) for name, data in members]


def _change(name: str, data: bytes, ribbon_xml: bytes) -> bytes:
    if name == "customUI/customUI.xml":
        return ribbon_xml
    if name == "xl/workbook.xml":
        return _replace(data, b'name="_myaddin.conf"', f'name="{CONF_SHEET}"'.encode())
    if name == "xl/sharedStrings.xml":
        return _SHARED_STRINGS.encode()
    if name == "xl/worksheets/sheet1.xml":
        data = _replace(data, b'<dimension ref="A1:B13" />',
                        b'<dimension ref="A1:B1" />')
        return _sub(data, rb"<sheetData>.*</sheetData>", _CONF_ROWS.encode())
    if name == "docProps/core.xml":
        return _replace(data, b"<dc:title />", f"<dc:title>{TITLE}</dc:title>".encode())
    return data


def _replace(data: bytes, old: bytes, new: bytes) -> bytes:
    if data.count(old) != 1:
        raise TemplateChangedError(f"expected {old!r} once in the template")
    return data.replace(old, new)


def _sub(data: bytes, pattern: bytes, new: bytes) -> bytes:
    changed, count = re.subn(pattern, lambda _: new, data, flags=re.S)
    if count != 1:
        raise TemplateChangedError(f"expected {pattern!r} once in the template")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=OUTPUT,
                        help=f"where to write the add-in (default {OUTPUT})")
    args = parser.parse_args(argv)
    print(f"wrote {build(args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
