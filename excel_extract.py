"""What the Excel add-in runs: the Extract button of ``excel_extract.xlam``.

The add-in's VBA comes unchanged from xlwings' add-in template, whose
button imports the module named like the add-in file and calls its
``main()``: ``RunPython "import excel_extract;excel_extract.main()"``.
"""

from addin.ribbon import extract_workbook


def main() -> None:
    """Extract the workbook the button was pressed in."""
    extract_workbook()
