//! Connections: accepting them within a bounded pool, serving each with hyper's HTTP/1 under
//! header size and time limits and a lifetime, and closing them all on shutdown.
//!
//! What one client can hold is bounded here, before any request reaches the app:
//! - at most [`MAX_CONNECTIONS`] connections are served at once; one more is answered a fast
//!   503 with `Retry-After` (by a small, bounded set of refusers) or closed at once;
//! - a request head (request line and headers) larger than [`MAX_HEADER_BYTES`] is answered 431
//!   by hyper, whose read buffer never grows past that size;
//! - a head must arrive within [`HEADER_TIMEOUT`] (an idle keep-alive connection is closed
//!   after the same time);
//! - a connection lives at most [`CONNECTION_LIFETIME`]: then it finishes its request in
//!   flight and closes (within [`GRACE`]).
//!
//! The body limits are the app's ([`super::handler`]).

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tower::Service;

/// Connections served at once. A student's page uses one or two; 256 serve a class of 40
/// with plenty to spare, and bound the server's memory and tasks whatever clients do.
pub const MAX_CONNECTIONS: usize = 256;

/// Largest request head (request line and headers), bytes: hyper's read buffer (a real
/// browser sends under 2 KiB; hyper's own minimum is 8 KiB).
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// Longest a request head may take to arrive, and longest an idle connection is kept.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest a connection is served; then it finishes its request in flight and closes (a
/// browser opens a new one for its next request).
pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// How long requests in flight may take to finish when a connection's lifetime ends or the
/// server stops.
pub const GRACE: Duration = Duration::from_secs(3);

/// `Retry-After` of the 503 to a connection beyond [`MAX_CONNECTIONS`], seconds.
pub const CONNECTIONS_RETRY_AFTER: u32 = 1;

/// Connections beyond the pool answered 503 at once (the rest are closed unanswered).
const REFUSERS: usize = 32;

/// Longest a refuser spends on one connection.
const REFUSE_LINGER: Duration = Duration::from_secs(1);

/// The whole answer to a connection beyond the pool.
static BUSY: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let body = format!(
        "{{\"error\":\"the classroom server has {MAX_CONNECTIONS} connections open, its most; try again in a moment\"}}"
    );
    format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\nRetry-After: {CONNECTIONS_RETRY_AFTER}\r\nCache-Control: no-store\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
});

/// Serve `app` on `listener` until `stop` turns true; then stop accepting, let every
/// connection finish its request in flight within [`GRACE`], and return.
pub async fn serve(listener: TcpListener, app: Router, mut stop: watch::Receiver<bool>) {
    let pool = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let refusers = Arc::new(Semaphore::new(REFUSERS));
    loop {
        let accepted = tokio::select! {
            biased;
            _ = stop.wait_for(|&s| s) => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // Out of file descriptors, or a connection reset before it was accepted: wait
            // a moment rather than spin, and go on.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        match Arc::clone(&pool).try_acquire_owned() {
            Ok(permit) => {
                let (app, stop) = (app.clone(), stop.clone());
                tokio::spawn(async move {
                    connection(stream, app, stop, DEADLINES).await;
                    drop(permit);
                });
            }
            Err(_) => refuse(stream, &refusers),
        }
    }
    drop(listener);
    // Every connection's permit back (each ends within GRACE of the stop), or give up.
    let all = MAX_CONNECTIONS as u32;
    let _ = tokio::time::timeout(GRACE + Duration::from_secs(1), pool.acquire_many(all)).await;
}

/// The time limits of one connection.
#[derive(Debug, Clone, Copy)]
struct Deadlines {
    /// Longest a request head may take to arrive (and an idle connection may wait).
    header: Duration,
    /// Longest the connection is served.
    lifetime: Duration,
    /// Longest its request in flight may take to finish once the lifetime is over or the
    /// server stops.
    grace: Duration,
}

/// The limits every connection is served with.
const DEADLINES: Deadlines = Deadlines {
    header: HEADER_TIMEOUT,
    lifetime: CONNECTION_LIFETIME,
    grace: GRACE,
};

/// The HTTP/1 settings of every connection.
fn http(deadlines: Deadlines) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(deadlines.header)
        .max_buf_size(MAX_HEADER_BYTES)
        // A client that closes its sending side after its request still gets the answer.
        .half_close(true)
        .keep_alive(true);
    builder
}

