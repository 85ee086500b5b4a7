"""Flask-WTF forms: CSRF on every one, validation messages in the volunteer's language."""

from typing import Any, TypeVar

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import TextInput

from workshop import vocabulary
from workshop.field_life import FieldFailure, LossReason
from workshop.models import (
    AuditEvent,
    BenchPort,
    BoardBinding,
    DroneType,
    LedgerEntry,
    Lot,
    Part,
    Place,
    Printer,
    Return,
    Review,
    Site,
    StageRecord,
    StationToken,
    Unit,
    UnitPart,
    User,
)
from workshop.models.delivery import Delivery
from workshop.models.stock import CURRENCIES, MEASURES, SOURCES
from workshop.services.drone_types import CARE_NOTES_MAX
from workshop.services.errors import Invalid
from workshop.services.fc_config import GOLDEN_MAX
from workshop.services.stock import parse_quantity, quantity_problem
from workshop.services.units import workshop_today
from workshop.validators import Id, PlainText, column_length
from workshop.workflow import LOSS_REASONS, WORK_STAGES, Action, Reason, Role

PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]
#: What a scan box takes: a label's address or a serial, with room to spare.
SCAN_MAX = 300
#: A list typed one item a line (a bill of materials, a checklist, serials or lots).
LIST_MAX = 20_000
#: The address printed on the labels (workshop.services.settings checks it further).
LABEL_ADDRESS_MAX = 100
#: The audit log's pages: far more than it will ever have.
PAGE_MAX = 1_000_000

T = TypeVar("T")


def required(data: T | None) -> T:
    """The data of a field that its validators require (DataRequired, InputRequired).

    A form that validated has it; None here means a view read the field before validating.
    """
    if data is None:
        raise ValueError("a required form field has no data: validate the form first")
    return data


class QuantityField(Field):
    """A quantity typed into a text box: a whole number within the stock's bounds (the rule of
    services.stock), so "1.5", "-2" or "lots" are refused by name rather than rounded. Its data
    is an int, or None when an optional field is left empty."""

    widget = TextInput()
    data: int | None

    def __init__(
        self,
        label: str | LazyString | None = None,
        validators: list | None = None,
        *,
        minimum: int = 1,
        optional: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.minimum, self.optional, self.typed = minimum, optional, ""
        self.flags.required = not optional

    def process_data(self, value: Any) -> None:
        self.data = value if isinstance(value, int) else None
        self.typed = "" if value is None else str(value)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.typed, self.data = (str(valuelist[0]) if valuelist else ""), None

    def _value(self) -> str:
        return self.typed

    def pre_validate(self, form: FlaskForm) -> None:
        if self.optional and not self.typed.strip():
            self.data = None
            return
        try:
            self.data = parse_quantity(self.typed, str(self.label.text), self.minimum)
        except Invalid:
            raise ValidationError(str(quantity_problem(self.typed.strip(), self.minimum))) from None


def _note(column: Any) -> PlainText:
    """A multi-line note stored in `column`."""
    return PlainText(column_length(column), multiline=True)


def _lines(longest: int) -> PlainText:
    """A list typed one item a line."""
    return PlainText(longest, multiline=True)


def _scanned(longest: int) -> PlainText:
    """A code a scanner types: it may end it with Enter or Tab, which the services strip."""
    return PlainText(longest, multiline=True)


class LoginForm(FlaskForm):
    username = StringField(
        _l("Name or callsign"), validators=[DataRequired(), PlainText(column_length(User.name))]
    )
    pin = PasswordField(
        _l("PIN"),
        validators=[DataRequired(), Regexp(r"^\d{4,12}$", message=_l("A PIN is 4 to 12 digits."))],
    )


class ScanForm(FlaskForm):
    code = StringField(_l("Scan a label or type a serial"), validators=[_scanned(SCAN_MAX)])


class BadgeForm(FlaskForm):
    """A scanned badge, and the PIN when the workshop asks for one."""

    code = HiddenField(validators=[InputRequired(), PlainText(column_length(User.badge_code))])
    pin = PasswordField(
        _l("PIN"),
        validators=[Optional(), Regexp(r"^\d{4,12}$", message=_l("A PIN is 4 to 12 digits."))],
    )


class NewUnitForm(FlaskForm):
    drone_type = SelectField(_l("Drone type"), coerce=int, validators=[InputRequired(), Id()])
    #: Offered where the network has several sites; the choices are filled in by the view.
    site = SelectField(_l("Kitted at"), coerce=int, validators=[Optional(), Id()])


class VersionedForm(FlaskForm):
    """Every form that changes a unit carries the version the person saw."""

    version = HiddenField(validators=[InputRequired(), Id()])


class PartForm(VersionedForm):
    """A code scanned or typed at kitting; `bom_item` names the part when the person chose it.

    A whole label address may be scanned here, so the field takes more than the stored code;
    the kitting service refuses a code longer than its column."""

    bom_item = HiddenField(validators=[Optional(), Id()])
    code = StringField(_l("Serial or lot code"), validators=[DataRequired(), _scanned(300)])


class FinishForm(VersionedForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), _note(StageRecord.note)])
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
    text = TextAreaField(_l("Details"), validators=[Optional(), _note(StageRecord.note)])


