#!/usr/bin/env python3
"""The interoperability suite: OTR conversations between two peer processes.

Each peer (tests/interop/peer.c, built once against Debian's libotr headers) runs on
either our libotr.so.5 (LD_LIBRARY_PATH=build) or Debian's.  This driver relays every
message between the peers, so it sees the wire (and checks that a private text never
crosses it), can inject crafted input, and records each seat's log of callbacks and
results.  Every scenario runs in the four pairings ours-ours, ours-ref, ref-ours and
ref-ref; ref-ref proves the scenario right, and each seat's normalised log must be the
one the reference produced in the same seat.  python-potr (tests/interop/potr_peer.py)
plays one side in the potr-* and *-potr pairings, each compared with the run that has
Debian's libotr in place of ours.

    run.py [--peer PATH] [--ours DIR] [--jobs N] [--only NAME[,NAME]] [--pairings P,..]

The peer protocol is documented in tests/interop/README.md.
"""
import argparse
import base64
import concurrent.futures
import difflib
import hashlib
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import traceback

PROTOCOL = "prpl-interop"

# OTRL_POLICY_* (proto.h)
ALLOW_V2, ALLOW_V3, REQUIRE, SEND_WS, WS_START, ERROR_START = 0x02, 0x04, 0x08, 0x10, 0x20, 0x40
OPPORTUNISTIC = ALLOW_V2 | ALLOW_V3 | SEND_WS | WS_START | ERROR_START
MANUAL = ALLOW_V2 | ALLOW_V3

# Fixed instance tags, so logs are the same in every run.
INSTAGS = {"alice": 0x1111AAAA, "bob": 0x2222BBBB, "bob2": 0x3333CCCC, "carol": 0x4444DDDD}

WS_BASE = " \t  \t\t\t\t \t \t \t  "
WS_V2, WS_V3 = "  \t\t  \t ", "  \t\t  \t\t"
AKE_TYPES = {0x02: "dh-commit", 0x0A: "dh-key", 0x11: "reveal-sig", 0x12: "sig", 0x03: "data"}

PAIRINGS = ["ours-ours", "ours-ref", "ref-ours", "ref-ref"]
# python-potr (OTR v2) on one side, ours or Debian's on the other: each is compared with
# the same scenario against Debian's libotr in its place.
POTR_PAIRINGS = ["potr-ours", "ours-potr", "potr-ref", "ref-potr"]
POTR_PYTHON = "/usr/bin/python3"   # Debian's, which has python3-potr
TIMEOUT = 30.0


class ScenarioError(Exception):
    pass


def check(cond, what):
    if not cond:
        raise ScenarioError(what)


def escape(text):
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def unescape(text):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(m.group(1), m.group(1)), text)


def otr_decode(msg):
    """The bytes of a '?OTR:...' message, or None."""
    m = re.match(r"\?OTR:([A-Za-z0-9+/=]*)\.", msg)
    if not m:
        return None
    try:
        return base64.b64decode(m.group(1), validate=True)
    except ValueError:
        return None


def otr_encode(data):
    return "?OTR:" + base64.b64encode(data).decode() + "."


def parse_fragment(msg):
    """(version, sender, receiver, k, n, piece) of an OTR fragment, or None."""
    m = re.match(r"\?OTR\|([0-9a-fA-F]+)\|([0-9a-fA-F]+),(\d+),(\d+),([^,]*),$", msg)
    if m:
        return (3, int(m.group(1), 16), int(m.group(2), 16), int(m.group(3)), int(m.group(4)),
                m.group(5))
    m = re.match(r"\?OTR,(\d+),(\d+),([^,]*),$", msg)
    if m:
        return (2, None, None, int(m.group(1)), int(m.group(2)), m.group(3))
    return None


def classify(msg):
    """A wire message as a line that is the same in every run (no keys, no randomness)."""
    frag = parse_fragment(msg)
    if frag:
        return "frag v%d" % frag[0]
    data = otr_decode(msg)
    if msg.startswith("?OTR:"):
        if data is None or len(data) < 3:
            return "otr-encoded (undecodable)"
        version = struct.unpack(">H", data[:2])[0]
        kind = AKE_TYPES.get(data[2], "type-%02x" % data[2])
        if kind == "data":
            flags_at = 11 if version == 3 else 3
            flags = data[flags_at] if len(data) > flags_at else -1
            return "otr v%d data flags=%d" % (version, flags)
        return "otr v%d %s" % (version, kind)
    if msg.startswith("?OTR Error:"):
        return "otr-error " + msg[len("?OTR Error:"):].strip()
    m = re.match(r"\?OTR\??(v[0-9]*)?\?", msg)
    if m:
        return "query " + m.group(0)
    if WS_BASE in msg:
        at = msg.index(WS_BASE)
        tags = msg[at + len(WS_BASE):]
        versions = []
        while len(tags) >= 8 and tags[:8] in (WS_V2, WS_V3, " \t \t  \t "):
            versions.append({WS_V2: "2", WS_V3: "3"}.get(tags[:8], "1"))
            tags = tags[8:]
        return "tagged v%s %s" % ("".join(versions), msg[:at] + tags)
    if msg.startswith("?OTR"):
        return "otr-other " + msg[:40]
    return "plain " + msg


