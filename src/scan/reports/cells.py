"""The cells of every CSV and Excel file the app writes: text that a spreadsheet would run as a formula stays text.

A spreadsheet reads a cell that starts with = + - or @ as a formula, and also after a leading tab or carriage
return (CSV injection, OWASP). Location, team and round names are typed by people or come from files;
validation refuses such a start now, but older data or an import can still hold one. So every writer of CSV
or Excel passes its cells through here, and only here is the rule. Only text is touched: a negative number
stays a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import pandas as pd
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# OWASP's advice for CSV: a single quote in front. A CSV has no cell types, so the quote is what tells the
# spreadsheet "text"; it shows with the text, which keeps it honest about what the file holds.
_CSV_QUOTE = "'"


def starts_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    return _CSV_QUOTE + value if starts_like_formula(value) else value


def csv_row(row: Iterable[Any]) -> list[Any]:
    return [csv_cell(value) for value in row]


def write_csv(frame: pd.DataFrame, out: str | Path | IO[str] | None = None) -> str | None:
    """``frame.to_csv`` with the rule applied to its text columns; returns the text when ``out`` is None."""
    text_columns = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c]) or frame[c].dtype == object]
    safe = frame.assign(**{c: frame[c].map(csv_cell, na_action="ignore") for c in text_columns})
    return safe.to_csv(out, index=False)


def csv_cell_sql(expression: str) -> str:
    """The same rule in SQL, for a CSV the database writes itself (COPY streams what Python could not hold).
    The characters go in as chr() codes: a tab or carriage return would be invisible in the statement."""
    starts = ", ".join(f"chr({ord(c)})" for c in FORMULA_STARTS)
    quote = _CSV_QUOTE.replace("'", "''")  # as an SQL string literal
    return f"CASE WHEN substr({expression}, 1, 1) IN ({starts}) THEN '{quote}' || {expression} ELSE {expression} END"


def keep_text_as_text(book: Workbook) -> None:
    """Every text cell of the workbook is stored as text.

    openpyxl turns a str that starts with '=' into a formula (data_type 'f') and a str such as '#N/A' into an
    error value. Setting data_type back to 's' stores the cell as an inline string, which Excel and LibreOffice
    show as exactly that text and never calculate; unlike in CSV, no quote is added to the value, because in a
    workbook the cell's type says "text". A formula-like text also gets the quote prefix, the flag Excel sets
    when someone types '=…: with it, editing the cell later keeps it text instead of turning it into a formula.
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                    if starts_like_formula(cell.value):
                        cell.quotePrefix = True
