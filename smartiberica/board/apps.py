from django.apps import AppConfig


class BoardConfig(AppConfig):
    """The layer that reads both apps: figures, pages, API, exports, charts. It has no models."""

    name = "smartiberica.board"
    label = "board"
