from django.utils import translation

from smartiberica.lib.translated import TranslatedName


class Named(TranslatedName):
    class Meta:
        app_label = "smartiberica"
        managed = False


def test_a_name_follows_the_active_language_and_falls_back_to_spanish() -> None:
    named = Named(name_es="Formación PRL", name_fr="Formation PRL", name_en="")
    with translation.override("fr"):
        assert str(named) == "Formation PRL"
    with translation.override("en"):
        assert named.name == "Formación PRL"
    with translation.override("es"):
        assert named.name == "Formación PRL"
