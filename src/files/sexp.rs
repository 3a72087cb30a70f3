//! libgcrypt's S-expressions, as far as libotr's private key file needs them.
//!
//! libotr hands the whole key file to `gcry_sexp_new` and walks the result with
//! `gcry_sexp_find_token`, `gcry_sexp_nth`, `gcry_sexp_nth_data` and
//! `gcry_sexp_length`; it writes keys with `gcry_sexp_sprint` in "advanced" format.
//! This module reproduces those five pieces of libgcrypt 1.10 exactly, quirks included:
//!
//! - the value is kept as libgcrypt keeps it, a flat sequence of "open", "close" and
//!   "data" items, because the accessors walk that sequence by nesting level and give
//!   surprising (but reproducible) answers for files holding several top-level
//!   expressions;
//! - the reader accepts canonical (`4:name`), token, quoted-string, hex (`#..#`) and
//!   base64 (`|..|`) atoms and display hints (`[..]`, whose content becomes ordinary
//!   atoms); it silently drops an atom still open when the input ends (a final token
//!   without a following delimiter, an unterminated string, ...); a NUL byte counts as a
//!   token character (libgcrypt looks bytes up with `strchr`, which finds the string's
//!   terminator);
//! - an empty result, or one starting with `()`, is "no expression" (libgcrypt returns
//!   a NULL `gcry_sexp_t` and no error).
//!
//! One deliberate difference: libgcrypt stores atom lengths in 16 bits and corrupts its
//! own buffer for atoms longer than 65535 bytes; such input is rejected here with
//! [`SexpError::AtomTooLong`].

/// Longest atom libgcrypt can represent (its `DATALEN` is an `unsigned short`).
pub const MAX_ATOM_LEN: usize = 0xFFFF;

/// One element of libgcrypt's internal representation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `ST_OPEN`: a list starts.
    Open,
    /// `ST_CLOSE`: the innermost open list ends.
    Close,
    /// `ST_DATA`: an atom (any bytes).
    Data(Vec<u8>),
}

/// A parsed S-expression: libgcrypt's flat item sequence, never empty and never
/// starting with `()` (those are "no expression", `None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sexp {
    items: Vec<Item>,
}

/// Why libgcrypt's reader rejected the input. Each maps to a `GPG_ERR_SEXP_*` code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SexpError {
    /// A length prefix not followed by `:`, `"`, `#` or `|` (`GPG_ERR_SEXP_INV_LEN_SPEC`).
    InvalidLengthSpec,
    /// A canonical length running past the end of the input (`..._STRING_TOO_LONG`).
    StringTooLong,
    /// `)` without `(`, or input ending inside a list (`..._UNMATCHED_PAREN`).
    UnmatchedParen,
    /// A byte that starts no S-expression element, e.g. `;`, `@` (`..._BAD_CHARACTER`).
    BadCharacter,
    /// A bad escape inside a quoted string (`..._BAD_QUOTATION`).
    BadQuotation,
    /// A length prefix starting with `0` (`..._ZERO_PREFIX`).
    ZeroPrefix,
    /// `[` inside a display hint (`..._NESTED_DH`).
    NestedDisplayHint,
    /// `]` without `[`, or a parenthesis inside a display hint (`..._UNMATCHED_DH`).
    UnmatchedDisplayHint,
    /// `{`, `&` or `\` outside strings (`..._UNEXPECTED_PUNC`).
    UnexpectedPunctuation,
    /// A non-hex, non-space byte between `#` and `#` (`..._BAD_HEX_CHAR`).
    BadHexChar,
    /// An odd number of hex digits between `#` and `#` (`..._ODD_HEX_NUMBERS`).
    OddHexNumbers,
    /// An atom longer than [`MAX_ATOM_LEN`]; libgcrypt would corrupt its buffer. Mapped
    /// to `GPG_ERR_TOO_LARGE`.
    AtomTooLong,
}

impl SexpError {
    /// The libgpg-error code (without error source) libgcrypt reports for this error.
    pub fn gpg_err_code(self) -> u32 {
        match self {
            SexpError::InvalidLengthSpec => 201,
            SexpError::StringTooLong => 202,
            SexpError::UnmatchedParen => 203,
            SexpError::BadCharacter => 205,
            SexpError::BadQuotation => 206,
            SexpError::ZeroPrefix => 207,
            SexpError::NestedDisplayHint => 208,
            SexpError::UnmatchedDisplayHint => 209,
            SexpError::UnexpectedPunctuation => 210,
            SexpError::BadHexChar => 211,
            SexpError::OddHexNumbers => 212,
            SexpError::AtomTooLong => 67,
        }
    }
}

