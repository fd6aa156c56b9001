"""Persistence: SQLModel tables, engines from URLs, migrations, and the store."""
