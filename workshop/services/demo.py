"""Demo data for a first start: two drone types, three accounts, units spread over the stages
and into the field (one in service, one returned and under repair, one lost), simulated flight
controllers, so a newcomer can run a bench test without hardware, and parts on the shelves of
two sites (a warehouse and a workshop), one of them short, with every unit past kitting drawn
from them."""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from firmware_checks.bench_run import read_identity, run_check
from firmware_checks.limits import DEFAULT_LIMITS
from firmware_checks.motors import check_motors
from firmware_checks.run_document import RunKind
from firmware_checks.simulator import SimulatorServer, diff_all_text, uid_for
from workshop.extensions import db
from workshop.models import DroneType, Place, Unit, User
from workshop.models.timestamps import clock_at, utcnow
from workshop.services import (
    accounts,
    bench_runs,
    delivery,
    demo_history,
    drone_types,
    fc_config,
    field_losses,
    kitting,
    motor_checks,
    parts,
    places,
    ports,
    receiving,
    returns,
    review,
    units,
)
from workshop.services.drone_types import BomLine, ChecklistLine
from workshop.services.stages import StageInput, finish_stage
from workshop.workflow import Action, Role, Stage


@dataclass(frozen=True)
class DemoAccount:
    name: str
    role: Role
    pin: str


ACCOUNTS = (
    DemoAccount("Sokil", Role.VOLUNTEER, "1111"),
    DemoAccount("Lisa", Role.REVIEWER, "2222"),
    DemoAccount("Koordynator", Role.ADMIN, "3333"),
)

_BOM_7 = [
    BomLine('Рама 7" карбон', 1),
    BomLine("Мотор 2807 1300KV", 4),
    BomLine("Польотний контролер F405", 1, tracked=True),
    BomLine("Регулятор (ESC) 4в1 55A", 1, tracked=True),
    BomLine("Відеопередавач 1.2W", 1, tracked=True),
    BomLine("Приймач ELRS 915", 1, tracked=True),
    BomLine("Камера аналогова", 1, tracked=True),
    BomLine('Пропелер 7"', 4),
]
_BOM_10 = [
    BomLine('Рама 10" карбон', 1),
    BomLine("Мотор 3115 900KV", 4),
    BomLine("Польотний контролер F722", 1, tracked=True),
    BomLine("Регулятор (ESC) 4в1 65A", 1, tracked=True),
    BomLine("Відеопередавач 2.5W", 1, tracked=True),
    BomLine("Приймач ELRS 868", 1, tracked=True),
    BomLine("Камера аналогова", 1, tracked=True),
    BomLine('Пропелер 10"', 4),
]
#: The checklists as a coordinator types them: `?` optional, a trailing mark (`#bench`, ...)
#: ticks the item from what the app has proved itself.
_CHECKLISTS = {
    Stage.KITTING: [
        "Усі деталі за специфікацією на місці",
        "Серійні номери відскановано #parts",
        "?Фото комплекту",
    ],
    Stage.SOLDERING: [
        "Мотори припаяно, без холодних паяних з'єднань",
        "Живлення перевірено мультиметром на КЗ",
        "Полярність XT60 перевірена",
    ],
    Stage.FLASHING: [
        "Прошивку записано #reading",
        "?Еталонну конфігурацію застосовано #golden",
        "?Назву дрона в прошивці задано",
    ],
    Stage.BENCH_TEST: [
        "Гіроскоп і акселерометр відповідають #bench",
        "Приймач прив'язаний, канали по центру",
        "Мотори крутяться в правильний бік (без пропелерів) #motors",
        "Відео є в окулярах",
    ],
}


#: The network's two sites and their places; units are kitted at the workshop.
WAREHOUSE, WORKSHOP = "Склад Київ", "Майстерня Київ"
SHELVES = {
    "frames": f"{WORKSHOP}/Стелаж A/Полиця 1",
    "motors": f"{WORKSHOP}/Стелаж A/Полиця 2",
    "electronics": f"{WORKSHOP}/Стелаж B/Коробка 1",
    "props": f"{WORKSHOP}/Стелаж B/Коробка 2",
    "store": f"{WAREHOUSE}/Ряд 1/Стелаж 1",
}
#: Part -> (category, shelf, quantity at the workshop, quantity at the warehouse, low stock).
#: Ten-inch propellers are short: they limit the FPV 10" to two more units.
STOCK = {
    'Рама 7" карбон': ("Рами", "frames", 9, 10, 4),
    'Рама 10" карбон': ("Рами", "frames", 4, 6, 2),
    "Мотор 2807 1300KV": ("Мотори", "motors", 36, 40, 16),
    "Мотор 3115 900KV": ("Мотори", "motors", 16, 24, 8),
    "Польотний контролер F405": ("Електроніка", "electronics", 9, 10, 4),
    "Польотний контролер F722": ("Електроніка", "electronics", 5, 5, 2),
    "Регулятор (ESC) 4в1 55A": ("Електроніка", "electronics", 9, 10, 4),
    "Регулятор (ESC) 4в1 65A": ("Електроніка", "electronics", 5, 5, 2),
    "Відеопередавач 1.2W": ("Електроніка", "electronics", 9, 8, 4),
    "Відеопередавач 2.5W": ("Електроніка", "electronics", 5, 5, 2),
    "Приймач ELRS 915": ("Електроніка", "electronics", 9, 10, 4),
    "Приймач ELRS 868": ("Електроніка", "electronics", 5, 5, 2),
    "Камера аналогова": ("Електроніка", "electronics", 13, 12, 6),
    'Пропелер 7"': ("Пропелери", "props", 52, 60, 16),
    'Пропелер 10"': ("Пропелери", "props", 12, 4, 24),
}

