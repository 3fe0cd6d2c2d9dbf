"""Security Devices: what Thunderbird's Settings -> Security Devices page lists
for carta's module (the same nsIPKCS11ModuleDB calls as the page): one reader
with the card, a slot per profile holding its token, slot and token versions
filled in (not 0.0). Meanwhile `carta thunderbird` refuses to change the profile
Thunderbird runs with (its lock), leaving pkcs11.txt as it was.
"""

import os


import ui
from phases import Phase
from pin_prompts import PinPrompts
from profile import MODULE_NAME, register_module, write_profile
from thunderbird import Thunderbird

TIMEOUT = 60  # a hung Thunderbird fails the test in bounded time
SECURE_TOKEN = "profil kwalifikowany"

_CARTA_SLOTS = """
const [moduleName, done] = arguments;
const db = Cc["@mozilla.org/security/pkcs11moduledb;1"].getService(Ci.nsIPKCS11ModuleDB);
db.listModules().then(modules => done(modules.filter(m => m.name == moduleName).flatMap(m =>
  m.slots.map(slot => {
    const present = slot.status != Ci.nsIPKCS11Slot.SLOT_NOT_PRESENT;
    const token = present ? slot.getToken() : null;
    return { slot: slot.name, slotVersions: [slot.HWVersion, slot.FWVersion], token: token?.tokenName,
             manufacturer: token?.tokenManID,
             tokenVersions: token ? [token.tokenHWVersion, token.tokenFWVersion] : [] };
  }))));
"""


def run(test):
    write_profile(test.profile, module=test.module, ca_pem_path=test.card_file("ca.pem"), smtp_port=1,
                  email=test.EMAIL, full_name=test.FULL_NAME, env=test.tools_env)
    start = Phase("Thunderbird starts (to the main window)", test.trace)
    with Thunderbird(test.profile, test.thunderbird_env, test.log) as tb:
        prompts = PinPrompts(tb.marionette, test.TOKEN, test.PIN)
        ui.wait_until(prompts, lambda: ui.main_window_ready(tb.marionette), TIMEOUT, "the main window")
        start.end(prompts)
        slots = tb.marionette.execute_async(_CARTA_SLOTS, [MODULE_NAME])
        _check_refusal_while_running(test)
    for slot in slots:
        print("slot %(slot)r %(slotVersions)s: token %(token)r by %(manufacturer)r %(tokenVersions)s" % slot)
    test.check(sorted(str(s["token"]) for s in slots) == sorted([test.TOKEN, SECURE_TOKEN]),
               "the slots do not hold exactly the common and the secure profile's tokens")
    readers = {s["slot"].rsplit(" (", 1)[0] for s in slots}
    test.check(len(readers) == 1, "the slots come from %d readers: %s" % (len(readers), sorted(readers)))
    for slot in slots:
        test.check("0.0" not in slot["slotVersions"] + slot["tokenVersions"],
                   "slot %r shows a version 0.0" % slot["slot"])
    test.check_pin_prompts(prompts, expected=0)


def _check_refusal_while_running(test):
    module_list = os.path.join(test.profile, "pkcs11.txt")
    with open(module_list) as f:
        before = f.read()
    refused = register_module(test.module, test.tools_env, "--remove")  # would change pkcs11.txt
    print("carta thunderbird while Thunderbird runs: exit %d: %s" % (refused.returncode, refused.stderr.strip()))
    test.check(refused.returncode == 6 and "is running with" in refused.stderr,
               "carta thunderbird did not refuse the profile of the running Thunderbird")
    with open(module_list) as f:
        test.check(f.read() == before, "pkcs11.txt changed while Thunderbird ran")
