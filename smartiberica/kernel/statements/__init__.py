"""Bank statement files, Norma 43 and CAMT.053, read into plain dataclasses (no database).

`read_statement_file(data)` tells the format from the content (never from the file's name), reads
every account's statement in it and checks that each opening balance plus its movements makes its
closing balance. A file it cannot take is refused with `StatementFileError`, whose `message` is one
translated sentence naming the line, record or element to look at; no exception of the libraries
underneath ever reaches the caller. docs/bank-statements.md describes both formats.
"""

from __future__ import annotations

import logging

from smartiberica.kernel.statements.camt053 import looks_like_xml, read_camt053
from smartiberica.kernel.statements.errors import (
    ERR_EMPTY,
    ERR_UNKNOWN_FORMAT,
    ERR_UNREADABLE,
    StatementFileError,
    refuse,
)
from smartiberica.kernel.statements.model import ParsedFile, Statement, StatementFormat, StatementLine
from smartiberica.kernel.statements.norma43 import looks_like_norma43, read_norma43

__all__ = [
    "ParsedFile",
    "Statement",
    "StatementFileError",
    "StatementFormat",
    "StatementLine",
    "detect_format",
    "read_statement_file",
]

logger = logging.getLogger(__name__)

READERS = {StatementFormat.NORMA43: read_norma43, StatementFormat.CAMT053: read_camt053}


def detect_format(data: bytes) -> StatementFormat | None:
    """The format the content is written in: XML is taken for CAMT.053 (its reader refuses other XML
    messages by name), text that starts with an account header (record 11) for Norma 43."""
    if looks_like_xml(data):
        return StatementFormat.CAMT053
    if looks_like_norma43(data):
        return StatementFormat.NORMA43
    return None


def read_statement_file(data: bytes) -> ParsedFile:
    """The statements of a Norma 43 or CAMT.053 file, or StatementFileError with the reason."""
    if not data.strip(b"\xef\xbb\xbf \t\r\n\x1a"):
        raise refuse(ERR_EMPTY)
    file_format = detect_format(data)
    if file_format is None:
        raise refuse(ERR_UNKNOWN_FORMAT)
    try:
        statements = READERS[file_format](data)
    except StatementFileError:
        raise
    except Exception as error:
        # The readers turn every error they expect into a message; this is the net under them, so
        # a file never ends in a traceback. Logged: it means a reader has a case to learn.
        logger.exception("Unexpected error while reading a %s statement file", file_format.label)
        raise refuse(ERR_UNREADABLE, format=file_format.label) from error
    return ParsedFile(format=file_format, statements=statements)
