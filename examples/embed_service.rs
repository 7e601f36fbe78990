//! A small HTTP service that runs a script its user supplied once per request, on
//! minideno's pool: the request's JSON body is what the script's default export is
//! called with, and what it returns is the response. Each call gets a fresh context,
//! 1 s of wall time, 100 ms of CPU, a 32 MiB heap and no permissions; the script
//! reaches the service only through three host functions (a key-value store the
//! requests share, and an async SHA-256).
//!
//! ```text
//! cargo run --release --example embed_service -- [SCRIPT.ts] [--port 8080]
//! curl -d '{"user": "ada"}' localhost:8080
//! cargo run --release --example embed_service -- --check   # serves, asks, checks, ends
//! ```
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use minideno::host::{HostFunctions, ModuleSources};
use minideno::pool::{Pool, PoolOptions};
use minideno::runtime::{Error, RuntimeOptions};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::net::{TcpListener, TcpStream};

const HANDLER_URL: &str = "service:///handler.ts";

fn host_functions() -> HostFunctions {
    let kv: Arc<Mutex<HashMap<String, Value>>> = Arc::default();
    let theirs = kv.clone();
    HostFunctions::new()
        .sync_typed("kvGet", move |(key,): (String,)| {
            Ok(kv.lock().unwrap().get(&key).cloned())
        })
        .sync_typed("kvSet", move |(key, value): (String, Value)| {
            theirs.lock().unwrap().insert(key, value);
            Ok(())
        })
        .async_typed("sha256", |(text,): (String,)| async move {
            let hash = Sha256::digest(text.as_bytes());
            Ok(hash.iter().map(|b| format!("{b:02x}")).collect::<String>())
        })
}

pub fn pool(script: String) -> Pool {
    Pool::new(PoolOptions {
        runtime: RuntimeOptions {
            timeout: Some(Duration::from_secs(1)),
            cpu_limit: Some(Duration::from_millis(100)),
            max_heap_bytes: Some(32 << 20),
            host: host_functions(),
            module_sources: Some(ModuleSources::from_map([(HANDLER_URL.to_string(), script)])),
            ..Default::default()
        },
        ..Default::default()
    })
    .expect("a pool")
}

/// One request: its body to the script, the script's answer (or why not) back.
async fn serve(
    pool: Pool,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let body = match request.into_body().collect().await {
        Ok(body) => body.to_bytes(),
        Err(e) => {
            return Ok(reply(
                StatusCode::BAD_REQUEST,
                json!({ "error": e.to_string() }),
            ))
        }
    };
    let event: Value = match serde_json::from_slice(&body) {
        Ok(event) => event,
        Err(e) => {
            return Ok(reply(
                StatusCode::BAD_REQUEST,
                json!({ "error": format!("not JSON: {e}") }),
            ))
        }
    };
    let answer = pool
        .run(move |rt| rt.call_export::<_, Value>(HANDLER_URL, "default", (event,)))
        .await
        .and_then(|r| r);
    Ok(match answer {
        Ok(run) => reply(StatusCode::OK, run.value),
        Err(e) => {
            let status = match e {
                Error::Timeout { .. } | Error::CpuLimit { .. } => StatusCode::GATEWAY_TIMEOUT,
                Error::Busy => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            reply(status, json!({ "error": e.to_string() }))
        }
    })
}

fn reply(status: StatusCode, body: Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response
}

async fn listen(listener: TcpListener, pool: Pool) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let pool = pool.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |r| serve(pool.clone(), r));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// A POST of `body` to `addr`: the status and the JSON answer.
async fn post(addr: SocketAddr, body: &str) -> (StatusCode, Value) {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(connection);
    let request = Request::post("/")
        .header("host", addr.to_string())
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap();
    let response = sender.send_request(request).await.expect("a response");
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&body).expect("a JSON answer"),
    )
}

/// Serves on a free port, asks, and checks each answer: what `--check` does.
pub async fn check(pool: Pool) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(listen(listener, pool));
    let (status, first) = post(addr, r#"{"user": "ada"}"#).await;
    assert_eq!(
        (status, &first["greeting"], &first["visits"]),
        (StatusCode::OK, &json!("hello, ada"), &json!(1))
    );
    assert_eq!(
        first["tag"],
        json!("fdee430d"),
        "the first 8 hex digits of sha256(\"ada\")"
    );
    // The store outlives the contexts: the second visit is counted.
    let (_, second) = post(addr, r#"{"user": "ada"}"#).await;
    assert_eq!(second["visits"], json!(2));
    let (status, stuck) = post(addr, r#"{"loop": true}"#).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT, "{stuck}");
    let (status, bad) = post(addr, "not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    // The loop did not spend the service: it answers again.
    let (status, after) = post(addr, r#"{"user": "bo"}"#).await;
    assert_eq!((status, &after["visits"]), (StatusCode::OK, &json!(1)));
    println!("check ok: {first}; {stuck}; {bad}; {after}");
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (mut script, mut port, mut checking) = (None, 8080, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => checking = true,
            "--port" => port = args.next().and_then(|p| p.parse().ok()).expect("--port N"),
            path => script = Some(std::fs::read_to_string(path).expect("the script")),
        }
    }
    let script = script.unwrap_or_else(|| include_str!("embed_service_handler.ts").to_string());
    let pool = pool(script);
    if checking {
        return check(pool).await;
    }
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("the port");
    println!("listening on http://127.0.0.1:{port}/ (POST a JSON body)");
    listen(listener, pool).await;
}
