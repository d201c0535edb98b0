"""The ``galleryk`` command as a command: --version, --help in plain text, one-line errors, --debug tracebacks."""

from __future__ import annotations

import importlib.metadata
import socket
import warnings

import pytest

import galleryk
from galleryk.cli import build_parser

COMMANDS = ["demo", "sandbox", "login", "logout", "albums", "photos", "push", "lab", "app", "cache"]
TRACEBACK = "Traceback (most recent call last)"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_version_prints_the_package_version(cli):
    r = cli("--version")
    assert (r.code, r.out.strip()) == (0, f"galleryk {galleryk.__version__}")
    assert galleryk.__version__ == importlib.metadata.version("galleryk")


@pytest.mark.parametrize("argv", [[], *[[c] for c in COMMANDS]], ids=["galleryk", *COMMANDS])
def test_help_is_plain_text_without_markup(cli, argv):
    r = cli(*argv, "--help")
    assert r.code == 0
    assert "usage: galleryk" in r.out
    for markup in ("`", ":mod:", ":func:", ":class:", "**"):
        assert markup not in r.out


def test_every_command_is_listed_in_the_main_help(cli):
    out = cli("--help").out
    for name in COMMANDS:
        assert f"    {name} " in out


def test_no_command_shows_the_help_and_exits_2(cli):
    r = cli()
    assert r.code == 2
    assert "usage: galleryk" in r.err and "push" in r.err


@pytest.mark.parametrize(
    "argv, names",
    [
        (["frobnicate"], ["invalid choice: 'frobnicate'"]),
        (["push"], ["folder", "--to"]),
        (["albums", "--service", "flickr"], ["--service", "'flickr'"]),
        (["albums", "-s", "fotki", "--colour"], ["--colour"]),
    ],
)
def test_usage_errors_are_one_line_naming_the_argument_with_exit_2(cli, argv, names):
    r = cli(*argv)
    assert r.code == 2
    (line,) = r.err.strip().splitlines()
    assert line.startswith("galleryk")
    assert line.endswith("--help")
    for name in names:
        assert name in line


def test_a_title_without_quotes_names_the_command_help_and_says_to_quote_it(cli):
    r = cli("photos", "--service", "fotki", "--album", "Harbour", "walk")
    assert r.code == 2
    assert r.err == (
        "galleryk photos: unrecognized arguments: walk (put a name with spaces in quotes: "
        '--album "Old town"); see: galleryk photos --help\n'
    )


def test_not_signed_in_is_one_line_naming_the_login_command(app_env, cli):
    r = cli("albums", "--service", "fotki")
    assert r.code == 2
    assert r.err == "galleryk albums: not signed in to Fotki: run `galleryk login fotki`\n"


@pytest.mark.parametrize(
    "argv", [["--debug", "albums", "-s", "fotki"], ["albums", "-s", "fotki", "--debug"]], ids=["before", "after"]
)
def test_debug_brings_the_traceback_back(app_env, cli, argv):
    r = cli(*argv)
    assert r.code == 2
    assert TRACEBACK in r.err and "NotSignedIn" in r.err
    assert r.err.strip().splitlines()[-1] == "galleryk albums: not signed in to Fotki: run `galleryk login fotki`"


def test_galleryk_debug_in_the_environment_does_the_same(app_env, cli, monkeypatch):
    monkeypatch.setenv("GALLERYK_DEBUG", "1")
    assert TRACEBACK in cli("albums", "-s", "fotki").err


@pytest.mark.parametrize(
    "service, variable, path",
    [
        ("coppermine", "GALLERYK_COPPERMINE_URL", "/cpg"),
        ("fotki", "GALLERYK_FOTKI_API_URL", "/fotki/v2flkr"),
    ],
)
def test_a_server_that_is_not_there_is_one_line_naming_the_setting_with_exit_1(
    cli_env, cli, monkeypatch, service, variable, path
):
    url = f"http://127.0.0.1:{closed_port()}{path}"
    monkeypatch.setenv(variable, url)
    r = cli("albums", "-s", service)
    assert r.code == 1
    (line,) = r.err.strip().splitlines()
    assert line.startswith("galleryk albums: ") and url in line
    assert "is the server running" in line and variable in line and TRACEBACK not in r.err


def test_a_wrong_fotki_address_is_one_line_naming_the_setting(cli_env, cli, monkeypatch, sandbox):
    monkeypatch.setenv("GALLERYK_FOTKI_API_URL", f"{sandbox.url}/nothing-here")
    r = cli("albums", "-s", "fotki")
    assert r.code == 1
    (line,) = r.err.strip().splitlines()
    assert "HTTP 404" in line and "GALLERYK_FOTKI_API_URL" in line
    assert "api_sig" not in line and "auth_token" not in line


@pytest.mark.parametrize(
    "variable, value, named",
    [
        ("GALLERYK_FOTKI_SECRET", "0000000000000000", "GALLERYK_FOTKI_SECRET"),
        ("GALLERYK_FOTKI_API_KEY", "not-a-key", "GALLERYK_FOTKI_API_KEY"),
        ("GALLERYK_FOTKI_TOKEN", "not-a-token", "GALLERYK_FOTKI_TOKEN"),
    ],
)
def test_fotki_refusing_the_credentials_names_the_setting_to_fix(cli_env, cli, monkeypatch, variable, value, named):
    monkeypatch.setenv(variable, value)
    r = cli("albums", "-s", "fotki")
    assert r.code == 2
    (line,) = r.err.strip().splitlines()
    assert named in line
    assert not any(f"{code}:" in line for code in (96, 98, 100))


def test_an_unexpected_error_is_one_line_pointing_at_debug(cli_env, cli, monkeypatch):
    def broken(service):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("galleryk.cli.listing_cmds.connect", broken)
    r = cli("albums", "-s", "fotki")
    assert r.code == 1
    assert r.err == (
        "galleryk albums: unexpected ZeroDivisionError: division by zero. Rerun with --debug for the "
        "traceback, and please report it\n"
    )


def test_warnings_are_one_plain_line_without_source(cli_env, cli, monkeypatch):
    def warns(service):
        warnings.warn("mind the gap", UserWarning, stacklevel=1)
        raise galleryk.GallerykError("stop here")

    monkeypatch.setattr("galleryk.cli.listing_cmds.connect", warns)
    r = cli("albums", "-s", "fotki")
    assert r.err == "galleryk albums: warning: mind the gap\ngalleryk albums: stop here\n"


def test_the_parser_has_every_command():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sorted(sub.choices) == sorted(COMMANDS)
