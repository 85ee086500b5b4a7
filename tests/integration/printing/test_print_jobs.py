"""Sending labels to printers from the app: the admin adds a printer, a volunteer taps "Print on",
the label arrives at a real TCP listener; a printer that refuses leaves a failed job that says
why, and Retry sends it once the printer is back."""

from brother_ql.reader import BrotherQLReader
from PIL import Image

from tests.helpers import login, make_drone_type, make_unit, make_user, post
from tests.integration.printing.support import (
    add_printer,
    decoded,
    printer_form,
    sent,
    zpl_label,
)
from tests.integration.support import audit_events, database_state, english, text
from tests.unit.printing.listener import busy_printer, closed_port, printer_listening
from workshop.extensions import db
from workshop.models import PrintJob
from workshop.services import printing, settings
from workshop.workflow import Role

ON_ITS_WAY = "The label is on its way to Zebra; Print jobs shows when it is printed."


def jobs() -> list[PrintJob]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(PrintJob).order_by(PrintJob.id)))


def test_admin_adds_a_brother_printer_by_its_network_address(coordinator, client):
    response = post(
        client,
        "/admin/printers",
        printer_form("QL bench 1", "brother_ql", "192.168.1.21", "QL-820NWB"),
    )
    assert response.status_code == 302
    page = text(client.get("/admin/labels"))
    assert "Printer QL bench 1 added." in page
    assert "tcp://192.168.1.21:9100" in page
    (event,) = audit_events(action="printer.create")
    assert event.after["address"] == "tcp://192.168.1.21:9100"
    assert event.after["model"] == "QL-820NWB"


def test_a_printer_with_a_wrong_address_is_refused_with_the_reason(coordinator, client):
    before = database_state()
    response = post(client, "/admin/printers", printer_form("Zebra", "zpl", "http://192.168.1.20"))
    assert response.status_code == 400
    assert "The printer address http://192.168.1.20 cannot be used." in text(response)
    assert database_state() == before


def test_a_brother_cannot_be_set_to_a_thermal_stock(coordinator, client):
    before = database_state()
    response = post(
        client,
        "/admin/printers",
        printer_form("QL", "brother_ql", "192.168.1.21", "QL-820NWB", stock="50x30"),
    )
    assert response.status_code == 400
    assert "This printer cannot print on that label stock (50x30)." in text(response)
    assert database_state() == before


def test_two_printers_cannot_share_a_name(coordinator, client):
    add_printer(coordinator, "192.168.1.20")
    before = database_state()
    response = post(
        client, "/admin/printers", printer_form("Zebra", "zpl", "192.168.1.22", stock="50x25")
    )
    assert response.status_code == 400
    assert "A printer is already called Zebra." in text(response)
    assert database_state() == before


def test_the_unit_page_offers_printers_only_when_there_are_some(coordinator, client):
    unit = make_unit()
    assert "Print on" not in text(client.get(f"/u/{unit.serial}"))
    add_printer(coordinator, "192.168.1.20")
    assert "Print on Zebra" in text(client.get(f"/u/{unit.serial}"))


def test_a_volunteer_sends_a_unit_label_to_a_zpl_printer(app, client):
    admin = make_user(Role.ADMIN)
    volunteer = make_user(Role.VOLUNTEER)
    unit = make_unit(builder=volunteer)
    settings.update(settings.WorkshopSettings(label_base_url="http://192.168.1.10:5000"), admin)
    login(client, volunteer)
    english(client)
    with printer_listening() as listener:
        printer = add_printer(admin, listener.address)
        response = post(client, f"/u/{unit.serial}/label/send", {"printer": str(printer.id)})
        (received,) = listener.wait_for(1)
        sent(app)
    assert response.status_code == 302
    assert ON_ITS_WAY in text(client.get(f"/u/{unit.serial}"))
    assert "Sent" in text(client.get("/print-jobs"))
    assert decoded(zpl_label(received)) == [f"http://192.168.1.10:5000/u/{unit.serial}"]
    (job,) = jobs()
    assert (job.state, job.attempts, job.subject, job.created_by_id) == (
        "sent",
        1,
        unit.serial,
        volunteer.id,
    )
    assert job.sent_at is not None
    (printed,) = audit_events(serial=unit.serial, action="unit.label_printed")
    assert printed.after == {"via": "Zebra"}
    assert [e.action for e in audit_events(action="print_job.sent")] == ["print_job.sent"]


def test_a_brother_label_on_the_network_reads_back_to_the_unit_url(
    app, coordinator, client, tmp_path, monkeypatch
):
    unit = make_unit()
    with printer_listening() as listener:
        printer = add_printer(
            coordinator, listener.address, kind="brother_ql", stock="62x29", name="QL"
        )
        post(client, f"/u/{unit.serial}/label/send", {"printer": str(printer.id)})
        (received,) = listener.wait_for(1)
        sent(app)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "job.bin").write_bytes(received)
    with (tmp_path / "job.bin").open("rb") as file:
        BrotherQLReader(file).analyse()
    # No address set by the admin: the label points where this page was opened.
    assert decoded(Image.open(tmp_path / "label0001.png")) == [f"http://localhost/u/{unit.serial}"]


