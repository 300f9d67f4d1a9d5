"""The write gateway's routes (``POST /api/v1/tx/...``): operations signed by the API key's participant.

Every route authenticates the key (``Authorization: Bearer <token>`` or ``X-API-Key: <token>``),
takes one request from the key's rate limit, validates the body (422 with field paths), and
submits one transaction through :class:`ledger.gateway.Gateway`. An ``Idempotency-Key`` header
makes retries return the first answer. Contract refusals answer 403/404/409/422 naming the error.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Final

import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI, Header, Path, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, RootModel
from redis.exceptions import RedisError

from ledger.api import metrics
from ledger.api.params import AddressPath
from ledger.api.routes.gateway_models import (
    UINT64_MAX,
    AdmitRequest,
    AgreementRequest,
    AmountRequest,
    ApproveRequest,
    BatchSettleRequest,
    CertificateImportRequest,
    CreditEventRequest,
    DecisionRequest,
    DirectTradeRequest,
    DirectTradeTermsRequest,
    GatewayErrorBody,
    GrantLicenceRequest,
    HashRequest,
    MetadataChangeRequest,
    NonceRequest,
    OpenOrderRequest,
    PriceBandRequest,
    RegistrationRequest,
    RevenueSharesRequest,
    ReviewRequest,
    RolesRequest,
    SettleRequest,
    TokenTransferRequest,
    TransferLicenceRequest,
    TransferRightRequest,
    TxResponse,
    TypedDataResponse,
    WriteRequest,
    hash_bytes,
    member,
    roles_mask,
    to_category,
    to_grade,
    to_kind,
    to_target,
)
from ledger.client import TxResult
from ledger.contracts.types import ZERO_ADDRESS, Registration, Right
from ledger.gateway import (
    ActorMismatch,
    ApiKey,
    ApiKeyScopeError,
    Gateway,
    GatewayError,
    GatewayUnavailable,
    MissingApiKey,
    Operation,
    Reply,
)
from ledger.gateway.outcome import error_reply
from ledger.recognition.certificates import CertificateFile
from ledger.recognition.errors import CertificateError
from ledger.settings import LedgerSettings
from ledger.store import Store

__all__ = ["mount", "operation_of", "operations", "request_fingerprint", "router"]

PREFIX: Final = "/api/v1/tx"

_bearer = HTTPBearer(
    auto_error=False, scheme_name="BearerToken", description="The gateway API key: `Authorization: Bearer ldg_...`."
)
_api_key = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    scheme_name="ApiKeyHeader",
    description="The gateway API key: `X-API-Key: ldg_...`.",
)


class _ValidationIssue(BaseModel):
    loc: list[str | int] = Field(description="Field path, e.g. ['body', 'trade', 'price'].")
    msg: str
    type: str


class _ValidationBody(BaseModel):
    detail: list[_ValidationIssue]


class UnprocessableBody(RootModel[GatewayErrorBody | _ValidationBody]):
    """422: a body that fails validation (``detail`` with field paths) or a contract's invalid-terms refusal."""


class _MalformedBody(BaseModel):
    detail: str = Field(description="Why the body could not be read.")


_ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    400: {"model": _MalformedBody, "description": "The body is not JSON (not UTF-8, or cut short)."},
    401: {"model": GatewayErrorBody, "description": "No API key, or an unknown one."},
    403: {
        "model": GatewayErrorBody,
        "description": (
            "Revoked or expired key, an operation outside the key's scopes, another participant named, or a"
            " contract's permission refusal."
        ),
    },
    404: {"model": GatewayErrorBody, "description": "The contract found no such record (asset, licence, order...)."},
    409: {
        "model": GatewayErrorBody,
        "description": (
            "A contract's state conflict, a request with this Idempotency-Key still running,"
            " or the node refused the transaction."
        ),
    },
    422: {
        "model": UnprocessableBody,
        "description": "Invalid body (field paths), invalid terms, or an Idempotency-Key reused for another request.",
    },
    429: {"model": GatewayErrorBody, "description": "Rate limit of the key exceeded (see Retry-After)."},
    503: {
        "model": GatewayErrorBody,
        "description": "The node is unavailable or the transaction is not confirmed yet (see Retry-After).",
    },
}


