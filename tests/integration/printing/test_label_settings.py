"""The admin's label settings: saved through the page, read back by the typed accessors."""

from tests.helpers import login, make_user, post
from tests.integration.support import audit_events, database_state, english, text
from tests.unit.printing.listener import closed_port
from workshop.services import printing, settings
from workshop.workflow import Role


def settings_form(**values) -> dict:
    form = {
        "label_base_url": "",
        "default_stock": "62x29",
        "default_printer": "",
        "badge_needs_pin": "y",
    }
    form |= values
    return {key: value for key, value in form.items() if value is not None}


def test_settings_have_safe_defaults(app):
    assert settings.label_base_url() is None
    assert settings.default_stock_id() == "62x29"
    assert settings.auto_print() is False
    assert settings.default_printer_id() is None
    assert settings.badge_needs_pin() is True


def test_admin_saves_the_label_address_stock_and_badge_pin(coordinator, client):
    response = post(
        client,
        "/admin/labels",
        settings_form(
            label_base_url=" http://192.168.1.10:5000/ ",
            default_stock="50x30",
            badge_needs_pin=None,
        ),
    )
    assert response.status_code == 302
    assert "Label settings saved." in text(client.get("/admin/labels"))
    assert settings.label_base_url() == "http://192.168.1.10:5000"
    assert settings.default_stock_id() == "50x30"
    assert settings.badge_needs_pin() is False
    (event,) = audit_events(action="settings.update")
    assert event.user_id == coordinator.id
    assert event.before == {
        "label_base_url": None,
        "default_stock_id": "62x29",
        "badge_needs_pin": True,
    }
    assert event.after == {
        "label_base_url": "http://192.168.1.10:5000",
        "default_stock_id": "50x30",
        "badge_needs_pin": False,
    }


def test_saving_unchanged_settings_writes_nothing(coordinator, client):
    before = database_state()
    assert post(client, "/admin/labels", settings_form()).status_code == 302
    assert database_state() == before


def test_a_label_address_that_is_not_http_is_refused_and_nothing_changes(coordinator, client):
    before = database_state()
    response = post(client, "/admin/labels", settings_form(label_base_url="192.168.1.10:5000"))
    assert response.status_code == 400
    assert "The label address must look like http://192.168.1.10:5000" in text(response)
    assert database_state() == before
    assert settings.label_base_url() is None


def test_an_unknown_stock_is_refused(coordinator, client):
    before = database_state()
    response = post(client, "/admin/labels", settings_form(default_stock="99x99"))
    assert response.status_code == 400
    assert "Label stock: Not a valid choice." in text(response)
    assert database_state() == before


def test_auto_print_needs_a_default_printer(coordinator, client):
    before = database_state()
    response = post(client, "/admin/labels", settings_form(auto_print="y"))
    assert response.status_code == 400
    assert "Auto-print needs a default printer." in text(response)
    assert database_state() == before


def test_removing_the_default_printer_stops_auto_print(coordinator, client):
    printer = printing.add_printer(
        printing.PrinterFields(
            "QL bench", "brother_ql", f"127.0.0.1:{closed_port()}", "QL-820NWB", "62x29"
        ),
        coordinator,
    )
    post(client, "/admin/labels", settings_form(default_printer=str(printer.id), auto_print="y"))
    assert settings.auto_print() and settings.default_printer_id() == printer.id
    assert post(client, f"/admin/printers/{printer.id}/remove").status_code == 302
    assert settings.auto_print() is False
    assert settings.default_printer_id() is None
    assert "QL bench" not in text(client.get("/admin/labels"))
    assert audit_events(action="printer.remove")[0].before["name"] == "QL bench"
    # The name is free again for a new printer.
    assert printing.add_printer(
        printing.PrinterFields("QL bench", "zpl", "127.0.0.1", "", "50x30"), coordinator
    ).active
    assert [p.name for p in printing.active_printers()] == ["QL bench"]


def test_only_an_admin_opens_the_label_settings(app, client):
    volunteer = make_user(Role.VOLUNTEER)
    login(client, volunteer)
    english(client)
    assert client.get("/admin/labels").status_code == 403
    before = database_state()
    assert post(client, "/admin/labels", settings_form(badge_needs_pin=None)).status_code == 403
    assert post(client, "/admin/printers", {"new-name": "x"}).status_code == 403
    assert database_state() == before
    assert settings.badge_needs_pin() is True


def test_a_label_address_too_long_for_the_smallest_label_is_refused(coordinator, client):
    before = database_state()
    long_name = "http://" + "workshop-" * 9 + "lan:5000"
    assert len(long_name) <= settings.BASE_URL_MAX
    response = post(client, "/admin/labels", settings_form(label_base_url=long_name))
    assert response.status_code == 400
    assert "The label address is too long for the QR code on 17x54 labels." in text(response)
    assert database_state() == before
