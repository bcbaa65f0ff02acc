//! `povsim serve`: the classroom web app. A class watches a small world (20 villages of one
//! county by default) move month by month, changes it with sliders, opens households' stories,
//! and compares two settings side by side with the luck held fixed (A/B mode).
//!
//! The server is small and synchronous: `tiny_http` accepts connections, a fixed pool of
//! [`WORKERS`] threads answers requests (so the work in flight is bounded), and the page drives
//! the clock (it asks for the next months at the speed the class chose; Pause stops asking).
//! Every page has its own session ([`session`]), bounded in number, size and lifetime. The
//! page's files are embedded ([`assets`]). Ctrl-C (or SIGTERM) stops accepting, lets the
//! requests in flight finish, joins the threads and exits 0.
//!
//! Modules: [`levers`] (slider names to scenario keys, validation), [`world`] (a session's
//! simulations), [`session`] (the store and its limits), [`api`] (JSON shapes), [`routes`]
//! (requests to answers), [`assets`] (the page).

pub mod api;
pub mod assets;
pub mod levers;
pub mod routes;
pub mod session;
pub mod world;

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::cli::ServeArgs;
use crate::error::UserError;
use routes::{route, AppState, Reply};
use session::{Limits, SessionStore};

/// Threads answering requests. A request holds one at most for the time of 24 simulated
/// months of one session (well under a second), so 8 serve a class of 40 without queueing
/// long, and the simulation work in flight stays bounded on a small machine.
pub const WORKERS: usize = 8;

/// Largest request body accepted, bytes (a setup is a few hundred).
pub const MAX_BODY: usize = 16 * 1024;

/// How often expired sessions are swept.
const SWEEP_EVERY: Duration = Duration::from_secs(30);

/// How long a worker waits for a request before checking whether to stop.
const POLL: Duration = Duration::from_millis(200);

/// Why the server stopped.
enum Stop {
    /// Ctrl-C or SIGTERM.
    Signal,
    /// The listening socket failed.
    Failed(String),
}

/// Run the classroom server until Ctrl-C.
pub fn run(args: &ServeArgs) -> anyhow::Result<()> {
    let address = resolve_address(&args.host, args.port)?;
    let server = tiny_http::Server::http(address).map_err(|e| {
        UserError::Usage(format!(
            "cannot listen on {address}: {e} (is another server using port {}? try --port 0 for any free port)",
            args.port
        ))
    })?;
    let bound = server
        .server_addr()
        .to_ip()
        .context("the server is not listening on an IP address")?;
    let server = Arc::new(server);

    let (stop_tx, stop_rx) = mpsc::channel::<Stop>();
    let signal_tx = stop_tx.clone();
    ctrlc::set_handler(move || {
        let _ = signal_tx.send(Stop::Signal);
    })
    .context("cannot install the Ctrl-C handler")?;

    let limits = Limits {
        max_sessions: args.max_sessions as usize,
        ..Limits::default()
    };
    let state = Arc::new(AppState::new(SessionStore::new(limits)));
    let stopping = Arc::new(AtomicBool::new(false));

    let mut threads = Vec::with_capacity(WORKERS + 1);
    for k in 0..WORKERS {
        let (server, state, stopping, failed) = (
            Arc::clone(&server),
            Arc::clone(&state),
            Arc::clone(&stopping),
            stop_tx.clone(),
        );
        let worker = thread::Builder::new()
            .name(format!("serve-{k}"))
            .spawn(move || work(&server, &state, &stopping, &failed))
            .context("cannot start a worker thread")?;
        threads.push(worker);
    }
    let (sweep_tx, sweep_rx) = mpsc::channel::<()>();
    {
        let state = Arc::clone(&state);
        let sweeper = thread::Builder::new()
            .name("serve-sweep".into())
            .spawn(move || {
                // Wakes every SWEEP_EVERY; a message (or the sender dropped) stops it.
                while let Err(mpsc::RecvTimeoutError::Timeout) = sweep_rx.recv_timeout(SWEEP_EVERY)
                {
                    state.sweep(Instant::now());
                }
            })
            .context("cannot start the session sweeper")?;
        threads.push(sweeper);
    }

    let url = display_url(bound);
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "povsim serve: listening on {url}")?;
        writeln!(
            out,
            "Open it in a browser. {} sessions at most, closed after {} idle minutes. Ctrl-C stops the server.",
            limits.max_sessions,
            limits.idle_lifetime.as_secs() / 60
        )?;
        if bound.ip().is_unspecified() {
            writeln!(out, "Listening on every network interface: students connect to this machine's address on port {}.", bound.port())?;
        }
        out.flush()?;
    }

    let why = stop_rx.recv().unwrap_or(Stop::Signal);
    stopping.store(true, Ordering::SeqCst);
    for _ in 0..WORKERS {
        server.unblock();
    }
    let _ = sweep_tx.send(());
    for t in threads {
        let _ = t.join();
    }
    drop(server);
    match why {
        Stop::Signal => {
            println!("povsim serve: stopped");
            Ok(())
        }
        Stop::Failed(e) => Err(anyhow::anyhow!("the server stopped: {e}")),
    }
}

