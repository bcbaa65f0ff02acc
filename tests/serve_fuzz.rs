//! Fuzzing `povsim serve`'s request parsing path: valid requests mutated byte by byte (flips,
//! insertions, deletions, truncations, repeated lines, odd numbers) and plain random bytes,
//! sent raw to one running server. Every request must get an answer that is not a server
//! error (1xx, 2xx, 4xx, or a 503 that says when to retry) or a closed connection, within a
//! bounded time, and the server must still answer a normal request after each. Loopback only;
//! a bounded number of cases (a few seconds in release mode).

mod common;

use std::time::Duration;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::json;

use common::server::{Outcome, Server};

/// Cases per run.
const CASES: u32 = 500;

/// Longer than any of the server's timeouts: no answer nor close by then is a hang.
const HANG: Duration = Duration::from_secs(30);

/// One change to a request's bytes.
#[derive(Debug, Clone)]
enum Edit {
    /// Replace the byte at a position.
    Flip(Index, u8),
    /// Insert bytes at a position.
    Insert(Index, Vec<u8>),
    /// Remove up to this many bytes from a position.
    Delete(Index, usize),
    /// Keep only the bytes before a position.
    Truncate(Index),
    /// Repeat the line that holds a position.
    RepeatLine(Index, usize),
    /// Put a large number at a position (lengths, chunk sizes, months).
    Number(Index, u64),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (
            any::<Index>(),
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 1..16),
                Just(b"\r\n".to_vec()),
                Just(b"\r\nContent-Length: 99999999999\r\n".to_vec()),
                Just(b"\r\nTransfer-Encoding: chunked\r\n".to_vec()),
                Just(b"/../..".to_vec()),
                Just(b"%00%2e%2e".to_vec()),
            ]
        )
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<Index>(), 1..32usize).prop_map(|(i, n)| Edit::Delete(i, n)),
        any::<Index>().prop_map(Edit::Truncate),
        (any::<Index>(), 1..200usize).prop_map(|(i, n)| Edit::RepeatLine(i, n)),
        (any::<Index>(), any::<u64>()).prop_map(|(i, n)| Edit::Number(i, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    if bytes.is_empty() {
        return;
    }
    let at = |i: &Index| i.index(bytes.len());
    match edit {
        Edit::Flip(i, b) => {
            let k = at(i);
            bytes[k] = *b;
        }
        Edit::Insert(i, b) => {
            let k = at(i);
            bytes.splice(k..k, b.iter().copied());
        }
        Edit::Delete(i, n) => {
            let k = at(i);
            let end = (k + n).min(bytes.len());
            bytes.drain(k..end);
        }
        Edit::Truncate(i) => {
            let k = at(i);
            bytes.truncate(k);
        }
        Edit::RepeatLine(i, n) => {
            let k = at(i);
            let start = bytes[..k]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let end = bytes[k..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |p| k + p + 1);
            let line = bytes[start..end].to_vec();
            for _ in 0..*n {
                bytes.splice(end..end, line.iter().copied());
            }
        }
        Edit::Number(i, n) => {
            let k = at(i);
            bytes.splice(k..k, n.to_string().into_bytes());
        }
    }
}

/// Valid requests of every kind the page sends, for session `id`.
fn bases(id: &str) -> Vec<Vec<u8>> {
    let setup = json!({"world": {"population.villages": 2, "population.households_per_village": 20}, "a": {"cadres.admin_burden": 0.3}}).to_string();
    let post = |path: &str, body: &str| {
        format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len())
    };
    let get = |method: &str, path: &str| {
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n")
    };
    [
        get("GET", "/"),
        get("HEAD", "/app.js"),
        get("GET", "/api/levers"),
        get("GET", "/api/status"),
        get("GET", &format!("/api/session/{id}")),
        get("GET", &format!("/api/session/{id}/story?side=a&village=1&household=2")),
        post("/api/session", &setup),
        post(&format!("/api/session/{id}/step?months=2"), ""),
        post(&format!("/api/session/{id}/reset"), &setup),
        format!("POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{setup}\r\n0\r\n\r\n", setup.len()),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect()
}

/// Whether `status` is an answer a client may get for bad input (never a server error but a
/// 503 that says when to retry).
fn acceptable(outcome: &Outcome) -> bool {
    match outcome.status() {
        None => true,
        Some(100..=499) => true,
        Some(503) => outcome.header("retry-after").is_some(),
        Some(_) => false,
    }
}

#[test]
fn mutated_and_random_requests_get_an_answer_or_a_close_and_the_server_lives() {
    let mut server = Server::start(&["--max-sessions", "1024"]);
    let id = server.open(&json!({"world": {"population.villages": 2}}));
    let bases = bases(&id);
    let input = prop_oneof![
        3 => (0..bases.len(), proptest::collection::vec(edit(), 0..6))
            .prop_map(move |(k, edits)| {
                let mut bytes = bases[k].clone();
                for e in &edits {
                    apply(&mut bytes, e);
                }
                bytes
            }),
        1 => proptest::collection::vec(any::<u8>(), 0..600),
    ];
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let seen = std::cell::RefCell::new(std::collections::BTreeMap::<Option<u16>, u32>::new());
    let result = runner.run(&input, |bytes| {
        let outcome = server.exchange(&bytes, HANG);
        *seen.borrow_mut().entry(outcome.status()).or_default() += 1;
        if !acceptable(&outcome) {
            return Err(TestCaseError::fail(format!(
                "{outcome:?} for {:?}",
                String::from_utf8_lossy(&bytes)
            )));
        }
        let (status, v) = server.call("GET", "/api/status", None);
        prop_assert_eq!(
            status,
            200,
            "after {:?}: {}",
            String::from_utf8_lossy(&bytes),
            v
        );
        Ok(())
    });
    // What the server answered (None: closed), for a reader of `--nocapture`.
    eprintln!("answers by status: {:?}", seen.borrow());
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(server.alive());
}
