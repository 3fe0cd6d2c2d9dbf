"""Decrypt: a message encrypted to the card's certificate by OpenSSL (RSA
PKCS#1 v1.5 or RSA-OAEP key transport) lies in Local Folders' Inbox;
Thunderbird opens it, and the body its message pane shows must be the
plaintext, after exactly one PIN prompt, for the card's common profile.
"""

import os
import subprocess

import ui
from phases import Phase
from pin_prompts import PinPrompts
from profile import add_local_message, write_profile
from thunderbird import Thunderbird

BODY = "Secret for Jan, decrypted through carta by Thunderbird."
TIMEOUT = 60  # per phase: a hung Thunderbird fails the test in bounded time
SUCCESS = 0  # nsICMSMessageErrors.SUCCESS


def run(test, oaep):
    write_profile(test.profile, module=test.module, ca_pem_path=test.card_file("ca.pem"), smtp_port=1,
                  email=test.EMAIL, full_name=test.FULL_NAME, env=test.tools_env)
    add_local_message(test.profile, "Inbox", _encrypted_message(test, oaep))
    start = Phase("Thunderbird starts (to the main window)", test.trace)
    with Thunderbird(test.profile, test.thunderbird_env, test.log) as tb:
        prompts = PinPrompts(tb.marionette, test.TOKEN, test.PIN)
        ui.wait_until(prompts, lambda: ui.main_window_ready(tb.marionette), TIMEOUT, "the main window")
        start.end(prompts)
        opening = Phase("one message opened (to its body shown)", test.trace, prompts)
        ui.show_folder(tb.marionette, "Inbox")
        ui.wait_until(prompts, lambda: ui.select_first_message(tb.marionette), TIMEOUT, "the message")
        shown = ui.wait_until(prompts, lambda: _shown_or_failed(tb.marionette), TIMEOUT, "the message's body")
        opening.end(prompts)
    print("decryption status: %s, shown body: %r" % (shown["encryption"], shown["body"]))
    test.check(shown["encryption"] == SUCCESS, "Thunderbird reports no successful decryption")
    test.check((shown["body"] or "").strip() == BODY, "the body shown is not the plaintext")
    test.check_pin_prompts(prompts, expected=1)


def _shown_or_failed(marionette):
    """The message pane's state once it shows a body or Thunderbird reports a
    failed decryption (so that a failure does not wait for the timeout)."""
    shown = ui.shown_message(marionette)
    failed = shown["encryption"] not in (None, SUCCESS)
    return shown if shown["body"] is not None or failed else None


def _encrypted_message(test, oaep):
    """An RFC 5322 message whose whole body is enveloped to the card's certificate."""
    inner = os.path.join(test.work, "inner.txt")
    with open(inner, "wb") as f:
        f.write(b"Content-Type: text/plain; charset=UTF-8\r\n\r\n" + BODY.encode() + b"\r\n")
    padding = ["-keyopt", "rsa_padding_mode:oaep"] if oaep else []
    enveloped = subprocess.run(
        ["openssl", "cms", "-encrypt", "-aes256", "-in", inner, "-recip", test.card_file("rsa-cert.pem")]
        + padding, check=True, stdout=subprocess.PIPE, timeout=30).stdout
    headers = ("From: Sender <sender@example.com>\r\nTo: %s <%s>\r\n"
               "Subject: carta encrypted test\r\nDate: Tue, 01 Dec 2026 08:00:00 +0000\r\n"
               "Message-ID: <carta-decrypt-test@example.com>\r\n" % (test.FULL_NAME, test.EMAIL))
    return headers.encode() + enveloped
