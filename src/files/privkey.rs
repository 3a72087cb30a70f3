//! The private key file (`otrl_privkey_read` / `otrl_privkey_generate`).
//!
//! The file is one S-expression:
//!
//! ```text
//! (privkeys
//!  (account
//! (name "alice@example.org")
//! (protocol prpl-jabber)
//! (private-key
//!  (dsa
//!   (p #00B981…#)
//!   …
//! ```
//!
//! Reading follows libotr: the first atom must be `privkeys`; every further element
//! must be a list starting with `account` that contains (anywhere inside, first match
//! wins) a `name`, a `protocol` and a `private-key` list; the name and protocol are the
//! second element of their lists; the private key must contain a `dsa` list with
//! `p`, `q`, `g` and `y` atoms. The first account breaking a rule stops the reading with
//! an error, and the accounts before it stay loaded.

use super::sexp::{Item, Sexp, SexpError};
use super::{c_str, strip_leading_zeros};

/// A DSA key's numbers, each an unsigned big-endian magnitude without leading zero
/// bytes (zero is the empty vector).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DsaKey {
    /// The prime modulus.
    pub p: Vec<u8>,
    /// The prime divisor of `p - 1`.
    pub q: Vec<u8>,
    /// The generator.
    pub g: Vec<u8>,
    /// The public value `g^x mod p`.
    pub y: Vec<u8>,
    /// The secret exponent; libotr loads a key without one (signing then fails).
    pub x: Option<Vec<u8>>,
}

impl DsaKey {
    /// The public key as libotr serializes it into `OtrlPrivKey.pubkey_data` (its
    /// `make_pubkey`): `p`, `q`, `g`, `y`, each a 4-byte big-endian length and the
    /// minimal big-endian magnitude. Its SHA-1 is the key's fingerprint.
    pub fn public_key_data(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.p.len() * 3 + self.q.len());
        for number in [&self.p, &self.q, &self.g, &self.y] {
            let magnitude = strip_leading_zeros(number);
            let len = u32::try_from(magnitude.len()).unwrap_or(u32::MAX);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(magnitude);
        }
        out
    }
}

/// One account's key as libotr keeps it (`OtrlPrivKey`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrivKey {
    /// The account name: the `name` atom up to its first NUL byte (a C string).
    pub account_name: Vec<u8>,
    /// The protocol: the `protocol` atom up to its first NUL byte.
    pub protocol: Vec<u8>,
    /// The `(private-key ...)` list exactly as read, written back unchanged.
    pub private_key: Sexp,
    /// The numbers found in `private_key`.
    pub dsa: DsaKey,
}

/// Why reading the key file stopped. The C layer turns it into a `gcry_error_t`:
///
/// | variant | libotr 4.1.1 returns |
/// |---|---|
/// | `EmptyFile` | `gcry_error_from_errno(errno)`: 0 when `errno` is 0 (measured) |
/// | `Syntax(e)` | `0x01000000 \| e.gpg_err_code()` (source GCRYPT), e.g. `0x010000cd` for a `;` |
/// | `UnusableSecretKey` | `0x20000036` (`GPG_ERR_UNUSABLE_SECKEY`, source USER_1) |
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrivKeyError {
    /// The file has no bytes (libotr's `fread` of 0 bytes "fails").
    EmptyFile,
    /// libgcrypt's reader rejected the text.
    Syntax(SexpError),
    /// The text is an S-expression but not a key file libotr can use.
    UnusableSecretKey,
}

/// `gcry_error(GPG_ERR_UNUSABLE_SECKEY)` as libotr builds it (source USER_1).
pub const GCRY_ERROR_UNUSABLE_SECKEY: u32 = 0x2000_0036;

