#!/usr/bin/python3
"""A python-potr peer for the interoperability suite (OTR v2 only).

Speaks the peer protocol of tests/interop/README.md on stdin/stdout, like peer.c, with
Debian's python3-potr 1.0.2 behind it:

    potr_peer.py ACCOUNT PROTOCOL DIR      (DIR/private_key in libotr's format)

Debian's potr was written for PyCrypto; on the installed pycryptodome three things
break, and are replaced here, in this process only: AES-CTR (potr passes its own
counter object), DSA signing and verification (pycryptodome's DSA keys have no raw
sign/verify), and DSA key generation (the key layout changed).  Events potr has no
callback for are derived from its state: going secure, SMP questions and results.
"""
import os
import re
import sys

import potr
import potr.crypt
import potr.compatcrypto.pycrypto as pycrypto
from potr import context as otrcontext, proto
from potr.utils import bytes_to_long, long_to_bytes, human_hash
from Cryptodome.Cipher import AES
from Cryptodome.PublicKey import DSA
from Cryptodome.Random import random as crandom


# ---- the three shims -----------------------------------------------------------------
def aes_ctr(key, counter=0):
    """AES-128-CTR with OTR's counter block: an 8-byte top half, a low half from 0."""
    top = counter.prefix if isinstance(counter, pycrypto.Counter) else counter
    return AES.new(key, AES.MODE_CTR, nonce=long_to_bytes(top, 8), initial_value=0)


def dsa_sign(self, data):
    """r || s over data read as an integer modulo q (as libotr's libgcrypt does)."""
    p, q, g, x = self.priv.p, self.priv.q, self.priv.g, self.priv.x
    h = bytes_to_long(data) % q
    while True:
        k = crandom.randrange(1, q)
        r = pow(g, k, p) % q
        s = pow(k, -1, q) * (h + x * r) % q
        if r and s:
            return long_to_bytes(r, 20) + long_to_bytes(s, 20)


def dsa_verify(self, data, sig):
    p, q, g, y = self.pub.p, self.pub.q, self.pub.g, self.pub.y
    r, s = bytes_to_long(sig[:20]), bytes_to_long(sig[20:])
    if not (0 < r < q and 0 < s < q):
        return False
    w = pow(s, -1, q)
    h = bytes_to_long(data) % q
    return pow(g, h * w % q, p) * pow(y, r * w % q, p) % p % q == r


def dsa_generate(cls):
    key = DSA.generate(1024)
    return cls((int(key.y), int(key.g), int(key.p), int(key.q), int(key.x)), private=True)


potr.crypt.AESCTR = aes_ctr
pycrypto.AESCTR = aes_ctr
pycrypto.DSAKey.sign = dsa_sign
pycrypto.DSAKey.verify = dsa_verify
pycrypto.DSAKey.generate = classmethod(dsa_generate)


# ---- the peer ------------------------------------------------------------------------
POLICY_BITS = {"ALLOW_V1": 0x01, "ALLOW_V2": 0x02, "REQUIRE_ENCRYPTION": 0x08,
               "SEND_TAG": 0x10, "WHITESPACE_START_AKE": 0x20, "ERROR_START_AKE": 0x40}
FRAG_MODES = {"all": otrcontext.FRAGMENT_SEND_ALL,
              "allbutfirst": otrcontext.FRAGMENT_SEND_ALL_BUT_FIRST,
              "allbutlast": otrcontext.FRAGMENT_SEND_ALL_BUT_LAST}
STATE_NAMES = {otrcontext.STATE_PLAINTEXT: "plaintext", otrcontext.STATE_ENCRYPTED: "encrypted",
               otrcontext.STATE_FINISHED: "finished"}


def escape(text):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def unescape(text):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m.group(1), m.group(1)), text)


def emit(line):
    sys.stdout.write(line + "\n")


def human(fingerprint):
    return human_hash(fingerprint.hex()).upper() if fingerprint else "(none)"


def read_libotr_key(path):
    """The DSA key of a libotr private key file (its S-expression's p, q, g, y, x)."""
    with open(path) as f:
        text = f.read()
    values = {name: int(value, 16) for name, value in
              re.findall(r"\((p|q|g|y|x) #([0-9A-Fa-f]+)#\)", text)}
    return pycrypto.DSAKey((values["y"], values["g"], values["p"], values["q"], values["x"]),
                           private=True)


