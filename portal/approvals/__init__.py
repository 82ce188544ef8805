"""Learning centre approval: applications, documents and decisions (CHARTER.md section 4)."""
