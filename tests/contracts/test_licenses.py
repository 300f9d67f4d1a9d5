"""Licences (授权): who may grant, exclusivity, sublicensing to a bounded depth, revocation that
cascades, transfer, cross-border territory, and validity over time."""

from __future__ import annotations

import itertools

import pytest

import ledger.contracts.errors as E
from ledger.client import LedgerClient
from ledger.contracts.types import Grade, LicenseTerms, Right, Role
from tests.contracts.conftest import OTHER_REGION, REGION, World, h

DAY = 86_400


def _licence_count(w: World) -> int:
    return w.holder.license_count()


# ─────────────────────────────────────────── granting


def test_grant_records_the_terms_and_a_valid_licence(world: World) -> None:
    w = world
    asset = w.registered_asset()
    terms = w.terms(purpose=1203, days=30, exclusive=True, sublicensable=True, regions=(REGION, OTHER_REGION))
    result = w.holder.execute(
        w.holder.prepare("AssetRegistry", "grantLicense", asset, w.holder2.address, terms.as_abi())
    )
    granted = result.event("LicenseGranted")
    licence = granted["licenseId"]
    assert licence == _licence_count(w)
    assert (granted["assetId"], granted["licensee"], granted["licensor"]) == (
        asset,
        w.holder2.address,
        w.holder.address,
    )
    assert (granted["parentId"], granted["depth"]) == (0, 0)
    assert granted["terms"]["regions"] == [REGION, OTHER_REGION]
    assert granted["terms"]["termsHash"] == h("terms")
    granted_at = int(w.rpc.call("eth_getBlockByNumber", [hex(result.receipt.block_number), False])["timestamp"], 16)
    assert w.holder.get_license(licence) == {
        "id": licence, "assetId": asset, "licensee": w.holder2.address, "right": Right.PROCESSING,
        "purpose": 1203, "start": max(terms.start, granted_at), "end": terms.end, "exclusive": True,
        "sublicensable": True, "transferable": False, "crossBorder": False, "revoked": False, "depth": 0,
        "parentId": 0, "sold": False, "soldUntil": 0,
    }  # fmt: skip
    assert w.holder.is_license_valid(licence, w.chain_time())


def test_only_the_holder_of_the_right_grants(world: World) -> None:
    w = world
    asset = w.registered_asset()
    with pytest.raises(E.RegistryNotRightHolder) as exc:
        w.holder2.grant_license(asset, w.merchant.address, w.terms())
    assert exc.value.values == {"assetId": asset, "right": Right.PROCESSING, "account": w.holder2.address}
    w.holder.transfer_right(asset, Right.OPERATION, w.holder2.address)
    with pytest.raises(E.RegistryNotRightHolder):
        w.holder.grant_license(asset, w.merchant.address, w.terms(right=Right.OPERATION))
    licence = w.holder2.grant_license(asset, w.merchant.address, w.terms(right=Right.OPERATION))
    assert w.holder.get_license(licence)["right"] == Right.OPERATION
    assert _licence_count(w) == 1


def test_the_holding_right_is_not_licensable(world: World) -> None:
    w = world
    asset = w.registered_asset()
    with pytest.raises(E.LicenseRightNotLicensable) as exc:
        w.holder.grant_license(asset, w.holder2.address, w.terms(right=Right.HOLDING))
    assert exc.value.right == Right.HOLDING
    assert _licence_count(w) == 0


def test_a_licence_is_not_granted_to_its_grantor_or_to_a_non_trader(world: World) -> None:
    w = world
    asset = w.registered_asset()
    with pytest.raises(E.LicenseSelfGrant) as exc:
        w.holder.grant_license(asset, w.holder.address, w.terms())
    assert exc.value.account == w.holder.address
    for client, error in (
        (w.registrar, E.ParticipantUnauthorized),
        (w.exchange, E.ParticipantUnauthorized),
        (w.outsider, E.ParticipantUnknown),
        (w.suspended, E.ParticipantNotActive),
    ):
        with pytest.raises(error) as refused:
            w.holder.grant_license(asset, client.address, w.terms())
        assert refused.value.account == client.address
    assert _licence_count(w) == 0


def test_an_unregistered_asset_is_not_licensed(world: World) -> None:
    w = world
    pending = w.holder.apply_registration(w.registration())
    with pytest.raises(E.RegistryInvalidStatus) as exc:
        w.holder.grant_license(pending, w.holder2.address, w.terms())
    assert exc.value.status == 1  # Pending
    assert _licence_count(w) == 0


