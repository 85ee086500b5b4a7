"""The coordinator's flight-controller pages: limits and golden versions, stations, ports,
board conflicts."""

import re
from io import BytesIO

import sqlalchemy as sa

from firmware_checks.limits import DEFAULT_LIMITS, limits_from_mapping
from firmware_checks.run_document import RunDocument, RunKind
from firmware_checks.simulator import diff_all_text
from tests.helpers import (
    make_drone_type,
    make_unit,
    make_user,
    post,
    record_passing_run,
    reload,
    simulator_documents,
)
from tests.integration.support import audit_events, database_state, text
from workshop.extensions import db
from workshop.models import GoldenConfig, LimitsVersion, StationToken
from workshop.services import bench_runs, fc_config, ports, stations
from workshop.workflow import Stage

TOKEN = re.compile(r'id="token"[^>]*>([A-Za-z0-9_\-]{40,})</textarea>')


def _limits_form(drone_type, **changes) -> dict:
    fields = {
        f.key: f.value for f in fc_config.limit_fields(fc_config.current_limits(drone_type)[0])
    }
    data = {k: v for k, v in fields.items() if v is not False} | changes
    return {k: ("y" if v is True else v) for k, v in data.items()}


def _versions(model) -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(model.number).order_by(model.id)))


def test_every_limit_is_on_the_form_and_each_change_is_a_new_version(app, client, coordinator):
    drone_type = make_drone_type()
    page = text(client.get(f"/admin/types/{drone_type.id}/limits"))
    for field in fc_config.limit_fields(DEFAULT_LIMITS):
        assert f'name="{field.key}"' in page
    assert "Gyro noise at rest, at most" in page and "None saved yet" in page

    first = post(
        client,
        f"/admin/types/{drone_type.id}/limits",
        _limits_form(
            drone_type,
            **{
                "board.target": "STM32F7X2",
                "gyro.max_std_dps": "1,5",
                "firmware.min_version": "BTFL=4.5.0",
            },
        ),
    )
    assert first.status_code == 302, text(first)
    limits = fc_config.current_limits(drone_type)[0]
    assert (limits.board.target, limits.gyro.max_std_dps, dict(limits.firmware.min_version)) == (
        "STM32F7X2",
        1.5,
        {"BTFL": "4.5.0"},
    )
    assert limits.battery == DEFAULT_LIMITS.battery and _versions(LimitsVersion) == [1]

    unchanged = post(client, f"/admin/types/{drone_type.id}/limits", _limits_form(drone_type))
    assert unchanged.status_code == 302 and _versions(LimitsVersion) == [1]
    assert "Nothing changed" in text(client.get(unchanged.headers["Location"]))

    form = _limits_form(drone_type)
    del form["battery.accept_usb_only"]  # an unticked box is not sent
    assert post(client, f"/admin/types/{drone_type.id}/limits", form).status_code == 302
    assert _versions(LimitsVersion) == [1, 2]
    assert fc_config.current_limits(drone_type)[0].battery.accept_usb_only is False
    page = text(client.get(f"/admin/types/{drone_type.id}/limits"))
    assert page.count("<tr><td>") == 2 and coordinator.name in page
    events = audit_events(str(drone_type.id), "limits.save")
    assert [(e.before["limits_version"], e.after["limits_version"]) for e in events] == [
        (None, 1),
        (1, 2),
    ]
    assert events[0].after["limits"]["board"]["target"] == "STM32F7X2"


def test_a_limit_that_does_not_read_is_refused_and_the_form_keeps_what_was_typed(
    app, client, coordinator
):
    drone_type = make_drone_type()
    before = database_state()
    for changes, words in [
        ({"gyro.samples": "fifty"}, "Gyro samples read at rest"),
        ({"battery.min_cell_v": "4.5"}, "battery.min_cell_v"),
        ({"firmware.min_version": "BTFL"}, "Oldest version per firmware"),
        ({"receiver.centred_channels": "0, x"}, "Channels that must be centred"),
    ]:
        response = post(
            client, f"/admin/types/{drone_type.id}/limits", _limits_form(drone_type, **changes)
        )
        assert response.status_code == 400
        page = text(response)
        assert words in page
        key, value = next(iter(changes.items()))
        assert f'name="{key}" value="{value}"' in page
    assert database_state() == before


