//! Finding encoded messages in a transcript (a log, a capture, anything): each
//! starts with `?OTR:` and ends with the next `.`.

use std::io::{BufRead, ErrorKind};

/// The header of an encoded message (spec "Encoded messages").
const HEADER: &[u8; 5] = b"?OTR:";

/// A transcript read a byte at a time; once its end is reached (or a read fails) it
/// stays ended, as C's `fgetc` does.
pub struct Transcript<R> {
    input: R,
    ended: bool,
}

impl<R: BufRead> Transcript<R> {
    /// A transcript read from `input`.
    pub fn new(input: R) -> Self {
        Self {
            input,
            ended: false,
        }
    }

    /// The next encoded message: from the next `?OTR:` up to and including the
    /// following `.`, or up to the end of the input, cut at its first NUL byte (the
    /// tools hold it as a C string). `None` when no `?OTR:` is left.
    pub fn next_message(&mut self) -> Option<Vec<u8>> {
        let mut seen = 0;
        while seen < HEADER.len() {
            let c = self.next_byte()?;
            seen = match c {
                _ if c == HEADER[seen] => seen + 1,
                b'?' => 1,
                _ => 0,
            };
        }
        let mut msg = HEADER.to_vec();
        while let Some(c) = self.next_byte() {
            msg.push(c);
            if c == b'.' {
                break;
            }
        }
        if let Some(nul) = msg.iter().position(|&c| c == 0) {
            msg.truncate(nul);
        }
        Some(msg)
    }

    fn next_byte(&mut self) -> Option<u8> {
        while !self.ended {
            match self.input.fill_buf() {
                Ok(buf) => {
                    let Some(&c) = buf.first() else { break };
                    self.input.consume(1);
                    return Some(c);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        self.ended = true;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(input: &[u8]) -> Vec<Vec<u8>> {
        let mut t = Transcript::new(input);
        std::iter::from_fn(|| t.next_message()).collect()
    }

    #[test]
    fn messages_in_a_transcript() {
        assert_eq!(
            messages(b"hi ??OTR:AAMD.x ?OTR?OTR:AAIC\n.?OTR:tail"),
            [&b"?OTR:AAMD."[..], b"?OTR:AAIC\n.", b"?OTR:tail"]
        );
        assert_eq!(messages(b"?OT\0R:AAMD. ?OTR:AA\0MD."), [&b"?OTR:AA"[..]]);
        assert!(messages(b"no messages ?OTR").is_empty());
    }
}
