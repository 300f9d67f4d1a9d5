"""A realistic day on the Guangxi data market, played on the embedded chain.

:func:`run_demo` deploys the system if needed (the authority is the access manager, whose council,
guardian and emergency officers are the dev officers, dev accounts 40-44; dev account 0 deploys and relays
their Safe transactions), has the council admit (scheduled, then executed after its delay) a
registrar, an exchange, a settlement bank, data holders (a government department, two source
departments, an enterprise), a data merchant, a service provider and a supervisor (dev accounts
1-10; reused when a previous run admitted them), then registers public, enterprise and
personal-information data, licenses (public data as an authorised operation the authority approved),
settles trades on the exchange with each seller's consent (signed, or a standing mandate: a licence
with fee and revenue shares, a sublicence, a right transfer, a batch) and off it (EIP-712 signatures
of both parties), lists a product on the exchange with its seller's signature and sells a licence under the listing,
publishes the year's public-data opening list (an entry registered and opened, one planned), has the service
provider, accredited as an appraiser, value the enterprise dataset and its
holder recognise it in its accounts (入表) and amortise it, and exercises objections (lodged, accepted,
dismissed), a freeze (the emergency
officers' path: at once), a rectification order and a credit event, an incident (a participant's key reported
exposed: the emergency officers suspend it and pause trade settlement at once, a change to it is refused
meanwhile, the council replaces the key, reinstates the participant and resumes settlement after its delay,
the exposed key is refused), a planned key rotation (the supervisor's old and new keys both sign); and
shows a sale without the seller's consent refused. Every authority action goes through the governance:
on the development chain the clock is moved past the council's delay instead of waiting for it.

Every run uses fresh content hashes and trade ids (tagged with the block it started at), so the
demo runs again on a chain where it already ran. Independent transactions of a step are sent
together and awaited together, which keeps a run short even with a block time.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Final

from eth_account.signers.local import LocalAccount
from eth_utils.crypto import keccak

import ledger.contracts.errors as E
from ledger.chain.failover import connect_rpc
from ledger.chain.rpc import JsonRpcClient
from ledger.cli.format import certificate_number, choice_name, format_amount, format_time, role_names, term
from ledger.client import Call, Contracts, LedgerClient, TxResult, dev_account, make_sender
from ledger.contracts.codec import ContractCodec, ErrorTable
from ledger.contracts.credit_code import credit_code_hash
from ledger.contracts.deploy import AUTHORITY_CREDIT_CODE, authority_identity, ensure_deployed
from ledger.contracts.system import GOVERNANCE_CONTRACTS, SYSTEM_CONTRACTS, contract_abi
from ledger.contracts.types import (
    AccountingCategory,
    Category,
    Delivery,
    DisclosureKind,
    Grade,
    Kind,
    LicenseTerms,
    Listing,
    Mandate,
    Measurement,
    Offer,
    OpeningEntry,
    OrderTarget,
    ParticipantStatus,
    Paused,
    QualityProblem,
    QualitySeverity,
    Registration,
    Right,
    Role,
    SalesConsent,
    Trade,
    ValuationMethod,
    compact_signature,
)
from ledger.disclosure import CST, period, period_label
from ledger.errors import NonRetryableError
from ledger.governance import CouncilClient, GovernanceConfig, Proposal
from ledger.settings import LedgerSettings
from ledger.toolchain import Build, compile_contracts

__all__ = [
    "ACTORS",
    "Actor",
    "DemoError",
    "DemoEvent",
    "DemoSummary",
    "actor_key",
    "current_key",
    "key_generation",
    "run_demo",
]

logger = logging.getLogger(__name__)

REGION: Final[int] = 450000  # Guangxi Zhuang Autonomous Region; the registrar's and every asset's region
DAY: Final[int] = 86_400
YUAN: Final[int] = 100  # token units per yuan
#: What the bank issues in one run, to each buyer (yuan).
DEMO_FUNDS: Final[tuple[tuple[str, int], ...]] = (("merchant", 200_000), ("logistics", 100_000), ("provider", 130_000))
#: What the bank issues in one run (token units): its issuance limit is raised to fit it.
DEMO_ISSUANCE: Final[int] = sum(amount for _, amount in DEMO_FUNDS) * YUAN


class DemoError(NonRetryableError):
    """The chain is not in a state the demo can run on (e.g. a demo account admitted with other roles)."""


@dataclass(frozen=True, slots=True)
class Actor:
    """A demo participant: dev account ``index``, its roles and region."""

    key: str
    index: int
    name: str
    name_zh: str
    roles: Role
    region: int

    @property
    def credit_code(self) -> str:
        """Its unified social credit code (统一社会信用代码): made up, each passes the code's check."""
        return CREDIT_CODES[self.key]

    @property
    def chain_name(self) -> str:
        return f"{self.name_zh} {self.name}"


ACTORS: Final[tuple[Actor, ...]] = (
    Actor("authority", 0, "Guangxi Big Data Development Bureau", "广西壮族自治区大数据发展局", Role.AUTHORITY, REGION),
    Actor("registrar", 1, "Guangxi Data Property Registration Centre", "广西数据产权登记中心", Role.REGISTRAR, REGION),
    Actor("exchange", 2, "Beibu Gulf Big Data Exchange", "北部湾大数据交易中心", Role.EXCHANGE, REGION),
    Actor("bank", 3, "Guangxi Beibu Gulf Bank", "广西北部湾银行", Role.SETTLEMENT_BANK, REGION),
    Actor("transport", 4, "Nanning Municipal Transport Bureau", "南宁市交通运输局", Role.DATA_HOLDER, 450100),
    Actor("police", 5, "Nanning Traffic Police Detachment", "南宁市公安局交通警察支队", Role.DATA_HOLDER, 450100),
    Actor("urban", 6, "Nanning Urban Management Bureau", "南宁市城市管理局", Role.DATA_HOLDER, 450100),
    Actor("logistics", 7, "Liuzhou Auto Logistics Co., Ltd.", "柳州汽车物流有限公司", Role.DATA_HOLDER, 450200),
    Actor("merchant", 8, "Zhuangxiang Data Merchants Ltd.", "壮乡数据商有限公司", Role.DATA_MERCHANT, 450100),
    Actor("provider", 9, "Lijiang Data Compliance Services", "漓江数据合规服务中心", Role.SERVICE_PROVIDER, 450300),
    Actor("supervisor", 10, "Guangxi Cyberspace Administration", "广西壮族自治区网信办", Role.SUPERVISOR, REGION),
)

CREDIT_CODES: Final[dict[str, str]] = {
    "authority": AUTHORITY_CREDIT_CODE,
    "registrar": "12450000MB0000002K",
    "exchange": "91450100MA5KA00032",
    "bank": "91450000MA5KB0004P",
    "transport": "11450100MB00000055",
    "police": "11450100MB00000068",
    "urban": "11450100MB0000007B",
    "logistics": "91450200MA5KC00086",
    "merchant": "91450100MA5KD0009U",
    "provider": "52450300MJ00000108",
    "supervisor": "11450000MB0000011L",
}

#: A demo participant's later keys are dev accounts KEY_POOL + 100 × its index + 1, 2, ...: a run changes a key only to
#: the next of these, so the next run finds the key that signs now (keys are never reused) without keeping files.
KEY_POOL: Final[int] = 1_000
KEY_GENERATIONS: Final[int] = 100
#: The ether (wei) a new key gets from the relay for its gas.
KEY_GAS_MONEY: Final[int] = 10 * 10**18


