"""Malformed input is refused with the specific error and changes nothing.

Each test takes the ledger's observable state (counters, the records involved, balances) before the
refused calls and compares it afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import ledger.contracts.errors as E
from ledger.contracts.credit_code import credit_code_hash
from ledger.contracts.revert import UnknownRevert
from ledger.contracts.system import SYSTEM_CONTRACTS
from ledger.contracts.types import OrderTarget, Right, Role, Trade
from tests.contracts.conftest import CITY, RESERVE, World, h, unique_hash
from tests.credit_codes import code_for

ZERO = "0x0000000000000000000000000000000000000000"
ZERO_HASH = b"\x00" * 32
DAY = 86_400


def _state(w: World, assets: tuple[int, ...] = (), licences: tuple[int, ...] = ()) -> dict[str, Any]:
    c = w.holder
    accounts = (w.holder, w.holder2, w.merchant, w.provider, w.suspended, w.outsider)
    return {
        "assets": c.asset_count(),
        "licences": c.license_count(),
        "objections": c.objection_count(),
        "orders": c.order_count(),
        "asset records": [c.get_asset(a) for a in assets],
        "holders": [[c.holder_of(a, r) for r in Right] for a in assets],
        "licence records": [c.get_license(x) for x in licences],
        "children": [c.children_of(x) for x in licences],
        "participants": [c.get_participant(a.address) for a in accounts],
        "balances": [c.balance_of(a.address) for a in accounts],
        "credit": [c.credit_of(a.address) for a in accounts],
    }


def _refused(w: World, error: type[E.ContractRevert], attempt: Callable[[], object], **values: Any) -> None:
    with pytest.raises(error) as exc:
        attempt()
    for key, value in values.items():
        assert getattr(exc.value, key) == value, (key, exc.value.values)


# ─────────────────────────────────────────── zero addresses and zero hashes


def test_zero_addresses_are_refused(world: World) -> None:
    w = world
    asset = w.registered_asset()
    licence = w.holder.grant_license(asset, w.holder2.address, w.terms(sublicensable=True, transferable=True))
    w.bank.issue(w.holder.address, 100, RESERVE)
    before = _state(w, (asset,), (licence,))
    _refused(
        w, E.ParticipantZeroAddress, lambda: w.authority.admit(ZERO, Role.DATA_HOLDER, CITY, "Nobody", code_for(ZERO))
    )
    _refused(w, E.RegistryZeroAddress, lambda: w.holder.grant_license(asset, ZERO, w.terms(purpose=2)))
    _refused(w, E.RegistryZeroAddress, lambda: w.holder.execute(
        w.holder.prepare("AssetRegistry", "grantLicense", asset, ZERO, w.terms(purpose=4).as_abi())))
    _refused(w, E.RegistryZeroAddress, lambda: w.holder.transfer_right(asset, Right.OPERATION, ZERO))
    _refused(w, E.RegistryZeroAddress, lambda: w.holder2.transfer_license(licence, ZERO))
    _refused(w, E.RegistryZeroAddress, lambda: w.holder2.sublicense(licence, ZERO, w.terms()))
    _refused(w, E.ERC20InvalidReceiver, lambda: w.holder.transfer(ZERO, 100), receiver=ZERO)
    _refused(
        w,
        E.ParticipantUnknown,
        lambda: w.settle(Trade(h("to nobody"), asset, w.holder.address, ZERO, 100, terms=w.terms(purpose=3))),
        account=ZERO,
    )
    _refused(
        w,
        E.ParticipantUnknown,
        lambda: w.supervisor.open_order(OrderTarget.PARTICIPANT, participant=ZERO, document_hash=h("order")),
        account=ZERO,
    )
    assert _state(w, (asset,), (licence,)) == before
    assert w.holder.get_participant(ZERO)["status"] == 0


def test_contracts_are_wired_for_good_at_deployment(world: World) -> None:
    """No contract has a setter for the addresses of the others: they are immutables of the deployment."""
    w = world
    a = w.contracts.address
    assert w.holder.view("AssetRegistry", "settlement") == a["TradeSettlement"]
    assert w.holder.view("AssetRegistry", "controls") == a["AssetControls"]
    assert w.holder.view("AssetRegistry", "recognition") == a["Recognition"]
    assert w.holder.view("AssetRegistry", "module") == a["AssetRegistryModule"]
    assert w.holder.view("SettlementToken", "settlement") == a["TradeSettlement"]
    assert w.holder.view("TradeSettlement", "mandates") == a["MandateRegistry"]
    assert w.holder.view("MandateRegistry", "settlement") == a["TradeSettlement"]
    assert w.holder.view("AssetControls", "registry") == a["AssetRegistry"]
    # The ledger's contracts; the governance's own configuration (roles, Safes' owners) changes only through the
    # council, after its delay (tests/contracts/test_governance.py).
    setters = {
        item["name"]
        for name in SYSTEM_CONTRACTS
        for item in w.contracts.codecs[name].abi
        if item.get("type") == "function" and str(item.get("name", "")).startswith("set")
        and not str(item.get("name")).startswith("settle")
    }
    assert setters == {"setRoles", "setRevenueShares", "setPriceBand", "setAgreement", "setControl",
                       "setRecognitionSuspended", "setIssuanceLimit", "setPaused", "setRequirement",
                       "setResponseWindow"}  # fmt: skip
    # The participant registry knows the governance's Safes (whose officers may be neither banks nor exchanges)
    # from its constructor, as the guard knows the registry.
    safes = [a[name] for name in ("CouncilSafe", "GuardianSafe", "EmergencySafe")]
    assert list(w.holder.view("ParticipantRegistry", "officerSafes")) == safes
    assert w.holder.view("GovernanceGuard", "participants") == a["ParticipantRegistry"]


def test_zero_document_hashes_are_refused(world: World) -> None:
    w = world
    asset = w.registered_asset()
    pending = w.holder.apply_registration(w.registration())
    licence = w.holder.grant_license(asset, w.holder2.address, w.terms())
    objection = w.supervisor.lodge_objection(pending, h("evidence"))
    order = w.supervisor.open_order(OrderTarget.ASSET, asset_id=asset, document_hash=h("order"))
    personal = w.holder.apply_registration(w.registration(category=2))
    before = _state(w, (asset, pending, personal), (licence,))
    registry_refusals: list[Callable[[], object]] = [
        lambda: w.holder.apply_registration(w.registration(content_hash=ZERO_HASH)),
        lambda: w.holder.apply_registration(w.registration(metadata_hash=ZERO_HASH)),
        lambda: w.registrar.review_registration(pending, True, ZERO_HASH),
        lambda: w.holder.change_registration(asset, ZERO_HASH, "ipfs://x"),
        lambda: w.registrar.cancel_registration(asset, ZERO_HASH),
        lambda: w.holder.revoke_license(licence, ZERO_HASH),
    ]
    for attempt in registry_refusals:
        _refused(w, E.RegistryZeroHash, attempt)
    for attempt in (
        lambda: w.merchant.lodge_objection(asset, ZERO_HASH),
        lambda: w.registrar.resolve_objection(objection, True, ZERO_HASH),
        lambda: w.authority.freeze(asset, ZERO_HASH),
        lambda: w.provider.attest_anonymisation(personal, ZERO_HASH),
    ):
        _refused(w, E.ControlsZeroHash, attempt)
    for attempt in (
        lambda: w.holder.file_declaration(ZERO_HASH),
        lambda: w.authority.suspend(w.holder.address, ZERO_HASH),
        lambda: w.authority.revoke(w.holder.address, ZERO_HASH),
        lambda: w.authority.reinstate(w.suspended.address, ZERO_HASH),
    ):
        _refused(w, E.ParticipantZeroHash, attempt)
    for attempt in (
        lambda: w.supervisor.open_order(OrderTarget.ASSET, asset_id=asset, document_hash=ZERO_HASH),
        lambda: w.supervisor.close_order(order, ZERO_HASH),
    ):
        _refused(w, E.SupervisionZeroHash, attempt)
    assert _state(w, (asset, pending, personal), (licence,)) == before
    assert w.holder.get_objection(objection)["status"] == 1  # still open
    assert w.holder.get_order(order)["status"] == 1  # still open


# ─────────────────────────────────────────── periods


@pytest.mark.parametrize(
    ("start_offset", "end_offset"),
    [(10 * DAY, 5 * DAY), (10 * DAY, 10 * DAY), (-10 * DAY, -1), (0, 0)],
    ids=["end before start", "empty period", "already over", "zero length now"],
)
def test_licence_period_must_end_after_it_starts_and_after_now(
    world: World, start_offset: int, end_offset: int
) -> None:
    w = world
    asset = w.registered_asset()
    before = _state(w, (asset,))
    now = w.chain_time()
    start, end = now + start_offset, now + end_offset
    with pytest.raises(E.LicenseInvalidPeriod) as exc:
        w.holder.grant_license(asset, w.holder2.address, w.terms(start=start, end=end))
    # The period checked is the effective one: the licence starts at the grant's block time at the earliest.
    assert exc.value.end == end and exc.value.start >= start and exc.value.start >= now
    assert _state(w, (asset,)) == before


def test_licence_that_started_in_the_past_and_runs_on_is_fine(world: World) -> None:
    w = world
    asset = w.registered_asset()
    now = w.chain_time()
    licence = w.holder.grant_license(asset, w.holder2.address, w.terms(start=now - 30 * DAY, end=now + DAY))
    granted_at = w.chain_time()
    # Valid from its grant on, not before: a licence is never valid before it existed.
    assert w.holder.get_license(licence)["start"] == granted_at
    assert w.holder.is_license_valid(licence, granted_at)
    assert not w.holder.is_license_valid(licence, granted_at - 1)


# ─────────────────────────────────────────── unknown ids


def test_unknown_assets_licences_objections_and_orders_are_refused(world: World) -> None:
    w = world
    asset = w.registered_asset()
    licence = w.holder.grant_license(asset, w.holder2.address, w.terms(sublicensable=True, transferable=True))
    w.fund(w.holder2, 1_000)
    before = _state(w, (asset,), (licence,))
    missing = asset + 1000
    for attempt in (
        lambda: w.registrar.review_registration(missing, True, h("review")),
        lambda: w.holder.change_registration(missing, h("m"), "ipfs://m"),
        lambda: w.holder.cancel_registration(missing, h("c")),
        lambda: w.holder.transfer_right(missing, Right.OPERATION, w.holder2.address),
        lambda: w.merchant.lodge_objection(missing, h("e")),
        lambda: w.authority.freeze(missing, h("f")),
        lambda: w.authority.unfreeze(missing, h("f")),
        lambda: w.provider.attest_anonymisation(missing, h("a")),
        lambda: w.holder.applicant_of(missing),
        lambda: w.holder.grant_license(missing, w.holder2.address, w.terms()),
        lambda: w.holder.get_asset(missing),
        lambda: w.holder.holder_of(missing, Right.HOLDING),
        lambda: w.holder.set_revenue_shares(missing, Right.PROCESSING, [(w.merchant.address, 1)]),
        lambda: w.settle(
            Trade(h("unknown asset"), missing, w.holder.address, w.holder2.address, 100, terms=w.terms())
        ),
        lambda: w.supervisor.open_order(OrderTarget.ASSET, asset_id=missing, document_hash=h("o")),
    ):
        _refused(w, E.RegistryUnknownAsset, attempt, assetId=missing)
    for attempt in (
        lambda: w.holder.revoke_license(77, h("r")),
        lambda: w.holder2.transfer_license(77, w.merchant.address),
        lambda: w.holder2.sublicense(77, w.merchant.address, w.terms()),
        lambda: w.holder.get_license(77),
        lambda: w.settle(
            Trade(
                h("unknown parent"),
                asset,
                w.holder2.address,
                w.merchant.address,
                100,
                parent_license_id=77,
                terms=w.terms(),
            )
        ),
    ):
        _refused(w, E.LicenseUnknown, attempt, licenseId=77)
    _refused(w, E.ControlsObjectionNotOpen, lambda: w.registrar.resolve_objection(5, True, h("d")), objectionId=5)
    _refused(w, E.ControlsObjectionNotPending, lambda: w.registrar.accept_objection(5, h("d")), objectionId=5)
    _refused(w, E.SupervisionUnknownOrder, lambda: w.supervisor.close_order(6, h("c")), orderId=6)
    _refused(w, E.SupervisionUnknownOrder, lambda: w.holder.get_order(6), orderId=6)
    assert _state(w, (asset,), (licence,)) == before


# ─────────────────────────────────────────── duplicate ids


def test_duplicate_ids_are_refused(world: World) -> None:
    w = world
    registration = w.registration()
    asset = w.holder.apply_registration(registration)
    w.registrar.review_registration(asset, True, h("review"))
    w.fund(w.holder2, 10_000)
    trade = Trade(h("trade once"), asset, w.holder.address, w.holder2.address, 1_000, terms=w.terms())
    w.settle(trade)
    before = _state(w, (asset,), (1,))
    _refused(
        w,
        E.RegistryContentHashRegistered,
        lambda: w.holder2.apply_registration(w.registration(content_hash=registration.content_hash)),
        contentHash=registration.content_hash,
        assetId=asset,
    )
    _refused(w, E.SettlementTradeAlreadySettled, lambda: w.settle(trade), tradeId=trade.trade_id,
             key=w.holder.trade_key(w.exchange.address, trade.seller, trade.buyer, trade.trade_id))  # fmt: skip
    _refused(
        w,
        E.ParticipantAlreadyAdmitted,
        lambda: w.authority.admit(w.merchant.address, Role.DATA_HOLDER, CITY, "Again", code_for(w.merchant.address)),
        account=w.merchant.address,
    )
    assert _state(w, (asset,), (1,)) == before


# ─────────────────────────────────────────── signatures and deadlines


def test_expired_or_wrongly_signed_direct_trades_change_nothing(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.fund(w.holder2, 10_000, approve=False)
    trade = Trade(unique_hash("direct"), asset, w.holder.address, w.holder2.address, 5_000, terms=w.terms())
    before = _state(w, (asset,))
    expired = w.chain_time() - 60
    sigs = (w.holder.sign_direct_trade(trade, 1, expired), w.holder2.sign_direct_trade(trade, 1, expired))
    _refused(w, E.SettlementExpired, lambda: w.holder2.settle_direct(trade, 1, expired, *sigs), deadline=expired)
    deadline = w.chain_time() + 600
    forged = w.provider.sign_direct_trade(trade, 1, deadline)
    genuine = w.holder2.sign_direct_trade(trade, 1, deadline)
    _refused(
        w,
        E.SettlementBadSignature,
        lambda: w.holder2.settle_direct(trade, 1, deadline, forged, genuine),
        expected=w.holder.address,
        recovered=w.provider.address,
    )
    assert _state(w, (asset,)) == before
    assert not w.holder.is_settled(w.exchange.address, trade.trade_id)
    assert not w.holder.nonce_used(w.holder.address, 1) and not w.holder.nonce_used(w.holder2.address, 1)


# ─────────────────────────────────────────── strings


@pytest.mark.parametrize(
    ("field", "value", "length", "limit"),
    [
        ("metadata_uri", "ipfs://" + "a" * 250, 257, 256),
        ("metadata_uri", "", 0, 256),
        ("name", "N" * 129, 129, 128),
        ("name", "数" * 43, 129, 128),  # limits count bytes of UTF-8, not characters
        ("name", "", 0, 128),
    ],
    ids=["uri 257 bytes", "empty uri", "name 129 bytes", "name 43 CJK characters", "empty name"],
)
def test_registration_strings_are_bounded(world: World, field: str, value: str, length: int, limit: int) -> None:
    w = world
    before = _state(w)
    _refused(
        w,
        E.RegistryInvalidString,
        lambda: w.holder.apply_registration(w.registration(**{field: value})),
        length=length,
        maxLength=limit,
    )
    assert _state(w) == before


def test_registration_strings_at_their_limits_are_accepted(world: World) -> None:
    w = world
    asset = w.holder.apply_registration(w.registration(metadata_uri="u" * 256, name="数" * 42 + "ab"))
    assert w.holder.get_asset(asset)["status"] == 1


def test_changed_metadata_uri_is_bounded_too(world: World) -> None:
    w = world
    asset = w.registered_asset()
    before = _state(w, (asset,))
    _refused(
        w,
        E.RegistryInvalidString,
        lambda: w.holder.change_registration(asset, h("m"), "x" * 257),
        length=257,
        maxLength=256,
    )
    _refused(w, E.RegistryInvalidString, lambda: w.holder.change_registration(asset, h("m"), ""), length=0)
    assert _state(w, (asset,)) == before
    w.holder.change_registration(asset, h("m"), "x" * 256)


@pytest.mark.parametrize(("name", "length"), [("P" * 129, 129), ("", 0)], ids=["129 bytes", "empty"])
def test_participant_name_is_bounded(world: World, name: str, length: int) -> None:
    w = world
    newcomer = w.outsider.address
    _refused(
        w,
        E.ParticipantInvalidName,
        lambda: w.authority.admit(newcomer, Role.DATA_HOLDER, CITY, name, code_for(newcomer)),
        length=length,
        maxLength=128,
    )
    assert w.holder.get_participant(newcomer)["status"] == 0
    w.authority.admit(newcomer, Role.DATA_HOLDER, CITY, "P" * 128, code_for(newcomer))


# ─────────────────────────────────────────── roles, regions and countries


@pytest.mark.parametrize("roles", [0, 1 << 8, (1 << 8) | int(Role.DATA_HOLDER), 1 << 15])
def test_role_sets_must_be_non_empty_and_defined(world: World, roles: int) -> None:
    w = world
    before = _state(w)
    code = credit_code_hash(code_for(w.outsider.address))
    admit = w.authority.prepare("ParticipantRegistry", "admit", w.outsider.address, roles, CITY, "Odd Roles", code)
    _refused(w, E.ParticipantInvalidRoles, lambda: w.authority.execute(admit), roles=roles)
    set_roles = w.authority.prepare("ParticipantRegistry", "setRoles", w.holder.address, roles)
    _refused(w, E.ParticipantInvalidRoles, lambda: w.authority.execute(set_roles), roles=roles)
    assert _state(w) == before


@pytest.mark.parametrize("region", [0, 99_999, 1_000_000, 16_777_215, 100_000, 999_999, 300_000, 720_000, 830_100])
def test_region_codes_must_be_six_digits_under_an_existing_province(world: World, region: int) -> None:
    w = world
    asset = w.registered_asset()
    before = _state(w, (asset,))
    _refused(
        w, E.RegistryInvalidRegion, lambda: w.holder.apply_registration(w.registration(region=region)), region=region
    )
    _refused(
        w,
        E.ParticipantInvalidRegion,
        lambda: w.authority.admit(
            w.outsider.address, Role.DATA_HOLDER, region, "Nowhere Co.", code_for(w.outsider.address)
        ),
        region=region,
    )
    _refused(
        w,
        E.LicenseInvalidRegion,
        lambda: w.holder.grant_license(asset, w.holder2.address, w.terms(regions=(450000, region))),
        region=region,
    )
    assert _state(w, (asset,)) == before


@pytest.mark.parametrize("region", [110_000, 150_000, 210_000, 370_000, 460_000, 500_000, 540_000, 650_000, 710_000,
                                    810_000, 820_000, 659_000])  # fmt: skip
def test_region_codes_of_every_province_level_division_are_accepted(world: World, region: int) -> None:
    w = world
    asset = w.holder.apply_registration(w.registration(region=region))
    assert w.holder.get_asset(asset)["region"] == region


@pytest.mark.parametrize("country", [b"sg", b"S1", b"@A", b"[A", b"A[", b"A@", b"\x00\x00", "中".encode()[:2]])
def test_country_codes_must_be_two_capital_letters(world: World, country: bytes) -> None:
    w = world
    asset = w.registered_asset()
    before = _state(w, (asset,))
    _refused(
        w,
        E.LicenseInvalidCountry,
        lambda: w.holder.grant_license(asset, w.holder2.address, w.terms(countries=("VN", country))),
        country=country,
    )
    assert _state(w, (asset,)) == before


def test_country_codes_from_a_to_z_are_accepted(world: World) -> None:
    w = world
    asset = w.registered_asset()
    licence = w.holder.grant_license(asset, w.holder2.address, w.terms(countries=("AA", "ZZ", "TH")))
    assert w.holder.get_license(licence)["crossBorder"]


def test_territory_must_be_non_empty_and_bounded(world: World) -> None:
    w = world
    asset = w.registered_asset()
    before = _state(w, (asset,))
    _refused(
        w,
        E.LicenseEmptyTerritory,
        lambda: w.holder.grant_license(asset, w.holder2.address, w.terms(regions=(), countries=())),
    )
    regions = tuple(450100 + i for i in range(33))
    _refused(
        w,
        E.LicenseTerritoryTooLarge,
        lambda: w.holder.grant_license(asset, w.holder2.address, w.terms(regions=regions)),
        regions=33,
        countries=0,
        max=32,
    )
    countries = tuple(chr(65 + i // 26) + chr(65 + i % 26) for i in range(33))
    _refused(
        w,
        E.LicenseTerritoryTooLarge,
        lambda: w.holder.grant_license(asset, w.holder2.address, w.terms(countries=countries)),
        regions=1,
        countries=33,
    )
    assert _state(w, (asset,)) == before
    w.holder.grant_license(asset, w.holder2.address, w.terms(regions=regions[:32], countries=countries[:32]))


# ─────────────────────────────────────────── enum values out of range


@pytest.mark.parametrize(("index", "value"), [(4, 3), (5, 3), (6, 4)], ids=["category 3", "grade 3", "kind 4"])
def test_out_of_range_enum_values_are_refused_by_the_abi_decoder(world: World, index: int, value: int) -> None:
    """Not a custom error: solc's calldata decoder reverts with no data, on anvil and py-evm alike."""
    w = world
    before = _state(w)
    fields = list(w.registration().as_abi())
    fields[index] = value
    call = w.holder.prepare("AssetRegistry", "applyRegistration", tuple(fields))
    _refused(w, UnknownRevert, lambda: w.holder.execute(call), data=b"")
    assert _state(w) == before


def test_out_of_range_licence_right_is_refused_by_the_abi_decoder(world: World) -> None:
    w = world
    asset = w.registered_asset()
    before = _state(w, (asset,))
    terms = list(w.terms().as_abi())
    terms[0] = 3
    call = w.holder.prepare("AssetRegistry", "grantLicense", asset, w.holder2.address, tuple(terms))
    _refused(w, UnknownRevert, lambda: w.holder.execute(call), data=b"")
    assert _state(w, (asset,)) == before
