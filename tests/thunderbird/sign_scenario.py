"""Sign: Thunderbird composes and sends a signed message through the card to an
SMTP sink; the message must arrive multipart/signed and verify with OpenSSL
against the test CA, after exactly one PIN prompt, for the card's common
profile.
"""

import email
import os
import subprocess

import ui
from phases import Phase
from pin_prompts import PinPrompts
from profile import write_profile
from smtp_sink import SmtpSink
from thunderbird import Thunderbird

SUBJECT = "carta signed test"
BODY = "Signed through carta by Thunderbird."
TIMEOUT = 60  # per phase: a hung Thunderbird fails the test in bounded time


def run(test):
    with SmtpSink() as sink:
        write_profile(test.profile, module=test.module, ca_pem_path=test.card_file("ca.pem"),
                      smtp_port=sink.port, email=test.EMAIL, full_name=test.FULL_NAME,
                      signer=(test.NICKNAME, _read(test.card_file("rsa-cert.pem"))), env=test.tools_env)
        compose = "to='%s',subject='%s',body='%s'" % (test.EMAIL, SUBJECT, BODY)
        start = Phase("Thunderbird starts (to the compose window)", test.trace)
        with Thunderbird(test.profile, test.thunderbird_env, test.log, ["-compose", compose]) as tb:
            prompts = PinPrompts(tb.marionette, test.TOKEN, test.PIN)
            ui.wait_until(prompts, lambda: ui.compose_window_ready(tb.marionette), TIMEOUT,
                          "the compose window")
            start.end(prompts)
            send = Phase("one signed send (to the message at the sink)", test.trace, prompts)
            ui.send_now(tb.marionette)
            messages = ui.wait_until(prompts, sink.messages, TIMEOUT, "the message at the sink")
            send.end(prompts)
    test.check_pin_prompts(prompts, expected=1)
    test.check(len(messages) == 1, "%d messages at the sink, expected 1" % len(messages))
    _check_signed(test, messages[0])


def _check_signed(test, raw):
    message = email.message_from_bytes(raw)
    print("arrived: Content-Type: %s; protocol=%s"
          % (message.get_content_type(), message.get_param("protocol")))
    test.check(message.get_content_type() == "multipart/signed", "the message is not multipart/signed")
    test.check(message.get_param("protocol") == "application/pkcs7-signature", "not an S/MIME signature")
    path = os.path.join(test.work, "received.eml")
    with open(path, "wb") as f:
        f.write(raw)
    verify = subprocess.run(
        ["openssl", "cms", "-verify", "-in", path, "-CAfile", test.card_file("ca.pem"),
         "-purpose", "smimesign"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    print("openssl cms -verify: %s" % verify.stderr.decode(errors="replace").strip())
    test.check(verify.returncode == 0, "openssl cms -verify rejects the message")
    signed_part = email.message_from_bytes(verify.stdout).get_payload(decode=True) or b""
    test.check(signed_part.decode(errors="replace").strip() == BODY,
              "the signed content is not the body Thunderbird was given")


def _read(path):
    with open(path) as f:
        return f.read()
