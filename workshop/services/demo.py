"""Demo data for a first start: two drone types, three accounts, units spread over the stages,
simulated flight controllers, so a newcomer can run a bench test without hardware, and parts on
the shelves of two sites (a warehouse and a workshop), one of them short, with the units past
kitting drawn from them."""

from dataclasses import dataclass

import sqlalchemy as sa

from firmware_checks.bench_run import read_identity, run_check
from firmware_checks.limits import DEFAULT_LIMITS
from firmware_checks.simulator import SimulatorServer, diff_all_text, uid_for
from workshop.extensions import db
from workshop.models import DroneType, Place, Unit, User
from workshop.services import (
    accounts,
    bench_runs,
    drone_types,
    fc_config,
    kitting,
    parts,
    places,
    ports,
    receiving,
    units,
)
from workshop.services.drone_types import BomLine, ChecklistLine
from workshop.services.stages import StageInput, finish_stage
from workshop.workflow import Role, Stage


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
_CHECKLISTS = {
    Stage.KITTING: [
        "Усі деталі за специфікацією на місці",
        "Серійні номери відскановано",
        "?Фото комплекту",
    ],
    Stage.SOLDERING: [
        "Мотори припаяно, без холодних паяних з'єднань",
        "Живлення перевірено мультиметром на КЗ",
        "Полярність XT60 перевірена",
    ],
    Stage.FLASHING: ["Прошивка записана", "Конфігурацію застосовано", "?Назву апарата задано"],
    Stage.BENCH_TEST: [
        "Гіроскоп і акселерометр відповідають",
        "Приймач прив'язаний, канали по центру",
        "Мотори крутяться в правильний бік (без пропелерів)",
        "Відео є на окулярах",
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
    'Рама 7" карбон': ("Рами", "frames", 6, 10, 4),
    'Рама 10" карбон': ("Рами", "frames", 4, 6, 2),
    "Мотор 2807 1300KV": ("Мотори", "motors", 24, 40, 16),
    "Мотор 3115 900KV": ("Мотори", "motors", 16, 24, 8),
    "Польотний контролер F405": ("Електроніка", "electronics", 6, 10, 4),
    "Польотний контролер F722": ("Електроніка", "electronics", 5, 5, 2),
    "Регулятор (ESC) 4в1 55A": ("Електроніка", "electronics", 6, 10, 4),
    "Регулятор (ESC) 4в1 65A": ("Електроніка", "electronics", 5, 5, 2),
    "Відеопередавач 1.2W": ("Електроніка", "electronics", 6, 8, 4),
    "Відеопередавач 2.5W": ("Електроніка", "electronics", 5, 5, 2),
    "Приймач ELRS 915": ("Електроніка", "electronics", 6, 10, 4),
    "Приймач ELRS 868": ("Електроніка", "electronics", 5, 5, 2),
    "Камера аналогова": ("Електроніка", "electronics", 10, 12, 6),
    'Пропелер 7"': ("Пропелери", "props", 40, 60, 16),
    'Пропелер 10"': ("Пропелери", "props", 12, 4, 24),
}

#: Bench ports served by the in-process simulator: a healthy board, and one that fails.
PORTS = (("Simulator (healthy)", "sim://healthy"), ("Simulator (noisy gyro)", "sim://noisy_gyro"))
#: The simulated board all demo units are built with (Betaflight's software-in-the-loop).
DEMO_BOARD = {"board_id": "SITL", "target": "SITL"}
DEMO_PROFILE = "healthy"


def _checklists() -> list[ChecklistLine]:
    return [
        ChecklistLine(stage=stage.value, text=text.lstrip("?"), required=not text.startswith("?"))
        for stage, texts in _CHECKLISTS.items()
        for text in texts
    ]


def is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def seed() -> list[DemoAccount]:
    """Fill an empty database; returns the accounts so the caller can print them."""
    for account in ACCOUNTS:
        accounts.create_user(account.name, account.role.value, account.pin)
    seven = drone_types.save_type(None, 'FPV 7"', "FPV7", True, _BOM_7, _checklists(), None)
    ten = drone_types.save_type(None, 'FPV 10"', "FPV10", True, _BOM_10, _checklists(), None)
    volunteer = accounts.find_by_name(ACCOUNTS[0].name)
    coordinator = accounts.find_by_name(ACCOUNTS[2].name)
    assert volunteer is not None and coordinator is not None
    for name, url in PORTS:
        ports.add_port(name, url, coordinator)
    workshop = _stock(coordinator)
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
    return list(ACCOUNTS)


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


def _build(drone_type: DroneType, volunteer: User, finished: int, site_id: int) -> None:
    unit = units.create_unit(drone_type.id, volunteer, site_id=site_id)
    for _ in range(finished):
        if unit.stage == Stage.KITTING.value:
            _kit(unit, volunteer)
        if unit.stage in (Stage.FLASHING, Stage.BENCH_TEST):
            _read_board(unit, volunteer)
        checked = frozenset(i.id for i in drone_type.checklist_for(unit.stage))
        finish_stage(unit, volunteer, StageInput(version=unit.version, checked=checked))


def _read_board(unit: Unit, volunteer: User) -> None:
    """A real run of the stage against the unit's own simulated board, recorded as the app does."""
    judging = bench_runs.judging_for(unit)
    with SimulatorServer(profile=DEMO_PROFILE, uid=uid_for(unit.serial)) as board:
        if judging.kind == bench_runs.IDENTITY:
            result = read_identity(board.url, judging.limits)
        else:
            result = run_check(board.url, judging.limits, judging.golden)
    bench_runs.record_run(
        unit.serial,
        result.to_dict(),
        kind=judging.kind,
        actor=volunteer,
        station=None,
        limits_version_id=judging.limits_version_id,
        golden_version_id=judging.golden_version_id,
    )


def _kit(unit: Unit, volunteer: User) -> None:
    """Draw the whole bill from the workshop's shelves, as a volunteer scanning each part's
    place does, and record a serial for each tracked piece."""
    for item in unit.drone_type.bom:
        shelf = SHELVES[STOCK[item.name][1]]
        place = db.session.scalar(sa.select(Place).where(Place.path == shelf))
        assert place is not None, shelf
        kitting.draw_scanned(unit, place.code, item.quantity, volunteer, unit.version)
    for number, item in enumerate(unit.drone_type.bom):
        if item.tracked:
            units.record_part(unit, item.id, f"SN-{unit.id:03d}{number}", volunteer, unit.version)
