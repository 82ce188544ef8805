"""Personal data: a person downloads everything held about them, and asks for erasure,
which staff carry out within one calendar month (docs/SECURITY.md, V14). The pages are
``portal.auth.my_data`` and ``portal.staff.erasures``."""
