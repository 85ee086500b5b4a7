"""limits_from_mapping: the limits as data (a form, a JSON document), both ways, and refusals."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from firmware_checks.limits import (
    DEFAULT_LIMITS,
    BoardLimits,
    FirmwareLimits,
    GyroLimits,
    Limits,
    LimitsError,
    limits_from_mapping,
)

CUSTOM = dataclasses.replace(
    DEFAULT_LIMITS,
    firmware=FirmwareLimits(
        variants=("BTFL",), min_version={"BTFL": "4.5.0"}, max_version={"BTFL": "2025.12.5"}
    ),
    board=BoardLimits(board_id="S7X2", target="STM32F7X2"),
    gyro=GyroLimits(samples=80, max_std_dps=1.5),
)


@pytest.mark.parametrize("limits", [DEFAULT_LIMITS, CUSTOM], ids=["defaults", "custom"])
def test_the_dict_of_any_limits_reads_back_as_the_same_limits_even_through_json(
    limits: Limits,
) -> None:
    document = limits.to_dict()

    assert limits_from_mapping(document) == limits
    assert limits_from_mapping(json.loads(json.dumps(document))) == limits


def test_a_board_check_can_be_switched_off_again_with_none() -> None:
    off = limits_from_mapping({"board": {"board_id": None, "target": None}}, base=CUSTOM)

    assert off.board == BoardLimits()


def test_what_the_mapping_does_not_mention_keeps_the_base() -> None:
    limits = limits_from_mapping({"battery": {"min_cell_v": 3.6}}, base=CUSTOM)

    assert limits.battery.min_cell_v == 3.6
    assert limits.board == CUSTOM.board and limits.gyro == CUSTOM.gyro


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"gyros": {}}, "unknown section [gyros]"),
        ({"gyro": {"noise": 1}}, "unknown key gyro.noise"),
        ({"gyro": {"samples": 2.5}}, "gyro.samples must be a whole number"),
        ({"gyro": {"max_std_dps": "low"}}, "gyro.max_std_dps must be a number"),
        ({"gyro": {"max_std_dps": -1}}, "gyro.max_std_dps must be zero or more"),
        ({"gyro": {"samples": 1}}, "gyro.samples must be at least 2"),
        ({"battery": {"accept_usb_only": "yes"}}, "battery.accept_usb_only must be true or false"),
        ({"battery": {"min_cell_v": 4.4}}, "battery.min_cell_v (4.4) is above battery.max_cell_v"),
        ({"battery": {"min_cell_v": None}}, "battery.min_cell_v must be a number"),
        ({"sensors": {"required": ["gyro", 3]}}, "sensors.required must be a list of str"),
        (
            {"receiver": {"centred_channels": ["roll"]}},
            "receiver.centred_channels must be a list of int",
        ),
        (
            {"firmware": {"min_version": {"BTFL": "latest"}}},
            "firmware.min_version.BTFL is not a version",
        ),
        ({"firmware": {"variants": []}}, "firmware.variants must name at least one"),
        ({"board": {"target": 405}}, "board.target must be text"),
        ({"board": "S7X2"}, "[board] must be a table"),
        (["board"], "limits must be a table of sections"),
    ],
)
def test_bad_data_is_refused_with_the_place_named(data: Any, says: str) -> None:
    with pytest.raises(LimitsError) as refused:
        limits_from_mapping(data)

    assert says in str(refused.value)
