import io
import re
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from smartiberica.kernel.tabular import UnreadableFile, open_table

REQUIRED = ["date", "category", "supplier", "amount", "reference"]
OPTIONAL = ["description"]


def read(data: bytes) -> list[tuple[int, dict[str, str], bool]]:
    table = open_table(data, required=REQUIRED, optional=OPTIONAL)
    return [(row.number, row.values, row.extra) for row in table.rows]


def test_it_reads_a_comma_csv_with_a_bom() -> None:
    data = '\ufeffdate,category,supplier,amount,reference\n2024-01-05,it,Acme,"1,5",E-1\n'.encode()
    assert read(data) == [
        (
            2,
            {"date": "2024-01-05", "category": "it", "supplier": "Acme", "amount": "1,5", "reference": "E-1"},
            False,
        )
    ]


def test_it_reads_a_semicolon_csv_with_decimal_commas_and_spreadsheet_row_numbers() -> None:
    data = (
        b"Date;Category;Supplier;Amount;Reference;Description\r\n"
        b"05/01/2024;it;Acme;1.234,56;E-1;\r\n"
        b"\r\n"
        b"06/01/2024;staff;Nomina;10;E-2;enero\r\n"
    )
    rows = read(data)
    assert [r[0] for r in rows] == [2, 4]
    assert rows[0][1]["amount"] == "1.234,56"
    assert rows[1][1]["description"] == "enero"


def test_a_missing_optional_column_is_fine_and_a_short_row_is_padded() -> None:
    rows = read(b"date,category,supplier,amount,reference\n2024-01-05,it,Acme\n")
    assert rows[0][1]["reference"] == ""


def test_a_row_with_too_many_values_is_flagged() -> None:
    rows = read(b"date,category,supplier,amount,reference\n2024-01-05,it,Acme,1,E-1,oops\n")
    assert rows[0][2] is True


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf\n\n", "empty"),
        (b"date,category,supplier,amount\n", "Missing columns: reference"),
        (b"date,category,supplier,amount,reference,colour\n", "Unknown columns: colour"),
        (b"date,date,category,supplier,amount,reference\n", "Columns named twice: date"),
        ("date,category,supplier,amount,reference\n2024,caf\u00e9".encode("latin-1"), "not UTF-8"),
        (b"\x00\x01\x02binary", "neither a CSV"),
        (b"PK\x03\x04 not really a zip", "cannot be read"),
    ],
)
def test_an_unreadable_file_gets_one_clear_message(data: bytes, message: str, settings: object) -> None:
    from django.utils import translation

    with translation.override("en"), pytest.raises(UnreadableFile, match=message):
        read(data)


def test_it_reads_the_first_sheet_of_a_workbook_with_real_dates_and_numbers() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Date", "Category", "Supplier", "Amount", "Reference"])
    sheet.append([date(2024, 1, 5), "it", "Acme", 1234.56, "E-1"])
    sheet.append([None, None, None, None, None])
    sheet.append(["06/01/2024", "staff", "Nomina", 10, "E-2"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read(buffer.getvalue())
    assert rows[0] == (
        2,
        {"date": "2024-01-05", "category": "it", "supplier": "Acme", "amount": "1234.56", "reference": "E-1"},
        False,
    )
    assert rows[1][0] == 4
    assert rows[1][1]["amount"] == "10"


def test_it_streams_a_large_csv_without_reading_it_whole() -> None:
    header = b"date,category,supplier,amount,reference\n"
    body = b"".join(b"2024-01-05,it,Acme,1.00,E-%d\n" % i for i in range(50_000))
    table = open_table(io.BytesIO(header + body), required=REQUIRED, optional=OPTIONAL)
    count = sum(1 for _ in table.rows)
    assert count == 50_000


def _reads_cleanly(data: bytes) -> None:
    try:
        for row in open_table(data, required=REQUIRED, optional=OPTIONAL).rows:
            assert row.number >= 2
    except UnreadableFile as refusal:
        assert refusal.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_are_read_or_refused_never_crash(data: bytes) -> None:
    _reads_cleanly(data)


GOOD = (
    'date;category;supplier;amount;reference\n05/01/2024;it;Acme;1,5;E-1\n06/01/2024;it;"Acme; Ltd";2;E-2\n'
)


@settings(max_examples=300, deadline=None)
@given(
    cut=st.integers(min_value=0, max_value=len(GOOD.encode())),
    junk=st.text(alphabet=st.sampled_from(list(';,"\t\r\n\x00é€ab1')), max_size=30),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]),
    delimiter=st.sampled_from([";", ",", "\t", "|"]),
)
def test_mangled_files_are_read_or_refused_never_crash(
    cut: int, junk: str, encoding: str, delimiter: str
) -> None:
    text = GOOD.replace(";", delimiter)
    data = text.encode(encoding, errors="replace")[:cut] + junk.encode("utf-8")
    _reads_cleanly(data)