/// The socket address for `host` and `port` (a name such as `localhost` is looked up; the
/// first address is used).
fn resolve_address(host: &str, port: u16) -> Result<SocketAddr, UserError> {
    let bad = |why: String| UserError::Usage(format!("--host {host}: {why}"));
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    (bare, port)
        .to_socket_addrs()
        .map_err(|e| bad(format!("not an address this machine can listen on ({e})")))?
        .next()
        .ok_or_else(|| bad("the name has no address".into()))
}

/// `http://HOST:PORT/` for the address the server is bound to.
fn display_url(bound: SocketAddr) -> String {
    format!("http://{bound}/")
}

/// One worker: answer requests until told to stop.
fn work(
    server: &tiny_http::Server,
    state: &AppState,
    stopping: &AtomicBool,
    failed: &mpsc::Sender<Stop>,
) {
    while !stopping.load(Ordering::SeqCst) {
        match server.recv_timeout(POLL) {
            Ok(Some(request)) => answer(state, request),
            Ok(None) => {}
            Err(e) => {
                if !stopping.load(Ordering::SeqCst) {
                    let _ = failed.send(Stop::Failed(e.to_string()));
                }
                return;
            }
        }
    }
}

/// Read the body (within [`MAX_BODY`]), route, and respond. A panic while answering (a bug)
/// becomes a 500 and leaves the worker running.
fn answer(state: &AppState, mut request: tiny_http::Request) {
    let method = request.method().as_str().to_ascii_uppercase();
    let url = request.url().to_owned();
    let reply = match read_body(&mut request) {
        Ok(body) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            route(state, &method, &url, &body, Instant::now())
        }))
        .unwrap_or_else(|_| {
            Reply::message(
                500,
                "internal error while answering (a bug in povsim; please report it)",
            )
        }),
        Err(reply) => reply,
    };
    let head_only = method == "HEAD";
    let mut headers = vec![
        header("Content-Type", reply.content_type),
        header("X-Content-Type-Options", "nosniff"),
        header("Referrer-Policy", "no-referrer"),
        header(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; font-src 'self'; frame-ancestors 'none'",
        ),
    ];
    let cache = if url.starts_with("/api/") {
        "no-store"
    } else {
        "no-cache"
    };
    headers.push(header("Cache-Control", cache));
    if let Some(allow) = reply.allow {
        headers.push(header("Allow", allow));
    }
    let body: &[u8] = if head_only { b"" } else { &reply.body };
    let response = tiny_http::Response::new(
        tiny_http::StatusCode(reply.status),
        headers.into_iter().flatten().collect(),
        body,
        Some(body.len()),
        None,
    );
    // A client that went away is no concern of the server's.
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> Option<tiny_http::Header> {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// The request body, or a 413 answer when it is larger than [`MAX_BODY`].
fn read_body(request: &mut tiny_http::Request) -> Result<Vec<u8>, Reply> {
    let too_large = || {
        Reply::message(
            413,
            format!("the request body is larger than {MAX_BODY} bytes"),
        )
    };
    if request.body_length().is_some_and(|n| n > MAX_BODY) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    request
        .as_reader()
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| Reply::message(400, format!("cannot read the request body: {e}")))?;
    if body.len() > MAX_BODY {
        return Err(too_large());
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_resolve_to_socket_addresses() {
        assert_eq!(
            resolve_address("127.0.0.1", 0).expect("ok").to_string(),
            "127.0.0.1:0"
        );
        assert_eq!(
            resolve_address("::1", 8080).expect("ok").to_string(),
            "[::1]:8080"
        );
        assert!(resolve_address("not an address!", 80).is_err());
    }

    #[test]
    fn the_url_names_the_bound_address() {
        let addr: SocketAddr = "127.0.0.1:4321".parse().expect("addr");
        assert_eq!(display_url(addr), "http://127.0.0.1:4321/");
    }
}