class Peer:
    """One peer process: a seat, an account, an implementation."""

    def __init__(self, world, seat, account, impl, directory):
        self.world, self.seat, self.account, self.impl = world, seat, account, impl
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        env = dict(os.environ)
        # Each library by its directory: with ours installed system-wide, the loader's
        # default search would find ours for the reference too.
        if impl == "ours":
            env["LD_LIBRARY_PATH"] = world.config.ours
        else:
            env["LD_LIBRARY_PATH"] = os.path.dirname(world.config.expect_lib["ref"])
        program = ([POTR_PYTHON, world.config.potr_peer] if impl == "potr"
                   else [world.config.peer])
        self.proc = subprocess.Popen(program + [account, PROTOCOL, directory],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=env)
        self.buf = b""
        self.log = []          # normalised blocks: a command and what it printed
        self.raw = []          # the same, as printed
        self.received = []     # (from, text) of every message shown to the user
        self.events = []       # every "cb ..." line, as printed
        self.maxsize = 0
        self.fragmode = "all"
        lib = self.do("lib", log=False)[0]
        expected = world.config.expect_lib[impl]
        check(lib.startswith("lib " + expected), "%s runs on %s, not %s" % (seat, lib, expected))

    def _readline(self, deadline):
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                raise ScenarioError("%s: no answer within %ss" % (self.seat, TIMEOUT))
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                raise ScenarioError("%s: peer exited (status %s)" % (self.seat, self.proc.wait()))
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def do(self, command, log=True):
        """Runs one command; queues what the peer sends; returns the lines it printed."""
        self.proc.stdin.write((escape(command) + "\n").encode())
        self.proc.stdin.flush()
        deadline = time.monotonic() + TIMEOUT
        lines = []
        while True:
            line = self._readline(deadline)
            if line == "ok":
                break
            lines.append(line)
        sent = []
        for line in lines:
            word = line.split(" ", 2)
            if word[0] in ("inject", "out") and len(word) == 3:
                sent.append((self, word[1], unescape(word[2]), word[0]))
            elif word[0] == "msg":
                self.received.append((word[1], unescape(word[2]) if len(word) > 2 else ""))
            elif word[0] == "cb":
                self.events.append(line)
        if self.fragmode == "allbutfirst":
            # The app sends the first fragment it got back before the injected rest.
            sent.sort(key=lambda item: item[3] != "out")
        self.world.queue.extend(sent)
        if log:
            self.raw.append([command] + lines)
            block = "\n".join([self.world.normalise_command(command)] +
                              ["  " + self.world.normalise(line) for line in lines])
            self.log.append(block)
        if command.startswith("maxsize "):
            self.maxsize = int(command.split()[1])
        if command.startswith("fragmode "):
            self.fragmode = command.split()[1]
        return lines

    def state(self, user):
        """{instance: fields} of the contexts for user."""
        out = {}
        for line in self.do("state " + user, log=False):
            if line.startswith("state "):
                parts = line.split(" ")
                name, tag = parts[1].split("/")
                fields = dict(p.split("=", 1) for p in parts[2:] if "=" in p)
                fields["version"] = [p for p in parts[2:] if re.match(r"v\d$", p)][0]
                out[int(tag, 16)] = fields
        return out

    def best(self, user):
        """The state of the best context for user (an encrypted child first)."""
        states = self.state(user)
        for wanted in ("encrypted", "finished"):
            for fields in states.values():
                if fields["msgstate"] == wanted:
                    return fields
        return states.get(0) or next(iter(states.values()), {})

    def quit(self):
        try:
            self.proc.stdin.write(b"quit\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


class World:
    """The peers of one scenario in one pairing, and the wire between them."""

    def __init__(self, config, impls, workdir):
        self.config, self.impls, self.workdir = config, impls, workdir
        self.peers = []         # the running peers
        self.all = []           # every peer this scenario started, in order
        self.queue = []         # (sender peer, recipient account, message, kind)
        self.wire = []          # (sender account, recipient account, message)
        self.private = []       # texts that must never cross the wire in the clear
        self.filter = None      # called with each queued item; returns the messages to deliver

    # -- setup ------------------------------------------------------------------------
    def spawn(self, seat, account, impl=None, policy=OPPORTUNISTIC, key=None, instag=None,
              files_from=None, load=True):
        """Starts a peer in a seat ("A" uses the pairing's first implementation)."""
        impl = impl or self.impls[0 if seat.startswith("A") else 1]
        directory = os.path.join(self.workdir, "%s-%d" % (seat, len(self.all)))
        os.makedirs(directory)
        if files_from:
            for name in os.listdir(files_from.dir):
                shutil.copy(os.path.join(files_from.dir, name), directory)
        else:
            if key is not False:
                shutil.copy(self.config.keys[key or account], os.path.join(directory, "private_key"))
            tag = INSTAGS[instag or account]
            with open(os.path.join(directory, "instance_tags"), "w") as f:
                f.write("%s\t%s\t%08x\n" % (account, PROTOCOL, tag))
        peer = Peer(self, seat, account, impl, directory)
        self.peers.append(peer)
        self.all.append(peer)
        peer.do("policy %d" % policy)
        if load:
            peer.do("load")
        return peer

    def pair(self, policy=OPPORTUNISTIC, policy_b=None):
        return (self.spawn("A", "alice", policy=policy),
                self.spawn("B", "bob", policy=policy if policy_b is None else policy_b))

    def retire(self, *peers):
        """Stops peers (their logs stay part of the scenario's)."""
        for peer in peers:
            peer.quit()
            self.peers.remove(peer)

    def close(self):
        for peer in self.peers:
            peer.quit()

    # -- the wire ---------------------------------------------------------------------
    def pump(self, limit=100000):
        """Delivers what the peers send until nothing is left."""
        steps = 0
        while self.queue:
            steps += 1
            check(steps <= limit, "the conversation does not come to rest")
            sender, to, msg, kind = self.queue.pop(0)
            for out in (self.filter(sender, to, msg) if self.filter else [msg]):
                self.deliver(sender.account, to, out, sender)

    def deliver(self, frm, to, msg, sender=None):
        self.wire.append((frm, to, msg))
        for text in self.private:
            check(text not in msg, "a private text crossed the wire in the clear: %r" % text)
        frag = parse_fragment(msg)
        if frag and sender is not None and sender.maxsize:
            check(len(msg) <= sender.maxsize, "a fragment longer than max_message_size")
        for peer in self.peers:
            if peer.account == to and peer.proc.poll() is None:
                peer.do("recv %s %s" % (frm, msg))

    # -- normalisation ----------------------------------------------------------------
    def normalise_command(self, command):
        m = re.match(r"recv (\S+) (.*)$", command, re.S)
        if m:
            return "recv %s %s" % (m.group(1), classify(m.group(2)))
        return self.normalise(command)

    def normalise(self, line):
        m = re.match(r"(inject|out|recv) (\S+) (.*)$", line, re.S)
        if m:
            return "%s %s %s" % (m.group(1), m.group(2), classify(unescape(m.group(3))))
        m = re.match(r"msg (\S+) (\?OTR.*)$", line, re.S)
        if m:
            return "msg %s %s" % (m.group(1), classify(unescape(m.group(2))))
        line = re.sub(r"key=[0-9a-f]{64}", "key=<symkey>", line)
        # SMP TLVs hold MPIs whose length varies with their value.
        line = re.sub(r"^(tlv [2-57]) len=\d+$", r"\1 len=<mpis>", line)
        for name, fp in self.config.fingerprints.items():
            line = line.replace(fp, "<fp %s>" % name)
        line = re.sub(r"[0-9A-F]{8}( [0-9A-F]{8}){4}", "<fp other>", line)
        return line

    # -- conversation helpers ---------------------------------------------------------
    def say(self, frm, to, text, private=True, expect=True, instag=None):
        """frm sends text to `to`'s account; checks it arrives as sent."""
        if private:
            self.private.append(text)
        before = len(to.received)
        frm.do("send %s %s" % (to.account, text) if instag is None
               else "sendto %s %08x %s" % (to.account, instag, text))
        self.pump()
        if expect:
            got = [t for f, t in to.received[before:] if f == frm.account]
            check(text in got, "%s did not show %r (got %r)" % (to.seat, text[:60], got[-1:]))

    def ake(self, a, b, version=3):
        a.do("query %s" % b.account)
        self.pump()
        self.expect_secure(a, b, version)

    def expect_secure(self, a, b, version=3):
        for x, y in ((a, b), (b, a)):
            st = x.best(y.account)
            check(st.get("msgstate") == "encrypted", "%s is %s with %s" %
                  (x.seat, st.get("msgstate"), y.account))
            check(st.get("version") == "v%d" % version, "%s speaks %s" % (x.seat, st.get("version")))

    def expect_event(self, peer, pattern, since=0):
        check(any(re.search(pattern, e) for e in peer.events[since:]),
              "%s: no event matching %r" % (peer.seat, pattern))


# ---- scenarios -----------------------------------------------------------------------
SCENARIOS = []


def scenario(func):
    SCENARIOS.append(func)
    return func


@scenario
def ake_v3_query(w):
    a, b = w.pair()
    w.ake(a, b)
    w.say(a, b, "hello bob, this is private")
    w.say(b, a, "hello alice, also private")


@scenario
def ake_v2_only(w):
    a, b = w.pair(policy=ALLOW_V2 | SEND_WS | WS_START | ERROR_START)
    w.ake(a, b, version=2)
    w.say(a, b, "v2 text one way")
    w.say(b, a, "v2 text the other way")


@scenario
def ake_v2_v3_mixed_policy(w):
    a, b = w.pair(policy=OPPORTUNISTIC, policy_b=ALLOW_V2 | WS_START | ERROR_START)
    w.ake(a, b, version=2)
    w.say(a, b, "the common version is 2")


@scenario
def version_not_allowed(w):
    # Bob allows only v2; a v3 D-H Commit from Alice (answering a v3-only query) is dropped.
    a, b = w.pair(policy=OPPORTUNISTIC, policy_b=ALLOW_V2 | ERROR_START)
    w.deliver("bob", "alice", "?OTRv3?")
    w.pump()
    check(b.best("alice").get("msgstate") == "plaintext", "Bob ignored the v3 AKE")
    w.ake(a, b, version=2)


@scenario
def start_by_whitespace_tag(w):
    a, b = w.pair()
    w.say(a, b, "plain hello with a tag", private=False)
    w.expect_secure(a, b)
    w.say(b, a, "now it is private")


@scenario
def start_by_error_message(w):
    a, b = w.pair()
    w.deliver("alice", "bob", "?OTR Error: you sent me something I cannot read")
    w.pump()
    w.expect_event(b, "msg_event rcvdmsg_general_err .*you sent me something I cannot read")
    w.expect_secure(a, b)
    w.say(a, b, "private after an error message")


@scenario
def error_message_without_error_start(w):
    a, b = w.pair(policy=OPPORTUNISTIC, policy_b=MANUAL)
    w.deliver("alice", "bob", "?OTR Error: an error that starts nothing")
    w.pump()
    w.expect_event(b, "msg_event rcvdmsg_general_err")
    check(b.best("alice").get("msgstate") == "plaintext", "Bob's policy has no ERROR_START_AKE")


@scenario
def messages_with_rotation(w):
    a, b = w.pair()
    w.ake(a, b)
    for i in range(150):
        w.say(a, b, "round %d from alice" % i)
        w.say(b, a, "round %d from bob" % i)
    for i in range(20):
        w.say(a, b, "burst %d" % i)
    w.say(b, a, "after the burst")


def fragments(w, version, mode):
    policy = OPPORTUNISTIC if version == 3 else ALLOW_V2 | WS_START | ERROR_START
    a, b = w.pair(policy=policy)
    for p in (a, b):
        p.do("maxsize 180")
        p.do("fragmode " + mode)
    w.ake(a, b, version=version)
    long_text = "".join("%03d long private text; " % i for i in range(60))
    w.say(a, b, long_text)
    w.say(b, a, long_text.upper())
    frags = [m for _, _, m in w.wire if parse_fragment(m)]
    if mode != "skip":      # with skip only AKE messages are fragmented
        check(frags and all(parse_fragment(m)[0] == version for m in frags),
              "fragments in the v%d form" % version)


for _version in (2, 3):
    for _mode in ("all", "allbutfirst", "allbutlast", "skip"):
        def _frag(w, version=_version, mode=_mode):
            fragments(w, version, mode)
        _frag.__name__ = "fragments_v%d_%s" % (_version, _mode)
        scenario(_frag)


def ask_and_answer(w, asker, ask, responder, secret):
    """asker runs the SMP command `ask`; once it arrived, responder answers with secret."""
    asker.do(ask)
    w.pump()
    responder.do("smprespond %s %s" % (asker.account, secret))
    w.pump()


@scenario
def smp_secret_match(w):
    a, b = w.pair()
    w.ake(a, b)
    ask_and_answer(w, a, "smp bob open sesame", b, "open sesame")
    w.expect_event(a, "smp_event success")
    w.expect_event(b, "smp_event success")
    check(a.best("bob")["trust"] == "smp", "Alice trusts Bob after the SMP")


@scenario
def smp_question_match(w):
    a, b = w.pair()
    w.ake(a, b)
    a.do("smpq bob What is the colour?|blue")
    w.pump()
    w.expect_event(b, r"smp_event ask_for_answer .*question=What is the colour\?")
    b.do("smprespond alice blue")
    w.pump()
    w.expect_event(a, "smp_event success")
    w.expect_event(b, "smp_event success")


@scenario
def smp_mismatch(w):
    a, b = w.pair()
    w.ake(a, b)
    ask_and_answer(w, a, "smpq bob Colour?|blue", b, "green")
    w.expect_event(a, "smp_event failure")
    w.expect_event(b, "smp_event failure")
    w.say(a, b, "still talking after a failed SMP")


@scenario
def smp_aborted(w):
    a, b = w.pair()
    w.ake(a, b)
    a.do("smp bob the secret")
    w.pump()
    b.do("smpabort alice")
    w.pump()
    w.expect_event(a, "smp_event abort")
    ask_and_answer(w, a, "smp bob the secret", b, "the secret")
    w.expect_event(a, "smp_event success")


@scenario
def smp_answer_unasked(w):
    # Bob answers when nothing was asked (after a finished exchange): libotr still sends
    # an SMP message 2 and expects message 3; Alice, expecting message 1, reports an SMP
    # error. Her abort sets both back; a new exchange works.
    a, b = w.pair()
    w.ake(a, b)
    ask_and_answer(w, a, "smp bob open sesame", b, "open sesame")
    w.expect_event(b, "smp_event success")
    since = len(a.events)
    b.do("smprespond alice open sesame")
    w.pump()
    w.expect_event(a, "smp_event error", since)
    a.do("smpabort bob")
    w.pump()
    w.expect_event(b, "smp_event abort")
    ask_and_answer(w, a, "smp bob once more", b, "once more")
    w.expect_event(a, "smp_event success", since)


@scenario
def smp_answered_twice(w):
    # Bob answers twice before anything comes back: libotr makes a new SMP message 2
    # from the same message 1 each time. Alice goes on with the first (the second is an
    # error for her); Bob checks her message 3 against his second answer: cheating.
    a, b = w.pair()
    w.ake(a, b)
    a.do("smp bob open sesame")
    w.pump()
    answers = hold(w, b, "smprespond alice open sesame") + hold(w, b, "smprespond alice open sesame")
    for msg in answers:
        w.deliver("bob", "alice", msg)
    w.pump()
    w.expect_event(a, "smp_event in_progress")
    w.expect_event(a, "smp_event error")
    w.expect_event(b, "smp_event cheated")
    for p, other in ((a, b), (b, a)):
        p.do("smpabort " + other.account)
    w.pump()
    w.say(a, b, "still private after a double answer")


@scenario
def smp_bitlbee_style(w):
    # Both peers handle SMP events as bitlbee does: abort on an error or cheating, free
    # the SMP state in the callback whenever an exchange ends; every later callback sees
    # the freed state. A match, a mismatch, both asking at once, a match again.
    a, b = w.pair()
    for p in (a, b):
        p.do("smpstyle bitlbee")
    w.ake(a, b)
    for answer in ("blue", "green"):
        ask_and_answer(w, a, "smpq bob Colour?|blue", b, answer)
    w.expect_event(a, "smp_event failure")
    a.do("smp bob both at once")
    b.do("smp alice both at once")
    w.pump()
    w.expect_event(a, "smp_event error")
    ask_and_answer(w, b, "smp alice after the error", a, "after the error")
    w.expect_event(b, "smp_event success")
    w.say(a, b, "still private after bitlbee's SMP")


@scenario
def extra_symmetric_key(w):
    a, b = w.pair()
    w.ake(a, b)
    out = a.do("symkey bob 7 file-transfer-42")
    w.pump()
    key = re.search(r"key=([0-9a-f]{64})", "\n".join(out))
    check(key, "Alice got an extra key")
    w.expect_event(b, "received_symkey .*use=7 data=file-transfer-42 key=" + key.group(1))


@scenario
def disconnect_finished_restart(w):
    a, b = w.pair()
    w.ake(a, b)
    w.say(a, b, "before the end")
    a.do("disconnect bob")
    w.pump()
    check(a.best("bob")["msgstate"] == "plaintext", "Alice is back to plaintext")
    check(b.best("alice")["msgstate"] == "finished", "Bob is finished")
    b.do("send alice typed after the end")
    w.pump()
    w.expect_event(b, "msg_event connection_ended")
    b.do("disconnect alice")
    w.ake(a, b)
    w.say(b, a, "a new session")


@scenario
def heartbeats(w):
    a, b = w.pair()
    w.ake(a, b)
    w.say(a, b, "before a quiet minute")
    w.say(b, a, "an answer")
    for p in (a, b):
        p.do("clock 61")
    # Bob's message reaches Alice, who has sent nothing for over a minute: she answers
    # with a heartbeat (an empty data message Bob does not show).
    w.say(b, a, "after a quiet minute")
    w.expect_event(a, "msg_event log_heartbeat_sent")
    w.expect_event(b, "msg_event log_heartbeat_rcvd")
    count = len(b.received)
    w.say(b, a, "no heartbeat right after one")
    check(len(b.received) == count, "a heartbeat is never shown")


@scenario
def poll_expires_old_commit(w):
    a, b = w.pair()
    # Alice asks, Bob answers with a D-H Commit that never arrives; a minute later a
    # poll forgets it and stops the timer.
    for msg in hold(w, a, "query bob"):
        w.deliver("alice", "bob", msg)
    w.queue.clear()
    check(any("timer_control" in e for e in b.events), "Bob started a timer for his commit")
    b.do("poll")
    b.do("clock 61")
    b.do("poll")
    check(b.events[-1].endswith("timer_control 0"), "the poll stopped the timer")
    w.ake(a, b)


@scenario
def message_for_finished_session(w):
    a, b = w.pair()
    w.ake(a, b)
    late = hold(w, b, "send alice sent before the end, arriving after it")
    b.do("disconnect alice")
    w.pump()
    check(a.best("bob")["msgstate"] == "finished", "Alice's session is finished")
    for msg in late:
        w.deliver("bob", "alice", msg)
    w.pump()
    w.expect_event(a, "msg_event rcvdmsg_not_in_private")
    a.do("send bob typed into a finished session")
    w.pump()
    w.expect_event(a, "msg_event connection_ended")
    w.ake(a, b)
    w.say(a, b, "private again")


@scenario
def unreadable_message(w):
    a, b = w.pair()
    w.ake(a, b)
    def corrupt(sender, to, msg):
        data = otr_decode(msg)
        if data and data[2] == 0x03 and sender.account == "alice" and not w.corrupted:
            w.corrupted = True
            flip = bytearray(data)
            flip[-25] ^= 0x40       # inside the encrypted message
            return [otr_encode(bytes(flip))]
        return [msg]
    w.corrupted = False
    w.filter = corrupt
    a.do("send bob this one is damaged on the way")
    w.pump()
    w.filter = None
    w.expect_event(b, "msg_event rcvdmsg_unreadable")
    w.say(a, b, "this one arrives")
    w.say(b, a, "and the session is intact")


@scenario
def one_account_twice(w):
    a = w.spawn("A", "alice")
    b1 = w.spawn("B", "bob")
    b2 = w.spawn("B2", "bob", instag="bob2")
    a.do("query bob")
    w.pump()
    states = a.state("bob")
    check(states.get(INSTAGS["bob"], {}).get("msgstate") == "encrypted", "Alice with Bob's first login")
    check(states.get(INSTAGS["bob2"], {}).get("msgstate") == "encrypted", "Alice with Bob's second login")
    w.say(a, b2, "only for the second login", instag=INSTAGS["bob2"])
    check(not any(t == "only for the second login" for _, t in b1.received), "first login saw it")
    w.expect_event(b1, "msg_event rcvdmsg_for_other_instance")
    w.say(a, b1, "only for the first login", instag=INSTAGS["bob"])
    w.say(b1, a, "from the first login")
    w.say(b2, a, "from the second login")


@scenario
def trust_written_and_reread(w):
    a, b = w.pair()
    w.ake(a, b)
    a.do("trust bob verified")
    a.do("writefp")
    b.do("trust alice smp")
    b.do("writefp")
    w.retire(a, b)
    # Each seat comes back on the other implementation, reading the files written above.
    a2 = w.spawn("A", "alice", impl=w.impls[1], files_from=a)
    b2 = w.spawn("B", "bob", impl=w.impls[0], files_from=b)
    fa = "\n".join(a2.do("fingerprints"))
    fb = "\n".join(b2.do("fingerprints"))
    check(w.config.fingerprints["bob"] in fa and "trust=verified" in fa, "Alice's trust re-read")
    check(w.config.fingerprints["alice"] in fb and "trust=smp" in fb, "Bob's trust re-read")
    w.ake(a2, b2)
    check(a2.best("bob")["trust"] == "verified", "the re-read trust applies to the new session")


@scenario
def keys_generated_by_other(w):
    # Each seat generates a key with its implementation; the other implementation reads it.
    a0 = w.spawn("A", "alice", key=False, impl=w.impls[0])
    b0 = w.spawn("B", "bob", key=False, impl=w.impls[1])
    a0.do("genkey")
    b0.do("genkey")
    fa = re.search(r"fp=(\S+ \S+ \S+ \S+ \S+)", a0.do("whoami")[0]).group(1)
    w.retire(a0, b0)
    a = w.spawn("A", "alice", impl=w.impls[1], files_from=a0)
    b = w.spawn("B", "bob", impl=w.impls[0], files_from=b0)
    check(fa in a.do("whoami")[0], "the key reads back with the same fingerprint")
    w.ake(a, b)
    w.say(a, b, "signed with a key from the other library")


# ---- hostile peer: crafted input into a live encrypted session --------------------
# Alice (seat A) is the victim; the driver sends the crafted messages as Bob.  Each must
# get libotr's event (the reference's log in the same seat) and leave the session able
# to carry the next honest message both ways.

DH_MODULUS = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836"
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804"
    "F1746C08CA237327FFFFFFFFFFFFFFFF", 16)


