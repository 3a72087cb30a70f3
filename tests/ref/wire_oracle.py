#!/usr/bin/env python3
"""Reference oracle for the wire tests: answers queries with Debian's real
libotr 4.1.1 (via ctypes). One request per stdin line, one answer per stdout
line. Arguments are hex-encoded byte strings or decimal integers. The one
command-line argument is the path of Debian's libotr.so.5 (loaded by path: ours
may be installed system-wide).

Exits with status 2 and a clear message if the reference is unavailable."""
import ctypes
import sys

LIB = sys.argv[1]
try:
    L = ctypes.CDLL(LIB)
except OSError as e:
    sys.stderr.write("REFERENCE MISSING: cannot load %s (%s); install libotr5\n" % (LIB, e))
    sys.exit(2)

libc = ctypes.CDLL(None)
libc.free.argtypes = [ctypes.c_void_p]
c_uint = ctypes.c_uint
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p

L.otrl_init(4, 1, 1)
L.otrl_proto_message_type.argtypes = [c_char_p]
L.otrl_proto_message_version.argtypes = [c_char_p]
L.otrl_proto_instance.argtypes = [c_char_p, ctypes.POINTER(c_uint), ctypes.POINTER(c_uint)]
L.otrl_proto_query_bestversion.argtypes = [c_char_p, c_uint]
L.otrl_proto_query_bestversion.restype = c_uint
L.otrl_proto_whitespace_bestversion.argtypes = [c_char_p, ctypes.POINTER(c_void_p), ctypes.POINTER(c_void_p), c_uint]
L.otrl_proto_whitespace_bestversion.restype = c_uint
L.otrl_proto_default_query_msg.argtypes = [c_char_p, c_uint]
L.otrl_proto_default_query_msg.restype = c_void_p
L.otrl_base64_encode.argtypes = [c_void_p, c_char_p, ctypes.c_size_t]
L.otrl_base64_encode.restype = ctypes.c_size_t
L.otrl_base64_decode.argtypes = [c_void_p, c_char_p, ctypes.c_size_t]
L.otrl_base64_decode.restype = ctypes.c_size_t
L.otrl_base64_otr_encode.argtypes = [c_char_p, ctypes.c_size_t]
L.otrl_base64_otr_encode.restype = c_void_p
L.otrl_base64_otr_decode.argtypes = [c_char_p, ctypes.POINTER(c_void_p), ctypes.POINTER(ctypes.c_size_t)]
L.otrl_tlv_parse.argtypes = [c_char_p, ctypes.c_size_t]
L.otrl_tlv_parse.restype = c_void_p
L.otrl_tlv_free.argtypes = [c_void_p]
L.otrl_userstate_create.restype = c_void_p
L.otrl_context_find.restype = c_void_p
L.otrl_context_find.argtypes = [c_void_p, c_char_p, c_char_p, c_char_p, c_uint,
                                ctypes.c_int, c_void_p, c_void_p, c_void_p]
L.otrl_proto_fragment_accumulate.argtypes = [ctypes.POINTER(c_void_p), c_void_p, c_char_p]
L.otrl_proto_fragment_create.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.POINTER(c_void_p)), c_void_p, c_char_p]
L.otrl_proto_fragment_free.argtypes = [ctypes.POINTER(ctypes.POINTER(c_void_p)), ctypes.c_ushort]


class TLV(ctypes.Structure):
    pass


TLV._fields_ = [("type", ctypes.c_ushort), ("len", ctypes.c_ushort),
                ("data", ctypes.POINTER(ctypes.c_ubyte)), ("next", ctypes.POINTER(TLV))]


# Layout of the parts of ConnContext (context.h, auth.h, dh.h) needed to set
# the protocol versions and instance tags read by otrl_proto_fragment_create.
class DHKeypair(ctypes.Structure):
    _fields_ = [("groupid", c_uint), ("priv", c_void_p), ("pub", c_void_p)]


class AuthInfo(ctypes.Structure):
    _fields_ = [("authstate", ctypes.c_int), ("context", c_void_p), ("our_dh", DHKeypair),
                ("our_keyid", c_uint), ("encgx", c_void_p), ("encgx_len", ctypes.c_size_t),
                ("r", ctypes.c_ubyte * 16), ("hashgx", ctypes.c_ubyte * 32),
                ("their_pub", c_void_p), ("their_keyid", c_uint),
                ("enc_c", c_void_p), ("enc_cp", c_void_p), ("mac_m1", c_void_p),
                ("mac_m1p", c_void_p), ("mac_m2", c_void_p), ("mac_m2p", c_void_p),
                ("their_fingerprint", ctypes.c_ubyte * 20), ("initiated", ctypes.c_int),
                ("protocol_version", c_uint), ("secure_session_id", ctypes.c_ubyte * 20),
                ("secure_session_id_len", ctypes.c_size_t), ("session_id_half", ctypes.c_int),
                ("lastauthmsg", c_void_p), ("commit_sent_time", ctypes.c_long)]


class Fingerprint(ctypes.Structure):
    _fields_ = [("next", c_void_p), ("tous", c_void_p), ("fingerprint", c_void_p),
                ("context", c_void_p), ("trust", c_void_p)]


