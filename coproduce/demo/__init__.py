"""The demo: content (plain data), a builder that writes it through the services, and a
bulk synthetic caseload for benchmarks. Used by `manage.py seed_demo`."""