def mpi(value):
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
    return struct.pack(">I", len(raw)) + raw


def data_fields(data):
    """Offsets of a v2/v3 data message's fields: {name: (start, end)}."""
    at = 11 if data[:2] == b"\x00\x03" else 3
    fields = {"flags": (at, at + 1), "keyids": (at + 1, at + 9)}
    at += 9
    ylen = struct.unpack(">I", data[at:at + 4])[0]
    fields["y_len"], fields["y"] = (at, at + 4), (at + 4, at + 4 + ylen)
    at += 4 + ylen
    fields["ctr"] = (at, at + 8)
    at += 8
    elen = struct.unpack(">I", data[at:at + 4])[0]
    fields["enc_len"], fields["enc"] = (at, at + 4), (at + 4, at + 4 + elen)
    at += 4 + elen
    fields["mac"] = (at, at + 20)
    fields["old_len"] = (at + 20, at + 24)
    return fields


def patch(data, field, value):
    start, end = data_fields(data)[field]
    return data[:start] + value + data[end:]


def hostile_setup(w, version=3):
    policy = OPPORTUNISTIC if version == 3 else ALLOW_V2 | WS_START | ERROR_START
    a, b = w.pair(policy=policy)
    w.ake(a, b, version=version)
    w.say(a, b, "a first private message")
    w.say(b, a, "and its answer")
    return a, b


