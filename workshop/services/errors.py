"""What a use case answers when it refuses: a sentence a volunteer can act on."""

from flask_babel import LazyString


class ServiceError(Exception):
    """A refused use case; nothing was changed. `message` is a translated sentence."""

    status_code = 400

    def __init__(self, message: LazyString | str) -> None:
        super().__init__(str(message))
        self.message = message


class NotFound(ServiceError):
    status_code = 404


class Forbidden(ServiceError):
    status_code = 403


class Conflict(ServiceError):
    """Someone else changed the unit since this page was loaded."""

    status_code = 409


class Invalid(ServiceError):
    status_code = 400
