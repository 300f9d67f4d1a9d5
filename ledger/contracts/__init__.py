"""ABIs, codecs, typed errors and deployment of the ledger contracts."""
