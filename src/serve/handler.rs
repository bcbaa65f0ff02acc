//! One HTTP request to one answer: the body read within its size and time limits, the
//! simulation work run off the async threads within the in-flight cap, and the [`Reply`] of
//! [`route`] turned into a response with the page's security headers.
//!
//! The body limit is checked from `Content-Length` before a byte is read (a huge declared
//! length gets 413 at once and nothing is allocated for it); a body without a length is read
//! in chunks and refused as soon as it passes the limit. A body that stops arriving is cut off
//! ([`BODY_TIMEOUT`], 408).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, Response, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tokio::sync::Semaphore;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutError};

use super::routes::{route, AppState, Reply};

/// Requests whose answer is being computed at once (threads of simulation work). A request
/// holds one for at most the time of 24 simulated months of one session (well under a
/// second), so 8 serve a class of 40 without queueing long, and the work in flight stays
/// bounded on a small machine.
pub const WORKERS: usize = 8;

/// Largest request body accepted, bytes (a setup is a few hundred).
pub const MAX_BODY: usize = 16 * 1024;

/// Longest a request body may take to arrive, in all and between two pieces, seconds.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest a request waits for one of the [`WORKERS`] before it is answered 503.
pub const QUEUE_TIMEOUT: Duration = Duration::from_secs(30);

/// `Retry-After` of a 503 because every worker stayed busy, seconds.
pub const BUSY_RETRY_AFTER: u32 = 2;

/// What every request shares: the sessions and the permits of the in-flight cap.
struct Shared {
    state: Arc<AppState>,
    workers: Arc<Semaphore>,
}

/// The axum app: every request goes to [`answer`] (the routing itself is [`route`], so the
/// API stays testable without sockets), behind a layer that times out a stalled body.
pub fn app(state: Arc<AppState>) -> Router {
    let shared = Arc::new(Shared {
        state,
        workers: Arc::new(Semaphore::new(WORKERS)),
    });
    Router::new()
        .fallback(answer)
        .with_state(shared)
        .layer(RequestBodyTimeoutLayer::new(BODY_TIMEOUT))
}

/// Read the body, route, and respond.
async fn answer(State(shared): State<Arc<Shared>>, request: Request) -> Response<Body> {
    let method = request.method().as_str().to_ascii_uppercase();
    let url = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let head_only = request.method() == Method::HEAD;
    let reply = match read_body(request).await {
        Ok(body) => compute(&shared, method, url.clone(), body).await,
        Err(reply) => reply,
    };
    respond(reply, &url, head_only)
}

/// Run [`route`] on a blocking thread once one of the [`WORKERS`] is free. A panic while
/// answering (a bug) becomes a 500 and leaves the server running.
async fn compute(shared: &Shared, method: String, url: String, body: Bytes) -> Reply {
    let acquired =
        tokio::time::timeout(QUEUE_TIMEOUT, Arc::clone(&shared.workers).acquire_owned()).await;
    let Ok(Ok(permit)) = acquired else {
        return Reply::unavailable(
            "the classroom server is busy; try again in a few seconds",
            BUSY_RETRY_AFTER,
        );
    };
    let state = Arc::clone(&shared.state);
    let work = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        route(&state, &method, &url, &body, Instant::now())
    });
    work.await.unwrap_or_else(|_| {
        Reply::message(
            500,
            "internal error while answering (a bug in povsim; please report it)",
        )
    })
}

/// The request body, within [`MAX_BODY`] bytes and [`BODY_TIMEOUT`]; otherwise the answer
/// that says why not (413, 408 or 400).
async fn read_body(request: Request) -> Result<Bytes, Reply> {
    let too_large = || {
        Reply::message(
            413,
            format!("the request body is larger than {MAX_BODY} bytes"),
        )
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let mut body = request.into_body();
    let collect = async {
        let mut bytes = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| {
                let inner = e.into_inner();
                if inner.is::<TimeoutError>() {
                    Reply::message(
                        408,
                        format!(
                            "the request body stopped arriving (nothing for {} seconds)",
                            BODY_TIMEOUT.as_secs()
                        ),
                    )
                } else {
                    Reply::message(400, format!("cannot read the request body: {inner}"))
                }
            })?;
            if let Ok(data) = frame.into_data() {
                if bytes.len() + data.len() > MAX_BODY {
                    return Err(too_large());
                }
                bytes.extend_from_slice(&data);
            }
        }
        Ok(Bytes::from(bytes))
    };
    tokio::time::timeout(BODY_TIMEOUT, collect)
        .await
        .unwrap_or_else(|_| {
            Err(Reply::message(
                408,
                format!(
                    "the request body did not arrive within {} seconds",
                    BODY_TIMEOUT.as_secs()
                ),
            ))
        })
}

