"""Sign: Thunderbird composes and sends a signed message through the card to an
SMTP sink; the message must arrive multipart/signed and verify with OpenSSL
against the test CA, after exactly one PIN prompt, for the card's common
profile. Twice: with carta's object cache empty (cold: a first start on this
machine) and again with the cache the first run left (warm: every later start).
Each run's APDUs (start + one signed send) are printed and held to a ceiling.
"""

import email
import os
import shutil
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

# APDUs for start + one signed send, measured with Thunderbird 1xx (issue 13), plus one for
# timing. Warm, 11: SELECT common (its FCI proves the cached objects), GET CHALLENGE (NSS seeds
# from both tokens: one buffered answer), SELECT secure; at the send, a SELECT of each profile
# (C_FindObjectsInit finds the status over a second old), SELECT + VERIFY, SELECT + MSE:SET +
# PSO:HASH + PSO:CDS. Cold, 35: the same, plus both profiles' directories (2 each), the common
# profile's certificate files (5 each) and then its key files (2 or 3 each); the secure profile's
# key files are never read (no mail client asks for them); a first reading of a profile's
# objects takes the status from its own SELECT (slot.cpp, load_objects). NSS forbids modules
# threads of their own (CKF_LIBRARY_CANT_CREATE_OS_THREADS), so the module keeps no transaction
# between calls here and every operation starts with its SELECT (docs/card-protocol.md §10).
MAX_APDUS = {"warm": 12, "cold": 36}


def run(test):
    with SmtpSink() as sink:
        write_profile(test.profile, module=test.module, ca_pem_path=test.card_file("ca.pem"),
                      smtp_port=sink.port, email=test.EMAIL, full_name=test.FULL_NAME,
                      signer=(test.NICKNAME, _read(test.card_file("rsa-cert.pem"))), env=test.tools_env)
        # NSS's tools read the card while making the profile: forget what they cached.
        shutil.rmtree(os.path.join(test.tools_env["XDG_CACHE_HOME"], "carta"), ignore_errors=True)
        for cache in ("cold", "warm"):
            _start_and_send(test, sink, cache)
    messages = sink.messages()
    test.check(len(messages) == 2, "%d messages at the sink, expected 2" % len(messages))
    for message in messages:
        _check_signed(test, message)


def _start_and_send(test, sink, cache):
    compose = "to='%s',subject='%s',body='%s'" % (test.EMAIL, SUBJECT, BODY)
    sent_before = len(sink.messages())
    start = Phase("%s cache: Thunderbird starts (to the compose window)" % cache, test.trace)
    with Thunderbird(test.profile, test.thunderbird_env, test.log, ["-compose", compose]) as tb:
        prompts = PinPrompts(tb.marionette, test.TOKEN, test.PIN)
        ui.wait_until(prompts, lambda: ui.compose_window_ready(tb.marionette), TIMEOUT, "the compose window")
        start.end(prompts)
        send = Phase("%s cache: one signed send (to the message at the sink)" % cache, test.trace, prompts)
        ui.send_now(tb.marionette)
        ui.wait_until(prompts, lambda: len(sink.messages()) > sent_before, TIMEOUT, "the message at the sink")
        send.end(prompts)
    test.check_pin_prompts(prompts, expected=1)
    total = start.apdus + send.apdus
    print("%s cache: start + one signed send: %d APDUs (ceiling %d)" % (cache, total, MAX_APDUS[cache]))
    test.check(total <= MAX_APDUS[cache],
               "%s cache: %d APDUs for start + send, more than %d" % (cache, total, MAX_APDUS[cache]))


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
