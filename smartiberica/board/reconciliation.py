"""Bank reconciliation (issue 20): what each bank line may be, ranked, and which suggestion is sure.

A line of money in may be a payment already recorded, a funding receipt (a loan drawdown is a
receipt of a loan source) or the payment of an invoice still open; money out may be a refund, a
loan repayment or an expense. For a batch of lines the candidates are read in a fixed number of
queries (`services.selectors.services_candidates`, `funding.selectors.funding_candidates`, one
query on banking for the records reconciled already, three for what the bank taught about IBANs),
never per line. The scoring is documented in docs/bank-statements.md ("Reconciliation").

A candidate has the line's amount exactly (its absolute value) and a date at most `WINDOW_DAYS`
from the line's; it scores, out of 100:

- 50 when one of its references (invoice number, receipt, expense or loan reference, the payment's
  own reference) appears in the line's reference, end-to-end reference or description;
- 25 when the line's counterparty IBAN was, on the latest line reconciled from it, the same
  client, funding source or supplier;
- up to 15 for the counterparty's name: the share of the shorter name's words found in the other;
- up to 10 for the date: 10 on the day, nothing at `WINDOW_DAYS`.

A suggestion is **confident** when it is the line's only candidate, or the only one whose
reference appears on the line; and only when no other line of the batch is confident about the
same record.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from banking.selectors import BankLine, MatchKind, last_records_by_iban, reconciled_records
from funding.selectors import FundingRecords, funding_candidates, funding_records
from services.selectors import ServicesRecords, services_candidates, services_records

WINDOW_DAYS = 60
BATCH_SIZE = 500
SHOWN = 3  # suggestions shown under a line
MIN_REFERENCE = 3  # a shorter reference ("7") would be found everywhere

POINTS_REFERENCE = 50
POINTS_IBAN = 25
POINTS_NAME = 15
POINTS_DATE = 10

# An open invoice: confirming it records its payment (with the line's date and amount).
INVOICE = "invoice"
# A funding receipt of a loan source, shown apart.
DRAWDOWN = "drawdown"

WHAT_LABELS: dict[str, StrOrPromise] = {
    MatchKind.PAYMENT: _("Payment"),
    MatchKind.REFUND: _("Refund"),
    MatchKind.RECEIPT: _("Funding receipt"),
    DRAWDOWN: _("Loan drawdown"),
    MatchKind.REPAYMENT: _("Loan repayment"),
    MatchKind.EXPENSE: _("Expense"),
    INVOICE: _("Open invoice: record its payment"),
}
ADMIN_PAGES = {
    MatchKind.PAYMENT: "admin:services_payment_change",
    MatchKind.REFUND: "admin:services_refund_change",
    MatchKind.RECEIPT: "admin:funding_fundingreceipt_change",
    MatchKind.REPAYMENT: "admin:funding_loanrepayment_change",
    MatchKind.EXPENSE: "admin:funding_expense_change",
    INVOICE: "admin:services_invoice_change",
}

# Words of company names that tell nothing apart: legal forms and joining words.
# fmt: off
NAME_NOISE = frozenset({
    "sa", "sl", "slu", "sll", "sal", "scoop", "coop", "sccl", "scl", "sc", "cb", "sau", "srl",
    "sas", "sarl", "ltd", "llc", "inc", "gmbh", "bv", "nv", "cia",
    "de", "del", "la", "las", "el", "los", "le", "les", "du", "des", "et", "and", "the", "of",
    "da", "do",
})
# fmt: on


@dataclass(frozen=True)
class Candidate:
    """A record a line may be: `kind` is a `MatchKind` value, or `INVOICE` for an open invoice."""

    kind: str
    what: str  # a key of WHAT_LABELS (a loan's receipt is a DRAWDOWN)
    record_id: int
    amount: Decimal
    starts: date  # the record's date (an open invoice's issue date)
    ends: date  # the same (an open invoice's due date: paid any day between is on time)
    title: str  # what staff know it by: an invoice number, a reference
    party_name: str  # the client, funding source or supplier
    references: tuple[str, ...]
    names: tuple[str, ...]
    party: str  # who pays or is paid, for the IBAN: "client:B12345678", "source:3", "supplier:endesa"

    @property
    def money_in(self) -> bool:
        return self.kind in (MatchKind.PAYMENT, MatchKind.RECEIPT, INVOICE)

    @property
    def what_label(self) -> StrOrPromise:
        return WHAT_LABELS[self.what]

    @property
    def admin_url(self) -> str:
        return reverse(ADMIN_PAGES[self.kind], args=[self.record_id])

    def days_from(self, day: date) -> int:
        if day < self.starts:
            return (self.starts - day).days
        return max(0, (day - self.ends).days)


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: int
    days: int
    reference: bool
    name_points: int
    iban: bool
    confident: bool = False


@dataclass(frozen=True)
class LineSuggestions:
    line: BankLine
    suggestions: tuple[Suggestion, ...]  # best first

    @property
    def confident(self) -> Suggestion | None:
        return next((s for s in self.suggestions if s.confident), None)

    @property
    def shown(self) -> tuple[Suggestion, ...]:
        return self.suggestions[:SHOWN]


# --- Comparing texts ---------------------------------------------------------------------------


def _plain(text: str) -> str:
    """Lower case, accents off."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def compact_reference(text: str) -> str:
    """A reference as compared: lower case, letters and digits only ("F 2024/0001" → "f20240001")."""
    return re.sub(r"[^0-9a-z]", "", _plain(text))


