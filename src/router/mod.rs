//! Which handlers receive which events, and running them.

mod route;
mod run;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;

use uuid::Uuid;

use crate::event::{Event, EventPayload, EventType};
use crate::handler::{EventHandler, HandlerResult};
use route::Route;

pub use run::{FilterReason, RunOutcome};

/// Maps event types to handlers, and runs them.
///
/// - Several handlers may be registered for one type: all run, concurrently,
///   and the event succeeds only if all succeed.
/// - [`on_any`](Router::on_any) handlers run for every event that passes the
///   filters.
/// - An event no handler takes goes to the [`fallback`](Router::fallback), or,
///   without one, is acknowledged with the webhook's unrouted status (200 by
///   default) without its payload ever being built.
/// - [`only_tenants`](Router::only_tenants) and
///   [`only_applications`](Router::only_applications) acknowledge (200) events
///   of other tenants or applications without running any handler.
///
/// A [`Webhook`](crate::Webhook) runs its router for every authenticated
/// request; [`Router::run`] runs it on an [`Event`] without HTTP (a queue
/// worker, a replay from FusionAuth's event log, a test).
///
/// # Example
///
/// ```
/// use fusionauth_webhooks::payload::UserDelete;
/// use fusionauth_webhooks::{Event, EventType, HandlerError, Router, RunOutcome};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let router = Router::new()
///     // A typed handler receives the payload type it names.
///     .on(|deleted: UserDelete| async move {
///         let user_id = deleted.user.and_then(|user| user.id);
///         println!("forget everything about {user_id:?}");
///         Ok(())
///     })
///     // An untyped handler receives the lazily parsed event.
///     .on_event(EventType::UserCreate, |event: Event| async move {
///         match event.tenant_id() {
///             Some(_) => Ok(()),
///             None => Err(HandlerError::reject("[noTenant]")),
///         }
///     });
///
/// let event = Event::parse(r#"{"event":{"type":"user.delete","user":{"email":"a@b.c"}}}"#.into())?;
/// assert!(matches!(router.run(&event).await, RunOutcome::Handled));
///
/// let event = Event::parse(r#"{"event":{"type":"user.create"}}"#.into())?;
/// let RunOutcome::Failed(error) = router.run(&event).await else { panic!("expected a veto") };
/// assert_eq!(error.code(), Some("[noTenant]"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Default)]
pub struct Router {
    by_type: HashMap<EventType, Vec<Route>>,
    by_unknown_name: HashMap<String, Vec<Route>>,
    any: Vec<Route>,
    fallback: Option<Route>,
    tenants: Option<Vec<Uuid>>,
    applications: Option<Vec<Uuid>>,
    /// How many handlers were added with [`on`](Router::on) or
    /// [`on_with_event`](Router::on_with_event).
    typed_routes: usize,
}

impl Router {
    /// A router with no handlers: every event is acknowledged unhandled.
    pub fn new() -> Router {
        Router::default()
    }

