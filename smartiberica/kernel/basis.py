"""The two bases on which the board reads a year: what was invoiced or due (accrual) or what moved
through the bank (cash). Both apps' selectors and the board's figures speak of it."""

from typing import Literal

Basis = Literal["accrual", "cash"]
BASES: tuple[Basis, ...] = ("accrual", "cash")

# Where a selector reads its yearly sums: the monthly rollups the actions keep in step with the
# records (the pages), or the records themselves (the oracle `check_rollups` compares them with).
Source = Literal["rollups", "raw"]

# Which clients a year's figures list: every client with revenue (the API, the exports, the
# snapshots), or only the largest `TOP_CLIENTS` (the pages, which show no more): at 5,000 clients a
# year, decoding every list of every year of a trend was most of a page's time. "none" reads no
# client, for a caller that shows no client figure (the multi-year page's projection, which gives
# only the self-financing ratio): the list is empty and the client concentration None.
Clients = Literal["all", "top", "none"]
TOP_CLIENTS = 10
# How many clients each scope lists (None: all of them).
LISTED: dict[Clients, int | None] = {"all": None, "top": TOP_CLIENTS, "none": 0}
