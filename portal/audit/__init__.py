"""The audit log: who did what, to what, when (UTC) and from where. Append-only.

Every area records through :func:`portal.audit.services.record`; admins search it at
/admin/audit. See docs/SECURITY.md (V16).
"""
