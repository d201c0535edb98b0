"""Library errors in command-line words: one line that names the flag, setting or command that fixes it.

The words come from the one translator, :func:`galleryk.base.problems.explain`; this module is
its phrasebook for a terminal (commands to run, variables to set, flags to add). Exit status 2
means "what you gave galleryk is wrong: fix the flag, name or setting"; 1 means "something
failed on the way or at the service; rerunning may help".
"""

from __future__ import annotations

from ..base.errors import GallerykError
from ..base.problems import NAMES, Context, Phrasebook, with_article
from ..base.problems import explain as explain_problem
from ..base.settings import ADDRESS_KEYS, ConfigError, config_path, env_name, settings

USAGE = 2
FAILURE = 1


class UsageError(GallerykError):
    """The command line asks for something that cannot be done; ``galleryk`` exits 2 with the message."""


class CommandFailed(GallerykError):
    """The command could not do its job (the message says why and what next); ``galleryk`` exits 1."""


def setting_hint(service: str, *keys: str) -> str:
    """Where a user sets ``keys`` of ``service``: "GALLERYK_X and GALLERYK_Y (or x and y under [service] in FILE)"."""
    names = " and ".join(env_name(service, k) for k in keys)
    return f"{names} (or {' and '.join(keys)} under [{service}] in {config_path()})"


class Terminal(Phrasebook):
    """Remedies as a terminal user carries them out: a command, a variable, a flag."""

    def not_signed_in(self, service: str | None, how: str | None) -> str:
        name = NAMES.get(service or "", service or "the service")
        if how == "password":
            return f"not signed in to {name}: set {setting_hint(service or '', 'username', 'password')}"
        return f"not signed in to {name}: run `galleryk login {service or 'fotki'}`"

    def sign_in_again(self, service: str | None) -> str:
        return f"run `galleryk login {service or 'fotki'}`"

    def more_permission(self, service: str | None) -> str:
        return f"run `galleryk login {service or 'fotki'} --perms write` (or --perms delete)"

    def new_approval(self, service: str | None) -> str:
        return f"run `galleryk login {service or 'fotki'}` for a new one"

    def check(self, service: str | None, *keys: str) -> str:
        return f"check {setting_hint(service or 'fotki', *keys)}"

    def token_given(self, service: str | None) -> str | None:
        try:
            given = "token" in settings(service or "fotki")
        except ConfigError:
            given = False
        if not given:
            return None
        return f"remove it from {setting_hint(service or 'fotki', 'token')}, then run `galleryk login {service}`"

    def create(self, context: Context) -> str:
        return "add --create to make it"

    def album_option(self) -> str:
        return "--album"

    def create_from_title(self, noun: str) -> str:
        return f"--create makes {with_article(noun)} from a title, not from an id"

    def cannot_create(self, service: str | None, noun: str) -> str:
        return f"--create cannot make {noun}s on this {NAMES.get(service or '', service or 'service')}"

    def by_id(self, service: str | None, noun: str) -> str:
        return f"pass the id of the one you mean with --album (`galleryk albums --service {service}` lists the ids)"

    def more_choices(self, service: str | None, noun: str, more: int) -> str:
        return f"and {more} more (see `galleryk albums --service {service}`)"

    def try_again(self) -> str:
        return "try again (a push resumes where it stopped)"

    def details(self) -> str:
        return "--debug shows the details"

    def address(self, service: str | None) -> str:
        keys = ADDRESS_KEYS.get(service or "")
        return f"Check {setting_hint(service or '', *keys)}." if keys else ""

    def unexpected(self, exc: BaseException) -> str:
        return f"unexpected {type(exc).__name__}: {exc}. Rerun with --debug for the traceback, and please report it"


TERMINAL = Terminal()


def explain(exc: BaseException, ctx: Context) -> tuple[str, int]:
    """The one line to print for ``exc`` and the exit status."""
    if isinstance(exc, UsageError):
        return str(exc), USAGE
    if isinstance(exc, CommandFailed):
        return str(exc), FAILURE
    problem = explain_problem(exc, TERMINAL, ctx)
    text = problem.text
    if isinstance(exc, ConfigError) and not config_path().exists():
        text = (
            f"{text}. To try galleryk without an account: run `galleryk sandbox --seed` and export the "
            "GALLERYK_CONFIG it prints"
        )
    if isinstance(exc, OSError) and not isinstance(exc, GallerykError):
        return text, FAILURE
    return text, USAGE if problem.usage else FAILURE


__all__ = [
    "FAILURE",
    "TERMINAL",
    "USAGE",
    "CommandFailed",
    "Context",
    "Terminal",
    "UsageError",
    "explain",
    "setting_hint",
]
