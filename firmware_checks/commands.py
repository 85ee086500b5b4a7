"""MSP command ids.

From Betaflight's msp_protocol.h and msp_protocol_v2_common.h, and INAV's msp_protocol_v2_inav.h.
"""

from __future__ import annotations

from enum import IntEnum


class Cmd(IntEnum):
    """The MSP commands firmware_checks asks or answers."""

    MSP_API_VERSION = 1
    MSP_FC_VARIANT = 2
    MSP_FC_VERSION = 3
    MSP_BOARD_INFO = 4
    MSP_BUILD_INFO = 5
    MSP_NAME = 10
    MSP_FEATURE_CONFIG = 36
    MSP_VTX_CONFIG = 88
    MSP_SENSOR_CONFIG = 96
    MSP_STATUS = 101
    MSP_RAW_IMU = 102
    MSP_MOTOR = 104
    MSP_RC = 105
    MSP_ATTITUDE = 108
    MSP_ANALOG = 110
    MSP_BATTERY_STATE = 130
    MSP_MOTOR_CONFIG = 131
    MSP_ESC_SENSOR_DATA = 134
    MSP_MOTOR_TELEMETRY = 139
    MSP_STATUS_EX = 150
    MSP_SENSOR_STATUS = 151  # INAV only: hardware health per sensor
    MSP_UID = 160
    MSP_SET_MOTOR = 214  # 8 x u16; spins motors: only on explicit confirmation, props off
    MSP_MULTIPLE_MSP = 230  # Betaflight: several commands in one request (batch.py); not INAV
    MSP_V2_FRAME = 255  # v1 frames with this command carry a v2 frame
    MSP2_INAV_STATUS = 0x2000
    MSP2_INAV_ANALOG = 0x2002
    MSP2_INAV_ESC_RPM = 0x2040  # INAV built with USE_ESC_SENSOR: u32 rpm a motor
    MSP2_SENSOR_CONFIG_ACTIVE = 0x300A
    MSP2_MCU_INFO = 0x300C
