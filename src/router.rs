//! Which handlers receive which events.
//!
//! # Example
//!
//! ```
//! use fusionauth_webhooks::payload::UserDelete;
//! use fusionauth_webhooks::{Event, EventType, HandlerError, Router};
//!
//! let router = Router::new()
//!     // A typed handler receives the payload type it names.
//!     .on(|deleted: UserDelete| async move {
//!         let user_id = deleted.user.and_then(|user| user.id);
//!         println!("forget everything about {user_id:?}");
//!         Ok(())
//!     })
//!     // An untyped handler receives the lazily parsed event.
//!     .on_event(EventType::UserCreate, |event: Event| async move {
//!         println!("user created, event {:?}", event.id());
//!         Ok::<_, HandlerError>(())
//!     })
//!     // Runs for every event, routed or not.
//!     .on_any(|event: Event| async move {
//!         println!("{} {:?}", event.type_name(), event.id());
//!         Ok(())
//!     });
//! # let _ = router;
//! ```

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use uuid::Uuid;

use crate::handler::{EventHandler, HandlerError};
use crate::{Event, EventPayload, EventType, ParseError};

/// Maps event types to handlers.
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
#[derive(Clone, Default)]
pub struct Router {
    by_type: HashMap<EventType, Vec<Route>>,
    by_unknown_name: HashMap<String, Vec<Route>>,
    any: Vec<Route>,
    fallback: Option<Route>,
    tenants: Option<Vec<Uuid>>,
    applications: Option<Vec<Uuid>>,
}

/// One registered handler.
#[derive(Clone)]
pub(crate) enum Route {
    Event(Arc<dyn EventHandler>),
    Typed(Arc<dyn TypedRoute>),
}

/// A handler that receives a typed payload, which must be parsed first.
pub(crate) trait TypedRoute: Send + Sync + 'static {
    fn prepare(&self, event: &Event) -> Result<BoxFuture<'static, HandlerResult>, ParseError>;
}

pub(crate) type HandlerResult = Result<(), HandlerError>;

struct TypedFn<P, F> {
    handler: F,
    payload: PhantomData<fn(P)>,
}

impl<P, F, Fut> TypedRoute for TypedFn<P, F>
where
    P: EventPayload,
    F: Fn(P) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = HandlerResult> + Send + 'static,
{
    fn prepare(&self, event: &Event) -> Result<BoxFuture<'static, HandlerResult>, ParseError> {
        let payload = event.payload_as::<P>()?;
        Ok(Box::pin((self.handler)(payload)))
    }
}

impl Route {
    /// Builds the handler's future; a typed handler parses its payload here,
    /// so that a malformed payload is refused before any handler has run.
    pub(crate) fn prepare(
        &self,
        event: &Event,
    ) -> Result<BoxFuture<'static, HandlerResult>, ParseError> {
        match self {
            Route::Event(handler) => {
                let handler = Arc::clone(handler);
                let event = event.clone();
                Ok(Box::pin(async move { handler.handle(event).await }))
            }
            Route::Typed(route) => route.prepare(event),
        }
    }
}

/// What the router decided for one event.
pub(crate) enum Dispatch<'a> {
    /// The event belongs to another tenant or application.
    FilteredOut(&'static str),
    /// No handler takes it and there is no fallback.
    Unrouted,
    /// These handlers take it (at least one).
    Handlers(Vec<&'a Route>),
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
    pub fn on<P, F, Fut>(mut self, handler: F) -> Router
    where
        P: EventPayload,
        F: Fn(P) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let route = Route::Typed(Arc::new(TypedFn {
            handler,
            payload: PhantomData,
        }));
        self.by_type.entry(P::EVENT_TYPE).or_default().push(route);
        self
    }

    /// Adds a handler for one event type.
    pub fn on_event(self, event_type: EventType, handler: impl EventHandler) -> Router {
        self.on_events([event_type], handler)
    }

    /// Adds one handler for several event types.
    pub fn on_events(
        mut self,
        event_types: impl IntoIterator<Item = EventType>,
        handler: impl EventHandler,
    ) -> Router {
        let route = Route::Event(Arc::new(handler));
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
        let route = Route::Event(Arc::new(handler));
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
        self.any.push(Route::Event(Arc::new(handler)));
        self
    }

    /// Sets the handler for events no other handler takes, replacing any
    /// earlier fallback.
    pub fn fallback(mut self, handler: impl EventHandler) -> Router {
        self.fallback = Some(Route::Event(Arc::new(handler)));
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

    /// Whether an event of this type would reach a handler other than the
    /// fallback.
    pub fn handles(&self, event_type: EventType) -> bool {
        !self.any.is_empty()
            || self
                .by_type
                .get(&event_type)
                .is_some_and(|routes| !routes.is_empty())
    }

    pub(crate) fn dispatch(&self, event: &Event) -> Dispatch<'_> {
        if let (Some(allowed), Some(tenant)) = (&self.tenants, event.tenant_id())
            && !allowed.contains(&tenant)
        {
            return Dispatch::FilteredOut("tenant");
        }
        if let Some(allowed) = &self.applications {
            let named = event.application_ids();
            if !named.is_empty() && !named.iter().any(|id| allowed.contains(id)) {
                return Dispatch::FilteredOut("application");
            }
        }
        let typed = match event.event_type() {
            Some(event_type) => self.by_type.get(&event_type),
            None => self.by_unknown_name.get(event.type_name()),
        };
        let mut handlers: Vec<&Route> = typed.into_iter().flatten().chain(&self.any).collect();
        if handlers.is_empty() {
            match &self.fallback {
                Some(fallback) => handlers.push(fallback),
                None => return Dispatch::Unrouted,
            }
        }
        Dispatch::Handlers(handlers)
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
        f.debug_struct("Router")
            .field("handlers", &types)
            .field(
                "unknown_type_handlers",
                &self.by_unknown_name.keys().collect::<Vec<_>>(),
            )
            .field("any", &self.any.len())
            .field("fallback", &self.fallback.is_some())
            .field("tenants", &self.tenants)
            .field("applications", &self.applications)
            .finish()
    }
}