class _Refused(Exception):
    """Carries an error reply out of a dependency (auth, rate limit)."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def _json(reply: Reply) -> JSONResponse:
    return JSONResponse(reply.body, status_code=reply.status, headers=reply.headers or None)


def get_gateway(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated request: its key, its gateway, its Idempotency-Key."""

    gateway: Gateway
    key: ApiKey
    request: Request
    idempotency_key: str | None

    def check_actor(self, body: WriteRequest) -> None:
        """Refuses a body that names another participant than the key's as the one acting."""
        if body.from_ is not None and body.from_ != self.key.account:
            raise _Refused(error_reply(ActorMismatch(
                f"this API key acts as {self.key.account}; the request names {body.from_}",
                key_account=self.key.account, requested=body.from_,
            )))  # fmt: skip

    def submit(self, body: WriteRequest, operation: Operation) -> JSONResponse:
        self.check_actor(body)
        fingerprint = request_fingerprint(self.request.url.path, body)
        return _json(self.gateway.submit(self.key, operation, self.idempotency_key, fingerprint))


def request_fingerprint(path: str, body: BaseModel) -> str:
    """What makes two requests the same for an Idempotency-Key: the path and the validated body."""
    canonical = json.dumps(body.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"POST {path}\n{canonical}".encode()).hexdigest()


def get_caller(
    request: Request,
    gateway: Annotated[Gateway, Depends(get_gateway)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=255,
            pattern=r"^[\x21-\x7e]+$",
            description=(
                "Makes retries safe: a request repeated with the same key (and the same body) returns the first"
                " answer and never sends a second transaction. Printable ASCII, at most 255 characters."
            ),
        ),
    ] = None,
) -> Caller:
    token = bearer.credentials if bearer is not None else api_key
    if not token:
        raise _Refused(error_reply(MissingApiKey("writes need an API key: Authorization: Bearer <key> or X-API-Key")))
    try:
        key = gateway.authenticate(token)
    except GatewayError as exc:
        raise _Refused(error_reply(exc)) from None
    except (sa.exc.SQLAlchemyError, RedisError):
        unavailable = GatewayUnavailable("the gateway's database is unavailable", retry_after=2.0)
        raise _Refused(error_reply(unavailable)) from None
    operation = operation_of(request)
    if not key.allows(operation):
        raise _Refused(error_reply(ApiKeyScopeError(
            f"API key {key.key_id} may not call {operation} (scopes: {', '.join(key.scopes)})",
            key_id=key.key_id, operation=operation, scopes=list(key.scopes),
        )))  # fmt: skip
    return Caller(gateway, key, request, idempotency_key)


#: Gateway routes that send no transaction: every valid key may call them, read-only ones included.
_NO_TRANSACTION: Final = frozenset({"tx_direct_trade_typed_data", "tx_api_key"})


def operation_of(request: Request) -> str | None:
    """The operation a gateway request calls, as API key scopes name it (its operation id without ``tx_``);
    None for a route that sends no transaction."""
    route = request.scope.get("route")
    operation_id = getattr(route, "operation_id", None)
    if operation_id is None or operation_id in _NO_TRANSACTION:
        return None
    return str(operation_id).removeprefix("tx_")


def operations() -> list[str]:
    """Every operation an API key can be scoped to (the names :func:`operation_of` gives), sorted."""
    return sorted(
        str(r.operation_id).removeprefix("tx_")
        for r in router.routes
        if isinstance(r, APIRoute) and r.operation_id is not None and r.operation_id not in _NO_TRANSACTION
    )