def test_golden_configurations_are_versioned_pasted_or_from_a_file(app, client, coordinator):
    drone_type = make_drone_type()
    page = text(client.get(f"/admin/types/{drone_type.id}/golden"))
    assert "set craft_name" in page  # the per-unit patterns a new golden starts with
    golden_text = diff_all_text("healthy")
    pasted = post(
        client,
        f"/admin/types/{drone_type.id}/golden",
        {"text": golden_text, "ignore": "mcu_id\nset craft_name"},
    )
    assert pasted.status_code == 302, text(pasted)
    upload = post(
        client,
        f"/admin/types/{drone_type.id}/golden",
        {
            "text": "",
            "ignore": "mcu_id\nre:^set (craft|pilot)_name",
            "upload": (BytesIO(golden_text.encode()), "golden.txt"),
        },
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302, text(upload)
    db.session.expire_all()
    rows = list(db.session.scalars(sa.select(GoldenConfig).order_by(GoldenConfig.number)))
    assert [(r.number, r.source) for r in rows] == [(1, "pasted"), (2, "file")]
    assert (
        rows[1].ignore == ["mcu_id", "re:^set (craft|pilot)_name"]
        and rows[1].text == golden_text.replace("\r\n", "\n").strip()
    )  # line ends as on Linux
    current = fc_config.current_golden(drone_type)
    assert current.number == 2 and current.ignore == ("mcu_id", "re:^set (craft|pilot)_name")
    page = text(client.get(f"/admin/types/{drone_type.id}/golden"))
    assert "Version 2" in page and "Version 1" in page and "from a file" in page
    assert [e.after["golden_version"] for e in audit_events(str(drone_type.id), "golden.save")] == [
        1,
        2,
    ]

    before = database_state()
    for data, words in [
        ({"text": "   ", "ignore": ""}, "Paste the golden configuration"),
        ({"text": "hello there", "ignore": ""}, "This is not a `diff all`"),
        ({"text": golden_text, "ignore": "re:(unclosed"}, "not a valid regular expression"),
    ]:
        response = post(client, f"/admin/types/{drone_type.id}/golden", data)
        assert response.status_code == 400 and words in text(response)
    binary = post(
        client,
        f"/admin/types/{drone_type.id}/golden",
        {"ignore": "", "upload": (BytesIO(b"\xff\xfe\x00binary"), "fc.bin")},
        content_type="multipart/form-data",
    )
    assert binary.status_code == 400 and "not a text file" in text(binary)
    assert database_state() == before


def test_a_station_token_is_shown_once_works_and_stops_when_revoked(app, client, coordinator):
    response = post(client, "/admin/stations", {"name": "Bench 3 Pi"})
    assert response.status_code == 200
    token = TOKEN.search(text(response)).group(1)
    assert "shown only this once" in text(response)
    row = db.session.scalars(sa.select(StationToken)).one()
    assert (
        row.name == "Bench 3 Pi" and token not in row.token_sha256 and len(row.token_sha256) == 64
    )
    assert stations.authenticate(token).id == row.id
    page = text(client.get("/admin/stations"))
    assert "Bench 3 Pi" in page and token not in page
    assert (
        post(client, "/admin/stations", {"name": "Bench 3 Pi"}).status_code == 400
    )  # names are unique
    assert post(client, f"/admin/stations/{row.id}/revoke").status_code == 302
    db.session.expire_all()  # the revocation was committed by the request's own session
    assert stations.authenticate(token) is None
    assert "revoked" in text(client.get("/admin/stations"))
    events = [e for e in audit_events(str(row.id)) if e.entity == "station"]
    assert [(e.action, e.user_id) for e in events] == [
        ("station.create", coordinator.id),
        ("station.revoke", coordinator.id),
    ]


def test_flask_create_station_token_prints_a_working_token(app):
    result = app.test_cli_runner().invoke(args=["create-station-token", "Bench 1 laptop"])
    assert result.exit_code == 0, result.output
    token = re.search(r"Station Bench 1 laptop: (\S+)", result.output).group(1)
    assert stations.authenticate(token).name == "Bench 1 laptop"
    again = app.test_cli_runner().invoke(args=["create-station-token", "Bench 1 laptop"])
    assert again.exit_code != 0 and "exists already" in again.output


def test_bench_ports_are_added_checked_rested_and_removed(app, client, coordinator):
    assert (
        post(client, "/admin/ports", {"name": "Bench 1 USB", "url": "/dev/ttyACM0"}).status_code
        == 302
    )
    assert (
        post(client, "/admin/ports", {"name": "Simulator", "url": "sim://noisy_gyro"}).status_code
        == 302
    )
    before = database_state()
    for data, words in [
        ({"name": "Bad sim", "url": "sim://no_such_profile"}, "There is no simulator profile"),
        ({"name": "Spaced", "url": "COM 3"}, "Give the port as"),
        ({"name": "Bench 1 USB", "url": "COM3"}, "Another port already has this name"),
    ]:
        response = post(client, "/admin/ports", data)
        assert response.status_code == 400 and words in text(response)
    assert database_state() == before
    usb, sim = sorted(ports.list_ports(), key=lambda p: p.name)
    assert ports.simulator_profile(sim) == "noisy_gyro" and ports.simulator_profile(usb) is None
    assert post(client, f"/admin/ports/{usb.id}/rest").status_code == 302
    assert [p.name for p in ports.list_ports()] == ["Simulator"]
    assert post(client, f"/admin/ports/{usb.id}/use").status_code == 302
    assert post(client, f"/admin/ports/{sim.id}/remove").status_code == 302
    assert [p.name for p in ports.list_ports(active_only=False)] == ["Bench 1 USB"]
    assert "sim://noisy_gyro" not in text(client.get("/admin/ports"))


def test_the_coordinator_decides_a_conflict_on_its_page(app, client, coordinator):
    volunteer = make_user()
    first = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    second = make_unit(builder=volunteer, at=Stage.FLASHING)
    swapped_board = record_passing_run(second, volunteer).board_uid
    # The same board read on the first unit: that unit's own board is another one.
    run = bench_runs.record_run(
        first.serial,
        RunDocument.from_json(_document_for(swapped_board)),
        kind=RunKind.BENCH,
        actor=volunteer,
        station=None,
        limits_version_id=None,
        golden_version_id=None,
    )
    assert run.conflict is not None
    page = text(client.get("/admin/conflicts"))
    assert first.serial in page and swapped_board in page and f"bound to {second.serial}" in page
    assert post(client, f"/admin/conflicts/{run.conflict.id}/accept").status_code == 302
    assert bench_runs.bound_board(reload(first)).uid == swapped_board
    assert bench_runs.bound_board(reload(second)) is None
    page = text(client.get("/admin/conflicts"))
    assert "No conflict waits for a decision." in page and "accepted" in page


def _document_for(uid: str) -> dict:
    """The real healthy bench test, as read from the board with this id."""
    document = dict(simulator_documents()["bench"])
    document["probe"] = dict(document["probe"]) | {"uid": uid}
    return document


def test_the_limits_form_round_trips_the_defaults(app):
    fields = {f.key: f.value for f in fc_config.limit_fields(DEFAULT_LIMITS)}
    form = {k: ("y" if v is True else v) for k, v in fields.items() if v is not False}
    assert limits_from_mapping(fc_config.limits_from_form(form)) == DEFAULT_LIMITS
