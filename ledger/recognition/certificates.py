"""EIP-712 registration certificates: issue, co-sign, verify offline and against the issuing chain.

A certificate is a JSON file carrying the signed content (:class:`Certificate`), its EIP-712 domain
(name "DataRightsLedger Certificate", version "1", the issuing chain id, and the issuing
AssetRegistry as verifying contract) and a list of registrar signatures. The Recognition contract
of another province hashes the same content under the same domain, so the signatures that verify
here are the ones it counts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import coincurve
from eth_abi.abi import encode as abi_encode
from eth_account.signers.local import LocalAccount
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ledger.chain.rpc import JsonRpcClient
from ledger.contracts.codec import ContractCodec
from ledger.contracts.system import contract_abi
from ledger.contracts.types import AssetStatus, ParticipantStatus, Role
from ledger.errors import RpcRemoteError
from ledger.recognition.errors import CertificateFormatError, CertificateMismatch, CertificateSignatureError
from ledger.toolchain import Build

__all__ = [
    "CERTIFICATE_DOMAIN_NAME",
    "CERTIFICATE_FORMAT",
    "Certificate",
    "CertificateDomain",
    "CertificateFile",
    "ChainReader",
    "Signature",
    "VerifiedCertificate",
    "certificate_number",
    "issue_certificate",
    "read_certificate",
    "recover_signer",
    "sign_certificate",
    "verify_against_chain",
    "verify_offline",
    "write_certificate",
]

CERTIFICATE_FORMAT = "data-rights-ledger/certificate@1"
CERTIFICATE_DOMAIN_NAME = "DataRightsLedger Certificate"
CERTIFICATE_DOMAIN_VERSION = "1"

_DOMAIN_TYPEHASH = keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
_CERTIFICATE_TYPE = (
    "RegistrationCertificate(uint256 assetId,bytes32 contentHash,uint8 category,uint8 grade,uint8 kind,"
    "address holdingHolder,address processingHolder,address operationHolder,uint64 certificateSerial,"
    "uint64 registeredBlock,uint64 registeredAt,uint8 status,uint64 issuedBlock,uint64 expiresAt)"
)
#: How long a certificate may be imported after it is issued, unless said otherwise.
DEFAULT_VALIDITY_SECONDS = 365 * 86_400
_CERTIFICATE_TYPEHASH = keccak(text=_CERTIFICATE_TYPE)
_HASH_RE = re.compile(r"^0x[0-9a-fA-F]{64}$")
_ADDRESS_RE = re.compile(r"^0x[0-9a-fA-F]{40}$")
_SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@dataclass(frozen=True, slots=True)
class CertificateDomain:
    chain_id: int
    registry: str
    name: str = CERTIFICATE_DOMAIN_NAME
    version: str = CERTIFICATE_DOMAIN_VERSION

    def separator(self) -> bytes:
        return keccak(
            abi_encode(
                ["bytes32", "bytes32", "bytes32", "uint256", "address"],
                [_DOMAIN_TYPEHASH, keccak(text=self.name), keccak(text=self.version), self.chain_id, self.registry],
            )
        )


@dataclass(frozen=True, slots=True)
class Certificate:
    """The signed content, in the order of the contract's ``IRecognition.Certificate``.

    ``status``: the origin asset's status when issued (REGISTERED, or CANCELLED to supersede an imported
    certificate); ``issued_block``: the origin block whose state it states (a certificate of a later block
    supersedes one of an earlier block); ``expires_at``: the last second at which another province may import it.
    """

    asset_id: int
    content_hash: str
    category: int
    grade: int
    kind: int
    holding_holder: str
    processing_holder: str
    operation_holder: str
    certificate_serial: int
    registered_block: int
    registered_at: int
    status: int = int(AssetStatus.REGISTERED)
    issued_block: int = 0
    expires_at: int = 0

    def struct_hash(self) -> bytes:
        return keccak(
            abi_encode(
                ["bytes32", "uint256", "bytes32", "uint8", "uint8", "uint8", "address", "address", "address",
                 "uint64", "uint64", "uint64", "uint8", "uint64", "uint64"],
                [_CERTIFICATE_TYPEHASH, *self.as_abi()],
            )
        )  # fmt: skip

    def as_abi(self) -> tuple[Any, ...]:
        return (
            self.asset_id, bytes.fromhex(self.content_hash[2:]), self.category, self.grade, self.kind,
            self.holding_holder, self.processing_holder, self.operation_holder, self.certificate_serial,
            self.registered_block, self.registered_at, self.status, self.issued_block, self.expires_at,
        )  # fmt: skip

    def record(self) -> tuple[Any, ...]:
        """The registry record it states (everything but when it was issued and how long it may be imported)."""
        return self.as_abi()[:12]

    def holders(self) -> tuple[str, str, str]:
        return (self.holding_holder, self.processing_holder, self.operation_holder)


def certificate_number(chain_id: int, serial: int) -> str:
    """The human-readable certificate number: issuing chain id and serial."""
    return f"DRL-{chain_id}-{serial:08d}"


@dataclass(frozen=True, slots=True)
class Signature:
    signer: str
    signature: str


@dataclass(frozen=True, slots=True)
class CertificateFile:
    domain: CertificateDomain
    certificate: Certificate
    signatures: tuple[Signature, ...] = ()
    issued_at_block: int = 0
    issued_at_block_hash: str = ""

    @property
    def number(self) -> str:
        return certificate_number(self.domain.chain_id, self.certificate.certificate_serial)

    def digest(self) -> bytes:
        return keccak(b"\x19\x01" + self.domain.separator() + self.certificate.struct_hash())

    def signature_bytes(self) -> list[bytes]:
        return [bytes.fromhex(s.signature[2:]) for s in self.signatures]

    def to_json(self) -> dict[str, Any]:
        c = asdict(self.certificate)
        return {
            "format": CERTIFICATE_FORMAT,
            "certificate_number": self.number,
            "domain": {
                "name": self.domain.name, "version": self.domain.version, "chainId": self.domain.chain_id,
                "verifyingContract": self.domain.registry,
            },
            "certificate": {_camel(k): v for k, v in c.items()},
            "digest": "0x" + self.digest().hex(),
            "issued_at_block": self.issued_at_block,
            "issued_at_block_hash": self.issued_at_block_hash,
            "signatures": [{"signer": s.signer, "signature": s.signature} for s in self.signatures],
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: Any) -> CertificateFile:
        if not isinstance(data, dict) or data.get("format") != CERTIFICATE_FORMAT:
            got = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise CertificateFormatError(f"expected a certificate of format {CERTIFICATE_FORMAT!r}, got {got!r}")
        try:
            d = data["domain"]
            domain = CertificateDomain(
                chain_id=_int(d["chainId"], "domain.chainId"),
                registry=_address(d["verifyingContract"], "domain.verifyingContract"),
                name=str(d["name"]),
                version=str(d["version"]),
            )
            c = data["certificate"]
            cert = Certificate(
                asset_id=_int(c["assetId"], "assetId"),
                content_hash=_hash(c["contentHash"], "contentHash"),
                category=_int(c["category"], "category", 2),
                grade=_int(c["grade"], "grade", 2),
                kind=_int(c["kind"], "kind", 3),
                holding_holder=_address(c["holdingHolder"], "holdingHolder"),
                processing_holder=_address(c["processingHolder"], "processingHolder"),
                operation_holder=_address(c["operationHolder"], "operationHolder"),
                certificate_serial=_int(c["certificateSerial"], "certificateSerial", 2**64 - 1),
                registered_block=_int(c["registeredBlock"], "registeredBlock", 2**64 - 1),
                registered_at=_int(c["registeredAt"], "registeredAt", 2**64 - 1),
                status=_status(c.get("status", int(AssetStatus.REGISTERED))),
                issued_block=_int(c.get("issuedBlock", 0), "issuedBlock", 2**64 - 1),
                expires_at=_int(c.get("expiresAt", 0), "expiresAt", 2**64 - 1),
            )
            sigs = tuple(
                Signature(_address(s["signer"], "signer"), _signature_hex(s["signature"]))
                for s in data.get("signatures", [])
            )
            block, block_hash = int(data.get("issued_at_block", 0)), str(data.get("issued_at_block_hash", ""))
            return cls(domain, cert, sigs, block, block_hash)
        except (KeyError, TypeError) as exc:
            raise CertificateFormatError(f"certificate lacks or mistypes a field: {exc!r}") from exc


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def _int(value: Any, name: str, maximum: int = 2**256 - 1) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= maximum:
        raise CertificateFormatError(f"{name}: expected an integer in [0, {maximum}], got {value!r}")
    return value


def _status(value: Any) -> int:
    status = _int(value, "status", 255)
    if status not in (AssetStatus.REGISTERED, AssetStatus.CANCELLED):
        raise CertificateFormatError(f"status: a certificate says registered (2) or cancelled (4), got {status}")
    return status


def _hash(value: Any, name: str) -> str:
    if not isinstance(value, str) or not _HASH_RE.match(value):
        raise CertificateFormatError(f"{name}: expected a 0x-prefixed 32-byte hex hash, got {value!r}")
    if int(value, 16) == 0:
        raise CertificateFormatError(f"{name}: the zero hash is not a content fingerprint")
    return value.lower()


def _address(value: Any, name: str) -> str:
    if not isinstance(value, str) or not _ADDRESS_RE.match(value):
        raise CertificateFormatError(f"{name}: expected a 0x-prefixed 20-byte address, got {value!r}")
    return to_checksum_address(value)


def _signature_hex(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^0x[0-9a-fA-F]{130}$", value):
        raise CertificateFormatError(f"signature: expected 65 bytes of hex, got {value!r}")
    return value.lower()


def read_certificate(path: Path) -> CertificateFile:
    try:
        return CertificateFile.from_json(json.loads(path.read_text()))
    except json.JSONDecodeError as exc:
        raise CertificateFormatError(f"{path} is not JSON: {exc}") from exc


def write_certificate(cert: CertificateFile, path: Path) -> None:
    path.write_text(json.dumps(cert.to_json(), indent=2) + "\n")


# ─────────────────────────────────────────── signing

def recover_signer(digest: bytes, signature: bytes) -> str:
    """The address that signed ``digest`` (65-byte r‖s‖v, v 27/28 or 0/1); rejects high-s like OpenZeppelin."""
    if len(signature) != 65:
        raise CertificateSignatureError(f"signature of {len(signature)} bytes, expected 65")
    v = signature[64]
    v = v - 27 if v >= 27 else v
    s = int.from_bytes(signature[32:64], "big")
    if v not in (0, 1) or s > _SECP256K1_N // 2:
        raise CertificateSignatureError("malleable or malformed signature (v or s out of range)")
    try:
        pub = coincurve.PublicKey.from_signature_and_message(signature[:64] + bytes([v]), digest, hasher=None)
    except Exception as exc:  # coincurve raises plain Exception for unrecoverable points
        raise CertificateSignatureError(f"signature does not recover: {exc}") from exc
    return to_checksum_address(keccak(pub.format(compressed=False)[1:])[-20:])


def sign_certificate(cert: CertificateFile, account: LocalAccount) -> CertificateFile:
    """Adds ``account``'s signature (replacing an earlier one by the same signer)."""
    digest = cert.digest()
    raw = coincurve.PrivateKey(bytes(account.key)).sign_recoverable(digest, hasher=None)
    signature = raw[:64] + bytes([raw[64] + 27])
    signer = to_checksum_address(account.address)
    kept = tuple(s for s in cert.signatures if s.signer != signer)
    return replace(cert, signatures=(*kept, Signature(signer, "0x" + signature.hex())))


