//! `povsim serve` under attack while a class works: 40 sessions keep stepping while other
//! clients declare a huge body and send none, declare bodies and stall, send their heads a
//! line at a time, and send multi-MiB header lines. The server must stay alive, answer every
//! student's step, keep its memory bounded, and still stop on SIGINT with exit code 0 within
//! seconds. Loopback only.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::json;

use common::server::{read_outcome, Outcome, Server};

/// Students in the class.
const STUDENTS: u64 = 40;

/// Steps each student asks for while the attacks go on (3 months each).
const STEPS: u32 = 8;

/// Longer than any of the server's timeouts (10 s): a connection still held after this is a
/// failure.
const CUT_OFF_WITHIN: Duration = Duration::from_secs(30);

/// The oversized header line, bytes.
const BIG_HEADER: usize = 8 * 1024 * 1024;

fn post_head(length: u64) -> String {
    format!("POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n")
}

/// A connection that declared a 100-byte body and sent 4 bytes of it.
fn stalled_body(server: &Server) -> TcpStream {
    let mut stream = server.connect();
    stream
        .write_all(format!("{}{{\"a\"", post_head(100)).as_bytes())
        .expect("send");
    stream
}

/// A connection that started a head and sends one more header line every 300 ms until the
/// server cuts it off; whether it was cut off within [`CUT_OFF_WITHIN`].
fn slow_head(server: &Server) -> bool {
    let mut stream = server.connect();
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    if stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").is_err() {
        return true;
    }
    let started = Instant::now();
    let mut buf = [0u8; 256];
    while started.elapsed() < CUT_OFF_WITHIN {
        if stream.write_all(b"X-Slow: 1\r\n").is_err() {
            return true;
        }
        match stream.read(&mut buf) {
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            _ => return true,
        }
    }
    false
}

#[test]
fn forty_sessions_keep_stepping_through_huge_stalled_slow_and_oversized_requests() {
    let mut server = Server::start(&[]);
    let ids: Vec<String> = (0..STUDENTS)
        .map(|k| {
            server.open(&json!({"world": {
                "simulation.seed": 100 + k,
                "population.villages": 10
            }}))
        })
        .collect();
    let (_, peak_before) = server.memory_kb();

    // (a) A huge declared body, none sent: 413 at once, the connection left open.
    let mut huge = Vec::new();
    for _ in 0..4 {
        let mut stream = server.connect();
        stream
            .write_all(post_head(4_611_686_018_427_387_904).as_bytes())
            .expect("send");
        stream
            .set_read_timeout(Some(CUT_OFF_WITHIN))
            .expect("timeout");
        let mut start = [0u8; 12];
        stream.read_exact(&mut start).expect("an answer at once");
        assert_eq!(&start, b"HTTP/1.1 413");
        huge.push(stream);
    }
    // (b) Twelve bodies that never arrive.
    let stalled: Vec<TcpStream> = (0..12).map(|_| stalled_body(&server)).collect();

    let server_ref = &server;
    std::thread::scope(|scope| {
        // (c) Eight slow head senders.
        let slow: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| slow_head(server_ref)))
            .collect();
        // (d) Oversized header lines.
        let oversized: Vec<_> = (0..3)
            .map(|_| {
                scope.spawn(|| {
                    let mut request = b"GET /api/status HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
                    request.resize(request.len() + BIG_HEADER, b'a');
                    request.extend_from_slice(b"\r\n\r\n");
                    server_ref.exchange(&request, CUT_OFF_WITHIN)
                })
            })
            .collect();
        // The class, meanwhile.
        let students: Vec<_> = ids
            .iter()
            .map(|id| {
                scope.spawn(move || {
                    for step in 1..=STEPS {
                        let (status, v) = server_ref.call(
                            "POST",
                            &format!("/api/session/{id}/step?months=3"),
                            None,
                        );
                        assert_eq!(status, 200, "step {step} of session {id}: {v}");
                        assert_eq!(v["month"], step * 3);
                    }
                })
            })
            .collect();
        for student in students {
            student.join().expect("every student's steps were answered");
        }
        for s in slow {
            assert!(
                s.join().expect("slow sender"),
                "a slow head was never cut off"
            );
        }
        for o in oversized {
            let outcome = o.join().expect("oversized sender");
            assert!(matches!(outcome.status(), Some(431) | None), "{outcome:?}");
        }
    });
    for mut stream in stalled {
        match read_outcome(&mut stream, CUT_OFF_WITHIN) {
            Outcome::Answered { status, .. } => assert_eq!(status, 408),
            Outcome::Closed => {}
        }
    }
    drop(huge);

    assert!(server.alive());
    let (status, v) = server.call("GET", "/api/status", None);
    assert_eq!(status, 200);
    assert_eq!(v["sessions"], STUDENTS, "{v}");
    let (_, peak_after) = server.memory_kb();
    eprintln!("peak memory: {peak_before} kB before the attacks, {peak_after} kB after");
    // The students' rows take a MiB or two; the 8 MiB header lines and the declared exabytes
    // must take nothing (one header line read whole would pass the bound alone).
    assert!(
        peak_after < peak_before + 6 * 1024,
        "the server's peak memory grew from {peak_before} kB to {peak_after} kB"
    );

    // And Ctrl-C still stops it while clients stall.
    let held: Vec<TcpStream> = (0..10).map(|_| stalled_body(&server)).collect();
    server.assert_stops_on_sigint_within(Duration::from_secs(10));
    drop(held);
}