class ConnContext(ctypes.Structure):
    _fields_ = [("next", c_void_p), ("tous", c_void_p), ("context_priv", c_void_p),
                ("username", c_void_p), ("accountname", c_void_p), ("protocol", c_void_p),
                ("m_context", c_void_p), ("recent_rcvd_child", c_void_p),
                ("recent_sent_child", c_void_p), ("recent_child", c_void_p),
                ("our_instance", c_uint), ("their_instance", c_uint), ("msgstate", ctypes.c_int),
                ("auth", AuthInfo), ("fingerprint_root", Fingerprint),
                ("active_fingerprint", c_void_p), ("sessionid", ctypes.c_ubyte * 20),
                ("sessionid_len", ctypes.c_size_t), ("sessionid_half", ctypes.c_int),
                ("protocol_version", c_uint), ("otr_offer", ctypes.c_int),
                ("app_data", c_void_p), ("app_data_free", c_void_p), ("smstate", c_void_p)]


US = L.otrl_userstate_create()
CTX_PTR = L.otrl_context_find(US, b"bob", b"alice", b"prpl", 0, 1, None, None, None)
CTX = ConnContext.from_address(CTX_PTR)


def h(b):
    return b.hex() if b else "-"


def unhex(s):
    return b"" if s == "-" else bytes.fromhex(s)


def cmd_type(a):
    return str(L.otrl_proto_message_type(unhex(a[0])))


def cmd_version(a):
    return str(L.otrl_proto_message_version(unhex(a[0])))


def cmd_instance(a):
    f, t = c_uint(0xdeadbeef), c_uint(0xdeadbeef)
    err = L.otrl_proto_instance(unhex(a[0]), ctypes.byref(f), ctypes.byref(t))
    if err == 0:
        return "ok %d %d" % (f.value, t.value)
    return "err %s" % ("-" if f.value == 0xdeadbeef else str(f.value))


def cmd_qbest(a):
    return str(L.otrl_proto_query_bestversion(unhex(a[0]), int(a[1])))


def cmd_wsbest(a):
    msg = ctypes.create_string_buffer(unhex(a[0]))
    s, e = c_void_p(), c_void_p()
    v = L.otrl_proto_whitespace_bestversion(msg, ctypes.byref(s), ctypes.byref(e), int(a[1]))
    base = ctypes.addressof(msg)
    if not s.value:
        return "%d - -" % v
    return "%d %d %d" % (v, s.value - base, e.value - base)


def cmd_query(a):
    p = L.otrl_proto_default_query_msg(unhex(a[0]), int(a[1]))
    out = ctypes.string_at(p)
    libc.free(p)
    return h(out)


def cmd_b64enc(a):
    data = unhex(a[0])
    buf = ctypes.create_string_buffer((len(data) + 2) // 3 * 4 + 1)
    n = L.otrl_base64_encode(buf, data, len(data))
    return h(buf.raw[:n])


def cmd_b64dec(a):
    text = unhex(a[0])
    buf = ctypes.create_string_buffer(len(text) // 4 * 3 + 3)
    n = L.otrl_base64_decode(buf, text, len(text))
    return h(buf.raw[:n])


def cmd_otrenc(a):
    data = unhex(a[0])
    p = L.otrl_base64_otr_encode(data, len(data))
    out = ctypes.string_at(p)
    libc.free(p)
    return h(out)


def cmd_otrdec(a):
    buf, n = c_void_p(), ctypes.c_size_t()
    r = L.otrl_base64_otr_decode(unhex(a[0]), ctypes.byref(buf), ctypes.byref(n))
    if r != 0:
        return "err %d" % r
    out = ctypes.string_at(buf, n.value) if n.value else b""
    libc.free(buf)
    return "ok " + h(out)


def cmd_tlv(a):
    data = unhex(a[0])
    head = L.otrl_tlv_parse(data, len(data))
    parts, p = [], head
    while p:
        t = TLV.from_address(p)
        parts.append("%d:%s" % (t.type, h(ctypes.string_at(t.data, t.len))))
        p = ctypes.cast(t.next, c_void_p).value
    L.otrl_tlv_free(head)
    return " ".join(parts) if parts else "none"


def cmd_fragreset(a):
    L.otrl_proto_fragment_accumulate(ctypes.byref(c_void_p()), CTX_PTR, b"plain")
    return "ok"


def cmd_frag(a):
    out = c_void_p()
    r = L.otrl_proto_fragment_accumulate(ctypes.byref(out), CTX_PTR, unhex(a[0]))
    if r == 2:
        s = ctypes.string_at(out.value)
        libc.free(out)
        return "2 " + h(s)
    return str(r)


def cmd_fragcreate(a):
    mms, count, version, ours, theirs = (int(x) for x in a[:5])
    CTX.protocol_version = version
    CTX.auth.protocol_version = version
    CTX.our_instance = ours
    CTX.their_instance = theirs
    arr = ctypes.POINTER(c_void_p)()
    err = L.otrl_proto_fragment_create(mms, count, ctypes.byref(arr), CTX_PTR, unhex(a[5]))
    if err:
        return "err"
    out = [h(ctypes.string_at(arr[i])) for i in range(count)]
    L.otrl_proto_fragment_free(ctypes.byref(arr), count)
    return " ".join(out)


def cmd_sscanf_tags(a):
    # As message.c: scan from the first "?OTR", if a "|" follows it.
    msg = unhex(a[0])
    f, t = c_uint(0), c_uint(0)
    first = msg.find(b"?OTR")
    if first < 0 or msg[first + 4:first + 5] != b"|":
        return "none"
    libc.sscanf(msg[msg.index(b"?OTR"):], b"?OTR|%x|%x,", ctypes.byref(f), ctypes.byref(t))
    return "%d %d" % (f.value, t.value)


COMMANDS = {name[4:]: fn for name, fn in globals().items() if name.startswith("cmd_")}

for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    sys.stdout.write(COMMANDS[words[0]](words[1:]) + "\n")
sys.stdout.flush()