def hold(w, sender, command):
    """Runs a command on sender and returns what it sent, without delivering it."""
    held = []
    w.filter = lambda s, to, msg: held.append(msg) or []
    sender.do(command)
    w.pump()
    w.filter = None
    return held


def still_works(w, a, b, what):
    w.say(b, a, "honest from bob after " + what)
    w.say(a, b, "honest from alice after " + what)
    check(a.best("bob")["msgstate"] == "encrypted", "Alice's session survived " + what)


def hostile(name, crafted, version=3):
    """A scenario: `crafted(w, a, b)` returns the messages Bob's side never sent."""
    def run(w):
        a, b = hostile_setup(w, version)
        for msg in crafted(w, a, b):
            w.deliver("bob", "alice", msg)
            w.pump()
        still_works(w, a, b, name)
    run.__name__ = "hostile_" + name
    SCENARIOS.append(run)


def genuine(w, b):
    msgs = hold(w, b, "send alice a message the attacker captured")
    check(len(msgs) == 1 and otr_decode(msgs[0]), "one whole data message captured")
    return otr_decode(msgs[0])


hostile("bad_base64", lambda w, a, b: ["?OTR:===.", "?OTR:A.", "?OTR:AAMD."])
hostile("truncated", lambda w, a, b: [otr_encode(genuine(w, b)[:n]) for n in (12, 30, 200, 400)])
hostile("oversized_lengths", lambda w, a, b: [
    otr_encode(patch(genuine(w, b), "enc_len", b"\xff\xff\xff\xf0")),
    otr_encode(patch(genuine(w, b), "y_len", b"\x7f\xff\xff\xff")),
    otr_encode(patch(genuine(w, b), "old_len", b"\xff\xff\xff\xff"))])
