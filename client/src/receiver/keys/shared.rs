//! The keys as every clone of a [`FusionAuthKeys`](super::FusionAuthKeys)
//! shares them, and how they are kept up: loads, failures, expiry, the
//! background refresh.

use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use fusionauth_webhooks::SignatureVerifier;
use tokio::time::Instant;

use super::Settings;
use super::backoff::UnknownKids;
use super::load::{Loaded, Scope, Sources};

pub(super) struct Shared {
    pub(super) sources: Sources,
    pub(super) settings: Settings,
    pub(super) state: Mutex<State>,
    /// Held during a load: one at a time.
    pub(super) loading: tokio::sync::Mutex<()>,
}

pub(super) struct State {
    pub(super) loaded: Loaded,
    pub(super) verifier: SignatureVerifier,
    pub(super) kids: Vec<String>,
    /// When the keys were last loaded successfully.
    pub(super) loaded_at: Instant,
    /// The error of the loads that failed since, if any.
    pub(super) failing: Option<String>,
    /// Whether the keys were declared too old (logged once).
    pub(super) expired: bool,
    /// When the last load started, and when the last finished load started.
    pub(super) last_started: Option<Instant>,
    pub(super) last_finished_started: Option<Instant>,
    pub(super) unknown: UnknownKids,
}

pub(super) fn sorted(kids: std::collections::HashSet<String>) -> Vec<String> {
    let mut kids: Vec<String> = kids.into_iter().collect();
    kids.sort();
    kids
}

impl Shared {
    pub(super) fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Loads with `scope` (the caller holds `loading`) and keeps the result,
    /// or keeps the keys there are and notes the failure.
    pub(super) async fn load(&self, scope: Scope) {
        let started = Instant::now();
        let previous = {
            let mut state = self.state();
            state.last_started = Some(started);
            state.loaded.clone()
        };
        let result = self.sources.load(&previous, scope).await;
        let mut state = self.state();
        state.last_finished_started = Some(started);
        let loaded = match result {
            Ok(loaded) => loaded,
            Err(error) => return state.failed(&error.to_string(), self.settings.max_key_age),
        };
        for gone in loaded.gone() {
            if !previous.gone().contains(&gone) {
                tracing::warn!(%gone, "a fusionauth signing key is no longer trusted");
            }
        }
        if loaded.webhook_key_id() != previous.webhook_key_id() {
            // A rotation: kids that waited out a backoff may be the new key's.
            state.unknown.clear();
        }
        match loaded.verifier() {
            Ok((verifier, kids)) => {
                state.verifier = verifier;
                state.kids = sorted(kids);
            }
            Err(why) => {
                tracing::error!(%why, "no fusionauth signing key is trusted: every signed request is refused with 503");
                state.verifier = SignatureVerifier::unavailable(why);
                state.kids = Vec::new();
            }
        }
        state.loaded = loaded;
        state.loaded_at = started;
        state.failing = None;
        state.expired = false;
    }

    /// The keys to verify with now, and whether they are too old to use.
    pub(super) fn current(&self) -> (SignatureVerifier, bool) {
        let mut state = self.state();
        let age = state.loaded_at.elapsed();
        match &state.failing {
            Some(error) if age > self.settings.max_key_age => {
                let why = format!(
                    "the signing keys could not be loaded from fusionauth for {}, longer than the {} they are kept: {error}",
                    humantime::format_duration(round(age)),
                    humantime::format_duration(self.settings.max_key_age),
                );
                if !state.expired {
                    state.expired = true;
                    tracing::error!(%why, "refusing every signed request with 503 until fusionauth answers");
                }
                (SignatureVerifier::unavailable(why), true)
            }
            _ => (state.verifier.clone(), false),
        }
    }
}

impl State {
    pub(super) fn failed(&mut self, error: &str, max_key_age: Duration) {
        let age = self.loaded_at.elapsed();
        tracing::warn!(
            %error,
            keys_age = %humantime::format_duration(round(age)),
            kept_for = %humantime::format_duration(max_key_age),
            "loading the fusionauth signing keys failed; keeping the keys there are"
        );
        self.failing = Some(error.to_owned());
    }
}

/// A duration to the second, for messages.
pub(super) fn round(duration: Duration) -> Duration {
    Duration::from_secs(duration.as_secs())
}

/// Keys too old to use: load them again now (at most once per refresh
/// interval, none while a load runs), so that requests are verified again as
/// soon as FusionAuth answers, with or without a background refresh.
pub(super) fn retry_soon(shared: &Arc<Shared>) {
    let due = shared
        .state()
        .last_started
        .is_none_or(|last| last.elapsed() >= shared.settings.min_refresh_interval);
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    if due {
        let shared = shared.clone();
        runtime.spawn(async move {
            if let Ok(_loading) = shared.loading.try_lock() {
                shared.load(Scope::Full).await;
            }
        });
    }
}

/// The background task: every key every `background_refresh`, the
/// webhook's signing key id every `rotation_check` in between; it ends when
/// the source is dropped.
pub(super) async fn keep_up(shared: Weak<Shared>) {
    let (full, check) = match shared.upgrade() {
        Some(shared) => (
            shared.settings.background_refresh,
            shared
                .settings
                .rotation_check
                .filter(|_| shared.sources.webhook_id.is_some()),
        ),
        None => return,
    };
    let start = Instant::now();
    let mut next_full = full.map(|every| start + every);
    let mut next_check = check.map(|every| start + every);
    loop {
        let (due, scope) = match (next_full, next_check) {
            (Some(full), Some(check)) if check < full => (check, Scope::NewKids),
            (Some(full), _) => (full, Scope::Full),
            (None, Some(check)) => (check, Scope::NewKids),
            (None, None) => return,
        };
        tokio::time::sleep_until(due).await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        {
            let _loading = shared.loading.lock().await;
            shared.load(scope).await;
        }
        let now = Instant::now();
        if scope == Scope::Full {
            next_full = full.map(|every| now + every);
        }
        next_check = check.map(|every| now + every);
    }
}