#: What the receiving unit should know, printed on each passport.
_CARE_NOTES = (
    "Батареї: 6S, зберігати при 3,8 В на банку, не розряджати нижче 3,3 В.\n"
    "Пропелери: перед кожним вильотом оглянути на тріщини, гайки затягнути.\n"
    "Відео: аналогове 5,8 ГГц, канал указано на рамі.\n"
    "Перед вильотом: перевірити прив’язку приймача й режим вимкнення моторів."
)

#: Bench ports served by the in-process simulator: a healthy board, and one that fails. Named
#: in the workshop's language, as a coordinator names the ports of a real bench.
PORTS = (
    ("Симулятор (справний)", "sim://healthy"),
    ("Симулятор (шумний гіроскоп)", "sim://noisy_gyro"),
)
#: The simulated board all demo units are built with (Betaflight's software-in-the-loop).
DEMO_BOARD = {"board_id": "SITL", "target": "SITL"}
DEMO_PROFILE = "healthy"
#: A demo motor check spins each simulated motor this long (s): enough to read its speed.
DEMO_SPIN_S = 0.2


def _checklists() -> list[ChecklistLine]:
    return drone_types.parse_checklists(
        {stage.value: "\n".join(texts) for stage, texts in _CHECKLISTS.items()}
    )


def is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def seed(history: bool = False) -> list[DemoAccount]:
    """Fill an empty database; returns the accounts so the caller can print them.

    With `history` (a first start), six weeks of the workshop's past come first, so that the
    overview's charts show something (demo_history); the accounts and drone types are dated
    before it.
    """
    before = utcnow() - timedelta(weeks=demo_history.WEEKS + 2)
    with clock_at(before) if history else nullcontext():
        volunteer, reviewer, coordinator, seven, ten = _workshop()
    if history:
        # The past comes before the shelves: its units, as those of a workshop that kept its
        # stock in a spreadsheet then, belong to no site and draw from no lot.
        demo_history.write(seven, ten, demo_history.People(volunteer, reviewer, coordinator))
    workshop = _stock(coordinator)
    # Units spread over the flow: how far each has come, in finished stages.
    for drone_type, finished in (
        (seven, 0),
        (seven, 1),
        (seven, 2),
        (seven, 4),
        (ten, 0),
        (ten, 3),
    ):
        _build(drone_type, volunteer, finished, workshop)
    _field_life(seven, volunteer, reviewer, coordinator, workshop)
    return list(ACCOUNTS)


def _workshop() -> tuple[User, User, User, DroneType, DroneType]:
    """The accounts with their badges, the two drone types with their limits and golden
    configuration, and the simulated bench ports."""
    people = [accounts.create_user(a.name, a.role.value, a.pin) for a in ACCOUNTS]
    volunteer, reviewer, coordinator = people
    for person in people:
        # A badge each, printed from the labels page: a scan logs in (after the PIN).
        accounts.issue_badge(person.id, coordinator)
    seven = drone_types.save_type(
        None, 'FPV 7"', "FPV7", True, _BOM_7, _checklists(), None, care_notes=_CARE_NOTES
    )
    ten = drone_types.save_type(
        None, 'FPV 10"', "FPV10", True, _BOM_10, _checklists(), None, care_notes=_CARE_NOTES
    )
    for name, url in PORTS:
        ports.add_port(name, url, coordinator)
    for drone_type in (seven, ten):
        limits = DEFAULT_LIMITS.to_dict() | {"board": DEMO_BOARD}
        fc_config.save_limits(drone_type, limits, coordinator)
        fc_config.save_golden(
            drone_type,
            diff_all_text(DEMO_PROFILE),
            fc_config.default_patterns(),
            "pasted",
            coordinator,
        )
    return volunteer, reviewer, coordinator, seven, ten


