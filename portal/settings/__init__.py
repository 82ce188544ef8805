"""Charter settings kept in the database: calendar corrections, office hours and the
versioned promise targets. Admins change them; every area reads them through
``portal.settings.services``."""
