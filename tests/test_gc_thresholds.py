"""A command's process never walks its whole heap for cycles (cli.main.run); a server's workers do (they run for
months, and web/portfolio.py pauses the collector only while it computes)."""

from __future__ import annotations

import gc
import sys

import pytest


@pytest.fixture
def thresholds():
    before, interval = gc.get_threshold(), sys.getswitchinterval()
    yield
    gc.set_threshold(*before)
    sys.setswitchinterval(interval)


def test_a_command_collects_only_the_young_generations(thresholds, monkeypatch, capsys):
    from cli import main

    monkeypatch.setattr(sys, "argv", ["contracts", "--version"])
    main.run()
    assert "contracts " in capsys.readouterr().out
    young, middle, oldest = gc.get_threshold()
    assert (young, middle) == main.DEFAULT_GC_THRESHOLDS[:2] and oldest >= 10**9


def test_a_server_worker_puts_the_collector_back(thresholds, monkeypatch):
    from cli import main
    from web import app

    gc.set_threshold(700, 10, 10**9)  # as `contracts serve` leaves them, started from cli.main.run
    monkeypatch.setattr(app, "create_app", lambda settings: "the app")
    monkeypatch.setattr(app.Settings, "from_environment", staticmethod(lambda: None))
    assert app.from_environment() == "the app"
    assert gc.get_threshold() == main.DEFAULT_GC_THRESHOLDS
