from django.test.utils import isolate_apps
from django.utils import translation

from smartiberica.kernel.translated import TranslatedName


@isolate_apps("smartiberica")
def test_a_name_follows_the_active_language_and_falls_back_to_spanish() -> None:
    # A throwaway concrete model, registered in an isolated registry only, so that
    # dumpdata and migrations never meet it.
    class Named(TranslatedName):
        class Meta:
            app_label = "smartiberica"

    named = Named(name_es="Formación PRL", name_fr="Formation PRL", name_en="")
    with translation.override("fr"):
        assert str(named) == "Formation PRL"
    with translation.override("en"):
        assert named.name == "Formación PRL"
    with translation.override("es"):
        assert named.name == "Formación PRL"