# ─────────────────────────────────────────── verification

@dataclass(frozen=True, slots=True)
class VerifiedCertificate:
    """What verification established; ``signers`` are the distinct recovered signers, in file order."""

    certificate: CertificateFile
    signers: tuple[str, ...]
    registrars: tuple[str, ...] = ()
    on_chain: bool = False
    notes: list[str] = field(default_factory=list)


def verify_offline(cert: CertificateFile) -> VerifiedCertificate:
    """Domain well-formed, content well-formed, each signature recovers to the signer it names."""
    d = cert.domain
    if d.name != CERTIFICATE_DOMAIN_NAME or d.version != CERTIFICATE_DOMAIN_VERSION:
        raise CertificateFormatError(
            f"domain {d.name!r} v{d.version!r}, expected {CERTIFICATE_DOMAIN_NAME!r} v{CERTIFICATE_DOMAIN_VERSION!r}"
        )
    if d.chain_id <= 0 or int(d.registry, 16) == 0:
        raise CertificateFormatError(f"domain chain id {d.chain_id} / registry {d.registry} is not a real issuer")
    if not cert.signatures:
        raise CertificateSignatureError("the certificate carries no signature")
    digest = cert.digest()
    signers: list[str] = []
    for s in cert.signatures:
        got = recover_signer(digest, bytes.fromhex(s.signature[2:]))
        if got != s.signer:
            raise CertificateSignatureError(f"signature listed for {s.signer} recovers to {got}")
        if got not in signers:
            signers.append(got)
    return VerifiedCertificate(cert, tuple(signers))