@settings(max_examples=60, deadline=None)
@given(cut=st.integers(min_value=0, max_value=6000))
def test_truncated_workbooks_are_refused_cleanly(cut: int) -> None:
    workbook = Workbook()
    workbook.active.append(REQUIRED)
    workbook.active.append(["2024-01-05", "it", "Acme", 1, "E-1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _reads_cleanly(buffer.getvalue()[:cut])


# --- The whole import command on mangled files: only clean refusals -----------------------------------

KIND_FILES = {
    "expenses": (
        b"date;category;supplier;amount;reference\n05/01/2024;it;Acme;1,5;E-1\n06/01/2024;it;B;2;E-2\n"
    ),
    "invoices": (
        b"number,issue_date,client,client_tax_id,service,net_amount,vat_rate,status,corrects\n"
        b"F2024-0001,2024-01-10,Hachette,A28765436,project-support,1000,21,issued,\n"
        b"R2024-0001,2024-02-01,Hachette,A28765436,project-support,-400,21,,F2024-0001\n"
    ),
    "payments": b"invoice,date,amount\nF2024-0001,2024-02-01,100\n",
    "refunds": b"invoice,date,amount,reference\nF2024-0001,2024-03-01,10,DEV-1\n",
    "member-turnover": b"month,turnover,structure_rate,fund_rate\n2024-01,1000,5.5,2\n",
    "funding-sources": b"code,name,kind\nsb,Smart Belgium,parent_support\n",
    "funding-receipts": b"date,source,amount,reference\n2021-01-05,sb,100,R-1\n",
}


def _command_refuses_cleanly(kind: str, data: bytes, tmp_path: Any) -> None:
    path = tmp_path / "mangled"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_records", kind, str(path), "--dry-run", stdout=out, stderr=err)
    except SystemExit as exit_:
        assert exit_.code == 1
        lines = err.getvalue().splitlines()
        assert lines, "a refusal says why"
        assert "Traceback" not in err.getvalue()
        assert all(ROW_ERROR.match(line) for line in lines[:-1]) or len(lines) == 1
    else:
        assert out.getvalue().startswith(f"{kind}: ")


ROW_ERROR = re.compile(r"^row \d+, column [a-z_]+: .+")


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    kind=st.sampled_from(sorted(KIND_FILES)),
    cut=st.integers(min_value=0, max_value=400),
    junk=st.binary(max_size=40)
    | st.text(alphabet=st.sampled_from(list(';,"\t\r\n\x00é€ab1-/')), max_size=40).map(str.encode),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]),
    delimiter=st.sampled_from([";", ",", "\t", "|"]),
)
def test_the_import_command_refuses_mangled_files_cleanly(
    kind: str, cut: int, junk: bytes, encoding: str, delimiter: str, tmp_path: Any
) -> None:
    text = KIND_FILES[kind].decode().replace(",", delimiter).replace(";", delimiter)
    data = text.encode(encoding, errors="replace")[:cut] + junk
    _command_refuses_cleanly(kind, data, tmp_path)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(sorted(KIND_FILES)), data=st.binary(max_size=600))
def test_the_import_command_refuses_random_bytes_cleanly(kind: str, data: bytes, tmp_path: Any) -> None:
    _command_refuses_cleanly(kind, data, tmp_path)
