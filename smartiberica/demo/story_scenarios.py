"""The demo's projection scenarios, written by the board's demo user as the board would.

Three what-ifs of the story: 2021 seen from its eve without Smart Belgium's support; the
structure margin raised to 8 % from the start of the current year; Hachette, the largest client
of project support, gone from the start of the current year.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from funding import selectors as funding_selectors
from services import selectors as services_selectors
from smartiberica.board.scenario_actions import scenario_create
from smartiberica.demo.story_services import CLIENTS

SMART_BELGIUM = "smart-belgium"


def load_scenarios(*, today: date, author: Any) -> int:
    """Write the three scenarios; returns how many."""
    source_id = next(s.id for s in funding_selectors.sources_for_choice() if s.code == SMART_BELGIUM)
    hachette_tax_id = CLIENTS["hachette"][1]
    client_id = next(c.id for c in services_selectors.clients_for_choice() if c.tax_id == hachette_tax_id)
    year_start = date(today.year, 1, 1)
    scenario_create(
        author=author,
        slug="smart-belgium-stops-2021",
        name="Smart Belgium deja de apoyar en 2021",
        description="2021 visto desde el 31/12/2020: sin el apoyo de Smart Belgium desde el 1 de enero.",
        seen_from=date(2020, 12, 31),
        stopped_source_id=source_id,
        source_stops_on=date(2021, 1, 1),
    )
    scenario_create(
        author=author,
        slug="structure-margin-8",
        name="Margen de estructura al 8 %",
        description="Estructura 8,00 % y fondo de garantía 2,00 % desde el 1 de enero.",
        structure_rate=Decimal("8.00"),
        fund_rate=Decimal("2.00"),
        rates_from=year_start,
    )
    scenario_create(
        author=author,
        slug="hachette-leaves",
        name="Hachette se va",
        description="Hachette Livre deja de contratar el acompañamiento de proyectos desde el 1 de enero.",
        lost_client_id=client_id,
        client_lost_on=year_start,
    )
    return 3