class Context(otrcontext.Context):
    def __init__(self, account, peername):
        super().__init__(account, peername)
        self.smp_reported = None

    def getPolicy(self, key):
        return bool(self.user.peer.policy & POLICY_BITS.get(key, 0))

    def inject(self, msg, appdata=None):
        emit("inject %s %s" % (self.peer, escape(msg)))

    def setState(self, newstate):
        old, self.state = self.state, newstate
        if newstate == otrcontext.STATE_ENCRYPTED:
            key = self.getCurrentKey()
            emit("cb gone_secure ctx=%s/00000000 v2 fp=%s" % (
                self.peer, human(key.fingerprint() if key else None)))
        elif old != newstate:
            emit("cb state %s ctx=%s/00000000" % (STATE_NAMES[newstate], self.peer))


class Account(otrcontext.Account):
    contextclass = Context

    def __init__(self, peer):
        super().__init__(peer.account, peer.protocol, 0)
        self.peer = peer

    def loadPrivkey(self):
        return read_libotr_key(self.peer.key_path) if os.path.exists(self.peer.key_path) else None

    def savePrivkey(self):
        emit("cb create_privkey %s %s" % (self.name, self.protocol))

    def saveTrusts(self):
        with open(self.peer.fp_path, "w") as f:
            for user, trusts in sorted(self.trusts.items()):
                for fp, trust in sorted(trusts.items()):
                    f.write("%s\t%s\t%s\t%s\t%s\n" % (self.name, self.protocol, user, fp, trust))
        emit("cb write_fingerprints 00000000")


