//! Targets for the four SMP messages: each is read and checked by the step that takes
//! it (libotr's `otrl_sm_step2a`, `3`, `4`, `5`) in the state a real exchange has
//! reached by then. The states are computed once (from the reseeded generator) and
//! restored for every input from their values, as the C API keeps them.

use crate::reseed;
use otr::smp::{Progress, Smp, Values};
use std::sync::OnceLock;

/// The secret both sides use in the exchange the states come from.
const SECRET: [u8; 32] = [0x5a; 32];

/// A state to restore, and the message a real peer sends to it.
struct Saved {
    values: Values,
    progress: Progress,
    received_question: bool,
    /// The real next message (for the seed corpus).
    next: Vec<u8>,
}

impl Saved {
    fn of(smp: &Smp, next: Vec<u8>) -> Self {
        Self {
            values: smp.values().expect("an initialised state"),
            progress: smp.progress(),
            received_question: smp.received_question(),
            next,
        }
    }

    fn restore(&self) -> Smp {
        Smp::from_values(Some(&self.values), self.progress, self.received_question)
            .expect("saved values restore")
    }
}

/// The four states, before SMP message 1, 2, 3 and 4 arrive.
fn states() -> &'static [Saved; 4] {
    static STATES: OnceLock<[Saved; 4]> = OnceLock::new();
    STATES.get_or_init(|| {
        reseed(2);
        let fresh = Smp::initialized();
        let mut alice = Smp::new();
        let msg1 = alice.step1(&SECRET).expect("step 1");
        let before1 = Saved::of(&fresh, msg1.clone());
        let mut bob = Smp::new();
        bob.step2a(&msg1, false).expect("step 2a");
        let msg2 = bob.step2b(&SECRET).expect("step 2b");
        let before2 = Saved::of(&alice, msg2.clone());
        let msg3 = alice.step3(&msg2).expect("step 3");
        let before3 = Saved::of(&bob, msg3.clone());
        let (msg4, same) = bob.step4(&msg3).expect("step 4");
        assert!(same);
        let before4 = Saved::of(&alice, msg4);
        [before1, before2, before3, before4]
    })
}

/// The real message `n` (1–4) of the exchange the states come from.
pub fn real_message(n: usize) -> Vec<u8> {
    states()[n - 1].next.clone()
}

/// SMP message 1 to a fresh state: step 2a, then (if it passed) step 2b.
pub fn smp1(data: &[u8]) {
    let mut smp = states()[0].restore();
    reseed(3);
    if smp.step2a(data, false).is_ok() {
        smp.step2b(&SECRET).expect("step 2b after a good message 1");
    }
}

/// SMP message 2 to Alice after step 1: step 3.
pub fn smp2(data: &[u8]) {
    let mut smp = states()[1].restore();
    reseed(3);
    let _ = smp.step3(data);
}

/// SMP message 3 to Bob after step 2b: step 4. The real message 3 matches.
pub fn smp3(data: &[u8]) {
    let mut smp = states()[2].restore();
    reseed(3);
    if let Ok((_, same)) = smp.step4(data) {
        assert!(same || data != states()[2].next.as_slice());
    }
}

/// SMP message 4 to Alice after step 3: step 5.
pub fn smp4(data: &[u8]) {
    let mut smp = states()[3].restore();
    reseed(3);
    if let Ok(same) = smp.step5(data) {
        assert!(same || data != states()[3].next.as_slice());
    }
}
