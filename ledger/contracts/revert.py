"""The base class of decoded contract custom errors."""

from __future__ import annotations

from typing import Any, ClassVar

from ledger.errors import NonRetryableError

__all__ = ["ContractRevert", "UnknownRevert"]


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return repr(value)


class ContractRevert(NonRetryableError):
    """A transaction or call reverted with a custom error of one of the ledger's contracts.

    Subclasses (``ledger.contracts.errors``) are named after the Solidity error and carry its
    values as attributes; ``values`` has them as a dict, ``refusal`` says what sort of refusal
    it is: ``permission``, ``not_found``, ``conflict`` or ``invalid``.
    """

    signature: ClassVar[str] = ""
    refusal: ClassVar[str] = "invalid"
    fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, values: dict[str, Any] | None = None, *, data: bytes = b"", operation: str = "") -> None:
        self.values: dict[str, Any] = dict(values or {})
        self.data = data
        self.operation = operation
        for key, value in self.values.items():
            setattr(self, key, value)
        shown = ", ".join(f"{k}={_show(v)}" for k, v in self.values.items())
        where = f"{operation}: " if operation else ""
        super().__init__(f"{where}{type(self).__name__}({shown})")

    @property
    def name(self) -> str:
        return type(self).__name__


class UnknownRevert(ContractRevert):
    """A revert whose data matches no known custom error (raw data in ``data``)."""

    def __init__(self, data: bytes = b"", *, operation: str = "", reason: str = "") -> None:
        super().__init__({}, data=data, operation=operation)
        self.reason = reason
        self.args = (f"{operation + ': ' if operation else ''}reverted ({reason or '0x' + data.hex()})",)
