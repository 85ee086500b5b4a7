"""The settings: read from the environment once, refused with a sentence, documented."""

from pathlib import Path

import pytest

from workshop.config import SETTINGS, SettingError, from_environment

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_has_its_default_when_the_environment_is_silent():
    values = from_environment({})
    assert values["IDLE_LOGOUT_MINUTES"] == 60
    assert values["FC_RUN_TIMEOUT"] == 120.0
    assert values["PRINTER_TIMEOUT_SECONDS"] == 10.0
    assert values["DATABASE_URL"] is None and values["DEMO"] is None
    assert values["PIN_HASH_METHOD"] == "scrypt"


def test_the_environment_sets_typed_values():
    values = from_environment(
        {"WORKSHOP_IDLE_MINUTES": "15", "WORKSHOP_FC_MSP_TIMEOUT": "0.25", "WORKSHOP_DEMO": "0"}
    )
    assert values["IDLE_LOGOUT_MINUTES"] == 15
    assert values["FC_MSP_TIMEOUT"] == 0.25
    assert values["DEMO"] is False


@pytest.mark.parametrize(
    ("variable", "raw", "expected"),
    [
        ("WORKSHOP_IDLE_MINUTES", "an hour", "a whole number above 0"),
        ("WORKSHOP_IDLE_MINUTES", "-5", "a whole number above 0"),
        ("PORT", "99999999999999999999999", "a port number from 0 to 65535"),
        ("WORKSHOP_FC_RUN_TIMEOUT", "nan", "a number of seconds above 0"),
        ("WORKSHOP_PRINTER_TIMEOUT", "inf", "a number of seconds above 0"),
        ("WORKSHOP_DEMO", "yes", "1 or 0"),
    ],
)
def test_a_value_the_setting_cannot_take_is_refused_naming_the_variable(variable, raw, expected):
    with pytest.raises(SettingError) as refused:
        from_environment({variable: raw})
    assert variable in str(refused.value) and expected in str(refused.value)
    assert repr(raw) in str(refused.value)


def test_every_setting_is_in_the_readme_table():
    readme = README.read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"| `{setting.env}` |" in readme, setting.env