def _stock(coordinator: User) -> int:
    """Both sites' places and stock, received as a coordinator does; the workshop's site id."""
    shelves: dict[str, Place] = {}
    for key, path in SHELVES.items():
        shelves[key] = places.place_at(path, coordinator, places.PathPlan())
    db.session.commit()
    for number, (name, (category, shelf, at_workshop, at_warehouse, low)) in enumerate(
        STOCK.items(), start=1
    ):
        part = parts.find(name)
        assert part is not None, name
        parts.update_part(
            part.id,
            parts.PartFields(part.name, category, part.measure, part.tracked, low),
            coordinator,
        )
        for place, quantity, source, code in (
            (shelves[shelf], at_workshop, "donation", f"DON-2026-{number:03d}"),
            (shelves["store"], at_warehouse, "purchase", f"PO-{4400 + number}"),
        ):
            receiving.receive(
                receiving.Receipt(part.id, quantity, place.code, source, source_code=code),
                coordinator,
            )
    return shelves["frames"].site_id


def _field_life(
    drone_type: DroneType, volunteer: User, reviewer: User, coordinator: User, site_id: int
) -> None:
    """Three units handed over two weeks ago: one in service, one back with no video and under
    repair from soldering, one lost."""
    today = units.workshop_today()
    in_service, back, lost = (
        _handed_over(
            drone_type, volunteer, reviewer, coordinator, today - timedelta(days=14), site_id
        )
        for _ in range(3)
    )
    returns.record_return(
        back,
        coordinator,
        returns.ReturnInput(
            back.version,
            "BRAVO-7",
            today - timedelta(days=2),
            "no_video",
            notes="Відео зникає через хвилину польоту.",
        ),
    )
    returns.decide_return(
        back, coordinator, Action.REPAIR, StageInput(version=back.version, rework_stage="soldering")
    )
    field_losses.mark_loss(
        lost,
        coordinator,
        Action.MARK_LOST,
        field_losses.LossInput(lost.version, today - timedelta(days=3), "not_recovered"),
    )


def _handed_over(
    drone_type: DroneType,
    volunteer: User,
    reviewer: User,
    coordinator: User,
    on: date,
    site_id: int,
) -> Unit:
    """A unit built, signed off by the reviewer and handed over to BRAVO-7 on `on`."""
    unit = _build(drone_type, volunteer, 4, site_id)
    review.sign_off(unit, reviewer, Action.APPROVE, StageInput(version=unit.version))
    delivery.hand_over(unit, coordinator, "BRAVO-7", on, unit.version)
    return unit


def _build(drone_type: DroneType, volunteer: User, finished: int, site_id: int) -> Unit:
    unit = units.create_unit(drone_type.id, volunteer, site_id=site_id)
    for _ in range(finished):
        if unit.stage == Stage.KITTING.value:
            _kit(unit, volunteer)
        if unit.stage in (Stage.FLASHING, Stage.BENCH_TEST):
            _read_board(unit, volunteer)
        if unit.stage == Stage.BENCH_TEST.value:
            _check_motors(unit, volunteer)
        # The items a person ticks; the others tick themselves from the runs above.
        checked = frozenset(
            i.id for i in drone_type.checklist_for(unit.stage) if i.proved_by is None
        )
        finish_stage(unit, volunteer, StageInput(version=unit.version, checked=checked))
    return unit


def _read_board(unit: Unit, volunteer: User) -> None:
    """A real run of the stage against the unit's own simulated board, recorded as the app does."""
    judging = bench_runs.judging_for(unit)
    with SimulatorServer(profile=DEMO_PROFILE, uid=uid_for(unit.serial)) as board:
        if judging.kind is RunKind.IDENTITY:
            result = read_identity(board.url, judging.limits)
        else:
            result = run_check(board.url, judging.limits, judging.golden)
    bench_runs.record_run(
        unit.serial,
        result.document(),
        kind=judging.kind,
        actor=volunteer,
        station=None,
        limits_version_id=judging.limits_version_id,
        golden_version_id=judging.golden_version_id,
    )


def _kit(unit: Unit, volunteer: User) -> None:
    """Kit the unit as a volunteer does: scan the label of the place each part lies in (the
    next part the unit needs from there is drawn), then each tracked piece's serial."""
    for item in unit.drone_type.bom:
        shelf = SHELVES[STOCK[item.name][1]]
        place = db.session.scalar(sa.select(Place).where(Place.path == shelf))
        assert place is not None, shelf
        kitting.scanned(unit, place.code, volunteer, unit.version)
    for number, item in enumerate(unit.drone_type.bom):
        if item.tracked:
            kitting.scanned(unit, f"SN-{unit.id:03d}{number}", volunteer, unit.version)


def _check_motors(unit: Unit, volunteer: User) -> None:
    """A motor check of the unit's simulated board, each motor seen turning the right way."""
    spins = []
    with SimulatorServer(profile=DEMO_PROFILE, uid=uid_for(unit.serial)) as board:
        for motor in range(1, motor_checks.MOTOR_COUNT + 1):
            result, _spins = check_motors(board.url, [motor - 1], seconds=DEMO_SPIN_S)
            spins.append((motor, result.document(), True))
    motor_checks.record_spins(unit, volunteer, spins)