# ─────────────────────────────────────────── exclusivity


def test_exclusive_licence_refuses_an_overlapping_licence_of_the_same_right_and_purpose(world: World) -> None:
    w = world
    asset = w.registered_asset()
    now = w.chain_time()
    w.holder.grant_license(asset, w.holder2.address, w.terms(exclusive=True, start=now, end=now + 100 * DAY))
    for exclusive in (False, True):
        overlapping = w.terms(exclusive=exclusive, start=now + 50 * DAY, end=now + 150 * DAY)
        with pytest.raises(E.LicenseExclusivityConflict) as exc:
            w.holder.grant_license(asset, w.merchant.address, overlapping)
        assert exc.value.values == {
            "assetId": asset, "right": Right.PROCESSING, "purpose": 1101,
            "start": now + 50 * DAY, "end": now + 150 * DAY,
        }  # fmt: skip
    assert _licence_count(w) == 1


def test_shared_licence_refuses_an_overlapping_exclusive_one(world: World) -> None:
    w = world
    asset = w.registered_asset()
    now = w.chain_time()
    w.holder.grant_license(asset, w.holder2.address, w.terms(start=now, end=now + 100 * DAY))
    w.holder.grant_license(asset, w.merchant.address, w.terms(start=now, end=now + 100 * DAY))  # shared + shared
    with pytest.raises(E.LicenseExclusivityConflict):
        w.holder.grant_license(
            asset, w.provider.address, w.terms(exclusive=True, start=now + 99 * DAY, end=now + 200 * DAY)
        )
    assert _licence_count(w) == 2


def test_exclusive_licences_for_periods_that_do_not_overlap_coexist(world: World) -> None:
    w = world
    asset = w.registered_asset()
    now = w.chain_time()
    w.holder.grant_license(asset, w.holder2.address, w.terms(exclusive=True, start=now, end=now + 100 * DAY))
    # ``end`` is exclusive: the next period may start at the very second the first one ends.
    w.holder.grant_license(
        asset, w.merchant.address, w.terms(exclusive=True, start=now + 100 * DAY, end=now + 200 * DAY)
    )
    w.holder.grant_license(asset, w.provider.address, w.terms(start=now + 200 * DAY, end=now + 300 * DAY))
    assert _licence_count(w) == 3


def test_exclusivity_is_per_purpose_and_per_right(world: World) -> None:
    w = world
    asset = w.registered_asset()
    w.holder.grant_license(asset, w.holder2.address, w.terms(exclusive=True, purpose=1101))
    w.holder.grant_license(asset, w.merchant.address, w.terms(exclusive=True, purpose=1102))
    w.holder.grant_license(asset, w.provider.address, w.terms(exclusive=True, right=Right.OPERATION, purpose=1101))
    assert _licence_count(w) == 3


def test_revoking_the_exclusive_licence_frees_its_period(world: World) -> None:
    w = world
    asset = w.registered_asset()
    exclusive = w.holder.grant_license(asset, w.holder2.address, w.terms(exclusive=True))
    with pytest.raises(E.LicenseExclusivityConflict):
        w.holder.grant_license(asset, w.merchant.address, w.terms())
    w.holder.revoke_license(exclusive, h("breach"))
    shared = w.holder.grant_license(asset, w.merchant.address, w.terms())
    w.holder.revoke_license(shared, h("ended early"))
    again = w.holder.grant_license(asset, w.provider.address, w.terms(exclusive=True))
    assert w.holder.get_license(again)["exclusive"]


def test_exclusive_licence_in_the_gap_between_two_shared_ones_is_refused(world: World) -> None:
    """Documented conservatism: the registry keeps the hull of the shared periods, not each period."""
    w = world
    asset = w.registered_asset()
    now = w.chain_time()
    w.holder.grant_license(asset, w.holder2.address, w.terms(start=now, end=now + 10 * DAY))
    w.holder.grant_license(asset, w.merchant.address, w.terms(start=now + 20 * DAY, end=now + 30 * DAY))
    with pytest.raises(E.LicenseExclusivityConflict):
        w.holder.grant_license(
            asset, w.provider.address, w.terms(exclusive=True, start=now + 12 * DAY, end=now + 18 * DAY)
        )
    assert _licence_count(w) == 2