CallerDep = Annotated[Caller, Depends(get_caller)]
AssetId = Annotated[int, Path(ge=0, le=UINT64_MAX, description="Asset id.")]
LicenceId = Annotated[int, Path(ge=0, le=UINT64_MAX, description="Licence id.")]
ObjectionId = Annotated[int, Path(ge=0, le=UINT64_MAX, description="Objection id.")]
OrderId = Annotated[int, Path(ge=0, le=UINT64_MAX, description="Rectification order id.")]
ChainId = Annotated[int, Path(ge=0, le=UINT64_MAX, description="Chain id of the origin province's ledger.")]

router = APIRouter(
    prefix=PREFIX,
    tags=["write gateway"],
    responses=_ERRORS,
    dependencies=[],
)


def _created(event: str, field: str, as_: str) -> Callable[[TxResult], Mapping[str, Any]]:
    def result(r: TxResult) -> Mapping[str, Any]:
        return {as_: int(r.event(event)[field])}

    return result


def _settled(r: TxResult) -> Mapping[str, Any]:
    return {
        "trades": [
            {"trade_id": "0x" + bytes(t["tradeId"]).hex(), "license_id": int(t["licenseId"])}
            for t in r.find("TradeSettled")
        ]
    }


def _op(
    contract: str, function: str, *args: Any, result: Callable[[TxResult], Mapping[str, Any]] | None = None
) -> Operation:
    return Operation(contract, function, args) if result is None else Operation(contract, function, args, result)


_POST: Final[dict[str, Any]] = {"response_model": TxResponse}

# ─────────────────────────────────────────── participants


@router.post("/participants", operation_id="tx_admit_participant", summary="Admit a participant (authority)", **_POST)
def admit(body: AdmitRequest, caller: CallerDep) -> JSONResponse:
    """准入: admits ``account`` with roles, region and name. Signed by an authority."""
    return caller.submit(
        body, _op("ParticipantRegistry", "admit", body.account, int(roles_mask(body.roles)), body.region, body.name)
    )


@router.post(
    "/participants/{account}/roles", operation_id="tx_set_roles", summary="Change a participant's roles", **_POST
)
def set_roles(account: AddressPath, body: RolesRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("ParticipantRegistry", "setRoles", account, int(roles_mask(body.roles))))


@router.post(
    "/participants/{account}/suspend", operation_id="tx_suspend_participant", summary="Suspend a participant", **_POST
)
def suspend(account: AddressPath, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("ParticipantRegistry", "suspend", account, hash_bytes(body.document_hash)))


@router.post(
    "/participants/{account}/reinstate",
    operation_id="tx_reinstate_participant",
    summary="Reinstate a participant",
    **_POST,
)
def reinstate(account: AddressPath, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("ParticipantRegistry", "reinstate", account, hash_bytes(body.document_hash)))


@router.post(
    "/participants/{account}/revoke", operation_id="tx_revoke_participant", summary="Revoke a participant", **_POST
)
def revoke(account: AddressPath, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("ParticipantRegistry", "revoke", account, hash_bytes(body.document_hash)))


@router.post("/declarations", operation_id="tx_file_declaration", summary="File a compliance declaration", **_POST)
def file_declaration(body: HashRequest, caller: CallerDep) -> JSONResponse:
    """承诺书: the key's participant files a declaration (data merchants and service providers need one)."""
    return caller.submit(body, _op("ParticipantRegistry", "fileDeclaration", hash_bytes(body.document_hash)))


# ─────────────────────────────────────────── registration


