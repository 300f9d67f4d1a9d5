"""Exchange listings (art. 16-17): an exchange lists a data product with its seller's signed consent; trades that
reference the listing settle within its terms, price range and period. Each refusal names its rule and changes
nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest

import ledger.contracts.errors as E
from ledger.client import LedgerClient
from ledger.contracts.types import Category, Delivery, Kind, Listing, Paused, Right, Role, Trade, compact_signature
from tests.contracts.conftest import World, h, unique_hash

DAY = 86400


def _travel(w: World, seconds: int) -> None:
    w.rpc.call("evm_increaseTime", [seconds])
    w.rpc.call("evm_mine", [])


def _trade(w: World, listing: Listing, buyer: LedgerClient, price: int, *, fee: int = 0, days: int = 365,
           **terms: object) -> Trade:
    """A trade of ``listing``'s product to ``buyer``: a licence on its template ``days`` long (or its right)."""
    licence = listing.delivery == Delivery.LICENSE
    t = listing.terms
    fields: dict[str, object] = {"right": t.right, "purpose": t.purpose, "regions": t.regions,
                                 "terms_hash": t.terms_hash, **terms}  # fmt: skip
    sold = w.terms(days=days, **fields) if licence else t  # type: ignore[arg-type]
    return Trade(unique_hash("trade"), listing.asset_id, listing.seller, buyer.address, price, fee=fee,
                 delivery=listing.delivery, right=listing.right, parent_license_id=listing.parent_license_id,
                 terms=sold)  # fmt: skip


def _state(w: World, listing: Listing, exchange: LedgerClient | None = None) -> tuple[bytes, int]:
    return w.holder.listing_state(w.holder.listing_key((exchange or w.exchange).address, listing.offer.listing_id))


@pytest.fixture
def listed(world: World) -> tuple[World, int, Listing, bytes]:
    """A registered asset of the holder listed on the exchange (licences at 1,000 to 10,000); a funded buyer."""
    w = world
    asset = w.registered_asset()
    listing = w.listing(asset, terms=w.terms())
    key = w.list_product(listing)
    w.fund(w.holder2, 100_000)
    return w, asset, listing, key


def test_an_exchange_lists_a_product_with_its_sellers_signed_consent(world: World) -> None:
    w = world
    asset = w.registered_asset()
    listing = w.listing(asset, terms=w.terms(), min_price=2_000, max_price=2_000)
    signature = w.holder.sign_listing(listing, w.exchange.address)
    result = w.exchange.execute(w.exchange.prepare("Listings", "list", listing.as_abi(), *compact_signature(signature)))
    key = w.holder.listing_key(w.exchange.address, listing.offer.listing_id)
    event = result.event("ProductListed")
    assert (event["key"], event["exchange"], event["assetId"], event["seller"]) == (
        key, w.exchange.address, asset, w.holder.address,
    )  # fmt: skip
    assert event["listing"]["offer"]["listingId"] == listing.offer.listing_id
    assert (event["listing"]["documentHash"], event["listing"]["version"]) == (h("listing document"), 1)
    assert w.holder.listing_state(key) == (w.holder.sale_digest(w.exchange.address, listing)[:28], 1)


def test_a_trade_that_references_a_listing_settles_under_it(listed: tuple[World, int, Listing, bytes]) -> None:
    w, asset, listing, key = listed
    trade = _trade(w, listing, w.holder2, 5_000, fee=500)
    settled = w.exchange.settle_listed(trade, listing.offer).event("TradeSettled")
    assert (settled["mandateId"], settled["price"], settled["sellerAmount"]) == (key, 5_000, 4_500)
    licence = w.holder.get_license(settled["licenseId"])
    assert (licence["licensee"], licence["purpose"], licence["assetId"]) == (w.holder2.address, 1101, asset)
    assert w.holder.balance_of(w.holder.address) == 4_500
    # The listing stays in force: it sells again, to anyone within its terms.
    w.fund(w.merchant, 10_000)
    w.exchange.settle_listed(_trade(w, listing, w.merchant, 10_000), listing.offer)


