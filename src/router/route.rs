//! One registered handler: an [`EventHandler`], or a closure that takes a
//! typed payload (and, if it asks, the event), made ready to run on an event.

use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use futures_util::future::BoxFuture;

use crate::event::{AnyPayload, Event, EventPayload, ParseError};
use crate::handler::{EventHandler, HandlerResult};

/// One registered handler, with a name for the log (its Rust type).
#[derive(Clone)]
pub(super) struct Route {
    pub(super) name: &'static str,
    handler: Handler,
}

#[derive(Clone)]
enum Handler {
    Event(Arc<dyn EventHandler>),
    Typed(Arc<dyn TypedHandler>),
}

/// A handler that receives a typed payload, which must be parsed first.
trait TypedHandler: Send + Sync + 'static {
    /// Takes the payload read with the event when it is the handler's type,
    /// else parses it, and returns the call, not started yet.
    fn prepare(
        self: Arc<Self>,
        event: &Event,
        read: &mut Option<AnyPayload>,
    ) -> Result<BoxFuture<'static, HandlerResult>, ParseError>;
}

struct TypedFn<P, F> {
    handler: F,
    payload: PhantomData<fn(P)>,
}

impl<P, F, Fut> TypedHandler for TypedFn<P, F>
where
    P: EventPayload,
    F: Fn(Event, P) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = HandlerResult> + Send + 'static,
{
    fn prepare(
        self: Arc<Self>,
        event: &Event,
        read: &mut Option<AnyPayload>,
    ) -> Result<BoxFuture<'static, HandlerResult>, ParseError> {
        let payload = match read.take().map(|read| read.downcast::<P>()) {
            Some(Ok(payload)) => *payload,
            Some(Err(other)) => {
                *read = Some(other);
                event.payload_as::<P>()?
            }
            None => event.payload_as::<P>()?,
        };
        let event = event.clone();
        // The user's closure is called inside the future, so that a panic in
        // it is caught like one in the future it returns.
        Ok(Box::pin(
            async move { (self.handler)(event, payload).await },
        ))
    }
}

impl Route {
    pub(super) fn event<H: EventHandler>(handler: H) -> Route {
        Route {
            name: std::any::type_name::<H>(),
            handler: Handler::Event(Arc::new(handler)),
        }
    }

    /// A closure that takes the payload type `P`.
    pub(super) fn typed<P, F, Fut>(handler: F) -> Route
    where
        P: EventPayload,
        F: Fn(P) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let name = std::any::type_name::<F>();
        Route::typed_named(name, move |_: Event, payload: P| handler(payload))
    }

    /// A closure that takes the event and its payload as type `P`.
    pub(super) fn typed_with_event<P, F, Fut>(handler: F) -> Route
    where
        P: EventPayload,
        F: Fn(Event, P) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        Route::typed_named(std::any::type_name::<F>(), handler)
    }

    fn typed_named<P, F, Fut>(name: &'static str, handler: F) -> Route
    where
        P: EventPayload,
        F: Fn(Event, P) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        Route {
            name,
            handler: Handler::Typed(Arc::new(TypedFn {
                handler,
                payload: PhantomData,
            })),
        }
    }

    /// Builds the handler's call; a typed handler takes or parses its
    /// payload here, so that a malformed payload is refused before any
    /// handler has run.
    pub(super) fn prepare(
        &self,
        event: &Event,
        read: &mut Option<AnyPayload>,
    ) -> Result<BoxFuture<'static, HandlerResult>, ParseError> {
        match &self.handler {
            Handler::Event(handler) => {
                let handler = Arc::clone(handler);
                let event = event.clone();
                Ok(Box::pin(async move { handler.handle(event).await }))
            }
            Handler::Typed(handler) => Arc::clone(handler).prepare(event, read),
        }
    }

    pub(super) fn is_typed(&self) -> bool {
        matches!(self.handler, Handler::Typed(_))
    }
}