class ChainReader:
    """View calls on a province's chain, knowing only its AssetRegistry address (no manifest needed):
    the participant registry is found through the registry's ``participants()`` view."""

    def __init__(self, rpc: JsonRpcClient, build: Build, registry: str, *, from_block: int = 0) -> None:
        self.rpc = rpc
        self.registry = to_checksum_address(registry)
        self.from_block = from_block
        self._asset_codec = ContractCodec(contract_abi(build, "AssetRegistry"))
        self._participant_codec = ContractCodec(build.contract("ParticipantRegistry").abi)
        self._participants: str | None = None

    @classmethod
    def of_client(cls, client: Any, build: Build) -> ChainReader:
        deployment = client.contracts.deployment
        return cls(client.rpc, build, client.contracts.address["AssetRegistry"], from_block=deployment.deployment_block)

    def chain_id(self) -> int:
        return int(self.rpc.call("eth_chainId"), 16)

    def _view(self, codec: ContractCodec, to: str, function: str, *args: Any, block: str | int = "latest") -> Any:
        tag = hex(block) if isinstance(block, int) else block
        raw = self.rpc.call("eth_call", [{"to": to, "data": "0x" + codec.encode_call(function, *args).hex()}, tag])
        if raw in (None, "0x"):
            raise CertificateMismatch(f"{function} at {to}: no contract answered (is this the issuing chain?)")
        return codec.decode_output(function, bytes.fromhex(raw[2:]))

    def get_asset(self, asset_id: int, block: str | int = "latest") -> dict[str, Any]:
        result: dict[str, Any] = self._view(self._asset_codec, self.registry, "getAsset", asset_id, block=block)
        return result

    def get_participant(self, account: str) -> dict[str, Any]:
        if self._participants is None:
            self._participants = to_checksum_address(self._view(self._asset_codec, self.registry, "participants"))
        result: dict[str, Any] = self._view(self._participant_codec, self._participants, "getParticipant", account)
        return result

    def registration_block(self, asset_id: int) -> int:
        topic0 = "0x" + self._asset_codec.events["AssetRegistered"].topic0.hex()
        logs = self.rpc.call("eth_getLogs", [{
            "address": self.registry, "fromBlock": hex(self.from_block), "toBlock": "latest",
            "topics": [topic0, "0x" + asset_id.to_bytes(32, "big").hex()],
        }])  # fmt: skip
        if not logs:
            raise CertificateMismatch(f"no AssetRegistered event for asset {asset_id}")
        return int(logs[-1]["blockNumber"], 16)

    def certificate(
        self, asset_id: int, *, block: str | int = "latest", issued_block: int = 0, expires_at: int = 0
    ) -> Certificate:
        """The certificate content of a registered (or, to supersede an imported certificate, cancelled) asset,
        read with view calls at ``block``."""
        try:
            a = self.get_asset(asset_id, block=block)
        except RpcRemoteError as exc:
            raise CertificateMismatch(f"asset {asset_id} is not in the registry at {self.registry}: {exc}") from exc
        status = int(a["status"])
        if status == int(AssetStatus.CANCELLED) and int(a["certificateSerial"]) == 0:
            raise CertificateMismatch(f"asset {asset_id} was withdrawn before it was ever registered")
        if status not in (int(AssetStatus.REGISTERED), int(AssetStatus.CANCELLED)):
            raise CertificateMismatch(f"asset {asset_id} is not registered (status {AssetStatus(status).name})")
        return Certificate(
            asset_id=asset_id,
            content_hash="0x" + bytes(a["contentHash"]).hex(),
            category=int(a["category"]),
            grade=int(a["grade"]),
            kind=int(a["kind"]),
            holding_holder=to_checksum_address(a["holdingHolder"]),
            processing_holder=to_checksum_address(a["processingHolder"]),
            operation_holder=to_checksum_address(a["operationHolder"]),
            certificate_serial=int(a["certificateSerial"]),
            registered_block=self.registration_block(asset_id),
            registered_at=int(a["registeredAt"]),
            status=status,
            issued_block=issued_block,
            expires_at=expires_at,
        )