def reference_found(reference: str, texts: Iterable[str]) -> bool:
    """Whether `reference` appears in one of `texts`, case, spaces and punctuation ignored; a
    reference ending (starting) with a digit must not be followed (preceded) by another digit, so
    that F-2024-1 is not found in F-2024-12."""
    wanted = compact_reference(reference)
    if len(wanted) < MIN_REFERENCE:
        return False
    pattern = re.compile(
        ("(?<![0-9])" if wanted[0].isdigit() else "")
        + re.escape(wanted)
        + ("(?![0-9])" if wanted[-1].isdigit() else "")
    )
    return any(pattern.search(compact_reference(text)) for text in texts if text)


def name_words(text: str) -> frozenset[str]:
    """The words of a name that tell it apart (legal forms and joining words left out)."""
    words = re.findall(r"[0-9a-z]+", _plain(text))
    return frozenset(w for w in words if w not in NAME_NOISE and len(w) > 1)


def name_points(line_words: frozenset[str], names: Iterable[str]) -> int:
    """POINTS_NAME × the share of the shorter name's words found in the other (best name)."""
    best = 0
    for name in names:
        words = name_words(name)
        if words and line_words:
            best = max(best, POINTS_NAME * len(words & line_words) // min(len(words), len(line_words)))
    return best


def _line_words(line: BankLine) -> frozenset[str]:
    # Norma 43 often names the other party in the concepts only.
    return name_words(line.counterparty_name or line.description)


# --- Candidates --------------------------------------------------------------------------------


def _supplier_key(name: str) -> str:
    return "supplier:" + " ".join(sorted(name_words(name)))


def candidates_of(services: ServicesRecords, funding: FundingRecords) -> list[Candidate]:
    """The records read from both apps, as candidates."""
    found: list[Candidate] = []
    for kind, movements in ((MatchKind.PAYMENT, services.payments), (MatchKind.REFUND, services.refunds)):
        found += [
            Candidate(
                kind=kind,
                what=kind,
                record_id=m.id,
                amount=m.amount,
                starts=m.date,
                ends=m.date,
                title=m.invoice_number,
                party_name=m.client_name,
                references=tuple(r for r in (m.invoice_number, m.reference) if r),
                names=(m.client_name,),
                party=f"client:{m.client_tax_id}",
            )
            for m in movements
        ]
    found += [
        Candidate(
            kind=INVOICE,
            what=INVOICE,
            record_id=i.id,
            amount=i.amount_due,
            starts=i.issue_date,
            ends=i.due_date,
            title=i.number,
            party_name=i.client_name,
            references=(i.number,),
            names=(i.client_name,),
            party=f"client:{i.client_tax_id}",
        )
        for i in services.open_invoices
    ]
    found += [
        Candidate(
            kind=MatchKind.RECEIPT,
            what=DRAWDOWN if r.is_drawdown else MatchKind.RECEIPT,
            record_id=r.id,
            amount=r.amount,
            starts=r.date,
            ends=r.date,
            title=r.reference,
            party_name=r.source_name,
            references=(r.reference,),
            names=tuple(n for n in (r.source_name, r.source_counterparty) if n),
            party=f"source:{r.source_id}",
        )
        for r in funding.receipts
    ]
    found += [
        Candidate(
            kind=MatchKind.REPAYMENT,
            what=MatchKind.REPAYMENT,
            record_id=p.id,
            amount=p.amount,
            starts=p.date,
            ends=p.date,
            title=p.loan_reference,
            party_name=p.lender_name,
            references=(p.loan_reference,),
            names=tuple(n for n in (p.lender_name, p.lender_counterparty) if n),
            party=f"source:{p.lender_id}",
        )
        for p in funding.repayments
    ]
    found += [
        Candidate(
            kind=MatchKind.EXPENSE,
            what=MatchKind.EXPENSE,
            record_id=e.id,
            amount=e.amount,
            starts=e.date,
            ends=e.date,
            title=e.reference,
            party_name=e.supplier,
            references=(e.reference,),
            names=(e.supplier,),
            party=_supplier_key(e.supplier),
        )
        for e in funding.expenses
    ]
    return found


def records_by_id(records: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Candidate]:
    """Records named by (kind, id), as candidates (one query for each kind named)."""
    ids: dict[str, set[int]] = defaultdict(set)
    for kind, record_id in records:
        ids[kind].add(record_id)
    services = (
        services_records(
            payments=ids[MatchKind.PAYMENT], refunds=ids[MatchKind.REFUND], invoices=ids[INVOICE]
        )
        if ids[MatchKind.PAYMENT] or ids[MatchKind.REFUND] or ids[INVOICE]
        else ServicesRecords()
    )
    kinds = (MatchKind.RECEIPT, MatchKind.REPAYMENT, MatchKind.EXPENSE)
    funding = (
        funding_records(
            receipts=ids[MatchKind.RECEIPT],
            repayments=ids[MatchKind.REPAYMENT],
            expenses=ids[MatchKind.EXPENSE],
        )
        if any(ids[kind] for kind in kinds)
        else FundingRecords()
    )
    return {(c.kind, c.record_id): c for c in candidates_of(services, funding)}


def _batch_candidates(lines: Sequence[BankLine]) -> list[Candidate]:
    """Every record of the batch's amounts within its window, those reconciled already left out."""
    first = min(line.booking_date for line in lines) - timedelta(days=WINDOW_DAYS)
    last = max(line.booking_date for line in lines) + timedelta(days=WINDOW_DAYS)
    money_in = [line.amount for line in lines if line.amount > 0]
    money_out = [-line.amount for line in lines if line.amount < 0]
    found = candidates_of(
        services_candidates(money_in=money_in, money_out=money_out, first=first, last=last),
        funding_candidates(money_in=money_in, money_out=money_out, first=first, last=last),
    )
    by_kind: dict[str, list[int]] = defaultdict(list)
    for candidate in found:
        if candidate.kind != INVOICE:
            by_kind[candidate.kind].append(candidate.record_id)
    taken = reconciled_records(records=by_kind)
    return [c for c in found if (c.kind, c.record_id) not in taken]


def _parties_by_iban(lines: Sequence[BankLine]) -> dict[str, str]:
    """Who each counterparty IBAN of the batch was, on the latest line reconciled from it."""
    last = last_records_by_iban(ibans={line.counterparty_iban for line in lines})
    if not last:
        return {}
    records = records_by_id(last.values())
    return {iban: records[key].party for iban, key in last.items() if key in records}


# --- Scoring -----------------------------------------------------------------------------------


def score(line: BankLine, candidate: Candidate, *, party: str | None) -> Suggestion:
    days = candidate.days_from(line.booking_date)
    texts = (line.reference, line.end_to_end, line.description)
    reference = any(reference_found(r, texts) for r in candidate.references)
    names = name_points(_line_words(line), candidate.names)
    iban = party is not None and party == candidate.party
    points = (
        (POINTS_REFERENCE if reference else 0)
        + (POINTS_IBAN if iban else 0)
        + names
        + POINTS_DATE * max(0, WINDOW_DAYS - days) // WINDOW_DAYS
    )
    return Suggestion(
        candidate=candidate, score=points, days=days, reference=reference, name_points=names, iban=iban
    )


def _ranked(line: BankLine, pool: Iterable[Candidate], party: str | None) -> tuple[Suggestion, ...]:
    scored = [score(line, c, party=party) for c in pool if c.days_from(line.booking_date) <= WINDOW_DAYS]
    scored.sort(key=lambda s: (-s.score, s.days, s.candidate.kind, s.candidate.record_id))
    with_reference = [s for s in scored if s.reference]
    sure = scored[0] if len(scored) == 1 else with_reference[0] if len(with_reference) == 1 else None
    return tuple(replace(s, confident=True) if s is sure else s for s in scored)


def _one_line_per_record(found: list[LineSuggestions]) -> list[LineSuggestions]:
    """A record two lines are confident about is nobody's confident suggestion."""
    claims = Counter(
        (s.candidate.kind, s.candidate.record_id) for f in found if (s := f.confident) is not None
    )
    shared = {key for key, n in claims.items() if n > 1}
    if not shared:
        return found
    return [
        replace(
            f,
            suggestions=tuple(
                replace(s, confident=False) if (s.candidate.kind, s.candidate.record_id) in shared else s
                for s in f.suggestions
            ),
        )
        for f in found
    ]


def _suggest_batch(lines: Sequence[BankLine]) -> list[LineSuggestions]:
    pool: dict[tuple[bool, Decimal], list[Candidate]] = defaultdict(list)
    for candidate in _batch_candidates(lines):
        pool[candidate.money_in, candidate.amount].append(candidate)
    parties = _parties_by_iban(lines)
    found = [
        LineSuggestions(
            line=line,
            suggestions=_ranked(
                line, pool.get((line.money_in, abs(line.amount)), ()), parties.get(line.counterparty_iban)
            ),
        )
        for line in lines
    ]
    return _one_line_per_record(found)


def suggest(lines: Sequence[BankLine]) -> list[LineSuggestions]:
    """The ranked suggestions of each line (reconciled lines get none), in the lines' order; a
    fixed number of queries for each batch of `BATCH_SIZE` lines."""
    open_lines = [line for line in lines if not line.reconciled and line.amount != 0]
    found: dict[int, LineSuggestions] = {}
    for start in range(0, len(open_lines), BATCH_SIZE):
        found.update((f.line.id, f) for f in _suggest_batch(open_lines[start : start + BATCH_SIZE]))
    return [found.get(line.id) or LineSuggestions(line=line, suggestions=()) for line in lines]
