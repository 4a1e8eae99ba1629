"""The board's approvals in the demo story: 2017 to 2024 closed with their notes, and the 2024 pack
shared with Smart Belgium, as the cooperative would show it its figures."""

from __future__ import annotations

from datetime import date
from typing import Any

from smartiberica.board.closing import year_close
from smartiberica.board.funder_links import funder_link_create

LAST_CLOSED = 2024
NOTES = {
    2017: "First year of our own accounts, on shared services with other cooperatives.",
    2018: "Still living on shared services and Smart Belgium's support.",
    2019: "Last year of shared services; Smart Belgium covers the gap.",
    2020: "Fiare loan taken to get through 2020 without asking Smart Belgium for money",
    2021: "New services launched; the variable margin replaces the flat rate.",
    2022: "Own revenue grows with licences and risk-prevention training.",
    2023: "Accounting services and crowdfunding advice added to the catalogue.",
    2024: "Approved by the board; pack shared with Smart Belgium.",
}
SMART_BELGIUM = ("Smart Belgium", "finance@smart.coop")


def close_story_years(*, today: date, approver: Any) -> tuple[list[int], str]:
    """Approve the story's finished years up to 2024 and share the last one with Smart Belgium.

    Returns the closed years and the funder link's token (shown once, by the command).
    """
    years = [year for year in sorted(NOTES) if year < today.year]
    for year in years:
        year_close(year=year, user=approver, note=NOTES[year])
    name, email = SMART_BELGIUM
    _link, token = funder_link_create(
        year=years[-1], reader_name=name, reader_email=email, created_by=approver
    )
    return years, token