hostile("bad_mac", lambda w, a, b: [
    otr_encode(patch(genuine(w, b), "mac", b"\x00" * 20))])
hostile("bad_mac_v2", lambda w, a, b: [
    otr_encode(patch(genuine(w, b), "mac", b"\x55" * 20))], version=2)
hostile("unknown_type", lambda w, a, b: [otr_encode(b"\x00\x03\x77" + b"\x00" * 40)])


@scenario
def hostile_replayed_counter(w):
    a, b = hostile_setup(w)
    data = genuine(w, b)
    w.deliver("bob", "alice", otr_encode(data))
    w.pump()
    check(a.received[-1][1] == "a message the attacker captured", "the original arrives")
    before = len(a.received)
    w.deliver("bob", "alice", otr_encode(data))
    w.pump()
    check(len(a.received) == before or a.received[-1][1] != "a message the attacker captured",
          "a replayed message is not shown again")
    still_works(w, a, b, "a replay")


def fragment_to_alice(k, n, piece):
    return "?OTR|%08x|%08x,%05d,%05d,%s," % (INSTAGS["bob"], INSTAGS["alice"], k, n, piece)


hostile("fragment_k0", lambda w, a, b: [fragment_to_alice(0, 2, "AAAA"),
                                        fragment_to_alice(1, 2, "?OTR:AAMD"),
                                        fragment_to_alice(0, 2, "BBBB")])
