//! `povsim serve`: the classroom web app. A class watches a small world (20 villages of one
//! county by default) move month by month, changes it with sliders, opens households' stories,
//! and compares two settings side by side with the luck held fixed (A/B mode).
//!
//! The server is axum on hyper, on a small tokio runtime (two threads for the network, at most
//! [`handler::WORKERS`] for simulation work), built so that one client can neither kill nor
//! freeze it: connections are bounded in number, head size and time ([`net`]), bodies in size
//! and time ([`handler`]), sessions in number, size and lifetime ([`session`]), and every 503
//! says when to retry. The page drives the clock (it asks for the next months at the speed the
//! class chose; Pause stops asking). The page's files are embedded ([`assets`]). Ctrl-C (or
//! SIGTERM) stops accepting, gives the requests in flight a few seconds ([`net::GRACE`]),
//! closes every connection whatever its client does, and exits 0.
//!
//! Modules: [`levers`] (slider names to scenario keys, validation), [`world`] (a session's
//! simulations), [`session`] (the store and its limits), [`api`] (JSON shapes), [`routes`]
//! (requests to answers), [`handler`] (HTTP requests to routes), [`net`] (connections),
//! [`assets`] (the page).

pub mod api;
pub mod assets;
pub mod handler;
pub mod levers;
pub mod net;
pub mod routes;
pub mod session;
pub mod world;

use std::io::Write;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::cli::ServeArgs;
use crate::error::UserError;
use routes::AppState;
use session::{Limits, SessionStore};

/// How often expired sessions are swept.
const SWEEP_EVERY: Duration = Duration::from_secs(30);

/// Threads of the async runtime (accepting, parsing, writing answers: light work).
const NETWORK_THREADS: usize = 2;

/// How long simulation work still running when the server stops may take before the process
/// exits without it.
const WORK_GRACE: Duration = Duration::from_secs(1);

/// Run the classroom server until Ctrl-C or SIGTERM.
pub fn run(args: &ServeArgs) -> anyhow::Result<()> {
    let address = resolve_address(&args.host, args.port)?;
    let listener = std::net::TcpListener::bind(address).map_err(|e| {
        UserError::Usage(format!(
            "cannot listen on {address}: {e} (is another server using port {}? try --port 0 for any free port)",
            args.port
        ))
    })?;
    listener
        .set_nonblocking(true)
        .context("cannot make the listening socket non-blocking")?;
    let bound = listener
        .local_addr()
        .context("the server is not listening on an IP address")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(NETWORK_THREADS)
        .max_blocking_threads(handler::WORKERS)
        .thread_name("serve")
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    let limits = Limits {
        max_sessions: args.max_sessions as usize,
        ..Limits::default()
    };
    let served = runtime.block_on(serve(listener, bound, limits));
    runtime.shutdown_timeout(WORK_GRACE);
    served?;
    println!("povsim serve: stopped");
    Ok(())
}

/// Serve on `listener` until a stop signal, then shut down within [`net::GRACE`].
async fn serve(
    listener: std::net::TcpListener,
    bound: SocketAddr,
    limits: Limits,
) -> anyhow::Result<()> {
    // Installed before the address is printed, so a signal sent as soon as it is seen stops
    // the server gracefully instead of killing it.
    let mut signals = StopSignals::install().context("cannot install the Ctrl-C handler")?;
    let listener = tokio::net::TcpListener::from_std(listener)
        .context("cannot hand the listening socket to the runtime")?;
    let state = Arc::new(AppState::new(SessionStore::new(limits)));
    let sweeper = {
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(SWEEP_EVERY);
            loop {
                every.tick().await;
                state.sweep(Instant::now());
            }
        })
    };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let server = tokio::spawn(net::serve(listener, handler::app(state), stop_rx));

    print_banner(bound, &limits)?;
    signals.wait().await;
    let _ = stop_tx.send(true);
    let _ = server.await;
    sweeper.abort();
    Ok(())
}

/// The address and the limits, on standard output (the first line is read by scripts and
/// tests: keep its form).
fn print_banner(bound: SocketAddr, limits: &Limits) -> std::io::Result<()> {
    let url = display_url(bound);
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
    out.flush()
}

/// Ctrl-C (SIGINT) and SIGTERM, listened for from the moment they are installed.
struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    #[cfg(unix)]
    fn install() -> std::io::Result<StopSignals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(StopSignals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    #[cfg(not(unix))]
    fn install() -> std::io::Result<StopSignals> {
        Ok(StopSignals {})
    }

    /// Until one of the signals arrives.
    #[cfg(unix)]
    async fn wait(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }

    #[cfg(not(unix))]
    async fn wait(&mut self) {
        let _ = tokio::signal::ctrl_c().await;
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
