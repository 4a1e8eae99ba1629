"""The funder-link section of a closed year's page (`board/_funder_links.html`).

The section sits on the year page, whose view belongs to the dashboard; this tag brings its own
rows so that the page's view stays as it is. It runs for a closed year only, in one query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from smartiberica.board.funder_links import LinkRow, year_links
from smartiberica.board.pack_views import FunderLinkForm

register = template.Library()


@dataclass(frozen=True)
class YearLinks:
    links: list[LinkRow]
    form: FunderLinkForm


@register.simple_tag
def funder_link_rows(year: int) -> YearLinks:
    return YearLinks(links=year_links(year), form=FunderLinkForm())