def actor_key(actor: Actor, generation: int) -> LocalAccount:
    """The demo participant's key of ``generation`` (0: the account it was admitted with, its identity)."""
    return dev_account(actor.index if generation == 0 else KEY_POOL + 100 * actor.index + generation)


def current_key(reader: LedgerClient, actor: Actor) -> tuple[int, LocalAccount]:
    """The generation and account of the key that signs now for ``actor`` (its identity when not admitted yet)."""
    identity = str(dev_account(actor.index).address)
    if reader.get_participant(identity)["status"] == ParticipantStatus.NONE:
        return 0, dev_account(actor.index)
    return key_generation(actor, reader.key_of(identity))


def key_generation(actor: Actor, key: str) -> tuple[int, LocalAccount]:
    """Which of the keys the demo derives for ``actor`` the address ``key`` is (see :data:`KEY_POOL`)."""
    for generation in range(KEY_GENERATIONS):
        if actor_key(actor, generation).address == key:
            return generation, actor_key(actor, generation)
    raise DemoError(
        f"{actor.name} ({dev_account(actor.index).address}) signs with {key}, none of the keys the demo derives for "
        "it: its key was changed outside the demo. Use a fresh chain or `ledger deploy --fresh`"
    )


_SECTIONS: Final[dict[str, str]] = {
    "participants": "Participants (市场主体准入)",
    "registration": "Registration (产权登记)",
    "licensing": "Licensing (授权许可)",
    "trading": "Trading and settlement (交易结算)",
    "listing": "Exchange listings (挂牌)",
    "opening": "Public-data opening list (开放重点清单)",
    "valuation": "Valuation and accounting recognition (评估与入表)",
    "disclosure": "Information disclosure (信息披露)",
    "quality": "Data quality (问题数据可追溯)",
    "supervision": "Objections and supervision (异议与监管)",
}


@dataclass(frozen=True, slots=True)
class DemoEvent:
    """One thing that happened, in words, with the transaction that did it (empty for checks)."""

    section: str
    text: str
    tx: str = ""


@dataclass
class DemoSummary:
    """What a demo run did: participants, assets, licences, trades, events and final balances."""

    run: str
    chain_id: int
    rpc_url: str
    manifest: str
    participants: list[dict[str, Any]] = field(default_factory=list)
    assets: list[dict[str, Any]] = field(default_factory=list)
    licenses: list[dict[str, Any]] = field(default_factory=list)
    trades: list[dict[str, Any]] = field(default_factory=list)
    events: list[DemoEvent] = field(default_factory=list)
    balances: list[dict[str, Any]] = field(default_factory=list)
    transactions: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 2)
        return data

    def lines(self) -> list[str]:
        out = [
            f"Ledger demo {self.run} on chain {self.chain_id} ({self.rpc_url}): "
            f"{self.transactions} transactions in {self.seconds:.1f}s",
        ]
        for key, title in _SECTIONS.items():
            events = [e for e in self.events if e.section == key]
            if events:
                out += ["", title]
                out += [f"  {e.text}" for e in events]
        out += ["", "Balances (结算币余额, settlement token in yuan)"]
        width = max((len(b["name"]) for b in self.balances), default=10)
        out += [f"  {b['name']:<{width}}  {format_amount(b['balance']):>16}  {b['address']}" for b in self.balances]
        out += ["", f"manifest {self.manifest}"]
        return out


Step = tuple[LedgerClient, Call, Callable[[TxResult], str | None]]


def _say(text: str | None) -> Callable[[TxResult], str | None]:
    """A step description that does not depend on the transaction's events."""
    return lambda result: text


