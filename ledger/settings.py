"""One settings object for the whole package (env prefix ``LEDGER_``).

Everything that reads configuration takes a :class:`LedgerSettings` argument;
nothing else in the package reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

__all__ = ["PROJECT_ROOT", "LedgerSettings"]


class LedgerSettings(BaseSettings):
    """Configuration, read from ``LEDGER_*`` environment variables or passed in."""

    model_config = SettingsConfigDict(env_prefix="LEDGER_", extra="ignore")

    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="Where the embedded node's state, deployment manifest, journal and keystores live.",
    )
    build_dir: Path = Field(
        default=PROJECT_ROOT / "build",
        description="Compile cache, keyed by a hash of sources and settings.",
    )
    solc_binary: Path | None = Field(
        default=None,
        description="A native solc to use instead of the bundled solcjs wrapper (must be the pinned version).",
    )
    anvil_binary: Path | None = Field(
        default=None,
        description="anvil executable of the embedded node (default: the npm-installed @foundry-rs/anvil-<os>-<arch>).",
    )
    rpc_url: str | None = Field(
        default=None,
        description=(
            "External Ethereum JSON-RPC node(s): one URL, or several separated by commas (the nodes of a"
            " consortium network, in order of preference: clients use one and fail over to the next)."
            " Unset: the embedded anvil node on node_host:node_port."
        ),
    )
    rpc_max_lag: float = Field(
        default=30.0,
        gt=0,
        description=(
            "Several RPC endpoints: a node whose newest block is older than this many seconds while another"
            " endpoint has a newer one counts as fallen behind, and clients move to the other."
        ),
    )
    stall_timeout: float = Field(
        default=20.0,
        gt=0,
        description=(
            "Seconds without a new block, while a transaction waits for its receipt, after which the client"
            " raises ChainStalledError (a network without quorum) instead of waiting for tx_timeout."
        ),
    )
    finality_confirmations: int | None = Field(
        default=None,
        ge=1,
        description=(
            "Blocks (its own included) after which a block counts as final; the indexer indexes no block before"
            " that, and the client acknowledges a transaction only that deep. Unset: 1 (QBFT and the embedded"
            " node: final when sealed). Clique: floor(signers/2)+1, which `ledger network env` sets."
        ),
    )
    evm_version: Literal["london", "paris", "shanghai", "cancun"] | None = Field(
        default=None,
        description=(
            "solc evmVersion to compile for (the chain's EVM rules). Unset: contracts/compiler.json's (cancun)."
            " geth's Clique and GoQuorum need london; `ledger network env` prints the right value."
        ),
    )
    engine_binary: Path | None = Field(
        default=None,
        description="geth binary of `ledger network` (default: what scripts/build-engine builds in build/engines).",
    )
    chain_id: int = Field(
        default=31337,
        ge=1,
        description=(
            "Chain id of the embedded node. Each province's ledger needs a chain id of its own: signatures,"
            " consents and certificates are bound to it. 31337 is for development; set it per deployment."
        ),
    )
    recognised_chain_ids: list[int] = Field(
        default_factory=list,
        description=(
            "Chain ids of the other provinces whose registrations this ledger recognises, or will (JSON list,"
            " e.g. [4501, 5301]): deploying, starting the embedded node and starting the indexer refuse when this"
            " ledger's own chain has one of them."
        ),
    )
    node_host: str = "127.0.0.1"
    node_port: int = Field(default=8545, ge=1, le=65535)
    block_time: float = Field(
        default=1.0,
        ge=0,
        description="Embedded node block interval in seconds; 0 mines one block per transaction.",
    )
    block_gas_limit: int = Field(default=1_000_000_000, description="Embedded node block gas limit.")
    state_interval: int = Field(default=1, ge=1, description="Seconds between state dumps of the embedded node.")
    node_preserve_history: bool = Field(
        default=False,
        description=(
            "Embedded node: keep per-block state snapshots in the state file (anvil --preserve-historical-states),"
            " so historical-state queries survive restarts. Off by default: it costs ~30-80 KB of state file per"
            " block (empty blocks included), rewritten every state_interval. Blocks, receipts and logs survive"
            " restarts either way."
        ),
    )
    node_door: bool = Field(
        default=True,
        description=(
            "`ledger node start` publishes a journaling door in front of anvil: every raw transaction any"
            " client sends to the node's URL is journalled (fsync) before anvil sees it, and replayed after a crash."
        ),
    )
    confirmations: int = Field(default=1, ge=0, description="Blocks on top of a receipt before it counts as confirmed.")
    tx_timeout: float = Field(default=60.0, gt=0, description="Seconds to wait for a receipt.")
    keystore_password: str | None = Field(
        default=None,
        repr=False,
        description="Password of the keystore files (external chains; the write gateway's signing keys).",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "The indexer's store: sqlite:///path or postgresql://user@host/db (psycopg 3)."
            " Unset: SQLite file ledger.db in the data directory."
        ),
    )
    reorg_window: int = Field(
        default=128,
        ge=1,
        description=(
            "Indexer: how many blocks below its checkpoint a reorg may reach; a deeper one stops the indexer"
            " with an error naming the stored and the chain's block hash."
        ),
    )
    index_confirmations: int = Field(
        default=0,
        ge=0,
        description="Indexer: only index blocks with this many blocks on top (head - confirmations).",
    )
    index_batch_blocks: int = Field(
        default=2000,
        ge=1,
        description="Indexer: first eth_getLogs block range; it doubles while answers are small, halves on refusal.",
    )
    index_max_logs: int = Field(
        default=10_000,
        ge=1,
        description="Indexer: an eth_getLogs answer above this many logs shrinks the next range.",
    )
    index_retries: int = Field(
        default=10,
        ge=0,
        description="Indexer: retries of a failing read (timeout, 429, 5xx, malformed answer) before it stops.",
    )
    index_rpc_timeout: float = Field(default=10.0, gt=0, description="Indexer: seconds to wait for one node answer.")
    index_poll_interval: float = Field(
        default=0.15, gt=0, description="Indexer --follow: seconds between polls of the chain head."
    )
    index_leader_poll: float = Field(
        default=0.5,
        gt=0,
        description=(
            "Indexer: seconds between a standby indexer's tries to take the lead (several indexers of one store"
            " elect one leader; a killed leader is replaced within about this long)."
        ),
    )
    api_host: str = Field(default="127.0.0.1", description="`ledger serve`: address the HTTP API listens on.")
    api_port: int = Field(default=8000, ge=1, le=65535, description="`ledger serve`: port the HTTP API listens on.")
    api_cors_origins: list[str] = Field(
        default_factory=list,
        description=(
            "Origins allowed to call the HTTP API from a browser (CORS), e.g. [\"https://explorer.example\"]."
            " Empty (the default): no cross-origin access."
        ),
    )
    api_answer_cache_mb: float = Field(
        default=64.0,
        ge=0,
        description=(
            "HTTP API: megabytes of read answers each API process keeps and gives again while the indexed block"
            " stays the same (0: none)."
        ),
    )
    gateway_rate_per_second: float = Field(
        default=10.0,
        gt=0,
        description="Write gateway: requests per second each API key may make on average (token bucket refill).",
    )
    gateway_rate_burst: int = Field(
        default=20, ge=1, description="Write gateway: requests an API key may make at once (token bucket size)."
    )
    gateway_key_days: float = Field(
        default=365.0,
        ge=0,
        description=(
            "Write gateway: lifetime in days of a new API key when `ledger apikey create` is given no --expires-in"
            " (0: keys never expire unless told to)."
        ),
    )
    redis_url: str | None = Field(
        default=None,
        description=(
            "Redis (redis://host:port/db) for the API keys' rate limits and usage, shared by every API process."
            " Unset: they are kept in the store's database (LEDGER_DATABASE_URL), shared just the same."
        ),
    )
    redis_prefix: str = Field(
        default="ledger",
        min_length=1,
        max_length=64,
        description="Prefix of this ledger's keys in Redis (several ledgers may share one Redis).",
    )
    gateway_lease_seconds: float = Field(
        default=30.0,
        gt=0,
        description=(
            "Write gateway: how long a request that has not signed its transaction yet holds its Idempotency-Key;"
            " a retry after that (the first attempt's process died) takes the key over."
        ),
    )
    gateway_idempotency_hours: float = Field(
        default=24.0,
        gt=0,
        description=(
            "Write gateway: how long the answer to a request with an Idempotency-Key is kept for its retries;"
            " older finished records are deleted (hourly), so the same key then starts a new request."
        ),
    )
    governance_officers: list[str] = Field(
        default_factory=list,
        description=(
            "`ledger deploy`: the authority officers of the council (JSON list of addresses), the owners of its Safe."
            " Empty: on the embedded chain the dev officers (dev accounts 40-42); elsewhere deploying refuses."
        ),
    )
    governance_threshold: int | None = Field(
        default=None,
        ge=1,
        description="`ledger deploy`: how many council officers must sign (M of N). Unset: a majority.",
    )
    authority_name: str = Field(
        default="Guangxi Big Data Development Bureau",
        min_length=1,
        max_length=128,
        description="`ledger deploy`: the name the big-data authority (participant 1) is registered under.",
    )
    authority_region: int = Field(
        default=450000,
        ge=100000,
        le=999999,
        description="`ledger deploy`: the authority's six-digit administrative division code (its province's).",
    )
    authority_credit_code: str = Field(
        default="11450000MB0000001K",
        description=(
            "`ledger deploy`: the authority's unified social credit code (统一社会信用代码); the default is a made-up"
            " one that passes the check."
        ),
    )
    governance_delay: int | None = Field(
        default=None,
        ge=1,
        description=(
            "`ledger deploy`: seconds between the council scheduling a change and its earliest execution (the"
            " timelock), during which the guardian may cancel it. Unset: 2 days; 60 s on the embedded chain."
        ),
    )
    governance_guardians: list[str] = Field(
        default_factory=list,
        description=(
            "`ledger deploy`: the guardian's officers (JSON list of addresses), who can cancel a scheduled change."
            " Empty: on the embedded chain dev accounts 43-44; elsewhere deploying refuses."
        ),
    )
    governance_guardian_threshold: int | None = Field(
        default=None, ge=1, description="`ledger deploy`: how many guardian officers must sign. Unset: a majority."
    )
    governance_emergency_officers: list[str] = Field(
        default_factory=list,
        description="`ledger deploy`: the emergency officers (JSON list of addresses). Empty: the council's officers.",
    )
    governance_emergency_threshold: int = Field(
        default=1,
        ge=1,
        description=(
            "`ledger deploy`: how many emergency officers must sign a freeze or a suspension (effective at once)."
        ),
    )
    dev_keys: Literal["auto", "on", "off"] = Field(
        default="auto",
        description="Use anvil's well-known dev keys: 'auto' = only on the embedded chain.",
    )

    @field_validator("authority_credit_code")
    @classmethod
    def _credit_code(cls, value: str) -> str:
        from ledger.contracts.credit_code import normalise_credit_code  # raises a ValueError naming what is wrong

        return normalise_credit_code(value)

    @property
    def embedded(self) -> bool:
        return self.rpc_url is None

    @property
    def rpc_urls(self) -> list[str]:
        """Every configured endpoint, in order of preference (the embedded node's URL when unset)."""
        if self.rpc_url is None:
            return [f"http://{self.node_host}:{self.node_port}"]
        return [u.strip() for u in self.rpc_url.split(",") if u.strip()]

    @property
    def effective_rpc_url(self) -> str:
        """The first endpoint (use :func:`ledger.chain.connect_rpc` for failover over all of them)."""
        return self.rpc_urls[0]

    @property
    def effective_database_url(self) -> str:
        """The store's SQLAlchemy URL (plain ``postgresql://`` mapped to psycopg 3)."""
        from ledger.store import normalize_database_url

        return normalize_database_url(self.database_url or f"sqlite:///{self.data_dir / 'ledger.db'}")

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "deployment.json"