/// The page's content security policy: everything from this server, nothing from outside.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; font-src 'self'; frame-ancestors 'none'";

/// `reply` as an HTTP response to a request for `url` (API answers are never cached; a
/// `HEAD` gets the headers only).
fn respond(reply: Reply, url: &str, head_only: bool) -> Response<Body> {
    let cache = if url.starts_with("/api/") {
        "no-store"
    } else {
        "no-cache"
    };
    let retry_after = reply.retry_after.map(|s| s.to_string());
    let headers: [(HeaderName, Option<&str>); 7] = [
        (header::CONTENT_TYPE, Some(reply.content_type)),
        (header::X_CONTENT_TYPE_OPTIONS, Some("nosniff")),
        (header::REFERRER_POLICY, Some("no-referrer")),
        (header::CONTENT_SECURITY_POLICY, Some(CSP)),
        (header::CACHE_CONTROL, Some(cache)),
        (header::ALLOW, reply.allow),
        (header::RETRY_AFTER, retry_after.as_deref()),
    ];
    let body = if head_only {
        Body::empty()
    } else {
        Body::from(match reply.body {
            std::borrow::Cow::Borrowed(b) => Bytes::from_static(b),
            std::borrow::Cow::Owned(v) => Bytes::from(v),
        })
    };
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in headers {
        if let Some(value) = value.and_then(|v| HeaderValue::from_str(v).ok()) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::session::{Limits, SessionStore};

    fn request(method: &str, uri: &str, length: Option<&str>, body: &'static str) -> Request {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(length) = length {
            builder = builder.header(header::CONTENT_LENGTH, length);
        }
        builder.body(Body::from(body)).expect("a request")
    }

    #[tokio::test]
    async fn a_declared_length_over_the_limit_is_refused_before_reading() {
        let r = request("POST", "/api/session", Some("4611686018427387904"), "");
        let reply = read_body(r).await.expect_err("refused");
        assert_eq!(reply.status, 413);
        assert!(String::from_utf8_lossy(&reply.body).contains("16384 bytes"));
    }

    #[tokio::test]
    async fn a_body_within_the_limit_is_read_whole() {
        let r = request("POST", "/api/session", None, "{\"a\": {}}");
        assert_eq!(read_body(r).await.expect("read"), "{\"a\": {}}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_waiting_too_long_for_a_worker_gets_503_with_retry_after() {
        let shared = Shared {
            state: Arc::new(AppState::new(SessionStore::new(Limits::default()))),
            workers: Arc::new(Semaphore::new(1)),
        };
        let busy = Arc::clone(&shared.workers).acquire_owned().await;
        // The clock is paused: the 30 s wait passes at once.
        let reply = compute(&shared, "GET".into(), "/api/status".into(), Bytes::new()).await;
        assert_eq!(reply.status, 503);
        assert_eq!(reply.retry_after, Some(BUSY_RETRY_AFTER));
        drop(busy);
        let reply = compute(&shared, "GET".into(), "/api/status".into(), Bytes::new()).await;
        assert_eq!(reply.status, 200);
    }

    #[tokio::test]
    async fn answers_carry_the_security_headers_and_retry_after_on_503() {
        let reply = Reply::unavailable("full", 60);
        let response = respond(reply, "/api/session", false);
        assert_eq!(response.status(), 503);
        let h = response.headers();
        assert_eq!(h[header::RETRY_AFTER], "60");
        assert_eq!(h[header::CACHE_CONTROL], "no-store");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(h.contains_key(header::CONTENT_SECURITY_POLICY));
        assert!(!h.contains_key(header::ALLOW));
    }

    #[tokio::test]
    async fn the_app_routes_like_route_does() {
        use tower::ServiceExt;
        let state = Arc::new(AppState::new(SessionStore::new(Limits::default())));
        let response = app(state)
            .oneshot(request("GET", "/api/status", None, ""))
            .await
            .expect("an answer");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/json; charset=utf-8"
        );
    }
}
