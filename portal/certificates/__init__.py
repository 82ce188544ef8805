"""Learners' completions and certificates (CHARTER.md section 4, certificate)."""