/// Serve one connection until it ends, its lifetime is over, or the server stops.
async fn connection(
    stream: TcpStream,
    app: Router,
    mut stop: watch::Receiver<bool>,
    deadlines: Deadlines,
) {
    let _ = stream.set_nodelay(true);
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let mut app = app.clone();
        app.call(request)
    });
    let conn = http(deadlines).serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = tokio::time::sleep(deadlines.lifetime) => {}
        _ = stop.wait_for(|&s| s) => {}
    }
    conn.as_mut().graceful_shutdown();
    let _ = tokio::time::timeout(deadlines.grace, conn).await;
}

/// Answer a connection beyond the pool with a 503 and close it, if a refuser is free;
/// otherwise close it at once. What the client sent is read and dropped for a moment so that
/// closing does not reset the connection before the client reads the answer.
fn refuse(stream: TcpStream, refusers: &Arc<Semaphore>) {
    let Ok(permit) = Arc::clone(refusers).try_acquire_owned() else {
        return;
    };
    tokio::spawn(async move {
        let mut stream = stream;
        let answer = async {
            stream.write_all(&BUSY).await?;
            stream.shutdown().await?;
            let mut sink = [0u8; 1024];
            while stream.read(&mut sink).await? > 0 {}
            Ok::<(), std::io::Error>(())
        };
        let _ = tokio::time::timeout(REFUSE_LINGER, answer).await;
        drop(permit);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::handler;
    use crate::serve::routes::AppState;
    use crate::serve::session::{Limits, SessionStore};
    use std::time::Instant;

    fn app() -> Router {
        handler::app(Arc::new(AppState::new(
            SessionStore::new(Limits::default()),
        )))
    }

    /// A loopback listener and a client connected to it, with the server's side accepted.
    async fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let client = TcpStream::connect(addr).await.expect("connect");
        let (server, _) = listener.accept().await.expect("accept");
        (client, server)
    }

    /// Read until the server closes the connection; everything it sent.
    async fn until_closed(client: &mut TcpStream) -> Vec<u8> {
        let mut got = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(20), async {
            let mut buf = [0u8; 4096];
            while let Ok(n) = client.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
            }
        });
        read.await.expect("the server closed the connection");
        got
    }

    #[tokio::test]
    async fn a_connection_is_closed_at_the_end_of_its_lifetime_whatever_its_request_does() {
        let short = Deadlines {
            header: Duration::from_secs(60),
            lifetime: Duration::from_millis(300),
            grace: Duration::from_millis(300),
        };
        let (mut client, server) = pair().await;
        let (_stop_tx, stop) = watch::channel(false);
        let served = tokio::spawn(connection(server, app(), stop, short));
        // One answered request on a kept-alive connection, then a body that stalls (the body
        // timeout is 10 s; the lifetime ends first).
        client
            .write_all(b"GET /api/status HTTP/1.1\r\nHost: x\r\n\r\nPOST /api/session HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{")
            .await
            .expect("send");
        let started = Instant::now();
        let got = until_closed(&mut client).await;
        assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"));
        assert!(started.elapsed() < Duration::from_secs(5));
        served.await.expect("the connection task ended");
    }

    #[tokio::test]
    async fn a_stop_closes_a_connection_waiting_for_its_body() {
        let (mut client, server) = pair().await;
        let (stop_tx, stop) = watch::channel(false);
        let quick = Deadlines {
            grace: Duration::from_millis(200),
            ..DEADLINES
        };
        let served = tokio::spawn(connection(server, app(), stop, quick));
        client
            .write_all(b"POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{")
            .await
            .expect("send");
        stop_tx.send(true).expect("stop");
        until_closed(&mut client).await;
        served.await.expect("the connection task ended");
    }

    #[test]
    fn the_refusal_is_a_complete_503_with_retry_after() {
        let text = String::from_utf8_lossy(&BUSY).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").expect("a head");
        assert!(head.starts_with("HTTP/1.1 503 "));
        assert!(head.contains("Retry-After: 1\r\n"));
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
        assert!(serde_json::from_str::<serde_json::Value>(body).is_ok());
    }
}