def test_only_the_holder_of_the_offered_right_is_the_listed_seller(world: World) -> None:
    w = world
    asset = w.registered_asset()
    # holder2 signs a listing of the holder's asset: it holds nothing of it.
    stranger = w.listing(asset, w.holder2, terms=w.terms())
    with pytest.raises(E.ListingNotHolder) as exc:
        w.list_product(stranger)
    assert exc.value.values == {"assetId": asset, "seller": w.holder2.address}
    # A right it does not hold, even of its own asset's split rights.
    w.fund(w.merchant, 10_000)
    w.settle(Trade(h("split"), asset, w.holder.address, w.merchant.address, 1_000, delivery=Delivery.RIGHT,
                   right=Right.OPERATION))  # fmt: skip
    with pytest.raises(E.ListingNotHolder):
        w.list_product(w.listing(asset, terms=w.terms(right=Right.OPERATION), right=Right.OPERATION))
    w.list_product(w.listing(asset, w.merchant, terms=w.terms(right=Right.OPERATION), right=Right.OPERATION))
    assert _state(w, stranger) == (bytes(28), 0)


def test_a_licensee_lists_sublicences_only_under_a_sublicensable_licence(world: World) -> None:
    w = world
    asset = w.registered_asset()
    plain = w.holder.grant_license(asset, w.holder2.address, w.terms())
    with pytest.raises(E.ListingNotHolder):
        w.list_product(w.listing(asset, w.holder2, terms=w.terms(), parent_license_id=plain))
    parent_terms = w.terms(sublicensable=True)
    parent = w.holder.grant_license(asset, w.holder2.address, parent_terms)
    listing = w.listing(asset, w.holder2, terms=parent_terms, parent_license_id=parent, days=30)
    w.list_product(listing)
    w.fund(w.merchant, 5_000)
    trade = _trade(w, listing, w.merchant, 5_000, days=30, sublicensable=True)
    child = w.exchange.settle_listed(trade, listing.offer).event("TradeSettled")["licenseId"]
    assert w.holder.get_license(child)["parentId"] == parent


def test_a_listing_without_the_sellers_consent_is_refused(world: World) -> None:
    w = world
    asset = w.registered_asset()
    listing = w.listing(asset, terms=w.terms())
    forged = w.exchange.sign_listing(listing, w.exchange.address)  # the exchange signs for the seller
    with pytest.raises(E.ListingBadSignature) as exc:
        w.exchange.list_product(listing, forged)
    assert exc.value.values == {"seller": w.holder.address, "recovered": w.exchange.address}
    signed = w.holder.sign_listing(listing, w.exchange.address)
    # The exchange changes a term after the seller signed: the price range, the period, the document.
    for changed in (
        replace(listing, offer=replace(listing.offer, max_price=20_000)),
        replace(listing, offer=replace(listing.offer, end=listing.offer.end + DAY)),
        replace(listing, document_hash=h("another document")),
        replace(listing, version=2),
        replace(listing, terms=replace(listing.terms, exclusive=True)),
    ):
        with pytest.raises(E.ListingBadSignature):
            w.exchange.list_product(changed, signed)
    # A consent to one exchange does not list the product on another.
    other = w.admit(20, Role.EXCHANGE)
    with pytest.raises(E.ListingBadSignature):
        other.list_product(listing, signed)
    assert _state(w, listing) == (bytes(28), 0)
    w.exchange.list_product(listing, signed)


def test_only_exchanges_list(world: World) -> None:
    w = world
    asset = w.registered_asset()
    listing = w.listing(asset, terms=w.terms())
    with pytest.raises(E.ParticipantUnauthorized):
        w.holder.list_product(listing, w.holder.sign_listing(listing, w.holder.address))
    with pytest.raises(E.ParticipantUnknown):
        w.outsider.list_product(listing, w.holder.sign_listing(listing, w.outsider.address))