class Peer:
    def __init__(self, account, protocol, directory):
        self.account, self.protocol = account, protocol
        self.key_path = os.path.join(directory, "private_key")
        self.fp_path = os.path.join(directory, "fingerprints")
        self.policy = 0x02 | 0x10 | 0x20 | 0x40
        self.frag = otrcontext.FRAGMENT_SEND_ALL
        self.otr = Account(self)

    def context(self, user):
        return self.otr.getContext(user)

    def run(self, line):
        cmd, _, rest = line.partition(" ")
        handler = getattr(self, "cmd_" + cmd, None)
        if handler is None:
            emit("error unknown command %s" % cmd)
        else:
            handler(rest)
        return cmd != "quit"

    def cmd_quit(self, rest):
        pass

    def cmd_policy(self, rest):
        self.policy = int(rest, 0)

    def cmd_maxsize(self, rest):
        self.otr.maxMessageSize = int(rest)

    def cmd_fragmode(self, rest):
        self.frag = FRAG_MODES.get(rest, otrcontext.FRAGMENT_SEND_ALL)

    def cmd_loggedin(self, rest):
        pass

    def cmd_clock(self, rest):
        emit("error no clock control in potr")

    def cmd_lib(self, rest):
        emit("lib potr")

    def cmd_load(self, rest):
        if os.path.exists(self.fp_path):
            with open(self.fp_path) as f:
                for line in f:
                    fields = line.rstrip("\n").split("\t")
                    if len(fields) >= 4:
                        self.otr.trusts.setdefault(fields[2], {})[fields[3]] = \
                            fields[4] if len(fields) > 4 else ""
        emit("privkey_read %08x" % (0 if os.path.exists(self.key_path) else 0x01008051))

    def cmd_whoami(self, rest):
        key = self.otr.getPrivkey(autogen=False)
        emit("whoami %s instag=00000000 fp=%s" % (self.account, human(key.fingerprint())))

    def cmd_query(self, rest):
        emit("out %s %s" % (rest, escape(self.otr.getDefaultQueryMessage(
            self.context(rest).getPolicy))))

    def cmd_send(self, rest):
        user, _, text = rest.partition(" ")
        ctx = self.context(user)
        try:
            out = ctx.sendMessage(self.frag, text.encode("utf-8"))
        except otrcontext.NotEncryptedError:
            emit("cb msg_event connection_ended ctx=%s/00000000" % user)
            emit("sending err=00000000")
            emit("sending empty")
            return
        emit("sending err=00000000")
        if out is None:
            emit("sending injected")
        else:
            emit("out %s %s" % (user, escape(out)))

    def cmd_recv(self, rest):
        user, _, msg = rest.partition(" ")
        ctx = self.context(user)
        shown, tlvs = None, []
        try:
            shown, tlvs = ctx.receiveMessage(msg.encode("utf-8"))
        except otrcontext.NotOTRMessage as e:
            shown = e.args[0]
        except otrcontext.UnencryptedMessage as e:
            emit("cb msg_event rcvdmsg_unencrypted ctx=%s/00000000 message=%s"
                 % (user, escape(e.args[0])))
        except otrcontext.ErrorReceived as e:
            emit("cb msg_event rcvdmsg_general_err ctx=%s/00000000 message=%s"
                 % (user, escape(e.args[0].error)))
        except otrcontext.NotEncryptedError:
            emit("cb msg_event rcvdmsg_not_in_private ctx=%s/00000000" % user)
        except potr.crypt.InvalidParameterError:
            emit("cb msg_event rcvdmsg_unreadable ctx=%s/00000000" % user)
        if isinstance(shown, proto.TaggedPlaintext):
            shown = shown.msg
        emit("receiving internal=%d ctx=%s/00000000" % (shown is None, user))
        for tlv in tlvs:
            emit("tlv %d" % tlv.typ)
        self.report_smp(ctx, tlvs)
        if shown is not None:
            emit("msg %s %s" % (user, escape(shown)))

    def report_smp(self, ctx, tlvs):
        smp = ctx.crypto.smp
        for tlv in tlvs:
            if isinstance(tlv, proto.SMP1QTLV):
                emit("cb smp_event ask_for_answer ctx=%s/00000000 progress=25 question=%s"
                     % (ctx.peer, escape(tlv.msg)))
            elif isinstance(tlv, proto.SMP1TLV):
                emit("cb smp_event ask_for_secret ctx=%s/00000000 progress=25 question=(null)"
                     % ctx.peer)
            elif isinstance(tlv, proto.SMPABORTTLV):
                emit("cb smp_event abort ctx=%s/00000000 progress=0 question=(null)" % ctx.peer)
        if smp and smp.state == 1 and smp.prog in (potr.crypt.SMPPROG_SUCCEEDED,
                                                    potr.crypt.SMPPROG_FAILED):
            if any(isinstance(t, (proto.SMP3TLV, proto.SMP4TLV)) for t in tlvs):
                outcome = "success" if smp.prog == potr.crypt.SMPPROG_SUCCEEDED else "failure"
                emit("cb smp_event %s ctx=%s/00000000 progress=100 question=(null)"
                     % (outcome, ctx.peer))

    def cmd_smp(self, rest):
        user, _, secret = rest.partition(" ")
        self.context(user).smpInit(secret.encode("utf-8"))

    def cmd_smpq(self, rest):
        user, _, qs = rest.partition(" ")
        question, _, secret = qs.partition("|")
        self.context(user).smpInit(secret.encode("utf-8"), question=question.encode("utf-8"))

    def cmd_smprespond(self, rest):
        user, _, secret = rest.partition(" ")
        self.context(user).smpGotSecret(secret.encode("utf-8"))

    def cmd_smpabort(self, rest):
        self.context(rest).smpAbort()

    def cmd_disconnect(self, rest):
        self.context(rest.split(" ")[0]).disconnect()

    def cmd_trust(self, rest):
        user, _, trust = rest.partition(" ")
        self.context(user).setCurrentTrust(trust)

    def cmd_state(self, rest):
        for user, ctx in sorted(self.otr.ctxs.items()):
            if rest and user != rest:
                continue
            key = ctx.getCurrentKey()
            emit("state %s/00000000 master=1 msgstate=%s v%d auth=%d smp=0 offer=%d fp=%s trust=%s"
                 % (user, STATE_NAMES[ctx.state], 2 if ctx.state else 0, ctx.crypto.ake.state
                    if ctx.crypto.ake else 0, ctx.tagOffer,
                    human(key.fingerprint() if key else None),
                    ctx.getCurrentTrust() if key else "(null)"))

    def cmd_poll(self, rest):
        pass


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: potr_peer.py ACCOUNT PROTOCOL DIR\n")
        return 2
    peer = Peer(*sys.argv[1:])
    for line in sys.stdin:
        more = peer.run(unescape(line.rstrip("\r\n")))
        emit("ok")
        sys.stdout.flush()
        if not more:
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
