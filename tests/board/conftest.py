import pytest

from tests.board.story import Story, build


@pytest.fixture
def story(db: None) -> Story:
    return build()