def test_public_data_is_listed_only_within_the_guided_price_band(world: World) -> None:
    w = world
    asset = w.registered_asset(category=Category.PUBLIC)
    with pytest.raises(E.ListingNoPriceBand) as none:
        w.list_product(w.listing(asset, terms=w.terms(), min_price=5_000, max_price=20_000))
    assert none.value.kind == Kind.DATASET
    w.authority.set_price_band(Kind.DATASET, 5_000, 20_000)
    for low, high in ((4_999, 20_000), (5_000, 20_001), (1, 30_000)):
        with pytest.raises(E.ListingOutOfBand) as out:
            w.list_product(w.listing(asset, terms=w.terms(), min_price=low, max_price=high))
        assert out.value.values == {"minPrice": low, "maxPrice": high, "bandMin": 5_000, "bandMax": 20_000}
    w.list_product(w.listing(asset, terms=w.terms(), min_price=5_000, max_price=20_000))


def test_a_disputed_or_frozen_asset_is_not_listed_and_its_listings_are_suspended(
    listed: tuple[World, int, Listing, bytes],
) -> None:
    w, asset, listing, _ = listed
    w.authority.freeze(asset, h("rectification order"))
    with pytest.raises(E.RegistryAssetFrozen) as exc:
        w.list_product(w.listing(asset, terms=w.terms()))
    assert exc.value.assetId == asset
    with pytest.raises(E.RegistryAssetFrozen):  # the listing in force is suspended: no trade may reference it
        w.exchange.settle_listed(_trade(w, listing, w.holder2, 5_000), listing.offer)
    w.authority.unfreeze(asset, h("rectified"))
    w.exchange.settle_listed(_trade(w, listing, w.holder2, 5_000), listing.offer)
    w.supervisor.execute(w.supervisor.prepare("AssetControls", "lodgeObjection", asset, h("ownership claim"), 0))
    with pytest.raises(E.RegistryAssetDisputed):
        w.list_product(w.listing(asset, terms=w.terms()))
    with pytest.raises(E.RegistryAssetDisputed):
        w.exchange.settle_listed(_trade(w, listing, w.holder2, 5_000), listing.offer)
    assert w.holder.balance_of(w.holder2.address) == 95_000


def test_a_trade_must_lie_within_the_listings_price_range_period_and_terms(
    listed: tuple[World, int, Listing, bytes],
) -> None:
    w, _asset, listing, _ = listed
    count = w.holder.license_count()
    for price in (999, 10_001):
        with pytest.raises(E.ListingPriceOutOfRange) as out:
            w.exchange.settle_listed(_trade(w, listing, w.holder2, price), listing.offer)
        assert out.value.values == {"listingId": listing.offer.listing_id, "price": price, "minPrice": 1_000,
                                    "maxPrice": 10_000}  # fmt: skip
    with pytest.raises(E.ListingDuration):  # a longer licence than listed
        w.exchange.settle_listed(_trade(w, listing, w.holder2, 5_000, days=366), listing.offer)
    mismatched = (
        _trade(w, listing, w.holder2, 5_000, purpose=2202),  # another purpose
        _trade(w, listing, w.holder2, 5_000, exclusive=True),  # exclusive where the listing is not
        replace(_trade(w, listing, w.holder2, 5_000), seller=w.holder2.address, buyer=w.merchant.address),
        replace(_trade(w, listing, w.holder2, 5_000), asset_id=w.registered_asset()),
    )
    for trade in mismatched:
        with pytest.raises(E.ListingNotListed):
            w.exchange.settle_listed(trade, listing.offer)
    # The offer is part of what the seller signed: a wider range passed with the trade names no listing.
    wider = replace(listing.offer, max_price=50_000)
    with pytest.raises(E.ListingNotListed):
        w.exchange.settle_listed(_trade(w, listing, w.holder2, 40_000), wider)
    # Another exchange cannot sell under this exchange's listing.
    other = w.admit(21, Role.EXCHANGE)
    w.holder2.approve(other.address, 10_000)
    with pytest.raises(E.ListingNotListed):
        other.settle_listed(_trade(w, listing, w.holder2, 5_000), listing.offer)
    assert w.holder.license_count() == count
    _travel(w, 31 * DAY)
    with pytest.raises(E.ListingOutsidePeriod):
        w.exchange.settle_listed(_trade(w, listing, w.holder2, 5_000), listing.offer)
    assert w.holder.balance_of(w.holder2.address) == 100_000


