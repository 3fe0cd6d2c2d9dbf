"""Decrypt: a message encrypted to the card's certificate by OpenSSL (RSA
PKCS#1 v1.5 or RSA-OAEP key transport) lies in Local Folders' Inbox;
Thunderbird opens it, and the body its message pane shows must be the
plaintext, after exactly one PIN prompt, for the card's common profile.
"""

import os
import subprocess
import time

import ui
from pin_prompts import PinPrompts
from profile import add_local_message, write_profile
from thunderbird import Thunderbird

BODY = "Secret for Jan, decrypted through carta by Thunderbird."
TIMEOUT = 60  # per phase: a hung Thunderbird fails the test in bounded time
SUCCESS = 0  # nsICMSMessageErrors.SUCCESS


def run(run, oaep):
    write_profile(run.profile, module=run.module, ca_pem_path=run.card_file("ca.pem"), smtp_port=1,
                  email=run.EMAIL, full_name=run.FULL_NAME, env=run.tools_env)
    add_local_message(run.profile, "Inbox", _encrypted_message(run, oaep))
    started = time.monotonic()
    with Thunderbird(run.profile, run.thunderbird_env, run.log) as tb:
        prompts = PinPrompts(tb.marionette, run.TOKEN, run.PIN)
        ui.wait_until(prompts, lambda: ui.main_window_ready(tb.marionette), TIMEOUT,
                                   "the main window")
        start = (run.trace.since_mark(), time.monotonic() - started, len(prompts.texts))
        opening = time.monotonic()
        ui.show_folder(tb.marionette, "Inbox")
        ui.wait_until(prompts, lambda: ui.select_first_message(tb.marionette), TIMEOUT,
                                   "the message in the Inbox")
        shown = ui.wait_until(prompts, lambda: _shown_or_failed(tb.marionette), TIMEOUT,
                              "the message's body")
        opened = (run.trace.since_mark(), time.monotonic() - opening, len(prompts.texts) - start[2])
    print("Thunderbird starts (to the main window): %d APDUs, %.1f s, %d PIN prompts" % start)
    print("one message opened (to its body shown): %d APDUs, %.1f s, %d PIN prompts" % opened)
    print("decryption status: %s, shown body: %r" % (shown["encryption"], shown["body"]))
    run.check(shown["encryption"] == SUCCESS, "Thunderbird reports no successful decryption")
    run.check((shown["body"] or "").strip() == BODY, "the body shown is not the plaintext")
    run.check_pin_prompts(prompts, expected=1)


def _shown_or_failed(marionette):
    """The message pane's state once it shows a body or Thunderbird reports a
    failed decryption (so that a failure does not wait for the timeout)."""
    shown = ui.shown_message(marionette)
    failed = shown["encryption"] not in (None, SUCCESS)
    return shown if shown["body"] is not None or failed else None


def _encrypted_message(run, oaep):
    """An RFC 5322 message whose whole body is enveloped to the card's certificate."""
    inner = os.path.join(run.work, "inner.txt")
    with open(inner, "wb") as f:
        f.write(b"Content-Type: text/plain; charset=UTF-8\r\n\r\n" + BODY.encode() + b"\r\n")
    padding = ["-keyopt", "rsa_padding_mode:oaep"] if oaep else []
    enveloped = subprocess.run(
        ["openssl", "cms", "-encrypt", "-aes256", "-in", inner, "-recip", run.card_file("rsa-cert.pem")]
        + padding, check=True, stdout=subprocess.PIPE, timeout=30).stdout
    headers = ("From: Sender <sender@example.com>\r\nTo: %s <%s>\r\n"
               "Subject: carta encrypted test\r\nDate: Tue, 01 Dec 2026 08:00:00 +0000\r\n"
               "Message-ID: <carta-decrypt-test@example.com>\r\n" % (run.FULL_NAME, run.EMAIL))
    return headers.encode() + enveloped