def _require_registrar(reader: ChainReader, account: str) -> None:
    p = reader.get_participant(account)
    if not int(p["roles"]) & int(Role.REGISTRAR) or int(p["status"]) != int(ParticipantStatus.ACTIVE):
        raise CertificateMismatch(f"{account} is not an active registrar here: only registrars sign certificates")


def verify_against_chain(cert: CertificateFile, reader: ChainReader) -> VerifiedCertificate:
    """:func:`verify_offline`, then against the issuing chain: same chain id, the registry at the
    domain's address holds the same record now, every signer is an active registrar there."""
    verified = verify_offline(cert)
    chain_id = reader.chain_id()
    if chain_id != cert.domain.chain_id:
        raise CertificateMismatch(f"certificate is for chain {cert.domain.chain_id}, the node is chain {chain_id}")
    if reader.registry != cert.domain.registry:
        raise CertificateMismatch(f"certificate names registry {cert.domain.registry}, reading {reader.registry}")
    current = reader.certificate(cert.certificate.asset_id)
    if current.record() != cert.certificate.record():
        diffs = [
            k for k, v in asdict(cert.certificate).items()
            if k not in ("issued_block", "expires_at") and getattr(current, k) != v
        ]  # fmt: skip
        raise CertificateMismatch(
            f"registry record of asset {cert.certificate.asset_id} differs from the certificate in: {', '.join(diffs)}"
        )
    for signer in verified.signers:
        _require_registrar(reader, signer)
    return replace(verified, registrars=verified.signers, on_chain=True)


