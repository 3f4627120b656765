"""The roster import on the administration page: a damaged file gets its problem, by row and column, in words."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl

from scan.locales import text
from tests.app.helpers import log_in, query


def admin_import_tab(new_app):
    at = log_in(new_app(), "admin").run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception, at.exception
    return at


def upload(at, name: str, data: bytes, mime: str):
    next(u for u in at.file_uploader if u.key == "roster_file").set_value((name, data, mime))
    at.run()
    next(b for b in at.button if b.key == "roster_import").click().run()
    assert not at.exception, at.exception
    return at


def problem_table(at, lang: str = "nl") -> list[tuple[str, str, str]]:
    assert text(lang, "admin.import_failed") in [e.value for e in at.error]
    frame = next(d.value for d in at.dataframe if text(lang, "admin.problem") in d.value.columns)
    columns = [text(lang, f"admin.{c}") for c in ("row", "column", "problem")]
    return [tuple(str(v) for v in row) for row in frame[columns].itertuples(index=False)]


def test_an_excel_file_cut_off_inside_its_sheet_is_refused_in_words(new_app, demo_db):
    book = openpyxl.Workbook()
    book.active.append(["Naam", "Beroep", "Team"])
    for k in range(200):
        book.active.append([f"Persoon {k}", "leerkracht", 1])
    whole = io.BytesIO()
    book.save(whole)
    source, out = zipfile.ZipFile(whole), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:  # a sound zip, a sheet that stops in row 31
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.endswith("sheet1.xml"):
                content = content[: content.index(b'<row r="31"') + 20]
            target.writestr(info.filename, content)
    users_before = query(demo_db, "SELECT count(*) FROM users")[0][0]
    at = upload(admin_import_tab(new_app), "team.xlsx", out.getvalue(), "application/octet-stream")
    assert problem_table(at) == [("31", "", text("nl", "roster.excel_damaged_from_row"))]
    assert query(demo_db, "SELECT count(*) FROM users")[0][0] == users_before


def test_a_csv_cell_over_the_field_limit_is_named_by_row_and_column(new_app, demo_db):
    huge = "x" * (csv.field_size_limit() + 1)
    data = f"naam;beroep;team\r\nAnna;leerkracht;1\r\nBram;{huge};1\r\n".encode()
    at = upload(admin_import_tab(new_app), "team.csv", data, "text/csv")
    assert problem_table(at) == [("3", "beroep", text("nl", "roster.cell_too_long"))]