@router.post("/assets", operation_id="tx_apply_registration", summary="Apply for registration", **_POST)
def apply_registration(body: RegistrationRequest, caller: CallerDep) -> JSONResponse:
    """登记申请: files an application; ``result.asset_id`` is the new asset's id."""
    registration = Registration(
        content_hash=hash_bytes(body.content_hash),
        metadata_hash=hash_bytes(body.metadata_hash),
        metadata_uri=body.metadata_uri,
        name=body.name,
        category=to_category(body.category),
        grade=to_grade(body.grade),
        kind=to_kind(body.kind),
        region=body.region,
        processing_holder=body.processing_holder or ZERO_ADDRESS,
        operation_holder=body.operation_holder or ZERO_ADDRESS,
    )
    return caller.submit(
        body,
        _op(
            "AssetRegistry",
            "applyRegistration",
            registration.as_abi(),
            result=_created("RegistrationApplied", "assetId", "asset_id"),
        ),
    )


@router.post(
    "/assets/{asset_id}/review",
    operation_id="tx_review_registration",
    summary="Review an application (registrar)",
    **_POST,
)
def review(asset_id: AssetId, body: ReviewRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(
        body, _op("AssetRegistry", "reviewRegistration", asset_id, body.approve, hash_bytes(body.review_hash))
    )


@router.post(
    "/assets/{asset_id}/metadata",
    operation_id="tx_change_registration",
    summary="Change a registration's metadata",
    **_POST,
)
def change(asset_id: AssetId, body: MetadataChangeRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(
        body, _op("AssetRegistry", "changeRegistration", asset_id, hash_bytes(body.metadata_hash), body.metadata_uri)
    )


@router.post(
    "/assets/{asset_id}/cancel", operation_id="tx_cancel_registration", summary="Cancel a registration", **_POST
)
def cancel(asset_id: AssetId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("AssetRegistry", "cancelRegistration", asset_id, hash_bytes(body.document_hash)))


@router.post("/assets/{asset_id}/transfer", operation_id="tx_transfer_right", summary="Transfer a right", **_POST)
def transfer_right(asset_id: AssetId, body: TransferRightRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("AssetRegistry", "transferRight", asset_id, int(member(Right, body.right)), body.to))


@router.post("/assets/{asset_id}/objections", operation_id="tx_lodge_objection", summary="Lodge an objection", **_POST)
def lodge_objection(asset_id: AssetId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    """异议: ``document_hash`` is the evidence; ``result.objection_id`` the new objection."""
    return caller.submit(
        body,
        _op(
            "AssetRegistry",
            "lodgeObjection",
            asset_id,
            hash_bytes(body.document_hash),
            result=_created("ObjectionLodged", "objectionId", "objection_id"),
        ),
    )


@router.post(
    "/objections/{objection_id}/resolve",
    operation_id="tx_resolve_objection",
    summary="Resolve an objection (registrar)",
    **_POST,
)
def resolve_objection(objection_id: ObjectionId, body: DecisionRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(
        body, _op("AssetRegistry", "resolveObjection", objection_id, body.upheld, hash_bytes(body.decision_hash))
    )


@router.post("/assets/{asset_id}/freeze", operation_id="tx_freeze_asset", summary="Freeze an asset", **_POST)
def freeze(asset_id: AssetId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("AssetRegistry", "freeze", asset_id, hash_bytes(body.document_hash)))


@router.post("/assets/{asset_id}/unfreeze", operation_id="tx_unfreeze_asset", summary="Unfreeze an asset", **_POST)
def unfreeze(asset_id: AssetId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("AssetRegistry", "unfreeze", asset_id, hash_bytes(body.document_hash)))


@router.post(
    "/assets/{asset_id}/anonymisation",
    operation_id="tx_attest_anonymisation",
    summary="Attest anonymisation (service provider)",
    **_POST,
)
def attest(asset_id: AssetId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("AssetRegistry", "attestAnonymisation", asset_id, hash_bytes(body.document_hash)))


# ─────────────────────────────────────────── licences


@router.post("/assets/{asset_id}/licences", operation_id="tx_grant_licence", summary="Grant a licence", **_POST)
def grant_licence(asset_id: AssetId, body: GrantLicenceRequest, caller: CallerDep) -> JSONResponse:
    """授权许可: ``result.licence_id`` is the new licence."""
    return caller.submit(
        body,
        _op(
            "AssetRegistry",
            "grantLicense",
            asset_id,
            body.licensee,
            body.terms.to_terms().as_abi(),
            result=_created("LicenseGranted", "licenseId", "licence_id"),
        ),
    )


@router.post("/licences/{licence_id}/sublicences", operation_id="tx_sublicense", summary="Grant a sublicence", **_POST)
def sublicense(licence_id: LicenceId, body: GrantLicenceRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(
        body,
        _op(
            "AssetRegistry",
            "sublicense",
            licence_id,
            body.licensee,
            body.terms.to_terms().as_abi(),
            result=_created("LicenseGranted", "licenseId", "licence_id"),
        ),
    )


@router.post("/licences/{licence_id}/revoke", operation_id="tx_revoke_licence", summary="Revoke a licence", **_POST)
def revoke_licence(licence_id: LicenceId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("AssetRegistry", "revokeLicense", licence_id, hash_bytes(body.document_hash)))


@router.post(
    "/licences/{licence_id}/transfer", operation_id="tx_transfer_licence", summary="Transfer a licence", **_POST
)
def transfer_licence(licence_id: LicenceId, body: TransferLicenceRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("AssetRegistry", "transferLicense", licence_id, body.to))


# ─────────────────────────────────────────── settlement token


@router.post("/token/issue", operation_id="tx_issue_tokens", summary="Issue settlement tokens (bank)", **_POST)
def issue(body: TokenTransferRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("SettlementToken", "issue", body.to, body.amount))


@router.post("/token/redeem", operation_id="tx_redeem_tokens", summary="Redeem settlement tokens", **_POST)
def redeem(body: AmountRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("SettlementToken", "redeem", body.amount))


@router.post("/token/approve", operation_id="tx_approve_tokens", summary="Approve a spender", **_POST)
def approve(body: ApproveRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("SettlementToken", "approve", body.spender, body.amount))


@router.post("/token/transfer", operation_id="tx_transfer_tokens", summary="Transfer settlement tokens", **_POST)
def transfer_tokens(body: TokenTransferRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("SettlementToken", "transfer", body.to, body.amount))


# ─────────────────────────────────────────── settlement


@router.post("/trades", operation_id="tx_settle_trade", summary="Settle a trade (exchange)", **_POST)
def settle(body: SettleRequest, caller: CallerDep) -> JSONResponse:
    """交易结算: the key's participant (an exchange) settles a matched trade."""
    return caller.submit(body, _op("TradeSettlement", "settle", body.trade.to_trade().as_abi(), result=_settled))


@router.post(
    "/trades/batch", operation_id="tx_settle_batch", summary="Settle trades in one transaction (exchange)", **_POST
)
def settle_batch(body: BatchSettleRequest, caller: CallerDep) -> JSONResponse:
    """All or none: a failing trade refuses the batch with ``SettlementBatchItemFailed``, and the answer's
    ``error.item`` names it (index, trade id, its own error); the status is that error's."""
    trades = [t.to_trade().as_abi() for t in body.trades]
    return caller.submit(body, _op("TradeSettlement", "settleBatch", trades, result=_settled))


@router.post(
    "/trades/direct",
    operation_id="tx_settle_direct",
    summary="Settle an off-exchange trade signed by both parties",
    **_POST,
)
def settle_direct(body: DirectTradeRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(
        body,
        _op(
            "TradeSettlement",
            "settleDirect",
            body.trade.to_trade().as_abi(),
            body.nonce,
            body.deadline,
            hash_bytes(body.seller_signature),
            hash_bytes(body.buyer_signature),
            result=_settled,
        ),
    )


@router.post(
    "/trades/direct/typed-data",
    operation_id="tx_direct_trade_typed_data",
    summary="The EIP-712 message of an off-exchange trade, for both parties to sign",
    response_model=TypedDataResponse,
)
def direct_trade_typed_data(body: DirectTradeTermsRequest, caller: CallerDep) -> JSONResponse:
    """Sends nothing: returns what the seller and the buyer sign (``eth_signTypedData_v4``, or the digest
    with any secp256k1 signer) before either submits the trade to ``/trades/direct``."""
    caller.check_actor(body)
    return _json(caller.gateway.direct_trade_typed_data(caller.key, body.trade.to_trade(), body.nonce, body.deadline))


@router.post(
    "/trades/nonces/invalidate", operation_id="tx_invalidate_nonce", summary="Invalidate an off-exchange nonce", **_POST
)
def invalidate_nonce(body: NonceRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("TradeSettlement", "invalidateNonce", body.nonce))


@router.post(
    "/assets/{asset_id}/revenue-shares",
    operation_id="tx_set_revenue_shares",
    summary="Set an asset's revenue shares",
    **_POST,
)
def set_revenue_shares(asset_id: AssetId, body: RevenueSharesRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(
        body,
        _op(
            "TradeSettlement",
            "setRevenueShares",
            asset_id,
            [s.recipient for s in body.shares],
            [s.bps for s in body.shares],
        ),
    )


@router.post("/price-bands", operation_id="tx_set_price_band", summary="Set a price band (authority)", **_POST)
def set_price_band(body: PriceBandRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("TradeSettlement", "setPriceBand", int(to_kind(body.kind)), body.min, body.max))


# ─────────────────────────────────────────── supervision


@router.post("/orders", operation_id="tx_open_order", summary="Open a rectification order (supervisor)", **_POST)
def open_order(body: OpenOrderRequest, caller: CallerDep) -> JSONResponse:
    """整改: ``result.order_id`` is the new order."""
    return caller.submit(
        body,
        _op(
            "Supervision",
            "openOrder",
            int(to_target(body.target)),
            body.participant or ZERO_ADDRESS,
            body.asset_id,
            hash_bytes(body.document_hash),
            result=_created("RectificationOrdered", "orderId", "order_id"),
        ),
    )


@router.post("/orders/{order_id}/close", operation_id="tx_close_order", summary="Close a rectification order", **_POST)
def close_order(order_id: OrderId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("Supervision", "closeOrder", order_id, hash_bytes(body.document_hash)))


@router.post(
    "/credit-events", operation_id="tx_record_credit_event", summary="Record a credit event (supervisor)", **_POST
)
def record_credit_event(body: CreditEventRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(
        body,
        _op(
            "Supervision", "recordCreditEvent", body.participant, body.code, body.delta, hash_bytes(body.document_hash)
        ),
    )


# ─────────────────────────────────────────── recognition


@router.post(
    "/recognition/agreements",
    operation_id="tx_set_agreement",
    summary="Record a recognition agreement (authority)",
    **_POST,
)
def set_agreement(body: AgreementRequest, caller: CallerDep) -> JSONResponse:
    """结果互认: records (or replaces) the agreement with another province's registry: its chain, registry
    contract, registrars and the threshold M of N signatures its certificates need."""
    return caller.submit(
        body,
        _op(
            "Recognition",
            "setAgreement",
            body.origin_chain_id,
            body.origin_registry,
            list(body.registrars),
            body.threshold,
        ),
    )


@router.post(
    "/recognition/agreements/{origin_chain_id}/revoke",
    operation_id="tx_revoke_agreement",
    summary="End a recognition agreement (authority)",
    **_POST,
)
def revoke_agreement(origin_chain_id: ChainId, body: WriteRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("Recognition", "revokeAgreement", origin_chain_id))


@router.post(
    "/recognition/certificates",
    operation_id="tx_import_certificate",
    summary="Import another province's certificate (registrar)",
    **_POST,
)
def import_certificate(body: CertificateImportRequest, caller: CallerDep) -> JSONResponse:
    """Registers the certificate's asset here as a recognised registration; ``result.asset_id`` is the
    local asset. The certificate must carry the agreed number of its registrars' signatures."""
    try:
        cert = CertificateFile.from_json(body.certificate)
    except CertificateError as exc:
        return _json(error_reply(_InvalidCertificate(str(exc))))
    return caller.submit(
        body,
        _op(
            "Recognition",
            "importCertificate",
            cert.domain.chain_id,
            cert.certificate.as_abi(),
            cert.signature_bytes(),
            result=_created("CertificateImported", "localAssetId", "asset_id"),
        ),
    )


@router.post(
    "/recognition/assets/{asset_id}/suspend",
    operation_id="tx_suspend_recognised",
    summary="Suspend a recognised registration (registrar)",
    **_POST,
)
def suspend_recognised(asset_id: AssetId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("Recognition", "suspend", asset_id, hash_bytes(body.document_hash)))


class _InvalidCertificate(GatewayError):
    status = 422
    code = "invalid_certificate"


# ─────────────────────────────────────────── the calling key


class KeyUsageToday(BaseModel):
    requests: int = Field(description="Requests admitted today (UTC), this one included.")
    refused: int = Field(description="Requests refused by the rate limit today (UTC).")


class ApiKeyInfo(BaseModel):
    """The API key that made the request (never its secret)."""

    key_id: str = Field(description="The key's id (the 12 hex digits after ldg_).", examples=["3f9c0a7b12de"])
    account: str = Field(description="The participant the key acts as.")
    label: str = Field(description="The operator's note on the key.")
    scopes: list[str] = Field(
        description="`read` (no transactions), `write` (every operation) or the operations it may call.",
        examples=[["settle_trade", "settle_batch"]],
    )
    created_at: int = Field(description="Unix seconds.")
    expires_at: int | None = Field(description="Unix seconds after which the key is refused; null: never.")
    rotated_at: int | None = Field(description="Unix seconds of the last rotation; null: never rotated.")
    previous_secret_valid_until: int | None = Field(
        description="After a rotation: until when the previous secret is still accepted (unix seconds)."
    )
    rate_per_second: float = Field(description="Requests per second the key may make on average.")
    burst: int = Field(description="Requests the key may make at once.")
    usage_today: KeyUsageToday


@router.get(
    "/key",
    operation_id="tx_api_key",
    summary="The calling API key: participant, scopes, expiry, rotation, limits and today's usage",
    response_model=ApiKeyInfo,
)
def api_key_info(caller: CallerDep) -> JSONResponse:
    """Sends nothing; any valid key may call it (read-only ones too). Integrations use it to see when their
    key expires or stops accepting a rotated secret."""
    key, gateway = caller.key, caller.gateway
    today = next(iter(gateway.meter.usage(key.key_id, days=1)[-1:]), None)
    info = ApiKeyInfo(
        key_id=key.key_id, account=key.account, label=key.label, scopes=list(key.scopes), created_at=key.created_at,
        expires_at=key.expires_at, rotated_at=key.rotated_at, previous_secret_valid_until=key.previous_valid_until,
        rate_per_second=gateway.meter.rate, burst=gateway.meter.burst,
        usage_today=KeyUsageToday(requests=today.requests if today else 0, refused=today.refused if today else 0),
    )  # fmt: skip
    return JSONResponse(info.model_dump())


# ─────────────────────────────────────────── wiring


async def _refused(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, _Refused)
    return _json(exc.reply)


def mount(app: FastAPI, settings: LedgerSettings, store: Store, **gateway_options: Any) -> Gateway:
    """Adds the gateway's routes to ``app``, writing its keys and idempotency records to ``store``'s database."""
    gateway = Gateway(
        settings, store.engine, on_outcome=lambda outcome: metrics.TX_OUTCOMES.labels(outcome).inc(), **gateway_options
    )
    app.state.gateway = gateway
    app.add_exception_handler(_Refused, _refused)
    app.include_router(router)
    return gateway
