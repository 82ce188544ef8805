"""Security controls shared by every area: sign-in throttling, HTTP headers, input guards,
upload checks, log redaction and the object access policy (see docs/SECURITY.md)."""