class StatusForm(VersionedForm):
    """Hold, release or scrap, with the person's words."""

    text = TextAreaField(_l("Reason"), validators=[Optional(), _note(Unit.status_note)])


class ApproveForm(VersionedForm):
    text = TextAreaField(_l("Note"), validators=[Optional(), _note(Review.note)])


class DeliveryForm(VersionedForm):
    receiver_code = StringField(
        _l("Receiving unit's code"),
        validators=[
            DataRequired(),
            Length(min=2),
            PlainText(column_length(Delivery.receiver_code)),
        ],
    )
    delivered_on = DateField(_l("Date"), default=workshop_today, validators=[InputRequired()])


def field_failure_choices() -> list[tuple[str, str]]:
    return [(f.value, vocabulary.FIELD_FAILURE_NAMES[f]) for f in FieldFailure]


class ReturnForm(VersionedForm):
    """A unit back from the field: who brought it, when, what failed, notes and photos."""

    receiver_code = StringField(
        _l("Brought by (the receiving unit's code)"),
        validators=[DataRequired(), Length(min=2), PlainText(column_length(Return.receiver_code))],
    )
    returned_on = DateField(_l("Date"), default=workshop_today, validators=[InputRequired()])
    reason = SelectField(
        _l("What failed in the field"), choices=field_failure_choices, validators=[InputRequired()]
    )
    reason_text = TextAreaField(
        _l("Details (required with “Other”)"), validators=[Optional(), _note(Return.reason_text)]
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), _note(Return.notes)])
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
        _l("Why (required to scrap or give back)"),
        validators=[Optional(), _note(Return.outcome_text)],
    )


class LossForm(VersionedForm):
    """A delivered unit lost or destroyed: the date and a reason, never where or how."""

    happened_on = DateField(_l("Date"), default=workshop_today, validators=[InputRequired()])
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

    q = StringField(
        _l("Part serial or lot"), validators=[Optional(), _scanned(column_length(UnitPart.code))]
    )


class DroneTypeForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(), PlainText(column_length(DroneType.name))]
    )
    prefix = StringField(
        _l("Serial prefix"),
        validators=[
            DataRequired(),
            Regexp(r"^[A-Za-z0-9]{2,8}$", message=_l("2 to 8 Latin letters or digits.")),
        ],
    )
    active = BooleanField(_l("In production"), default=True)
    bom = TextAreaField(_l("Bill of materials"), validators=[_lines(LIST_MAX)])
    checklist_kitting = TextAreaField(
        vocabulary.STAGE_NAMES["kitting"], validators=[_lines(LIST_MAX)]
    )
    checklist_soldering = TextAreaField(
        vocabulary.STAGE_NAMES["soldering"], validators=[_lines(LIST_MAX)]
    )
    checklist_flashing = TextAreaField(
        vocabulary.STAGE_NAMES["flashing"], validators=[_lines(LIST_MAX)]
    )
    checklist_bench_test = TextAreaField(
        vocabulary.STAGE_NAMES["bench_test"], validators=[_lines(LIST_MAX)]
    )
    care_notes = TextAreaField(
        _l("Care notes for the passport"), validators=[_lines(CARE_NOTES_MAX)]
    )


