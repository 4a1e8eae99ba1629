import pytest
from django.core.exceptions import ValidationError

from services import actions
from services import validation as v
from services.models import Client
from tests.services.factories import make_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("B58818501", "B58818501"),  # CIF
        ("b-58818501", "B58818501"),
        ("12345678z", "12345678Z"),  # NIF (DNI)
        ("X-1234567-L", "X1234567L"),  # NIE
        ("ES B58818501", "B58818501"),  # Spanish VAT number: stored in its national form
        ("FR 40 303 265 045", "FR40303265045"),  # EU VAT
        ("DE136695976", "DE136695976"),
    ],
)
def test_it_accepts_spanish_and_eu_tax_ids_and_stores_them_normalised(given: str, stored: str) -> None:
    assert v.validate_tax_id(given, is_foreign=False) == stored


@pytest.mark.parametrize("given", ["B58818502", "12345678A", "FR00000000000", "US-12-3456789"])
def test_it_refuses_an_invalid_tax_id_of_a_client_not_marked_foreign(given: str) -> None:
    with pytest.raises(ValidationError) as error:
        v.validate_tax_id(given, is_foreign=False)
    assert error.value.code == "tax_id_invalid"


def test_a_foreign_client_may_have_another_kind_of_id() -> None:
    assert v.validate_tax_id("us 12-3456789", is_foreign=True) == "US123456789"


def test_a_client_needs_a_tax_id() -> None:
    with pytest.raises(ValidationError) as error:
        v.validate_tax_id("  ", is_foreign=True)
    assert error.value.messages == [str(v.ERR_TAX_ID_REQUIRED)]


def test_the_model_form_path_normalises_and_refuses_a_duplicate_tax_id() -> None:
    make_client(name="Acme", tax_id="B58818501")
    duplicate = Client(name="Acme again", tax_id="es-b58818501")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert duplicate.tax_id == "B58818501"
    assert error.value.message_dict["tax_id"] == [str(v.ERR_TAX_ID_TAKEN)]


def test_client_get_or_create_matches_on_the_normalised_tax_id() -> None:
    first, created = actions.client_get_or_create(name="Acme Ediciones SL", tax_id="B-58818501")
    again, created_again = actions.client_get_or_create(name="ACME (typo)", tax_id="esb58818501")
    assert created and not created_again
    assert again.pk == first.pk
    assert again.name == "Acme Ediciones SL"
    assert Client.objects.count() == 1


def test_client_get_or_create_refuses_an_invalid_tax_id_and_writes_nothing() -> None:
    with pytest.raises(ValidationError) as error:
        actions.client_get_or_create(name="Nobody", tax_id="B58818502")
    assert "tax_id" in error.value.message_dict
    assert not Client.objects.exists()
