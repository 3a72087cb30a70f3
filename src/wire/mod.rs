//! OTR wire format (protocol spec, "Data types" and "Message formats").