impl PrivKeyError {
    /// The `gcry_error_t` libotr returns, or `None` for [`PrivKeyError::EmptyFile`]
    /// (which depends on the caller's `errno`).
    pub fn gcry_error(self) -> Option<u32> {
        match self {
            PrivKeyError::EmptyFile => None,
            PrivKeyError::Syntax(e) => Some(0x0100_0000 | e.gpg_err_code()),
            PrivKeyError::UnusableSecretKey => Some(GCRY_ERROR_UNUSABLE_SECKEY),
        }
    }
}

/// What reading a key file produced: the keys loaded, in file order, and the error that
/// stopped the reading, if any (the keys before it stay loaded, as in libotr).
///
/// libotr links each key at the head of `privkey_root`, so its list is the reverse of
/// `keys`, and lookups find the **last** key of an account in the file
/// (see [`find_private_key`]).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PrivKeysRead {
    /// Keys in file order.
    pub keys: Vec<PrivKey>,
    /// Why the reading stopped early, or `None` on success.
    pub error: Option<PrivKeyError>,
}

/// Reads a private key file as `otrl_privkey_read_FILEp` does.
pub fn parse_private_keys(file: &[u8]) -> PrivKeysRead {
    let mut read = PrivKeysRead::default();
    if file.is_empty() {
        read.error = Some(PrivKeyError::EmptyFile);
        return read;
    }
    let all = match Sexp::parse(file) {
        Ok(all) => all,
        Err(e) => {
            read.error = Some(PrivKeyError::Syntax(e));
            return read;
        }
    };
    let Some(all) = all.filter(|all| all.nth_data(0) == Some(b"privkeys")) else {
        read.error = Some(PrivKeyError::UnusableSecretKey);
        return read;
    };
    for i in 1..all.length() {
        match all.nth(i).as_ref().and_then(read_account) {
            Some(key) => read.keys.push(key),
            None => {
                read.error = Some(PrivKeyError::UnusableSecretKey);
                break;
            }
        }
    }
    read
}

/// One `(account (name ..) (protocol ..) (private-key ..))` element, or `None` if libotr
/// would reject it.
fn read_account(account: &Sexp) -> Option<PrivKey> {
    if account.nth_data(0) != Some(b"account") {
        return None;
    }
    let names = account.find_token(b"name")?;
    let protocols = account.find_token(b"protocol")?;
    let private_key = account.find_token(b"private-key")?;
    let account_name = c_str(names.nth_data(1)?).to_vec();
    let protocol = c_str(protocols.nth_data(1)?).to_vec();
    let dsa = read_dsa(&private_key)?;
    Some(PrivKey {
        account_name,
        protocol,
        private_key,
        dsa,
    })
}

/// The DSA numbers of a `(private-key (dsa ...))` list; `None` without `p q g y`
/// (libotr's `make_pubkey` failing).
fn read_dsa(private_key: &Sexp) -> Option<DsaKey> {
    let dsa = private_key.find_token(b"dsa")?;
    let number = |name: &[u8]| {
        let list = dsa.find_token(name)?;
        Some(strip_leading_zeros(list.nth_data(1)?).to_vec())
    };
    Some(DsaKey {
        p: number(b"p")?,
        q: number(b"q")?,
        g: number(b"g")?,
        y: number(b"y")?,
        x: number(b"x"),
    })
}

/// The key libotr's `otrl_privkey_find` returns after reading `keys` (in file order):
/// the last one with this account name and protocol.
pub fn find_private_key<'a>(
    keys: &'a [PrivKey],
    account_name: &[u8],
    protocol: &[u8],
) -> Option<&'a PrivKey> {
    keys.iter()
        .rev()
        .find(|k| k.account_name == account_name && k.protocol == protocol)
}

/// An MPI atom as libgcrypt's `%m` (`GCRYMPI_FMT_STD`) stores a non-negative number:
/// minimal big-endian bytes, with a `00` in front when the top bit is set.
fn std_mpi(magnitude: &[u8]) -> Vec<u8> {
    let m = strip_leading_zeros(magnitude);
    let mut atom = Vec::with_capacity(m.len() + 1);
    if m.first().is_some_and(|b| b & 0x80 != 0) {
        atom.push(0);
    }
    atom.extend_from_slice(m);
    atom
}

