"""The annual public-data opening list (art. 10): the authority publishes the year's entries; each department links
the public-data asset it registered for its entry; a licence of it, or a listing of it in force, shows it open.
Each refusal names its rule and changes nothing."""

from __future__ import annotations

import pytest

import ledger.contracts.errors as E
from ledger.contracts.types import Category, Kind, OpeningEntry, OpeningEvidence, OpeningStatus, Role
from tests.contracts.conftest import World, h

DAY = 86400


def _publish(w: World, *departments: str, days: int = 180, year: int = 2027) -> list[int]:
    target = w.chain_time() + days * DAY
    entries = [OpeningEntry(d, h(f"data of {d} {i}"), target) for i, d in enumerate(departments)]
    return w.authority.publish_opening_list(year, h(f"opening list {year}"), entries)


def _public_asset(w: World) -> int:
    return w.registered_asset(category=Category.PUBLIC)


def test_the_authority_publishes_the_years_list_entry_by_entry(world: World) -> None:
    w = world
    target = w.chain_time() + 90 * DAY
    entries = [OpeningEntry(w.holder.address, h("bus ridership"), target),
               OpeningEntry(w.holder2.address, h("water quality"), target + DAY)]  # fmt: skip
    result = w.authority.execute(w.authority.prepare(
        "OpeningList", "publish", 2027, h("list 2027"), [e.as_abi() for e in entries]))  # fmt: skip
    assert result.event("OpeningListPublished") == {
        "year": 2027, "listHash": h("list 2027"), "firstEntryId": 1, "count": 2, "by": w.authority.address,
    }  # fmt: skip
    published = result.find("OpeningEntryPublished")
    assert [(e["entryId"], e["department"], e["targetDate"]) for e in published] == [
        (1, w.holder.address, target), (2, w.holder2.address, target + DAY),
    ]  # fmt: skip
    entry = w.holder.opening_entry(2)
    assert (entry["department"], entry["year"], entry["status"], entry["assetId"]) == (
        w.holder2.address, 2027, OpeningStatus.PLANNED, 0,
    )  # fmt: skip
    assert w.holder.opening_entry_count() == 2
    assert _publish(w, w.holder.address) == [3]


def test_a_list_is_the_authoritys_and_well_formed(world: World) -> None:
    w = world
    entry = OpeningEntry(w.holder.address, h("data"), w.chain_time() + DAY)
    with pytest.raises(E.ParticipantUnauthorized):
        w.registrar.publish_opening_list(2027, h("list"), [entry])
    now = w.chain_time()
    for year, list_hash, entries in (
        (2027, h("list"), []), (1999, h("list"), [entry]), (2200, h("list"), [entry]), (2027, bytes(32), [entry]),
        (2027, h("list"), [entry, OpeningEntry(w.holder.address, bytes(32), now + DAY)]),
        (2027, h("list"), [OpeningEntry(w.holder.address, h("data"), now - DAY)]),
    ):  # fmt: skip
        with pytest.raises(E.OpeningInvalidList):
            w.authority.publish_opening_list(year, list_hash, entries)
    # A department is an active data holder.
    for department in (w.exchange.address, w.outsider.address, w.suspended.address):
        with pytest.raises((E.ParticipantUnauthorized, E.ParticipantUnknown, E.ParticipantNotActive)):
            w.authority.publish_opening_list(2027, h("list"), [OpeningEntry(department, h("data"), now + DAY)])
    assert w.holder.opening_entry_count() == 0


def test_the_department_links_the_public_asset_it_registered(world: World) -> None:
    w = world
    [entry] = _publish(w, w.holder.address)
    asset = _public_asset(w)
    for other in (w.holder2, w.registrar, w.authority):
        with pytest.raises(E.OpeningNotDepartment):
            other.link_opening_asset(entry, asset)
    enterprise, foreign = w.registered_asset(), w.registered_asset(w.holder2, category=Category.PUBLIC)
    for wrong in (enterprise, foreign):  # not public data; public but held by another
        with pytest.raises(E.OpeningInvalidAsset) as exc:
            w.holder.link_opening_asset(entry, wrong)
        assert exc.value.values == {"entryId": entry, "assetId": wrong}
    pending = w.holder.apply_registration(w.registration(category=Category.PUBLIC))
    with pytest.raises(E.OpeningInvalidAsset):
        w.holder.link_opening_asset(entry, pending)
    with pytest.raises(E.OpeningUnknownEntry):
        w.holder.link_opening_asset(entry + 1, asset)
    assert w.holder.opening_entry(entry)["status"] == OpeningStatus.PLANNED
    linked = w.holder.link_opening_asset(entry, asset)
    assert linked.event("OpeningEntryRegistered") == {
        "entryId": entry, "assetId": asset, "department": w.holder.address,
    }  # fmt: skip
    e = w.holder.opening_entry(entry)
    assert (e["status"], e["assetId"], e["registeredAt"]) == (OpeningStatus.REGISTERED, asset, w.chain_time())
    with pytest.raises(E.OpeningInvalidStatus):  # linked once
        w.holder.link_opening_asset(entry, _public_asset(w))


