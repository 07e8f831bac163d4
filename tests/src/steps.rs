//! A runner of named scenario steps: each step runs to its end even when an earlier one
//! failed, its panic is caught and kept quiet, and [`Steps::finish`] panics once with every
//! failure and where it happened. Long client scenarios (kubectl, apply) report all their broken
//! steps in one run instead of stopping at the first.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;
use std::time::Instant;

thread_local! {
    /// Set while a step runs: its panic is reported by [`Steps::finish`], not by the hook.
    static IN_STEP: Cell<bool> = const { Cell::new(false) };
    /// Where the current step panicked.
    static PANIC_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that stays quiet for panics inside steps, noting only where
/// they happened, and defers to the previous hook for every other panic.
fn quiet_step_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_STEP.with(Cell::get) {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
                PANIC_AT.with(|p| *p.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs named steps in order against a shared context `C`.
pub struct Steps<'a, C> {
    /// Names the scenario in the log and in the final report, e.g. `kubectl 1.37`.
    label: String,
    ctx: &'a C,
    ran: usize,
    failures: Vec<(String, String)>,
}

impl<'a, C> Steps<'a, C> {
    pub fn new(label: impl Into<String>, ctx: &'a C) -> Steps<'a, C> {
        quiet_step_panics();
        Steps {
            label: label.into(),
            ctx,
            ran: 0,
            failures: Vec::new(),
        }
    }

    /// Runs one step; a panic inside it is recorded and the scenario goes on.
    pub fn step(&mut self, name: &str, f: impl FnOnce(&C)) {
        self.ran += 1;
        eprintln!("=== {} step: {name}", self.label);
        let started = Instant::now();
        IN_STEP.with(|s| s.set(true));
        let result = catch_unwind(AssertUnwindSafe(|| f(self.ctx)));
        IN_STEP.with(|s| s.set(false));
        match result {
            Ok(()) => eprintln!("    ok in {:?}", started.elapsed()),
            Err(payload) => {
                let msg = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "(no message)".into());
                let at = PANIC_AT.with(|p| p.borrow_mut().take()).unwrap_or_default();
                eprintln!("    FAILED in {:?} at {at}", started.elapsed());
                self.failures.push((format!("{name} (at {at})"), msg));
            }
        }
    }

    /// Panics with every failed step's message (each cut to 4,000 characters), if any failed.
    pub fn finish(self) {
        if self.failures.is_empty() {
            return;
        }
        let mut report = format!(
            "{} of {} steps failed with {}:\n",
            self.failures.len(),
            self.ran,
            self.label
        );
        for (name, msg) in &self.failures {
            let msg: String = msg.chars().take(4000).collect();
            report.push_str(&format!("\n##### {name}\n{msg}\n"));
        }
        panic!("{report}");
    }
}
