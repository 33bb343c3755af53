"""Settings files given with --settings: every value checked before any work."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import ValidationError

from extractor.checks import CheckSettings, load_check_settings
from extractor.cli import main
from extractor.errors import ConfigurationError

TEMPLATES = Path(__file__).resolve().parents[1] / "workbook_templates"
SAMPLE = TEMPLATES / "sample_project.xlsx"

PERCENT = "a number of percent above 0 and at most 100"
VOLTS = "a list of voltages in V, each above 0 and at most 1,000,000"
RULE_IDS = "a list of rule ids (see 'excel-extract rules')"


def settings_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, "utf-8")
    return path


def run_with(tmp_path: Path, settings: Path, *more: str) -> int:
    out = tmp_path / "out.xlsx"
    return main(["run", str(SAMPLE), "-o", str(out), "--no-cache", "-q",
                 "--settings", str(settings), *more])


@pytest.mark.parametrize(
    ("line", "error"),
    [('voltage_drop_other_pct = "five"',
      f"checks.voltage_drop_other_pct must be {PERCENT}, not 'five'"),
     ("voltage_drop_lighting_pct = true",
      f"checks.voltage_drop_lighting_pct must be {PERCENT}, not True"),
     ('extra_nominal_voltages = "415"',
      f"checks.extra_nominal_voltages must be {VOLTS}, not '415'"),
     ('extra_nominal_voltages = [415, "400"]',
      f"checks.extra_nominal_voltages must be {VOLTS}, not [415, '400']"),
     ('apply_defaults = "yes"', "checks.apply_defaults must be true or false, "
      "not 'yes'"),
     ("assume_copper = 1", "checks.assume_copper must be true or false, not 1"),
     ('disabled = "voltage-drop"',
      f"checks.disabled must be {RULE_IDS}, not 'voltage-drop'"),
     ("disabled = [3]", f"checks.disabled must be {RULE_IDS}, not [3]"),
     ('voltage_tolerance = "1 %"', "checks.voltage_tolerance must be a fraction "
      "above 0 and at most 0.1 (0.01 is 1 %), not '1 %'"),
     # and out of range
     ("voltage_drop_other_pct = -5",
      f"checks.voltage_drop_other_pct must be {PERCENT}, not -5"),
     ("voltage_drop_other_pct = 0",
      f"checks.voltage_drop_other_pct must be {PERCENT}, not 0"),
     ("voltage_drop_lighting_pct = 500",
      f"checks.voltage_drop_lighting_pct must be {PERCENT}, not 500"),
     ("voltage_drop_lighting_pct = nan",
      f"checks.voltage_drop_lighting_pct must be {PERCENT}, not nan"),
     ("voltage_tolerance = 1", "checks.voltage_tolerance must be a fraction "
      "above 0 and at most 0.1 (0.01 is 1 %), not 1"),
     ("extra_nominal_voltages = [415, 0]",
      f"checks.extra_nominal_voltages must be {VOLTS}, not [415, 0]"),
     ("totals_relative_tolerance = -0.001", "checks.totals_relative_tolerance "
      "must be a fraction from 0 to 0.1 (0.001 is 0.1 %), not -0.001"),
     ("totals_absolute_tolerance = inf", "checks.totals_absolute_tolerance must "
      "be a number of 0 or more, in the unit of the totalled column, not inf")],
)
def test_a_value_of_the_wrong_type_or_out_of_range_is_one_line_and_exit_2(
        tmp_path, capsys, line, error) -> None:
    path = settings_file(tmp_path, f"[checks]\n{line}\n")

    assert run_with(tmp_path, path) == 2
    assert capsys.readouterr().err == f"error: {path}: {error}\n"
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize(
    ("text", "error"),
    [("[chekcs]\nvoltage_drop_other_pct = 4.0\n",
      "unknown table(s) [chekcs]; put the settings under [checks]"),
     ("[checks]\n[limits]\nmax_cells = 10\n",
      "unknown table(s) [limits]; put the settings under [checks]"),
     ("voltage_drop_other_pct = 4.0\n[checks]\n",
      "setting(s) voltage_drop_other_pct outside any table; put them under "
      "[checks]"),
     ("[checks]\nvoltage_drop = 3\n",
      "unknown check setting(s) voltage_drop; use one of: apply_defaults, "
      "assume_copper, disabled, extra_nominal_voltages, totals_absolute_tolerance, "
      "totals_relative_tolerance, voltage_drop_lighting_pct, voltage_drop_other_pct, "
      "voltage_tolerance")],
)
def test_an_unknown_table_or_setting_is_one_line_and_exit_2(tmp_path, capsys, text,
                                                             error) -> None:
    path = settings_file(tmp_path, text)

    assert run_with(tmp_path, path) == 2
    assert capsys.readouterr().err == f"error: {path}: {error}\n"


def test_a_file_that_is_not_text_is_one_line_and_exit_2(tmp_path, capsys) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(b"\xff\xfe")

    assert run_with(tmp_path, path) == 2
    assert capsys.readouterr().err == (
        f"error: {path}: cannot read the settings file: 'utf-8' codec can't decode "
        "byte 0xff in position 0: invalid start byte; fix or remove it\n")


@pytest.mark.parametrize(
    ("line", "ok"),
    [("voltage_drop_other_pct = 100", True),
     ("voltage_drop_other_pct = 100.001", False),
     ("voltage_drop_other_pct = 0.001", True),
     ("voltage_tolerance = 0.1", True),
     ("voltage_tolerance = 0.1001", False),
     ("voltage_tolerance = 0", False),
     ("extra_nominal_voltages = [1_000_000]", True),
     ("extra_nominal_voltages = [1_000_001]", False),
     ("extra_nominal_voltages = []", True),
     ("totals_relative_tolerance = 0", True),
     ("totals_relative_tolerance = 0.1", True),
     ("totals_relative_tolerance = 0.2", False),
     ("totals_absolute_tolerance = 0", True),
     ("totals_absolute_tolerance = 250.0", True)],
)
def test_the_edges_of_each_range(tmp_path, line, ok) -> None:
    path = settings_file(tmp_path, f"[checks]\n{line}\n")
    if ok:
        load_check_settings(path)
    else:
        with pytest.raises(ConfigurationError):
            load_check_settings(path)


def test_a_valid_file_is_read_with_numbers_as_floats(tmp_path) -> None:
    path = settings_file(tmp_path, (
        '[checks]\ndisabled = ["voltage-drop"]\ndisabled_rules = ["totals"]\n'
        "apply_defaults = true\nassume_copper = false\n"
        "voltage_drop_lighting_pct = 3\nvoltage_drop_other_pct = 4.5\n"
        "voltage_tolerance = 0.02\nextra_nominal_voltages = [415, 11_500.0]\n"
        "totals_relative_tolerance = 0\ntotals_absolute_tolerance = 0.5\n"))

    assert load_check_settings(path) == CheckSettings(
        apply_defaults=True, disabled_rules=frozenset({"voltage-drop", "totals"}),
        voltage_drop_lighting_pct=3.0, voltage_drop_other_pct=4.5,
        voltage_tolerance=0.02, extra_nominal_voltages=(415.0, 11500.0),
        totals_relative_tolerance=0.0, totals_absolute_tolerance=0.5,
        assume_copper=False)


def test_an_empty_file_takes_the_defaults(tmp_path) -> None:
    assert load_check_settings(settings_file(tmp_path, "")) == CheckSettings()


def test_a_valid_file_still_steers_the_checks(tmp_path, capsys) -> None:
    # a 0.5 % limit flags 24 of the sample's 27 feeders; the defaults flag none
    path = settings_file(tmp_path, "[checks]\nvoltage_drop_lighting_pct = 0.5\n"
                         "voltage_drop_other_pct = 0.5\n"
                         'disabled = ["bus-parent"]\n')
    report = tmp_path / "report.json"

    assert run_with(tmp_path, path, "--json", str(report)) == 0
    assert capsys.readouterr().err == ""
    found = json.loads(report.read_text("utf-8"))["findings"]
    assert Counter(f["rule"] for f in found) == {"voltage-drop": 24,
                                                 "cable-ampacity": 11}


def test_settings_made_in_code_are_checked_too() -> None:
    with pytest.raises(ValidationError):
        CheckSettings(voltage_drop_other_pct=-5.0)
    with pytest.raises(ValidationError):
        replace(CheckSettings(), apply_defaults="yes")
