from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    # These tests read the actions' refusals word for word, as written in the code (English);
    # pages asked for through the test client still follow the request's language.
    with translation.override("en"):
        yield