impl PrivKey {
    /// A freshly generated key, with its `private-key` list laid out as libgcrypt's
    /// `gcry_pk_genkey` makes it: `(private-key (dsa (p ..)(q ..)(g ..)(y ..)(x ..)))`.
    pub fn from_dsa(account_name: &[u8], protocol: &[u8], dsa: DsaKey) -> PrivKey {
        let mut items = vec![
            Item::Open,
            Item::Data(b"private-key".to_vec()),
            Item::Open,
            Item::Data(b"dsa".to_vec()),
        ];
        let numbers = [
            (&b"p"[..], Some(&dsa.p)),
            (b"q", Some(&dsa.q)),
            (b"g", Some(&dsa.g)),
            (b"y", Some(&dsa.y)),
            (b"x", dsa.x.as_ref()),
        ];
        for (name, value) in numbers {
            if let Some(value) = value {
                items.extend([
                    Item::Open,
                    Item::Data(name.to_vec()),
                    Item::Data(std_mpi(value)),
                    Item::Close,
                ]);
            }
        }
        items.extend([Item::Close, Item::Close]);
        let private_key = Sexp::from_items(items).unwrap_or_else(|| Sexp::list_of_atoms([""]));
        let dsa = DsaKey {
            p: strip_leading_zeros(&dsa.p).to_vec(),
            q: strip_leading_zeros(&dsa.q).to_vec(),
            g: strip_leading_zeros(&dsa.g).to_vec(),
            y: strip_leading_zeros(&dsa.y).to_vec(),
            x: dsa.x.map(|x| strip_leading_zeros(&x).to_vec()),
        };
        PrivKey {
            account_name: c_str(account_name).to_vec(),
            protocol: c_str(protocol).to_vec(),
            private_key,
            dsa,
        }
    }
}

/// What libotr's `sexp_write` puts in the file: the advanced rendering, cut at its first
/// NUL byte (it is printed with `fprintf("%s")`).
fn write_sexp(out: &mut Vec<u8>, sexp: &Sexp) {
    out.extend_from_slice(c_str(&sexp.to_advanced()));
}

/// One account of a key file being written: what libotr's `account_write` gets.
#[derive(Clone, Copy, Debug)]
pub struct AccountToWrite<'a> {
    /// The account name (written up to its first NUL byte, as C sees it).
    pub account_name: &'a [u8],
    /// The protocol (written up to its first NUL byte).
    pub protocol: &'a [u8],
    /// The `(private-key ...)` list; `None` for a key generation that was finished
    /// without being calculated, which libotr writes as `()` (libgcrypt prints its NULL
    /// S-expression so), making the file unreadable from that account on.
    pub private_key: Option<&'a Sexp>,
}

impl<'a> From<&'a PrivKey> for AccountToWrite<'a> {
    fn from(key: &'a PrivKey) -> Self {
        AccountToWrite {
            account_name: &key.account_name,
            protocol: &key.protocol,
            private_key: Some(&key.private_key),
        }
    }
}

/// Writes a key file as libotr's key generation does, with the accounts in the given
/// order: `(privkeys`, each account as libotr's `account_write` prints it, `)`.
///
/// libotr writes the keys of `privkey_root` (the reverse of file order) except the one
/// being replaced, then the new key; choosing that order is the caller's business.
pub fn write_accounts<'a, I>(accounts: I) -> Vec<u8>
where
    I: IntoIterator<Item = AccountToWrite<'a>>,
{
    let mut out = b"(privkeys\n".to_vec();
    for account in accounts {
        out.extend_from_slice(b" (account\n");
        let name = [&b"name"[..], c_str(account.account_name)];
        write_sexp(&mut out, &Sexp::list_of_atoms(name));
        let protocol = [&b"protocol"[..], c_str(account.protocol)];
        write_sexp(&mut out, &Sexp::list_of_atoms(protocol));
        match account.private_key {
            Some(key) => write_sexp(&mut out, key),
            None => out.extend_from_slice(b"()\n"),
        }
        out.extend_from_slice(b" )\n");
    }
    out.extend_from_slice(b")\n");
    out
}

