"""The payload the simulated flight controller answers to each MSP command.

Layouts come from messages.py (the same dataclasses the client decodes with), so the simulator
and the client share one definition of every layout. Live values (IMU, attitude, battery,
receiver, motors) come from a `Board`, whose noise is drawn from a seeded generator: a run with
the same seed and the same requests gets the same answers.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import messages as m
from ..arming_flags import INAV_ARMING_DISABLE_NAMES
from ..batch import answer_batch
from ..msp import Cmd
from ..status import (
    BETAFLIGHT_SENSOR_BITS,
    INAV_HARDWARE_FAILURE_BIT,
    INAV_SENSOR_BITS,
    INAV_SENSOR_HEALTH,
    INAV_SENSOR_STATUS_ORDER,
)
from ..telemetry import BATTERY_STATES
from .profiles import Bench, Flavour
from .settings import Settings

MOTOR_OUTPUTS = 8  # MSP_MOTOR always sends 8 outputs
MOTOR_STOPPED = 1000
G_RAW = 512  # MSP_RAW_IMU's accelerometer scale: 512 is 1 g
# Hardware ids Betaflight reports when a sensor is missing (gyroHardware_e, accelerationSensor_e...)
_NONE_ID = {"GYRO": 0, "ACC": 1, "BARO": 1}
_NOT_BUILT_IN = m.SensorConfigActive.NOT_BUILT_IN
_INAV_BIT_BY_NAME = {name: bit for bit, name in INAV_ARMING_DISABLE_NAMES.items()}
#: INAV's MSP_STATUS_EX and MSP2_INAV_STATUS box-mode words as its SITL build sends them.
_INAV_BOX_MODES = 0x02000000
_INAV_ACTIVE_MODES = bytes.fromhex("0000000200000000")


@dataclass
class Board:
    """The physical state of the simulated board: what its sensors read right now."""

    flavour: Flavour
    bench: Bench
    rng: random.Random
    booted_at: float = field(default_factory=time.monotonic)
    motor_outputs: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.motor_outputs:
            self.motor_outputs = [MOTOR_STOPPED] * self.flavour.motor_count + [0] * (
                MOTOR_OUTPUTS - self.flavour.motor_count
            )

    @property
    def uptime_s(self) -> float:
        return time.monotonic() - self.booted_at

    # Battery -----------------------------------------------------------------------------
    @property
    def voltage_v(self) -> float:
        return self.bench.battery_cells * self.bench.cell_voltage

    @property
    def current_a(self) -> float:
        # Spinning motors draw roughly with the square of throttle: 6 A a motor at full.
        spin = sum(((out - MOTOR_STOPPED) / 1000) ** 2 for out in self._spinning())
        return (
            (self.bench.current_a + 6.0 * spin)
            if self.bench.battery_cells
            else self.bench.current_a
        )

    @property
    def mah_drawn(self) -> int:
        return int(self.current_a * self.uptime_s / 3.6)

    @property
    def battery_state(self) -> int:
        """Betaflight batteryState_e, from the per-cell voltage and vbat_*_cell_voltage defaults."""
        if not self.bench.battery_cells:
            return BATTERY_STATES.index("NOT_PRESENT")
        if self.bench.cell_voltage >= 3.5:
            return BATTERY_STATES.index("OK")
        return BATTERY_STATES.index("WARNING" if self.bench.cell_voltage >= 3.3 else "CRITICAL")

    # Sensors -----------------------------------------------------------------------------
    def _gauss(self, sigma: float) -> int:
        return round(self.rng.gauss(0.0, sigma)) if sigma else 0

    def attitude_deg(self) -> tuple[float, float]:
        return (
            self.bench.level_roll_deg + self.rng.gauss(0.0, 0.05),
            self.bench.level_pitch_deg + self.rng.gauss(0.0, 0.05),
        )

    def raw_imu(self) -> m.RawImu:
        sensors = self.bench.sensors
        gyro = (
            tuple(self._gauss(self.bench.gyro_noise_dps) for _ in range(3))
            if "GYRO" in sensors
            else (0, 0, 0)
        )
        acc = (0, 0, 0)
        if "ACC" in sensors:
            roll, pitch = (math.radians(a) for a in self.attitude_deg())
            level = (
                -math.sin(pitch),
                math.sin(roll) * math.cos(pitch),
                math.cos(roll) * math.cos(pitch),
            )
            x, y, z = (round(G_RAW * axis) + self._gauss(self.bench.acc_noise) for axis in level)
            acc = (x, y, z)
        mag = (
            (self._gauss(3), -1024 + self._gauss(3), self._gauss(3))
            if "MAG" in sensors
            else (0, 0, 0)
        )
        return m.RawImu(acc, gyro, mag)  # type: ignore[arg-type]

    def attitude(self) -> m.Attitude:
        if "ACC" not in self.bench.sensors:
            return m.Attitude(0, 0, 0)
        roll, pitch = self.attitude_deg()
        return m.Attitude(round(roll * 10), round(pitch * 10), self.bench.heading_deg)

    def rc(self) -> m.Rc:
        count = self.flavour.rc_channel_count
        if not self.bench.rc_link:
            # No receiver: Betaflight fills in its failsafe values (throttle at rx_min_usec).
            return m.Rc((1500, 1500, 1500, 885) + (1500,) * (count - 4))
        sticks = tuple(1500 + self.rng.randint(-2, 2) for _ in range(3))
        return m.Rc(sticks + (1000,) + (1000,) * (count - 4))

    # Motors ------------------------------------------------------------------------------
    def _spinning(self) -> list[int]:
        return [
            out for out in self.motor_outputs[: self.flavour.motor_count] if out > MOTOR_STOPPED
        ]

    def set_motors(self, outputs: list[int]) -> None:
        for index, value in enumerate(outputs[: self.flavour.motor_count]):
            self.motor_outputs[index] = value

    def motor_telemetry(self) -> m.MotorTelemetry:
        motors = []
        for out in self.motor_outputs[: self.flavour.motor_count]:
            throttle = max(0, out - MOTOR_STOPPED) / 1000
            if not self.bench.dshot_telemetry:
                motors.append(m.EscTelemetry(0, 0, 0, 0, 0, 0))
                continue
            rpm = (
                round(self.bench.motor_max_rpm * throttle * (1 + self.rng.gauss(0.0, 0.005)))
                if throttle
                else 0
            )
            current = round(600 * throttle**2)
            motors.append(m.EscTelemetry(rpm, 0, 31, round(self.voltage_v * 100), current, 0))
        return m.MotorTelemetry(tuple(motors))


def _betaflight_status(board: Board, cls: type[m.StatusEx]) -> bytes:
    flavour, bench = board.flavour, board.bench
    sensors = sum(
        1 << BETAFLIGHT_SENSOR_BITS.index(s) for s in bench.sensors if s in BETAFLIGHT_SENSOR_BITS
    )
    flags = sum(1 << flavour.arming_flag_bit(name) for name in bench.arming_flags)
    # MSP_STATUS sends a gyro cycle time where MSP_STATUS_EX sends the profile counts.
    profile_count = 4 if cls is m.StatusEx else 0
    rate_count = 4 if flavour.status_has_rate_profile_count else None
    return cls(
        cycle_time_us=0, i2c_errors=0, sensors_mask=sensors, flight_mode_flags=0, pid_profile=0,
        cpu_load_percent=0, arming_disable_flags_count=flavour.arming_flag_count,
        arming_disable_flags=flags, config_state_flags=0, cpu_temp_c=0,
        control_rate_profile_count=rate_count, pid_profile_count=profile_count, rate_profile=0,
    ).encode()  # fmt: skip


def _inav_sensors(bench: Bench) -> int:
    mask = sum(1 << INAV_SENSOR_BITS.index(s) for s in bench.sensors if s in INAV_SENSOR_BITS)
    return mask | (0 if "GYRO" in bench.sensors else 1 << INAV_HARDWARE_FAILURE_BIT)


def _inav_arming(bench: Bench) -> int:
    return sum(1 << _INAV_BIT_BY_NAME[name] for name in bench.arming_flags)


def _inav_sensor_status(bench: Bench) -> bytes:
    # A gyro that stopped answering is UNAVAILABLE (and fails the hardware); absent others are NONE.
    statuses = tuple(
        INAV_SENSOR_HEALTH.index(
            "OK" if name in bench.sensors else "UNAVAILABLE" if name == "GYRO" else "NONE"
        )
        for name in INAV_SENSOR_STATUS_ORDER
    )
    return m.InavSensorStatus("GYRO" in bench.sensors, statuses).encode()


def _inav_status_ex(board: Board, legacy: bool) -> bytes:
    payload = m.InavStatusEx(
        cycle_time_us=501, i2c_errors=0, sensors_mask=_inav_sensors(board.bench),
        box_mode_flags=_INAV_BOX_MODES, profile=0, cpu_load_percent=0,
        arming_flags=_inav_arming(board.bench) & 0xFFFF, acc_calibration_axis_flags=0,
    ).encode()  # fmt: skip
    # INAV's MSP_STATUS is the first 11 bytes of its MSP_STATUS_EX (fc_msp.c shares the code).
    return payload[:11] if legacy else payload


def _board_info(board: Board) -> bytes:
    flavour, bench = board.flavour, board.bench
    if flavour.is_inav:
        return m.BoardInfo(bench.board_identifier, 0, 2, 0, bench.target_name).encode()
    return m.BoardInfo(
        bench.board_identifier, 0, 0, 0, bench.target_name, board_name="", manufacturer_id="",
        signature=bytes(m.BoardInfo.SIGNATURE_SIZE), mcu_type_id=0, configuration_state=1,
        gyro_sample_rate_hz=flavour.gyro_sample_rate_hz,
        configuration_problems=flavour.configuration_problems, spi_device_count=0,
        i2c_device_count=0,
    ).encode()  # fmt: skip


def _sensor_config_active(board: Board) -> bytes:
    hardware = board.flavour.sensor_hardware
    gyro, acc, baro = (
        hardware[s] if s in board.bench.sensors else _NONE_ID[s] for s in ("GYRO", "ACC", "BARO")
    )
    # No magnetometer (MAG_NONE); rangefinder and optical flow are not built into the target.
    optical_flow = _NOT_BUILT_IN if board.flavour.sensor_active_fields > 5 else None
    return m.SensorConfigActive(
        gyro, acc, baro, mag=1, rangefinder=_NOT_BUILT_IN, opticalflow=optical_flow
    ).encode()


def _analog(board: Board) -> bytes:
    volts = board.voltage_v
    rssi = 1023 if board.bench.rc_link else 0
    fine = None if board.flavour.is_inav else round(volts * 100)
    return m.Analog(
        min(255, round(volts * 10)), board.mah_drawn, rssi, round(board.current_a * 100), fine
    ).encode()


def _battery_state(board: Board) -> bytes:
    volts = board.voltage_v
    return m.BatteryState(
        board.bench.battery_cells, 0, min(255, round(volts * 10)), board.mah_drawn,
        round(board.current_a * 100), board.battery_state, round(volts * 100),
    ).encode()  # fmt: skip


def _inav_analog(board: Board) -> bytes:
    bench = board.bench
    flags = board.battery_state << 2 | bench.battery_cells << 4
    volts, amps = board.voltage_v, board.current_a
    percentage = (
        max(0, min(100, round((bench.cell_voltage - 3.3) / 0.9 * 100)))
        if bench.battery_cells
        else 0
    )
    return m.InavAnalog(
        flags, round(volts * 100), round(amps * 100), round(volts * amps * 1000), board.mah_drawn,
        round(board.mah_drawn * volts), 0, percentage, 1023 if bench.rc_link else 0,
    ).encode()  # fmt: skip


def _motor_config(board: Board) -> bytes:
    flavour = board.flavour
    return m.MotorConfig(
        flavour.min_throttle,
        2000,
        1000,
        flavour.motor_count,
        14,
        board.bench.dshot_telemetry,
        False,
    ).encode()


def _set_motor(board: Board, payload: bytes) -> bytes:
    outputs = [int.from_bytes(payload[i : i + 2], "little") for i in range(0, len(payload) - 1, 2)]
    board.set_motors(outputs)
    return b""


_Answer = Callable[[Board, Settings, bytes], bytes]

ANSWERS: dict[int, _Answer] = {
    Cmd.MSP_API_VERSION: lambda b, s, p: m.ApiVersion(0, *b.flavour.api).encode(),
    Cmd.MSP_FC_VARIANT: lambda b, s, p: m.FcVariant(b.flavour.variant).encode(),
    Cmd.MSP_FC_VERSION: lambda b, s, p: m.FcVersion(
        *b.flavour.version, b.flavour.version_string
    ).encode(),
    Cmd.MSP_BOARD_INFO: lambda b, s, p: _board_info(b),
    Cmd.MSP_BUILD_INFO: lambda b, s, p: m.BuildInfo(
        b.flavour.build_date,
        b.flavour.build_time,
        b.flavour.git_revision,
        b.flavour.build_option_ids,
    ).encode(),
    Cmd.MSP_NAME: lambda b, s, p: m.Name(s.craft_name).encode(),
    Cmd.MSP_UID: lambda b, s, p: m.McuUniqueId(b.flavour.uid).encode(),
    Cmd.MSP2_MCU_INFO: lambda b, s, p: m.McuInfo(0, b.flavour.mcu_name).encode(),
    Cmd.MSP_FEATURE_CONFIG: lambda b, s, p: m.FeatureConfig(b.flavour.features_mask).encode(),
    Cmd.MSP_SENSOR_CONFIG: lambda b, s, p: (
        b.flavour.sensor_config or m.SensorConfig(0, 0, 0)
    ).encode(),
    Cmd.MSP2_SENSOR_CONFIG_ACTIVE: lambda b, s, p: _sensor_config_active(b),
    Cmd.MSP_STATUS: lambda b, s, p: (
        _inav_status_ex(b, legacy=True) if b.flavour.is_inav else _betaflight_status(b, m.FcStatus)
    ),
    Cmd.MSP_STATUS_EX: lambda b, s, p: (
        _inav_status_ex(b, legacy=False) if b.flavour.is_inav else _betaflight_status(b, m.StatusEx)
    ),
    Cmd.MSP_SENSOR_STATUS: lambda b, s, p: _inav_sensor_status(b.bench),
    Cmd.MSP2_INAV_STATUS: lambda b, s, p: m.InavStatus(
        501, 0, _inav_sensors(b.bench), 0, 0, 0, _inav_arming(b.bench), _INAV_ACTIVE_MODES, 0
    ).encode(),
    Cmd.MSP_RAW_IMU: lambda b, s, p: b.raw_imu().encode(),
    Cmd.MSP_ATTITUDE: lambda b, s, p: b.attitude().encode(),
    Cmd.MSP_RC: lambda b, s, p: b.rc().encode(),
    Cmd.MSP_ANALOG: lambda b, s, p: _analog(b),
    Cmd.MSP_BATTERY_STATE: lambda b, s, p: _battery_state(b),
    Cmd.MSP2_INAV_ANALOG: lambda b, s, p: _inav_analog(b),
    Cmd.MSP_MOTOR: lambda b, s, p: m.Motor(tuple(b.motor_outputs)).encode(),
    Cmd.MSP_MOTOR_CONFIG: lambda b, s, p: _motor_config(b),
    Cmd.MSP_MOTOR_TELEMETRY: lambda b, s, p: b.motor_telemetry().encode(),
    Cmd.MSP2_INAV_ESC_RPM: lambda b, s, p: m.InavEscRpm(tuple(b.motor_telemetry().rpm)).encode(),
    Cmd.MSP_SET_MOTOR: lambda b, s, p: _set_motor(b, p),
}


#: Commands the flight controller answers that take arguments or act: Betaflight 2025.12 refuses
#: them inside MSP_MULTIPLE_MSP; 4.5 would run them on an empty input (modelled as unknown).
_NOT_BATCHABLE = frozenset({Cmd.MSP_SET_MOTOR, Cmd.MSP_MULTIPLE_MSP})


def answer(board: Board, settings: Settings, cmd: int, payload: bytes) -> bytes | None:
    """The response payload, or None when this firmware answers the command with an error frame."""
    if cmd not in board.flavour.commands:
        return None
    if cmd == Cmd.MSP_MULTIPLE_MSP:
        return _multiple_msp(board, settings, payload)
    if cmd not in ANSWERS:
        return None
    return ANSWERS[cmd](board, settings, payload)


def _multiple_msp(board: Board, settings: Settings, payload: bytes) -> bytes | None:
    rules = board.flavour.batch_rules
    if rules is None:
        return None

    def answer_one(cmd: int) -> bytes | None:
        return None if cmd in _NOT_BATCHABLE else answer(board, settings, cmd, b"")

    return answer_batch(payload, answer_one, rules=rules, outbuf_size=board.flavour.outbuf_size)