def test_exclusive_licence_in_a_gap_between_live_shared_licences_waits_until_they_are_revoked(world: World) -> None:
    # Shared licences are summarised by their span (earliest start to latest end) while any is live:
    # the documented, conservative rule that keeps a shared grant to one warm storage write.
    w = world
    asset = w.registered_asset()
    now = w.chain_time()
    first = w.holder.grant_license(asset, w.holder2.address, w.terms(start=now, end=now + 10 * DAY))
    later = w.holder.grant_license(asset, w.merchant.address, w.terms(start=now + 20 * DAY, end=now + 30 * DAY))
    w.holder.revoke_license(later, h("ended"))
    gap = w.terms(exclusive=True, start=now + 20 * DAY, end=now + 30 * DAY)
    with pytest.raises(E.LicenseExclusivityConflict) as err:
        w.holder.grant_license(asset, w.provider.address, gap)
    assert (err.value.start, err.value.end) == (now + 20 * DAY, now + 30 * DAY)
    assert w.holder.license_count() == 2
    w.holder.revoke_license(first, h("ended"))
    exclusive = w.holder.grant_license(asset, w.provider.address, gap)
    assert w.holder.get_license(exclusive)["exclusive"]


def test_revoking_one_of_two_exclusive_licences_frees_exactly_its_period(world: World) -> None:
    w = world
    asset = w.registered_asset()
    now = w.chain_time()
    w.holder.grant_license(asset, w.holder2.address, w.terms(exclusive=True, start=now, end=now + 10 * DAY))
    later = w.holder.grant_license(
        asset, w.merchant.address, w.terms(exclusive=True, start=now + 20 * DAY, end=now + 30 * DAY)
    )
    w.holder.revoke_license(later, h("ended"))
    shared = w.holder.grant_license(asset, w.provider.address, w.terms(start=now + 20 * DAY, end=now + 30 * DAY))
    assert not w.holder.get_license(shared)["exclusive"]
    with pytest.raises(E.LicenseExclusivityConflict):
        w.holder.grant_license(asset, w.provider.address, w.terms(start=now + 5 * DAY, end=now + 12 * DAY))


# ─────────────────────────────────────────── sublicensing


def _root(w: World, licensee: LedgerClient | None = None, **kw: object) -> tuple[int, int, LicenseTerms]:
    asset = w.registered_asset()
    fields: dict[str, object] = {"sublicensable": True, "transferable": True}
    fields.update(kw)
    terms = w.terms(**fields)  # type: ignore[arg-type]
    licence = w.holder.grant_license(asset, (licensee or w.holder2).address, terms)
    return asset, licence, terms


def _within(parent: LicenseTerms, **kw: object) -> LicenseTerms:
    fields: dict[str, object] = {
        "right": parent.right, "purpose": parent.purpose, "start": parent.start, "end": parent.end,
        "regions": parent.regions, "terms_hash": h("sublicence terms"),
    }  # fmt: skip
    fields.update(kw)
    return LicenseTerms(**fields)  # type: ignore[arg-type]


def test_licensee_of_a_sublicensable_licence_grants_a_sublicence_within_it(world: World) -> None:
    w = world
    asset, parent, terms = _root(w)
    child_terms = _within(terms, start=terms.start + DAY, end=terms.end - DAY)
    result = w.holder2.execute(
        w.holder2.prepare("AssetRegistry", "sublicense", parent, w.merchant.address, child_terms.as_abi())
    )
    granted = result.event("LicenseGranted")
    child = granted["licenseId"]
    assert (granted["assetId"], granted["licensor"], granted["parentId"], granted["depth"]) == (
        asset, w.holder2.address, parent, 1,
    )  # fmt: skip
    record = w.holder.get_license(child)
    assert (record["licensee"], record["parentId"], record["depth"]) == (w.merchant.address, parent, 1)
    assert w.holder.children_of(parent) == [child]
    assert w.holder.is_license_valid(child, terms.start + DAY)