hostile("fragment_k_above_n", lambda w, a, b: [fragment_to_alice(1, 2, "?OTR:AAMD"),
                                               fragment_to_alice(3, 2, "CCCC"),
                                               fragment_to_alice(5, 4, "CCCC")])
hostile("fragment_n_above_65535", lambda w, a, b: [
    fragment_to_alice(1, 70000, "?OTR:AAMD"), fragment_to_alice(2, 70000, "DDDD"),
    fragment_to_alice(65536, 65536, "DDDD"), fragment_to_alice(1, 99999, "EEEE")])
# Reassembled, "?OTR|abcd" looks like a v3 fragment; libotr classifies it (an OTR
# message of unknown kind) and never takes it for a fragment again.
hostile("fragment_reassembles_to_lookalike", lambda w, a, b: [
    fragment_to_alice(1, 2, "?OTR"), fragment_to_alice(2, 2, "|abcd")])
hostile("fragment_wrong_instance", lambda w, a, b: [
    "?OTR|%08x|%08x,00001,00002,?OTR:AAMD," % (INSTAGS["bob"], INSTAGS["carol"]),
    "?OTR|%08x|%08x,00001,00002,?OTR:AAMD," % (0x42, INSTAGS["alice"])])


@scenario
def hostile_first_fragment_flood(w):
    a, b = hostile_setup(w)
    piece = "A" * 8000
    before = a.rss_kb()
    for i in range(1500):
        w.deliver("bob", "alice", fragment_to_alice(1, 3, piece))
    grown = a.rss_kb() - before
    check(grown < 32 * 1024, "1500 first fragments of 8 kB grew Alice by %d kB" % grown)
    still_works(w, a, b, "a flood of first fragments")


def aes128_ctr_zero(key, data):
    """AES-128-CTR from a zero counter (the D-H Commit's encryption of g^x), through
    the system's libgcrypt with ctypes: the standard library has no AES."""
    import ctypes
    gcrypt = ctypes.CDLL("libgcrypt.so.20")
    gcrypt.gcry_check_version.restype = ctypes.c_char_p
    gcrypt.gcry_check_version(None)
    handle = ctypes.c_void_p()
    check(gcrypt.gcry_cipher_open(ctypes.byref(handle), 7, 6, 0) == 0, "AES-128-CTR")  # AES128, CTR
    buf = ctypes.create_string_buffer(data, len(data))
    gcrypt.gcry_cipher_setkey(handle, key, 16)
    gcrypt.gcry_cipher_setctr(handle, bytes(16), 16)
    gcrypt.gcry_cipher_encrypt(handle, buf, len(data), None, 0)
    gcrypt.gcry_cipher_close(handle)
    return buf.raw


@scenario
def hostile_revealed_gx_out_of_range(w):
    # The attacker starts a new AKE into Bob's live instance with a D-H Commit whose
    # hidden g^x is out of range, then reveals it: Alice must refuse it (a setup
    # error) and keep the private session.
    a, b = hostile_setup(w)
    tags = struct.pack(">II", INSTAGS["bob"], INSTAGS["alice"])
    for gx in (0, 1, DH_MODULUS - 1, DH_MODULUS):
        r = os.urandom(16)
        gx_mpi = mpi(gx)
        commit = (b"\x00\x03\x02" + tags + data_field(aes128_ctr_zero(r, gx_mpi)) +
                  data_field(hashlib.sha256(gx_mpi).digest()))
        w.deliver("bob", "alice", otr_encode(commit))
        w.queue.clear()     # Alice's D-H Key goes nowhere
        reveal = (b"\x00\x03\x11" + tags + data_field(r) + data_field(b"\x00" * 64) +
                  b"\x00" * 20)
        w.deliver("bob", "alice", otr_encode(reveal))
        w.pump()
        check(a.best("bob")["msgstate"] == "encrypted", "Alice still private after g^x=%x" % gx)
    still_works(w, a, b, "out-of-range revealed g^x")


@scenario
def hostile_next_dh_out_of_range(w):
    # Bob's side is Debian's libotr, forging data messages with a valid MAC whose next
    # D-H key is out of range (0, 1, p-1, p); Alice must not rotate to it.
    a = w.spawn("A", "alice")
    b = w.spawn("B", "bob", impl="ref")
    w.ake(a, b)
    w.say(a, b, "a first private message")
    w.say(b, a, "and its answer")
    for y in (0, 1, DH_MODULUS - 1, DH_MODULUS):
        out = b.do("forge alice %x forged with g^y=%x" % (y, y))
        check(out[0] == "forge err=00000000", "Bob forged a message: %s" % out[0])
        w.pump()
        w.say(b, a, "honest from bob after g^y=%x" % y)
        w.say(a, b, "honest from alice after g^y=%x" % y)


hostile_next_dh_out_of_range.pairings = ["ours-ref", "ref-ref"]
# Debian's libotr takes the forged key (it shows the message and rotates to g^y=1, so
# its next message is unreadable); ours reports the message malformed and keeps the
# session. The reference run must fail its checks, and ours is not compared with it.
hostile_next_dh_out_of_range.reference_breaks = True


