"""The format is told from the content, and no file, however broken, ends in a traceback."""

from __future__ import annotations

import logging

import pytest

from smartiberica.kernel import statements
from smartiberica.kernel.statements import (
    StatementFileError,
    StatementFormat,
    detect_format,
    read_statement_file,
)
from smartiberica.kernel.statements.errors import ERR_EMPTY, ERR_UNKNOWN_FORMAT, ERR_UNREADABLE
from tests.statements.conftest import EXAMPLES, refused

NORMA43 = (EXAMPLES / "norma43-two-accounts.n43").read_bytes()
CAMT053 = (EXAMPLES / "camt053-one-account.xml").read_bytes()


def test_each_example_is_recognised_by_its_content() -> None:
    assert detect_format(NORMA43) == StatementFormat.NORMA43
    assert detect_format(CAMT053) == StatementFormat.CAMT053


def test_xml_after_a_byte_order_mark_and_blank_lines_is_still_camt() -> None:
    data = b"\xef\xbb\xbf\r\n  " + CAMT053

    assert detect_format(data) == StatementFormat.CAMT053
    assert len(read_statement_file(data).statements[0].lines) == 4


def test_a_csv_file_or_a_workbook_is_neither_format() -> None:
    csv = b"date,amount,description\n2024-03-04,100.00,Cuota\n"
    workbook = b"PK\x03\x04" + b"\x00" * 60

    assert detect_format(csv) is None and detect_format(workbook) is None
    assert refused(csv) == refused(workbook) == str(ERR_UNKNOWN_FORMAT)


def test_an_empty_file_is_refused_as_empty() -> None:
    assert refused(b"") == refused(b"\r\n  \n") == str(ERR_EMPTY)


def test_an_unexpected_error_in_a_reader_becomes_a_message_and_is_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_reader(data: bytes) -> tuple[statements.Statement, ...]:
        raise RuntimeError("a case the reader does not know yet")

    monkeypatch.setitem(statements.READERS, StatementFormat.NORMA43, broken_reader)

    assert refused(NORMA43) == str(ERR_UNREADABLE % {"format": "Norma 43"})
    assert "a case the reader does not know yet" in caplog.text


def _read_or_refuse(data: bytes) -> None:
    try:
        read_statement_file(data)
    except StatementFileError as error:
        assert error.message


@pytest.mark.parametrize(("name", "example", "step"), [("norma43", NORMA43, 7), ("camt053", CAMT053, 23)])
def test_a_file_cut_anywhere_is_read_or_refused_by_the_readers_themselves(
    name: str, example: bytes, step: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="smartiberica.kernel.statements"):
        for end in range(1, len(example), step):
            _read_or_refuse(example[:end])

    # The net under the readers logs what they did not foresee: nothing here.
    assert caplog.records == [], name


@pytest.mark.parametrize(("name", "example", "step"), [("norma43", NORMA43, 11), ("camt053", CAMT053, 19)])
def test_a_file_with_any_byte_spoilt_is_read_or_refused_by_the_readers_themselves(
    name: str, example: bytes, step: int, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="smartiberica.kernel.statements"):
        for position in range(0, len(example), step):
            for spoilt in (b"X", b"9"):
                _read_or_refuse(example[:position] + spoilt + example[position + 1 :])

    assert caplog.records == [], name
