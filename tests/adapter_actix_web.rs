//! fusionauth-webhooks-actix-web over a real socket: `HttpServer` on an
//! ephemeral port, the webhook's resource beside the app's own route and data.

mod common;

use std::net::SocketAddr;

use actix_web::{App, HttpResponse, HttpServer, web};
use fusionauth_webhooks::Webhook;
use http::StatusCode;

async fn health(ok: web::Data<&'static str>) -> HttpResponse {
    HttpResponse::Ok().body(**ok)
}

async fn start(webhook: Webhook) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("bound");
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new("ok"))
            .route("/health", web::get().to(health))
            .service(fusionauth_webhooks_actix_web::resource(
                common::WEBHOOK_PATH,
                webhook.clone(),
            ))
    })
    .workers(2)
    .disable_signals()
    .listen(listener)
    .expect("listen")
    .run();
    tokio::spawn(server);
    address
}

// actix-web: `App::route` moves the route's method guard onto the resource,
// so a wrong method on the app's own route falls through to the app's
// default service: 404, not 405. (`web::resource(..).route(web::get()..)`
// would answer 405 with `Allow`.)
common::adapter_tests! {
    start: start,
    app: start,
    post_health: StatusCode::NOT_FOUND,
}