def data_field(raw):
    return struct.pack(">I", len(raw)) + raw


@scenario
def hostile_dh_key_out_of_range(w):
    # Bob asks for a new AKE in a live session; Alice answers with a D-H Commit and the
    # attacker answers it with a D-H Key whose g^y is out of range.  libotr's instance
    # routing gives the private instance the master's message state before it reads the
    # D-H Key, so its session falls back to plaintext; ours keeps the private state
    # unless the AKE will answer the D-H Key (SECURITY.md), so the session goes on.
    a, b = hostile_setup(w)
    for gy in (0, 1, DH_MODULUS - 1, DH_MODULUS, DH_MODULUS + 5, 1 << 1600):
        for msg in hold(w, b, "query alice"):
            w.deliver("bob", "alice", msg)
        w.queue.clear()     # Alice's D-H Commit never reaches Bob
        key = (b"\x00\x03\x0a" + struct.pack(">II", INSTAGS["bob"], INSTAGS["alice"]) + mpi(gy))
        w.deliver("bob", "alice", otr_encode(key))
        w.pump()
        w.expect_event(a, "msg_event setup_error .*err=20000037")
        check(a.best("bob")["msgstate"] == "encrypted", "Alice still private after g^y=%x" % gy)
        still_works(w, a, b, "a D-H Key with g^y=%x" % gy)


hostile_dh_key_out_of_range.pairings = ["ours-ours", "ours-ref", "ref-ref"]
# Debian's libotr drops Alice's session to plaintext (its run must fail its checks);
# ours is not compared with it.
hostile_dh_key_out_of_range.reference_breaks = True


@scenario
def hostile_commit_to_copied_commit(w):
    # A hostile D-H Key makes Alice's instance take a copy of her master's D-H Commit
    # (as in hostile_dh_key_out_of_range); then a D-H Commit whose hash is smaller than
    # hers arrives. The protocol says to resend our D-H Commit: ours does. Debian's
    # libotr resends the instance's last AKE message instead, the Signature of the
    # earlier AKE (otrl_auth_copy_on_key does not copy the message to resend), which
    # Bob cannot use.
    a, b = hostile_setup(w)
    for msg in hold(w, b, "query alice"):
        w.deliver("bob", "alice", msg)
    w.queue.clear()     # Alice's D-H Commit goes nowhere
    tags = struct.pack(">II", INSTAGS["bob"], INSTAGS["alice"])
    w.deliver("bob", "alice", otr_encode(b"\x00\x03\x0a" + tags + mpi(1)))
    w.pump()
    w.expect_event(a, "msg_event setup_error")
    commit = b"\x00\x03\x02" + tags + data_field(b"\x01" * 192) + data_field(b"\x00" * 32)
    answers = []
    w.filter = lambda sender, to, msg: answers.append(msg) or []
    w.deliver("bob", "alice", otr_encode(commit))
    w.pump()
    w.filter = None
    kinds = [classify(m) for m in answers]
    check(kinds == ["otr v3 dh-commit"], "Alice resends her D-H Commit, not %r" % kinds)


hostile_commit_to_copied_commit.pairings = ["ours-ref", "ref-ref"]
# Debian's libotr resends a stale Signature: the reference fails this check, and ours
# is not compared with it (README, "Deliberate differences").
hostile_commit_to_copied_commit.reference_breaks = True


# ---- python-potr (OTR v2) as the other side ------------------------------------------
V2_POLICY = ALLOW_V2 | WS_START | ERROR_START


def potr_scenario(func):
    func.pairings = POTR_PAIRINGS
    return scenario(func)


@potr_scenario
def potr_ake_and_rotation(w):
    a, b = w.pair(policy=V2_POLICY)
    w.ake(a, b, version=2)
    for i in range(40):
        w.say(a, b, "round %d from alice" % i)
        w.say(b, a, "round %d from bob" % i)
    w.ake(b, a, version=2)      # the other side asks for a new AKE
    w.say(a, b, "after a second AKE")


@potr_scenario
def potr_whitespace_start(w):
    a, b = w.pair(policy=V2_POLICY | SEND_WS)
    w.say(a, b, "plain hello with a tag", private=False)
    w.expect_secure(a, b, version=2)
    w.say(b, a, "private after the tag")


@potr_scenario
def potr_fragments(w):
    a, b = w.pair(policy=V2_POLICY)
    for p in (a, b):
        p.do("maxsize 200")
    w.ake(a, b, version=2)
    long_text = "".join("%03d long private text; " % i for i in range(50))
    w.say(a, b, long_text)
    w.say(b, a, long_text.upper())
    check(any(parse_fragment(m) for _, _, m in w.wire), "fragments crossed the wire")


def potr_smp(w, question, secret_a, secret_b, initiator):
    a, b = w.pair(policy=V2_POLICY)
    w.ake(a, b, version=2)
    first, second = (a, b) if initiator == "A" else (b, a)
    if question:
        first.do("smpq %s %s|%s" % (second.account, question, secret_a))
    else:
        first.do("smp %s %s" % (second.account, secret_a))
    w.pump()
    w.expect_event(second, "smp_event ask_for_%s" % ("answer" if question else "secret"))
    second.do("smprespond %s %s" % (first.account, secret_b))
    w.pump()
    outcome = "success" if secret_a == secret_b else "failure"
    w.expect_event(second, "smp_event " + outcome)
    if outcome == "success" or second.impl != "potr":
        # potr, answering, does not send the last SMP message when the secrets differ
        # (the protocol says it must), so the asking side learns nothing then.
        w.expect_event(first, "smp_event " + outcome)
    w.say(a, b, "talking after the SMP")


for _q in (None, "Where did we meet?"):
    for _match in (True, False):
        for _init in ("A", "B"):
            def _smp(w, q=_q, match=_match, init=_init):
                potr_smp(w, q, "the harbour", "the harbour" if match else "the station", init)
            _smp.__name__ = "potr_smp_%s_%s_from_%s" % ("question" if _q else "secret",
                                                      "match" if _match else "mismatch", _init)
            potr_scenario(_smp)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--peer", default="tests/interop/build/peer")
    parser.add_argument("--ours", default="build")
    parser.add_argument("--reference-lib", required=True,
                        help="Debian's libotr.so.5, by path (tests/ref/debian-cc --lib)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", default="")
    parser.add_argument("--pairings", default="", help="run only these (and their references)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--logs", default="",
                        help="write each run's normalised logs to DIR/SCENARIO.PAIRING.SEAT")
    args = parser.parse_args()
    config = Config(args)
    try:
        return run_all(config, args)
    finally:
        if not args.keep:
            shutil.rmtree(config.tmp, ignore_errors=True)


