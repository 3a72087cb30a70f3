//! The files libotr keeps: private keys, fingerprints and instance tags.
