"""Flask-WTF forms: CSRF on every one, validation messages in the volunteer's language."""

from datetime import date
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from workshop import vocabulary
from workshop.field_life import FieldFailure, LossReason
from workshop.workflow import LOSS_REASONS, WORK_STAGES, Action, Reason, Role

PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]

T = TypeVar("T")


def required(data: T | None) -> T:
    """The data of a field that its validators require (DataRequired, InputRequired).

    A form that validated has it; None here means a view read the field before validating.
    """
    if data is None:
        raise ValueError("a required form field has no data: validate the form first")
    return data


class LoginForm(FlaskForm):
    username = StringField(_l("Name or callsign"), validators=[DataRequired(), Length(max=64)])
    pin = PasswordField(
        _l("PIN"),
        validators=[DataRequired(), Regexp(r"^\d{4,12}$", message=_l("A PIN is 4 to 12 digits."))],
    )


class ScanForm(FlaskForm):
    code = StringField(_l("Scan a label or type a serial"), validators=[Length(max=300)])


class BadgeForm(FlaskForm):
    """A scanned badge, and the PIN when the workshop asks for one."""

    code = HiddenField(validators=[InputRequired(), Length(max=16)])
    pin = PasswordField(
        _l("PIN"),
        validators=[Optional(), Regexp(r"^\d{4,12}$", message=_l("A PIN is 4 to 12 digits."))],
    )


class NewUnitForm(FlaskForm):
    drone_type = SelectField(_l("Drone type"), coerce=int, validators=[InputRequired()])


class VersionedForm(FlaskForm):
    """Every form that changes a unit carries the version the person saw."""

    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d+$")])


class PartForm(VersionedForm):
    bom_item = HiddenField(validators=[InputRequired(), Regexp(r"^\d+$")])
    code = StringField(_l("Serial or lot code"), validators=[DataRequired(), Length(max=64)])


class FinishForm(VersionedForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    photo = FileField(
        _l("Photo"), validators=[FileAllowed(PHOTO_TYPES, _l("Photos only: JPEG, PNG or WebP."))]
    )


def reason_choices() -> list[tuple[str, str]]:
    return [(r.value, vocabulary.REASON_NAMES[r]) for r in Reason]


def stage_choices() -> list[tuple[str, str]]:
    return [("", _l("Where the reason says"))] + [
        (s.value, vocabulary.STAGE_NAMES[s]) for s in WORK_STAGES
    ]


class ReworkForm(VersionedForm):
    """Fail a stage, reject a review or take a unit back: a reason names where work restarts."""

    reason = SelectField(_l("Reason"), choices=reason_choices, validators=[InputRequired()])
    rework_stage = SelectField(
        _l("Back to stage (with “Other”)"), choices=stage_choices, validators=[Optional()]
    )
    text = TextAreaField(_l("Details"), validators=[Optional(), Length(max=2000)])


class StatusForm(VersionedForm):
    """Hold, release or scrap, with the person's words."""

    text = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class ApproveForm(VersionedForm):
    text = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class DeliveryForm(VersionedForm):
    receiver_code = StringField(
        _l("Receiving unit's code"), validators=[DataRequired(), Length(min=2, max=32)]
    )
    delivered_on = DateField(_l("Date"), default=date.today, validators=[InputRequired()])


def field_failure_choices() -> list[tuple[str, str]]:
    return [(f.value, vocabulary.FIELD_FAILURE_NAMES[f]) for f in FieldFailure]


class ReturnForm(VersionedForm):
    """A unit back from the field: who brought it, when, what failed, notes and photos."""

    receiver_code = StringField(
        _l("Brought by (the receiving unit's code)"),
        validators=[DataRequired(), Length(min=2, max=32)],
    )
    returned_on = DateField(_l("Date"), default=date.today, validators=[InputRequired()])
    reason = SelectField(
        _l("What failed in the field"), choices=field_failure_choices, validators=[InputRequired()]
    )
    reason_text = TextAreaField(
        _l("Details (required with “Other”)"), validators=[Optional(), Length(max=2000)]
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    photos = MultipleFileField(
        _l("Photos"), validators=[FileAllowed(PHOTO_TYPES, _l("Photos only: JPEG, PNG or WebP."))]
    )


def repair_stage_choices() -> list[tuple[str, str]]:
    return [(s.value, vocabulary.STAGE_NAMES[s]) for s in WORK_STAGES]


class ReturnDecisionForm(VersionedForm):
    """Repair from a stage, scrap, or give back as is: one form, a button for each."""

    stage = SelectField(
        _l("Repair starts at"),
        choices=repair_stage_choices,
        default="bench_test",
        validators=[Optional()],
    )
    text = TextAreaField(
        _l("Why (required to scrap or give back)"), validators=[Optional(), Length(max=2000)]
    )


class LossForm(VersionedForm):
    """A delivered unit lost or destroyed: the date and a reason, never where or how."""

    happened_on = DateField(_l("Date"), default=date.today, validators=[InputRequired()])
    reason = SelectField(_l("Reason"), validators=[InputRequired()])


def loss_form(action: Action, prefix: str, **kwargs) -> LossForm:
    """The loss form of `action` (mark lost, mark destroyed), offering the reasons that fit it."""
    form = LossForm(prefix=prefix, **kwargs)
    form.reason.choices = [
        (r.value, vocabulary.LOSS_REASON_NAMES[r]) for r in LossReason if r in LOSS_REASONS[action]
    ]
    return form


class PartSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only search by GET

    q = StringField(_l("Part serial or lot"), validators=[Optional(), Length(max=64)])


class DroneTypeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    prefix = StringField(
        _l("Serial prefix"),
        validators=[
            DataRequired(),
            Regexp(r"^[A-Za-z0-9]{2,8}$", message=_l("2 to 8 Latin letters or digits.")),
        ],
    )
    active = BooleanField(_l("In production"), default=True)
    bom = TextAreaField(_l("Bill of materials"), validators=[Length(max=20000)])
    checklist_kitting = TextAreaField(
        vocabulary.STAGE_NAMES["kitting"], validators=[Length(max=20000)]
    )
    checklist_soldering = TextAreaField(
        vocabulary.STAGE_NAMES["soldering"], validators=[Length(max=20000)]
    )
    checklist_flashing = TextAreaField(
        vocabulary.STAGE_NAMES["flashing"], validators=[Length(max=20000)]
    )
    checklist_bench_test = TextAreaField(
        vocabulary.STAGE_NAMES["bench_test"], validators=[Length(max=20000)]
    )
    care_notes = TextAreaField(_l("Care notes for the passport"), validators=[Length(max=1500)])


def role_choices() -> list[tuple[str, str]]:
    return [(r.value, vocabulary.ROLE_NAMES[r]) for r in Role]


class NewUserForm(FlaskForm):
    name = StringField(_l("Name or callsign"), validators=[DataRequired(), Length(max=64)])
    role = SelectField(_l("Role"), choices=role_choices)
    pin = PasswordField(
        _l("PIN"),
        validators=[DataRequired(), Regexp(r"^\d{4,12}$", message=_l("A PIN is 4 to 12 digits."))],
    )


class EditUserForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices)
    active = BooleanField(_l("Active"))
    pin = PasswordField(
        _l("New PIN (leave empty to keep)"),
        validators=[Optional(), Regexp(r"^\d{4,12}$", message=_l("A PIN is 4 to 12 digits."))],
    )


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[InputRequired()])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    key = StringField(_l("Serial or id"), validators=[Optional(), Length(max=40)])
    page = IntegerField(default=1, validators=[Optional()])


