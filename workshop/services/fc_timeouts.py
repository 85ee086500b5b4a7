"""How long the app waits for a flight controller: the one place FC_RUN_TIMEOUT and
FC_MSP_TIMEOUT are read, with their defaults."""

from flask import Flask

#: Seconds a whole run may take before it is closed as "could not test" (config FC_RUN_TIMEOUT).
RUN_TIMEOUT_S = 120.0
#: Seconds to wait for one MSP answer (config FC_MSP_TIMEOUT); the CLI waits derive from it.
MSP_TIMEOUT_S = 0.5


def run_timeout(app: Flask) -> float:
    return float(app.config.get("FC_RUN_TIMEOUT", RUN_TIMEOUT_S))


def msp_timeout(app: Flask) -> float:
    return float(app.config.get("FC_MSP_TIMEOUT", MSP_TIMEOUT_S))
