"""The write gateway: authenticates API keys, signs each operation as the key's participant, sends
it once (idempotency records in the store), and turns the outcome into an HTTP reply.

>>> gateway = Gateway(settings, store.engine)                      # doctest: +SKIP
>>> key = gateway.authenticate(token)                               # doctest: +SKIP
>>> reply = gateway.submit(key, Operation("AssetRegistry", "freeze", (7, reason)), "retry-1", fp)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from eth_abi.abi import encode as abi_encode
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak

from api.gateway.errors import ActorMismatch, GatewayError, GatewayUnavailable, NonceUsed
from api.gateway.idempotency import Claimed, IdempotencyStore, Replay, Signed
from api.gateway.keys import ApiKey, ApiKeyStore
from api.gateway.meter import KeyMeter, open_meter
from api.gateway.outcome import Reply, describe_reason, error_reply, plain, refusal_reply, success_body
from ledger.chain.failover import connect_rpc
from ledger.chain.rpc import JsonRpcClient
from ledger.client import Call, LedgerClient, TxResult, connect
from ledger.client.accounts import KeystoreError, load_keystore
from ledger.client.ledger import direct_trade_typed_data, listing_typed_data, sales_consent_typed_data
from ledger.contracts.revert import ContractRevert
from ledger.contracts.types import Listing, Trade
from ledger.errors import LedgerError, RetryableError, RpcRemoteError
from ledger.settings import LedgerSettings
from ledger.toolchain import Build

__all__ = ["Gateway", "Operation", "listing_key"]

logger = logging.getLogger(__name__)

ResultOf = Callable[[TxResult], Mapping[str, Any]]


def _no_result(_: TxResult) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True, slots=True)
class Operation:
    """One contract call to make as the key's participant, and what to report from its events.

    ``reports_refusals``: a batch settled trade by trade; its result lists each refused trade (``refused``: index,
    trade id and the trade's own error, from its TradeRefused event). ``build``: makes the call instead of
    ``contract.function(*args)``, once the request holds its Idempotency-Key (a governance stage checks its
    signatures then); it raises a :class:`GatewayError` to answer with instead.
    """

    contract: str
    function: str
    args: tuple[Any, ...]
    result: ResultOf = field(default=_no_result)
    gas: int | None = None
    reports_refusals: bool = False
    build: Callable[[LedgerClient], Call] | None = None

    @property
    def name(self) -> str:
        return f"{self.contract}.{self.function}"


class _NodeRefused(LedgerError):
    """The node refused the raw transaction outright (it will never be mined)."""


class Gateway:
    """Shared by every request of one API process; thread-safe.

    The chain connection, contracts and signing keys are opened on first use, so that an API
    serving a store without a reachable chain still starts (its writes answer 503).
    """

    def __init__(
        self,
        settings: LedgerSettings,
        engine: sa.Engine,
        *,
        build: Build | None = None,
        rpc: JsonRpcClient | None = None,
        on_outcome: Callable[[str], None] | None = None,
        meter: KeyMeter | None = None,
    ) -> None:
        self.settings = settings
        self.keys = ApiKeyStore(engine)
        self.requests = IdempotencyStore(
            engine, settings.gateway_lease_seconds, keep_seconds=settings.gateway_idempotency_hours * 3600
        )
        self.meter = meter if meter is not None else open_meter(settings, engine)  # shared by every API process
        self._build = build
        self._rpc = rpc
        self._own_rpc = rpc is None
        self._on_outcome = on_outcome or (lambda _: None)
        self._lock = threading.Lock()
        self._base: LedgerClient | None = None
        self._accounts: dict[str, LocalAccount] = {}

    def close(self) -> None:
        self.meter.close()
        with self._lock:
            if self._base is not None and self._base.sender.journal is not None:
                self._base.sender.journal.close()
            if self._rpc is not None and self._own_rpc:
                self._rpc.close()
                self._rpc = None
            self._base = None

    # ─────────────────────────────────────────── keys

    def authenticate(self, token: str) -> ApiKey:
        """The key of ``token`` (401/403 errors otherwise), after taking one request from its rate limit
        (shared by every API process) and counting it in the key's usage."""
        key = self.keys.authenticate(token)
        self.meter.admit(key.key_id)
        return key

    def _account(self, key: ApiKey) -> LocalAccount:
        account = self._accounts.get(key.key_id)
        if account is not None:
            return account
        password = self.settings.keystore_password
        if password is None:
            raise GatewayUnavailable("the gateway cannot sign: LEDGER_KEYSTORE_PASSWORD is not set on the server")
        try:
            account = load_keystore(key.keystore, password)
        except KeystoreError:
            logger.error("API key %s: its keystore cannot be opened", key.key_id)
            raise GatewayUnavailable(
                f"the signing key of API key {key.key_id} cannot be opened on the server"
            ) from None
        if account.address.lower() != key.account.lower():
            raise GatewayUnavailable(f"the keystore of API key {key.key_id} holds another account than {key.account}")
        self._accounts[key.key_id] = account
        return account

    def client(self, key: ApiKey) -> LedgerClient:
        """A client signing as ``key``'s participant."""
        account = self._account(key)
        with self._lock:
            if self._base is None:
                try:
                    self._base = self._connect(account)
                except GatewayError:
                    raise
                except RetryableError:
                    raise  # the node: answered as unavailable by the caller
                except LedgerError as exc:  # a build or deployment the gateway cannot use
                    logger.error("gateway: cannot connect to the ledger: %s", exc)
                    raise GatewayUnavailable(f"the gateway cannot reach the ledger's contracts: {exc}") from None
                return self._base
            return self._base.as_(account)

    def _connect(self, account: LocalAccount) -> LedgerClient:
        from ledger.contracts.deploy import load_manifest
        from ledger.toolchain import compile_contracts

        try:
            deployment = load_manifest(self.settings.manifest_path)
        except LedgerError as exc:
            raise GatewayUnavailable(f"the gateway has no deployment to write to: {exc}") from None
        if self._build is None:
            self._build = compile_contracts(self.settings)
        if self._rpc is None:
            self._rpc = connect_rpc(self.settings)
        return connect(self.settings, account, deployment=deployment, build=self._build, rpc=self._rpc)

    def direct_trade_typed_data(self, key: ApiKey, trade: Trade, nonce: int, deadline: int) -> Reply:
        """The EIP-712 message both parties of an off-exchange trade sign, and its digest."""
        return self._typed_data(
            key, lambda c: direct_trade_typed_data(trade, nonce, deadline, c.chain_id, _settlement(c))
        )

    def sales_consent_typed_data(
        self, key: ApiKey, sales: Sequence[tuple[Trade, int]], exchange: str, nonce: int, deadline: int
    ) -> Reply:
        """The EIP-712 message a seller signs to consent to ``exchange``'s sales, and its digest."""
        return self._typed_data(
            key, lambda c: sales_consent_typed_data(sales, exchange, nonce, deadline, c.chain_id, _settlement(c))
        )

    def sign_sales_consent(
        self, key: ApiKey, sales: Sequence[tuple[Trade, int]], exchange: str, nonce: int | None, deadline: int
    ) -> Reply:
        """Signs, with the keystore of ``key``'s participant (the seller of every sale), its consent to
        ``exchange`` settling ``sales``; sends nothing. A fresh random nonce unless one is given; a used one is
        refused (409), since the consent could never settle."""
        for i, (trade, _) in enumerate(sales):
            if trade.seller != key.account:
                return error_reply(ActorMismatch(
                    f"sale {i} is sold by {trade.seller}; this API key signs as {key.account}: only its seller "
                    "consents",
                    key_account=key.account, requested=trade.seller,
                ))  # fmt: skip
        try:
            client = self.client(key)
            chosen = nonce if nonce is not None else secrets.randbits(53)  # a JSON-safe integer
            if client.nonce_used(client.address, chosen):
                return error_reply(NonceUsed(
                    f"nonce {chosen} of {client.address} is already used or invalidated: a consent signed with it "
                    "could never settle", account=client.address, nonce=chosen,
                ))  # fmt: skip
            typed = sales_consent_typed_data(sales, exchange, chosen, deadline, client.chain_id, _settlement(client))
            digest = _digest(typed)
            consent = client.sign_sales_consent(sales, exchange, nonce=chosen, deadline=deadline)
        except GatewayError as exc:
            return error_reply(exc)
        except RetryableError as exc:
            return error_reply(GatewayUnavailable(f"the ledger node is unavailable: {exc}", retry_after=2.0))
        except LedgerError as exc:
            return error_reply(GatewayUnavailable(f"the consent could not be signed: {exc}", retry_after=2.0))
        except Exception as exc:  # eth_account's encoding errors: a value its type cannot hold
            return error_reply(_InvalidArguments(f"the sales cannot be encoded as EIP-712: {exc}"))
        logger.info("gateway: sales consent of %s to %s for %d sale(s) signed (key %s)", client.address, exchange,
                    len(sales), key.key_id)  # fmt: skip
        body = {
            "consent": {"seller": consent.seller, "nonce": consent.nonce, "deadline": consent.deadline,
                        "signature": "0x" + consent.signature.hex()},
            "typed_data": typed,
            "digest": "0x" + digest.hex(),
        }  # fmt: skip
        return Reply(200, plain(body))

    def listing_typed_data(self, key: ApiKey, listing: Listing, exchange: str) -> Reply:
        """The EIP-712 message a seller signs to consent to ``exchange`` listing ``listing``, and its digest."""
        return self._typed_data(
            key, lambda c: listing_typed_data(listing, exchange, c.chain_id, c.contracts.address["Listings"])
        )

    def sign_listing(self, key: ApiKey, listing: Listing, exchange: str) -> Reply:
        """Signs, with the keystore of ``key``'s participant (the listing's seller), its consent to ``exchange``
        listing ``listing``; sends nothing. The answer carries the signature, the typed data and its digest, and
        the key the listing will have (``listing_key``)."""
        if listing.seller != key.account:
            return error_reply(ActorMismatch(
                f"the listing's seller is {listing.seller}; this API key signs as {key.account}: only its seller "
                "consents", key_account=key.account, requested=listing.seller,
            ))  # fmt: skip
        try:
            client = self.client(key)
            typed = listing_typed_data(listing, exchange, client.chain_id, client.contracts.address["Listings"])
            digest = _digest(typed)
            signature = client.sign_listing(listing, exchange)
        except GatewayError as exc:
            return error_reply(exc)
        except RetryableError as exc:
            return error_reply(GatewayUnavailable(f"the ledger node is unavailable: {exc}", retry_after=2.0))
        except LedgerError as exc:
            return error_reply(GatewayUnavailable(f"the listing could not be signed: {exc}", retry_after=2.0))
        except Exception as exc:  # eth_account's encoding errors: a value its type cannot hold
            return error_reply(_InvalidArguments(f"the listing cannot be encoded as EIP-712: {exc}"))
        logger.info("gateway: listing of asset %d by %s signed for %s (key %s)", listing.asset_id, client.address,
                    exchange, key.key_id)  # fmt: skip
        body = {
            "exchange": exchange,
            "listing_key": "0x" + listing_key(exchange, listing.offer.listing_id).hex(),
            "signature": "0x" + signature.hex(),
            "typed_data": typed,
            "digest": "0x" + digest.hex(),
        }
        return Reply(200, plain(body))

    def _typed_data(self, key: ApiKey, build: Callable[[LedgerClient], dict[str, Any]]) -> Reply:
        try:
            typed = build(self.client(key))
        except GatewayError as exc:
            return error_reply(exc)
        except RetryableError as exc:
            return error_reply(GatewayUnavailable(f"the ledger node is unavailable: {exc}", retry_after=2.0))
        try:
            digest = _digest(typed)
        except Exception as exc:  # eth_account's encoding errors: a value its type cannot hold
            return error_reply(_InvalidArguments(f"the message cannot be encoded as EIP-712: {exc}"))
        return Reply(200, {"typed_data": plain(typed), "digest": "0x" + digest.hex()})

    # ─────────────────────────────────────────── submission

    def submit(self, key: ApiKey, operation: Operation, idempotency_key: str | None, fingerprint: str) -> Reply:
        """Signs and sends ``operation`` as ``key``'s participant, at most once per ``idempotency_key``."""
        try:
            return self._submit(key, operation, idempotency_key, fingerprint)
        except GatewayError as exc:
            return error_reply(exc)
        except sa.exc.SQLAlchemyError as exc:
            logger.warning("gateway: %s by key %s: store unavailable: %s", operation.name, key.key_id, exc)
            return error_reply(GatewayUnavailable("the gateway's database is unavailable", retry_after=2.0))

    def _submit(self, key: ApiKey, op: Operation, idem: str | None, fingerprint: str) -> Reply:
        if idem is None:
            reply, _ = self._run(key, op, None)
            return reply
        claim = self.requests.claim(key.key_id, idem, fingerprint, op.name)
        if isinstance(claim, Replay):
            return Reply(claim.status, claim.body, {"Idempotent-Replayed": "true"})
        if isinstance(claim, Signed):
            followed = self._follow(key, op, idem, claim)
            if followed is not None:
                return followed
            claim = self.requests.claim(key.key_id, idem, fingerprint, op.name)
            if not isinstance(claim, Claimed):  # a concurrent retry got there first
                return self._submit(key, op, idem, fingerprint)
        reply, final = self._run(key, op, idem)
        if final:
            self.requests.finish(key.key_id, idem, reply.status, reply.body)
        return reply

    def _run(self, key: ApiKey, op: Operation, idem: str | None) -> tuple[Reply, bool]:
        """Signs, records, sends and waits. Returns the reply and whether it is final (to be stored)."""
        try:
            client = self.client(key)
            call = self._prepare(op, client)
            try:
                ((tx_hash, nonce, raw, _),) = client.sender.sign([call])
            except ContractRevert as exc:  # refused by gas estimation: nothing was sent
                self._on_outcome("refused")
                return refusal_reply(exc, client.contracts.errors), True
        except GatewayError:
            self._release(key, idem)
            raise
        except RetryableError as exc:
            self._on_outcome("unavailable")
            self._release(key, idem)
            logger.warning("gateway: %s by key %s: node unavailable: %s", op.name, key.key_id, exc)
            return error_reply(GatewayUnavailable(f"the ledger node is unavailable: {exc}", retry_after=2.0)), False
        except RpcRemoteError as exc:  # e.g. the account cannot pay for gas
            self._on_outcome("rejected")
            self._release(key, idem)
            return Reply(409, {"error": {"code": "rejected_by_node", "message": f"the node refused: {exc}"}}), False
        except LedgerError as exc:  # anything else the client raises before signing: nothing was sent
            self._on_outcome("failed")
            self._release(key, idem)
            logger.warning("gateway: %s by key %s: not sent: %s", op.name, key.key_id, exc)
            return error_reply(
                GatewayUnavailable(f"the transaction could not be prepared: {exc}", retry_after=2.0)
            ), False
        # Signed: from here on the claim names the transaction, and a retry follows it instead of signing again.
        try:
            if idem is not None:
                self.requests.signed(key.key_id, idem, tx_hash, raw)
            if client.sender.journal is not None:
                client.sender.journal.record([(tx_hash, client.address, nonce, raw)])
        except (sa.exc.SQLAlchemyError, OSError) as exc:  # not sent; a retry after the lease signs again
            self._forget_nonce(client)
            self._on_outcome("unavailable")
            logger.warning("gateway: %s by key %s: not sent, cannot record it: %s", op.name, key.key_id, exc)
            unrecorded = GatewayUnavailable(
                "the gateway cannot record the transaction; nothing was sent", retry_after=2.0
            )
            return error_reply(unrecorded), False
        logger.info("gateway: %s by %s (key %s): sending %s", op.name, client.address, key.key_id, tx_hash)
        try:
            self._broadcast(client, tx_hash, raw)
        except _NodeRefused as exc:
            self._forget_nonce(client)
            self._on_outcome("rejected")
            self._release(key, idem)
            return Reply(409, {"error": {"code": "rejected_by_node", "message": str(exc)}}), False
        except RetryableError as exc:
            # It may or may not have reached the node; the claim (if recorded) lets a retry find out.
            self._forget_nonce(client)
            self._on_outcome("unavailable")
            return self._pending_reply(f"sending failed: {exc}", tx_hash), False
        return self._await(client, op, tx_hash, call)

    @staticmethod
    def _forget_nonce(client: LedgerClient) -> None:
        with contextlib.suppress(LedgerError):  # else it is resynced at the next signature
            client.sender.resync_nonce()

    @staticmethod
    def _prepare(op: Operation, client: LedgerClient) -> Call:
        if op.build is not None:
            return op.build(client)
        try:
            return client.prepare(op.contract, op.function, *op.args, gas=op.gas)
        except Exception as exc:  # eth_abi's encoding errors: a value the ABI type cannot hold
            raise _InvalidArguments(f"{op.name}: arguments do not fit the contract's types: {exc}") from None

    def _broadcast(self, client: LedgerClient, tx_hash: str, raw: str) -> None:
        try:
            client.rpc.call("eth_sendRawTransaction", [raw])
        except RpcRemoteError as exc:
            # Known already (a retry of a request whose first attempt sent it)? Then it is on its way.
            if client.rpc.call("eth_getTransactionByHash", [tx_hash]) is None:
                raise _NodeRefused(f"the node refused transaction {tx_hash}: {exc}") from None

    def _await(self, client: LedgerClient, op: Operation, tx_hash: str, call: Call | None) -> tuple[Reply, bool]:
        try:
            (receipt,) = client.sender.wait([tx_hash], [call] if call is not None else None)
        except ContractRevert as exc:
            self._on_outcome("reverted")
            mined = client.rpc.call("eth_getTransactionReceipt", [tx_hash])
            block = int(mined["blockNumber"], 16) if mined else None
            return refusal_reply(exc, client.contracts.errors, tx_hash=tx_hash, block_number=block), True
        except RetryableError as exc:  # no receipt in time, or the node went away while waiting
            self._on_outcome("pending")
            return self._pending_reply(str(exc), tx_hash), False
        self._on_outcome("success")
        result = TxResult(receipt, client.contracts)
        try:
            extra = op.result(result)
        except LookupError:
            extra = {}
        if op.reports_refusals:
            extra = {**extra, "refused": [
                {"index": int(e["index"]), "trade_id": "0x" + bytes(e["tradeId"]).hex(),
                 "error": describe_reason(client.contracts.errors, bytes(e["reason"]))}
                for e in result.find("TradeRefused")
            ]}  # fmt: skip
        body = success_body(
            op.name, receipt.tx_hash, receipt.block_number, receipt.block_hash, receipt.gas_used, receipt.sender,
            result.events, client.contracts.by_address, extra,
        )  # fmt: skip
        return Reply(200, body), True

    def _follow(self, key: ApiKey, op: Operation, idem: str, signed: Signed) -> Reply | None:
        """The reply for a transaction a previous attempt signed; None if it can never be mined (start over)."""
        try:
            client = self.client(key)
            receipt = client.rpc.call("eth_getTransactionReceipt", [signed.tx_hash])
            if receipt is None and client.rpc.call("eth_getTransactionByHash", [signed.tx_hash]) is None:
                try:
                    self._broadcast(client, signed.tx_hash, signed.raw_tx)
                except _NodeRefused:
                    # Its nonce went to another transaction, so it can never be mined: forget it.
                    if client.rpc.call("eth_getTransactionReceipt", [signed.tx_hash]) is None:
                        self._forget_nonce(client)
                        self.requests.release(key.key_id, idem)
                        return None
            reply, final = self._await(client, op, signed.tx_hash, self._prepare(op, client))
        except RetryableError as exc:
            return error_reply(GatewayUnavailable(f"the ledger node is unavailable: {exc}", retry_after=2.0))
        if final:
            self.requests.finish(key.key_id, idem, reply.status, reply.body)
        return reply

    @staticmethod
    def _pending_reply(message: str, tx_hash: str | None) -> Reply:
        body = {
            "error": {
                "code": "transaction_pending",
                "message": f"sent, but not confirmed yet ({message}); retry with the same Idempotency-Key "
                "to get its outcome",
                "tx_hash": tx_hash,
            }
        }
        return Reply(503, body, {"Retry-After": "2"})

    def _release(self, key: ApiKey, idem: str | None) -> None:
        if idem is not None:
            self.requests.release(key.key_id, idem)


class _InvalidArguments(GatewayError):
    status = 422
    code = "invalid_arguments"


def _settlement(client: LedgerClient) -> str:
    return client.contracts.address["TradeSettlement"]


def listing_key(exchange: str, listing_id: bytes) -> bytes:
    """An exchange's listing's key, as ``Listings.listingKey`` computes it: keccak256(abi.encode(exchange, id))."""
    return keccak(abi_encode(["address", "bytes32"], [exchange, listing_id]))


def _digest(typed: dict[str, Any]) -> bytes:
    message = encode_typed_data(full_message=typed)
    return keccak(b"\x19" + message.version + message.header + message.body)
