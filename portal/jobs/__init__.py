"""Scheduled jobs. Each is a module-level function run through ``run_job``."""
