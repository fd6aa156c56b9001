"""The command-line program: parse, call db and contracts, render. No business rules here."""
