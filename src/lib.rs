//! lrb
