"""``galleryk sandbox``: run the local Fotki + Coppermine stand-in until Ctrl-C, and say how to reach it."""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import threading
from pathlib import Path

from .. import sandbox as sandbox_mod
from ..base.settings import write_config
from ..sandbox.faults import KINDS
from .argtypes import port, positive, seconds, share
from .errors import UsageError


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "sandbox",
        parents=[common],
        help="run the local Fotki + Coppermine stand-in server",
        description="Run a local server on 127.0.0.1 that plays both Fotki and Coppermine, until "
        "Ctrl-C. It prints the settings to export so that the other commands use it.",
    )
    p.add_argument("--port", type=port, default=0, metavar="N", help="port on 127.0.0.1 (default: a free one)")
    p.add_argument(
        "--data", type=Path, default=Path("sandbox-data"), metavar="DIR", help="data folder (default: ./sandbox-data)"
    )
    p.add_argument("--seed", action="store_true", help="create demo users, albums and photos on first start")
    p.add_argument("--stock", action="store_true", help="Coppermine without the cpgAPI add-on (api/ answers 404)")
    p.add_argument("--charset", choices=["utf-8", "iso-8859-1"], default="utf-8", help="Coppermine's charset")
    p.add_argument("--latency", type=seconds, default=0.0, metavar="SECONDS", help="seconds added to every answer")
    for kind in KINDS:
        p.add_argument(
            f"--{kind.replace('_', '-')}",
            type=share,
            default=0.0,
            metavar="SHARE",
            help=f"share of requests (0 to 1) hit by the {kind.replace('_', ' ')} fault",
        )
    p.add_argument(
        "--redirect-to", metavar="URL", help="where the redirect 307/308 faults point (default: port 9 here)"
    )
    p.add_argument(
        "--drip-seconds",
        type=seconds,
        default=1.0,
        metavar="SECONDS",
        help="seconds between the bytes of the drip fault",
    )
    p.add_argument(
        "--rate-limit",
        type=positive,
        metavar="N",
        help="answer requests beyond N in any --rate-window seconds with --rate-status and Retry-After (per service)",
    )
    p.add_argument(
        "--rate-window", type=seconds, default=1.0, metavar="SECONDS", help="the rate limit's window (default: 1)"
    )
    p.add_argument(
        "--rate-status", type=int, choices=[429, 503], default=429, help="the rate limit's status (default: 429)"
    )
    p.add_argument("--quiet", action="store_true", help="do not log requests")
    p.set_defaults(func=_cmd_sandbox)


def _check_port_free(port_number: int) -> None:
    """A usage error, naming --port, when the port is taken (the server itself would print and exit)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is no obstacle
        try:
            probe.bind(("127.0.0.1", port_number))
        except OSError:
            raise UsageError(
                f"port {port_number} on 127.0.0.1 is in use: choose another --port, or leave it out to get a free one"
            ) from None


def _cmd_sandbox(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(asctime)s %(message)s")
    if args.port:
        _check_port_free(args.port)
    if args.data.exists() and not args.data.is_dir():
        raise UsageError(f"--data {args.data}: that is a file, not a folder")
    settings = sandbox_mod.SandboxSettings(coppermine_api=not args.stock, coppermine_charset=args.charset)
    sb = sandbox_mod.start(args.data, seed=args.seed, port=args.port, settings=settings)
    faults = {kind: getattr(args, kind) for kind in KINDS if getattr(args, kind)}
    if args.rate_limit:
        faults.update(rate_limit=args.rate_limit, rate_window=args.rate_window, rate_status=args.rate_status)
    if faults or args.latency:
        try:
            sb.faults.set(
                None, latency=args.latency, redirect_to=args.redirect_to, drip_seconds=args.drip_seconds, **faults
            )
        except ValueError as exc:
            sb.stop()
            raise UsageError(str(exc)) from None
    print(f"galleryk sandbox running at {sb.url}  (data in {sb.data_dir})")
    print(f"  Fotki API:      {sb.fotki_api_url}/<method>")
    print(f"  Fotki auth:     {sb.fotki_auth_url}")
    config = write_config(
        sb.data_dir / "galleryk.ini",
        {
            "fotki": {
                "api_key": sb.api_key,
                "secret": sb.secret,
                "api_url": sb.fotki_api_url,
                "auth_url": sb.fotki_auth_url,
            },
            "coppermine": {"url": sb.coppermine_url, "username": "alice", "password": sb.users["alice"]},
        },
    )
    print(f"  Fotki api_key:  {sb.api_key}   (the secret is in {config}, mode 600)")
    print(f"  Coppermine:     {sb.coppermine_url}/" + ("  (stock, no api/)" if args.stock else "  (with api/)"))
    print("  Demo users:     " + ", ".join(f"{u} / {p}" for u, p in sb.users.items()))
    print("To use it from another terminal (the galleryk command reads this file):")
    print(f"  export GALLERYK_CONFIG={config}")
    print("  galleryk login fotki     # prints the approval link; demo users sign in with the passwords above")
    print("  galleryk albums --service coppermine")
    print("Press Ctrl-C to stop.", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sb.stop()
        print("sandbox stopped", flush=True)
    return 0
