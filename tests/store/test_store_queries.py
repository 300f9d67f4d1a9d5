"""The query helpers the API serves from: by holder, licensee, category, grade, region, status, time,
current and as of a block, on both backends."""

from __future__ import annotations

import pytest
from eth_utils.address import to_checksum_address

from ledger.store import RecordNotFound, Store
from ledger.store.projection import trade_key
from tests.store.scripts import ALICE, AUTHORITY, BOB, CAROL, H1, H2, H3, REGISTRAR, ZERO, Script, registration, terms

EXCHANGE = to_checksum_address("0x000000000000000000000000000000000000e8c4")
SETTLEMENT = to_checksum_address("0x0000000000000000000000000000000000005e77")


@pytest.fixture
def market(store: Store) -> Script:
    """Block 1: Alice (holder) and Bob (merchant) admitted, assets 1 (enterprise) and 2 (public, core) applied.
    Block 2: both registered. Block 3: Alice licenses asset 1 to Bob; Bob buys asset 2's operation right on
    the exchange within Alice's mandate (Carol's revenue share held for her). Block 4: Bob passes the licence on
    to Carol; asset 2 is frozen."""
    s = Script()
    s("ParticipantRegistry", "ParticipantAdmitted", account=ALICE, roles=64, region=450100, name="A", by=AUTHORITY,
      id=1, creditCodeHash="0x" + "01" * 32)
    s("ParticipantRegistry", "ParticipantAdmitted", account=BOB, roles=16, region=450200, name="B", by=AUTHORITY,
      id=2, creditCodeHash="0x" + "02" * 32)
    s("ParticipantRegistry", "ParticipantAdmitted", account=CAROL, roles=80, region=450100, name="C", by=AUTHORITY,
      id=3, creditCodeHash="0x" + "03" * 32)
    for asset_id, content, category, grade in ((1, H1, 1, 0), (2, H2, 0, 2)):
        s(
            "AssetRegistry",
            "RegistrationApplied",
            assetId=asset_id,
            contentHash=content,
            applicant=ALICE,
            processingHolder=ALICE,
            operationHolder=ALICE,
            registration=registration(contentHash=content, category=category, grade=grade),
        )
    s.block()
    for asset_id in (1, 2):
        s(
            "AssetRegistry",
            "AssetRegistered",
            assetId=asset_id,
            registrar=REGISTRAR,
            certificateSerial=asset_id,
            reviewHash=H3,
        )
    s.block()
    s(
        "AssetRegistry",
        "LicenseGranted",
        licenseId=1,
        assetId=1,
        licensee=BOB,
        licensor=ALICE,
        parentId=0,
        depth=0,
        terms=terms(transferable=True),
    )
    s("SettlementToken", "Transfer", **{"from": ZERO, "to": BOB, "value": 1000})
    s("SettlementToken", "Approval", owner=BOB, spender=EXCHANGE, value=1500)
    s("AssetRegistry", "RightTransferred", assetId=2, right=2, **{"from": ALICE, "to": BOB}, tradeId=H3)
    s("SettlementToken", "Transfer", **{"from": BOB, "to": ALICE, "value": 980})
    s("SettlementToken", "Transfer", **{"from": BOB, "to": EXCHANGE, "value": 10})
    s("SettlementToken", "Transfer", **{"from": BOB, "to": SETTLEMENT, "value": 10})
    s(
        "TradeSettlement",
        "TradeSettled",
        tradeId=H3,
        assetId=2,
        exchange=EXCHANGE,
        seller=ALICE,
        buyer=BOB,
        price=1000,
        fee=10,
        sellerAmount=980,
        right=2,
        licenseId=0,
        mandateId=H1,
        shares=[{"recipient": CAROL, "amount": 10, "held": True}],
    )
    s.block()
    s("AssetRegistry", "LicenseTransferred", licenseId=1, **{"from": BOB, "to": CAROL})
    s("AssetControls", "AssetFrozen", assetId=2, by=AUTHORITY, reasonHash=H1)
    s("TradeSettlement", "NonceUsed", account=BOB, nonce=2**255 + 1)  # beyond 64 bits: padded text on SQLite
    store.apply(s.headers, s.events, s.headers[-1])
    return s


def ids(rows: list[dict[str, object]], column: str = "asset_id") -> list[object]:
    return [r[column] for r in rows]


def test_assets_by_holder_of_each_right_now_and_before_a_transfer(store: Store, market: Script) -> None:
    now = store.as_of()
    assert ids(now.find_assets(holder=BOB)) == [2]
    assert ids(now.find_assets(holder=BOB.lower(), right=2)) == [2]
    assert ids(now.find_assets(holder=BOB, right=0)) == []
    assert ids(now.find_assets(holder=ALICE, right=2)) == [1]
    assert ids(store.as_of(2).find_assets(holder=BOB)) == []
    assert ids(store.as_of(2).find_assets(holder=ALICE, right=2)) == [1, 2]