def test_sublicence_needs_a_sublicensable_parent_held_by_the_caller(world: World) -> None:
    w = world
    asset = w.registered_asset()
    plain = w.holder.grant_license(asset, w.holder2.address, w.terms(purpose=1))
    with pytest.raises(E.LicenseNotSublicensable) as exc:
        w.holder2.sublicense(plain, w.merchant.address, w.terms(purpose=1))
    assert exc.value.parentId == plain
    _, parent, terms = _root(w)
    with pytest.raises(E.LicenseNotAuthorized) as exc2:
        w.merchant.sublicense(parent, w.provider.address, _within(terms))
    assert (exc2.value.licenseId, exc2.value.account) == (parent, w.merchant.address)
    with pytest.raises(E.LicenseUnknown) as unknown:
        w.holder2.sublicense(999, w.merchant.address, _within(terms))
    assert unknown.value.licenseId == 999
    assert w.holder.children_of(plain) == w.holder.children_of(parent) == []


@pytest.mark.parametrize(
    "change",
    [
        "right", "purpose", "later end", "exclusive", "cross-border", "another region",
    ],
)  # fmt: skip
def test_sublicence_may_not_exceed_its_parent(world: World, change: str) -> None:
    """(It cannot start earlier either: the parent must be valid, so it has started, and the sublicence starts no
    earlier than its own grant.)"""
    w = world
    _, parent, terms = _root(w)
    changes: dict[str, dict[str, object]] = {
        "right": {"right": Right.OPERATION},
        "purpose": {"purpose": terms.purpose + 1},
        "later end": {"end": terms.end + 1},
        "exclusive": {"exclusive": True},
        "cross-border": {"countries": ("SG",)},
        "another region": {"regions": (REGION, OTHER_REGION)},
    }
    with pytest.raises(E.LicenseExceedsParent) as exc:
        w.holder2.sublicense(parent, w.merchant.address, _within(terms, **changes[change]))
    assert exc.value.parentId == parent
    assert w.holder.children_of(parent) == []


def test_sublicences_of_an_exclusive_cross_border_parent_may_be_exclusive_and_cross_border(world: World) -> None:
    w = world
    _, parent, terms = _root(w, exclusive=True, countries=("SG", "VN"))
    child = w.holder2.sublicense(parent, w.merchant.address, _within(terms, exclusive=True, countries=("VN",)))
    record = w.holder.get_license(child)
    assert record["exclusive"] and record["crossBorder"]
    with pytest.raises(E.LicenseExceedsParent):
        w.holder2.sublicense(parent, w.provider.address, _within(terms, countries=("TH",)))
    # Exclusivity holds among the parent's sublicences.
    with pytest.raises(E.LicenseExclusivityConflict):
        w.holder2.sublicense(parent, w.provider.address, _within(terms))


def test_sublicensing_stops_at_depth_three(world: World) -> None:
    w = world
    _, licence, terms = _root(w)
    chain = [w.holder2, w.merchant, w.provider, w.holder]
    for depth, (licensor, licensee) in enumerate(itertools.pairwise(chain), start=1):
        licence = licensor.sublicense(licence, licensee.address, _within(terms, sublicensable=True))
        assert w.holder.get_license(licence)["depth"] == depth
    count = _licence_count(w)
    with pytest.raises(E.LicenseTooDeep) as exc:
        w.holder.sublicense(licence, w.holder2.address, _within(terms))
    assert (exc.value.parentId, exc.value.maxDepth) == (licence, 3)
    assert _licence_count(w) == count


def test_a_revoked_licence_cannot_be_sublicensed(world: World) -> None:
    w = world
    _, parent, terms = _root(w)
    w.holder.revoke_license(parent, h("breach"))
    with pytest.raises(E.LicenseNotValid) as exc:
        w.holder2.sublicense(parent, w.merchant.address, _within(terms))
    assert exc.value.licenseId == parent


# ─────────────────────────────────────────── revocation


def test_revocation_invalidates_every_descendant_with_one_event(world: World) -> None:
    w = world
    _, root, terms = _root(w)
    child1 = w.holder2.sublicense(root, w.merchant.address, _within(terms, sublicensable=True))
    child2 = w.holder2.sublicense(root, w.provider.address, _within(terms))
    grandchild = w.merchant.sublicense(child1, w.provider.address, _within(terms))
    now = w.chain_time()
    assert all(w.holder.is_license_valid(x, now) for x in (root, child1, child2, grandchild))
    result = w.holder.revoke_license(root, h("breach of terms"))
    assert result.find("LicenseRevoked") == [
        {"licenseId": root, "by": w.holder.address, "reasonHash": h("breach of terms")}
    ]
    # The descendants keep their own records (not revoked themselves) but are invalid through their parent.
    assert w.holder.get_license(root)["revoked"]
    for licence in (child1, child2, grandchild):
        assert not w.holder.get_license(licence)["revoked"]
    for licence in (root, child1, child2, grandchild):
        assert not w.holder.is_license_valid(licence, now)
    with pytest.raises(E.LicenseNotValid):
        w.merchant.sublicense(child1, w.holder2.address, _within(terms))


