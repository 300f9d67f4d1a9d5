"""Errors of certificate handling and cross-checks."""

from __future__ import annotations

from ledger.errors import NonRetryableError

__all__ = ["CertificateError", "CertificateFormatError", "CertificateMismatch", "CertificateSignatureError"]


class CertificateError(NonRetryableError):
    """A registration certificate is malformed, badly signed, or does not match its issuing chain."""


class CertificateFormatError(CertificateError):
    """The certificate file is not a well-formed certificate (fields, domain, hash formats)."""


class CertificateSignatureError(CertificateError):
    """A signature does not recover to the registrar it names, or names no registrar."""


class CertificateMismatch(CertificateError):
    """The issuing chain disagrees with the certificate (chain id, registry record, registrar roles)."""
