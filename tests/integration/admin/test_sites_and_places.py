"""Sites hold places as a tree; a place is named by its path and labelled by its code."""

import pytest

from tests.helpers import make_drone_type, make_place, post, receive
from tests.integration.support import audit_events, database_state, text
from workshop.extensions import db
from workshop.models import Place
from workshop.services import places


def test_the_coordinator_builds_a_site_with_a_tree_of_places(app, client, coordinator):
    assert post(client, "/stock/sites", {"site-name": "Kyiv workshop"}).status_code == 302
    site = places.all_sites()[0]
    shelf = {"place-site": str(site.id), "place-parent": "", "place-name": "Shelf 3"}
    assert post(client, "/stock/places", shelf).status_code == 302
    shelf_place = places.places_of()[0]
    box = {"place-site": str(site.id), "place-parent": shelf_place.code, "place-name": "Box 2"}
    assert post(client, "/stock/places", box).status_code == 302
    assert [(p.path, p.depth) for p in places.places_of(site.id)] == [
        ("Kyiv workshop/Shelf 3", 0),
        ("Kyiv workshop/Shelf 3/Box 2", 1),
    ]
    codes = [p.code for p in places.places_of()]
    assert all(code.startswith("P-") and code[2:].isdigit() for code in codes)
    page = text(client.get("/stock/places"))
    assert "Kyiv workshop" in page and "Box 2" in page and codes[1] in page
    assert [e.after["path"] for e in audit_events(action="place.create")] == [
        "Kyiv workshop/Shelf 3",
        "Kyiv workshop/Shelf 3/Box 2",
    ]


def test_renaming_a_site_or_a_place_renames_every_path_below_it(app, client, coordinator):
    box = make_place("Kyiv workshop/Shelf 3/Box 2")
    shelf = places.get_place(places.places_of()[0].code)
    assert post(client, f"/stock/places/{shelf.code}/rename", {"name": "Rack A"}).status_code == 302
    response = post(client, f"/stock/sites/{shelf.site_id}/rename", {"name": "Kyiv, Podil"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Place, box.id).path == "Kyiv, Podil/Rack A/Box 2"
    assert db.session.get(Place, box.id).code == box.code  # the label stays good


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"place-name": "Shelf/3"}, "A name may not hold “/”"),
        ({"place-name": "Shelf 3"}, "Kyiv workshop/Shelf 3 exists already."),
        ({"place-name": ""}, "This field is required."),
        ({"place-name": "x" * 81}, "at most 80 characters"),
        ({"place-name": "Shelf\x00 3"}, "control character"),
        ({"place-parent": "P-999999"}, "Not a valid choice"),
    ],
)
def test_a_bad_place_is_refused_and_changes_nothing(app, client, coordinator, form, says):
    shelf = make_place("Kyiv workshop/Shelf 3")
    data = {"place-site": str(shelf.site_id), "place-parent": "", "place-name": "Box"} | form
    before = database_state()
    response = post(client, "/stock/places", data)
    assert response.status_code == 400
    assert says in text(response)
    assert database_state() == before


def test_a_place_of_another_site_cannot_hold_a_new_place(app, client, coordinator):
    rack = make_place("Lviv warehouse/Rack 1")
    kyiv = make_place("Kyiv workshop/Shelf 3").site
    before = database_state()
    form = {"place-site": str(kyiv.id), "place-parent": rack.code, "place-name": "Box"}
    response = post(client, "/stock/places", form)
    assert response.status_code == 400
    assert "Lviv warehouse/Rack 1 is not a place of Kyiv workshop." in text(response)
    assert database_state() == before


def test_a_site_name_is_unique(app, client, coordinator):
    make_place("Kyiv workshop/Shelf 3")
    before = database_state()
    response = post(client, "/stock/sites", {"site-name": " Kyiv   workshop "})
    assert response.status_code == 400
    assert "A site is already called Kyiv workshop." in text(response)
    assert database_state() == before


def test_the_place_page_lists_its_lots_and_places_inside_and_prints_its_label(
    app, client, coordinator
):
    shelf = make_place("Kyiv workshop/Shelf 3")
    make_place("Kyiv workshop/Shelf 3/Box 2")
    make_drone_type()
    lot = receive("ESC", 6, shelf)
    page = text(client.get(f"/places/{shelf.code}"))
    assert lot.code in page and "6 pcs" in page and "Box 2" in page
    label = text(client.get(f"/places/{shelf.code}/label/print"))
    assert "Shelf 3" in label and shelf.code in label
