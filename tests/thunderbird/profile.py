"""A fresh Thunderbird profile, written without the account wizard.

user.js holds a POP3 account that never polls (so the identity can send), Local
Folders, an SMTP server on the test's sink, the identity's S/MIME choice, and
the prefs that keep first-run dialogs and network traffic away. cert9.db is
made with NSS's own tools, the test CA trusted for e-mail (Thunderbird drops the
identity's certificate unless it verifies for signing); carta's module is
registered as a user would register it: `carta thunderbird`, which finds the
profile through $HOME/.thunderbird/profiles.ini and writes its pkcs11.txt.
"""

import json
import os
import re
import subprocess
import time

from certificates import nss_dbkey

MODULE_NAME = "carta"

# Dialogs, first-run pages and background network use that a headless test must not meet.
_QUIET_PREFS = {
    "marionette.port": 0,  # the OS picks; Thunderbird writes it to MarionetteActivePort
    "mail.shell.checkDefaultClient": False,
    "mail.rights.version": 1,
    "mailnews.start_page.enabled": False,
    "mail.provider.enabled": False,
    "mail.inappnotifications.enabled": False,
    "mail.warn_on_send_accel_key": False,
    "mail.SpellCheckBeforeSend": False,
    "mail.startup.enabledMailCheckOnce": True,
    "mail.biff.show_alert": False,
    "app.update.disabledForTesting": True,
    "app.update.auto": False,
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.server": "",
    "services.settings.server": "data:,",
    "network.connectivity-service.enabled": False,
    "network.captive-portal-service.enabled": False,
    "browser.region.network.url": "",
    "geo.provider.network.url": "",
}


def _account_prefs(smtp_port, email, full_name):
    return {
        "mail.accountmanager.accounts": "account1,account2",
        "mail.accountmanager.defaultaccount": "account1",
        "mail.accountmanager.localfoldersserver": "server2",
        "mail.account.account1.server": "server1",
        "mail.account.account1.identities": "id1",
        "mail.account.account2.server": "server2",
        # A POP3 account whose server (port 1 on loopback) is never asked for mail.
        "mail.server.server1.type": "pop3",
        "mail.server.server1.hostname": "127.0.0.1",
        "mail.server.server1.port": 1,
        "mail.server.server1.userName": "jan",
        "mail.server.server1.name": email,
        "mail.server.server1.login_at_startup": False,
        "mail.server.server1.check_new_mail": False,
        "mail.server.server1.download_on_biff": False,
        "mail.server.server1.directory-rel": "[ProfD]Mail/pop",
        "mail.server.server2.type": "none",
        "mail.server.server2.hostname": "Local Folders",
        "mail.server.server2.userName": "nobody",
        "mail.server.server2.name": "Local Folders",
        "mail.server.server2.directory-rel": "[ProfD]Mail/Local Folders",
        "mail.smtpservers": "smtp1",
        "mail.smtp.defaultserver": "smtp1",
        "mail.smtpserver.smtp1.hostname": "127.0.0.1",
        "mail.smtpserver.smtp1.port": smtp_port,
        "mail.smtpserver.smtp1.authMethod": 1,  # no authentication
        "mail.smtpserver.smtp1.try_ssl": 0,
        "mail.identity.id1.fullName": full_name,
        "mail.identity.id1.useremail": email,
        "mail.identity.id1.smtpServer": "smtp1",
        "mail.identity.id1.valid": True,
        "mail.identity.id1.compose_html": False,
        "mail.identity.id1.fcc": False,  # no copy to a Sent folder
    }


def _signing_prefs(nickname, cert_pem):
    return {
        "mail.identity.id1.sign_mail": True,
        "mail.identity.id1.signing_cert_name": nickname,
        "mail.identity.id1.signing_cert_dbkey": nss_dbkey(cert_pem),
    }


def _user_js(prefs):
    return "".join("user_pref(%s, %s);\n" % (json.dumps(k), json.dumps(v)) for k, v in prefs.items())


def _nss(tool, *args, env):
    subprocess.run([tool, *args], env=env, check=True, timeout=60, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, input=b"")


def write_profile(directory, *, module, ca_pem_path, smtp_port, email, full_name, signer=None, env):
    """A new profile in directory; signer = (NSS nickname, certificate PEM) to sign every message."""
    os.makedirs(os.path.join(directory, "Mail", "Local Folders"))
    prefs = dict(_QUIET_PREFS)
    prefs.update(_account_prefs(smtp_port, email, full_name))
    if signer:
        prefs.update(_signing_prefs(*signer))
    with open(os.path.join(directory, "user.js"), "w") as f:
        f.write(_user_js(prefs))

    db = "sql:" + directory
    _nss("certutil", "-N", "-d", db, "--empty-password", env=env)
    _nss("certutil", "-A", "-d", db, "-n", "carta Test CA", "-t", "CT,C,C", "-i", ca_pem_path, env=env)
    _list_in_profiles_ini(directory, env)
    started = time.monotonic()
    registered = register_module(module, env)
    if registered.returncode != 0 or ': registered "%s"' % MODULE_NAME not in registered.stdout:
        raise RuntimeError("carta thunderbird failed (%d): %s%s"
                           % (registered.returncode, registered.stdout, registered.stderr))
    print("carta thunderbird: %.2f s: %s" % (time.monotonic() - started, registered.stdout.strip()))


def _list_in_profiles_ini(directory, env):
    """The profile in $HOME/.thunderbird/profiles.ini, as Thunderbird lists one it made."""
    root = os.path.join(env["HOME"], ".thunderbird")
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "profiles.ini"), "w") as f:
        f.write("[Profile0]\nName=carta-test\nIsRelative=0\nPath=%s\nDefault=1\n\n"
                "[General]\nStartWithLastProfile=1\nVersion=2\n" % directory)


def register_module(module, env, *options):
    """`carta thunderbird --module MODULE [OPTIONS]` in the user's profiles (env's HOME): as a
    user registers it, the same as Settings -> Security Devices -> Load (no
    "-mechanisms FRIENDLY", which would hide, not fix, a token asking for a PIN it
    does not need). The completed process, output as text."""
    return subprocess.run([os.environ["CARTA_CLI"], "thunderbird", "--module", module, *options], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60, input="")


def add_local_message(directory, folder, message):
    """Appends message (bytes, CRLF or LF lines) to a Local Folders mbox."""
    path = os.path.join(directory, "Mail", "Local Folders", folder)
    body = re.sub(rb"(?m)^From ", b">From ", message.replace(b"\r\n", b"\n"))  # mboxrd quoting
    with open(path, "ab") as f:
        f.write(b"From - Tue Dec  1 00:00:00 2026\n" + body.rstrip(b"\n") + b"\n\n")