def issue_certificate(
    client: Any, asset_id: int, *, block: str | int = "latest", signers: Sequence[LocalAccount] = (),
    build: Build | None = None, valid_for: int = DEFAULT_VALIDITY_SECONDS,
) -> CertificateFile:
    """A certificate of ``asset_id`` as it stands at ``block`` (registered, or cancelled: a certificate that
    supersedes an imported one), signed by ``client``'s account and ``signers``; importable for ``valid_for``
    seconds after that block's time."""
    tag = hex(block) if isinstance(block, int) else block
    header = client.rpc.call("eth_getBlockByNumber", [tag, False])
    number = int(header["number"], 16)
    issued = int(header["timestamp"], 16)
    reader = ChainReader.of_client(client, build or _default_build())
    for account in (client.account, *signers):
        _require_registrar(reader, to_checksum_address(account.address))
    content = reader.certificate(asset_id, block=number, issued_block=number, expires_at=issued + valid_for)
    cert = CertificateFile(
        CertificateDomain(client.chain_id, client.contracts.address["AssetRegistry"]),
        content,
        issued_at_block=number,
        issued_at_block_hash=header["hash"],
    )
    for account in (client.account, *signers):
        cert = sign_certificate(cert, account)
    return cert


def _default_build() -> Build:
    from ledger.toolchain import compile_contracts

    return compile_contracts()
