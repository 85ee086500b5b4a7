"""Sites (a warehouse, a workshop) and the places in them (a shelf, a bin, a box) as a tree.

A place is named by its path, "Kyiv workshop/Shelf 3/Box 2": the site's name, then the names
down the tree. The path is kept on each place (renaming one above rewrites those below), so an
import or the API finds a place by it in one lookup.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import Place, Site, User
from workshop.services import audit, stock
from workshop.services.errors import Invalid, NotFound
from workshop.validators import is_id

NAME_MAX = 80
PATH_MAX = 300
SEPARATOR = "/"


def check_name(name: str) -> str:
    """A site's or place's name: 1 to 80 characters, no "/" (it separates a path)."""
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise Invalid(_l("A name of 1 to 80 characters is needed."))
    if SEPARATOR in name:
        raise Invalid(_l("A name may not hold “/”: it separates the places of a path."))
    return name


def _path(*names: str) -> str:
    path = SEPARATOR.join(names)
    if len(path) > PATH_MAX:
        raise Invalid(_l("The path of the place is too long (at most 300 characters)."))
    return path


# Sites ------------------------------------------------------------------------------------


def all_sites() -> list[Site]:
    return list(db.session.scalars(sa.select(Site).order_by(Site.name)))


def get_site(site_id: int) -> Site:
    site = db.session.get(Site, site_id) if is_id(site_id) else None
    if site is None:
        raise NotFound(_l("There is no such site."))
    return site


def _check_site_name(name: str, site_id: int | None) -> str:
    name = check_name(name)
    clash = db.session.scalar(
        sa.select(Site.id).where(Site.name == name, Site.id != (site_id or 0))
    )
    if clash is not None:
        raise Invalid(_l("A site is already called %(name)s.", name=name))
    return name


def _new_site(name: str, actor: User | None) -> Site:
    site = Site(name=_check_site_name(name, None))
    db.session.add(site)
    db.session.flush()
    audit.record(actor, "site.create", "site", site.id, None, {"name": site.name})
    return site


def create_site(name: str, actor: User) -> Site:
    site = _new_site(name, actor)
    db.session.commit()
    return site


def rename_site(site_id: int, name: str, actor: User) -> Site:
    site = get_site(site_id)
    name = _check_site_name(name, site.id)
    before = site.name
    for place in db.session.scalars(sa.select(Place).where(Place.site_id == site.id)):
        place.path = _path(name, place.path.split(SEPARATOR, 1)[1])
    site.name = name
    audit.record(actor, "site.update", "site", site.id, {"name": before}, {"name": name})
    db.session.commit()
    return site


# Places -----------------------------------------------------------------------------------


def places_of(site_id: int | None = None) -> list[Place]:
    """Every place (of one site), in path order: a tree read top to bottom."""
    query = sa.select(Place).options(so.joinedload(Place.site)).order_by(Place.path)
    if site_id is not None:
        query = query.where(Place.site_id == site_id)
    return list(db.session.scalars(query))


def below(place: Place) -> list[Place]:
    """The places inside a place, all the way down, in path order."""
    return list(
        db.session.scalars(
            sa.select(Place)
            .where(
                Place.site_id == place.site_id,
                Place.path.startswith(place.path + SEPARATOR, autoescape=True),
            )
            .order_by(Place.path)
        )
    )


def get_place(code: str) -> Place:
    place = db.session.scalar(
        sa.select(Place).options(so.joinedload(Place.site)).where(Place.code == code.upper())
    )
    if place is None:
        raise NotFound(_l("No place has the code %(code)s.", code=code[:24]))
    return place


def place_of_bin(number: int) -> Place:
    """The place a bin label printed before places existed names."""
    # A number past any id is refused before it reaches the database, which cannot hold it.
    place = (
        db.session.scalar(sa.select(Place).where(Place.bin_number == number))
        if is_id(number)
        else None
    )
    if place is None:
        raise NotFound(_l("No place has the bin number %(code)s.", code=number))
    return place


def _new_place(site: Site, parent: Place | None, name: str, actor: User | None) -> Place:
    name = check_name(name)
    path = _path(parent.path if parent else site.name, name)
    if db.session.scalar(sa.select(Place.id).where(Place.path == path)) is not None:
        raise Invalid(_l("%(path)s exists already.", path=path))
    place = Place(site=site, parent=parent, name=name, path=path, code=stock.new_place_code())
    db.session.add(place)
    db.session.flush()
    audit.record(
        actor, "place.create", "place", place.code, None, {"path": place.path, "code": place.code}
    )
    return place


def create_place(site_id: int, parent_code: str | None, name: str, actor: User) -> Place:
    """A place right under the site, or under another place of the same site."""
    site = get_site(site_id)
    parent = get_place(parent_code) if parent_code else None
    if parent is not None and parent.site_id != site.id:
        raise Invalid(_l("%(path)s is not a place of %(site)s.", path=parent.path, site=site.name))
    place = _new_place(site, parent, name, actor)
    db.session.commit()
    return place


def rename_place(code: str, name: str, actor: User) -> Place:
    place = get_place(code)
    name = check_name(name)
    old = place.path
    new = _path(old.rsplit(SEPARATOR, 1)[0], name)
    if new != old and db.session.scalar(sa.select(Place.id).where(Place.path == new)) is not None:
        raise Invalid(_l("%(path)s exists already.", path=new))
    below = [p for p in places_of(place.site_id) if p.path.startswith(old + SEPARATOR)]
    for other in below:
        other.path = _path(new, other.path[len(old) + 1 :])
    place.name, place.path = name, new
    audit.record(actor, "place.update", "place", place.code, {"path": old}, {"path": new})
    db.session.commit()
    return place


@dataclass
class PathPlan:
    """What finding a path made, or would make: a new site and new places, by path."""

    made: list[str] = field(default_factory=list)


def place_at(path: str, actor: User | None, plan: PathPlan) -> Place:
    """The place a path names, made (with its site) when it does not exist yet; the caller
    commits. `plan` collects what was made."""
    names = [check_name(name) for name in path.split(SEPARATOR)]
    if len(names) < 2:
        raise Invalid(
            _l(
                "“%(path)s” is not a place: write the site, then the place, as in "
                "Kyiv workshop/Shelf 3.",
                path=path[:80],
            )
        )
    full = _path(*names)
    found = db.session.scalar(sa.select(Place).where(Place.path == full))
    if found is not None:
        return found
    site = db.session.scalar(sa.select(Site).where(Site.name == names[0]))
    if site is None:
        site = _new_site(names[0], actor)
        plan.made.append(site.name)
    parent: Place | None = None
    for depth in range(1, len(names)):
        here = _path(*names[: depth + 1])
        place = db.session.scalar(sa.select(Place).where(Place.path == here))
        if place is None:
            place = _new_place(site, parent, names[depth], actor)
            plan.made.append(place.path)
        parent = place
    assert parent is not None
    return parent
