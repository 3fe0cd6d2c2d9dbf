"""Sign: Thunderbird composes and sends a signed message through the card to an
SMTP sink; the message must arrive multipart/signed and verify with OpenSSL
against the test CA, after exactly one PIN prompt, for the card's common
profile.
"""

import email
import os
import subprocess
import time

import ui
from pin_prompts import PinPrompts
from profile import write_profile
from smtp_sink import SmtpSink
from thunderbird import Thunderbird

SUBJECT = "carta signed test"
BODY = "Signed through carta by Thunderbird."
TIMEOUT = 60  # per phase: a hung Thunderbird fails the test in bounded time


def run(run):
    with SmtpSink() as sink:
        write_profile(run.profile, module=run.module, ca_pem_path=run.card_file("ca.pem"),
                      smtp_port=sink.port, email=run.EMAIL, full_name=run.FULL_NAME,
                      signer=(run.NICKNAME, _read(run.card_file("rsa-cert.pem"))), env=run.tools_env)
        compose = "to='%s',subject='%s',body='%s'" % (run.EMAIL, SUBJECT, BODY)
        started = time.monotonic()
        with Thunderbird(run.profile, run.thunderbird_env, run.log, ["-compose", compose]) as tb:
            prompts = PinPrompts(tb.marionette, run.TOKEN, run.PIN)
            ui.wait_until(prompts, lambda: ui.compose_window_ready(tb.marionette), TIMEOUT, "the compose window")
            start = (run.trace.since_mark(), time.monotonic() - started, len(prompts.texts))
            sending = time.monotonic()
            ui.send_now(tb.marionette)
            messages = ui.wait_until(prompts, sink.messages, TIMEOUT, "the message at the sink")
            send = (run.trace.since_mark(), time.monotonic() - sending, len(prompts.texts) - start[2])
    print("Thunderbird starts (to the compose window): %d APDUs, %.1f s, %d PIN prompts" % start)
    print("one signed send (to the message at the sink): %d APDUs, %.1f s, %d PIN prompts" % send)
    run.check_pin_prompts(prompts, expected=1)
    run.check(len(messages) == 1, "%d messages at the sink, expected 1" % len(messages))
    _check_signed(run, messages[0])


def _check_signed(run, raw):
    message = email.message_from_bytes(raw)
    print("arrived: Content-Type: %s; protocol=%s" % (message.get_content_type(), message.get_param("protocol")))
    run.check(message.get_content_type() == "multipart/signed", "the message is not multipart/signed")
    run.check(message.get_param("protocol") == "application/pkcs7-signature", "not an S/MIME signature")
    path = os.path.join(run.work, "received.eml")
    with open(path, "wb") as f:
        f.write(raw)
    verify = subprocess.run(
        ["openssl", "cms", "-verify", "-in", path, "-CAfile", run.card_file("ca.pem"), "-purpose", "smimesign"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    print("openssl cms -verify: %s" % verify.stderr.decode(errors="replace").strip())
    run.check(verify.returncode == 0, "openssl cms -verify rejects the message")
    signed_part = email.message_from_bytes(verify.stdout).get_payload(decode=True) or b""
    run.check(signed_part.decode(errors="replace").strip() == BODY,
              "the signed content is not the body Thunderbird was given")


def _read(path):
    with open(path) as f:
        return f.read()