def role_choices() -> list[tuple[str, str]]:
    return [(r.value, vocabulary.ROLE_NAMES[r]) for r in Role]


class NewUserForm(FlaskForm):
    name = StringField(
        _l("Name or callsign"), validators=[DataRequired(), PlainText(column_length(User.name))]
    )
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
    lang = HiddenField(validators=[InputRequired(), PlainText(8)])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    key = StringField(
        _l("Serial or id"),
        validators=[Optional(), PlainText(column_length(AuditEvent.entity_key))],
    )
    page = IntegerField(
        _l("Page"),
        default=1,
        validators=[
            Optional(),
            NumberRange(min=1, max=PAGE_MAX, message=_l("a page number from 1 to %(max)s")),
        ],
    )


class LabelSettingsForm(FlaskForm):
    """The admin's label and badge settings; choices are filled in by the view."""

    label_base_url = StringField(
        _l("Address on the labels"), validators=[Optional(), PlainText(LABEL_ADDRESS_MAX)]
    )
    default_stock = SelectField(_l("Label stock"))
    default_printer = SelectField(_l("Default printer"), validators=[Optional()])
    auto_print = BooleanField(_l("Print a new unit's label automatically"))
    badge_needs_pin = BooleanField(_l("A scanned badge also asks for the PIN"))
    passport_shows_receiver = BooleanField(_l("The passport names the receiving unit"))


class PrinterForm(FlaskForm):
    """A label printer; choices are filled in by the view."""

    name = StringField(
        _l("Name"), validators=[DataRequired(), PlainText(column_length(Printer.name))]
    )
    kind = SelectField(_l("Kind"))
    address = StringField(
        _l("Address"), validators=[DataRequired(), PlainText(column_length(Printer.address))]
    )
    model = SelectField(_l("Brother QL model"), validators=[Optional()])
    stock = SelectField(_l("Label stock loaded"))
    dpi = IntegerField(_l("Resolution (dpi, ZPL only)"), validators=[Optional()])


class SendLabelForm(FlaskForm):
    printer = HiddenField(validators=[InputRequired(), Id()])


class StartRunForm(FlaskForm):
    """Start a flight-controller run on one of the bench ports."""

    port = HiddenField(validators=[InputRequired(), Id()])


class ApplyGoldenForm(StartRunForm):
    """Applying overwrites the board's settings: the person confirms which unit and board."""

    #: The board the person was shown; applying is refused if another one is bound by now.
    board = HiddenField(validators=[InputRequired(), PlainText(column_length(BoardBinding.uid))])
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

    text = TextAreaField(_l("Paste the `diff all`"), validators=[Optional(), _lines(GOLDEN_MAX)])
    upload = FileField(_l("…or choose its file"))
    ignore = TextAreaField(
        _l("Per-unit lines to ignore, one pattern a line"),
        validators=[Optional(), _lines(10_000)],
    )


class StationForm(FlaskForm):
    name = StringField(
        _l("Station name"),
        validators=[DataRequired(), PlainText(column_length(StationToken.name))],
    )


class PortForm(FlaskForm):
    name = StringField(
        _l("Port name"), validators=[DataRequired(), PlainText(column_length(BenchPort.name))]
    )
    url = StringField(
        _l("Address"), validators=[DataRequired(), PlainText(column_length(BenchPort.url))]
    )


# Stock --------------------------------------------------------------------------------------

#: Whatever a scanner or a person types where a lot's or a place's label is scanned.
_SCANNED = [DataRequired(), _scanned(SCAN_MAX)]
#: The words of a reason kept on a ledger row (a draw without a lot, waste, a count).
_REASON = PlainText(column_length(LedgerEntry.reason))
#: A cost as typed ("1250.50"); services.receiving reads the number.
COST_MAX = 20


def measure_choices() -> list[tuple[str, str]]:
    return [(m, vocabulary.MEASURE_NAMES[m]) for m in MEASURES]


def source_choices() -> list[tuple[str, str]]:
    return [(s, vocabulary.SOURCE_NAMES[s]) for s in SOURCES]