class _Demo:
    def __init__(self, settings: LedgerSettings, rpc: JsonRpcClient, build: Build, log: Callable[[str], None]) -> None:
        self.settings = settings
        self.rpc = rpc
        self.build = build
        self.log = log
        self.started = time.monotonic()
        self.accounts: dict[str, LocalAccount] = {a.key: dev_account(a.index) for a in ACTORS}
        #: Which of its keys signs for each participant (see :func:`current_key`).
        self.generation: dict[str, int] = {}
        #: Each participant's identity (the account it was admitted with), which records and events name ...
        self.identity = {k: str(acct.address) for k, acct in self.accounts.items()}
        #: ... and the key that signs for it now, which arguments name (a replaced key names nobody).
        self.address = dict(self.identity)
        self.names = {a.key: a.name for a in ACTORS} | {self.address[a.key]: a.name for a in ACTORS}
        self.tx_count = 0
        self.clients: dict[str, LedgerClient] = {}
        self.summary: DemoSummary | None = None
        self.run = ""

    # ─────────────────────────────────────────── plumbing

    def connect(self) -> DemoSummary:
        errors = ErrorTable(
            ContractCodec(contract_abi(self.build, n)) for n in (*SYSTEM_CONTRACTS, *GOVERNANCE_CONTRACTS)
        )
        # Dev account 0 deploys (if needed) and relays the officers' Safe transactions; it holds no role.
        sender = make_sender(self.settings, self.rpc, self.accounts["authority"], errors)
        deployment = ensure_deployed(
            self.rpc, sender, self.build, self.settings.manifest_path,
            governance=GovernanceConfig.from_settings(self.settings),
            recognised_chain_ids=self.settings.recognised_chain_ids, **authority_identity(self.settings),
        )  # fmt: skip
        contracts = Contracts.from_build(deployment, self.build)
        sender.errors = contracts.errors
        authority = CouncilClient(self.rpc, contracts, sender)
        for actor in ACTORS[1:]:  # a key an earlier run changed signs for its participant now
            self.generation[actor.key], self.accounts[actor.key] = current_key(authority, actor)
            self.names[str(self.accounts[actor.key].address)] = actor.name
            self.address[actor.key] = str(self.accounts[actor.key].address)
        self.clients = {key: authority.as_(acct) for key, acct in self.accounts.items() if key != "authority"}
        self.clients["authority"] = authority
        self.address["authority"] = self.identity["authority"] = authority.address
        self.names[authority.address] = self.names["authority"]
        block = int(self.rpc.call("eth_blockNumber"), 16)
        self.run = f"run-b{block}"
        self.summary = DemoSummary(
            run=self.run, chain_id=deployment.chain_id, rpc_url=self.settings.effective_rpc_url,
            manifest=str(self.settings.manifest_path),
        )  # fmt: skip
        me = authority.get_participant(authority.address)
        if not me["roles"] & Role.AUTHORITY or me["status"] != ParticipantStatus.ACTIVE:
            raise DemoError(
                f"the access manager {authority.address} is not an active authority of the deployment in "
                f"{self.settings.manifest_path}; run `ledger deploy --fresh` to start a demo deployment"
            )
        for name in ("CouncilSafe", "EmergencySafe"):
            safe = authority.governance.safe(name)
            if sum(o in authority.officers for o in safe.owners) < safe.threshold:
                raise DemoError(
                    f"the deployment's {name} is not governed by the dev officers (dev accounts 40-44): the demo "
                    "cannot act as the authority; run `ledger deploy --fresh` without LEDGER_GOVERNANCE_* set"
                )
        return self.summary

    def c(self, key: str) -> LedgerClient:
        return self.clients[key]

    def note(self, section: str, text: str, tx: str = "") -> None:
        assert self.summary is not None
        self.summary.events.append(DemoEvent(section, text, tx))

    def h(self, label: str) -> bytes:
        """A document or content hash unique to this run."""
        return keccak(text=f"ledger-demo/{self.run}/{label}")

    def who(self, key_or_address: str) -> str:
        return self.names.get(key_or_address, key_or_address)

    def chain_time(self) -> int:
        return int(self.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)

    def phase(self, label: str, section: str, steps: Sequence[Step]) -> list[TxResult]:
        """Sends every step's call (they must be independent), waits for all, records what each did. The
        authority's steps go through the governance, one proposal per route (the council's, after its delay; the
        emergency officers', at once)."""
        if not steps:
            return []
        self.log(f"demo: {label} ({len(steps)} transaction{'s' if len(steps) != 1 else ''})")
        by_client: dict[str, list[int]] = {}
        governed: dict[str, list[int]] = {}
        for i, (client, call, _) in enumerate(steps):
            if isinstance(client, CouncilClient):
                assert call.to is not None
                governed.setdefault(client.governance.route_of(call.to, call.data), []).append(i)
            else:
                by_client.setdefault(client.address, []).append(i)
        hashes: dict[int, str] = {}
        for indexes in by_client.values():
            client = steps[indexes[0]][0]
            sent = client.sender.send([steps[i][1] for i in indexes])
            hashes.update(zip(indexes, sent, strict=True))
        results: dict[int, TxResult] = {}
        for indexes in governed.values():
            council = steps[indexes[0]][0]
            assert isinstance(council, CouncilClient)
            done = council.execute_many([steps[i][1] for i in indexes])
            results.update(zip(indexes, done, strict=True))
            assert council.last_proposal is not None
            self._governed(section, council, council.last_proposal)
        for indexes in by_client.values():
            client = steps[indexes[0]][0]
            receipts = client.sender.wait([hashes[i] for i in indexes], [steps[i][1] for i in indexes])
            for i, receipt in zip(indexes, receipts, strict=True):
                results[i] = TxResult(receipt, client.contracts)
        self.tx_count += sum(len(v) for v in by_client.values())
        ordered = [results[i] for i in range(len(steps))]
        for (_, _, describe), result in zip(steps, ordered, strict=True):
            text = describe(result)
            if text:
                self.note(section, text, result.tx_hash)
        return ordered

    def _governed(self, section: str, council: CouncilClient, proposal: Proposal) -> None:
        """How the governance did the authority's actions of a step, in words."""
        self.tx_count += sum(1 for s in proposal.stages if s.submitted)
        what = ", ".join(sorted({a.function for a in proposal.actions}))
        safe = council.governance.safe(proposal.stages[0].safe)
        signers = len(proposal.stages[0].signatures)
        if proposal.route == "emergency":
            self.note(section, f"emergency path (紧急处置): {signers} of the {len(safe.owners)} emergency officers "
                               f"had the authority's access manager {what} at once, with a reason on record",
                      proposal.stages[0].tx_hash or "")  # fmt: skip
            return
        scheduled, executed = proposal.stages[0], proposal.stages[-1]
        self.note(section, f"the council (理事会) of authority officers, {signers} of {len(safe.owners)} signing, "
                           f"scheduled {len(proposal.actions)} change(s) ({what}) at the access manager; anyone could "
                           f"see them pending until {format_time(proposal.ready_at or 0)}",
                  scheduled.tx_hash or "")  # fmt: skip
        delay = council.governance.council_delay()
        self.note(section, f"after the council's delay (时间锁, {delay} s) {len(executed.signatures)} officers had "
                           "them executed", executed.tx_hash or "")  # fmt: skip

    # ─────────────────────────────────────────── the scenario

    def participants(self) -> None:
        authority = self.c("authority")
        steps: list[Step] = []
        reused: list[Actor] = []
        assert self.summary is not None
        for actor in ACTORS:
            address = self.identity[actor.key]
            p = authority.get_participant(address)
            status = ParticipantStatus(p["status"])
            admitted_now = status == ParticipantStatus.NONE
            self.summary.participants.append({
                "key": actor.key, "name": actor.name, "name_zh": actor.name_zh, "address": address,
                "dev_account": None if actor.key == "authority" else actor.index,
                "signing_key": address if actor.key == "authority" else str(self.accounts[actor.key].address),
                "roles": role_names(int(actor.roles)), "region": actor.region, "admitted_now": admitted_now,
            })  # fmt: skip
            if admitted_now:
                steps.append((authority, authority.prepare(
                    "ParticipantRegistry", "admit", address, int(actor.roles), actor.region, actor.chain_name,
                    credit_code_hash(actor.credit_code),
                ), self._admitted(actor)))  # fmt: skip
                continue
            if status != ParticipantStatus.ACTIVE or p["roles"] & actor.roles != actor.roles:
                raise DemoError(
                    f"dev account {actor.index} ({address}) is {term(status)} with roles "
                    f"{', '.join(role_names(p['roles']))}; the demo needs it active as "
                    f"{', '.join(role_names(int(actor.roles)))} ({actor.name}). Use a fresh chain "
                    "(`ledger node stop`, remove DATA_DIR/node, start again) or `ledger deploy --fresh`"
                )
            reused.append(actor)
        # The settlement bank issues only within the limit the council sets for it: raise it, with the admissions,
        # so that this run's issuance fits on top of what earlier runs left outstanding.
        bank = self.address["bank"]
        limit, outstanding = authority.issuance_of(bank)
        if limit < outstanding + DEMO_ISSUANCE:
            wanted = outstanding + DEMO_ISSUANCE
            steps.append((authority, authority.prepare("SettlementToken", "setIssuanceLimit", bank, wanted), _say(
                f"issuance limit (发行额度) of {self.who('bank')} set to {format_amount(wanted)}: the most it may "
                "have outstanding, each issuance against a reserve attestation (储备证明)"
            )))  # fmt: skip
        if reused:
            self.note(
                "participants",
                "already admitted (earlier run or deployment): "
                + ", ".join(
                    f"{a.name} (the access manager, through which its officers act)" if a.key == "authority"
                    else f"{a.name} (dev account {a.index})" for a in reused
                ),
            )  # fmt: skip
        self.phase("admitting participants", "participants", steps)

    def _admitted(self, actor: Actor) -> Callable[[TxResult], str]:
        roles = ", ".join(term(r) for r in Role if r & actor.roles)
        return lambda r: (
            f"admitted (准入) {actor.name} {actor.name_zh} as {roles}, region {actor.region}:"
            f" {self.identity[actor.key]}, participant #{r.event('ParticipantAdmitted')['id']}, credit code"
            f" (统一社会信用代码) {actor.credit_code}"
        )

    def preparation(self) -> None:
        """Declarations, the guided price band, settlement money and allowances."""
        steps: list[Step] = []
        for key in ("merchant", "provider"):
            client = self.c(key)
            if client.get_participant(client.address)["declarations"] == 0:
                steps.append(
                    (
                        client,
                        client.prepare(
                            "ParticipantRegistry", "fileDeclaration", self.h(f"{key} declaration and commitment")
                        ),
                        _say(f"declaration and commitment (声明和承诺) filed by {self.who(key)}"),
                    )
                )
            else:
                self.note("participants", f"{self.who(key)} has already filed its declaration (声明和承诺)")
        authority, bank, exchange = self.c("authority"), self.c("bank"), self.address["exchange"]
        low, high = 10_000 * YUAN, 200_000 * YUAN
        steps.append(
            (
                authority,
                authority.prepare("TradeSettlement", "setPriceBand", int(Kind.DATASET), low, high),
                lambda r: (
                    f"guided price band (政府指导价) for public {term(Kind.DATASET)}: "
                    f"{format_amount(low)} to {format_amount(high)}"
                ),
            )
        )
        for key, amount in DEMO_FUNDS:
            steps.append(
                (
                    bank,
                    bank.prepare(
                        "SettlementToken",
                        "issue",
                        self.address[key],
                        amount * YUAN,
                        self.h(f"reserve attestation for {key}"),
                    ),
                    _say(
                        f"{self.who('bank')} issued (发行) {format_amount(amount * YUAN)} of settlement "
                        f"token to {self.who(key)} against yuan deposited, naming its reserve attestation (储备证明)"
                    ),
                )
            )
            client = self.c(key)
            steps.append((client, client.prepare("SettlementToken", "approve", exchange, amount * YUAN), _say(None)))
        self.phase("declarations, price band, settlement money", "participants", steps)

    def registration(self) -> dict[str, int]:
        specs = {
            "public": ("transport", "Nanning bus and metro ridership 2025", "南宁公交地铁客流数据2025",
                       Category.PUBLIC, Grade.GENERAL, Kind.DATASET),
            "enterprise": ("logistics", "Liuzhou vehicle logistics routes 2024", "柳州整车物流线路数据2024",
                           Category.ENTERPRISE, Grade.GENERAL, Kind.DATASET),
            "personal": ("logistics", "Liuzhou ride-hailing trips with passenger records", "柳州网约车出行记录",
                         Category.PERSONAL, Grade.IMPORTANT, Kind.DATASET),
            "model": ("merchant", "Guangxi freight demand forecast model", "广西货运需求预测模型",
                      Category.ENTERPRISE, Grade.GENERAL, Kind.MODEL),
        }  # fmt: skip
        steps: list[Step] = []
        for label, (owner, name, name_zh, category, grade, kind) in specs.items():
            client = self.c(owner)
            registration = Registration(
                content_hash=self.h(f"content/{label}"), metadata_hash=self.h(f"metadata/{label}"),
                metadata_uri=f"https://registry.gxdata.example/{self.run}/{label}.json",
                name=f"{name_zh} {name}", category=category, grade=grade, kind=kind, region=REGION,
            )  # fmt: skip
            steps.append(
                (
                    client,
                    client.prepare("AssetRegistry", "applyRegistration", registration.as_abi()),
                    self._applied(owner, name, category),
                )
            )
        results = self.phase("registration applications", "registration", steps)
        ids = {label: int(r.event("RegistrationApplied")["assetId"]) for label, r in zip(specs, results, strict=True)}

        registrar, provider = self.c("registrar"), self.c("provider")
        steps = []
        for label, asset_id in ids.items():
            _, name, _, category, grade, kind = specs[label]
            steps.append(
                (
                    registrar,
                    registrar.prepare("AssetRegistry", "reviewRegistration", asset_id, True, self.h(f"review/{label}")),
                    self._registered(asset_id, name, category, grade, kind),
                )
            )
        steps.append(
            (
                provider,
                provider.prepare(
                    "AssetControls", "attestAnonymisation", ids["personal"], self.h("anonymisation report")
                ),
                _say(
                    f"{self.who('provider')} attested the anonymisation (匿名化处理) of personal-information "
                    f"asset #{ids['personal']}, so it may be licensed"
                ),
            )
        )
        self.phase("registrar review, anonymisation", "registration", steps)
        assert self.summary is not None
        for label, asset_id in ids.items():
            a = registrar.get_asset(asset_id)
            owner, name, name_zh, category, grade, kind = specs[label]
            self.summary.assets.append({
                "id": asset_id, "label": label, "name": name, "name_zh": name_zh, "holder": self.identity[owner],
                "category": choice_name(category), "grade": choice_name(grade), "kind": choice_name(kind),
                "certificate": certificate_number(a["region"], a["certificateSerial"]),
            })  # fmt: skip
        return ids

    def _applied(self, owner: str, name: str, category: Category) -> Callable[[TxResult], str]:
        def describe(r: TxResult) -> str:
            asset_id = r.event("RegistrationApplied")["assetId"]
            return f"{self.who(owner)} applied (登记申请) for asset #{asset_id} {name!r}, {term(category)}"

        return describe

    def _registered(
        self, asset_id: int, name: str, category: Category, grade: Grade, kind: Kind
    ) -> Callable[[TxResult], str]:
        def describe(r: TxResult) -> str:
            certificate = certificate_number(REGION, r.event("AssetRegistered")["certificateSerial"])
            return (
                f"registered (产权登记) asset #{asset_id} {name!r}: {term(category)}, {term(grade)}, "
                f"{term(kind)}; certificate {certificate}"
            )

        return describe

    def terms(self, right: Right, purpose: int, start: int, days: int, **kw: Any) -> LicenseTerms:
        return LicenseTerms(
            right=right,
            purpose=purpose,
            start=start,
            end=start + days * DAY,
            regions=(REGION,),
            terms_hash=self.h(f"licence terms {right.name} {purpose}"),
            **kw,
        )

    def _licence(self, kind: str, result: TxResult, licensor: str) -> str:
        g = result.event("LicenseGranted")
        assert self.summary is not None
        t = g["terms"]
        self.summary.licenses.append({
            "id": g["licenseId"], "asset_id": g["assetId"], "licensee": g["licensee"], "licensor": g["licensor"],
            "parent_id": g["parentId"], "right": choice_name(Right(t["right"])), "purpose": t["purpose"],
            "start": t["start"], "end": t["end"],
        })  # fmt: skip
        days = (t["end"] - t["start"]) // DAY
        return (
            f"{kind} #{g['licenseId']} on asset #{g['assetId']}: {self.who(licensor)} -> {self.who(g['licensee'])}"
            f", {term(Right(t['right']))}, purpose {t['purpose']}, {days} days"
            + (f", under licence #{g['parentId']}" if g["parentId"] else "")
        )

    def licensing(self, ids: dict[str, int]) -> dict[str, int]:
        now = self.chain_time()
        authority, transport, logistics = self.c("authority"), self.c("transport"), self.c("logistics")
        police, urban = self.address["police"], self.address["urban"]
        operation = self.terms(Right.OPERATION, 2001, now, 3 * 365, sublicensable=True)
        self.phase("authorised operation approved", "licensing", [
            (authority, authority.prepare("AssetControls", "authorisePublicOperation", ids["public"],
                                          self.address["merchant"], int(Right.OPERATION), 2001, operation.end,
                                          self.h("authorised operation decision")),
             lambda r: f"{self.who('authority')} approved {self.who('merchant')} as authorised operator "
                       f"(公共数据授权运营) of public asset #{ids['public']}: one zero-price licence of the "
                       "operation right, purpose 2001, for at most three years"),
        ])  # fmt: skip
        results = self.phase("revenue shares, authorised operation, objection", "licensing", [
            (transport, transport.prepare("TradeSettlement", "setRevenueShares", ids["public"], int(Right.PROCESSING),
                                          [police, urban], [2_000, 1_000]),
             lambda r: f"revenue shares (收益分配) of public asset #{ids['public']} for its source departments: "
                       f"{self.who('police')} 20%, {self.who('urban')} 10% of each sale of its processing right "
                       "(or a licence of it), net of the exchange fee"),
            (transport, transport.prepare("AssetRegistry", "grantLicense", ids["public"], self.address["merchant"],
                                          operation.as_abi()),
             lambda r: "authorised operation (公共数据授权运营) " + self._licence("licence", r, "transport")),
            (logistics, logistics.prepare("AssetControls", "lodgeObjection", ids["model"],
                                          self.h("objection evidence: route data used without licence"), 0),
             lambda r: f"{self.who('logistics')} lodged objection (异议) #{r.event('ObjectionLodged')['objectionId']} "
                       f"against model asset #{ids['model']}: trained on its route data? Pending: it holds no right "
                       "in the asset, so the objection blocks nothing until a registrar accepts it"),
        ])  # fmt: skip
        parent = int(results[1].event("LicenseGranted")["licenseId"])
        objection = int(results[2].event("ObjectionLodged")["objectionId"])
        registrar = self.c("registrar")
        self.phase("objection accepted", "licensing", [
            (registrar, registrar.prepare("AssetControls", "acceptObjection", objection,
                                          self.h("objection accepted for review")),
             lambda r: f"{self.who('registrar')} accepted objection #{objection} (异议受理): model asset "
                       f"#{ids['model']} is disputed and can neither be licensed nor traded until it is decided"),
        ])  # fmt: skip
        self.phase("objection decision", "licensing", [
            (registrar, registrar.prepare("AssetControls", "resolveObjection", objection, False,
                                          self.h("objection decision: model uses licensed aggregates only")),
             lambda r: f"{self.who('registrar')} dismissed objection #{objection} (异议驳回): the model was built from "
                       "licensed aggregates"),
        ])  # fmt: skip
        return {"operation": parent}

    def _trade_id(self, label: str) -> bytes:
        return self.h(f"trade/{label}")

    def _settled(self, result: TxResult, venue: str) -> str:
        lines = []
        assert self.summary is not None
        for ev in result.find("TradeSettled"):
            paid = ev["shares"]
            self.summary.trades.append({
                "trade_id": "0x" + ev["tradeId"].hex(), "asset_id": ev["assetId"], "venue": venue,
                "seller": ev["seller"], "buyer": ev["buyer"], "price": ev["price"], "fee": ev["fee"],
                "seller_amount": ev["sellerAmount"], "right": choice_name(Right(ev["right"])),
                "license_id": ev["licenseId"],
                "revenue_shares": [{"recipient": s["recipient"], "amount": s["amount"]} for s in paid],
            })  # fmt: skip
            what = (
                f"licence #{ev['licenseId']} of {term(Right(ev['right']))}"
                if ev["licenseId"]
                else f"transfer of {term(Right(ev['right']))}"
            )
            line = (
                f"settled (交易结算) {venue}: asset #{ev['assetId']} {what}, {self.who(ev['seller'])} -> "
                f"{self.who(ev['buyer'])}; price {format_amount(ev['price'])}, exchange fee "
                f"{format_amount(ev['fee'])}, seller receives {format_amount(ev['sellerAmount'])}"
            )
            line += "".join(f"; {self.who(s['recipient'])} {format_amount(s['amount'])}" for s in paid)
            lines.append(line)
        return "\n  ".join(lines)

    def consent(self, seller: str, trade: Trade, *, min_net: int, nonce: int) -> SalesConsent:
        """The seller's signed consent to the exchange's sale ``trade``, valid for an hour. A consent names the key
        the exchange settles with (it lapses when that key is changed)."""
        return self.c(seller).sign_sales_consent(
            [(trade, min_net)], self.c("exchange").address, nonce=nonce, deadline=self.chain_time() + 3600
        )

    def trading(self, ids: dict[str, int], licences: dict[str, int]) -> None:
        now = self.chain_time()
        exchange = self.c("exchange")
        a = self.address
        nonce = int(self.run.removeprefix("run-b")) << 8  # a fresh nonce word per run
        public_licence = Trade(
            self._trade_id("public-licence"), ids["public"], a["transport"], a["logistics"], 50_000 * YUAN,
            fee=500 * YUAN, terms=self.terms(Right.PROCESSING, 1101, now, 365),
        )  # fmt: skip
        right_sale = Trade(
            self._trade_id("enterprise-operation-right"), ids["enterprise"], a["logistics"], a["merchant"],
            80_000 * YUAN, fee=800 * YUAN, delivery=Delivery.RIGHT, right=Right.OPERATION,
        )  # fmt: skip
        # The authorised operator sells a sublicence of public data: on the exchange, within the guided band.
        sublicence = Trade(
            self._trade_id("public-operation-sublicence"), ids["public"], a["merchant"], a["provider"],
            12_000 * YUAN, fee=120 * YUAN, parent_license_id=licences["operation"],
            terms=self.terms(Right.OPERATION, 2001, now, 365),
        )  # fmt: skip
        nets = {"public": 34_000 * YUAN, "right": 79_000 * YUAN, "sub": 7_000 * YUAN}
        public_consent = self.consent("transport", public_licence, min_net=nets["public"], nonce=nonce)
        right_consent = self.consent("logistics", right_sale, min_net=nets["right"], nonce=nonce)
        sub_consent = self.consent("merchant", sublicence, min_net=nets["sub"], nonce=nonce)
        self.note(
            "trading",
            f"the sellers consented on-chain (卖方授权): {self.who('transport')}, {self.who('logistics')} and "
            f"{self.who('merchant')} each signed (EIP-712) the sale's asset, delivery and terms, the exchange, and "
            "the least they must net after the fee and revenue shares",
        )
        self.phase("on-exchange settlement", "trading", [
            (exchange, exchange.prepare_settle(public_licence, nets["public"], public_consent),
             lambda r: self._settled(r, "on exchange (场内)")),
            (exchange, exchange.prepare_settle(right_sale, nets["right"], right_consent),
             lambda r: self._settled(r, "on exchange (场内)")),
            (exchange, exchange.prepare_settle(sublicence, nets["sub"], sub_consent),
             lambda r: self._settled(r, "on exchange (场内), a sublicence of the authorised operation")),
        ])  # fmt: skip

        # Off exchange: both parties sign the EIP-712 trade; the buyer submits it. No fee, never public data.
        logistics, provider = self.c("logistics"), self.c("provider")
        direct = Trade(
            self._trade_id("enterprise-direct"), ids["enterprise"], a["logistics"], a["provider"], 30_000 * YUAN,
            terms=self.terms(Right.PROCESSING, 1301, now, 180),
        )  # fmt: skip
        direct_nonce, deadline = secrets.randbits(64), now + 3600
        seller_sig = logistics.sign_direct_trade(direct, direct_nonce, deadline)
        buyer_sig = provider.sign_direct_trade(direct, direct_nonce, deadline)
        self.note(
            "trading",
            f"{self.who('logistics')} and {self.who('provider')} signed (EIP-712) an off-exchange "
            f"licence trade, nonce {direct_nonce}, valid until {format_time(deadline)}",
        )
        # A standing mandate (挂牌委托): the seller lets the exchange sell 90-day licences of its personal-information
        # asset, cut from one template, netting it at least 15,000 yuan each, for 30 days.
        template = self.terms(Right.PROCESSING, 1201, 0, 0)
        mandate = Mandate(
            seller=a["logistics"], exchange=self.c("exchange").address, asset_id=ids["personal"],
            delivery=Delivery.LICENSE,
            right=Right.PROCESSING, min_net=15_000 * YUAN, expiry=now + 30 * DAY, max_duration=90 * DAY,
            terms=LicenseTerms(right=template.right, purpose=template.purpose, start=0, end=0,
                               regions=template.regions, terms_hash=template.terms_hash),
            salt=int.from_bytes(self.h("mandate salt"), "big"),
        )  # fmt: skip
        self.phase("standing mandate", "trading", [
            (logistics, logistics.prepare("MandateRegistry", "grantMandate", mandate.as_abi()),
             lambda r: f"{self.who('logistics')} gave {self.who('exchange')} a standing mandate (挂牌委托) "
                       f"0x{r.event('MandateGranted')['mandateId'].hex()[:16]}…: 90-day processing licences of "
                       f"personal-information asset #{ids['personal']}, at least {format_amount(15_000 * YUAN)} "
                       "net each, for 30 days; revocable at any time"),
        ])  # fmt: skip
        batch = [
            Trade(self._trade_id("personal-licence"), ids["personal"], a["logistics"], a["merchant"], 20_000 * YUAN,
                  fee=200 * YUAN, terms=self.terms(Right.PROCESSING, 1201, now, 90)),
            Trade(self._trade_id("personal-licence-2"), ids["personal"], a["logistics"], a["provider"],
                  18_000 * YUAN, fee=180 * YUAN, terms=self.terms(Right.PROCESSING, 1201, now, 60)),
        ]  # fmt: skip
        public_batch = [
            Trade(self._trade_id("public-licence-2"), ids["public"], a["transport"], a["provider"], 15_000 * YUAN,
                  fee=150 * YUAN, terms=self.terms(Right.PROCESSING, 1102, now, 365)),
        ]  # fmt: skip
        public_batch_nets = [10_000 * YUAN]
        public_batch_consent = self.c("transport").sign_sales_consent(
            list(zip(public_batch, public_batch_nets, strict=True)), self.c("exchange").address, nonce=nonce + 1,
            deadline=self.chain_time() + 3600,
        )  # fmt: skip
        self.phase("off-exchange and batch settlement", "trading", [
            (provider, provider.prepare("TradeSettlement", "settleDirect", direct.as_abi(), direct_nonce, deadline,
                                        seller_sig, buyer_sig),
             lambda r: self._settled(r, "off exchange (场外, signed by both parties)")),
            (exchange, exchange.prepare("MandateRegistry", "settleBatch", [t.as_abi() for t in batch],
                                        [mandate.as_abi()], [0] * len(batch), True),
             lambda r: f"batch of {len(batch)} trades within the mandate settled atomically in one transaction:\n  "
                       + self._settled(r, "on exchange (batch, standing mandate)")),
            (exchange, exchange.prepare("TradeSettlement", "settleBatch", [t.as_abi() for t in public_batch],
                                        public_batch_nets, [public_batch_consent.as_abi()], [0] * len(public_batch),
                                        True),
             lambda r: self._settled(r, "on exchange (batch, signed consent)")),
        ])  # fmt: skip
        # Without the seller's consent no sale settles: a consent signed by someone else is refused.
        forged = Trade(
            self._trade_id("no-consent"), ids["enterprise"], a["logistics"], a["merchant"], 1 * YUAN,
            fee=0, terms=self.terms(Right.PROCESSING, 1501, now, 10 * 365, exclusive=True),
        )  # fmt: skip
        not_the_seller = self.consent("merchant", forged, min_net=0, nonce=nonce + 2)
        forged_consent = SalesConsent(a["logistics"], not_the_seller.nonce, not_the_seller.deadline,
                                      not_the_seller.signature)  # fmt: skip
        call = exchange.prepare_settle(forged, 0, forged_consent)
        try:
            exchange.sender.estimate(call)
        except E.SettlementBadSignature as exc:
            self.note(
                "trading",
                f"{self.who('exchange')} tried to sell a ten-year exclusive licence of asset #{ids['enterprise']} for "
                f"{format_amount(1 * YUAN)} without its holder's consent: refused ({exc.name}: the consent was "
                f"signed by {self.who(exc.values['recovered'])}, not the seller)",
            )
        else:
            raise DemoError("a sale without the seller's consent was not refused")

    def listing(self, ids: dict[str, int]) -> None:
        """Art. 16-17: the exchange lists the logistics company's enterprise dataset (180-day processing licences for
        analytics, 20,000 to 25,000 yuan, for 30 days) with the company's signature over the listing; the service
        provider buys a licence under it."""
        exchange, logistics = self.c("exchange"), self.c("logistics")
        asset, now = ids["enterprise"], self.chain_time()
        template = self.terms(Right.PROCESSING, 1601, 0, 0)
        offer = Offer(
            listing_id=self.h("listing: logistics routes"), min_price=20_000 * YUAN, max_price=25_000 * YUAN,
            min_net=15_000 * YUAN, start=now, end=now + 30 * DAY, max_duration=180 * DAY,
        )  # fmt: skip
        listing = Listing(
            seller=self.address["logistics"], asset_id=asset, delivery=Delivery.LICENSE, right=Right.PROCESSING,
            offer=offer, document_hash=self.h("listing document: logistics routes"), terms=template,
        )  # fmt: skip
        signature = compact_signature(logistics.sign_listing(listing, exchange.address))
        self.phase("product listing", "listing", [
            (exchange, exchange.prepare("Listings", "list", listing.as_abi(), *signature),
             lambda r: f"{self.who('exchange')} listed (挂牌) asset #{asset} of {self.who('logistics')}, which signed "
                       "the listing (EIP-712): 180-day processing licences for analytics at "
                       f"{format_amount(offer.min_price)} to {format_amount(offer.max_price)}, for 30 days "
                       f"(listing 0x{r.event('ProductListed')['key'].hex()[:16]}…)"),
        ])  # fmt: skip
        sale = Trade(
            self._trade_id("listed-licence"), asset, self.address["logistics"], self.address["provider"],
            22_000 * YUAN, fee=220 * YUAN, terms=self.terms(Right.PROCESSING, 1601, now, 180),
        )  # fmt: skip
        self.phase("listed trade", "listing", [
            (exchange, exchange.prepare_settle_listed(sale, offer),
             lambda r: self._settled(r, "on exchange (场内), under the listing")),
        ])  # fmt: skip

    def opening(self, ids: dict[str, int], licences: dict[str, int]) -> None:
        """Art. 10: the authority publishes the year's public-data opening list: the transport bureau's ridership
        data and the urban management bureau's case data; the transport bureau links its registered public dataset
        to its entry, which the authorised-operation licence of it shows open; the urban bureau's stays planned."""
        authority, transport, merchant = self.c("authority"), self.c("transport"), self.c("merchant")
        now = self.chain_time()
        year = datetime.fromtimestamp(now, CST).year + 1
        entries = [
            OpeningEntry(self.address["transport"], self.h("opening list: bus and metro ridership"), now + 180 * DAY),
            OpeningEntry(self.address["urban"], self.h("opening list: urban management cases"), now + 270 * DAY),
        ]  # fmt: skip
        [published] = self.phase("opening list published", "opening", [
            (authority, authority.prepare("OpeningList", "publish", year, self.h(f"public-data opening list {year}"),
                                          [e.as_abi() for e in entries]),
             lambda r: f"{self.who('authority')} published the {year} public-data opening list (开放重点清单): "
                       + "; ".join(f"entry #{e['entryId']}, {self.who(e['department'])} by "
                                   f"{format_time(e['targetDate'])}" for e in r.find("OpeningEntryPublished"))),
        ])  # fmt: skip
        entry = int(published.find("OpeningEntryPublished")[0]["entryId"])
        self.phase("opening list entry registered", "opening", [
            (transport, transport.prepare("OpeningList", "linkAsset", entry, ids["public"]),
             lambda r: f"{self.who('transport')} linked public dataset #{ids['public']} to entry #{entry} "
                       "(registered, 已登记)"),
        ])  # fmt: skip
        self.phase("opening list entry opened", "opening", [
            (merchant, merchant.prepare("OpeningList", "markOpened", entry, licences["operation"]),
             lambda r: f"entry #{entry} opened (已开放): licence #{licences['operation']} of the dataset, the "
                       f"authorised operation of {self.who('merchant')}"),
        ])  # fmt: skip

    def valuation(self, ids: dict[str, int]) -> None:
        """Art. 19: the authority accredits the service provider as an appraiser (资产评估机构), which values the
        logistics company's enterprise dataset (it holds no right in it: it bought a licence); the company
        recognises the dataset in its accounts (入表) as an intangible asset on that report, then amortises it."""
        authority, provider, logistics = self.c("authority"), self.c("provider"), self.c("logistics")
        asset, now = ids["enterprise"], self.chain_time()
        accreditation = provider.accreditation_of(self.identity["provider"])
        if accreditation["revoked"] or accreditation["expiresAt"] <= now + 30 * DAY:
            until = now + 365 * DAY
            self.phase("accrediting an appraiser", "valuation", [
                (authority, authority.prepare("Valuation", "accreditAppraiser", self.address["provider"], until,
                                              self.h("appraiser accreditation certificate")),
                 lambda r: f"{self.who('authority')} accredited {self.who('provider')} as an appraiser (资产评估机构) "
                           f"until {format_time(until)}"),
            ])  # fmt: skip
        else:
            self.note("valuation", f"{self.who('provider')} is accredited as an appraiser until "
                      f"{format_time(accreditation['expiresAt'])} (an earlier run)")  # fmt: skip
        content = provider.get_asset(asset)["contentHash"]
        value, base, until = 1_200_000 * YUAN, now - DAY, now + 300 * DAY
        [filed] = self.phase("valuation report", "valuation", [
            (provider, provider.prepare("Valuation", "fileValuation", asset, int(ValuationMethod.INCOME), value,
                                        b"CNY", base, until, content, self.h("valuation report: logistics routes")),
             lambda r: f"{self.who('provider')} filed valuation report (评估报告) "
                       f"#{r.event('ValuationFiled')['valuationId']} on asset #{asset}: {format_amount(value)} by "
                       f"the income approach (收益法), base date {format_time(base)}, valid until "
                       f"{format_time(until)}"),
        ])  # fmt: skip
        valuation = int(filed.event("ValuationFiled")["valuationId"])
        recognised, amortised = 950_000 * YUAN, 930_000 * YUAN
        self.phase("accounting recognition", "valuation", [
            (logistics, logistics.prepare("Valuation", "recogniseAsset", asset,
                                          int(AccountingCategory.INTANGIBLE_ASSET), recognised, now - 30 * DAY,
                                          now + 335 * DAY, valuation, self.h("auditor's opinion on the data asset")),
             lambda r: f"{self.who('logistics')} recognised asset #{asset} in its accounts (入表) as an intangible "
                       f"asset (无形资产) at {format_amount(recognised)}, on valuation report #{valuation}"),
        ])  # fmt: skip
        self.phase("amortisation", "valuation", [
            (logistics, logistics.prepare("Valuation", "remeasure", asset, int(Measurement.AMORTISATION), amortised,
                                          self.h("amortisation schedule")),
             lambda r: f"{self.who('logistics')} amortised (摊销) asset #{asset}: carrying amount now "
                       f"{format_amount(amortised)}"),
        ])  # fmt: skip

    def disclosure(self) -> None:
        """Art. 25: the authority requires quarterly trade statistics, due 30 days after each quarter; the exchange
        discloses last month's trade statistics and the fee schedule of the quarter in course."""
        authority, exchange = self.c("authority"), self.c("exchange")
        stats = DisclosureKind.TRADE_STATISTICS
        required = exchange.disclosure_requirement(stats)
        if (required["months"], required["graceDays"]) != (3, 30):
            self.phase("disclosure requirement", "disclosure", [
                (authority, authority.prepare("Disclosure", "setRequirement", int(stats), 3, 30),
                 lambda r: f"{self.who('authority')} requires exchanges to disclose trade statistics (交易统计) "
                           "every quarter, within 30 days of its end"),
            ])  # fmt: skip
        else:
            self.note("disclosure", "quarterly trade statistics are required of exchanges (an earlier run)")
        today = datetime.fromtimestamp(self.chain_time(), CST)
        last_month = period(f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}")
        quarter = period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")
        self.phase("disclosures", "disclosure", [
            (exchange, exchange.prepare("Disclosure", "fileDisclosure", int(stats), *last_month,
                                        self.h("trade statistics of last month")),
             lambda r: f"{self.who('exchange')} disclosed (信息披露) its trade statistics for "
                       f"{period_label(*last_month)}: disclosure #{r.event('DisclosureFiled')['disclosureId']}"),
            (exchange, exchange.prepare("Disclosure", "fileDisclosure", int(DisclosureKind.FEE_SCHEDULE), *quarter,
                                        self.h("fee schedule of the quarter")),
             lambda r: f"{self.who('exchange')} disclosed its fee schedule (收费标准) for {period_label(*quarter)}: "
                       f"disclosure #{r.event('DisclosureFiled')['disclosureId']}"),
        ])  # fmt: skip

    def quality(self, ids: dict[str, int]) -> None:
        """Art. 9: the merchant reports that the logistics company's enterprise dataset is out of date; the company,
        which holds the holding right, acknowledges it within the window."""
        merchant, logistics = self.c("merchant"), self.c("logistics")
        asset = ids["enterprise"]
        content = merchant.get_asset(asset)["contentHash"]
        [filed] = self.phase("quality report", "quality", [
            (merchant, merchant.prepare("DataQuality", "fileReport", asset, content, int(QualityProblem.TIMELINESS),
                                        int(QualitySeverity.MEDIUM), self.h("quality evidence: stale routes")),
             lambda r: f"{self.who('merchant')} reported a timeliness problem (时效性) of asset #{asset}: report "
                       f"#{r.event('QualityReportFiled')['reportId']}, to be answered by "
                       f"{format_time(r.event('QualityReportFiled')['deadline'])}"),
        ])  # fmt: skip
        report = int(filed.event("QualityReportFiled")["reportId"])
        self.phase("quality answer", "quality", [
            (logistics, logistics.prepare("DataQuality", "answer", report, True,
                                          self.h("acknowledged: routes refreshed monthly from now")),
             lambda r: f"{self.who('logistics')} acknowledged quality report #{report}"),
        ])  # fmt: skip

    def supervision(self, ids: dict[str, int]) -> None:
        authority, supervisor, merchant = self.c("authority"), self.c("supervisor"), self.c("merchant")
        model, offender = ids["model"], self.address["merchant"]
        self.phase("freeze, rectification order, credit event", "supervision", [
            (authority, authority.prepare("AssetControls", "freeze", model, self.h("freeze: no security assessment")),
             lambda r: f"{self.who('authority')} froze (冻结) model asset #{model}: published without the security "
                       "assessment its grade requires"),
            (supervisor, supervisor.prepare("Supervision", "openOrder", int(OrderTarget.ASSET), "0x" + "00" * 20, model,
                                            self.h("rectification order: complete the security assessment")),
             lambda r: f"{self.who('supervisor')} ordered rectification (责令整改) #"
                       f"{r.event('RectificationOrdered')['orderId']} of asset #{model}"),
            (supervisor, supervisor.prepare("Supervision", "recordCreditEvent", offender, 201, -5,
                                            self.h("credit event: unassessed model")),
             lambda r: f"credit event (信用记录) code 201, -5 for {self.who(offender)}: score now "
                       f"{r.event('CreditEventRecorded')['score']}"),
        ])  # fmt: skip
        # The freeze holds: licensing the frozen model is refused before anything is sent.
        now = self.chain_time()
        call = merchant.prepare(
            "AssetRegistry",
            "grantLicense",
            model,
            self.address["provider"],
            self.terms(Right.PROCESSING, 1401, now, 30).as_abi(),
        )
        try:
            merchant.sender.estimate(call)
        except E.RegistryAssetFrozen as exc:
            self.note(
                "supervision",
                f"{self.who('merchant')} tried to license frozen asset #{model}: refused "
                f"({exc.name}(assetId={exc.values['assetId']}))",
            )
        else:
            raise DemoError(f"licensing frozen asset #{model} was not refused")

    def incident(self, ids: dict[str, int]) -> None:
        """An incident: the traffic police detachment's signing key is reported exposed. The emergency officers
        suspend the detachment and pause trade settlement at once, with the reason on record (a consent or a sale
        signed with the stolen key cannot settle meanwhile); a participant's change to the settlement is refused
        (reads and withdrawals of consent go on); after its delay the council replaces the detachment's key,
        reinstates it and resumes settlement. The exposed key is refused from then on; the detachment goes on as
        the same participant under its new key."""
        authority, transport, exposed = self.c("authority"), self.c("transport"), self.c("police")
        settlement, police = int(Paused.TRADE_SETTLEMENT), self.identity["police"]
        self.phase("incident: a participant suspended, trade settlement paused", "supervision", [
            (authority, authority.prepare("ParticipantRegistry", "suspend", police,
                                          self.h("incident 2027-001: signing key reported exposed")),
             lambda r: f"{self.who('police')} suspended (暂停资格) at once by the emergency officers: its signing key "
                       "was reported exposed (incident 2027-001, reason on record)"),
            (authority, authority.prepare("AssetControls", "pause", settlement,
                                          self.h("incident 2027-001: a participant's signing key reported exposed")),
             lambda r: "trade settlement paused (暂停) at once by the emergency officers, reason on record (incident "
                       "2027-001): settlements, batches and revenue-share changes are refused, reads go on"),
        ])  # fmt: skip
        call = transport.prepare("TradeSettlement", "setRevenueShares", ids["public"], int(Right.PROCESSING),
                                 [self.address["police"]], [2_000])  # fmt: skip
        try:
            transport.sender.estimate(call)
        except E.LedgerPaused as exc:
            self.note("supervision", f"{self.who('transport')} tried to change revenue shares meanwhile: refused "
                                     f"({exc.name}(contracts={exc.values['contracts']}))")  # fmt: skip
        else:
            raise DemoError("a change to the paused settlement contract was not refused")
        replacement = self._next_key("police")
        self.phase("incident closed: the key replaced, the participant reinstated, trade settlement resumed",
                   "supervision", [
            (authority, authority.prepare("ParticipantRegistry", "replaceKey", police, replacement.address,
                                          self.h("incident 2027-001: the exposed key replaced")),
             lambda r: f"the council replaced (密钥更换) the exposed key "
                       f"{r.event('ParticipantKeyChanged')['oldKey']} of {self.who('police')} with "
                       f"{replacement.address}: the same participant #{r.event('ParticipantKeyChanged')['id']}, whose "
                       "rights, licences, balance, revenue shares and declarations answer to the new key only"),
            (authority, authority.prepare("ParticipantRegistry", "reinstate", police,
                                          self.h("incident 2027-001 closed: key replaced")),
             lambda r: f"{self.who('police')} reinstated (恢复资格) by the council under its new key"),
            (authority, authority.prepare("AssetControls", "unpause", settlement,
                                          self.h("incident 2027-001 closed: the exposed key was replaced")),
             lambda r: "trade settlement resumed (恢复) by the council once the incident was closed"),
        ])  # fmt: skip
        self._use_key("police", replacement)
        registration = Registration(
            content_hash=self.h("content/exposed-key"), metadata_hash=self.h("metadata/exposed-key"),
            metadata_uri=f"https://registry.gxdata.example/{self.run}/exposed-key.json",
            name="南宁交通违法数据 Nanning traffic violations", category=Category.PUBLIC, grade=Grade.GENERAL,
            kind=Kind.DATASET, region=REGION,
        )  # fmt: skip
        try:
            exposed.sender.estimate(exposed.prepare("AssetRegistry", "applyRegistration", registration.as_abi()))
        except E.ParticipantKeyReplaced as exc:
            self.note("supervision", f"the exposed key {exc.values['account']} tried to apply for a registration in "
                                     f"the name of {self.who('police')}: refused ({exc.name})")  # fmt: skip
        else:
            raise DemoError("the replaced key was not refused")

    def key_rotation(self) -> None:
        """A planned key change: the supervisor hands over to a new key, both keys signing; it takes effect at
        once."""
        supervisor = self.c("supervisor")
        new = self._next_key("supervisor")
        self.phase("planned key rotation", "participants", [
            (supervisor, supervisor.prepare_rotate_key(new),
             lambda r: f"{self.who('supervisor')} rotated its signing key (密钥轮换) on schedule, the old key sending "
                       f"and the new key {new.address} signing its consent: the same participant "
                       f"#{r.event('ParticipantKeyChanged')['id']}, at once"),
        ])  # fmt: skip
        self._use_key("supervisor", new)

    def _next_key(self, key: str) -> LocalAccount:
        """The participant's next key, given gas money by the relay (the development chain charges for gas)."""
        actor = next(a for a in ACTORS if a.key == key)
        if self.generation[key] + 1 >= KEY_GENERATIONS:
            raise DemoError(f"{actor.name} has used every key the demo derives for it; use a fresh chain")
        new = actor_key(actor, self.generation[key] + 1)
        relay = self.c("authority").sender
        relay.transact(Call(str(new.address), b"", 21_000, operation="gas money", value=KEY_GAS_MONEY))
        self.tx_count += 1
        return new

    def _use_key(self, key: str, account: LocalAccount) -> None:
        self.generation[key] += 1
        self.accounts[key] = account
        self.address[key] = str(account.address)
        self.clients[key] = self.c("authority").as_(account)
        self.names[str(account.address)] = self.names[key]
        assert self.summary is not None
        next(p for p in self.summary.participants if p["key"] == key)["signing_key"] = str(account.address)

    def balances(self) -> None:
        reader = self.c("authority")
        assert self.summary is not None
        for actor in ACTORS:
            address = self.identity[actor.key]
            self.summary.balances.append(
                {
                    "name": actor.name,
                    "name_zh": actor.name_zh,
                    "address": address,
                    "balance": reader.balance_of(address),
                }
            )

    def close(self) -> None:
        journal = self.c("authority").sender.journal if self.clients else None
        if journal is not None:
            journal.close()


def run_demo(
    settings: LedgerSettings,
    *,
    rpc: JsonRpcClient | None = None,
    build: Build | None = None,
    log: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Plays the scenario on the chain of ``settings`` (dev keys: the embedded chain) and returns what happened."""
    if not (settings.dev_keys == "on" or (settings.dev_keys == "auto" and settings.embedded)):
        raise DemoError("the demo signs with anvil's public dev keys: run it on the embedded chain")
    own_rpc = rpc is None
    rpc = rpc or connect_rpc(settings)
    demo = _Demo(settings, rpc, build or compile_contracts(settings), log or logger.info)
    try:
        summary = demo.connect()
        demo.participants()
        demo.preparation()
        ids = demo.registration()
        licences = demo.licensing(ids)
        demo.trading(ids, licences)
        demo.listing(ids)
        demo.opening(ids, licences)
        demo.valuation(ids)
        demo.disclosure()
        demo.quality(ids)
        demo.supervision(ids)
        demo.incident(ids)
        demo.key_rotation()
        demo.balances()
        summary.transactions = demo.tx_count
        summary.seconds = time.monotonic() - demo.started
        return summary
    finally:
        demo.close()
        if own_rpc:
            rpc.close()
