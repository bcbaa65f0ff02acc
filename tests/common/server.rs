//! A running `povsim serve` for the tests, and a tiny std-only HTTP client to talk to it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A running `povsim serve --port 0`; killed if a test fails before stopping it.
pub struct Server {
    child: Child,
    stdout: BufReader<ChildStdout>,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Server {
    /// Start `povsim serve --port 0` with `extra` options and read the address it prints.
    pub fn start(extra: &[&str]) -> Server {
        let mut child = super::povsim()
            .args(["serve", "--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("povsim serve starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("first line");
        let url = line
            .trim()
            .strip_prefix("povsim serve: listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"));
        let addr = url.trim_end_matches('/').to_owned();
        Server {
            child,
            stdout,
            addr,
        }
    }

    /// The page's address, `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// One request with an optional JSON body; the status and the JSON answer (null if none).
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let (status, bytes) = self.raw(method, path, body.map(|b| b.to_string()).as_deref());
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, value)
    }

    /// One request on a fresh connection; the status and the body bytes.
    pub fn raw(&self, method: &str, path: &str, body: Option<&str>) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let body = body.unwrap_or("");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .expect("send");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).expect("read");
        let split = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a header");
        let head = String::from_utf8_lossy(&response[..split]).into_owned();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status code");
        (status, response[split + 4..].to_vec())
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's memory from `/proc/PID/status`, kB: (resident now `VmRSS`, peak resident
    /// `VmHWM`).
    pub fn memory_kb(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("the server's /proc status");
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kb| kb.parse().ok())
                .unwrap_or_else(|| panic!("no {name} in /proc status"))
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// Whether the server process is still running.
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().expect("wait").is_none()
    }

    /// A new connection to the server.
    pub fn connect(&self) -> TcpStream {
        TcpStream::connect(&self.addr).expect("connect")
    }

    /// Send raw `bytes` on a fresh connection, close the sending side, and read what comes
    /// back within `timeout`: the first answer's status and head, or [`Outcome::Closed`] when
    /// the server closed (or reset) the connection without one. Panics if the server neither
    /// answers nor closes in time (a hang).
    pub fn exchange(&self, bytes: &[u8], timeout: Duration) -> Outcome {
        let mut stream = self.connect();
        stream.set_read_timeout(Some(timeout)).expect("timeout");
        // The server may close before reading everything (an oversized head): that is an
        // answer too, read below.
        let _ = stream.write_all(bytes);
        let _ = stream.shutdown(std::net::Shutdown::Write);
        read_outcome(&mut stream, timeout)
    }

    /// Open a session with `setup`; its id.
    pub fn open(&self, setup: &Value) -> String {
        let (status, v) = self.call("POST", "/api/session", Some(setup));
        assert_eq!(status, 201, "{v}");
        v["session"].as_str().expect("session id").to_owned()
    }

    /// Send SIGINT and wait for the exit; returns the exit code and what it printed after the
    /// first line.
    pub fn interrupt(self) -> (Option<i32>, String) {
        self.signal("-INT")
    }

    /// Send `signal` (`-INT`, `-TERM`) and wait for the exit; returns the exit code and what
    /// it printed after the first line.
    pub fn signal(mut self, signal: &str) -> (Option<i32>, String) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args([signal, &pid])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not stop on {signal}"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut rest = String::new();
        let _ = self.stdout.read_to_string(&mut rest);
        (status.code(), rest)
    }

    /// Send SIGINT and assert that the server stops cleanly (exit code 0, "stopped") within
    /// `limit` (generous: a hang, not speed, is what it catches).
    pub fn assert_stops_on_sigint_within(self, limit: Duration) {
        let started = Instant::now();
        let (code, rest) = self.interrupt();
        assert_eq!(code, Some(0), "exit code after SIGINT");
        assert!(rest.contains("povsim serve: stopped"), "{rest}");
        assert!(
            started.elapsed() < limit,
            "stopping took {:?}",
            started.elapsed()
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the server did with a request.
#[derive(Debug)]
pub enum Outcome {
    /// It answered: the status code and the head (status line and headers).
    Answered {
        /// HTTP status code.
        status: u16,
        /// The status line and headers, as text.
        head: String,
    },
    /// It closed the connection without an answer.
    Closed,
}

impl Outcome {
    /// The status code, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Outcome::Answered { status, .. } => Some(*status),
            Outcome::Closed => None,
        }
    }

    /// The value of header `name` (case-insensitive), if answered with it.
    pub fn header(&self, name: &str) -> Option<String> {
        let Outcome::Answered { head, .. } = self else {
            return None;
        };
        head.lines().skip(1).find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }
}

/// Read from `stream` until the server closes it (or resets it) and tell what it answered.
/// Panics if nothing ends within `timeout` (a hang).
pub fn read_outcome(stream: &mut TcpStream, timeout: Duration) -> Outcome {
    stream.set_read_timeout(Some(timeout)).expect("timeout");
    let mut got = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&chunk[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                panic!("the server neither answered nor closed within {timeout:?}")
            }
            // Reset by the server: what arrived before is the answer.
            Err(_) => break,
        }
    }
    let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Outcome::Closed;
    };
    let head = String::from_utf8_lossy(&got[..end]).into_owned();
    match head
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| head.strip_prefix("HTTP/1.0 "))
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
    {
        Some(status) => Outcome::Answered { status, head },
        None => panic!("not an HTTP answer: {head:?}"),
    }
}
