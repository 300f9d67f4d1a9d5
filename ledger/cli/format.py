"""Human-readable rendering of ledger values (pure, no I/O).

Shared by the CLI and the demo: amounts of the settlement token (2 decimals, shown in yuan),
certificate numbers, timestamps, enum names as the CLI spells them, and the Chinese terms of
the Guangxi regulation that the ledger's records correspond to.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum, IntFlag
from typing import Any, Final

from ledger.contracts.types import (
    AccountingCategory,
    AssetStatus,
    Category,
    Delivery,
    Derecognition,
    DisclosureKind,
    Grade,
    Kind,
    Measurement,
    ObjectionStatus,
    OrderStatus,
    OrderTarget,
    ParticipantStatus,
    QualityProblem,
    QualitySeverity,
    Right,
    Role,
    ValuationMethod,
    ValuationStatus,
)

__all__ = [
    "TERMS",
    "TOKEN_DECIMALS",
    "certificate_number",
    "choice_name",
    "format_amount",
    "format_time",
    "jsonable",
    "role_names",
    "term",
]

#: The settlement token has two decimals: amounts on chain are in fen, shown in yuan.
TOKEN_DECIMALS: Final[int] = 2

#: Chinese terms for enum members, as registries and exchanges say them. Keyed by ``(class, member)``:
#: IntEnum members of different enums compare equal when their values are.
_TERM_LIST: Final[list[tuple[Enum, str]]] = [
    (Category.PUBLIC, "公共数据"),
    (Category.ENTERPRISE, "企业数据"),
    (Category.PERSONAL, "个人信息数据"),
    (Grade.GENERAL, "一般数据"),
    (Grade.IMPORTANT, "重要数据"),
    (Grade.CORE, "核心数据"),
    (Kind.DATASET, "数据集"),
    (Kind.MODEL, "数据模型"),
    (Kind.SERVICE, "数据服务"),
    (Kind.VERIFICATION_PRODUCT, "核验产品"),
    (Right.HOLDING, "数据资源持有权"),
    (Right.PROCESSING, "数据加工使用权"),
    (Right.OPERATION, "数据产品经营权"),
    (AssetStatus.PENDING, "待审核"),
    (AssetStatus.REGISTERED, "已登记"),
    (AssetStatus.REJECTED, "已驳回"),
    (AssetStatus.CANCELLED, "已注销"),
    (ParticipantStatus.ACTIVE, "正常"),
    (ParticipantStatus.SUSPENDED, "暂停"),
    (ParticipantStatus.REVOKED, "撤销"),
    (Role.AUTHORITY, "大数据主管部门"),
    (Role.REGISTRAR, "登记机构"),
    (Role.EXCHANGE, "数据交易场所"),
    (Role.SETTLEMENT_BANK, "结算银行"),
    (Role.DATA_MERCHANT, "数据商"),
    (Role.SERVICE_PROVIDER, "第三方专业服务机构"),
    (Role.DATA_HOLDER, "数据持有者"),
    (Role.SUPERVISOR, "监管部门"),
    (Delivery.RIGHT, "产权转让"),
    (Delivery.LICENSE, "授权许可"),
    (ObjectionStatus.PENDING, "异议待受理"),
    (ObjectionStatus.OPEN, "异议审查中"),
    (ObjectionStatus.UPHELD, "异议成立"),
    (ObjectionStatus.DISMISSED, "异议驳回"),
    (OrderStatus.OPEN, "整改中"),
    (OrderStatus.CLOSED, "已整改"),
    (OrderTarget.PARTICIPANT, "主体"),
    (OrderTarget.ASSET, "数据资产"),
    (ValuationMethod.COST, "成本法"),
    (ValuationMethod.INCOME, "收益法"),
    (ValuationMethod.MARKET, "市场法"),
    (ValuationMethod.COMBINED, "综合法"),
    (ValuationStatus.FILED, "已备案"),
    (ValuationStatus.WITHDRAWN, "已撤回"),
    (ValuationStatus.REJECTED, "已驳回"),
    (AccountingCategory.INTANGIBLE_ASSET, "无形资产"),
    (AccountingCategory.INVENTORY, "存货"),
    (AccountingCategory.DEVELOPMENT_COST, "开发支出"),
    (Measurement.IMPAIRMENT, "减值"),
    (Measurement.AMORTISATION, "摊销"),
    (Derecognition.DISPOSAL, "处置"),
    (Derecognition.HOLDING_TRANSFERRED, "持有权转让"),
    (Derecognition.OTHER, "其他"),
    (DisclosureKind.TRADE_STATISTICS, "交易统计"),
    (DisclosureKind.RULE_CHANGE, "规则变更"),
    (DisclosureKind.INCIDENT, "重大事件"),
    (DisclosureKind.FEE_SCHEDULE, "收费标准"),
    (QualityProblem.ACCURACY, "准确性"),
    (QualityProblem.COMPLETENESS, "完整性"),
    (QualityProblem.TIMELINESS, "时效性"),
    (QualityProblem.CONSISTENCY, "一致性"),
    (QualityProblem.COMPLIANCE, "合规性"),
    (QualitySeverity.LOW, "轻微"),
    (QualitySeverity.MEDIUM, "一般"),
    (QualitySeverity.HIGH, "严重"),
    (QualitySeverity.CRITICAL, "重大"),
]
TERMS: Final[dict[tuple[type[Enum], str], str]] = {(type(m), m.name): zh for m, zh in _TERM_LIST}


def choice_name(member: Enum) -> str:
    """How the CLI spells an enum member: lower case, hyphens (``verification-product``)."""
    return (member.name or str(member.value)).lower().replace("_", "-")


def term(member: Enum) -> str:
    """``name (中文)``, or just the name when there is no Chinese term."""
    zh = TERMS.get((type(member), member.name))
    return f"{choice_name(member)} ({zh})" if zh else choice_name(member)


def role_names(roles: int) -> list[str]:
    """The CLI names of the roles in a bitmask, lowest bit first."""
    return [choice_name(r) for r in Role if int(r) & roles]


def format_amount(fen: int) -> str:
    """Token units (fen) as yuan with thousands separators: ``1234567`` -> ``¥12,345.67``."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 10**TOKEN_DECIMALS)
    return f"{sign}¥{whole:,}.{cents:0{TOKEN_DECIMALS}d}"


def certificate_number(region: int, serial: int) -> str:
    """The registration certificate number: ``DR-{region}-{serial:08d}``; empty if not (yet) registered."""
    return f"DR-{region}-{serial:08d}" if serial else ""


def format_time(timestamp: int) -> str:
    """Unix seconds as ISO 8601 in UTC; ``-`` for zero."""
    if timestamp <= 0:
        return "-"
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def jsonable(value: Any) -> Any:
    """Plain JSON types: bytes as 0x-hex, role masks as name lists, other enums by name, recursively."""
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, IntFlag):
        return role_names(int(value))
    if isinstance(value, Enum):
        return choice_name(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value
