//! The ceiling for this machine: an axum server that reads the webhook's body and answers 200,
//! nothing else. `scripts/bench.sh` runs it beside `ketnoi serve` under the same load.
//!
//!     cargo run --release --example bare_server -- 127.0.0.1:18280

use axum::body::Bytes;
use axum::routing::post;
use axum::Router;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18280".to_owned());
    let app = Router::new().route(
        "/webhook/zalo",
        post(|body: Bytes| async move {
            std::hint::black_box(body.len());
            "ok"
        }),
    );
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!("bare server on http://{addr}/webhook/zalo");
    axum::serve(listener, app).await
}
