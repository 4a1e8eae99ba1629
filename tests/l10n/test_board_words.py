"""The year page's words and numbers in each language.

Before: the year-over-year column was headed with the verb ("Cambiar", "Changer") and the
effective number of sources read "≈ 4.2 fuentes efectivas" in Spanish.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from smartiberica.board.figures import yearly_figures
from smartiberica.kernel.money import format_number
from tests.board.story import Story, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(db: None) -> Story:
    """The board's test story (tests/board/story.py): two years of records."""
    return build()


def year_page(client: Client, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get("/years/2024/").content.decode()


def resources_header(html: str) -> list[str]:
    table = html.split('id="resources-title"')[1].split("</thead>")[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th[^>]*>.*?</th>", table)]


@pytest.mark.parametrize(("language", "word"), [("es", "Variación"), ("fr", "Variation"), ("en", "Change")])
def test_the_year_on_year_column_is_headed_with_the_noun(
    story: Story, board_client: Client, language: str, word: str
) -> None:
    assert resources_header(year_page(board_client, language))[-1] == word


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("es", "≈ {n} fuentes efectivas"),
        ("fr", "≈ {n} sources effectives"),
        ("en", "≈ {n} effective sources"),
    ],
)
def test_the_effective_number_of_sources_reads_the_readers_way(
    story: Story, board_client: Client, language: str, sentence: str
) -> None:
    effective = yearly_figures(year=2024, basis="accrual").effective_sources
    assert effective is not None and effective >= 1  # e.g. 2.0769: a decimal mark to get right
    with translation.override(language):
        expected = sentence.format(n=format_number(effective, places=1))
    assert expected in year_page(board_client, language)