def test_revoking_a_sublicence_leaves_its_parent_and_siblings_valid(world: World) -> None:
    w = world
    _, root, terms = _root(w)
    child1 = w.holder2.sublicense(root, w.merchant.address, _within(terms))
    child2 = w.holder2.sublicense(root, w.provider.address, _within(terms))
    result = w.holder2.revoke_license(child1, h("sublicensee breach"))  # by the parent's licensee
    assert [e["licenseId"] for e in result.find("LicenseRevoked")] == [child1]
    now = w.chain_time()
    assert w.holder.is_license_valid(root, now)
    assert w.holder.is_license_valid(child2, now)
    assert not w.holder.is_license_valid(child1, now)


def test_revocation_by_the_right_holder_the_parent_licensee_the_authority_or_the_licensee_only(world: World) -> None:
    w = world
    _, root, terms = _root(w)
    child = w.holder2.sublicense(root, w.merchant.address, _within(terms, sublicensable=True))
    grandchild = w.merchant.sublicense(child, w.provider.address, _within(terms))
    refusals = [
        (w.holder2, grandchild),  # the grandparent's licensee
        (w.supervisor, root),
        (w.registrar, child),
        (w.provider, child),  # a sublicensee of it
    ]
    for client, licence in refusals:
        with pytest.raises(E.LicenseNotAuthorized) as exc:
            client.revoke_license(licence, h("revoke"))
        assert (exc.value.licenseId, exc.value.account) == (licence, client.address)
    assert not any(w.holder.get_license(x)["revoked"] for x in (root, child, grandchild))
    w.holder.revoke_license(grandchild, h("by the right holder"))
    w.authority.revoke_license(child, h("by the authority"))
    assert w.holder.get_license(child)["revoked"] and w.holder.get_license(grandchild)["revoked"]
    assert not w.holder.get_license(root)["revoked"]
    surrendered = w.holder2.revoke_license(root, h("surrendered by its licensee"))
    assert surrendered.event("LicenseRevoked")["by"] == w.holder2.address
    assert w.holder.get_license(root)["revoked"]


def test_after_a_right_transfer_the_new_holder_revokes(world: World) -> None:
    w = world
    asset, root, _ = _root(w)
    w.holder.transfer_right(asset, Right.PROCESSING, w.merchant.address)
    with pytest.raises(E.LicenseNotAuthorized):
        w.holder.revoke_license(root, h("old holder"))
    w.merchant.revoke_license(root, h("new holder"))
    assert w.holder.get_license(root)["revoked"]


def test_a_licence_is_revoked_once(world: World) -> None:
    w = world
    _, root, _ = _root(w)
    w.holder.revoke_license(root, h("first"))
    with pytest.raises(E.LicenseNotValid) as exc:
        w.holder.revoke_license(root, h("second"))
    assert exc.value.licenseId == root


# ─────────────────────────────────────────── validity over time


def test_validity_runs_from_start_inclusive_to_end_exclusive(world: World) -> None:
    w = world
    asset = w.registered_asset()
    now = w.chain_time()
    start, end = now + 10 * DAY, now + 20 * DAY
    licence = w.holder.grant_license(asset, w.holder2.address, w.terms(start=start, end=end))
    assert not w.holder.is_license_valid(licence, now)
    assert not w.holder.is_license_valid(licence, start - 1)
    assert w.holder.is_license_valid(licence, start)
    assert w.holder.is_license_valid(licence, end - 1)
    assert not w.holder.is_license_valid(licence, end)
    assert not w.holder.is_license_valid(999, start)  # unknown licence


