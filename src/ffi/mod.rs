//! The C ABI of libotr 4.1.1.