def test_a_refusing_printer_leaves_a_failed_job_that_says_why_and_retry_sends_it(
    app, coordinator, client
):
    unit = make_unit()
    port = closed_port()
    printer = add_printer(coordinator, f"tcp://127.0.0.1:{port}")
    response = post(
        client, f"/u/{unit.serial}/label/send", {"printer": str(printer.id)}, follow_redirects=True
    )
    assert ON_ITS_WAY in text(response)
    sent(app)
    reason = f"Printer 127.0.0.1:{port} refused the connection."
    (job,) = jobs()
    assert (job.state, job.attempts) == ("failed", 1)
    assert reason in job.error
    page = text(client.get("/print-jobs"))
    assert reason in page and "Retry" in page
    assert audit_events(serial=unit.serial, action="unit.label_printed") == []
    assert audit_events(action="print_job.failed")[0].after["error"] == job.error

    with printer_listening(port) as listener:  # the printer is switched on again
        response = post(client, f"/print-jobs/{job.id}/retry", follow_redirects=True)
        (received,) = listener.wait_for(1)
        sent(app)
    assert ON_ITS_WAY in text(response)
    assert received.startswith(b"^XA")
    (job,) = jobs()
    assert (job.state, job.attempts, job.error) == ("sent", 2, "")
    assert len(audit_events(serial=unit.serial, action="unit.label_printed")) == 1
    assert "2 attempts" in text(client.get("/print-jobs"))


def test_a_printer_that_does_not_answer_fails_the_job_with_the_reason(app, coordinator, client):
    unit = make_unit()
    with busy_printer() as address:
        printer = add_printer(coordinator, address)
        post(client, f"/u/{unit.serial}/label/send", {"printer": str(printer.id)})
        sent(app)
    (job,) = jobs()
    assert job.state == "failed"
    assert "did not answer in time" in job.error


def test_a_sent_job_is_not_retried(app, coordinator, client):
    unit = make_unit()
    with printer_listening() as listener:
        printer = add_printer(coordinator, listener.address)
        post(client, f"/u/{unit.serial}/label/send", {"printer": str(printer.id)})
        listener.wait_for(1)
        sent(app)
    (job,) = jobs()
    before = database_state()
    response = post(client, f"/print-jobs/{job.id}/retry", follow_redirects=True)
    assert "This label was printed already" in text(response)
    assert database_state() == before


def test_sending_to_an_unknown_printer_changes_nothing(coordinator, client):
    unit = make_unit()
    before = database_state()
    response = post(
        client, f"/u/{unit.serial}/label/send", {"printer": "999"}, follow_redirects=True
    )
    assert "There is no such printer." in text(response)
    assert database_state() == before


def test_auto_print_sends_a_new_units_label_to_the_default_printer(app, coordinator, client):
    drone_type = make_drone_type()
    with printer_listening() as listener:
        printer = add_printer(coordinator, listener.address)
        settings.update(
            settings.WorkshopSettings(auto_print=True, default_printer_id=printer.id), coordinator
        )
        response = post(
            client, "/units/new", {"drone_type": str(drone_type.id)}, follow_redirects=True
        )
        (received,) = listener.wait_for(1)
        sent(app)
    (job,) = jobs()
    assert job.state == "sent"
    assert ON_ITS_WAY in text(response)
    assert decoded(zpl_label(received)) == [f"http://localhost/u/{job.subject}"]


def test_without_auto_print_a_new_unit_sends_nothing(coordinator, client):
    drone_type = make_unit().drone_type
    with printer_listening() as listener:
        printer = add_printer(coordinator, listener.address)
        settings.update(settings.WorkshopSettings(default_printer_id=printer.id), coordinator)
        post(client, "/units/new", {"drone_type": str(drone_type.id)})
    assert listener.jobs == []
    assert jobs() == []


def test_admin_changes_a_printer_and_the_change_is_audited(coordinator, client):
    printer = add_printer(coordinator, "192.168.1.20")
    form = {
        f"p{printer.id}-name": "Zebra shelf",
        f"p{printer.id}-kind": "zpl",
        f"p{printer.id}-address": "192.168.1.30:6101",
        f"p{printer.id}-model": "",
        f"p{printer.id}-stock": "50x25",
        f"p{printer.id}-dpi": "300",
    }
    response = post(client, f"/admin/printers/{printer.id}", form, follow_redirects=True)
    assert "Printer saved." in text(response)
    (event,) = audit_events(action="printer.update")
    assert event.before["address"] == "tcp://192.168.1.20:9100"
    assert event.after == {
        "name": "Zebra shelf",
        "kind": "zpl",
        "address": "tcp://192.168.1.30:6101",
        "model": "",
        "stock": "50x25",
        "dpi": 300,
        "active": True,
    }


def test_a_zpl_printer_at_300_dpi_gets_the_label_drawn_at_300_dpi(app, coordinator, client):
    unit = make_unit()
    with printer_listening() as listener:
        printer = printing.add_printer(
            printing.PrinterFields("Zebra 300", "zpl", listener.address, "", "50x30", 300),
            coordinator,
        )
        post(client, f"/u/{unit.serial}/label/send", {"printer": str(printer.id)})
        (received,) = listener.wait_for(1)
        sent(app)
    label = zpl_label(received)
    assert b"^PW591^LL354" in received  # 50 x 30 mm at 300 dpi
    assert decoded(label) == [f"http://localhost/u/{unit.serial}"]


def test_a_refused_printer_keeps_the_settings_shown_as_they_are(coordinator, client):
    settings.update(settings.WorkshopSettings(label_base_url="http://10.0.0.5:5000"), coordinator)
    response = post(client, "/admin/printers", printer_form("", "zpl", "192.168.1.20"))
    assert response.status_code == 400
    assert 'value="http://10.0.0.5:5000"' in text(response)


def test_a_brother_without_its_model_is_refused(coordinator, client):
    before = database_state()
    response = post(client, "/admin/printers", printer_form("QL", "brother_ql", "192.168.1.21"))
    assert response.status_code == 400
    assert "Choose the Brother QL model" in text(response)
    assert database_state() == before