def test_a_listing_sells_only_from_its_start(world: World) -> None:
    w = world
    asset = w.registered_asset()
    start = w.chain_time() + 2 * DAY
    listing = w.listing(asset, terms=w.terms(), start=start, end=start + DAY)
    w.list_product(listing)
    w.fund(w.holder2, 10_000)
    with pytest.raises(E.ListingOutsidePeriod) as exc:
        w.exchange.settle_listed(_trade(w, listing, w.holder2, 5_000), listing.offer)
    assert (exc.value.start, exc.value.end) == (start, start + DAY)
    _travel(w, 2 * DAY + 60)  # (a chain's clock may run a little ahead of the wall clock travel starts from)
    w.exchange.settle_listed(_trade(w, listing, w.holder2, 5_000), listing.offer)


def test_the_seller_nets_at_least_the_listings_least_net_amount(world: World) -> None:
    w = world
    asset = w.registered_asset()
    listing = w.listing(asset, terms=w.terms(), min_net=4_000)
    w.list_product(listing)
    w.fund(w.holder2, 10_000)
    with pytest.raises(E.SettlementBelowMinimum):
        w.exchange.settle_listed(_trade(w, listing, w.holder2, 5_000, fee=1_001), listing.offer)
    w.exchange.settle_listed(_trade(w, listing, w.holder2, 5_000, fee=1_000), listing.offer)


def test_an_amendment_replaces_the_listed_terms(listed: tuple[World, int, Listing, bytes]) -> None:
    w, _asset, listing, key = listed
    amended = replace(listing, version=2, offer=replace(listing.offer, min_price=3_000, max_price=3_000))
    for stale in (1, 0):
        again = replace(listing, version=stale)
        with pytest.raises(E.ListingStaleVersion) as exc:
            w.list_product(again)
        assert (exc.value.version, exc.value.current) == (stale, 1)
    assert w.list_product(amended) == key
    assert _state(w, listing)[1] == 2
    with pytest.raises(E.ListingNotListed):  # the earlier version no longer sells
        w.exchange.settle_listed(_trade(w, listing, w.holder2, 5_000), listing.offer)
    w.exchange.settle_listed(_trade(w, amended, w.holder2, 3_000), amended.offer)


def test_an_exchange_delists_and_only_a_newer_signed_version_lists_again(
    listed: tuple[World, int, Listing, bytes],
) -> None:
    w, _asset, listing, key = listed
    other = w.admit(22, Role.EXCHANGE)
    with pytest.raises(E.ListingNotListed):  # another exchange's delisting names its own listing of that id
        other.delist_product(listing.offer.listing_id, h("notice"))
    delisted = w.exchange.delist_product(listing.offer.listing_id, h("delisting notice"))
    assert delisted.event("ProductDelisted") == {
        "key": key, "version": 1, "by": w.exchange.address, "withdrawn": False, "reasonHash": h("delisting notice"),
    }  # fmt: skip
    assert _state(w, listing) == (bytes(28), 1)
    with pytest.raises(E.ListingNotListed):
        w.exchange.settle_listed(_trade(w, listing, w.holder2, 5_000), listing.offer)
    with pytest.raises(E.ListingNotListed):
        w.exchange.delist_product(listing.offer.listing_id, h("notice"))
    with pytest.raises(E.ListingStaleVersion):  # the seller's signature over version 1 lists nothing again
        w.list_product(listing)
    relisted = replace(listing, version=2)
    w.list_product(relisted)
    w.exchange.settle_listed(_trade(w, relisted, w.holder2, 5_000), relisted.offer)


