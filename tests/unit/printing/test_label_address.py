"""The label base URL an admin types: tidied when it will work, refused with the reason when not."""

import pytest

from tests.helpers import in_english
from workshop.services.errors import Invalid
from workshop.services.settings import clean_base_url


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("http://192.168.1.10:5000", "http://192.168.1.10:5000"),
        ("  https://192.168.1.10:5443/  ", "https://192.168.1.10:5443"),
        ("http://workshop.lan", "http://workshop.lan"),
        ("http://[fd00::10]:5000", "http://[fd00::10]:5000"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_a_usable_address_is_kept_without_its_trailing_slash(typed, kept):
    assert clean_base_url(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "192.168.1.10:5000",  # no scheme: a phone would not open it as a web address
        "ftp://192.168.1.10",
        "http://",
        "http://192.168.1.10:99999",
        "http://192.168.1.10:5000/?next=/",
        "http://192.168.1.10:5000/#top",
        "http://" + "a" * 100 + ".lan",
    ],
)
def test_an_address_a_tablet_cannot_open_is_refused(typed, app):
    with pytest.raises(Invalid) as refused:
        clean_base_url(typed)
    assert "must look like http://192.168.1.10:5000" in in_english(refused.value.message)


def test_an_address_too_long_for_the_smallest_label_names_that_stock(app):
    with pytest.raises(Invalid) as refused:
        clean_base_url("http://" + "workshop-" * 9 + "lan:5000")
    assert "too long for the QR code on 17x54 labels" in in_english(refused.value.message)
