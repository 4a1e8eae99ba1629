"""The demo story: Smart Ibérica from 2017 to today, with invented but plausible figures.

Everything is written through the apps' actions, the same code paths staff use,
so the demo can never hold what the app would refuse. The data is deterministic:
no randomness, only the calendar up to `today`.

The story, in figures:
- 2017–2018: accounting office, premises and software shared with other Andalusian
  cooperatives (a small share paid, a large avoided cost counted as in-kind support);
  Smart Belgium sends quarterly support.
- 2019: mutualisation ends: the cooperative pays those services alone. Donated services count
  as a cost and as support (figures v2), so the year shows lost in-kind support and higher
  expenses, not a jump of total costs.
- 2020: Smart Belgium's support shrinks; the Fiare loan carries the year; a pandemic
  dip in members' turnover; the cost budget is revised down; the variable-margin
  pilot starts (banded rates).
- 2021 onwards: new services grow (project support for Hachette, Teams licences and
  server rental, PRL training platforms, accounting services, crowdfunding advice
  with Nanoma), Smart Belgium's support ends, and self-financing passes 100 %.

The story is told in `story_services` (clients, contracts, invoices, payments, member turnover,
revenue targets) and `story_funding` (sources, support, the loan, shared services, expenses,
budgets); `story_calendar` holds the calendar both share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from smartiberica.demo.story_calendar import FIRST_YEAR
from smartiberica.demo.story_funding import load_funding
from smartiberica.demo.story_services import load_services

__all__ = ["FIRST_YEAR", "Summary", "load"]


@dataclass
class Summary:
    invoices: int = 0
    payments: int = 0
    expenses: int = 0
    receipts: int = 0
    months: int = 0


def load(*, today: date) -> Summary:
    summary = Summary()
    load_funding(today, summary)
    load_services(today, summary)
    return summary
