"""The `coldcheck` command line (Typer + Rich)."""

from coldcheck.cli.app import app, main

__all__ = ["app", "main"]