class ReceiveForm(FlaskForm):
    """Parts that came in; the part choices are filled in by the view."""

    part = SelectField(_l("Part"), coerce=int, validators=[InputRequired(), Id()])
    quantity = QuantityField(_l("Quantity"))
    place = StringField(_l("Place (scan its label)"), validators=_SCANNED)
    source = SelectField(_l("Source"), choices=source_choices, validators=[InputRequired()])
    source_code = StringField(
        _l("Donor's or supplier's code"), validators=[PlainText(column_length(Lot.source_code))]
    )
    received_on = DateField(
        _l("Date received"), default=workshop_today, validators=[InputRequired()]
    )
    cost = StringField(_l("Cost (optional)"), validators=[PlainText(COST_MAX)])
    currency = SelectField(_l("Currency"), choices=[(c, c) for c in CURRENCIES])


class DrawForm(VersionedForm):
    """Draw for a unit another quantity than the scan would, from the lot a label names."""

    code = StringField(_l("Lot or place label"), validators=_SCANNED)
    quantity = QuantityField(_l("Quantity"), optional=True)


class DrawWithoutLotForm(VersionedForm):
    bom_item = HiddenField(validators=[InputRequired(), Id()])
    quantity = QuantityField(_l("Quantity"))
    reason = StringField(_l("Why is there no lot?"), validators=[DataRequired(), _REASON])


class GiveBackForm(VersionedForm):
    """Parts taken out of a unit at rework: back to their lot, or to waste."""

    bom_item = HiddenField(validators=[InputRequired(), Id()])
    lot = HiddenField(validators=[Optional(), Id()])
    quantity = QuantityField(_l("Quantity"))
    destination = HiddenField(validators=[InputRequired(), Regexp(r"^(lot|waste)$")])


class SalvageForm(FlaskForm):
    """Where the salvage lots go (optional); the quantities per line are read by the view."""

    place = StringField(
        _l("Place for the salvage lots (optional)"), validators=[_scanned(SCAN_MAX)]
    )


class MoveForm(FlaskForm):
    lot = StringField(_l("Lot (scan its label)"), validators=_SCANNED)
    quantity = QuantityField(_l("Quantity (empty: the whole lot)"), optional=True)
    place = StringField(_l("To the place (scan its label)"), validators=_SCANNED)


class WasteForm(FlaskForm):
    quantity = QuantityField(_l("Quantity"))
    reason = StringField(_l("Reason"), validators=[DataRequired(), _REASON])


class CountForm(FlaskForm):
    """A stocktake of a place; the counts per lot are read by the view."""

    reason = StringField(_l("Reason for the differences"), validators=[_REASON])
    extra_lot = StringField(
        _l("A lot found here (scan its label)"), validators=[_scanned(SCAN_MAX)]
    )
    extra_count = QuantityField(_l("Its count"), minimum=0, optional=True)


class CataloguePartForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), PlainText(column_length(Part.name))])
    category = StringField(_l("Category"), validators=[PlainText(column_length(Part.category))])
    measure = SelectField(_l("Measure"), choices=measure_choices)
    tracked = BooleanField(_l("Tracked (each piece's serial is scanned)"))
    low_stock = QuantityField(_l("Low stock below"), default=0, minimum=0)


class SiteForm(FlaskForm):
    name = StringField(
        _l("Site name"), validators=[DataRequired(), PlainText(column_length(Site.name))]
    )


class PlaceForm(FlaskForm):
    """A new place; the site and parent choices are filled in by the view."""

    site = SelectField(_l("Site"), coerce=int, validators=[InputRequired(), Id()])
    parent = SelectField(_l("Inside"), validators=[Optional()])
    name = StringField(
        _l("Place name"), validators=[DataRequired(), PlainText(column_length(Place.name))]
    )


class RenameForm(FlaskForm):
    name = StringField(
        _l("New name"), validators=[DataRequired(), PlainText(column_length(Place.name))]
    )


class RequestFilterForm(FlaskForm):
    """Which site the request list counts stock at; the counts per type are read by the view."""

    class Meta:
        csrf = False  # a read-only page by GET

    site = SelectField(_l("Stock at"), coerce=int, validators=[Optional()])
