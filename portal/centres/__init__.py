"""Learning centres: approval, completions and certificates (CHARTER.md section 4)."""
