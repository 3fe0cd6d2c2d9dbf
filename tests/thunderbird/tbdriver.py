#!/usr/bin/python3
"""Runs one Thunderbird test scenario against the simulated card.

    tbdriver.py sign | decrypt-pkcs1 | decrypt-oaep | devices

Each run has its own temporary directory (HOME, XDG dirs, profile, logs), its
own pcscd + carta-sim (scripts/simcard, the prepared card ready.state), its own
Thunderbird (headless, Marionette on an OS-chosen port) and, for sending, its
own SMTP sink on loopback. Everything started is stopped by PID or process
group. Environment (set by CMakeLists.txt): CARTA_PKCS11_MODULE, CARTA_SIM,
CARTA_SIMCARD_SCRIPT, CARTA_PKCS11_TEST_CARDS; CARTA_KEEP_TEST_DIR=1 keeps the
directory for a post-mortem. Exit status 0 only if every check passed.
Run by the system's Python 3 (standard library only): a python3 found on PATH may be a
version manager's shim that costs seconds per start.
Python 3 standard library only.
"""

import os
import shutil
import signal
import sys
import tempfile
import time

import decrypt_scenario
import devices_scenario
import sign_scenario
from simulated_card import SimulatedCard

SCENARIOS = {
    "sign": sign_scenario.run,
    "decrypt-pkcs1": lambda test: decrypt_scenario.run(test, oaep=False),
    "decrypt-oaep": lambda test: decrypt_scenario.run(test, oaep=True),
    "devices": devices_scenario.run,
}


class TestRun:
    """What a scenario works with, and what it found."""

    # The prepared card (tests/pkcs11/make_test_cards.cpp).
    TOKEN = "carta test"
    PIN = "123456"
    NICKNAME = "carta test:Jan Testowy"
    EMAIL = "jan@example.com"
    FULL_NAME = "Jan Testowy"

    def __init__(self, work, card_env):
        self.work = work
        self.module = os.environ["CARTA_PKCS11_MODULE"]
        self.cards = os.environ["CARTA_PKCS11_TEST_CARDS"]
        self.profile = os.path.join(work, "profile")
        self.log = os.path.join(work, "thunderbird.log")
        self.trace = os.path.join(work, "apdu.trace")
        # NSS's tools preparing the profile: the card, but no APDU trace.
        self.tools_env = _isolated_env(work, card_env)
        self.thunderbird_env = dict(self.tools_env, CARTA_APDU_TRACE=self.trace)
        self.failures = []

    def card_file(self, name):
        return os.path.join(self.cards, name)

    def check(self, condition, failure):
        if not condition:
            self.failures.append(failure)

    def check_pin_prompts(self, prompts, expected):
        print("PIN prompts: %d" % len(prompts.texts))
        for text in prompts.texts:
            print("  prompt: %s" % text)
        self.check(len(prompts.texts) == expected,
                   "%d PIN prompts, expected %d" % (len(prompts.texts), expected))
        for text in prompts.naming_other_tokens():
            self.failures.append("a PIN prompt not for token %r: %r" % (self.TOKEN, text))


def _isolated_env(work, card_env):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "CARTA_APDU_TRACE")}
    home = os.path.join(work, "home")
    env.update(card_env)
    env.update(HOME=home, XDG_CONFIG_HOME=home + "/.config", XDG_CACHE_HOME=home + "/.cache",
               XDG_DATA_HOME=home + "/.local/share", XDG_RUNTIME_DIR=os.path.join(work, "xdg-run"),
               TMPDIR=os.path.join(work, "tmp"), MOZ_HEADLESS="1", MOZ_CRASHREPORTER_DISABLE="1")
    for directory in (home, env["XDG_RUNTIME_DIR"], env["TMPDIR"]):
        os.makedirs(directory, mode=0o700, exist_ok=True)
    return env


def _run(scenario, work):
    """The failures of one run of scenario."""
    try:
        with SimulatedCard(os.environ["CARTA_SIMCARD_SCRIPT"], os.environ["CARTA_SIM"],
                           os.path.join(os.environ["CARTA_PKCS11_TEST_CARDS"], "ready.state"),
                           os.path.join(work, "card")) as card:
            test = TestRun(work, card.env)
            SCENARIOS[scenario](test)
            return test.failures
    except Exception as error:  # the run itself broke (timeout, dead process...): say what
        return ["%s: %s" % (type(error).__name__, error)]


def main(argv):
    if len(argv) != 2 or argv[1] not in SCENARIOS:
        print("usage: tbdriver.py %s" % " | ".join(SCENARIOS), file=sys.stderr)
        return 64
    # ctest's timeout and Ctrl-C: unwind, so that every `with` stops what it started.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupted)
    # Short path: pcscd's socket lives in here (Unix socket paths are limited to 108 bytes).
    work = tempfile.mkdtemp(prefix="carta-tb.", dir="/tmp")
    try:
        return _report(argv[1], work)
    finally:
        if os.environ.get("CARTA_KEEP_TEST_DIR") == "1":
            print("kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


def _report(scenario, work):
    started = time.monotonic()
    failures = _run(scenario, work)
    print("run: %.1f s in all (card, profile, Thunderbird)" % (time.monotonic() - started))
    for failure in failures:
        print("FAIL: %s" % failure, file=sys.stderr)
    if failures:
        _show_log(os.path.join(work, "thunderbird.log"))
        return 1
    print("OK")
    return 0


def _interrupted(signum, _frame):
    raise KeyboardInterrupt("signal %d" % signum)


# Headless GTK's complaints about the missing screen: noise in every log.
_LOG_NOISE = ("Gtk-CRITICAL", "gtk_icon_theme", "GDK_IS_SCREEN")


def _show_log(path, lines=30):
    try:
        with open(path, errors="replace") as f:
            tail = [line for line in f if line.strip() and not any(n in line for n in _LOG_NOISE)][-lines:]
    except FileNotFoundError:
        return
    print("---- last lines of %s" % os.path.basename(path), file=sys.stderr)
    sys.stderr.writelines(tail)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
