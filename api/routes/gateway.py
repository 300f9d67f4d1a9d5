"""The write gateway's routes (``POST /api/v1/tx/...``): operations signed by the API key's participant.

Every route authenticates the key (``Authorization: Bearer <token>`` or ``X-API-Key: <token>``),
takes one request from the key's rate limit, validates the body (422 with field paths), and
submits one transaction through :class:`api.gateway.Gateway`. An ``Idempotency-Key`` header
makes retries return the first answer. Contract refusals answer 403/404/409/422 naming the error.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Final, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, RootModel
from redis.exceptions import RedisError

from api import metrics
from api.gateway import (
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
from api.gateway.outcome import error_reply
from api.gateway.proposals import ProposalDesk
from api.params import AddressPath
from api.routes.gateway_models import (
    UINT64_MAX,
    AcceptObjectionRequest,
    AdmitRequest,
    AgreementRequest,
    AmountRequest,
    ApprovalRequest,
    ApproveRequest,
    BatchSettleRequest,
    CertificateImportRequest,
    ConsentModel,
    ConsentResponse,
    ConsentTypedDataRequest,
    CreditEventRequest,
    DecisionRequest,
    DerecognitionRequest,
    DirectTradeRequest,
    DirectTradeTermsRequest,
    DisclosureRequest,
    GatewayErrorBody,
    GrantLicenceRequest,
    GrantMandateRequest,
    HashRequest,
    IssueRequest,
    LinkOpeningAssetRequest,
    ListedSettleRequest,
    ListingModel,
    ListingReasonRequest,
    ListingSignatureResponse,
    ListingTypedDataRequest,
    ListProductRequest,
    MandatedBatchRequest,
    MandatedSettleRequest,
    MandateModel,
    MeasurementRequest,
    MetadataChangeRequest,
    NonceRequest,
    ObjectionRequest,
    OpeningShownRequest,
    OpenOrderRequest,
    PriceBandRequest,
    ProposalFileRequest,
    ProposalListResponse,
    ProposalResponse,
    ProposeRequest,
    PublicOperationRequest,
    PublishOpeningListRequest,
    QualityAnswerRequest,
    QualityFixRequest,
    QualityReportRequest,
    QualityRulingRequest,
    RecognitionRequest,
    RegistrationRequest,
    ReleaseHeldSharesRequest,
    RevenueSharesRequest,
    ReviewRequest,
    RolesRequest,
    SettleRequest,
    SignConsentRequest,
    SignListingRequest,
    TokenTransferRequest,
    TransferLicenceRequest,
    TransferRightRequest,
    TxResponse,
    TypedDataResponse,
    ValuationRequest,
    WithdrawListingRequest,
    WithdrawOpeningEntryRequest,
    WithdrawPublicOperationRequest,
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
from ledger.contracts.credit_code import credit_code_hash
from ledger.contracts.types import (
    ZERO_ADDRESS,
    AccountingCategory,
    Delivery,
    Derecognition,
    DisclosureKind,
    LicenseTerms,
    Listing,
    Mandate,
    Measurement,
    ObjectionStatus,
    Offer,
    OpeningEntry,
    OpeningEvidence,
    QualityProblem,
    QualitySeverity,
    Registration,
    Right,
    ValuationMethod,
    compact_signature,
)
from ledger.disclosure import period
from ledger.recognition.certificates import CertificateFile
from ledger.recognition.errors import CertificateError
from ledger.settings import LedgerSettings
from ledger.store import Store, schema

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
_NO_TRANSACTION: Final = frozenset({
    "tx_direct_trade_typed_data", "tx_consent_typed_data", "tx_listing_typed_data", "tx_api_key",
    "tx_governance_proposals", "tx_governance_proposal", "tx_governance_proposal_file",
})  # fmt: skip


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
MandateId = Annotated[
    str, Path(pattern=r"^0x[0-9a-fA-F]{64}$", description="Mandate id (0x + 64 hex digits: the hash of its terms).")
]
ChainId = Annotated[int, Path(ge=0, le=UINT64_MAX, description="Chain id of the origin province's ledger.")]
ListingId = Annotated[
    str, Path(pattern=r"^0x[0-9a-fA-F]{64}$", description="The exchange's listing id (0x + 64 hex digits).")
]

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
    def mandate(value: bytes) -> str | None:
        return "0x" + value.hex() if any(value) else None

    return {
        "trades": [
            {"trade_id": "0x" + bytes(t["tradeId"]).hex(), "exchange": t["exchange"], "license_id": int(t["licenseId"]),
             "seller_amount": int(t["sellerAmount"]), "mandate_id": mandate(bytes(t["mandateId"])),
             "shares": [{"recipient": x["recipient"], "amount": int(x["amount"]), "held": bool(x["held"])}
                        for x in t["shares"]]}
            for t in r.find("TradeSettled")
        ]
    }  # fmt: skip


def _op(
    contract: str,
    function: str,
    *args: Any,
    result: Callable[[TxResult], Mapping[str, Any]] | None = None,
    reports_refusals: bool = False,
) -> Operation:
    return Operation(contract, function, args, result or (lambda _: {}), reports_refusals=reports_refusals)


_POST: Final[dict[str, Any]] = {"response_model": TxResponse}

# ─────────────────────────────────────────── participants


@router.post("/participants", operation_id="tx_admit_participant", summary="Admit a participant (authority)", **_POST)
def admit(body: AdmitRequest, caller: CallerDep) -> JSONResponse:
    """准入: admits ``account`` with roles, region and name. Signed by an authority."""
    return caller.submit(
        body,
        _op(
            "ParticipantRegistry",
            "admit",
            body.account,
            int(roles_mask(body.roles)),
            body.region,
            body.name,
            credit_code_hash(body.credit_code),
        ),
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


def _lodged(r: TxResult) -> Mapping[str, Any]:
    lodged = r.event("ObjectionLodged")
    return {"objection_id": int(lodged["objectionId"]), "status": ObjectionStatus(lodged["status"]).name.lower(),
            "open_objections": int(lodged["openObjections"])}  # fmt: skip


@router.post("/assets/{asset_id}/objections", operation_id="tx_lodge_objection", summary="Lodge an objection", **_POST)
def lodge_objection(asset_id: AssetId, body: ObjectionRequest, caller: CallerDep) -> JSONResponse:
    """异议: ``document_hash`` is the evidence. ``result``: the objection's id and status, ``open`` at once when the
    objector has standing (a right in the asset, its own valid licence named in ``standing_licence_id``, or a
    supervisor or the authority: the asset is then disputed), else ``pending`` until a registrar accepts it."""
    return caller.submit(
        body,
        _op("AssetControls", "lodgeObjection", asset_id, hash_bytes(body.document_hash), body.standing_licence_id,
            result=_lodged),
    )  # fmt: skip


@router.post(
    "/objections/{objection_id}/accept",
    operation_id="tx_accept_objection",
    summary="Accept a pending objection (registrar)",
    **_POST,
)
def accept_objection(objection_id: ObjectionId, body: AcceptObjectionRequest, caller: CallerDep) -> JSONResponse:
    """异议受理: a registrar of the asset's region without a stake in it accepts a pending objection; the asset is
    disputed (neither licensed, traded nor transferred) until the objection is resolved."""
    return caller.submit(body, _op("AssetControls", "acceptObjection", objection_id, hash_bytes(body.decision_hash)))


@router.post(
    "/objections/{objection_id}/resolve",
    operation_id="tx_resolve_objection",
    summary="Resolve an objection (registrar)",
    **_POST,
)
def resolve_objection(objection_id: ObjectionId, body: DecisionRequest, caller: CallerDep) -> JSONResponse:
    """Upholds or dismisses an open or pending objection (a registrar of the asset's region without a stake)."""
    return caller.submit(
        body, _op("AssetControls", "resolveObjection", objection_id, body.upheld, hash_bytes(body.decision_hash))
    )


@router.post("/assets/{asset_id}/freeze", operation_id="tx_freeze_asset", summary="Freeze an asset", **_POST)
def freeze(asset_id: AssetId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("AssetControls", "freeze", asset_id, hash_bytes(body.document_hash)))


@router.post("/assets/{asset_id}/unfreeze", operation_id="tx_unfreeze_asset", summary="Unfreeze an asset", **_POST)
def unfreeze(asset_id: AssetId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("AssetControls", "unfreeze", asset_id, hash_bytes(body.document_hash)))


@router.post(
    "/assets/{asset_id}/anonymisation",
    operation_id="tx_attest_anonymisation",
    summary="Attest anonymisation (service provider)",
    **_POST,
)
def attest(asset_id: AssetId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    """A declared service provider that neither applied for the asset nor holds a right in it."""
    return caller.submit(body, _op("AssetControls", "attestAnonymisation", asset_id, hash_bytes(body.document_hash)))


@router.post(
    "/assets/{asset_id}/public-operations",
    operation_id="tx_authorise_public_operation",
    summary="Approve an authorised operation of public data (authority)",
    **_POST,
)
def authorise_public_operation(asset_id: AssetId, body: PublicOperationRequest, caller: CallerDep) -> JSONResponse:
    """公共数据授权运营: the holder may then grant ``operator`` one zero-price licence of the right and purpose,
    ending no later than ``latest_end``: the only licence of public data granted off an exchange."""
    return caller.submit(
        body,
        _op("AssetControls", "authorisePublicOperation", asset_id, body.operator, int(member(Right, body.right)),
            body.purpose, body.latest_end, hash_bytes(body.decision_hash)),
    )  # fmt: skip


@router.post(
    "/assets/{asset_id}/public-operations/withdraw",
    operation_id="tx_withdraw_public_operation",
    summary="Withdraw an unused approval of authorised operation (authority)",
    **_POST,
)
def withdraw_public_operation(
    asset_id: AssetId, body: WithdrawPublicOperationRequest, caller: CallerDep
) -> JSONResponse:
    return caller.submit(
        body,
        _op("AssetControls", "withdrawPublicOperation", asset_id, body.operator, int(member(Right, body.right)),
            body.purpose),
    )  # fmt: skip


# ─────────────────────────────────────────── licences


@router.post("/assets/{asset_id}/licences", operation_id="tx_grant_licence", summary="Grant a licence", **_POST)
def grant_licence(asset_id: AssetId, body: GrantLicenceRequest, caller: CallerDep) -> JSONResponse:
    """授权许可: ``result.licence_id`` is the new licence. Over public data only the authorised operation the
    authority approved (``/assets/{asset_id}/public-operations``); other licences of public data are sold on an
    exchange."""
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
    """撤销授权: the holder of the licensed right, the parent licence's licensee, the authority, or the licensee
    itself (surrender). Its sublicences are invalid from then on (their validity checks every ancestor)."""
    return caller.submit(body, _op("AssetRegistry", "revokeLicense", licence_id, hash_bytes(body.document_hash)))


@router.post(
    "/licences/{licence_id}/transfer", operation_id="tx_transfer_licence", summary="Transfer a licence", **_POST
)
def transfer_licence(licence_id: LicenceId, body: TransferLicenceRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("AssetRegistry", "transferLicense", licence_id, body.to))


# ─────────────────────────────────────────── settlement token


@router.post("/token/issue", operation_id="tx_issue_tokens", summary="Issue settlement tokens (bank)", **_POST)
def issue(body: IssueRequest, caller: CallerDep) -> JSONResponse:
    """发行: within the bank's issuance limit (set by the council), against the reserve attestation whose hash is
    ``reserve_hash``."""
    return caller.submit(body, _op("SettlementToken", "issue", body.to, body.amount, hash_bytes(body.reserve_hash)))


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


def _consent(consent: ConsentModel) -> tuple[object, ...]:
    """A consent as the contract takes it; 422 ``invalid_arguments`` for a signature whose v is not 27 or 28."""
    try:
        return consent.to_consent().as_abi()
    except ValueError as exc:
        raise _Refused(error_reply(_BadIndex(f"consent of {consent.seller}: {exc}"))) from None


@router.post("/trades", operation_id="tx_settle_trade", summary="Settle a trade with its seller's consent (exchange)",
             **_POST)  # fmt: skip
def settle(body: SettleRequest, caller: CallerDep) -> JSONResponse:
    """交易结算: the key's participant (an exchange) settles a matched trade with its seller's signed consent to
    this one sale (``/consents`` signs one for a seller whose key the gateway holds). The buyer pays through its
    allowance to the exchange; ``result.trades`` names the licence delivered and the shares paid or held."""
    return caller.submit(
        body, _op("TradeSettlement", "settle", body.trade.to_trade().as_abi(), body.min_net, _consent(body.consent),
                  result=_settled),
    )  # fmt: skip


@router.post(
    "/trades/batch", operation_id="tx_settle_batch", summary="Settle trades with their sellers' consents (exchange)",
    **_POST,
)  # fmt: skip
def settle_batch(body: BatchSettleRequest, caller: CallerDep) -> JSONResponse:
    """Atomic (the default): all or none; a refused trade refuses the batch with ``SettlementBatchItemFailed``, the
    answer's ``error.item`` names it (index, trade id, its own error) and the status is that error's. Not atomic:
    every valid trade settles and ``result.refused`` lists the others with their errors (a 200)."""
    if any(t.consent >= len(body.consents) for t in body.trades):
        return _json(error_reply(_BadIndex("a trade names a consent beyond the list of consents")))
    return caller.submit(
        body,
        _op("TradeSettlement", "settleBatch", [t.trade.to_trade().as_abi() for t in body.trades],
            [t.min_net for t in body.trades], [_consent(c) for c in body.consents],
            [t.consent for t in body.trades], body.atomic, result=_settled, reports_refusals=True),
    )  # fmt: skip


def _mandate(request: Request, value: MandateModel | str) -> Mandate:
    """A mandate given by its terms, or by its id from the index (GET /api/v1/mandates/{id} shows it)."""
    if isinstance(value, MandateModel):
        return value.mandate()
    t = schema.mandates
    with request.app.state.reader.engine.connect() as conn:
        row = conn.execute(sa.select(t).where(t.c.valid_to_block.is_(None), t.c.mandate_id == value.lower())).first()
    if row is None:
        raise _Refused(error_reply(_UnknownMandate(
            f"no mandate {value.lower()} in the index (not granted, or not indexed yet): give its terms instead",
            mandate_id=value.lower(),
        )))  # fmt: skip
    terms = dict(row.terms or {})
    return Mandate(
        seller=row.seller, exchange=row.exchange, asset_id=int(row.asset_id), delivery=Delivery(row.delivery),
        right=Right(row.right), min_net=int(row.min_net), expiry=int(row.expiry), max_duration=int(row.max_duration),
        parent_license_id=int(row.parent_licence_id),
        terms=LicenseTerms(
            right=Right(int(terms.get("right", 1))), purpose=int(terms.get("purpose", 0)),
            start=int(terms.get("start", 0)), end=int(terms.get("end", 0)),
            regions=tuple(int(r) for r in terms.get("regions", [])),
            countries=tuple(str(c) for c in terms.get("countries", [])),
            exclusive=bool(terms.get("exclusive", False)), sublicensable=bool(terms.get("sublicensable", False)),
            transferable=bool(terms.get("transferable", False)),
            terms_hash=hash_bytes(str(terms.get("terms_hash", "0x" + "00" * 32))),
        ),
        salt=int(row.salt),
    )  # fmt: skip


@router.post(
    "/trades/mandated", operation_id="tx_settle_mandated",
    summary="Settle a trade within its seller's standing mandate (exchange)", **_POST,
)  # fmt: skip
def settle_mandated(request: Request, body: MandatedSettleRequest, caller: CallerDep) -> JSONResponse:
    """The trade must lie within the mandate the seller gave the key's participant (asset, delivery, licence
    template and longest period, least net amount, expiry); ``result.trades[].mandate_id`` names it. The mandate
    is given by its terms, or by its id when the index holds it (404 ``unknown_mandate`` otherwise)."""
    mandate = _mandate(request, body.mandate)
    return caller.submit(
        body, _op("MandateRegistry", "settle", body.trade.to_trade().as_abi(), mandate.as_abi(), result=_settled)
    )


@router.post(
    "/trades/mandated/batch", operation_id="tx_settle_mandated_batch",
    summary="Settle trades within their sellers' mandates (exchange)", **_POST,
)  # fmt: skip
def settle_mandated_batch(request: Request, body: MandatedBatchRequest, caller: CallerDep) -> JSONResponse:
    """Trade i lies within ``mandates[trades[i].mandate]``. Atomic or trade by trade, as ``/trades/batch``."""
    if any(t.mandate >= len(body.mandates) for t in body.trades):
        return _json(error_reply(_BadIndex("a trade names a mandate beyond the list of mandates")))
    mandates: list[Mandate] = [_mandate(request, m) for m in body.mandates]
    return caller.submit(
        body,
        _op("MandateRegistry", "settleBatch", [t.trade.to_trade().as_abi() for t in body.trades],
            [m.as_abi() for m in mandates], [t.mandate for t in body.trades], body.atomic, result=_settled,
            reports_refusals=True),
    )  # fmt: skip


@router.post(
    "/consents", operation_id="tx_sign_consent",
    summary="Sign a sales consent with the key's participant's keystore (seller)", response_model=ConsentResponse,
)  # fmt: skip
def sign_consent(body: SignConsentRequest, caller: CallerDep) -> JSONResponse:
    """卖方授权: sends nothing. The key's participant, the seller of every sale, consents to ``exchange`` settling
    them (each netting it at least ``min_net``); the gateway signs with the keystore it holds for the key. Give
    ``consent`` to the exchange, which settles with ``/trades`` or ``/trades/batch`` (the same sales, in order).
    ``/trades/nonces/invalidate`` withdraws it."""
    caller.check_actor(body)
    sales = [(s.trade.to_trade(), s.min_net) for s in body.sales]
    return _json(caller.gateway.sign_sales_consent(caller.key, sales, body.exchange, body.nonce, body.deadline))


@router.post(
    "/consents/typed-data", operation_id="tx_consent_typed_data",
    summary="The EIP-712 message of a sales consent, for a seller to sign itself", response_model=TypedDataResponse,
)  # fmt: skip
def consent_typed_data(body: ConsentTypedDataRequest, caller: CallerDep) -> JSONResponse:
    """Sends nothing: returns what a seller signs (``eth_signTypedData_v4``, or the digest with any secp256k1
    signer) to consent to ``exchange``'s sales."""
    caller.check_actor(body)
    sales = [(s.trade.to_trade(), s.min_net) for s in body.sales]
    return _json(caller.gateway.sales_consent_typed_data(caller.key, sales, body.exchange, body.nonce, body.deadline))


@router.post("/mandates", operation_id="tx_grant_mandate", summary="Grant a standing mandate (seller)", **_POST)
def grant_mandate(body: GrantMandateRequest, caller: CallerDep) -> JSONResponse:
    """挂牌委托: the key's participant (the seller) lets ``exchange`` sell the asset's right, or licences cut from
    ``template``, each netting it at least ``min_net``, until ``expiry``. ``result.mandate_id`` is its id."""
    mandate = body.to_mandate(caller.key.account)
    return caller.submit(
        body,
        _op("MandateRegistry", "grantMandate", mandate.as_abi(),
            result=lambda r: {"mandate_id": "0x" + bytes(r.event("MandateGranted")["mandateId"]).hex()}),
    )  # fmt: skip


@router.post(
    "/mandates/{mandate_id}/revoke", operation_id="tx_revoke_mandate", summary="Revoke a mandate (its seller)",
    **_POST,
)  # fmt: skip
def revoke_mandate(mandate_id: MandateId, body: WriteRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("MandateRegistry", "revokeMandate", hash_bytes(mandate_id)))


# ─────────────────────────────────────────── exchange listings (art. 16-17)


def _indexed_listing(request: Request, key: str) -> tuple[str, Listing]:
    """A listing's exchange and current version, by its key from the index (GET /api/v1/listings/{key} shows it)."""
    t = schema.listings
    with request.app.state.reader.engine.connect() as conn:
        row = conn.execute(sa.select(t).where(t.c.valid_to_block.is_(None), t.c.listing_key == key.lower())).first()
    if row is None:
        raise _Refused(error_reply(_UnknownListing(
            f"no listing {key.lower()} in the index (not listed, or not indexed yet): give its terms instead",
            listing_key=key.lower(),
        )))  # fmt: skip
    terms = dict(row.terms or {})
    listing = Listing(
        seller=row.seller_key, asset_id=int(row.asset_id), delivery=Delivery(row.delivery), right=Right(row.right),
        offer=Offer(
            listing_id=hash_bytes(row.listing_id), min_price=int(row.min_price), max_price=int(row.max_price),
            min_net=int(row.min_net), start=int(row.starts_at), end=int(row.ends_at),
            max_duration=int(row.max_duration),
        ),
        document_hash=hash_bytes(row.document_hash), version=int(row.version),
        parent_license_id=int(row.parent_licence_id),
        terms=LicenseTerms(
            right=Right(int(terms.get("right", row.right))), purpose=int(terms.get("purpose", 0)), start=0, end=0,
            regions=tuple(int(r) for r in terms.get("regions", [])),
            countries=tuple(str(c) for c in terms.get("countries", [])),
            exclusive=bool(terms.get("exclusive", False)), sublicensable=bool(terms.get("sublicensable", False)),
            transferable=bool(terms.get("transferable", False)),
            terms_hash=hash_bytes(str(terms.get("terms_hash", "0x" + "00" * 32))),
        ),
    )  # fmt: skip
    return str(row.exchange), listing


def _listed(r: TxResult) -> Mapping[str, Any]:
    listed = r.event("ProductListed")
    return {"listing_key": "0x" + bytes(listed["key"]).hex(), "version": int(listed["listing"]["version"])}


def _delisted(r: TxResult) -> Mapping[str, Any]:
    ended = r.event("ProductDelisted")
    return {"listing_key": "0x" + bytes(ended["key"]).hex(), "version": int(ended["version"]),
            "withdrawn": bool(ended["withdrawn"])}  # fmt: skip


def _settled_listed(r: TxResult) -> Mapping[str, Any]:
    settled = _settled(r)
    return {"listing_key": next((t["mandate_id"] for t in settled["trades"]), None), **settled}


@router.post(
    "/listing-signatures", operation_id="tx_sign_listing",
    summary="Sign a listing with the key's participant's keystore (seller)", response_model=ListingSignatureResponse,
)  # fmt: skip
def sign_listing(body: SignListingRequest, caller: CallerDep) -> JSONResponse:
    """挂牌授权: sends nothing. The key's participant, the seller, consents to ``exchange`` listing its product on
    these terms (this version); the gateway signs with the keystore it holds for the key. Give ``listing`` and
    ``signature`` to the exchange, which lists it with ``/listings``; ``listing_key`` is its key once listed."""
    caller.check_actor(body)
    listing = body.to_listing(caller.key.account)
    reply = caller.gateway.sign_listing(caller.key, listing, body.exchange)
    if reply.status != 200:
        return _json(reply)
    signed = {"seller": caller.key.account, **body.model_dump(mode="json", include=set(ListingModel.model_fields))}
    return JSONResponse({"listing": signed, **reply.body})


@router.post(
    "/listings/typed-data", operation_id="tx_listing_typed_data",
    summary="The EIP-712 message of a listing, for a seller to sign itself", response_model=TypedDataResponse,
)  # fmt: skip
def listing_typed_data(body: ListingTypedDataRequest, caller: CallerDep) -> JSONResponse:
    """Sends nothing: returns what a seller signs (``eth_signTypedData_v4``, or the digest with any secp256k1
    signer) to consent to ``exchange`` listing its product; the exchange posts the signature to ``/listings``."""
    caller.check_actor(body)
    return _json(caller.gateway.listing_typed_data(caller.key, body.listing.listing(), body.exchange))


@router.post(
    "/listings", operation_id="tx_list_product", summary="List a product, or amend a listing (exchange)", **_POST
)
def list_product(body: ListProductRequest, caller: CallerDep) -> JSONResponse:
    """挂牌: the key's participant (an exchange) lists the seller's product with the seller's signature over the
    listing and this exchange; the same ``offer.listing_id`` with a higher ``version`` (and a new signature) amends
    it. ``result.listing_key`` is the listing's key, which its trades cite. Refused with ``ListingBadSignature``
    when the signature is not the seller's over these terms, ``ListingNotHolder``, ``ListingInvalid``..."""
    try:
        args = (body.listing.listing().as_abi(), *compact_signature(hash_bytes(body.signature)))
    except ValueError as exc:
        return _json(error_reply(_BadIndex(f"signature: {exc}")))
    return caller.submit(body, _op("Listings", "list", *args, result=_listed))


@router.post(
    "/listings/{listing_id}/delist", operation_id="tx_delist_product", summary="Delist a product (its exchange)",
    **_POST,
)  # fmt: skip
def delist_product(listing_id: ListingId, body: ListingReasonRequest, caller: CallerDep) -> JSONResponse:
    """摘牌: the key's participant (the exchange) ends its listing ``listing_id``: no trade settles under it until
    listed again with a higher version and the seller's signature. ``reason_hash``: the delisting notice."""
    return caller.submit(
        body, _op("Listings", "delist", hash_bytes(listing_id), hash_bytes(body.reason_hash), result=_delisted)
    )


@router.post(
    "/listings/withdraw", operation_id="tx_withdraw_listing", summary="Withdraw a listing for good (its seller)",
    **_POST,
)  # fmt: skip
def withdraw_listing(request: Request, body: WithdrawListingRequest, caller: CallerDep) -> JSONResponse:
    """The key's participant (the listing's seller) withdraws its consent: no version of the listing may be listed
    again. The listing is given by its terms and ``exchange``, or by its key when the index holds it (404
    ``unknown_listing`` otherwise)."""
    if isinstance(body.listing, ListingModel):
        assert body.exchange is not None  # the request's validator
        exchange, listing = body.exchange, body.listing.listing()
    else:
        exchange, listing = _indexed_listing(request, body.listing)
        if body.exchange is not None and body.exchange.lower() != exchange.lower():
            wrong = f"listing {body.listing.lower()} is {exchange}'s, not {body.exchange}'s"
            return _json(error_reply(_BadIndex(wrong)))
    return caller.submit(
        body,
        _op("Listings", "withdraw", exchange, listing.as_abi(), hash_bytes(body.reason_hash), result=_delisted),
    )


@router.post(
    "/trades/listed", operation_id="tx_settle_listed", summary="Settle a trade under a listing (its exchange)",
    **_POST,
)  # fmt: skip
def settle_listed(request: Request, body: ListedSettleRequest, caller: CallerDep) -> JSONResponse:
    """The trade must match the key's participant's listing (seller, asset, delivery, licence template), lie within
    its price range and period and net the seller at least its least net amount (``ListingPriceOutOfRange``,
    ``ListingOutsidePeriod``, ``ListingDuration``, ``ListingNotListed``...). The listing is given by its ``offer``,
    or by its ``listing_key`` when the index holds it (404 ``unknown_listing`` otherwise); ``result.listing_key``
    and ``result.trades[].mandate_id`` name it."""
    if body.offer is not None:
        offer = body.offer.to_offer()
    else:
        assert body.listing_key is not None  # the request's validator
        offer = _indexed_listing(request, body.listing_key)[1].offer
    return caller.submit(
        body, _op("Listings", "settle", body.trade.to_trade().as_abi(), offer.as_abi(), result=_settled_listed)
    )


# ─────────────────────────────────────────── public-data opening list (art. 10)

OpeningEntryId = Annotated[int, Path(ge=0, le=2**256 - 1, description="Opening-list entry id.")]


def _opening_published(r: TxResult) -> Mapping[str, Any]:
    published = r.event("OpeningListPublished")
    return {"year": int(published["year"]), "entry_ids": [int(e["entryId"]) for e in r.find("OpeningEntryPublished")]}


def _opening_opened(r: TxResult) -> Mapping[str, Any]:
    opened = r.event("OpeningEntryOpened")
    evidence = "listing" if int(opened["evidence"]) == int(OpeningEvidence.LISTING) else "licence"
    return {"entry_id": int(opened["entryId"]), "asset_id": int(opened["assetId"]), "evidence": evidence,
            "ref": "0x" + bytes(opened["ref"]).hex()}  # fmt: skip


@router.post(
    "/opening-lists", operation_id="tx_publish_opening_list",
    summary="Publish a year's public-data opening list (authority)", **_POST,
)  # fmt: skip
def publish_opening_list(body: PublishOpeningListRequest, caller: CallerDep) -> JSONResponse:
    """公共数据开放重点清单: the authority (the governance) publishes the list of ``year``: each entry names a
    public-data department (an active data holder), the hash of the data's description and a target date in the
    future. ``result.entry_ids`` are its entries' ids, in order. Refused with ``OpeningInvalidList`` (naming the
    entry) for an empty list, a zero hash or a target date not in the future; an API key alone is no authority."""
    entries = [OpeningEntry(e.department, hash_bytes(e.description_hash), e.target_date).as_abi()
               for e in body.entries]  # fmt: skip
    return caller.submit(
        body,
        _op("OpeningList", "publish", body.year, hash_bytes(body.list_hash), entries, result=_opening_published),
    )


@router.post(
    "/opening-list/{entry_id}/link", operation_id="tx_link_opening_asset",
    summary="Link the public-data asset registered for an opening-list entry (its department)", **_POST,
)  # fmt: skip
def link_opening_asset(entry_id: OpeningEntryId, body: LinkOpeningAssetRequest, caller: CallerDep) -> JSONResponse:
    """The key's participant, the entry's department, links the public-data asset it registered (and whose holding
    right it holds) for the planned entry: it is then registered. ``OpeningNotDepartment``, ``OpeningInvalidAsset``,
    ``OpeningInvalidStatus``..."""
    return caller.submit(body, _op("OpeningList", "linkAsset", entry_id, body.asset_id,
                                   result=lambda r: {"entry_id": entry_id, "asset_id": body.asset_id}))  # fmt: skip


@router.post(
    "/opening-list/{entry_id}/opened", operation_id="tx_mark_opening_opened",
    summary="Show an opening-list entry open, by a licence or a listing of its asset (any active participant)",
    **_POST,
)  # fmt: skip
def mark_opening_opened(
    request: Request, entry_id: OpeningEntryId, body: OpeningShownRequest, caller: CallerDep
) -> JSONResponse:
    """The registered entry's asset is open: a licence of it (``licence_id``), or an exchange's listing of it in
    force (``listing``: its terms and ``exchange``, or its key when the index holds it: 404 ``unknown_listing``
    otherwise). Refused with ``OpeningNoEvidence`` when the evidence shows no opening of the entry's asset.
    ``result``: the evidence and its reference (the licence's id, or the listing's key)."""
    if body.licence_id is not None:
        return caller.submit(body, _op("OpeningList", "markOpened", entry_id, body.licence_id, result=_opening_opened))
    if isinstance(body.listing, ListingModel):
        assert body.exchange is not None  # the request's validator
        exchange, listing = body.exchange, body.listing.listing()
    else:
        assert body.listing is not None  # the request's validator
        exchange, listing = _indexed_listing(request, body.listing)
        if body.exchange is not None and body.exchange.lower() != exchange.lower():
            wrong = f"listing {body.listing.lower()} is {exchange}'s, not {body.exchange}'s"
            return _json(error_reply(_BadIndex(wrong)))
    return caller.submit(
        body, _op("OpeningList", "markListed", entry_id, exchange, listing.as_abi(), result=_opening_opened)
    )


@router.post(
    "/opening-list/{entry_id}/withdraw", operation_id="tx_withdraw_opening_entry",
    summary="Withdraw an opening-list entry not opened (authority)", **_POST,
)  # fmt: skip
def withdraw_opening_entry(
    entry_id: OpeningEntryId, body: WithdrawOpeningEntryRequest, caller: CallerDep
) -> JSONResponse:
    """The authority (the governance) withdraws a planned or registered entry, with the reason's hash
    (``OpeningZeroHash`` for zero, ``OpeningInvalidStatus`` for an entry opened or withdrawn)."""
    return caller.submit(body, _op("OpeningList", "withdrawEntry", entry_id, hash_bytes(body.reason_hash)))


@router.post(
    "/held-shares/claim", operation_id="tx_claim_held_shares",
    summary="Claim revenue shares held while inactive", **_POST,
)  # fmt: skip
def claim_held_shares(body: WriteRequest, caller: CallerDep) -> JSONResponse:
    """收益暂存: pays the key's participant the revenue shares held for it while it was not active;
    ``result.amount``."""
    return caller.submit(
        body,
        _op("TradeSettlement", "claimHeldShares",
            result=lambda r: {"amount": int(r.event("HeldSharesClaimed")["amount"])}),
    )  # fmt: skip


@router.post(
    "/held-shares/{recipient}/release", operation_id="tx_release_held_shares",
    summary="Release a revoked recipient's held revenue shares (authority)", **_POST,
)  # fmt: skip
def release_held_shares(recipient: AddressPath, body: ReleaseHeldSharesRequest, caller: CallerDep) -> JSONResponse:
    """收益暂存处置: the authority pays the revenue shares held for a revoked recipient (which can never claim them)
    to the active participant ``to``, on a recorded decision; ``result.amount``."""
    return caller.submit(
        body,
        _op("TradeSettlement", "releaseHeldShares", recipient, body.to, hash_bytes(body.decision_hash),
            result=lambda r: {"amount": int(r.event("HeldSharesReleased")["amount"]), "to": body.to}),
    )  # fmt: skip


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
    "/trades/nonces/invalidate", operation_id="tx_invalidate_nonce", summary="Invalidate a signing nonce", **_POST
)
def invalidate_nonce(body: NonceRequest, caller: CallerDep) -> JSONResponse:
    """Withdraws every unsettled sales consent and off-exchange signature the key's participant made with it."""
    return caller.submit(body, _op("TradeSettlement", "invalidateNonce", body.nonce))


@router.post(
    "/assets/{asset_id}/revenue-shares",
    operation_id="tx_set_revenue_shares",
    summary="Set an asset's revenue shares",
    **_POST,
)
def set_revenue_shares(asset_id: AssetId, body: RevenueSharesRequest, caller: CallerDep) -> JSONResponse:
    """收益分配 of sales of one right (a transfer or a licence of it); the holder of that right."""
    return caller.submit(
        body,
        _op(
            "TradeSettlement",
            "setRevenueShares",
            asset_id,
            int(member(Right, body.right)),
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


# ─────────────────────────────────────────── valuation and accounting recognition (art. 19)

ValuationId = Annotated[int, Path(ge=0, le=UINT64_MAX, description="Valuation report id.")]


def _name(value: str) -> str:
    return value.upper().replace("-", "_")


@router.post("/valuations", operation_id="tx_file_valuation", summary="File a valuation report (appraiser)", **_POST)
def file_valuation(body: ValuationRequest, caller: CallerDep) -> JSONResponse:
    """评估报告备案: ``result.valuation_id`` is the new report."""
    return caller.submit(
        body,
        _op(
            "Valuation", "fileValuation", body.asset_id, int(ValuationMethod[_name(body.method)]), body.value,
            body.currency.encode("ascii"), body.base_date, body.valid_until, hash_bytes(body.content_hash),
            hash_bytes(body.report_hash), result=_created("ValuationFiled", "valuationId", "valuation_id"),
        ),
    )  # fmt: skip


@router.post("/valuations/{valuation_id}/withdraw", operation_id="tx_withdraw_valuation",
             summary="Withdraw a valuation report (its appraiser)", **_POST)  # fmt: skip
def withdraw_valuation(valuation_id: ValuationId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("Valuation", "withdrawValuation", valuation_id, hash_bytes(body.document_hash)))


@router.post("/valuations/{valuation_id}/reject", operation_id="tx_reject_valuation",
             summary="Reject a valuation report (supervisor)", **_POST)  # fmt: skip
def reject_valuation(valuation_id: ValuationId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("Valuation", "rejectValuation", valuation_id, hash_bytes(body.document_hash)))


@router.post("/assets/{asset_id}/recognition", operation_id="tx_recognise_asset",
             summary="Recognise an asset in the holder's accounts (入表)", **_POST)  # fmt: skip
def recognise_asset(asset_id: AssetId, body: RecognitionRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(
        body,
        _op(
            "Valuation", "recogniseAsset", asset_id, int(AccountingCategory[_name(body.category)]),
            body.carrying_amount, body.period_start, body.period_end, body.valuation_id, hash_bytes(body.auditor_hash),
        ),
    )  # fmt: skip


@router.post("/assets/{asset_id}/recognition/remeasure", operation_id="tx_remeasure",
             summary="Record an impairment or amortisation of a recognised asset", **_POST)  # fmt: skip
def remeasure(asset_id: AssetId, body: MeasurementRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("Valuation", "remeasure", asset_id, int(Measurement[_name(body.kind)]),
                                   body.carrying_amount, hash_bytes(body.document_hash)))  # fmt: skip


@router.post("/assets/{asset_id}/recognition/carry-over", operation_id="tx_carry_over",
             summary="Carry a recognition over (the holding right's new holder)", **_POST)  # fmt: skip
def carry_over(asset_id: AssetId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("Valuation", "carryOver", asset_id, hash_bytes(body.document_hash)))


@router.post("/assets/{asset_id}/recognition/derecognise", operation_id="tx_derecognise",
             summary="Derecognise an asset (the recognition's holder)", **_POST)  # fmt: skip
def derecognise(asset_id: AssetId, body: DerecognitionRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("Valuation", "derecognise", asset_id, int(Derecognition[_name(body.reason)]),
                                   hash_bytes(body.document_hash)))  # fmt: skip


# ─────────────────────────────────────────── data quality (art. 9)

QualityReportId = Annotated[int, Path(ge=0, le=UINT64_MAX, description="Quality report id.")]


@router.post("/quality-reports", operation_id="tx_file_quality_report",
             summary="Report a quality problem of an asset's content (any participant)", **_POST)  # fmt: skip
def file_quality_report(body: QualityReportRequest, caller: CallerDep) -> JSONResponse:
    """问题数据: ``result.report_id`` is the new report; the holder answers by its deadline."""
    return caller.submit(
        body,
        _op("DataQuality", "fileReport", body.asset_id, hash_bytes(body.content_hash),
            int(QualityProblem[_name(body.problem)]), int(QualitySeverity[_name(body.severity)]),
            hash_bytes(body.evidence_hash), result=_created("QualityReportFiled", "reportId", "report_id")),
    )  # fmt: skip


@router.post("/quality-reports/{report_id}/answer", operation_id="tx_answer_quality_report",
             summary="Acknowledge or dispute a quality report (the holding right's holder)", **_POST)  # fmt: skip
def answer_quality_report(report_id: QualityReportId, body: QualityAnswerRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("DataQuality", "answer", report_id, body.acknowledged,
                                   hash_bytes(body.document_hash)))  # fmt: skip


@router.post("/quality-reports/{report_id}/overdue", operation_id="tx_mark_quality_report_overdue",
             summary="Mark a report unanswered past its deadline overdue (anyone)", **_POST)  # fmt: skip
def mark_quality_report_overdue(report_id: QualityReportId, body: WriteRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("DataQuality", "markOverdue", report_id))


@router.post("/quality-reports/{report_id}/fix", operation_id="tx_fix_quality_report",
             summary="Resolve a quality report by a corrected registration (the holder)", **_POST)  # fmt: skip
def fix_quality_report(report_id: QualityReportId, body: QualityFixRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("DataQuality", "resolveByFix", report_id, body.fixed_asset_id,
                                   hash_bytes(body.document_hash)))  # fmt: skip


@router.post("/quality-reports/{report_id}/rule", operation_id="tx_rule_on_quality_report",
             summary="Rule on a quality report (supervisor)", **_POST)  # fmt: skip
def rule_on_quality_report(report_id: QualityReportId, body: QualityRulingRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("DataQuality", "rule", report_id, body.upheld, hash_bytes(body.document_hash)))


@router.post("/quality-reports/{report_id}/withdraw", operation_id="tx_withdraw_quality_report",
             summary="Withdraw a quality report not answered yet (its reporter)", **_POST)  # fmt: skip
def withdraw_quality_report(report_id: QualityReportId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("DataQuality", "withdrawReport", report_id, hash_bytes(body.document_hash)))


# ─────────────────────────────────────────── information disclosure (art. 25)


@router.post("/disclosures", operation_id="tx_file_disclosure", summary="File a disclosure (exchange)", **_POST)
def file_disclosure(body: DisclosureRequest, caller: CallerDep) -> JSONResponse:
    """信息披露: ``result.disclosure_id`` is the new disclosure. A later one of the same kind and period corrects it."""
    try:
        start, end = period(body.period)
    except ValueError as exc:
        return _json(error_reply(_BadIndex(str(exc))))
    return caller.submit(
        body,
        _op("Disclosure", "fileDisclosure", int(DisclosureKind[_name(body.kind)]), start, end,
            hash_bytes(body.document_hash), result=_created("DisclosureFiled", "disclosureId", "disclosure_id")),
    )  # fmt: skip


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
    """Registrars of the asset's region, the authority: the asset can be neither licensed, traded nor transferred
    (unless linked to a registration made here) until reinstated."""
    return caller.submit(body, _op("Recognition", "suspend", asset_id, hash_bytes(body.document_hash)))


@router.post(
    "/recognition/assets/{asset_id}/reinstate",
    operation_id="tx_reinstate_recognised",
    summary="Reinstate a suspended recognised registration (registrar)",
    **_POST,
)
def reinstate_recognised(asset_id: AssetId, body: HashRequest, caller: CallerDep) -> JSONResponse:
    return caller.submit(body, _op("Recognition", "reinstate", asset_id, hash_bytes(body.document_hash)))


class _InvalidCertificate(GatewayError):
    status = 422
    code = "invalid_certificate"


class _BadIndex(GatewayError):
    """Arguments that pass the schema but name nothing: a trade's consent or mandate beyond the list, a month 13."""

    status = 422
    code = "invalid_arguments"


class _UnknownMandate(GatewayError):
    status = 404
    code = "unknown_mandate"


class _UnknownListing(GatewayError):
    status = 404
    code = "unknown_listing"


# ─────────────────────────────────────────── governance proposals

ProposalId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The proposal's id (given when it was created).")]
_PROPOSAL: Final[dict[str, Any]] = {"response_model": ProposalResponse}


def _desk(caller: Caller) -> ProposalDesk:
    desk: ProposalDesk = caller.request.app.state.proposal_desk
    return desk


@router.post(
    "/governance/proposals", operation_id="tx_propose_governance", status_code=201,
    summary="Propose the authority's actions to its officers (a governance proposal)", **_PROPOSAL,
)  # fmt: skip
def propose_governance(body: ProposeRequest, caller: CallerDep) -> JSONResponse:
    """治理提案: sends nothing. The same inputs as `ledger governance propose`: a contract of the deployment, one of
    its state-changing functions and its arguments (or ``calls``); each call is first run as the manager would run it
    now and a refused one answers 422 with the contract's error (``check: false`` skips that). The route (the
    council's, after its delay; or the emergency officers', at once) follows from the calls. The proposal is stored
    under a new ``proposal_id`` (201); ``stage.typed_data`` is the SafeTx its officers sign in their wallets
    (``eth_signTypedData_v4``; digest ``stage.safe_tx_hash``), each posting it to ``.../approvals``."""
    caller.check_actor(body)
    return _json(_desk(caller).propose(caller.key, body.to_calls(), body.description, check=body.check))


@router.post(
    "/governance/proposals/import", operation_id="tx_import_governance_proposal", status_code=201,
    summary="Store a proposal file written by `ledger governance propose`", **_PROPOSAL,
)  # fmt: skip
def import_governance_proposal(body: ProposalFileRequest, caller: CallerDep) -> JSONResponse:
    """Sends nothing. A proposal file (data-rights-ledger/governance-proposal@1, of this chain and deployment) is
    stored under a new ``proposal_id``, with its stages and signatures: officers then approve it and anyone submits it
    here. 422 ``invalid_proposal`` for a malformed file or one of another deployment."""
    caller.check_actor(body)
    return _json(_desk(caller).import_file(caller.key, body.proposal))


@router.get(
    "/governance/proposals", operation_id="tx_governance_proposals", response_model=ProposalListResponse,
    summary="Stored governance proposals, the latest first",
)  # fmt: skip
def governance_proposals(
    caller: CallerDep,
    state: Annotated[
        Literal["signing", "scheduled", "executed", "cancelled"] | None,
        Query(description="Only proposals in this state."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="At most this many.")] = 50,
) -> JSONResponse:
    """Sends nothing; any valid key may call it. Each proposal with its current stage, the valid signatures it has
    of the stage's Safe against the Safe's threshold, and what it waits for (``waiting_for``)."""
    return _json(_desk(caller).find(caller.key, state, limit))


@router.get(
    "/governance/proposals/{proposal_id}", operation_id="tx_governance_proposal", summary="A governance proposal",
    **_PROPOSAL,
)  # fmt: skip
def governance_proposal(proposal_id: ProposalId, caller: CallerDep) -> JSONResponse:
    """Sends nothing; any valid key may call it. 404 ``unknown_proposal`` for an id never given."""
    return _json(_desk(caller).show(caller.key, proposal_id))


class ProposalFileBody(RootModel[dict[str, Any]]):
    """The proposal file (format data-rights-ledger/governance-proposal@1), as `ledger governance` reads it."""


@router.get(
    "/governance/proposals/{proposal_id}/file", operation_id="tx_governance_proposal_file",
    response_model=ProposalFileBody, summary="The proposal as the file `ledger governance approve` takes",
)  # fmt: skip
def governance_proposal_file(proposal_id: ProposalId, caller: CallerDep) -> JSONResponse:
    """Sends nothing; any valid key may call it. Save it (e.g. ``band.json``) and an officer may
    ``ledger governance approve band.json``, then post the signature it added (``stages[-1].signatures``) to
    ``.../approvals``, or anyone ``ledger governance execute band.json``."""
    return _json(_desk(caller).file(caller.key, proposal_id))


@router.post(
    "/governance/proposals/{proposal_id}/approvals", operation_id="tx_approve_governance_proposal",
    summary="Add an officer's signature of the current stage", **_PROPOSAL,
)  # fmt: skip
def approve_governance_proposal(proposal_id: ProposalId, body: ApprovalRequest, caller: CallerDep) -> JSONResponse:
    """Sends nothing. The signature authenticates the approval, not the API key (officers need not be
    participants; any key with this operation may post an officer's signature): the server recovers the signer from
    the signature over the current stage's SafeTx and refuses a signature that is not ``signer``'s over that hash
    (422 ``signature_mismatch``: signed another proposal, an earlier stage or with another key), a signer who is not
    an owner of the stage's Safe (403 ``not_an_officer``), a second signature of the same officer (409
    ``duplicate_approval``), and any signature once the proposal is executed or cancelled (409 ``wrong_stage``). A
    stage whose Safe nonce another transaction took is renewed first (``stage.safe_tx_hash`` changes: sign again)."""
    caller.check_actor(body)
    return _json(_desk(caller).approve(caller.key, proposal_id, hash_bytes(body.signature), body.signer))


@router.post(
    "/governance/proposals/{proposal_id}/submit", operation_id="tx_submit_governance_proposal",
    summary="Send the current stage once its Safe's officers signed it (relayed by the key's participant)", **_POST,
)  # fmt: skip
def submit_governance_proposal(proposal_id: ProposalId, body: WriteRequest, caller: CallerDep) -> JSONResponse:
    """The key's participant sends the stage's Safe transaction (it only relays and pays; the Safe checks the
    officers' signatures). ``result``: ``sent`` (schedule, execute or cancel), the proposal's new ``state`` and
    ``stage``, and after a schedule ``ready_at``. 409 ``signatures_missing`` (signatures vs threshold) before anything
    is sent when the stage lacks signatures; 409 ``not_ready`` with ``ready_at`` for an execute stage before the
    council's delay passed; 409 ``wrong_stage`` once executed or cancelled. With an Idempotency-Key, a retry returns
    the first answer (use a new key for each stage)."""
    caller.check_actor(body)
    fingerprint = request_fingerprint(caller.request.url.path, body)
    return _json(_desk(caller).submit(caller.key, proposal_id, caller.idempotency_key, fingerprint))


@router.post(
    "/governance/proposals/{proposal_id}/cancel", operation_id="tx_cancel_governance_proposal",
    summary="Begin the guardian's cancellation of a scheduled proposal", **_PROPOSAL,
)  # fmt: skip
def cancel_governance_proposal(proposal_id: ProposalId, body: WriteRequest, caller: CallerDep) -> JSONResponse:
    """Sends nothing. The proposal gets a cancel stage for the guardian's Safe (the current stage then); the
    guardian's officers approve it and anyone submits it, during the council's delay. 409 ``wrong_stage`` for a
    proposal that is not scheduled (or of the emergency route)."""
    caller.check_actor(body)
    return _json(_desk(caller).begin_cancel(caller.key, proposal_id))


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
    app.state.proposal_desk = ProposalDesk(gateway, store.engine)
    app.add_exception_handler(_Refused, _refused)
    app.include_router(router)
    return gateway
