"""`python -m coldcheck` runs the CLI."""

from coldcheck.cli import main

main()
