//! Proving phases, observed through the prover's tracing spans.
//!
//! [`PhaseLayer`] is a `tracing-subscriber` layer that notices when proving moves from trace
//! generation to committing, computing the quotient and opening, times each phase, and calls a
//! hook on every change (the CLI draws a progress bar with it; benchmarks read the times).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tracing::span::{Attributes, Id};
use tracing::Subscriber;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// A phase of proving.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Executing and generating the chips' traces.
    TraceGeneration,
    /// Committing to the traces and the lookup columns.
    Commit,
    /// Computing and committing the quotient polynomials.
    Quotient,
    /// Opening the commitments (FRI).
    Opening,
}

impl Phase {
    /// All phases, in order.
    pub const ALL: [Self; 4] = [Self::TraceGeneration, Self::Commit, Self::Quotient, Self::Opening];

    /// A short name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::TraceGeneration => "trace generation",
            Self::Commit => "commit",
            Self::Quotient => "quotient",
            Self::Opening => "opening",
        }
    }

    /// The phase a span of this name starts, if any.
    fn of_span(name: &str) -> Option<Self> {
        match name {
            "trace generation" => Some(Self::TraceGeneration),
            "prove_batch" => Some(Self::Commit),
            "compute quotient" => Some(Self::Quotient),
            "compute_inverse_denominators" | "FRI prover" => Some(Self::Opening),
            _ => None,
        }
    }
}

type Hook = Box<dyn Fn(Phase) + Send + Sync>;

#[derive(Default)]
struct State {
    current: Option<(Phase, Instant)>,
    durations: [Duration; 4],
}

/// Times the proving phases; cheap to clone (clones share their state).
#[derive(Clone, Default)]
pub struct PhaseTimer {
    state: Arc<Mutex<State>>,
    hook: Option<Arc<Hook>>,
}

impl PhaseTimer {
    /// A timer that calls `hook` whenever a new phase starts.
    pub fn with_hook(hook: impl Fn(Phase) + Send + Sync + 'static) -> Self {
        Self { state: Arc::default(), hook: Some(Arc::new(Box::new(hook))) }
    }

    /// A tracing layer feeding this timer.
    pub fn layer(&self) -> PhaseLayer {
        PhaseLayer { timer: self.clone() }
    }

    fn enter(&self, phase: Phase) {
        let Ok(mut state) = self.state.lock() else { return };
        if state.current.is_some_and(|(current, _)| current >= phase) {
            return;
        }
        let now = Instant::now();
        if let Some((previous, since)) = state.current {
            state.durations[previous as usize] += now - since;
        }
        state.current = Some((phase, now));
        drop(state);
        if let Some(hook) = &self.hook {
            hook(phase);
        }
    }

    /// Ends the current phase and returns the time spent in each, then resets.
    pub fn finish(&self) -> [Duration; 4] {
        let Ok(mut state) = self.state.lock() else { return [Duration::ZERO; 4] };
        if let Some((phase, since)) = state.current.take() {
            state.durations[phase as usize] += since.elapsed();
        }
        std::mem::take(&mut state.durations)
    }
}

/// The tracing layer of a [`PhaseTimer`].
pub struct PhaseLayer {
    timer: PhaseTimer,
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for PhaseLayer {
    fn on_new_span(&self, attrs: &Attributes<'_>, _id: &Id, _ctx: Context<'_, S>) {
        if let Some(phase) = Phase::of_span(attrs.metadata().name()) {
            self.timer.enter(phase);
        }
    }
}