def test_sublicence_is_valid_only_while_its_parent_is(world: World) -> None:
    w = world
    asset = w.registered_asset()
    now = w.chain_time()
    parent_terms = w.terms(sublicensable=True, start=now, end=now + 30 * DAY)
    parent = w.holder.grant_license(asset, w.holder2.address, parent_terms)
    child = w.holder2.sublicense(parent, w.merchant.address, _within(parent_terms, end=now + 10 * DAY))
    assert w.holder.is_license_valid(child, now + 5 * DAY)
    assert not w.holder.is_license_valid(child, now + 15 * DAY)  # its own end
    assert w.holder.is_license_valid(parent, now + 15 * DAY)


def test_licence_that_has_not_started_cannot_be_transferred(world: World) -> None:
    w = world
    asset = w.registered_asset()
    now = w.chain_time()
    licence = w.holder.grant_license(
        asset, w.holder2.address, w.terms(transferable=True, start=now + DAY, end=now + 10 * DAY)
    )
    with pytest.raises(E.LicenseNotValid) as exc:
        w.holder2.transfer_license(licence, w.merchant.address)
    assert exc.value.licenseId == licence
    assert w.holder.get_license(licence)["licensee"] == w.holder2.address


# ─────────────────────────────────────────── transfer


def test_transferable_licence_changes_hands_with_its_sublicensing_power(world: World) -> None:
    w = world
    _, licence, terms = _root(w)
    result = w.holder2.transfer_license(licence, w.merchant.address)
    assert result.event("LicenseTransferred") == {
        "licenseId": licence,
        "from": w.holder2.address,
        "to": w.merchant.address,
    }
    assert w.holder.get_license(licence)["licensee"] == w.merchant.address
    with pytest.raises(E.LicenseNotAuthorized):
        w.holder2.sublicense(licence, w.provider.address, _within(terms))
    w.merchant.sublicense(licence, w.provider.address, _within(terms))


def test_licence_transfer_rules(world: World) -> None:
    w = world
    asset, licence, _ = _root(w)
    plain = w.holder.grant_license(asset, w.holder2.address, w.terms(purpose=7))
    with pytest.raises(E.LicenseNotTransferable) as exc:
        w.holder2.transfer_license(plain, w.merchant.address)
    assert exc.value.licenseId == plain
    with pytest.raises(E.LicenseNotAuthorized) as exc2:
        w.merchant.transfer_license(licence, w.provider.address)
    assert exc2.value.account == w.merchant.address
    with pytest.raises(E.LicenseSelfGrant):
        w.holder2.transfer_license(licence, w.holder2.address)
    with pytest.raises(E.ParticipantUnauthorized):
        w.holder2.transfer_license(licence, w.registrar.address)
    with pytest.raises(E.ParticipantUnknown):
        w.holder2.transfer_license(licence, w.outsider.address)
    undeclared = w.admit(20, Role.DATA_MERCHANT, name="Undeclared Merchant Ltd.")
    with pytest.raises(E.ParticipantDeclarationMissing):
        w.holder2.transfer_license(licence, undeclared.address)
    w.holder.revoke_license(licence, h("revoked"))
    with pytest.raises(E.LicenseNotValid):
        w.holder2.transfer_license(licence, w.merchant.address)
    assert w.holder.get_license(licence)["licensee"] == w.holder2.address
    assert w.holder.get_license(plain)["licensee"] == w.holder2.address


# ─────────────────────────────────────────── cross-border territory (art. 20)


def test_cross_border_licence_of_general_data_is_flagged(world: World) -> None:
    w = world
    asset = w.registered_asset()
    licence = w.holder.grant_license(asset, w.holder2.address, w.terms(regions=(), countries=("SG", "VN")))
    assert w.holder.get_license(licence)["crossBorder"]
    domestic = w.holder.grant_license(asset, w.merchant.address, w.terms(purpose=2))
    assert not w.holder.get_license(domestic)["crossBorder"]


@pytest.mark.parametrize("grade", [Grade.IMPORTANT, Grade.CORE])
def test_cross_border_licence_is_refused_for_important_and_core_data(world: World, grade: Grade) -> None:
    w = world
    asset = w.registered_asset(grade=grade)
    with pytest.raises(E.LicenseCrossBorderForbidden) as exc:
        w.holder.grant_license(asset, w.holder2.address, w.terms(countries=("SG",)))
    assert (exc.value.assetId, exc.value.grade) == (asset, grade)
    assert _licence_count(w) == 0
    domestic = w.holder.grant_license(asset, w.holder2.address, w.terms())
    assert not w.holder.get_license(domestic)["crossBorder"]