def test_a_licence_of_the_linked_asset_shows_it_opened(world: World) -> None:
    w = world
    [entry] = _publish(w, w.holder.address)
    asset, other = _public_asset(w), _public_asset(w)
    w.authority.set_price_band(Kind.DATASET, 1, 10**12)
    with pytest.raises(E.OpeningInvalidStatus):  # not registered yet
        w.merchant.mark_opened(entry, 1)
    w.holder.link_opening_asset(entry, asset)
    licence = _licence(w, asset)
    elsewhere = _licence(w, other)
    with pytest.raises(E.OpeningNoEvidence):
        w.merchant.mark_opened(entry, elsewhere)
    with pytest.raises(E.LicenseUnknown):
        w.merchant.mark_opened(entry, 999)
    with pytest.raises(E.ParticipantUnknown):
        w.outsider.mark_opened(entry, licence)
    opened = w.merchant.mark_opened(entry, licence)
    assert opened.event("OpeningEntryOpened") == {
        "entryId": entry, "assetId": asset, "evidence": OpeningEvidence.LICENCE, "ref": licence.to_bytes(32, "big"),
        "by": w.merchant.address,
    }  # fmt: skip
    e = w.holder.opening_entry(entry)
    assert (e["status"], e["openedAt"]) == (OpeningStatus.OPENED, w.chain_time())
    with pytest.raises(E.OpeningInvalidStatus):
        w.merchant.mark_opened(entry, licence)


def _licence(w: World, asset: int) -> int:
    """A licence of public data: granted as an authorised operation the authority approved."""
    terms = w.terms()
    w.authority.authorise_public_operation(asset, w.merchant.address, terms.right, terms.purpose, terms.end,
                                           h("operation approval"))  # fmt: skip
    return w.holder.grant_license(asset, w.merchant.address, terms)


def test_a_listing_of_the_linked_asset_in_force_shows_it_opened(world: World) -> None:
    w = world
    [entry, kept] = _publish(w, w.holder.address, w.holder.address)
    asset = _public_asset(w)
    w.holder.link_opening_asset(entry, asset)
    w.authority.set_price_band(Kind.DATASET, 1_000, 10_000)
    listing = w.listing(asset, terms=w.terms())
    with pytest.raises(E.OpeningNoEvidence):  # not listed yet
        w.merchant.mark_listed(entry, w.exchange.address, listing)
    key = w.list_product(listing)
    with pytest.raises(E.OpeningNoEvidence):  # listed by the exchange, not by the merchant
        w.merchant.mark_listed(entry, w.merchant.address, listing)
    opened = w.holder.mark_listed(entry, w.exchange.address, listing)
    assert opened.event("OpeningEntryOpened")["ref"] == key
    assert opened.event("OpeningEntryOpened")["evidence"] == OpeningEvidence.LISTING
    # A delisted listing shows nothing.
    w.holder.link_opening_asset(kept, asset)
    w.exchange.delist_product(listing.offer.listing_id, h("delisted"))
    with pytest.raises(E.OpeningNoEvidence):
        w.holder.mark_listed(kept, w.exchange.address, listing)


def test_the_authority_withdraws_an_entry_not_opened(world: World) -> None:
    w = world
    [planned, registered] = _publish(w, w.holder.address, w.holder.address)
    w.holder.link_opening_asset(registered, _public_asset(w))
    with pytest.raises(E.ParticipantUnauthorized):
        w.holder.withdraw_opening_entry(planned, h("no longer required"))
    with pytest.raises(E.OpeningZeroHash):
        w.authority.withdraw_opening_entry(planned, bytes(32))
    for entry in (planned, registered):
        withdrawn = w.authority.withdraw_opening_entry(entry, h("merged into another entry"))
        assert withdrawn.event("OpeningEntryWithdrawn")["entryId"] == entry
        assert w.holder.opening_entry(entry)["status"] == OpeningStatus.WITHDRAWN
    with pytest.raises(E.OpeningInvalidStatus):
        w.authority.withdraw_opening_entry(planned, h("again"))
    with pytest.raises(E.OpeningInvalidStatus):
        w.holder.link_opening_asset(planned, _public_asset(w))


def test_the_department_must_be_a_data_holder(world: World) -> None:
    w = world
    department = w.admit(23, Role.DATA_HOLDER, name="Nanning Transport Bureau")
    [entry] = _publish(w, department.address)
    asset = w.registered_asset(department, category=Category.PUBLIC)
    department.link_opening_asset(entry, asset)
    assert w.holder.opening_entry(entry)["department"] == department.address
