"""Names that staff edit and that show in the reader's language.

Seeded reference data (service lines, expense categories) has stable codes and
names in the three UI languages, stored as columns so that staff can edit them in
the admin; gettext only covers strings that live in the code.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TranslatedName(models.Model):
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "es").split("-")[0]
        return str(getattr(self, f"name_{language}", "") or self.name_es)