/// Characters a bare token may contain (after its first, non-digit, byte).
const TOKEN_SPECIALS: &[u8] = b"-./_:*+=";

fn is_token_char(b: u8) -> bool {
    // NUL included: libgcrypt tests with strchr(), which matches the terminator.
    b.is_ascii_alphanumeric() || TOKEN_SPECIALS.contains(&b) || b == 0
}

fn is_sexp_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | 0x0b | 0x0c | b'\r' | b'\n')
}

fn is_octal(b: Option<&u8>) -> bool {
    matches!(b, Some(b'0'..=b'7'))
}

fn is_hex(b: Option<&u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_hexdigit())
}

fn hex_nibble(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

/// What the reader is in the middle of; each variant keeps where the element began.
#[derive(Clone, Copy)]
enum State {
    Between,
    Token(usize),
    Quoted { start: usize, escaped: bool },
    Hex { start: usize, digits: usize },
    Base64 { start: usize },
    Length(usize),
}

/// The reader: libgcrypt's `do_vsexp_sscan` without the printf-like arguments.
struct Reader<'a> {
    input: &'a [u8],
    items: Vec<Item>,
    level: usize,
    in_hint: bool,
}

impl<'a> Reader<'a> {
    fn push_atom(&mut self, atom: Vec<u8>) -> Result<(), SexpError> {
        if atom.len() > MAX_ATOM_LEN {
            return Err(SexpError::AtomTooLong);
        }
        self.items.push(Item::Data(atom));
        Ok(())
    }

    /// Runs the state machine over the whole input.
    fn run(&mut self) -> Result<(), SexpError> {
        let mut state = State::Between;
        let mut i = 0;
        while let Some(&b) = self.input.get(i) {
            if let State::Token(start) = state {
                if is_token_char(b) {
                    i += 1;
                    continue;
                }
                self.push_atom(self.input.get(start..i).unwrap_or_default().to_vec())?;
                state = State::Between;
            }
            let (next, skip) = self.step(state, i, b)?;
            state = next;
            i += 1 + skip;
        }
        // Elements still open at the end are dropped without complaint.
        if self.level != 0 {
            return Err(SexpError::UnmatchedParen);
        }
        Ok(())
    }

    /// Handles byte `b` at `i`; returns the new state and how many extra bytes it used.
    fn step(&mut self, state: State, i: usize, b: u8) -> Result<(State, usize), SexpError> {
        match state {
            State::Token(_) | State::Between => self.between(i, b).map(|s| (s, 0)),
            State::Quoted { start, escaped } => self.quoted(start, escaped, i, b),
            State::Hex { start, digits } => self.hex(start, digits, i, b).map(|s| (s, 0)),
            State::Base64 { start } => self.base64(start, i, b).map(|s| (s, 0)),
            State::Length(start) => self.length(start, i, b),
        }
    }

    fn between(&mut self, i: usize, b: u8) -> Result<State, SexpError> {
        match b {
            b'(' | b')' if self.in_hint => return Err(SexpError::UnmatchedDisplayHint),
            b'(' => {
                self.items.push(Item::Open);
                self.level += 1;
            }
            b')' => {
                if self.level == 0 {
                    return Err(SexpError::UnmatchedParen);
                }
                self.items.push(Item::Close);
                self.level -= 1;
            }
            b'"' => {
                return Ok(State::Quoted {
                    start: i,
                    escaped: false,
                })
            }
            b'#' => {
                return Ok(State::Hex {
                    start: i,
                    digits: 0,
                })
            }
            b'|' => return Ok(State::Base64 { start: i }),
            b'[' if self.in_hint => return Err(SexpError::NestedDisplayHint),
            b'[' => self.in_hint = true,
            b']' if !self.in_hint => return Err(SexpError::UnmatchedDisplayHint),
            b']' => self.in_hint = false,
            b'0' => return Err(SexpError::ZeroPrefix),
            b'1'..=b'9' => return Ok(State::Length(i)),
            _ if is_token_char(b) => return Ok(State::Token(i)),
            _ if is_sexp_space(b) => {}
            b'{' | b'&' | b'\\' => return Err(SexpError::UnexpectedPunctuation),
            _ => return Err(SexpError::BadCharacter),
        }
        Ok(State::Between)
    }

