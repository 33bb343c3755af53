"""Writing results: a plan of result sheets, and the files that carry it out.

:func:`build_plan` decides what the result sheets hold; the workbook writer
here and the xlwings writer in the add-in both carry out that one plan. JSON
and CSV are written from the report directly. Every file is written
atomically.
"""

from .atomic import atomic_path, atomic_write
from .csv_export import write_csv
from .json_report import report_to_dict, write_json_report
from .plan import BAND_COLORS, Fill, SheetPlan, band, band_color, build_plan
from .xlsx import write_plan, write_results_workbook

__all__ = [
    "BAND_COLORS",
    "Fill",
    "SheetPlan",
    "atomic_path",
    "atomic_write",
    "band",
    "band_color",
    "build_plan",
    "report_to_dict",
    "write_csv",
    "write_json_report",
    "write_plan",
    "write_results_workbook",
]
