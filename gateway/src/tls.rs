//! CONTRACT STUB: to be written.