    fn quoted(
        &mut self,
        start: usize,
        escaped: bool,
        i: usize,
        b: u8,
    ) -> Result<(State, usize), SexpError> {
        let at = |k: usize| self.input.get(i + k);
        let inside = |escaped| State::Quoted { start, escaped };
        if escaped {
            let skip = match b {
                b'b' | b't' | b'v' | b'n' | b'f' | b'r' | b'"' | b'\'' | b'\\' => 0,
                b'0'..=b'7' if is_octal(at(1)) && is_octal(at(2)) => 2,
                b'x' if is_hex(at(1)) && is_hex(at(2)) => 2,
                b'\r' => usize::from(at(1) == Some(&b'\n')),
                b'\n' => usize::from(at(1) == Some(&b'\r')),
                _ => return Err(SexpError::BadQuotation),
            };
            return Ok((inside(false), skip));
        }
        match b {
            b'\\' => Ok((inside(true), 0)),
            b'"' => {
                let body = self.input.get(start + 1..i).unwrap_or_default();
                self.push_atom(unquote(body))?;
                Ok((State::Between, 0))
            }
            _ => Ok((inside(false), 0)),
        }
    }

    fn hex(&mut self, start: usize, digits: usize, i: usize, b: u8) -> Result<State, SexpError> {
        if b.is_ascii_hexdigit() {
            return Ok(State::Hex {
                start,
                digits: digits + 1,
            });
        }
        if is_sexp_space(b) {
            return Ok(State::Hex { start, digits });
        }
        if b != b'#' {
            return Err(SexpError::BadHexChar);
        }
        if digits % 2 == 1 {
            return Err(SexpError::OddHexNumbers);
        }
        let nibbles: Vec<u8> = self
            .input
            .get(start + 1..i)
            .unwrap_or_default()
            .iter()
            .filter(|&&c| !is_sexp_space(c))
            .map(|&c| hex_nibble(c))
            .collect();
        let atom = nibbles
            .chunks(2)
            .map(|p| p.iter().fold(0, |acc, n| acc * 16 + n))
            .collect();
        self.push_atom(atom)?;
        Ok(State::Between)
    }

    fn base64(&mut self, start: usize, i: usize, b: u8) -> Result<State, SexpError> {
        if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=') {
            return Ok(State::Base64 { start });
        }
        if b != b'|' {
            return Err(SexpError::BadCharacter);
        }
        let atom = base64_decode(self.input.get(start + 1..i).unwrap_or_default());
        self.push_atom(atom)?;
        Ok(State::Between)
    }

    fn length(&mut self, start: usize, i: usize, b: u8) -> Result<(State, usize), SexpError> {
        match b {
            b'0'..=b'9' => Ok((State::Length(start), 0)),
            b':' => {
                let len = c_atoi_as_size(self.input.get(start..i).unwrap_or_default());
                let rest = self.input.get(i + 1..).unwrap_or_default();
                let atom = rest.get(..len).ok_or(SexpError::StringTooLong)?;
                self.push_atom(atom.to_vec())?;
                Ok((State::Between, len))
            }
            // The optional length before a string, hex or base64 atom is ignored.
            b'"' => Ok((
                State::Quoted {
                    start: i,
                    escaped: false,
                },
                0,
            )),
            b'#' => Ok((
                State::Hex {
                    start: i,
                    digits: 0,
                },
                0,
            )),
            b'|' => Ok((State::Base64 { start: i }, 0)),
            _ => Err(SexpError::InvalidLengthSpec),
        }
    }
}

/// A canonical length as libgcrypt computes it: `atoi` (glibc: `strtol`, saturating at
/// `LONG_MAX`) narrowed to `int`, then widened to `size_t` (negative becomes huge).
fn c_atoi_as_size(digits: &[u8]) -> usize {
    let long = digits.iter().fold(0i64, |acc, &d| {
        acc.saturating_mul(10)
            .saturating_add(i64::from(d.wrapping_sub(b'0')))
    });
    let int = long as i32;
    usize::try_from(int).unwrap_or(usize::MAX)
}

