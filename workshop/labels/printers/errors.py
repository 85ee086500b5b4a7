"""Why a label did not reach its printer, as a reason code a service turns into a sentence."""


class PrinterError(Exception):
    """Sending or preparing a label failed. `reason` is one of REASONS; `detail` is technical."""

    REASONS = (
        "refused",  # nothing listens at that address and port
        "timeout",  # the printer did not answer in time
        "unreachable",  # no route, unknown host name, connection dropped
        "no_device",  # a USB printer that is not plugged in or not permitted
        "printer_error",  # the printer answered with an error (out of labels, cover open)
        "bad_address",  # the address is not one this kind of printer is reached by
        "unknown_model",
        "unsupported_stock",  # this printer cannot print on that stock
        "unknown_kind",
    )

    def __init__(self, reason: str, address: str, detail: str = "") -> None:
        assert reason in self.REASONS, reason
        super().__init__(f"{reason}: {address} {detail}".strip())
        self.reason = reason
        self.address = address
        self.detail = detail
