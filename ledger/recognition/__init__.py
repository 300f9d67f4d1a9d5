"""Cross-province mutual recognition: signed registration certificates and cross-checks."""

from __future__ import annotations

from ledger.recognition.certificates import (
    Certificate,
    CertificateDomain,
    CertificateFile,
    ChainReader,
    certificate_number,
    issue_certificate,
    read_certificate,
    sign_certificate,
    verify_against_chain,
    verify_offline,
    write_certificate,
)
from ledger.recognition.errors import (
    CertificateError,
    CertificateFormatError,
    CertificateMismatch,
    CertificateSignatureError,
)

__all__ = [
    "Certificate",
    "CertificateDomain",
    "CertificateError",
    "CertificateFile",
    "CertificateFormatError",
    "CertificateMismatch",
    "CertificateSignatureError",
    "ChainReader",
    "certificate_number",
    "issue_certificate",
    "read_certificate",
    "sign_certificate",
    "verify_against_chain",
    "verify_offline",
    "write_certificate",
]
