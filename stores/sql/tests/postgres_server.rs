//! The test PostgreSQL starts, serves and stops.

use fusionauth_webhooks_sqlx::testing::PostgresServer;

#[tokio::test]
async fn a_test_server_serves_fresh_databases_and_stops_when_dropped() {
    let server = PostgresServer::start().unwrap_or_else(|error| panic!("{error}"));
    let (first, second) = (
        server.database().await.unwrap(),
        server.database().await.unwrap(),
    );
    sqlx::query("CREATE TABLE only_here (n INT)")
        .execute(&first)
        .await
        .unwrap();
    let (tables,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'")
            .fetch_one(&second)
            .await
            .unwrap();
    assert_eq!(tables, 0, "each database starts empty");
    let port = server.port();
    first.close().await;
    second.close().await;
    drop(server);
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the server stopped with its value"
    );
}