/// Writes a key file holding `keys`, in that order (see [`write_accounts`]).
pub fn write_private_keys<'a, I>(keys: I) -> Vec<u8>
where
    I: IntoIterator<Item = &'a PrivKey>,
{
    write_accounts(keys.into_iter().map(AccountToWrite::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = include_bytes!("../../tests/files_data/sample.private_key");

    #[test]
    fn sample_round_trip() {
        let read = parse_private_keys(SAMPLE);
        assert_eq!(read.error, None);
        assert_eq!(read.keys.len(), 2);
        assert_eq!(read.keys[0].account_name, b"alice@example.org");
        assert_eq!(read.keys[1].protocol, b"IRC");
        assert_eq!(read.keys[0].dsa.q.len(), 20);
        assert_eq!(write_private_keys(&read.keys), SAMPLE);
    }

    #[test]
    fn from_dsa_matches_genkey_layout() {
        let read = parse_private_keys(SAMPLE);
        for key in &read.keys {
            let rebuilt = PrivKey::from_dsa(&key.account_name, &key.protocol, key.dsa.clone());
            assert_eq!(&rebuilt, key);
        }
    }

    #[test]
    fn public_key_data_is_four_mpis() {
        let read = parse_private_keys(SAMPLE);
        for key in &read.keys {
            let data = key.dsa.public_key_data();
            assert_eq!(data.len(), 420);
            assert_eq!(&data[..4], &[0, 0, 0, 128]);
            assert_eq!(&data[4..132], &key.dsa.p[..]);
        }
    }

    #[test]
    fn uncalculated_key_is_written_as_empty_list() {
        // Bytes Debian's libotr 4.1.1 wrote for start + finish without calculate.
        let written = write_accounts([AccountToWrite {
            account_name: b"a",
            protocol: b"p",
            private_key: None,
        }]);
        assert_eq!(
            written,
            b"(privkeys\n (account\n(name a)\n(protocol p)\n()\n )\n)\n"
        );
        let read = parse_private_keys(&written);
        assert!(read.keys.is_empty());
        assert_eq!(read.error, Some(PrivKeyError::UnusableSecretKey));
    }

    #[test]
    fn structure_errors_keep_earlier_accounts() {
        let good = parse_private_keys(SAMPLE);
        let mut text = SAMPLE[..SAMPLE.len() - 2].to_vec();
        text.extend_from_slice(b" (account (name x) (protocol y)))\n");
        let read = parse_private_keys(&text);
        assert_eq!(read.keys, good.keys);
        assert_eq!(read.error, Some(PrivKeyError::UnusableSecretKey));
    }

    #[test]
    fn small_cases() {
        let err = |t: &[u8]| parse_private_keys(t).error;
        assert_eq!(err(b""), Some(PrivKeyError::EmptyFile));
        assert_eq!(err(b"(privkeys)"), None);
        assert_eq!(err(b"privkeys\n"), None);
        assert_eq!(err(b"privkeys"), Some(PrivKeyError::UnusableSecretKey));
        assert_eq!(err(b" \n"), Some(PrivKeyError::UnusableSecretKey));
        assert_eq!(
            err(b"; x\n(privkeys)"),
            Some(PrivKeyError::Syntax(SexpError::BadCharacter))
        );
        assert_eq!(
            PrivKeyError::Syntax(SexpError::BadCharacter).gcry_error(),
            Some(0x0100_00cd)
        );
    }
}
