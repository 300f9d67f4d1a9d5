"""Adversarial suite, licences (issue 11, rules 5 and 11): a hostile but admitted participant moves public data
off the exchange or out of its guided band by every path that delivers a right or a licence, makes a licence
irrevocable or a right unlicensable by piling up sublicences and exclusive licences, or keeps using a
sublicence whose ancestor was revoked. Each attack is mined and reverts with its own custom error, nothing
changed; next to it, the legitimate path works.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import ledger.contracts.errors as E
from ledger.client import LedgerClient, TxResult
from ledger.contracts.types import Category, Delivery, Kind, LicenseTerms, Right, Trade
from tests.contracts.attack import ATTACK_GAS, Watch, refused, send
from tests.contracts.conftest import RESERVE, World, h, unique_hash

DAY = 86_400
BAND = (1_000, 50_000)


def grant(client: LedgerClient, asset: int, licensee: str, terms: LicenseTerms) -> partial[TxResult]:
    return partial(send, client, "AssetRegistry", "grantLicense", asset, licensee, terms.as_abi())


def public_asset(w: World) -> int:
    asset = w.registered_asset(category=Category.PUBLIC)
    w.authority.set_price_band(Kind.DATASET, *BAND)
    return asset


# ─────────────────────────────────────────── rule 5: public data moves only on an exchange, within its band


def test_r5_public_data_is_not_licensed_off_exchange_without_the_authoritys_approval(world: World) -> None:
    w = world
    asset = public_asset(w)
    end = w.chain_time() + 30 * DAY
    operator = w.merchant.address
    view = Watch(assets=[asset], extra=[partial(w.holder.public_operation, asset, operator, Right.PROCESSING, 1101)])
    terms = w.terms(days=29)
    refused(w, E.ControlsNoPublicOperation, grant(w.holder, asset, operator, terms), view, assetId=asset,
            operator=operator, right=Right.PROCESSING, purpose=1101)  # fmt: skip
    w.authority.authorise_public_operation(asset, operator, Right.PROCESSING, 1101, end, h("operation approved"))
    # The approval is for one operator, right, purpose and period: not for another licensee, purpose, right, or
    # a longer licence.
    for licensee, t in ((w.holder2.address, terms), (operator, w.terms(days=29, purpose=2)),
                        (operator, w.terms(days=29, right=Right.OPERATION)), (operator, w.terms(days=31))):  # fmt: skip
        refused(w, E.ControlsNoPublicOperation, grant(w.holder, asset, licensee, t), view, assetId=asset,
                operator=licensee, right=t.right, purpose=t.purpose)  # fmt: skip
    # The approved zero-price licence (公共数据授权运营) is granted once.
    w.holder.grant_license(asset, operator, terms)
    refused(w, E.ControlsNoPublicOperation, grant(w.holder, asset, operator, terms), view, assetId=asset,
            operator=operator)  # fmt: skip


def test_r5_public_data_does_not_change_hands_off_exchange_by_any_other_path(world: World) -> None:
    """Sublicensing or transferring the authorised-operation licence, transferring a right, an off-exchange
    trade signed by both parties."""
    w = world
    asset = public_asset(w)
    operator = w.merchant
    w.authority.authorise_public_operation(asset, operator.address, Right.PROCESSING, 1101, w.chain_time() + 30 * DAY,
                                           h("operation approved"))  # fmt: skip
    terms = w.terms(days=29, sublicensable=True, transferable=True)
    licence = w.holder.grant_license(asset, operator.address, terms)
    view = Watch(assets=[asset], licences=[licence])
    child_terms = w.terms(days=28, sublicensable=False, transferable=False)
    refused(w, E.RegistryPublicDataOffExchange,
            partial(send, operator, "AssetRegistry", "sublicense", licence, w.holder2.address, child_terms.as_abi()),
            view, assetId=asset)  # fmt: skip
    refused(w, E.RegistryPublicDataOffExchange,
            partial(send, operator, "AssetRegistry", "transferLicense", licence, w.holder2.address), view,
            assetId=asset)  # fmt: skip
    refused(w, E.RegistryPublicDataOffExchange,
            partial(send, w.holder, "AssetRegistry", "transferRight", asset, int(Right.OPERATION), w.holder2.address),
            view, assetId=asset)  # fmt: skip
    w.bank.issue(w.holder2.address, 10_000, RESERVE)
    direct = Trade(unique_hash("direct"), asset, w.holder.address, w.holder2.address, 10_000, terms=w.terms(purpose=2))
    deadline = w.chain_time() + 3600
    seller_sig, buyer_sig = (c.sign_direct_trade(direct, 1, deadline) for c in (w.holder, w.holder2))
    refused(w, E.SettlementPublicDataOffExchange,
            partial(send, w.holder2, "TradeSettlement", "settleDirect", direct.as_abi(), 1, deadline, seller_sig,
                    buyer_sig),
            Watch(assets=[asset], nonces=[(w.holder.address, 1), (w.holder2.address, 1)]), assetId=asset)  # fmt: skip
    # On the exchange, within the band, the operator sells a sublicence and the holder a right.
    w.fund(w.holder2, 20_000)
    sub = Trade(unique_hash("sublicence"), asset, operator.address, w.holder2.address, 10_000,
                parent_license_id=licence, terms=child_terms)  # fmt: skip
    assert w.settle(sub).event("TradeSettled")["licenseId"]
    right = Trade(unique_hash("right"), asset, w.holder.address, w.holder2.address, 10_000, delivery=Delivery.RIGHT,
                  right=Right.OPERATION)  # fmt: skip
    w.settle(right)
    assert w.holder.holder_of(asset, Right.OPERATION) == w.holder2.address


def test_r5_public_data_trades_on_an_exchange_only_within_its_guided_band(world: World) -> None:
    w = world
    asset = public_asset(w)
    model = w.registered_asset(category=Category.PUBLIC, kind=Kind.MODEL)
    w.fund(w.holder2, 200_000)
    low, high, unbanded = (Trade(unique_hash("trade"), a, w.holder.address, w.holder2.address, p, terms=w.terms())
                           for a, p in ((asset, BAND[0] - 1), (asset, BAND[1] + 1), (model, 10_000)))  # fmt: skip
    for t in (low, high):
        refused(w, E.SettlementPriceOutOfBand, partial(w.exchange.settle, t, 0, w.consent(t), gas=ATTACK_GAS),
                Watch(assets=[asset], trades=[(w.exchange.address, t.trade_id)]), price=t.price, min=BAND[0],
                max=BAND[1])  # fmt: skip
    refused(w, E.SettlementNoPriceBand,
            partial(w.exchange.settle, unbanded, 0, w.consent(unbanded), gas=ATTACK_GAS),
            Watch(assets=[model], trades=[(w.exchange.address, unbanded.trade_id)]), kind=Kind.MODEL)  # fmt: skip
    # A standing mandate does not take public data out of the band either.
    mandate = w.mandate(asset, w.holder, w.terms(), min_net=0)
    w.holder.grant_mandate(mandate)
    cheap = Trade(unique_hash("mandated"), asset, w.holder.address, w.holder2.address, 10, terms=w.terms())
    refused(w, E.SettlementPriceOutOfBand, partial(w.exchange.settle_mandated, cheap, mandate, gas=ATTACK_GAS),
            Watch(assets=[asset]), price=10)  # fmt: skip
    w.settle(Trade(unique_hash("in band"), asset, w.holder.address, w.holder2.address, BAND[0], terms=w.terms()))


# ─────────────────────────────────────────── rule 11: bounded gas everywhere


def test_r11_piling_up_sublicences_does_not_make_a_licence_irrevocable_or_its_descendants_usable(
    world: World,
) -> None:
    w = world
    asset = w.registered_asset()
    terms = w.terms(sublicensable=True, transferable=True)
    parent = w.holder.grant_license(asset, w.merchant.address, terms)
    one_terms = w.terms(purpose=2, sublicensable=True)
    one = w.holder.grant_license(asset, w.merchant.address, one_terms)
    w.merchant.sublicense(one, w.holder2.address, replace(one_terms, sublicensable=False))
    calls = [w.merchant.prepare("AssetRegistry", "sublicense", parent, w.holder2.address, terms.as_abi(),
                                gas=300_000) for _ in range(60)]  # fmt: skip
    children = [r.event("LicenseGranted")["licenseId"] for r in w.merchant.execute_many(calls)]
    leaf = replace(terms, sublicensable=False, transferable=False)
    grandchild = w.holder2.sublicense(children[0], w.provider.address, leaf)
    # Revocation costs the same with sixty sublicences as with one, far below any block's limit.
    few = w.holder.revoke_license(one, h("revoked")).receipt.gas_used
    many = w.holder.revoke_license(parent, h("revoked")).receipt.gas_used
    assert abs(many - few) < 2_500 and many < 60_000, (few, many)
    now = w.chain_time()
    assert not any(w.holder.is_license_valid(c, now) for c in [*children, grandchild])
    # The sublicensees of the revoked licence keep using it: sublicensing, transferring, selling it on the
    # exchange, objecting with it as standing.
    child = children[0]
    view = Watch(assets=[asset], licences=[parent, child, grandchild], objectors=[w.holder2.address])
    refused(w, E.LicenseNotValid,
            partial(send, w.holder2, "AssetRegistry", "sublicense", child, w.provider.address, leaf.as_abi()), view,
            licenseId=child)  # fmt: skip
    refused(w, E.LicenseNotValid,
            partial(send, w.holder2, "AssetRegistry", "transferLicense", child, w.provider.address), view,
            licenseId=child)  # fmt: skip
    w.fund(w.provider, 10_000)
    resale = Trade(unique_hash("resale"), asset, w.holder2.address, w.provider.address, 1_000,
                   parent_license_id=child, terms=leaf)  # fmt: skip
    refused(w, E.LicenseNotValid, partial(w.exchange.settle, resale, 0, w.consent(resale), gas=ATTACK_GAS), view,
            licenseId=child)  # fmt: skip
    refused(w, E.ControlsNoStanding,
            partial(send, w.holder2, "AssetControls", "lodgeObjection", asset, h("evidence"), child), view,
            licenseId=child, account=w.holder2.address)  # fmt: skip
    # A licence with live sublicences is revoked by the authority too.
    other_terms = w.terms(purpose=3, sublicensable=True)
    other = w.holder.grant_license(asset, w.merchant.address, other_terms)
    w.merchant.sublicense(other, w.holder2.address, replace(other_terms, sublicensable=False))
    w.authority.revoke_license(other, h("rectification order"))
    assert not w.holder.is_license_valid(other, w.chain_time())


def test_r11_exclusive_licences_are_kept_few_and_ended_ones_are_pruned(world: World) -> None:
    """Nine exclusive licences of one right and purpose that have not ended would make every later grant read
    nine slots: the ninth is refused. Ended ones are dropped at the next grant, so the bound holds however many
    there ever were."""
    w = world
    asset = w.registered_asset()
    now = w.chain_time()

    def period(i: int) -> LicenseTerms:
        return w.terms(exclusive=True, start=now + DAY + i * 10 * DAY, end=now + DAY + (i + 1) * 10 * DAY)

    calls = [w.holder.prepare("AssetRegistry", "grantLicense", asset, w.holder2.address, period(i).as_abi(),
                              gas=300_000) for i in range(8)]  # fmt: skip
    w.holder.execute_many(calls)
    refused(w, E.LicenseTooManyExclusives, grant(w.holder, asset, w.holder2.address, period(8)),
            Watch(assets=[asset], extra=[partial(w.holder.exclusivity_of, asset, Right.PROCESSING, 1101)]),
            assetId=asset, right=Right.PROCESSING, purpose=1101, max=8)  # fmt: skip
    w.rpc.call("evm_increaseTime", [12 * DAY])
    w.holder.grant_license(asset, w.holder2.address, period(8))
    kept = w.holder.exclusivity_of(asset, Right.PROCESSING, 1101)["exclusives"]
    assert len(kept) == 8 and all(end > now + 11 * DAY for _, end, _ in kept)