/// Decodes the body of a quoted string (libgcrypt's `unquote_string`); the reader has
/// already checked the escapes.
fn unquote(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        i += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let Some(&e) = body.get(i) else { break };
        i += 1;
        match e {
            b'b' => out.push(0x08),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'n' => out.push(b'\n'),
            b'f' => out.push(0x0c),
            b'r' => out.push(b'\r'),
            b'"' | b'\'' | b'\\' => out.push(e),
            b'\r' | b'\n' => {
                let pair = if e == b'\r' { b'\n' } else { b'\r' };
                if body.get(i) == Some(&pair) {
                    i += 1;
                }
            }
            b'x' => {
                if let (Some(&h), Some(&l)) = (body.get(i), body.get(i + 1)) {
                    out.push(hex_nibble(h) * 16 + hex_nibble(l));
                    i += 2;
                }
            }
            _ => {
                if let (Some(&m), Some(&l)) = (body.get(i), body.get(i + 1)) {
                    let d = |c: u8| c.wrapping_sub(b'0');
                    out.push(
                        d(e).wrapping_mul(64)
                            .wrapping_add(d(m) * 8)
                            .wrapping_add(d(l)),
                    );
                    i += 2;
                }
            }
        }
    }
    out
}

fn base64_value(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// libgpg-error's base64 decoder as libgcrypt uses it: decoding stops at the first `=`
/// (which also emits the pending partial byte when exactly one character of a group was
/// seen), and an incomplete final group is dropped without error.
fn base64_decode(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut pending = 0u8;
    let mut phase = 0;
    for &b in text {
        if b == b'=' {
            if phase == 1 {
                out.push(pending);
            }
            break;
        }
        let Some(c) = base64_value(b) else { continue };
        match phase {
            0 => pending = c << 2,
            1 => {
                out.push(pending | (c >> 4));
                pending = c << 4;
            }
            2 => {
                out.push(pending | (c >> 2));
                pending = c << 6;
            }
            _ => out.push(pending | c),
        }
        phase = (phase + 1) % 4;
    }
    out
}

impl Sexp {
    /// Parses `input` as `gcry_sexp_new(&s, input, len, 0)` does. `Ok(None)` is libgcrypt's
    /// NULL result: no element at all, or one starting with `()`.
    pub fn parse(input: &[u8]) -> Result<Option<Sexp>, SexpError> {
        let mut reader = Reader {
            input,
            items: Vec::new(),
            level: 0,
            in_hint: false,
        };
        reader.run()?;
        Ok(Sexp::normalize(reader.items))
    }

    /// libgcrypt's `normalize`: an empty sequence or one starting with `()` is no value.
    fn normalize(items: Vec<Item>) -> Option<Sexp> {
        match items.as_slice() {
            [] | [Item::Open, Item::Close, ..] => None,
            _ => Some(Sexp { items }),
        }
    }

    /// Builds a value from items; `None` if they are empty or start with `()`.
    /// The items should be balanced; the printer and accessors tolerate anything.
    pub fn from_items(items: Vec<Item>) -> Option<Sexp> {
        Sexp::normalize(items)
    }

    /// A list of atoms, as `gcry_sexp_build(.., "(%s %s ..)", ..)` makes it.
    pub fn list_of_atoms<I, A>(atoms: I) -> Sexp
    where
        I: IntoIterator<Item = A>,
        A: Into<Vec<u8>>,
    {
        let mut items = vec![Item::Open];
        items.extend(atoms.into_iter().map(|a| Item::Data(a.into())));
        items.push(Item::Close);
        Sexp { items }
    }

    /// The flat item sequence.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// From the `Open` at `start`, the index just after its matching `Close`.
    fn end_of_list(&self, start: usize) -> Option<usize> {
        let mut level = 0usize;
        for (k, item) in self.items.iter().enumerate().skip(start) {
            match item {
                Item::Open => level += 1,
                Item::Close => {
                    level = level.checked_sub(1)?;
                    if level == 0 {
                        return Some(k + 1);
                    }
                }
                Item::Data(_) => {}
            }
        }
        None
    }

    fn sublist(&self, start: usize) -> Option<Sexp> {
        let end = self.end_of_list(start)?;
        Sexp::normalize(self.items.get(start..end)?.to_vec())
    }

    /// `gcry_sexp_find_token`: the first list, in textual order and at any depth
    /// (the value itself included), whose first element is the atom `token`.
    pub fn find_token(&self, token: &[u8]) -> Option<Sexp> {
        let mut i = 0;
        while let Some(item) = self.items.get(i) {
            if let (Item::Open, Some(Item::Data(head))) = (item, self.items.get(i + 1)) {
                if head.as_slice() == token {
                    return self.sublist(i);
                }
                i += 2;
            } else {
                i += 1;
            }
        }
        None
    }

    /// `gcry_sexp_length`: the number of elements found at nesting level 1.
    pub fn length(&self) -> usize {
        let mut level = 0i64;
        let mut count = 0;
        for item in &self.items {
            match item {
                Item::Data(_) => count += usize::from(level == 1),
                Item::Open => {
                    count += usize::from(level == 1);
                    level += 1;
                }
                Item::Close => level -= 1,
            }
        }
        count
    }

    /// `gcry_sexp_nth`: element `n` of the list as a value of its own (an atom comes back
    /// wrapped in a one-element list); `None` if the value is not a list or has no such
    /// element.
    pub fn nth(&self, n: usize) -> Option<Sexp> {
        if self.items.first() != Some(&Item::Open) {
            return None;
        }
        let mut number = n;
        let mut level = 0i64;
        let mut p = 0;
        while number > 0 {
            p += 1;
            match self.items.get(p)? {
                Item::Data(_) => number -= usize::from(level == 0),
                Item::Open => level += 1,
                Item::Close => {
                    level -= 1;
                    number -= usize::from(level == 0);
                }
            }
        }
        p += 1;
        match self.items.get(p)? {
            Item::Data(d) => Some(Sexp::list_of_atoms([d.clone()])),
            Item::Open => self.sublist(p),
            Item::Close => None,
        }
    }

    /// `gcry_sexp_nth_data`: the bytes of element `n` if it is an atom. A value that is
    /// not a list answers only for `n == 0` (with its first atom).
    pub fn nth_data(&self, n: usize) -> Option<&[u8]> {
        let mut p = 0;
        if self.items.first() == Some(&Item::Open) {
            p = 1;
        } else if n != 0 {
            return None;
        }
        let mut number = n;
        let mut level = 0i64;
        while number > 0 {
            match self.items.get(p)? {
                Item::Data(_) => number -= usize::from(level == 0),
                Item::Open => level += 1,
                Item::Close => {
                    level -= 1;
                    number -= usize::from(level == 0);
                }
            }
            p += 1;
        }
        match self.items.get(p)? {
            Item::Data(d) => Some(d),
            _ => None,
        }
    }

    /// `gcry_sexp_sprint(.., GCRYSEXP_FMT_ADVANCED, ..)` without the terminating NUL.
    pub fn to_advanced(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut indent = 0usize;
        let newline = |out: &mut Vec<u8>, indent: usize| {
            out.push(b'\n');
            out.extend(std::iter::repeat_n(b' ', indent));
        };
        for (k, item) in self.items.iter().enumerate() {
            let next = self.items.get(k + 1);
            match item {
                Item::Open => {
                    if indent > 0 {
                        newline(&mut out, indent);
                    }
                    out.push(b'(');
                    indent += 1;
                }
                Item::Close => {
                    out.push(b')');
                    indent = indent.saturating_sub(1);
                    if matches!(next, Some(Item::Data(_) | Item::Close)) {
                        newline(&mut out, indent);
                    }
                }
                Item::Data(d) => {
                    write_atom(&mut out, d);
                    if next != Some(&Item::Close) {
                        out.push(b' ');
                    }
                }
            }
        }
        out.push(b'\n');
        out
    }
}

/// How the advanced printer renders an atom (libgcrypt's `suitable_encoding`).
#[derive(Debug, PartialEq, Eq)]
enum Encoding {
    Hex,
    Quoted,
    Token,
}

/// Bytes the printer would otherwise write as `\xNN` inside a quoted string.
fn is_unprintable(b: u8) -> bool {
    b < 0x20 || (0x7f..=0xa0).contains(&b)
}

fn suitable_encoding(atom: &[u8]) -> Encoding {
    let Some(&first) = atom.first() else {
        return Encoding::Quoted;
    };
    if first & 0x80 != 0 || first == 0 {
        return Encoding::Hex;
    }
    // NUL is in libgcrypt's "allowed" lists too: strchr() matches the terminator.
    let escapable = b"\x08\t\x0b\n\x0c\r\"'\\\0";
    if atom
        .iter()
        .any(|&b| is_unprintable(b) && !escapable.contains(&b))
    {
        return Encoding::Hex;
    }
    let tokenish = atom.iter().all(|&b| is_token_char(b));
    if tokenish && !first.is_ascii_digit() {
        Encoding::Token
    } else {
        Encoding::Quoted
    }
}

fn write_atom(out: &mut Vec<u8>, atom: &[u8]) {
    match suitable_encoding(atom) {
        Encoding::Token => out.extend_from_slice(atom),
        Encoding::Hex => {
            out.push(b'#');
            for b in atom {
                out.extend_from_slice(format!("{b:02X}").as_bytes());
            }
            out.push(b'#');
        }
        Encoding::Quoted => {
            out.push(b'"');
            for &b in atom {
                let escape = match b {
                    0x08 => Some(b'b'),
                    b'\t' => Some(b't'),
                    0x0b => Some(b'v'),
                    b'\n' => Some(b'n'),
                    0x0c => Some(b'f'),
                    b'\r' => Some(b'r'),
                    b'"' | b'\'' | b'\\' => Some(b),
                    _ => None,
                };
                match escape {
                    Some(e) => out.extend_from_slice(&[b'\\', e]),
                    None if is_unprintable(b) => {
                        out.extend_from_slice(format!("\\x{b:02x}").as_bytes())
                    }
                    None => out.push(b),
                }
            }
            out.push(b'"');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &[u8]) -> Result<Option<Sexp>, SexpError> {
        Sexp::parse(s)
    }

    #[test]
    fn forms_of_atoms() {
        let s = parse(b"(a \"b\\x41\\101\\n\" #4 3# 3:d e|Zm9v|[h]i)")
            .unwrap()
            .unwrap();
        let atoms: Vec<&[u8]> = (0..8).filter_map(|k| s.nth_data(k)).collect();
        assert_eq!(
            atoms,
            [&b"a"[..], b"bAA\n", b"C", b"d e", b"foo", b"h", b"i"]
        );
    }

    #[test]
    fn syntax_errors() {
        assert_eq!(parse(b"(a ; c\n)"), Err(SexpError::BadCharacter));
        assert_eq!(parse(b"(a 12 )"), Err(SexpError::InvalidLengthSpec));
        assert_eq!(parse(b"(a 01:x)"), Err(SexpError::ZeroPrefix));
        assert_eq!(parse(b"(a 9:x)"), Err(SexpError::StringTooLong));
        assert_eq!(parse(b"(a"), Err(SexpError::UnmatchedParen));
        assert_eq!(parse(b")"), Err(SexpError::UnmatchedParen));
        assert_eq!(parse(b"(#123#)"), Err(SexpError::OddHexNumbers));
        assert_eq!(parse(b"(#12g3#)"), Err(SexpError::BadHexChar));
        assert_eq!(parse(b"(\"\\q\")"), Err(SexpError::BadQuotation));
        assert_eq!(parse(b"([[)"), Err(SexpError::NestedDisplayHint));
        assert_eq!(parse(b"(])"), Err(SexpError::UnmatchedDisplayHint));
        assert_eq!(parse(b"({)"), Err(SexpError::UnexpectedPunctuation));
        assert_eq!(parse(b"(|a b|)"), Err(SexpError::BadCharacter));
    }

    #[test]
    fn dropped_and_null_results() {
        assert_eq!(parse(b""), Ok(None));
        assert_eq!(parse(b"token"), Ok(None));
        assert_eq!(parse(b"() (a)"), Ok(None));
        assert_eq!(
            parse(b"(a)\"open"),
            Ok(Some(Sexp::list_of_atoms([&b"a"[..]])))
        );
    }

    #[test]
    fn canonical_length_wraps_like_c_int() {
        assert_eq!(c_atoi_as_size(b"4294967299"), 3);
        assert_eq!(c_atoi_as_size(b"99999999999999999999999"), usize::MAX);
    }

    #[test]
    fn printer_layout() {
        let s = parse(b"(private-key (dsa (p #00ff#) (x \"\")))")
            .unwrap()
            .unwrap();
        assert_eq!(
            s.to_advanced(),
            b"(private-key \n (dsa \n  (p #00FF#)\n  (x \"\")\n  )\n )\n"
        );
    }

    #[test]
    fn encodings() {
        assert_eq!(suitable_encoding(b"prpl-jabber"), Encoding::Token);
        assert_eq!(suitable_encoding(b"1abc"), Encoding::Quoted);
        assert_eq!(suitable_encoding(b"a@b"), Encoding::Quoted);
        assert_eq!(suitable_encoding(b"a\x01b"), Encoding::Hex);
        assert_eq!(suitable_encoding(b"\xc3\xa4"), Encoding::Hex);
        assert_eq!(suitable_encoding(b"utf8-\xc3\xa4"), Encoding::Quoted);
    }
}