    /// Adds a typed handler: it receives the payload type it names, for that
    /// payload's event type. The payload is parsed only for this event type,
    /// and a payload of the wrong shape is answered with 400 before any
    /// handler runs.
    ///
    /// The handler returns `Result<(), HandlerError>`; see
    /// [`HandlerError`](crate::HandlerError#-in-a-handler) for which errors
    /// `?` converts, and what to do with your own.
    ///
    /// ```
    /// use fusionauth_webhooks::payload::UserRegistrationCreate;
    /// use fusionauth_webhooks::{HandlerError, Router};
    ///
    /// let router = Router::new().on(|created: UserRegistrationCreate| async move {
    ///     let roles = created.registration.and_then(|r| r.roles).unwrap_or_default();
    ///     if roles.iter().any(|role| role == "admin") {
    ///         // A veto: FusionAuth refuses the registration (when transactional).
    ///         return Err(HandlerError::reject("[noSelfServiceAdmins]"));
    ///     }
    ///     Ok(())
    /// });
    /// assert_eq!(router.event_types(), [fusionauth_webhooks::EventType::UserRegistrationCreate]);
    /// ```
    ///
    /// For the untyped [`Event`], use [`on_event`](Router::on_event) (one
    /// type) or [`on_any`](Router::on_any) (every type): `.on(|event: Event| ..)`
    /// does not compile, as `Event` names no event type.
    ///
    /// # Handlers with state
    ///
    /// A handler is called once per event, so it must be `Fn`: it cannot
    /// move what it captured into the future it returns. Clone the shared
    /// state (a database pool, an `Arc`) into the closure, and clone it again
    /// for each call before the `async move` block. An `async move |..| { .. }`
    /// closure that uses a captured value by value fails with "async closure
    /// does not implement `Fn` because it captures state as `move`"; write
    /// it as below.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use fusionauth_webhooks::payload::UserDelete;
    /// use fusionauth_webhooks::{Event, Router};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // Stands in for a database pool: cheap to clone, shared by every call.
    /// let deleted: Arc<Mutex<Vec<String>>> = Arc::default();
    /// let router = Router::new().on({
    ///     let deleted = Arc::clone(&deleted); // 1. a clone for the closure
    ///     move |gone: UserDelete| {
    ///         let deleted = Arc::clone(&deleted); // 2. a clone for this call's future
    ///         async move {
    ///             let email = gone.user.and_then(|user| user.email).unwrap_or_default();
    ///             deleted.lock().unwrap().push(email);
    ///             Ok(())
    ///         }
    ///     }
    /// });
    /// let event = Event::parse(r#"{"event":{"type":"user.delete","user":{"email":"a@b.c"}}}"#.into())?;
    /// assert!(router.run(&event).await.is_success());
    /// assert_eq!(*deleted.lock().unwrap(), ["a@b.c"]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn on<P, F, Fut>(mut self, handler: F) -> Router
    where
        P: EventPayload,
        F: Fn(P) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let route = Route::typed(handler);
        self.by_type.entry(P::EVENT_TYPE).or_default().push(route);
        self.typed_routes += 1;
        self
    }

    /// Adds a typed handler that also receives the event: its id, type name,
    /// tenant or exact bytes beside the payload, for a handler keyed on the
    /// event id (an inbox that records which events it handled, say). The
    /// payload is read as for [`on`](Router::on): only for this event type,
    /// and a payload of the wrong shape is answered with 400 before any
    /// handler runs.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use fusionauth_webhooks::payload::UserDelete;
    /// use fusionauth_webhooks::{Event, Router};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let record = Arc::clone(&seen);
    /// let router = Router::new().on_with_event(move |event: Event, deleted: UserDelete| {
    ///     let email = deleted.user.and_then(|user| user.email);
    ///     record.lock().unwrap().push((event.id(), email));
    ///     async { Ok(()) }
    /// });
    /// let event = Event::parse(
    ///     r#"{"event":{"type":"user.delete","id":"e502168a-b469-45d9-a079-fd45f83e0406","user":{"email":"a@b.c"}}}"#.into(),
    /// )?;
    /// assert!(router.run(&event).await.is_success());
    /// assert_eq!(*seen.lock().unwrap(), [(event.id(), Some("a@b.c".to_owned()))]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_with_event<P, F, Fut>(mut self, handler: F) -> Router
    where
        P: EventPayload,
        F: Fn(Event, P) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let route = Route::typed_with_event(handler);
        self.by_type.entry(P::EVENT_TYPE).or_default().push(route);
        self.typed_routes += 1;
        self
    }

    /// Adds a handler for one event type: a closure of the untyped [`Event`]
    /// (`|event: Event| async move { ..; Ok(()) }`) or an
    /// [`EventHandler`](crate::EventHandler) of your own. For a typed
    /// payload, use [`on`](Router::on), which takes the event type from the
    /// payload's type (`.on(|created: UserCreate| ..)`).
    pub fn on_event(self, event_type: EventType, handler: impl EventHandler) -> Router {
        self.on_events([event_type], handler)
    }

    /// Adds one handler for several event types.
    pub fn on_events(
        mut self,
        event_types: impl IntoIterator<Item = EventType>,
        handler: impl EventHandler,
    ) -> Router {
        let route = Route::event(handler);
        for event_type in event_types {
            self.by_type
                .entry(event_type)
                .or_default()
                .push(route.clone());
        }
        self
    }

    /// Adds a handler for an event type named by its wire string, such as a
    /// type newer than this crate. A name this crate knows is routed exactly
    /// like [`on_event`](Router::on_event).
    pub fn on_type_name(mut self, name: &str, handler: impl EventHandler) -> Router {
        let route = Route::event(handler);
        match EventType::from_wire(name) {
            Some(event_type) => self.by_type.entry(event_type).or_default().push(route),
            None => self
                .by_unknown_name
                .entry(name.to_owned())
                .or_default()
                .push(route),
        }
        self
    }

    /// Adds a handler that runs for every event (that passes the filters),
    /// alongside the handlers of its type.
    pub fn on_any(mut self, handler: impl EventHandler) -> Router {
        self.any.push(Route::event(handler));
        self
    }

    /// Sets the handler for events no other handler takes, replacing any
    /// earlier fallback.
    pub fn fallback(mut self, handler: impl EventHandler) -> Router {
        self.fallback = Some(Route::event(handler));
        self
    }

    /// Handles only events of these tenants; others are acknowledged (200)
    /// unhandled. Events without a tenant (system events) still pass.
    pub fn only_tenants(mut self, tenants: impl IntoIterator<Item = Uuid>) -> Router {
        self.tenants.get_or_insert_with(Vec::new).extend(tenants);
        self
    }

    /// Handles only events of these applications; an event that names other
    /// applications only is acknowledged (200) unhandled. Events that name no
    /// application (most user events) still pass.
    pub fn only_applications(mut self, applications: impl IntoIterator<Item = Uuid>) -> Router {
        self.applications
            .get_or_insert_with(Vec::new)
            .extend(applications);
        self
    }

    /// The event types some handler takes, sorted: every known type when an
    /// [`on_any`](Router::on_any) handler or a [`fallback`](Router::fallback)
    /// is registered. This is what the FusionAuth webhook's `eventsEnabled`
    /// should enable. Types registered by a name this crate does not know
    /// ([`on_type_name`](Router::on_type_name)) are not listed.
    ///
    /// ```
    /// use fusionauth_webhooks::{Event, EventType, Router};
    ///
    /// let router = Router::new()
    ///     .on_event(EventType::UserDelete, |_: Event| async { Ok(()) })
    ///     .on_event(EventType::UserCreate, |_: Event| async { Ok(()) });
    /// assert_eq!(router.event_types(), [EventType::UserCreate, EventType::UserDelete]);
    ///
    /// let everything = router.on_any(|_: Event| async { Ok(()) });
    /// assert_eq!(everything.event_types(), EventType::ALL);
    /// ```
    pub fn event_types(&self) -> Vec<EventType> {
        if !self.any.is_empty() || self.fallback.is_some() {
            return EventType::ALL.to_vec();
        }
        // EventType::ALL is in a fixed order; keep it.
        EventType::ALL
            .iter()
            .copied()
            .filter(|event_type| {
                self.by_type
                    .get(event_type)
                    .is_some_and(|routes| !routes.is_empty())
            })
            .collect()
    }

    /// Whether no handler at all is registered (no type, name, `on_any` or
    /// fallback handler): every event would be acknowledged unhandled.
    pub(crate) fn is_empty(&self) -> bool {
        self.by_type.values().all(Vec::is_empty)
            && self.by_unknown_name.is_empty()
            && self.any.is_empty()
            && self.fallback.is_none()
    }

    /// Whether any handler takes a typed payload: without one, reading an
    /// event for this router needs only its routing fields.
    pub(crate) fn has_typed_handlers(&self) -> bool {
        self.typed_routes > 0
    }

    /// Whether a typed handler takes this type, as far as the tenant (if
    /// already read) tells: a tenant read later can only filter the event
    /// out, never in.
    pub(crate) fn takes_payload(&self, event_type: EventType, tenant: Option<Uuid>) -> bool {
        !self.refuses_tenant(tenant)
            && self
                .by_type
                .get(&event_type)
                .is_some_and(|routes| routes.iter().any(Route::is_typed))
    }

    fn refuses_tenant(&self, tenant: Option<Uuid>) -> bool {
        matches!((&self.tenants, tenant), (Some(allowed), Some(tenant)) if !allowed.contains(&tenant))
    }

    /// How many handlers an event goes to (none when filtered out or unrouted).
    #[cfg(feature = "delivery")]
    pub(crate) fn handler_count(&self, event: &Event) -> usize {
        self.routes_for(event).map_or(0, |routes| routes.len())
    }

    /// Why the tenant and application filters refuse this event, if they do.
    pub(crate) fn filter(&self, event: &Event) -> Option<FilterReason> {
        if self.refuses_tenant(event.tenant_id()) {
            return Some(FilterReason::Tenant);
        }
        if let Some(allowed) = &self.applications {
            let named = event.application_ids();
            if !named.is_empty() && !named.iter().any(|id| allowed.contains(id)) {
                return Some(FilterReason::Application);
            }
        }
        None
    }

    /// The handlers an event goes to, or why it goes to none.
    fn routes_for(&self, event: &Event) -> Result<Vec<&Route>, RunOutcome> {
        if let Some(reason) = self.filter(event) {
            return Err(RunOutcome::FilteredOut(reason));
        }
        let typed = match event.event_type() {
            Some(event_type) => self.by_type.get(&event_type),
            None => self.by_unknown_name.get(event.type_name()),
        };
        let mut routes: Vec<&Route> = typed.into_iter().flatten().chain(&self.any).collect();
        if routes.is_empty() {
            match &self.fallback {
                Some(fallback) => routes.push(fallback),
                None => return Err(RunOutcome::Unrouted),
            }
        }
        Ok(routes)
    }
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut types: Vec<_> = self
            .by_type
            .iter()
            .map(|(event_type, routes)| (event_type.as_str(), routes.len()))
            .collect();
        types.sort_unstable();
        let mut debug = f.debug_struct("Router");
        debug
            .field("handlers", &types)
            .field(
                "unknown_type_handlers",
                &self.by_unknown_name.keys().collect::<Vec<_>>(),
            )
            .field("any", &self.any.len())
            .field("fallback", &self.fallback.is_some())
            .field("tenants", &self.tenants)
            .field("applications", &self.applications);
        debug.finish()
    }
}