class Config:
    def __init__(self, args):
        self.peer = os.path.abspath(args.peer)
        self.potr_peer = os.path.join(os.path.dirname(os.path.abspath(__file__)), "potr_peer.py")
        self.ours = os.path.abspath(args.ours)
        self.tmp = tempfile.mkdtemp(prefix="otr-interop-")
        self.expect_lib = {"ours": os.path.realpath(os.path.join(self.ours, "libotr.so.5")),
                           "ref": os.path.realpath(args.reference_lib), "potr": "potr"}
        self.keys, self.fingerprints = {}, {}
        self.make_keys()

    def make_keys(self):
        """One DSA key per account, made once per run: Alice's by Debian's libotr, Bob's by ours."""
        for account, impl in (("alice", "ref"), ("bob", "ours"), ("carol", "ref")):
            world = World(self, (impl, impl), os.path.join(self.tmp, "keygen-" + account))
            peer = world.spawn("A", account, impl=impl, key=False, load=False)
            peer.do("genkey")
            line = peer.do("whoami")[0]
            world.close()
            self.keys[account] = os.path.join(peer.dir, "private_key")
            self.fingerprints[account] = re.search(r"fp=(.*)$", line).group(1)


def run_one(config, func, pairing):
    impls = tuple(pairing.split("-"))
    workdir = tempfile.mkdtemp(prefix="%s-%s-" % (func.__name__, pairing), dir=config.tmp)
    world = World(config, impls, workdir)
    error = None
    started = time.monotonic()
    try:
        func(world)
    except ScenarioError as e:
        error = str(e)
    except Exception:  # a broken driver or scenario is a failure too, with its trace
        error = traceback.format_exc()
    finally:
        world.close()
    logs, raw = {}, {}
    for peer in world.all:
        logs.setdefault(peer.seat, []).extend(peer.log)
        raw.setdefault(peer.seat, []).extend(peer.raw)
    return {"error": error, "logs": {s: collapse(l) for s, l in logs.items()}, "raw": raw,
            "seconds": time.monotonic() - started}


def collapse(blocks):
    """Runs of identical blocks (fragments, say) become one, marked as repeated."""
    out = []
    for block in blocks:
        if out and (out[-1] == block or out[-1] == block + "\n  (repeated)"):
            out[-1] = block + "\n  (repeated)"
        else:
            out.append(block)
    return out


def pairings_of(func, args):
    chosen = getattr(func, "pairings", PAIRINGS)
    wanted = args.pairings.split(",") if args.pairings else chosen
    return [p for p in chosen if p in wanted or reference_of(p) == p]


def reference_of(pairing):
    """The pairing whose logs this one must reproduce: Debian's libotr in place of ours."""
    return pairing.replace("ours", "ref")


def run_all(config, args):
    chosen = [f for f in SCENARIOS if not args.only or f.__name__ in args.only.split(",")]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {(f.__name__, p): pool.submit(run_one, config, f, p)
                   for f in chosen for p in pairings_of(f, args)}
        results = {k: fut.result() for k, fut in futures.items()}
    if args.logs:
        write_logs(args.logs, results)
    passed = failed = 0
    width = max(len(f.__name__) for f in chosen)
    reports = []
    header = None
    for f in chosen:
        name = f.__name__
        pairings = pairings_of(f, args)
        if header != pairings:
            header = pairings
            print("%-*s  %s" % (width, "scenario", "  ".join("%-9s" % p for p in pairings)))
        cells = []
        for p in pairings:
            r = results[(name, p)]
            reference = results[(name, reference_of(p))]
            problem = r["error"]
            breaks = getattr(f, "reference_breaks", False)
            if breaks and reference is r:
                # The reference is known to fail this scenario: it still must.
                problem = None if r["error"] else "Debian's libotr no longer fails this"
                if not problem:
                    passed += 1
                    cells.append("%-9s" % "ref-fails")
                    continue
            elif not problem and reference is not r and not reference["error"]:
                problem = compare(reference["logs"], r["logs"])
            if problem:
                failed += 1
                cells.append("%-9s" % "FAIL")
                reports.append((name, p, problem, r))
            else:
                passed += 1
                cells.append("%-9s" % "pass")
        print("%-*s  %s" % (width, name, "  ".join(cells)))
    for name, p, problem, r in reports:
        print("\n==== FAIL %s [%s]: %s" % (name, p, problem))
        for seat in sorted(r["raw"]):
            print("---- %s seat %s (%s) log:" % (p, seat, impl_of(p, seat)))
            for block in r["raw"][seat]:
                print("  > " + escape(block[0])[:300])
                for line in block[1:]:
                    print("    " + line[:300])
    runs = sum(len(pairings_of(f, args)) for f in chosen)
    print("interop: %d scenarios, %d runs in %.1fs" % (len(chosen), runs,
                                                       time.monotonic() - started))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def write_logs(directory, results):
    """Each seat's normalised log of each run, one file each (to diff by hand)."""
    os.makedirs(directory, exist_ok=True)
    for (name, pairing), result in results.items():
        for seat, blocks in result["logs"].items():
            with open(os.path.join(directory, "%s.%s.%s" % (name, pairing, seat)), "w") as f:
                f.write("\n".join(blocks) + "\n")


def impl_of(pairing, seat):
    return pairing.split("-")[0 if seat.startswith("A") else 1]


def compare(expected, got):
    """None when every seat's log is the reference's, else the first difference."""
    for seat in sorted(set(expected) | set(got)):
        want, have = expected.get(seat, []), got.get(seat, [])
        if want != have:
            diff = difflib.unified_diff("\n".join(want).split("\n"), "\n".join(have).split("\n"),
                                        "reference seat %s" % seat, "this pairing seat %s" % seat,
                                        lineterm="", n=4)
            return "seat %s differs from the reference:\n%s" % (seat, "\n".join(list(diff)[:80]))
    return None


if __name__ == "__main__":
    sys.exit(main())
