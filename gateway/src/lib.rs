//! gateway: comes with the platform issue