def test_the_seller_withdraws_its_consent_for_good(listed: tuple[World, int, Listing, bytes]) -> None:
    w, _asset, listing, key = listed
    for stranger in (w.holder2, w.exchange):
        with pytest.raises(E.ListingNotSeller):
            stranger.withdraw_listing(w.exchange.address, listing, h("withdrawal"))
    withdrawn = w.holder.withdraw_listing(w.exchange.address, listing, h("withdrawal"))
    assert withdrawn.event("ProductDelisted") == {
        "key": key, "version": 1, "by": w.holder.address, "withdrawn": True, "reasonHash": h("withdrawal"),
    }  # fmt: skip
    with pytest.raises(E.ListingNotListed):
        w.exchange.settle_listed(_trade(w, listing, w.holder2, 5_000), listing.offer)
    with pytest.raises(E.ListingStaleVersion):  # not even a newer version the seller signed earlier
        w.list_product(replace(listing, version=7))


def test_malformed_listings_are_refused(world: World) -> None:
    w = world
    asset = w.registered_asset()
    now = w.chain_time()
    base = w.listing(asset, terms=w.terms())
    malformed = (
        replace(base, offer=replace(base.offer, listing_id=bytes(32))),
        replace(base, document_hash=bytes(32)),
        replace(base, offer=replace(base.offer, min_price=0, max_price=0)),
        replace(base, offer=replace(base.offer, min_price=5_000, max_price=4_999)),
        replace(base, offer=replace(base.offer, start=now + DAY, end=now + DAY)),
        replace(base, offer=replace(base.offer, start=now - 2 * DAY, end=now - DAY)),
        replace(base, offer=replace(base.offer, max_duration=0)),
        replace(base, terms=w.terms()),  # a template has no period
        replace(base, right=Right.OPERATION),  # not the template's right
        replace(base, delivery=Delivery.RIGHT, terms=replace(base.terms, right=base.right, purpose=0,
                                                             regions=(), terms_hash=bytes(32))),  # a right: no duration
    )  # fmt: skip
    for listing in malformed:
        with pytest.raises(E.ListingInvalid):
            w.list_product(listing)
    assert w.holder.license_count() == 0


def test_a_right_is_listed_and_sold_once(world: World) -> None:
    w = world
    asset = w.registered_asset()
    listing = w.listing(asset, delivery=Delivery.RIGHT, right=Right.OPERATION)
    w.list_product(listing)
    w.fund(w.holder2, 10_000)
    w.exchange.settle_listed(_trade(w, listing, w.holder2, 8_000), listing.offer)
    assert w.holder.holder_of(asset, Right.OPERATION) == w.holder2.address
    w.fund(w.merchant, 10_000)
    with pytest.raises(E.RegistryNotRightHolder):  # the seller no longer holds what it listed
        w.exchange.settle_listed(_trade(w, listing, w.merchant, 8_000), listing.offer)


def test_pausing_listings_stops_listing_and_listed_trades_but_not_delisting(
    listed: tuple[World, int, Listing, bytes],
) -> None:
    w, asset, listing, _ = listed
    w.authority.pause(Paused.LISTINGS, h("incident"))
    with pytest.raises(E.LedgerPaused):
        w.list_product(w.listing(asset, terms=w.terms()))
    with pytest.raises(E.LedgerPaused):
        w.exchange.settle_listed(_trade(w, listing, w.holder2, 5_000), listing.offer)
    w.holder.withdraw_listing(w.exchange.address, listing, h("withdrawal"))