def test_assets_by_category_grade_region_status_and_registration_time(store: Store, market: Script) -> None:
    view = store.as_of()
    assert ids(view.find_assets(category=0)) == [2]
    assert ids(view.find_assets(grade=2, region=450000)) == [2]
    assert ids(view.find_assets(status=2)) == [1, 2]
    assert ids(store.as_of(1).find_assets(status=1)) == [1, 2]
    registered = market.timestamps[2]
    assert ids(view.find_assets(registered_from=registered, registered_to=registered)) == [1, 2]
    assert ids(view.find_assets(registered_from=registered + 1)) == []
    assert view.get_asset(2)["frozen"] is True
    assert store.as_of(3).get_asset(2)["frozen"] is False
    assert [f["frozen"] for f in view.find_freezes(2)] == [True]


def test_a_record_is_not_found_before_it_existed(store: Store, market: Script) -> None:
    with pytest.raises(RecordNotFound, match="licence 1 at block 2"):
        store.as_of(2).get_licence(1)
    with pytest.raises(RecordNotFound):
        store.as_of().get_asset(3)


def test_licences_by_licensee_follow_transfers(store: Store, market: Script) -> None:
    assert ids(store.as_of().find_licences(licensee=CAROL), "licence_id") == [1]
    assert ids(store.as_of().find_licences(licensee=BOB), "licence_id") == []
    assert ids(store.as_of(3).find_licences(licensee=BOB, asset_id=1), "licence_id") == [1]
    assert ids(store.as_of().find_licences(licensor=ALICE, revoked=False), "licence_id") == [1]


def test_trades_payments_and_balances(store: Store, market: Script) -> None:
    view = store.as_of()
    (trade,) = view.find_trades(party=BOB)
    assert (trade["price"], trade["fee"], trade["on_exchange"], trade["valid_from_block"]) == (1000, 10, True, 3)
    assert view.find_trades(time_to=market.timestamps[2]) == []
    assert view.find_trades(exchange=EXCHANGE, time_from=market.timestamps[3]) == [trade]
    key = trade_key(EXCHANGE, ALICE, BOB, H3)
    assert view.get_trade(bytes.fromhex(key[2:])) == trade
    assert view.find_trades(trade_id=H3) == [trade] and view.is_settled(key) and not store.as_of(2).is_settled(key)
    assert (trade["trade_key"], trade["mandate_id"]) == (key, H1)
    assert {(p["kind"], p["payee"], p["amount"], p["held"]) for p in view.find_payments(trade_key=key)} == {
        ("seller", ALICE, 980, False),
        ("fee", EXCHANGE, 10, False),
        ("revenue_share", CAROL, 10, True),
    }
    assert view.find_balances() == {ALICE: 980, BOB: 0, EXCHANGE: 10, SETTLEMENT: 10}
    assert (view.held_shares(CAROL), view.held_shares(ALICE)) == (10, 0)
    assert (view.allowance(BOB, EXCHANGE), store.as_of(2).allowance(BOB, EXCHANGE)) == (500, 0)
    assert store.as_of(2).balance_of(ALICE) == 0


def test_participants_by_role_region_and_status(store: Store, market: Script) -> None:
    view = store.as_of()
    assert ids(view.find_participants(role=64), "account") == sorted([ALICE, CAROL])
    assert ids(view.find_participants(role=16, region=450100), "account") == [CAROL]
    assert len(view.find_participants(status=1)) == 3
    assert view.get_participant(ALICE.lower())["name"] == "A"
    assert view.find_used_nonces(BOB) == [2**255 + 1] and store.as_of(3).find_used_nonces(BOB) == []


def test_every_row_of_every_table_reads_the_same_through_the_fast_path(store: Store, market: Script) -> None:
    """``StateView.rows`` reads SQLite's cursor directly: the same typed values (booleans, uint256, JSON,
    addresses) as SQLAlchemy's result objects give, at every block."""
    from ledger.store.schema import STATE_TABLES

    seen = 0
    for block in (None, 1, 2, 3, 4):
        view = store.as_of(block)
        for name, st in STATE_TABLES.items():
            fast = view.rows(name)
            assert fast == view._rows(st.table), (name, block)
            assert [type(v) for r in fast for v in r.values()] == [
                type(v) for r in view._rows(st.table) for v in r.values()
            ]
            seen += len(fast)
    assert seen > 40