class LabelSettingsForm(FlaskForm):
    """The admin's label and badge settings; choices are filled in by the view."""

    label_base_url = StringField(
        _l("Address on the labels"), validators=[Optional(), Length(max=100)]
    )
    default_stock = SelectField(_l("Label stock"))
    default_printer = SelectField(_l("Default printer"), validators=[Optional()])
    auto_print = BooleanField(_l("Print a new unit's label automatically"))
    badge_needs_pin = BooleanField(_l("A scanned badge also asks for the PIN"))
    passport_shows_receiver = BooleanField(_l("The passport names the receiving unit"))


class PrinterForm(FlaskForm):
    """A label printer; choices are filled in by the view."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=64)])
    kind = SelectField(_l("Kind"))
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=200)])
    model = SelectField(_l("Brother QL model"), validators=[Optional()])
    stock = SelectField(_l("Label stock loaded"))
    dpi = IntegerField(_l("Resolution (dpi, ZPL only)"), validators=[Optional()])


class SendLabelForm(FlaskForm):
    printer = HiddenField(validators=[InputRequired(), Regexp(r"^\d+$")])


class StartRunForm(FlaskForm):
    """Start a flight-controller run on one of the bench ports."""

    port = HiddenField(validators=[InputRequired(), Regexp(r"^\d+$")])


class ApplyGoldenForm(StartRunForm):
    """Applying overwrites the board's settings: the person confirms which unit and board."""

    #: The board the person was shown; applying is refused if another one is bound by now.
    board = HiddenField(validators=[InputRequired(), Length(max=48)])
    confirm = BooleanField(
        _l("I checked the unit and the board named above"), validators=[DataRequired()]
    )


class MotorSpinForm(StartRunForm):
    """Spin one motor: only on the person's word that the propellers are off."""

    motor = HiddenField(validators=[InputRequired(), Regexp(r"^[1-8]$")])
    propellers_off = BooleanField(
        _l("The propellers are off, and nothing touches the motors"), validators=[DataRequired()]
    )


class GoldenForm(FlaskForm):
    """A golden `diff all`, pasted or as a file, and the lines that differ per unit."""

    text = TextAreaField(_l("Paste the `diff all`"), validators=[Optional(), Length(max=200_000)])
    upload = FileField(_l("…or choose its file"))
    ignore = TextAreaField(
        _l("Per-unit lines to ignore, one pattern a line"),
        validators=[Optional(), Length(max=10_000)],
    )


class StationForm(FlaskForm):
    name = StringField(_l("Station name"), validators=[DataRequired(), Length(max=64)])


class PortForm(FlaskForm):
    name = StringField(_l("Port name"), validators=[DataRequired(), Length(max=64)])
    url = StringField(_l("Address"), validators=[DataRequired(), Length(max=200)])
