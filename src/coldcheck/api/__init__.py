"""The HTTP API (FastAPI): every command and question, behind accounts and roles."""
